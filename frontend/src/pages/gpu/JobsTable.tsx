// The GPU jobs as a table: id (a link to the job's page), image, command, status in words (and its
// place in the queue), how long it ran, when it was submitted; with `owners`, whose it is.
import { Link } from 'react-router'
import type { GpuJob } from '../../api/types'
import { formatDuration, queuePlace } from '../../gpu/jobStatus'
import { GpuStatusBadge } from '../../gpu/GpuStatusBadge'
import { Time } from '../../ui/Time'

export function JobsTable({ jobs, owners }: { jobs: GpuJob[]; owners: boolean }) {
  return (
    <div className="overflow-x-auto">
      <table aria-label="GPU jobs" className="w-full text-left text-[13px]">
        <thead className="eyebrow text-[10.5px]">
          <tr>
            <th className="pb-2 font-medium">Job</th>
            {owners && <th className="pb-2 font-medium">Owner</th>}
            <th className="pb-2 font-medium">Image</th>
            <th className="pb-2 font-medium">Command</th>
            <th className="pb-2 font-medium">Status</th>
            <th className="pb-2 font-medium">Duration</th>
            <th className="pb-2 font-medium">Submitted</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => {
            const place = queuePlace(job)
            return (
              <tr key={job.id} data-job={job.id} className="border-t border-line align-top">
                <td className="py-2.5 pr-3">
                  <Link to={`/gpu/jobs/${job.id}`} className="font-mono text-ink underline underline-offset-2">
                    #{job.id}
                  </Link>
                </td>
                {owners && <td className="py-2.5 pr-3 text-ink-2">{job.owner_email ?? job.owner_id}</td>}
                <td className="py-2.5 pr-3 font-mono break-all">{job.image}</td>
                <td className="max-w-[280px] py-2.5 pr-3 font-mono break-all text-ink-2">{job.command.join(' ')}</td>
                <td className="py-2.5 pr-3">
                  <GpuStatusBadge status={job.status} />
                  {place && <span className="mt-1 block text-[12px] text-ink-3">{place}</span>}
                </td>
                <td className="py-2.5 pr-3 text-ink-2">
                  {job.duration_seconds !== undefined ? formatDuration(job.duration_seconds) : '—'}
                </td>
                <td className="py-2.5 text-ink-2">
                  <Time iso={job.queued_at} />
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
