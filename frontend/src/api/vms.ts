// The calls the machine pages make: the catalog the Provision form offers, the caller's VMs,
// one VM, its kept private key, and retrying a failed provision. (Creating one streams, so it
// lives in provisionStream.ts; following one live is vmEvents.ts.)
import { settle } from './call'
import { api } from './client'

export const loadCatalog = (signal: AbortSignal) => settle(api.GET('/catalog', { signal }))

export const loadVms = (signal: AbortSignal) => settle(api.GET('/vms', { signal }))

export const loadVm = (id: string, signal?: AbortSignal) =>
  settle(api.GET('/vms/{id}', { params: { path: { id } }, ...(signal ? { signal } : {}) }))

export const loadVmPrivateKey = (id: string) => settle(api.GET('/vms/{id}/private-key', { params: { path: { id } } }))

/** A new provision with the failed one's request; answers the new VM. */
export const retryVm = (id: string) => settle(api.POST('/vms/{id}/retry', { params: { path: { id } } }))
