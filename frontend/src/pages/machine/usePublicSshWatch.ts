// While a machine's public SSH is being opened, its page asks about the machine every few seconds
// (the event stream has ended: the machine itself is built), until Gopher connected it or it failed.
import { useEffect } from 'react'
import type { Vm } from '../../api/types'
import { loadVm } from '../../api/vms'

export const PUBLIC_SSH_POLL_MS = 3_000

/** `update` must be stable (useLoad's): it takes the machine as it now is. */
export function usePublicSshWatch(vm: Vm | null, update: (change: (vm: Vm) => Vm) => void) {
  const id = vm?.id
  const exposing = vm?.public_ssh?.state === 'exposing'

  useEffect(() => {
    if (!exposing || id === undefined) return
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    async function ask(id: string) {
      const outcome = await loadVm(id, controller.signal)
      if (controller.signal.aborted) return
      if (outcome.ok) {
        const now = outcome.data
        // Still exposing: the effect stays, so ask again; otherwise the update ends it.
        if (now.public_ssh?.state !== 'exposing') {
          update(() => now)
          return
        }
      } else if (outcome.failure.code === 'not_found') {
        return
      }
      timer = setTimeout(() => void ask(id), PUBLIC_SSH_POLL_MS)
    }
    timer = setTimeout(() => void ask(id), PUBLIC_SSH_POLL_MS)
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [id, exposing, update])
}
