// The calls about Nimbus itself: whether it is healthy (and, for admins, whether Proxmox answers),
// and the background jobs it runs with how each one's last run went (admins).
import { settle } from './call'
import { api } from './client'

/** Answers 503 `dependency_down` when the database does not answer. */
export const loadHealth = (signal: AbortSignal) => settle(api.GET('/health', { signal }))

/** Every background job in the order Nimbus started them, each with its last report if it ran. */
export const loadJobs = (signal: AbortSignal) => settle(api.GET('/system/jobs', { signal }))
