// The calls the machine pages make: the catalog the Provision form offers and the caller's quota,
// the caller's VMs, one VM, its kept private key, retrying a failed provision, the power actions
// and delete (which also withdraws a request waiting for approval, or dismisses a denied one).
// (Creating one streams, so it lives in provisionStream.ts; following one live is vmEvents.ts.)
import { settle } from './call'
import { api } from './client'

export const loadCatalog = (signal: AbortSignal) => settle(api.GET('/catalog', { signal }))

export const loadVms = (signal: AbortSignal) => settle(api.GET('/vms', { signal }))

export const loadVm = (id: string, signal?: AbortSignal) =>
  settle(api.GET('/vms/{id}', { params: { path: { id } }, ...(signal ? { signal } : {}) }))

export const loadVmPrivateKey = (id: string) => settle(api.GET('/vms/{id}/private-key', { params: { path: { id } } }))

/** A new provision with the failed one's request; answers the new VM. */
export const retryVm = (id: string) => settle(api.POST('/vms/{id}/retry', { params: { path: { id } } }))

export type PowerAction = 'start' | 'shutdown' | 'stop' | 'reboot'

/** Start, shut down, stop or reboot: answered at once (202) with the VM in its new status. */
export const powerVm = (id: string, action: PowerAction) => {
  const params = { params: { path: { id } } }
  switch (action) {
    case 'start':
      return settle(api.POST('/vms/{id}/start', params))
    case 'shutdown':
      return settle(api.POST('/vms/{id}/shutdown', params))
    case 'stop':
      return settle(api.POST('/vms/{id}/stop', params))
    case 'reboot':
      return settle(api.POST('/vms/{id}/reboot', params))
  }
}

/** Deletes a VM: answered at once (202, status `deleting`); it leaves the list when done. */
export const deleteVm = (id: string) => settle(api.DELETE('/vms/{id}', { params: { path: { id } } }))

/** The caller's quota: limits, what their machines use, and the room left (admins: exempt). */
export const loadMyQuota = (signal: AbortSignal) => settle(api.GET('/quota', { signal }))
