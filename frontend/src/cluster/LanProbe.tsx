// "Check the LAN": Nimbus pings every address of the pool as typed and lists those that already
// answer (a printer, a forgotten VM), which it will skip. Nothing is saved.
import { useState } from 'react'
import type { Outcome } from '../api/call'
import type { ApiFailure } from '../api/failure'
import type { NetworkProbe } from '../api/types'
import { FailureAlert } from '../ui/FailureAlert'
import { ghostButton } from '../ui/styles'

interface LanProbeProps {
  /** Probes the pool as the form has it now; null when the form has problems to fix first. */
  probe: () => Promise<Outcome<NetworkProbe>> | null
}

export function probeWords(result: NetworkProbe): string {
  const probed = `${result.probed} ${result.probed === 1 ? 'address' : 'addresses'} probed`
  if (result.answering.length === 0) return `${probed}: none answer.`
  const count = result.answering.length
  return `${probed}: ${count} already ${count === 1 ? 'answers' : 'answer'} and will be skipped.`
}

export function LanProbe({ probe }: LanProbeProps) {
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<NetworkProbe | null>(null)
  const [failure, setFailure] = useState<ApiFailure | null>(null)

  async function run() {
    const pending = probe()
    if (!pending) return
    setBusy(true)
    setFailure(null)
    setResult(null)
    const outcome = await pending
    setBusy(false)
    if (outcome.ok) setResult(outcome.data)
    else setFailure(outcome.failure)
  }

  return (
    <div className="space-y-3">
      <button type="button" disabled={busy} onClick={() => void run()} className={`${ghostButton} h-9 px-4 text-[13px]`}>
        {busy ? 'Checking the LAN…' : 'Check the LAN'}
      </button>
      {failure && <FailureAlert failure={failure} lead="Could not check the LAN" />}
      {result && (
        <div role="status" aria-label="LAN check" className="rounded-xl border border-line bg-white/60 px-4 py-3 text-[13px] text-ink-2">
          <p>{probeWords(result)}</p>
          {result.answering.length > 0 && (
            <ul className="mt-1.5 flex flex-wrap gap-1.5 font-mono text-[12px]">
              {result.answering.map((address) => (
                <li key={address} className="rounded-md border border-warn/25 bg-warn/[0.07] px-1.5 py-0.5 text-warn">
                  {address}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  )
}
