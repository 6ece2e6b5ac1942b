// One VM, kept current: read it at once, then follow its event stream until it settles (built,
// or failed and cleaned up). Opening the page again (a reload) simply starts over, which is how
// a timeline "re-attaches". If the stream is refused part-way, the VM is read again and, while
// it is still changing, followed again after a pause.
import { useEffect, useState } from 'react'
import type { ApiFailure } from '../../api/failure'
import type { Vm } from '../../api/types'
import { subscribeVm } from '../../api/vmEvents'
import { loadVm } from '../../api/vms'
import { isSettled } from '../../vm/vmState'

export type WatchState =
  | { phase: 'loading' }
  | { phase: 'ok'; vm: Vm; reconnecting: boolean }
  | { phase: 'failed'; failure: ApiFailure }

/** Pause before following again after the stream was lost, growing to a ceiling. */
const RETRY_MS = [250, 2_000, 5_000, 10_000]

/** `id` is fixed for the component's life (the page is keyed by it). */
export function useVmWatch(id: string): WatchState {
  const [state, setState] = useState<WatchState>({ phase: 'loading' })

  useEffect(() => {
    let stopped = false
    let unsubscribe: (() => void) | null = null
    let timer: ReturnType<typeof setTimeout> | undefined
    let lost = 0
    let shown = false
    const controller = new AbortController()

    function again() {
      timer = setTimeout(() => void follow(), RETRY_MS[Math.min(lost, RETRY_MS.length - 1)])
      lost += 1
    }

    async function follow() {
      const outcome = await loadVm(id, controller.signal)
      if (stopped) return
      if (!outcome.ok) {
        // Keep showing what we had (and keep trying) while Nimbus is away; a VM that is gone is
        // gone, and a first read that fails is the page's to report.
        const keep = shown && outcome.failure.code !== 'not_found'
        setState((current) =>
          keep && current.phase === 'ok' ? { ...current, reconnecting: true } : { phase: 'failed', failure: outcome.failure },
        )
        if (keep) again()
        return
      }
      shown = true
      setState({ phase: 'ok', vm: outcome.data, reconnecting: false })
      if (isSettled(outcome.data)) return
      unsubscribe = subscribeVm(id, {
        onVm: (vm) => {
          lost = 0
          setState({ phase: 'ok', vm, reconnecting: false })
          if (isSettled(vm)) {
            // The server ends the stream now; closing first stops EventSource reconnecting.
            unsubscribe?.()
            unsubscribe = null
          }
        },
        onLost: () => {
          unsubscribe = null
          setState((current) => (current.phase === 'ok' ? { ...current, reconnecting: true } : current))
          again()
        },
      })
    }

    void follow()
    return () => {
      stopped = true
      controller.abort()
      clearTimeout(timer)
      unsubscribe?.()
    }
  }, [id])

  return state
}
