// What there is to know about one GPU job, as a definition list: status in words, image, command
// (its arguments), environment, machine, worker, the times, duration, exit code, reason, artifact.
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import type { GpuJob } from '../../api/types'
import { formatDuration, queuePlace } from '../../gpu/jobStatus'
import { GpuStatusBadge } from '../../gpu/GpuStatusBadge'
import { Time } from '../../ui/Time'

function Args({ args }: { args: string[] }) {
  return (
    <span className="flex flex-wrap justify-end gap-1">
      {args.map((arg, index) => (
        <code key={index} className="rounded bg-ink/[0.06] px-1.5 py-0.5">
          {arg === '' ? '(empty)' : arg}
        </code>
      ))}
    </span>
  )
}

/** `now`: the clock, so a running job's duration counts up between updates. */
export function JobFacts({ job, now, showOwner }: { job: GpuJob; now: number; showOwner: boolean }) {
  const place = queuePlace(job)
  const started = job.started_at ? Date.parse(job.started_at) : Number.NaN
  const duration =
    job.status === 'running' && !Number.isNaN(started)
      ? (now - started) / 1000
      : job.duration_seconds
  const rows: [string, ReactNode][] = [
    [
      'Status',
      <span key="status" className="inline-flex items-center gap-2">
        <GpuStatusBadge status={job.status} />
        {place && <span className="text-ink-3">{place}</span>}
      </span>,
    ],
  ]
  if (showOwner) rows.push(['Owner', job.owner_email ?? job.owner_id])
  rows.push(['Image', job.image], ['Command', <Args key="command" args={job.command} />])
  rows.push([
    'Environment',
    job.env.length === 0 ? '—' : <Args key="env" args={job.env.map((v) => `${v.name}=${v.value}`)} />,
  ])
  if (job.vm_id) {
    rows.push([
      'Machine',
      <Link key="vm" to={`/machines/${encodeURIComponent(job.vm_id)}`} className="underline underline-offset-2">
        {job.vm_id}
      </Link>,
    ])
  }
  rows.push(['Worker', job.worker ?? '—'])
  rows.push(['Queued', <Time key="queued" iso={job.queued_at} />])
  rows.push(['Started', job.started_at ? <Time key="started" iso={job.started_at} /> : '—'])
  rows.push(['Finished', job.finished_at ? <Time key="finished" iso={job.finished_at} /> : '—'])
  rows.push(['Duration', duration !== undefined ? formatDuration(duration) : '—'])
  rows.push(['Exit code', job.exit_code ?? '—'])
  if (job.reason) rows.push(['Reason', job.reason])
  rows.push(['Artifact', job.artifact ?? '—'])
  if (job.requeues > 0) rows.push(['Requeued', `${job.requeues} ${job.requeues === 1 ? 'time' : 'times'} (a worker went quiet)`])
  return (
    <dl className="grid gap-x-6 text-[13px] sm:grid-cols-2">
      {rows.map(([term, value]) => (
        <div key={term} className="flex items-baseline justify-between gap-4 border-b border-line py-2.5">
          <dt className="shrink-0 text-ink-3">{term}</dt>
          <dd className="min-w-0 text-right font-mono text-[12.5px] break-all text-ink">{value}</dd>
        </div>
      ))}
    </dl>
  )
}
