// Asks the portal whether it is healthy (GET /api/health) and lets the user retry.
import { useCallback, useEffect, useState } from 'react'
import { api, type paths } from '../../api/client'
import { type ApiFailure, failureFromException, failureFromResponse } from '../../api/failure'

// Keyed by whatever media type the spec names (poem-openapi says
// `application/json; charset=utf-8`), so only the body's shape matters here.
type HealthContent = paths['/health']['get']['responses'][200]['content']
export type Health = HealthContent[keyof HealthContent]['data']

export type HealthState =
  | { phase: 'checking' }
  | { phase: 'ok'; health: Health }
  /** `retrying`: a new check is in flight while the last failure stays on screen. */
  | { phase: 'failed'; failure: ApiFailure; retrying: boolean }

async function checkHealth(signal: AbortSignal): Promise<HealthState> {
  try {
    const { data, error, response } = await api.GET('/health', { signal })
    if (data) return { phase: 'ok', health: data.data }
    return { phase: 'failed', failure: failureFromResponse(error, response), retrying: false }
  } catch (exception) {
    return { phase: 'failed', failure: failureFromException(exception), retrying: false }
  }
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
