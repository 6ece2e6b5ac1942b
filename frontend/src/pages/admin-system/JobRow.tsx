// One background job on the System page: what it does (and its stable name), how often it runs,
// and its last run: when, how long it took, how it went (a badge that says it in words, not only
// in colour) and what it did in one line; or that it has not run yet.
import { useId } from 'react'
import type { Job, JobOutcome } from '../../api/types'
import { formatElapsed } from '../../ui/format'
import { badge } from '../../ui/styles'
import { Time } from '../../ui/Time'

const OUTCOMES: Record<JobOutcome, { tone: 'good' | 'warn' | 'bad'; dot: string }> = {
  ok: { tone: 'good', dot: 'bg-good' },
  warning: { tone: 'warn', dot: 'bg-warn' },
  failed: { tone: 'bad', dot: 'bg-bad' },
}

/** "every 30 s", "every 5 min", "every 6 h". */
export function intervalWords(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `every ${seconds / 3600} h`
  if (seconds >= 60 && seconds % 60 === 0) return `every ${seconds / 60} min`
  return `every ${seconds} s`
}

function OutcomeBadge({ outcome }: { outcome: JobOutcome }) {
  const { tone, dot } = OUTCOMES[outcome]
  return (
    <span data-outcome={outcome} className={`${badge(tone)} gap-1.5`}>
      <span aria-hidden="true" className={`size-1.5 rounded-full ${dot}`} />
      {outcome}
    </span>
  )
}

export function JobRow({ job }: { job: Job }) {
  const titleId = useId()
  return (
    <li aria-labelledby={titleId} data-job={job.name} className="border-b border-line py-4 first:pt-0 last:border-b-0 last:pb-0">
      <div className="flex flex-wrap items-start justify-between gap-x-6 gap-y-2">
        <div className="min-w-0">
          <h3 id={titleId} className="text-[17px] leading-snug text-ink">
            {job.title}
          </h3>
          <p className="mt-0.5 font-mono text-[11.5px] text-ink-3">
            {job.name} · {intervalWords(job.interval_seconds)}
          </p>
        </div>
        {job.outcome && <OutcomeBadge outcome={job.outcome} />}
      </div>
      <dl className="mt-2.5 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-0.5 text-[12.5px]">
        <dt className="text-ink-3">Last run</dt>
        <dd className="text-ink-2">{job.last_run_at ? <Time iso={job.last_run_at} /> : 'Never run yet'}</dd>
        {job.duration_ms !== undefined && (
          <>
            <dt className="text-ink-3">Took</dt>
            <dd className="font-mono text-[12px] text-ink-2">{formatElapsed(job.duration_ms)}</dd>
          </>
        )}
      </dl>
      {job.summary && <p className="mt-2 text-[13px] text-ink-2">{job.summary}</p>}
    </li>
  )
}
