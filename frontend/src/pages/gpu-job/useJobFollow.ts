// One GPU job, kept current: read it, then follow its log stream (which sends the output from the
// start, the job on every change, and `end` once it finished and all output was sent). The stream
// is closed when the page goes (it counts against the account's stream budget). A stream lost for
// good (refused, Nimbus gone) says so; `follow()` starts over from the start of the output.
import { useCallback, useEffect, useState } from 'react'
import type { ApiFailure } from '../../api/failure'
import { loadGpuJob } from '../../api/gpu'
import { subscribeGpuJob } from '../../api/gpuJobEvents'
import type { GpuJob } from '../../api/types'

/** `live`: output arrives as it is written; `finished`: all of it is here; `lost`: the stream broke. */
export type Following = 'connecting' | 'live' | 'finished' | 'lost'

export type JobFollowState =
  | { phase: 'loading' }
  | { phase: 'failed'; failure: ApiFailure }
  /** `trimmed`: older output was dropped from `log` (the download has all of it). */
  | { phase: 'ok'; job: GpuJob; log: string; trimmed: boolean; following: Following }

/** The most output kept on screen (characters, about bytes): the newest, from a line's start. */
export const LOG_SHOWN_CHARS = 512 * 1024

function appended(log: string, text: string): { log: string; trimmed: boolean } {
  const whole = log + text
  if (whole.length <= LOG_SHOWN_CHARS) return { log: whole, trimmed: false }
  const tail = whole.slice(whole.length - LOG_SHOWN_CHARS)
  const lineStart = tail.indexOf('\n')
  return { log: lineStart >= 0 && lineStart < tail.length - 1 ? tail.slice(lineStart + 1) : tail, trimmed: true }
}

export function useJobFollow(id: number) {
  const [state, setState] = useState<JobFollowState>({ phase: 'loading' })
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let stopped = false
    let unsubscribe: (() => void) | null = null
    const controller = new AbortController()
    const withJob = (change: (current: Extract<JobFollowState, { phase: 'ok' }>) => JobFollowState) => {
      setState((current) => (current.phase === 'ok' ? change(current) : current))
    }

    void loadGpuJob(id, controller.signal).then((outcome) => {
      if (stopped) return
      if (!outcome.ok) {
        setState({ phase: 'failed', failure: outcome.failure })
        return
      }
      setState({ phase: 'ok', job: outcome.data, log: '', trimmed: false, following: 'connecting' })
      unsubscribe = subscribeGpuJob(id, {
        onLog: (text) => {
          withJob((current) => {
            const next = appended(current.log, text)
            return { ...current, log: next.log, trimmed: current.trimmed || next.trimmed, following: 'live' }
          })
        },
        onJob: (job) => {
          withJob((current) => ({ ...current, job, following: current.following === 'connecting' ? 'live' : current.following }))
        },
        onEnd: (job) => {
          unsubscribe = null
          withJob((current) => ({ ...current, job, following: 'finished' }))
        },
        onLost: () => {
          unsubscribe = null
          withJob((current) => ({ ...current, following: 'lost' }))
        },
      })
    })
    return () => {
      stopped = true
      controller.abort()
      unsubscribe?.()
    }
  }, [id, attempt])

  /** Follows again after the stream was lost: the output is read again from its start. */
  const follow = useCallback(() => {
    setAttempt((n) => n + 1)
  }, [])

  /** The job as an action's answer left it (a cancel), until the stream says more. */
  const replaceJob = useCallback((job: GpuJob) => {
    setState((current) => (current.phase === 'ok' ? { ...current, job } : current))
  }, [])

  return { state, follow, replaceJob }
}
