// A machine's private key section: downloads a key Nimbus keeps, or says plainly where the
// private half is (shown once and never stored, on the Keys page, or only with you).
import { useState } from 'react'
import { Link } from 'react-router'
import type { ApiFailure } from '../../api/failure'
import { loadKeys } from '../../api/keys'
import type { Vm } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { loadVmPrivateKey } from '../../api/vms'
import { useAuth } from '../../auth/AuthProvider'
import { FailureAlert } from '../../ui/FailureAlert'
import { saveTextFile } from '../../ui/files'
import { ghostButton } from '../../ui/styles'

const NOT_KEPT = 'The private key was shown once when the machine was created and is not stored.'

/**
 * Where the private half of the machine's saved or pasted vault key `name` is, when Nimbus
 * offers no download for the machine: the vault says whether it keeps that key's private half.
 */
function KeptElsewhere({ name }: { name: string }) {
  const { state } = useLoad(loadKeys)
  const key = state.phase === 'ok' ? state.data.find((k) => k.name === name) : undefined
  const named = <code className="font-mono text-[12px]">{name}</code>
  if (state.phase === 'loading') return <>The machine has your key {named}.</>
  if (key?.source === 'generated' && !key.has_private_key) return <>{NOT_KEPT}</>
  if (key?.has_private_key) {
    return (
      <>
        The machine has your key {named}. Nimbus keeps its private half: download it from the{' '}
        <Link to="/keys" className="font-medium text-ink underline decoration-line-strong underline-offset-2">
          Keys page
        </Link>
        .
      </>
    )
  }
  return <>The machine has your key {named}. Nimbus does not keep its private half: connect with your own copy.</>
}

/** Download for a kept key; otherwise what the machine was given and who holds the private half. */
export function PrivateKeySection({ vm }: { vm: Vm }) {
  const { user } = useAuth()
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)
  const [saved, setSaved] = useState<string | null>(null)

  async function download() {
    setBusy(true)
    setFailure(null)
    const outcome = await loadVmPrivateKey(vm.id)
    setBusy(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    saveTextFile(outcome.data.key_name, outcome.data.private_key)
    setSaved(outcome.data.key_name)
  }

  // An admin looking at someone else's machine (one they made for them, say): the key is the owner's.
  if (user && user.id !== vm.owner_id) {
    const owner = vm.owner_name ?? 'its owner'
    return (
      <div className="rounded-xl border border-line-2 bg-white/60 px-4 py-3 text-[13px] text-ink-2">
        <p className="eyebrow text-[10.5px]">Private key</p>
        <p className="mt-1">
          {vm.private_key_available
            ? `Nimbus keeps this machine’s private key, encrypted, for ${owner}: only they can download it, from this page.`
            : vm.key_name
              ? `The machine has ${owner}’s key “${vm.key_name}”; the private half is theirs.`
              : NOT_KEPT}
        </p>
      </div>
    )
  }

  if (!vm.private_key_available) {
    return (
      <div className="rounded-xl border border-line-2 bg-white/60 px-4 py-3 text-[13px] text-ink-2">
        <p className="eyebrow text-[10.5px]">Private key</p>
        <p className="mt-1">
          {vm.key_origin !== 'generated' && vm.key_name ? <KeptElsewhere name={vm.key_name} /> : NOT_KEPT}
        </p>
      </div>
    )
  }

  const path = `~/.ssh/${vm.key_name ?? vm.hostname}`
  return (
    <div className="rounded-xl border border-line-2 bg-white/60 px-4 py-3 text-[13px] text-ink-2">
      <p className="eyebrow text-[10.5px]">Private key</p>
      <p className="mt-1">Nimbus keeps this machine’s private key, encrypted. Only you can download it.</p>
      <button
        type="button"
        onClick={() => void download()}
        disabled={busy}
        className={`${ghostButton} mt-3 h-9 px-4 text-[13px]`}
      >
        {busy ? 'Downloading…' : 'Download private key'}
      </button>
      <p role="status" className="mt-2 empty:hidden">
        {saved && (
          <>
            Saved as “{saved}”. Move it to <code className="font-mono text-[12px]">{path}</code> and keep it readable
            only by you: <code className="font-mono text-[12px]">chmod 600 {path}</code>
          </>
        )}
      </p>
      {failure && (
        <div className="mt-3">
          <FailureAlert failure={failure} lead="Could not download the private key" />
        </div>
      )}
    </div>
  )
}
