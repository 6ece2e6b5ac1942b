// The GPU plane's workers as a table: id, a "Stand-in" badge for the demo's stand-in GX10,
// online or offline in words, its last heartbeat and the job it runs (a link). Admin → Settings →
// GPU adds an action per row (Revoke).
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import type { GpuWorker } from '../api/types'
import { badge } from '../ui/styles'
import { Time } from '../ui/Time'

interface WorkersListProps {
  workers: GpuWorker[]
  /** Drawn in a last column, e.g. a Revoke button. */
  action?: (worker: GpuWorker) => ReactNode
}

export function WorkersList({ workers, action }: WorkersListProps) {
  if (workers.length === 0) {
    return <p className="text-[13px] text-ink-3">No workers yet: add one in Admin → Settings → GPU.</p>
  }
  return (
    <table aria-label="GPU workers" className="w-full text-left text-[13px]">
      <thead className="eyebrow text-[10.5px]">
        <tr>
          <th className="pb-2 font-medium">Worker</th>
          <th className="pb-2 font-medium">State</th>
          <th className="pb-2 font-medium">Last heartbeat</th>
          <th className="pb-2 font-medium">Running</th>
          {action && (
            <th className="pb-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {workers.map((worker) => (
          <tr key={worker.id} data-worker={worker.id} className="border-t border-line">
            <td className="py-2.5 pr-3">
              <span className="font-mono text-ink">{worker.id}</span>{' '}
              {worker.stand_in && <span className={badge('ink')}>Stand-in</span>}
            </td>
            <td className="py-2.5 pr-3">
              <span className={badge(worker.online ? 'good' : 'neutral')}>{worker.online ? 'Online' : 'Offline'}</span>
            </td>
            <td className="py-2.5 pr-3 text-ink-2">
              {worker.last_seen_at ? <Time iso={worker.last_seen_at} /> : 'Never'}
            </td>
            <td className="py-2.5 pr-3">
              {worker.current_job !== undefined ? (
                <Link to={`/gpu/jobs/${worker.current_job}`} className="font-mono underline underline-offset-2">
                  Job {worker.current_job}
                </Link>
              ) : (
                <span className="text-ink-3">Idle</span>
              )}
            </td>
            {action && <td className="py-2.5 text-right">{action(worker)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
