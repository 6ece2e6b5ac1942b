// Settings → Cluster → Network: the pool, gateway, prefix, reserved ranges and DNS, with a review
// (how many addresses, warnings) and a LAN probe before saving. A pool change applies at once but
// never drops an address in use; gateway, prefix and DNS reach new machines only.
import { useState } from 'react'
import { probeClusterNetwork, reviewClusterNetwork } from '../../api/clusterSettings'
import type { ApiFailure } from '../../api/failure'
import type { NetworkReview } from '../../api/types'
import { LanProbe } from '../../cluster/LanProbe'
import { type NetworkDraft, type NetworkField, networkForm, networkProblems } from '../../cluster/networkDraft'
import { type FieldBinding, NetworkFields } from '../../cluster/NetworkFields'
import { Warnings } from '../../cluster/Warnings'
import { FailureAlert } from '../../ui/FailureAlert'
import { Panel } from '../../ui/Panel'
import { ghostButton } from '../../ui/styles'
import type { ClusterField } from './clusterDraft'

interface NetworkSettingsProps {
  draft: NetworkDraft
  bind: (name: NetworkField) => FieldBinding
  lockedBy: (name: ClusterField) => string | undefined
  /** Shows problems under their fields; true when there were any. */
  reject: (problems: Partial<Record<ClusterField, string>>) => boolean
  onFieldFailure: (failure: ApiFailure) => boolean
  /** A refusal about the pool as a whole (a shrink past addresses in use). */
  failure: ApiFailure | null
}

export function NetworkSettings({ draft, bind, lockedBy, reject, onFieldFailure, failure }: NetworkSettingsProps) {
  const [review, setReview] = useState<NetworkReview | null>(null)
  const [problem, setProblem] = useState<ApiFailure | null>(null)
  const [busy, setBusy] = useState(false)

  function checked() {
    const problems = Object.fromEntries(Object.entries(networkProblems(draft)).map(([f, m]) => [`network.${f}`, m]))
    return reject(problems) ? null : networkForm(draft)
  }

  async function runReview() {
    const network = checked()
    if (!network) return
    setBusy(true)
    setProblem(null)
    setReview(null)
    const outcome = await reviewClusterNetwork(network)
    setBusy(false)
    if (outcome.ok) setReview(outcome.data)
    else if (!onFieldFailure(outcome.failure)) setProblem(outcome.failure)
  }

  return (
    <Panel title="Network" description="Gateway, prefix and DNS changes apply to new machines only; running machines keep the network they were given. A pool change applies at once, but never drops an address a machine holds.">
      <div className="space-y-5">
        {failure && <FailureAlert failure={failure} lead="Not saved" />}
        <NetworkFields bind={bind} lockedBy={(name) => lockedBy(`network.${name}`)} />
        <div className="flex flex-wrap items-start gap-3">
          <button type="button" disabled={busy} onClick={() => void runReview()} className={`${ghostButton} h-9 px-4 text-[13px]`}>
            {busy ? 'Reviewing…' : 'Review the plan'}
          </button>
          <LanProbe
            probe={() => {
              const network = checked()
              return network ? probeClusterNetwork(network) : null
            }}
          />
        </div>
        {problem && <FailureAlert failure={problem} lead="Could not review the plan" />}
        {review && (
          <div className="space-y-2">
            <p role="status" className="text-[13px] text-ink-2">
              The plan gives {review.addresses} {review.addresses === 1 ? 'address' : 'addresses'} to machines.
            </p>
            <Warnings warnings={review.warnings} />
          </div>
        )}
      </div>
    </Panel>
  )
}
