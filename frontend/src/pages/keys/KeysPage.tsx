// Keys: the SSH keys Nimbus puts on the person's machines. Generate an Ed25519 key here (the
// private half handed over at once, kept in the vault or not, as they choose) or add one they
// have; download a kept private half again, pick the default, rename, add a private half later,
// delete. Each person sees only their own keys.
import { useState } from 'react'
import { loadKeys } from '../../api/keys'
import type { SshKey } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { sortKeys } from '../../keys/keyText'
import { saveTextFile } from '../../ui/files'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { AddKeyForm } from './AddKeyForm'
import { GenerateKeyForm } from './GenerateKeyForm'
import { KeyItem } from './KeyItem'
import { type Generated, NewPrivateKey } from './NewPrivateKey'

/** `changed` as Nimbus now has it; when it became the default, no other key is. */
function withKey(keys: SshKey[], changed: SshKey): SshKey[] {
  return keys.map((key) =>
    key.id === changed.id ? changed : changed.is_default && key.is_default ? { ...key, is_default: false } : key,
  )
}

export function KeysPage() {
  const { state, reload, update } = useLoad(loadKeys)
  const [generated, setGenerated] = useState<Generated | null>(null)

  function added(key: SshKey) {
    update((keys) => sortKeys(withKey([key, ...keys.filter((k) => k.id !== key.id)], key)))
  }

  const count = state.phase === 'ok' ? state.data.length : null

  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="SSH keys"
        title={
          <>
            Your <em className="italic">keys.</em>
          </>
        }
        lead="The keys Nimbus puts on your machines. Generate one here or add one you have; your default goes on new machines unless you pick another."
      />
      <Panel
        title="Your keys"
        description={
          count === null
            ? 'Private halves Nimbus keeps are encrypted, and only you can download them.'
            : `${count} ${count === 1 ? 'key' : 'keys'}. Private halves Nimbus keeps are encrypted, and only you can download them.`
        }
      >
        <div className="space-y-5">
          {generated && (
            <NewPrivateKey
              generated={generated}
              onDone={() => {
                setGenerated(null)
              }}
            />
          )}
          <LoadStatus state={state} what="your keys" onRetry={reload} />
          {state.phase === 'ok' && state.data.length === 0 && (
            <p className="text-[13px] text-ink-3">
              No keys yet. Generate one below, or add the public key you already use.
            </p>
          )}
          {state.phase === 'ok' && state.data.length > 0 && (
            <ul aria-label="Your keys">
              {state.data.map((key) => (
                <KeyItem
                  key={key.id}
                  sshKey={key}
                  onChanged={(changed) => {
                    update((keys) => withKey(keys, changed))
                  }}
                  onDeleted={(deleted) => {
                    update((keys) => keys.filter((k) => k.id !== deleted.id))
                    if (generated?.key.id === deleted.id) setGenerated(null)
                  }}
                />
              ))}
            </ul>
          )}
        </div>
      </Panel>
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <Panel title="Generate a key" description="A new Ed25519 key pair, made by Nimbus.">
          <GenerateKeyForm
            onGenerated={(created, kept) => {
              added(created.key)
              if (created.private_key === undefined) return
              saveTextFile(created.key.name, created.private_key)
              setGenerated({ key: created.key, privateKey: created.private_key, kept })
            }}
          />
        </Panel>
        <Panel title="Add a key you have" description="Bring the public key you already use; its private half if Nimbus should keep it.">
          <AddKeyForm onAdded={added} />
        </Panel>
      </div>
    </div>
  )
}
