// Admin → System: the jobs Nimbus runs on its own (IP reconcile, drift detection, the LAN sweep,
// ...), in the order it started them, each with how often it runs and how its last run went.
// Read once on opening; Refresh reads them again, keeping the list on screen until the answer.
import { useState } from 'react'
import { loadJobs } from '../../api/system'
import { useLoad } from '../../api/useLoad'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { ghostButton } from '../../ui/styles'
import { JobRow } from './JobRow'

export function SystemPage() {
  const { state, reload } = useLoad(loadJobs)
  // The state Refresh was pressed on: while it is still the one shown, the answer is on its way.
  const [refreshedFrom, setRefreshedFrom] = useState<typeof state | null>(null)
  const refreshing = refreshedFrom === state
  const jobs = state.phase === 'ok' ? state.data.jobs : null

  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · System"
        title={
          <>
            Behind the <em className="italic">scenes.</em>
          </>
        }
        lead="The jobs Nimbus runs on its own: how often, when each last ran, how long it took and what it found."
      />
      <Panel
        title="Background jobs"
        description={jobs ? `${jobs.length} ${jobs.length === 1 ? 'job' : 'jobs'}, in the order Nimbus started them.` : undefined}
        aside={
          <button
            type="button"
            // aria-disabled, not disabled: the button keeps its focus while the answer comes.
            aria-disabled={refreshing || state.phase === 'loading' || undefined}
            onClick={() => {
              if (refreshing || state.phase === 'loading') return
              setRefreshedFrom(state)
              reload()
            }}
            className={`${ghostButton} h-9 px-4 text-[13px] aria-disabled:cursor-progress aria-disabled:opacity-60`}
          >
            {refreshing ? 'Refreshing…' : 'Refresh'}
          </button>
        }
      >
        <LoadStatus state={state} what="the jobs" onRetry={reload} />
        {jobs?.length === 0 && <p className="text-[13px] text-ink-3">This Nimbus runs no background jobs.</p>}
        {jobs && jobs.length > 0 && (
          <ul aria-label="Background jobs" aria-busy={refreshing}>
            {jobs.map((job) => (
              <JobRow key={job.name} job={job} />
            ))}
          </ul>
        )}
      </Panel>
    </div>
  )
}
