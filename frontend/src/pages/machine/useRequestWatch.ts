// A request waiting for an admin's approval, watched from its page. Its event stream ends at once
// (a waiting request is at rest), so the page asks about it every few seconds instead: approved,
// it moves to the progress page to follow the build; denied (or built already), it shows that.
import { useEffect } from 'react'
import { useNavigate } from 'react-router'
import type { Vm } from '../../api/types'
import { loadVm } from '../../api/vms'

export const REQUEST_POLL_MS = 3_000

/** `update` must be stable (useLoad's): it takes the request as it now is. */
export function useRequestWatch(vm: Vm | null, update: (change: (vm: Vm) => Vm) => void) {
  const navigate = useNavigate()
  const id = vm?.id
  const waiting = vm?.status === 'pending_approval'

  useEffect(() => {
    if (!waiting || id === undefined) return
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    async function ask(id: string) {
      const outcome = await loadVm(id, controller.signal)
      if (controller.signal.aborted) return
      if (outcome.ok && outcome.data.status === 'provisioning') {
        void navigate(`/machines/${encodeURIComponent(id)}/progress`, { replace: true })
        return
      }
      if (outcome.ok && outcome.data.status !== 'pending_approval') {
        const now = outcome.data
        update(() => now)
        return
      }
      // Gone (withdrawn elsewhere): nothing more to wait for. Not answering: ask again later.
      if (!outcome.ok && outcome.failure.code === 'not_found') return
      timer = setTimeout(() => void ask(id), REQUEST_POLL_MS)
    }
    timer = setTimeout(() => void ask(id), REQUEST_POLL_MS)
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [id, waiting, navigate, update])
}
