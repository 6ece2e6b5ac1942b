// Loads something once per mount (and again on `reload()` or when `key` changes),
// dropping answers that arrive after the component moved on.
import { useCallback, useEffect, useState } from 'react'
import type { Outcome } from './call'
import type { ApiFailure } from './failure'

export type LoadState<T> =
  | { phase: 'loading' }
  | { phase: 'ok'; data: T }
  | { phase: 'failed'; failure: ApiFailure }

/** `load` must be stable (a module-level function): it is an effect dependency. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<Outcome<T>>, key: unknown = null) {
  const [attempt, setAttempt] = useState(0)
  const [state, setState] = useState<LoadState<T>>({ phase: 'loading' })

  useEffect(() => {
    const controller = new AbortController()
    void load(controller.signal).then((outcome) => {
      if (controller.signal.aborted) return
      setState(outcome.ok ? { phase: 'ok', data: outcome.data } : { phase: 'failed', failure: outcome.failure })
    })
    return () => {
      controller.abort()
    }
  }, [load, attempt, key])

  /** Asks again; what is on screen stays until the answer comes. */
  const reload = useCallback(() => {
    setState((current) => (current.phase === 'failed' ? { phase: 'loading' } : current))
    setAttempt((n) => n + 1)
  }, [])

  /** Edits the loaded data in place (after a create or delete the server confirmed). */
  const update = useCallback((change: (data: T) => T) => {
    setState((current) => (current.phase === 'ok' ? { phase: 'ok', data: change(current.data) } : current))
  }, [])

  return { state, reload, update }
}
