// The approval queue on the Fleet page: requests for sizes that need an admin, oldest first, each
// with its owner, size, age and the reason given. Approve starts the build at once; Deny asks why
// first. What Nimbus refuses (already decided, no room in the quota, no capacity) is shown here.
import { useState } from 'react'
import { approveRequest } from '../../api/admin'
import type { ApiFailure } from '../../api/failure'
import type { Vm } from '../../api/types'
import type { LoadState } from '../../api/useLoad'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { badge, chipButton, inkChipButton } from '../../ui/styles'
import { Time } from '../../ui/Time'
import { DenyDialog } from './DenyDialog'

interface ApprovalQueueProps {
  state: LoadState<Vm[]>
  onRetry: () => void
  /** A request was approved or denied: the queue drops it, the page refreshes its figures. */
  onDecided: (vm: Vm) => void
}

export function ApprovalQueue({ state, onRetry, onDecided }: ApprovalQueueProps) {
  const [busy, setBusy] = useState<string | null>(null)
  const [denying, setDenying] = useState<Vm | null>(null)
  const [failure, setFailure] = useState<{ lead: string; failure: ApiFailure } | null>(null)
  const [done, setDone] = useState('')

  async function approve(vm: Vm) {
    setBusy(vm.id)
    setFailure(null)
    setDone('')
    const outcome = await approveRequest(vm.id)
    setBusy(null)
    if (!outcome.ok) {
      setFailure({ lead: `Could not approve ${vm.hostname}`, failure: outcome.failure })
      return
    }
    setDone(`Approved ${vm.hostname}: it is being built for ${vm.owner_name ?? 'its owner'}.`)
    onDecided(outcome.data)
  }

  const count = state.phase === 'ok' ? state.data.length : null
  return (
    <Panel
      title="Approval queue"
      description={
        count === null || count === 0
          ? 'Requests for sizes that need an admin’s approval, oldest first.'
          : `${count} ${count === 1 ? 'request' : 'requests'} pending your review, oldest first.`
      }
    >
      {failure && (
        <div className="mb-4">
          <FailureAlert failure={failure.failure} lead={failure.lead} />
        </div>
      )}
      <p role="status" className="mb-4 text-[13px] text-good empty:hidden">
        {done}
      </p>
      <LoadStatus state={state} what="the approval queue" onRetry={onRetry} />
      {state.phase === 'ok' && state.data.length === 0 && (
        <p className="text-[13px] text-ink-3">Nothing waiting for you.</p>
      )}
      {state.phase === 'ok' && state.data.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[760px] text-[13px]">
            <caption className="sr-only">Approval queue</caption>
            <thead>
              <tr className="border-b border-line text-left">
                {['Hostname', 'Owner', 'Tier', 'Requested', 'Reason'].map((heading) => (
                  <th key={heading} scope="col" className="eyebrow pr-4 pb-2.5 text-[10.5px] font-medium">
                    {heading}
                  </th>
                ))}
                <th scope="col" className="pb-2.5">
                  <span className="sr-only">Decision</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.data.map((vm) => (
                <tr key={vm.id} className="border-b border-line align-top last:border-b-0">
                  <th scope="row" className="py-3 pr-4 text-left font-semibold text-ink">
                    {vm.hostname}
                  </th>
                  <td className="py-3 pr-4 font-mono text-[12px] text-ink-2" title={vm.owner_email}>
                    {vm.owner_name ?? vm.owner_email ?? '—'}
                  </td>
                  <td className="py-3 pr-4">
                    <span className={badge('neutral')}>{vm.tier}</span>
                  </td>
                  <td className="py-3 pr-4 whitespace-nowrap text-ink-2">
                    <Time iso={vm.requested_at} />
                  </td>
                  <td className="max-w-[360px] py-3 pr-4 text-ink-2">
                    {vm.reason ?? <span className="text-ink-3">No reason given.</span>}
                  </td>
                  <td className="py-3 text-right whitespace-nowrap">
                    <span className="inline-flex gap-1.5">
                      <button
                        type="button"
                        aria-label={`Deny: ${vm.hostname}`}
                        disabled={busy !== null}
                        onClick={() => {
                          setFailure(null)
                          setDone('')
                          setDenying(vm)
                        }}
                        className={chipButton}
                      >
                        Deny
                      </button>
                      <button
                        type="button"
                        aria-label={`Approve: ${vm.hostname}`}
                        disabled={busy !== null}
                        onClick={() => void approve(vm)}
                        className={inkChipButton}
                      >
                        {busy === vm.id ? 'Approving…' : 'Approve'}
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {denying && (
        <DenyDialog
          vm={denying}
          onClose={() => {
            setDenying(null)
          }}
          onDenied={(vm) => {
            setDenying(null)
            setDone(`Denied ${vm.hostname}. ${vm.owner_name ?? 'Its owner'} sees your reason.`)
            onDecided(vm)
          }}
        />
      )}
    </Panel>
  )
}
