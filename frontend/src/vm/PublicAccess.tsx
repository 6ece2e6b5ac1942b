// A machine's public SSH through Gopher, on its page: the state in words, the command that works
// from anywhere (only when Gopher reported one: Nimbus never makes up a port), why it failed, the
// command to run inside the machine when its guest agent never answered, and "Retry public access".
import { useId, useState } from 'react'
import type { ApiFailure } from '../api/failure'
import { retryPublicSsh } from '../api/tunnels'
import type { PublicSsh, Vm } from '../api/types'
import { FailureAlert } from '../ui/FailureAlert'
import { ghostButton } from '../ui/styles'
import { CopyCell } from './CopyCell'
import { StatusBadge } from './StatusBadge'

function Connected({ publicSsh }: { publicSsh: PublicSsh }) {
  if (publicSsh.command) {
    return <CopyCell label="SSH from anywhere" value={publicSsh.command} copyLabel="Copy the public SSH command" wide />
  }
  return <p>Connected through Gopher; the public port was not reported.</p>
}

interface FailedProps {
  vm: Vm
  publicSsh: PublicSsh
  onChanged: (vm: Vm) => void
}

function Failed({ vm, publicSsh, onChanged }: FailedProps) {
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)

  async function retry() {
    if (busy) return
    setBusy(true)
    setFailure(null)
    const outcome = await retryPublicSsh(vm.id)
    setBusy(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    onChanged(outcome.data)
  }

  return (
    <>
      <p>
        <span className="font-medium text-bad">Public SSH could not be set up.</span> {publicSsh.error ?? ''}
      </p>
      {publicSsh.manual_command && (
        <CopyCell
          label="Run this inside the machine"
          value={publicSsh.manual_command}
          copyLabel="Copy the command to run inside the machine"
          wide
        />
      )}
      {publicSsh.can_retry && (
        <button type="button" disabled={busy} onClick={() => void retry()} className={`${ghostButton} h-9 px-4 text-[13px]`}>
          {busy ? 'Retrying…' : 'Retry public access'}
        </button>
      )}
      {failure && <FailureAlert failure={failure} lead="Could not retry public access" />}
    </>
  )
}

function StateBody({ vm, publicSsh, onChanged }: FailedProps) {
  switch (publicSsh.state) {
    case 'waiting':
      return <p>Public SSH is opened once the machine is built.</p>
    case 'exposing':
      return <p role="status">Opening public SSH through Gopher…</p>
    case 'connected':
      return <Connected publicSsh={publicSsh} />
    case 'failed':
      return <Failed vm={vm} publicSsh={publicSsh} onChanged={onChanged} />
    default:
      return publicSsh.error ? <p>{publicSsh.error}</p> : null
  }
}

/** Nothing for a machine that did not ask for public SSH. */
export function PublicAccess({ vm, onChanged }: { vm: Vm; onChanged: (vm: Vm) => void }) {
  const titleId = useId()
  const publicSsh = vm.public_ssh
  if (!publicSsh) return null
  return (
    <section
      aria-labelledby={titleId}
      className="space-y-3 rounded-xl border border-line-2 bg-white/60 px-4 py-3 text-[13px] text-ink-2"
    >
      <div className="flex items-center justify-between gap-3">
        <h2 id={titleId} className="eyebrow text-[10.5px]">
          Public SSH
        </h2>
        <StatusBadge status={publicSsh.state} />
      </div>
      <StateBody vm={vm} publicSsh={publicSsh} onChanged={onChanged} />
    </section>
  )
}
