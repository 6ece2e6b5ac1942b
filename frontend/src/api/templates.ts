// The calls of Admin → Templates: the nodes × OSes grid with each bake's progress, and starting
// the bootstrap (everything missing, one node and OS rebuilt, or every template rebuilt).
import { settle } from './call'
import { api } from './client'
import type { BootstrapRequest } from './types'

/** Every node × OS with its template and its last bake; `running` while a bootstrap is under way. */
export const loadBootstrapStatus = (signal: AbortSignal) => settle(api.GET('/admin/bootstrap-status', { signal }))

/** Starts the bootstrap; answered at once (202) with what was queued. `{}` bakes everything missing.
 * Refused with 409 `bootstrap_running` while one runs, 400 naming `os` or `nodes`. */
export const startBootstrap = (request: BootstrapRequest) =>
  settle(api.POST('/admin/bootstrap-templates', { body: request }))
