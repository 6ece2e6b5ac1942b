// Reconcile on the IP pool page: the last pass's report (when, how many addresses it changed,
// whether it could read everything, and the conflicts it will not fix on its own), and a button
// that runs one now and shows its report.
import { useState } from 'react'
import { loadLastReconcile, reconcileNow } from '../../api/admin'
import type { ApiFailure } from '../../api/failure'
import type { ReconcileReport } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { primaryButton } from '../../ui/styles'
import { Time } from '../../ui/Time'

const CONFLICTS: Record<string, string> = {
  different_guest: 'Another guest has it',
  duplicate_claim: 'Claimed twice',
  reserved_but_claimed: 'Reserved, but a guest claims it',
  reserved_but_answering: 'Reserved, but something answers on it',
}

function Report({ report }: { report: ReconcileReport }) {
  if (!report.at) return <p className="text-[13px] text-ink-3">Never run since Nimbus started.</p>
  return (
    <div className="space-y-3 text-[13px] text-ink-2">
      <p data-field="summary">
        Ran <Time iso={report.at} />: {report.applied} {report.applied === 1 ? 'address' : 'addresses'} changed,{' '}
        {report.unchanged} unchanged, {report.conflicts.length} {report.conflicts.length === 1 ? 'conflict' : 'conflicts'}.
      </p>
      {report.partial && (
        <p role="note" className="rounded-xl border border-warn/25 bg-warn/[0.07] px-4 py-3">
          <span className="font-medium text-warn">Partial:</span> some guest’s configuration could not be read, so no
          address was counted as missed this time.
        </p>
      )}
      {report.conflicts.length > 0 && (
        <ul aria-label="Conflicts" className="divide-y divide-line border-y border-line">
          {report.conflicts.map((conflict) => (
            <li key={`${conflict.kind}:${conflict.ip}`} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2.5">
              <code className="font-mono text-[12.5px] text-ink">{conflict.ip}</code>
              <span className="font-medium text-bad">{CONFLICTS[conflict.kind] ?? conflict.kind.replace(/_/g, ' ')}</span>
              <span>{conflict.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

export function ReconcilePanel({ onReconciled }: { onReconciled: () => void }) {
  const { state, reload, update } = useLoad(loadLastReconcile)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)

  async function run() {
    setBusy(true)
    setFailure(null)
    const outcome = await reconcileNow()
    setBusy(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    update(() => outcome.data)
    onReconciled()
  }

  return (
    <Panel
      title="Reconcile"
      description="Nimbus compares the pool with what Proxmox and the LAN say, on its own every few minutes: it adopts, frees and flags addresses."
      aside={
        <button type="button" onClick={() => void run()} disabled={busy} className={`${primaryButton} h-9 px-4 text-[13px]`}>
          {busy ? 'Reconciling…' : 'Reconcile now'}
        </button>
      }
    >
      {failure && (
        <div className="mb-4">
          <FailureAlert failure={failure} lead="Could not reconcile" />
        </div>
      )}
      <LoadStatus state={state} what="the last report" onRetry={reload} />
      {state.phase === 'ok' && <Report report={state.data} />}
    </Panel>
  )
}
