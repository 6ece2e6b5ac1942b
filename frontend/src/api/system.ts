// The calls about Nimbus itself: whether it is healthy (and, for admins, whether Proxmox answers).
import { settle } from './call'
import { api } from './client'

/** Answers 503 `dependency_down` when the database does not answer. */
export const loadHealth = (signal: AbortSignal) => settle(api.GET('/health', { signal }))
