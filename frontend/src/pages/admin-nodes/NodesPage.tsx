// Admin → Nodes: the cluster's nodes, read live from Proxmox and judged the way placement judges
// them for one size and system (chosen here; both live in the address as `tier` and `os`): which
// node the next machine goes to, each one's score, and why any is passed over.
import { useCallback } from 'react'
import { useSearchParams } from 'react-router'
import { loadNodes } from '../../api/admin'
import { useLoad } from '../../api/useLoad'
import { loadCatalog } from '../../api/vms'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader } from '../../ui/Panel'
import { SelectField } from '../../ui/SelectField'
import { tierName } from '../../vm/vmState'
import { NodeCard } from './NodeCard'

/** Proxmox did not answer (503 `proxmox_unavailable`), or Nimbus itself did not. */
function unreachable(code: string | undefined, kind: string): boolean {
  return code === 'proxmox_unavailable' || kind === 'unreachable'
}

export function NodesPage() {
  const [params, setParams] = useSearchParams()
  const tier = params.get('tier') ?? ''
  const os = params.get('os') ?? ''
  const catalog = useLoad(loadCatalog)
  const load = useCallback(
    (signal: AbortSignal) => loadNodes({ ...(tier ? { tier } : {}), ...(os ? { os } : {}) }, signal),
    [tier, os],
  )
  const { state, reload } = useLoad(load)
  const report = state.phase === 'ok' ? state.data : null
  const sorted = report
    ? [...report.nodes].sort((a, b) => (a.preference ?? Infinity) - (b.preference ?? Infinity))
    : []

  // What is asked for: the address's choice, else what Nimbus picked when there was none.
  const shownTier = tier || (report?.tier ?? '')
  const shownOs = os || (report?.os ?? '')

  function choose(change: { tier?: string; os?: string }) {
    const next = { tier: shownTier, os: shownOs, ...change }
    setParams(new URLSearchParams(Object.entries(next).filter(([, value]) => value !== '')), { replace: true })
  }

  const tiers = catalog.state.phase === 'ok' ? catalog.state.data.tiers : []
  const systems = catalog.state.phase === 'ok' ? catalog.state.data.os : []
  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · Nodes"
        title={
          <>
            Where machines <em className="italic">land.</em>
          </>
        }
        lead="Each node’s load, read live from Proxmox, and how placement scores it for the size and system below."
      />
      <div className="glass flex flex-wrap items-end gap-3 p-5">
        <SelectField
          label="Size"
          className="w-full sm:w-[200px]"
          value={shownTier}
          onChange={(event) => {
            choose({ tier: event.target.value })
          }}
        >
          {tiers.length === 0 && <option value={shownTier}>{shownTier}</option>}
          {tiers.map((t) => (
            <option key={t.name} value={t.name}>
              {tierName(t.name)} · {t.vcpus} vCPU
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Operating system"
          className="w-full sm:w-[240px]"
          value={shownOs}
          onChange={(event) => {
            choose({ os: event.target.value })
          }}
        >
          {systems.length === 0 && <option value={shownOs}>{shownOs}</option>}
          {systems.map((system) => (
            <option key={system.key} value={system.key}>
              {system.label}
            </option>
          ))}
        </SelectField>
        <p className="pb-3 text-[12.5px] text-ink-3">The next machine of this kind goes to the node ranked first.</p>
      </div>

      <LoadStatus state={state} what="the nodes" failedLead="Could not read the nodes" onRetry={reload} card>
        {state.phase === 'failed' && unreachable(state.failure.code, state.failure.kind) && (
          <p className="mt-1.5">
            Proxmox is unreachable right now. The nodes are read live from it, so this page fills in again once it
            answers.
          </p>
        )}
      </LoadStatus>
      {report?.nodes.length === 0 && <p className="text-[13px] text-ink-3">Proxmox reports no nodes.</p>}
      {report && report.nodes.length > 0 && (
        <ul aria-label="Nodes" className="grid gap-4 lg:grid-cols-2">
          {sorted.map((node) => (
            <NodeCard key={node.name} node={node} />
          ))}
        </ul>
      )}
    </div>
  )
}
