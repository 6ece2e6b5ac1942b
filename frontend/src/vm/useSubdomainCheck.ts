// Asks Nimbus whether a subdomain is free once typing has paused (CHECK_DELAY_MS), so a tunnel's
// name can be judged before it is sent. Answers for a value no longer in the field are dropped.
import { useEffect, useState } from 'react'
import type { Outcome } from '../api/call'
import { checkSubdomain } from '../api/tunnels'
import type { SubdomainCheck } from '../api/types'

export const CHECK_DELAY_MS = 300

export type SubdomainCheckState =
  | { phase: 'idle' }
  | { phase: 'checking' }
  | { phase: 'answered'; outcome: Outcome<SubdomainCheck> }

export function useSubdomainCheck(value: string): SubdomainCheckState {
  const wanted = value.trim()
  const [answer, setAnswer] = useState<{ for: string; outcome: Outcome<SubdomainCheck> } | null>(null)

  useEffect(() => {
    if (wanted === '') return
    const controller = new AbortController()
    const timer = setTimeout(() => {
      void checkSubdomain(wanted, controller.signal).then((outcome) => {
        if (!controller.signal.aborted) setAnswer({ for: wanted, outcome })
      })
    }, CHECK_DELAY_MS)
    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [wanted])

  if (wanted === '') return { phase: 'idle' }
  if (answer?.for !== wanted) return { phase: 'checking' }
  return { phase: 'answered', outcome: answer.outcome }
}
