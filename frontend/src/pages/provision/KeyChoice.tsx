// How the new machine gets its SSH key: one of the person's saved keys (their default picked),
// a public key pasted here, or a new Ed25519 key Nimbus makes, kept in the vault (the default)
// or shown once and never stored. The text under the choice says which applies. A machine an
// admin makes for someone else gets that person's default key, a pasted one, or a generated one
// kept for them; a request that waits for approval keeps a generated key too.
import type { SshKey } from '../../api/types'
import { CheckboxField } from '../../ui/CheckboxField'
import { SelectField } from '../../ui/SelectField'
import { TextAreaField } from '../../ui/TextAreaField'
import { RadioCard } from './RadioCard'
import { ChoiceGroup } from './SizeAndSystem'

/** `owner`: the default key of the person the machine is for (an admin provisioning for them). */
export type KeyMode = 'saved' | 'paste' | 'generate' | 'owner'

export interface KeyChoiceState {
  mode: KeyMode
  keyId: string
  pubkey: string
  keep: boolean
}

interface KeyChoiceProps {
  keys: SshKey[]
  /** The machine is for someone else: their name. */
  forName?: string | null
  /** Why a generated key must be kept (the box is ticked and locked), or null. */
  mustKeep?: string | null
  value: KeyChoiceState
  onChange: (change: Partial<KeyChoiceState>) => void
  errors: { ssh_key_id?: string | undefined; ssh_pubkey?: string | undefined }
  register: (field: 'ssh_key_id' | 'ssh_pubkey') => (element: HTMLSelectElement | HTMLTextAreaElement | null) => void
}

/** "laptop (default) · SHA256:nThbg6kX…". */
function keyOption(key: SshKey): string {
  const short = key.fingerprint.length > 19 ? `${key.fingerprint.slice(0, 19)}…` : key.fingerprint
  return `${key.name}${key.is_default ? ' (default)' : ''} · ${short}`
}

function SavedKeySelect({ keys, value, onChange, error, register }: {
  keys: SshKey[]
  value: string
  onChange: (id: string) => void
  error: string | undefined
  register: (element: HTMLSelectElement | null) => void
}) {
  return (
    <SelectField
      ref={register}
      label="Key"
      mono
      className="pl-7"
      value={value}
      error={error}
      onChange={(event) => {
        onChange(event.target.value)
      }}
    >
      {keys.map((key) => (
        <option key={key.id} value={key.id}>
          {keyOption(key)}
        </option>
      ))}
    </SelectField>
  )
}

function ForSomeoneElse({ name, value, onChange, errors, register }: Omit<KeyChoiceProps, 'keys' | 'forName'> & { name: string }) {
  const select = (mode: string) => {
    onChange({ mode: mode as KeyMode })
  }
  return (
    <ChoiceGroup legend="SSH key">
      <div className="space-y-2.5">
        <RadioCard
          dot
          name="key_mode"
          value="owner"
          checked={value.mode === 'owner'}
          onSelect={select}
          title="Their default key"
          description={`The key ${name} marked default on their Keys page.`}
        />
        <RadioCard
          dot
          name="key_mode"
          value="paste"
          checked={value.mode === 'paste'}
          onSelect={select}
          title="Paste a public key"
          description={`One line of ${name}’s .pub file; it is saved to their vault.`}
        />
        {value.mode === 'paste' && (
          <div className="pl-7">
            <PastedKey value={value.pubkey} onChange={onChange} error={errors.ssh_pubkey} register={register} />
          </div>
        )}
        <RadioCard
          dot
          name="key_mode"
          value="generate"
          checked={value.mode === 'generate'}
          onSelect={select}
          title="Generate a key (kept for them to download)"
          description={`Nimbus makes an Ed25519 pair and keeps it, encrypted: ${name} downloads it from the machine’s page.`}
        />
      </div>
    </ChoiceGroup>
  )
}

function PastedKey({ value, onChange, error, register }: {
  value: string
  onChange: KeyChoiceProps['onChange']
  error: string | undefined
  register: KeyChoiceProps['register']
}) {
  return (
    <TextAreaField
      ref={register('ssh_pubkey')}
      label="Public key"
      name="ssh_pubkey"
      rows={3}
      spellCheck={false}
      autoCapitalize="none"
      autoComplete="off"
      placeholder="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA… you@laptop"
      value={value}
      error={error}
      hint="Ed25519, RSA (3072 bits or more) or ECDSA."
      onChange={(event) => {
        onChange({ pubkey: event.target.value })
      }}
    />
  )
}

export function KeyChoice({ keys, forName = null, mustKeep = null, value, onChange, errors, register }: KeyChoiceProps) {
  if (forName !== null) {
    return <ForSomeoneElse name={forName} value={value} onChange={onChange} errors={errors} register={register} />
  }
  const keep = mustKeep !== null || value.keep
  const select = (mode: string) => {
    onChange({ mode: mode as KeyMode })
  }
  return (
    <ChoiceGroup legend="SSH key">
      <div className="space-y-2.5">
        <RadioCard
          dot
          name="key_mode"
          value="saved"
          checked={value.mode === 'saved'}
          disabled={keys.length === 0}
          onSelect={select}
          title="Use a saved key"
          description={keys.length === 0 ? 'You have no saved keys yet.' : 'One of the keys on your Keys page.'}
        />
        {value.mode === 'saved' && keys.length > 0 && (
          <SavedKeySelect
            keys={keys}
            value={value.keyId}
            onChange={(keyId) => {
              onChange({ keyId })
            }}
            error={errors.ssh_key_id}
            register={register('ssh_key_id')}
          />
        )}
        <RadioCard
          dot
          name="key_mode"
          value="paste"
          checked={value.mode === 'paste'}
          onSelect={select}
          title="Paste a public key"
          description="The one line of your .pub file. Nimbus never sees the private half."
        />
        {value.mode === 'paste' && (
          <div className="pl-7">
            <PastedKey value={value.pubkey} onChange={onChange} error={errors.ssh_pubkey} register={register} />
          </div>
        )}
        <RadioCard
          dot
          name="key_mode"
          value="generate"
          checked={value.mode === 'generate'}
          onSelect={select}
          title="Generate a new Ed25519 key"
          description="Nimbus makes a key pair for this machine."
        />
        {value.mode === 'generate' && (
          <div className="pl-7">
            <CheckboxField
              label="Keep an encrypted copy so I can download it again"
              checked={keep}
              disabled={mustKeep !== null}
              onChange={(checked) => {
                onChange({ keep: checked })
              }}
              description={
                mustKeep ??
                (keep
                  ? 'Kept in the Nimbus vault, encrypted: download it from the machine’s page whenever you need it.'
                  : 'Shown once, on this page, when the machine is ready, and never stored. Lose it and you need a new machine.')
              }
            />
          </div>
        )}
      </div>
    </ChoiceGroup>
  )
}
