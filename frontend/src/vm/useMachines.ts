// The person's machines (or, for the admin's fleet page, everyone's), kept current: read once, then
// read again every two seconds while any of them is on its way somewhere (starting, stopping,
// rebooting, deleting, being built, waiting for an admin's approval), and not at all once none is. An action's answer replaces its machine at once; a read that was already
// under way when it came is dropped, so it cannot put back the status from before the action.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Outcome } from '../api/call'
import type { ApiFailure } from '../api/failure'
import type { Vm } from '../api/types'
import { useLoad } from '../api/useLoad'
import { loadVms } from '../api/vms'
import { isTransitional, isWaiting } from './actions'

export const POLL_MS = 2_000
/** A request waiting for an admin changes rarely: asked about less often. */
export const WAITING_POLL_MS = 5_000

/** `load` must be stable (a module-level function): the caller's machines by default. */
export function useMachines(load: (signal: AbortSignal) => Promise<Outcome<Vm[]>> = loadVms) {
  const { state, reload, update } = useLoad(load)
  /** The last refresh failed (the list on screen may be stale); cleared by the next one that works. */
  const [stale, setStale] = useState<ApiFailure | null>(null)
  /** Hostnames of machines that were being deleted and have now left the list. */
  const [gone, setGone] = useState<string[]>([])
  /** Bumped by every local change, so a refresh begun before it is not applied over it. */
  const generation = useRef(0)
  /** Machines being deleted (id → hostname), to say so when they disappear. */
  const deleting = useRef(new Map<string, string>())
  const pace =
    state.phase !== 'ok'
      ? null
      : state.data.some(isTransitional)
        ? POLL_MS
        : state.data.some(isWaiting)
          ? WAITING_POLL_MS
          : null

  useEffect(() => {
    if (pace === null) return
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const schedule = () => {
      timer = setTimeout(() => void refresh(), pace)
    }
    async function refresh() {
      const seen = generation.current
      const outcome = await load(controller.signal)
      if (controller.signal.aborted) return
      if (generation.current === seen) {
        if (outcome.ok) {
          const present = new Set(outcome.data.map((vm) => vm.id))
          const left = [...deleting.current].filter(([id]) => !present.has(id))
          for (const [id] of left) deleting.current.delete(id)
          if (left.length > 0) setGone(left.map(([, hostname]) => hostname))
          setStale(null)
          update(() => outcome.data)
        } else {
          setStale(outcome.failure)
        }
      }
      schedule()
    }
    schedule()
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [pace, update, load])

  /** A machine as an action's answer has it now. */
  const replace = useCallback(
    (vm: Vm) => {
      generation.current += 1
      if (vm.status === 'deleting') deleting.current.set(vm.id, vm.hostname)
      update((vms) => vms.map((current) => (current.id === vm.id ? vm : current)))
    },
    [update],
  )

  return { state, reload, replace, stale, gone }
}
