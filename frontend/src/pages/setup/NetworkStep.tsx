// Step 2, Network: the addresses Nimbus gives machines — pool, gateway, prefix, reserved ranges,
// DNS — checked by Nimbus when saved (pool inside the subnet, gateway outside it, no node's
// address in it), with warnings that do not block (a small pool), and a probe of the LAN.
import { type SubmitEvent, useState } from 'react'
import { probeSetupNetwork, saveSetupNetwork } from '../../api/setup'
import type { NetworkForm, NetworkReview, SetupState } from '../../api/types'
import { LanProbe } from '../../cluster/LanProbe'
import { NETWORK_FIELDS, type NetworkDraft, type NetworkField, networkDraft, networkForm, networkProblems } from '../../cluster/networkDraft'
import { NetworkFields } from '../../cluster/NetworkFields'
import { Warnings } from '../../cluster/Warnings'
import { FailureAlert } from '../../ui/FailureAlert'
import { Panel } from '../../ui/Panel'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'

interface NetworkStepProps {
  saved: SetupState
  onDone: (network: NetworkForm, warnings: string[]) => void
}

export function NetworkStep({ saved, onDone }: NetworkStepProps) {
  const [draft, setDraft] = useState<NetworkDraft>(() => networkDraft(saved.network))
  const [busy, setBusy] = useState(false)
  const [review, setReview] = useState<{ sent: NetworkForm; result: NetworkReview } | null>(null)
  const form = useFormErrors(NETWORK_FIELDS)

  const bind = (name: NetworkField) =>
    form.bind(name, draft[name], (value) => {
      setDraft((current) => ({ ...current, [name]: value }))
      setReview(null)
    })

  /** The form to send, or null after showing what to fix. */
  function checked(): NetworkForm | null {
    return form.reject(networkProblems(draft)) ? null : networkForm(draft)
  }

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const network = checked()
    if (!network) return
    setBusy(true)
    form.reset()
    const outcome = await saveSetupNetwork(network)
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    if (outcome.data.warnings.length === 0) onDone(network, [])
    else setReview({ sent: network, result: outcome.data })
  }

  return (
    <Panel title="Network" description="The addresses Nimbus gives the machines it makes, on the network your nodes bridge them to.">
      <form noValidate aria-label="Network" onSubmit={(event) => void handleSubmit(event)} className="space-y-5">
        <NetworkFields bind={bind} />
        <LanProbe
          probe={() => {
            const network = checked()
            return network ? probeSetupNetwork(network) : null
          }}
        />
        {!review && saved.network && <Warnings warnings={saved.network_warnings} />}
        {form.failure && <FailureAlert failure={form.failure} lead="Could not save the network" />}
        {review ? (
          <div className="space-y-4 border-t border-line pt-5">
            <p role="status" className="text-[13px] text-ink-2">
              Saved: {review.result.addresses} {review.result.addresses === 1 ? 'address' : 'addresses'} for machines.
            </p>
            <Warnings warnings={review.result.warnings} />
            <div className="flex justify-end">
              <button
                type="button"
                onClick={() => {
                  onDone(review.sent, review.result.warnings)
                }}
                className={primaryButton}
              >
                Next: access
              </button>
            </div>
          </div>
        ) : (
          <div className="flex justify-end border-t border-line pt-5">
            <button type="submit" disabled={busy} className={primaryButton}>
              {busy ? 'Saving…' : 'Save and continue'}
            </button>
          </div>
        )}
      </form>
    </Panel>
  )
}
