// /gpu/jobs/:id: one training job. Its facts (kept current by the job's log stream), Cancel while
// it is queued or running, and its output as it is written, with a link to download all of it.
import { useEffect, useId, useState } from 'react'
import { Link, useParams } from 'react-router'
import { gpuJobLogUrl } from '../../api/gpu'
import { useAuth } from '../../auth/AuthProvider'
import { canCancel } from '../../gpu/jobStatus'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { primaryButton } from '../../ui/styles'
import { CancelJob } from './CancelJob'
import { JobFacts } from './JobFacts'
import { LogView } from './LogView'
import { useJobFollow } from './useJobFollow'

/** How often a running job's duration counts up. */
const TICK_MS = 1_000

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    const timer = setInterval(() => {
      setNow(Date.now())
    }, TICK_MS)
    return () => {
      clearInterval(timer)
    }
  }, [active])
  return now
}

function JobNotFound() {
  const titleId = useId()
  return (
    <section aria-labelledby={titleId} className="glass mx-auto max-w-[480px] px-8 py-10 text-center">
      <p className="eyebrow">Not found</p>
      <h1 id={titleId} className="mt-3 text-[34px] leading-[1.1]">
        No such job
      </h1>
      <p className="mt-3 text-ink-2">Nimbus has no GPU job of yours at this address. The link may have a typo.</p>
      <Link to="/gpu" className={`${primaryButton} mt-6`}>
        Back to GPU jobs
      </Link>
    </section>
  )
}

function JobView({ id }: { id: number }) {
  const { user } = useAuth()
  const { state, follow, replaceJob } = useJobFollow(id)
  const now = useNow(state.phase === 'ok' && state.job.status === 'running')
  if (state.phase === 'failed' && state.failure.code === 'not_found') return <JobNotFound />
  if (state.phase !== 'ok') return <LoadStatus state={state} what="the job" onRetry={follow} card />
  const { job } = state
  return (
    <div className="space-y-8">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="eyebrow">
            <Link to="/gpu" className="underline-offset-2 hover:underline">
              GPU
            </Link>{' '}
            · Job
          </p>
          <h1 className="mt-3 text-[40px] leading-[1.05]">Job #{job.id}</h1>
        </div>
        {canCancel(job) && <CancelJob job={job} onCancelled={replaceJob} />}
      </header>
      <Panel title="Details">
        <JobFacts job={job} now={now} showOwner={user?.role === 'admin' && job.owner_id !== user.id} />
      </Panel>
      <Panel title="Output">
        <LogView
          log={state.log}
          trimmed={state.trimmed}
          following={state.following}
          downloadUrl={gpuJobLogUrl(job.id)}
          downloadName={`gpu-job-${job.id}.log`}
          onFollowAgain={follow}
        />
      </Panel>
    </div>
  )
}

export function GpuJobPage() {
  const { id = '' } = useParams()
  const number = /^\d+$/.test(id) ? Number(id) : null
  // Keyed by id: another job starts over (its own stream, its own output).
  return number === null ? <JobNotFound /> : <JobView key={number} id={number} />
}
