// Following one GPU job live: GET /api/gpu/jobs/{id}/logs/stream is a server-sent event stream.
// `log` events (`id: <seq>`, data `{seq, text}`) carry the output in order, from the start; `job`
// events carry the whole job on every change; `end` carries the finished job once all its output
// was sent, and then the stream closes. A large chunk comes as several `log` events with the same
// seq. EventSource reconnects by itself after a dropped connection, sending the last seq it saw
// (Last-Event-ID) so Nimbus goes on from the next chunk; an older seq is skipped all the same. A refused stream (too many streams, signed out, not found) or an
// `error` event from Nimbus ends it for good: `onLost`. The stream counts against the account's
// stream budget: stop it when leaving the page.
import type { GpuJob } from './types'

export interface GpuJobEventHandlers {
  onLog: (text: string) => void
  onJob: (job: GpuJob) => void
  /** The job finished and all its output arrived; the stream is closed. */
  onEnd: (job: GpuJob) => void
  /** The stream closed for good without being asked to (not a transient drop). */
  onLost: () => void
}

/** An event's JSON data; null when garbled (the event is skipped). */
function parse(event: Event): unknown {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as unknown
  } catch {
    return null
  }
}

function isChunk(value: unknown): value is { seq: number; text: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'seq' in value &&
    typeof value.seq === 'number' &&
    'text' in value &&
    typeof value.text === 'string'
  )
}

function isJob(value: unknown): value is GpuJob {
  return typeof value === 'object' && value !== null && 'id' in value && 'status' in value
}

/** Starts following job `id`; the returned function stops. */
export function subscribeGpuJob(id: number, { onLog, onJob, onEnd, onLost }: GpuJobEventHandlers): () => void {
  const source = new EventSource(`/api/gpu/jobs/${id}/logs/stream`)
  let open = true
  let lastSeq = -1
  source.addEventListener('log', (event) => {
    const chunk = parse(event)
    if (!open || !isChunk(chunk) || chunk.seq < lastSeq) return
    lastSeq = chunk.seq
    onLog(chunk.text)
  })
  source.addEventListener('job', (event) => {
    const job = parse(event)
    if (open && isJob(job)) onJob(job)
  })
  source.addEventListener('end', (event) => {
    const job = parse(event)
    if (!open) return
    // The server closes the stream now; closing first stops EventSource reconnecting.
    open = false
    source.close()
    if (isJob(job)) onEnd(job)
    else onLost()
  })
  source.addEventListener('error', (event) => {
    // A failed connection EventSource retries by itself, unless it was refused; an `error` event
    // from Nimbus (`{code, message}`) ends the stream, which EventSource would reopen forever.
    const told = event instanceof MessageEvent && typeof event.data === 'string'
    if (!open || (!told && source.readyState !== EventSource.CLOSED)) return
    open = false
    source.close()
    onLost()
  })
  return () => {
    open = false
    source.close()
  }
}
