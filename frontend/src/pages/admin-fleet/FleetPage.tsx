// Admin → Fleet (the mockup's admin screen, and the admin pages' front door): the fleet's figures,
// the IP pool at a glance, the approval queue, every owner's machines with filters and actions
// (and their public SSH and URLs, from the cluster's list of guests), and how provisioning has gone
// lately. Export CSV saves the machines the table shows.
import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { loadAllVms, loadApprovals, loadClusterVms, loadFleetStats, loadProvisionMetrics } from '../../api/admin'
import type { ClusterVm } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { FailureAlert } from '../../ui/FailureAlert'
import { saveTextFile } from '../../ui/files'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { ghostButton, primaryButton } from '../../ui/styles'
import type { ActionFailure } from '../../vm/actions'
import { useMachines } from '../../vm/useMachines'
import { ApprovalQueue } from './ApprovalQueue'
import { csvFileName, machinesCsv } from './csv'
import { filterMachines, filtersFrom, filtersToParams, type MachineFilters } from './filters'
import { MachinesTable } from './MachinesTable'
import { MetricsPanel } from './MetricsPanel'
import { PoolCard } from './PoolCard'
import { StatCards } from './StatCards'

/** Nimbus's own guests by machine id (foreign ones have none). */
function guestsById(list: ClusterVm[]): Map<string, ClusterVm> {
  return new Map(list.flatMap((guest) => (guest.id ? [[guest.id, guest] as const] : [])))
}

export function FleetPage() {
  const [params, setParams] = useSearchParams()
  const filters = filtersFrom(params)
  const stats = useLoad(loadFleetStats)
  const approvals = useLoad(loadApprovals)
  const metrics = useLoad(loadProvisionMetrics)
  const machines = useMachines(loadAllVms)
  const cluster = useLoad(loadClusterVms)
  const guests = cluster.state.phase === 'ok' ? guestsById(cluster.state.data) : null
  const [failure, setFailure] = useState<ActionFailure | null>(null)
  const all = machines.state.phase === 'ok' ? machines.state.data : null
  const shown = all ? filterMachines(all, filters) : []

  function setFilters(next: MachineFilters) {
    setParams(filtersToParams(next), { replace: true })
  }

  const onBehalf = filters.owner ? `/provision?for=${encodeURIComponent(filters.owner)}` : '/provision'
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-end justify-between gap-6">
        <PageHeader
          eyebrow="Admin · Fleet view"
          title={
            <>
              The whole <em className="italic">fleet.</em>
            </>
          }
          lead="Every machine, every IP, every approval. Across all members."
        />
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            disabled={all === null}
            onClick={() => {
              saveTextFile(csvFileName(), machinesCsv(shown))
            }}
            className={ghostButton}
          >
            Export CSV
          </button>
          <Link to={onBehalf} className={primaryButton}>
            <span aria-hidden="true">+</span> Provision on behalf
          </Link>
        </div>
      </div>

      <StatCards state={stats.state} approvals={approvals.state.phase === 'ok' ? approvals.state.data : null} onRetry={stats.reload} />
      {stats.state.phase === 'ok' && <PoolCard pool={stats.state.data.pool} />}

      <ApprovalQueue
        state={approvals.state}
        onRetry={approvals.reload}
        onDecided={(vm) => {
          approvals.update((queue) => queue.filter((request) => request.id !== vm.id))
          stats.reload()
          machines.reload()
        }}
      />

      <Panel title="All machines" description="Across every member. Click a row for its details.">
        {failure && (
          <div className="mb-4">
            <FailureAlert failure={failure.failure} lead={failure.lead} />
          </div>
        )}
        {machines.stale && (
          <p role="status" className="mb-3 text-[12.5px] text-ink-3">
            Lost touch with Nimbus ({machines.stale.message}); trying again…
          </p>
        )}
        <LoadStatus state={machines.state} what="every machine" failedLead="Could not load the machines" onRetry={machines.reload} />
        {all && (
          <MachinesTable
            all={all}
            shown={shown}
            guests={guests}
            filters={filters}
            onFilters={setFilters}
            onChanged={machines.replace}
            onFailure={setFailure}
          />
        )}
      </Panel>

      <MetricsPanel state={metrics.state} onRetry={metrics.reload} />
    </div>
  )
}
