// Asks again `ms` after each answer while `active`; stops as soon as it is not (or the page goes).
import { useEffect } from 'react'

/** `tick` must be stable; `answer` changes with each answer, so each one schedules the next ask. */
export function usePoll(active: boolean, ms: number, tick: () => void, answer: unknown) {
  useEffect(() => {
    if (!active) return
    const timer = setTimeout(tick, ms)
    return () => {
      clearTimeout(timer)
    }
  }, [active, ms, tick, answer])
}
