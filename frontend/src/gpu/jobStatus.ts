// A GPU job's status in words and colour, and how long it ran, the way every GPU view shows them.
import type { GpuJob } from '../api/types'

export type StatusTone = 'good' | 'warn' | 'bad' | 'neutral'

interface StatusLook {
  words: string
  tone: StatusTone
  /** Something is under way: the dot breathes. */
  busy: boolean
}

const LOOKS: Record<string, StatusLook> = {
  queued: { words: 'Queued', tone: 'neutral', busy: false },
  running: { words: 'Running', tone: 'warn', busy: true },
  cancelling: { words: 'Cancelling', tone: 'warn', busy: true },
  succeeded: { words: 'Succeeded', tone: 'good', busy: false },
  failed: { words: 'Failed', tone: 'bad', busy: false },
  cancelled: { words: 'Cancelled', tone: 'neutral', busy: false },
}

export function statusLook(status: string): StatusLook {
  return LOOKS[status] ?? { words: status.replace(/_/g, ' '), tone: 'neutral', busy: false }
}

/** Still waiting or running: the job may change, so views keep it current. */
export function isActive(job: Pick<GpuJob, 'status'>): boolean {
  return job.status === 'queued' || job.status === 'running' || job.status === 'cancelling'
}

/** Can be cancelled: queued or running (not while it is already being stopped). */
export function canCancel(job: Pick<GpuJob, 'status'>): boolean {
  return job.status === 'queued' || job.status === 'running'
}

/** "#2 in queue" for a queued job that knows its place. */
export function queuePlace(job: Pick<GpuJob, 'status' | 'position'>): string | null {
  return job.status === 'queued' && job.position !== undefined ? `#${job.position} in queue` : null
}

/** "45 s", "3 min 5 s", "2 h 4 min". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds))
  if (whole < 60) return `${whole} s`
  const minutes = Math.floor(whole / 60)
  if (minutes < 60) return whole % 60 === 0 ? `${minutes} min` : `${minutes} min ${whole % 60} s`
  const hours = Math.floor(minutes / 60)
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
}
