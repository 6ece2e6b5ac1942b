// Following one VM live: GET /api/vms/{id}/events is a server-sent event stream whose `vm`
// events each carry the whole VM (the first one at once). The browser's EventSource sends the
// session cookie (same origin) and reconnects by itself after a dropped connection; a refused
// one (signed out, not found), or an `error` event from Nimbus, ends it for good: `onLost`.
import type { Vm } from './types'

export interface VmEventHandlers {
  onVm: (vm: Vm) => void
  /** The stream closed for good without being asked to (not a transient drop). */
  onLost: () => void
}

/** Starts following VM `id`; the returned function stops. */
export function subscribeVm(id: string, { onVm, onLost }: VmEventHandlers): () => void {
  const source = new EventSource(`/api/vms/${encodeURIComponent(id)}/events`)
  let open = true
  source.addEventListener('vm', (event) => {
    let vm: Vm
    try {
      vm = JSON.parse((event as MessageEvent<string>).data) as Vm
    } catch {
      return // A garbled event: the next one carries the whole VM again.
    }
    if (open) onVm(vm)
  })
  source.addEventListener('error', (event) => {
    // Either the connection failed (EventSource retries by itself unless it was refused), or
    // Nimbus sent an `error` event (`{code, message}`: gone, signed out) and is ending the
    // stream, which EventSource would reopen forever.
    const told = event instanceof MessageEvent && typeof event.data === 'string'
    if (!open || (!told && source.readyState !== EventSource.CLOSED)) return
    open = false
    source.close()
    onLost()
  })
  return () => {
    open = false
    source.close()
  }
}
