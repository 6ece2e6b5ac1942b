// Asks the portal whether it is healthy (GET /api/health) and lets the user retry.
import { useCallback, useEffect, useState } from 'react'
import type { ApiFailure } from '../../api/failure'
import { loadHealth } from '../../api/system'
import type { Health } from '../../api/types'

export type HealthState =
  | { phase: 'checking' }
  | { phase: 'ok'; health: Health }
  /** `retrying`: a new check is in flight while the last failure stays on screen. */
  | { phase: 'failed'; failure: ApiFailure; retrying: boolean }

async function checkHealth(signal: AbortSignal): Promise<HealthState> {
  const outcome = await loadHealth(signal)
  return outcome.ok
    ? { phase: 'ok', health: outcome.data }
    : { phase: 'failed', failure: outcome.failure, retrying: false }
}

export function useHealth(): { state: HealthState; retry: () => void } {
  const [attempt, setAttempt] = useState(0)
  const [state, setState] = useState<HealthState>({ phase: 'checking' })

  useEffect(() => {
    const controller = new AbortController()
    void checkHealth(controller.signal).then((next) => {
      // A superseded or unmounted check must not overwrite a newer answer.
      if (!controller.signal.aborted) setState(next)
    })
    return () => {
      controller.abort()
    }
  }, [attempt])

  const retry = useCallback(() => {
    setState((current) =>
      current.phase === 'failed' ? { ...current, retrying: true } : { phase: 'checking' },
    )
    setAttempt((n) => n + 1)
  }, [])

  return { state, retry }
}
