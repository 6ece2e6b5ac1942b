// /gpu: training jobs on the GPU plane. The submit form (image, command, environment, optional
// machine), then the caller's jobs (admins: everyone's, with an owner column) kept current while
// any is queued or running, and for admins the workers. When the plane is off the form is shown
// disabled under a banner saying why.
import { useCallback, useId, useState } from 'react'
import { Link } from 'react-router'
import { loadGpuJobs, loadGpuSettings } from '../../api/gpu'
import type { GpuJob } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { loadVms } from '../../api/vms'
import { useAuth } from '../../auth/AuthProvider'
import { isActive } from '../../gpu/jobStatus'
import { WorkersList } from '../../gpu/WorkersList'
import { usePoll } from '../../templates/usePoll'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { Switch } from '../../ui/Switch'
import { JobsTable } from './JobsTable'
import { PlaneBanner } from './PlaneBanner'
import { SubmitJobForm } from './SubmitJobForm'

/** How often the list is read again while a job is queued or running. */
export const GPU_POLL_MS = 3_000
/** How often the admins' workers panel is read again. */
const WORKERS_POLL_MS = 10_000

function WorkersPanel() {
  const { state, reload } = useLoad(loadGpuSettings)
  usePoll(state.phase === 'ok', WORKERS_POLL_MS, reload, state)
  return (
    <Panel title="Workers" description="The GPU boxes that claim jobs, one at a time, oldest first.">
      <LoadStatus state={state} what="the workers" onRetry={reload} />
      {state.phase === 'ok' && <WorkersList workers={state.data.workers} />}
    </Panel>
  )
}

function EveryoneSwitch({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  const labelId = useId()
  return (
    <div className="flex items-center gap-2.5">
      <span id={labelId} className="text-[13px] font-medium text-ink">
        Everyone's jobs
      </span>
      <Switch checked={checked} onChange={onChange} labelledBy={labelId} />
    </div>
  )
}

export function GpuPage() {
  const { user } = useAuth()
  const admin = user?.role === 'admin'
  const [everyone, setEveryone] = useState(false)
  const load = useCallback((signal: AbortSignal) => loadGpuJobs(everyone, signal), [everyone])
  const jobs = useLoad(load)
  const machines = useLoad(loadVms)
  const [submitted, setSubmitted] = useState<GpuJob | null>(null)
  const list = jobs.state.phase === 'ok' ? jobs.state.data : null
  usePoll(list?.jobs.some(isActive) ?? false, GPU_POLL_MS, jobs.reload, jobs.state)

  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="GPU"
        title={
          <>
            Training <em className="italic">jobs.</em>
          </>
        }
        lead="Run a container on the GPU box: jobs wait in one queue and run one at a time, oldest first."
      />
      <LoadStatus state={jobs.state} what="the GPU queue" onRetry={jobs.reload} card />
      {list && (
        <>
          <PlaneBanner plane={list.plane} admin={admin} />
          <Panel title="Submit a job" description="The command runs as given, without a shell.">
            <SubmitJobForm
              key={submitted?.id ?? 0}
              machines={machines.state.phase === 'ok' ? machines.state.data : []}
              disabled={!list.plane.enabled}
              onSubmitted={(job) => {
                setSubmitted(job)
                jobs.reload()
              }}
            />
            <p role="status" className="mt-3 text-[13px] text-good empty:hidden">
              {submitted && (
                <>
                  Job{' '}
                  <Link to={`/gpu/jobs/${submitted.id}`} className="font-mono underline underline-offset-2">
                    #{submitted.id}
                  </Link>{' '}
                  is queued.
                </>
              )}
            </p>
          </Panel>
          <Panel
            title={everyone ? 'All jobs' : 'Your jobs'}
            aside={admin ? <EveryoneSwitch checked={everyone} onChange={setEveryone} /> : undefined}
          >
            {list.jobs.length === 0 ? (
              <p className="text-[13px] text-ink-3">No jobs yet.</p>
            ) : (
              <JobsTable jobs={list.jobs} owners={everyone} />
            )}
          </Panel>
        </>
      )}
      {admin && <WorkersPanel />}
    </div>
  )
}
