// The fleet's figures at the top of the Fleet page (the mockup's four cards): machines active and
// new this week, how full the IP pool is, requests waiting for approval, and the average time a
// provision takes; under them, the cluster's own figures in one line, when Proxmox answers.
import { useId } from 'react'
import { Link } from 'react-router'
import type { FleetStats, Vm } from '../../api/types'
import type { LoadState } from '../../api/useLoad'
import { formatElapsed } from '../../ui/format'
import { LoadStatus } from '../../ui/LoadStatus'
import { formatBytes, formatPercent, fullness, share } from '../../ui/units'
import { tierName } from '../../vm/vmState'

function StatCard({ label, value, note }: { label: string; value: string; note: string }) {
  const id = useId()
  return (
    <section aria-labelledby={id} className="glass px-5 py-4">
      <h2 id={id} className="eyebrow text-[10.5px]">
        {label}
      </h2>
      <p data-field="value" className="mt-2 font-serif text-[34px] leading-none tracking-[-0.02em] text-ink">
        {value}
      </p>
      <p data-field="note" className="mt-2 font-mono text-[11px] text-ink-3">
        {note}
      </p>
    </section>
  )
}

/** What the waiting requests are: "XL tier requests" when they are all one size. */
export function pendingNote(count: number, approvals: Vm[] | null): string {
  if (count === 0) return 'nothing waiting'
  const tiers = new Set(approvals?.map((vm) => vm.tier) ?? [])
  const [only] = tiers
  if (tiers.size === 1 && only !== undefined) return `${tierName(only)} tier ${count === 1 ? 'request' : 'requests'}`
  return count === 1 ? 'request to review' : 'requests to review'
}

function ClusterLine({ cluster }: { cluster: FleetStats['cluster'] }) {
  if (!cluster) {
    return <p className="text-[12.5px] text-ink-3">Proxmox cannot be read right now, so the cluster’s own figures are missing.</p>
  }
  return (
    <p className="text-[12.5px] text-ink-3">
      Cluster: {cluster.nodes_online} of {cluster.nodes_total} nodes online · {cluster.cpus} CPUs at{' '}
      {formatPercent(cluster.cpu_load)} load · {formatBytes(cluster.mem_used)} of {formatBytes(cluster.mem_total)} memory ·{' '}
      {cluster.guests_running} of {cluster.guests_total} guests running.{' '}
      <Link to="/admin/nodes" className="font-medium text-ink underline decoration-line-strong underline-offset-2">
        See the nodes
      </Link>
    </p>
  )
}

export function StatCards({ state, approvals, onRetry }: { state: LoadState<FleetStats>; approvals: Vm[] | null; onRetry: () => void }) {
  if (state.phase !== 'ok') return <LoadStatus state={state} what="the fleet’s figures" onRetry={onRetry} card />
  const stats = state.data
  const { pool } = stats
  const used = pool.allocated + pool.reserved
  const fraction = share(used, pool.total)
  const average = stats.avg_provision_ms
  return (
    <div className="space-y-3">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard
          label="Active machines"
          value={String(stats.machines_active)}
          note={`+${stats.machines_new_this_week} this week`}
        />
        <StatCard
          label="IP pool used"
          value={`${used} / ${pool.total}`}
          note={pool.total === 0 ? 'no pool configured' : `${formatPercent(fraction)} — ${fullness(fraction)}`}
        />
        <StatCard
          label="Pending approval"
          value={String(stats.pending_approvals)}
          note={pendingNote(stats.pending_approvals, approvals)}
        />
        <StatCard
          label="Avg provision time"
          value={typeof average === 'number' ? formatElapsed(average) : '—'}
          note={typeof average === 'number' ? 'last 7 days' : 'none in the last 7 days'}
        />
      </div>
      <ClusterLine cluster={stats.cluster} />
    </div>
  )
}
