// Add a key you already have: its public half (pasted, or read from the .pub file), and, if
// Nimbus should keep it, the private half too (it must match, without a passphrase). The name is
// suggested from the file name or the key's comment until the person types their own.
import { type SubmitEvent, useState } from 'react'
import { createKey } from '../../api/keys'
import type { NewKey, SshKey } from '../../api/types'
import { keyComment, nameProblem, normaliseKeyText, privateKeyProblem, publicKeyProblem, toKeyName } from '../../keys/keyText'
import { CheckboxField } from '../../ui/CheckboxField'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'
import { KeyTextArea, NameHint, PRIVATE_KEY_LIMIT, PUBLIC_KEY_LIMIT } from './KeyTextFields'

const FIELDS = ['public_key', 'private_key', 'name', 'label'] as const

/** A name to offer: the file's ("id_ed25519.pub" → "id_ed25519"), else the key comment's. */
function suggestName(publicKey: string, fileName: string | undefined): string {
  return toKeyName(fileName ?? '') || toKeyName(keyComment(publicKey))
}

/** Shown while typing, for mix-ups that are never a half-typed key. */
function obviousPublicProblem(text: string): string | undefined {
  return /-----BEGIN|---- BEGIN SSH2|PuTTY-User-Key-File/.test(text) ? (publicKeyProblem(text) ?? undefined) : undefined
}

export function AddKeyForm({ onAdded }: { onAdded: (key: SshKey) => void }) {
  const [publicKey, setPublicKey] = useState('')
  const [privateKey, setPrivateKey] = useState('')
  const [name, setName] = useState('')
  // Once the person types a name, suggestions stop overwriting it.
  const [nameEdited, setNameEdited] = useState(false)
  const [label, setLabel] = useState('')
  const [makeDefault, setMakeDefault] = useState(false)
  const [busy, setBusy] = useState(false)
  const [added, setAdded] = useState<string | null>(null)
  const form = useFormErrors(FIELDS)

  function takePublicKey(text: string, fileName?: string) {
    setPublicKey(text)
    form.clear('public_key')
    if (!nameEdited) setName(suggestName(text, fileName))
    const problem = obviousPublicProblem(text)
    if (problem) form.reject({ public_key: problem })
  }

  function takePrivateKey(text: string) {
    setPrivateKey(text)
    form.clear('private_key')
    const problem = privateKeyProblem(text)
    // Say so at once unless it may be a key still arriving: a public key, a PuTTY key, or a
    // whole armoured key (pasted or read from a file) is never half typed.
    if (problem && (!text.includes('-----BEGIN') || text.includes('-----END'))) form.reject({ private_key: problem })
  }

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const trimmedName = name.trim()
    const rejected = form.reject({
      public_key: publicKeyProblem(publicKey),
      private_key: privateKeyProblem(privateKey),
      name: nameProblem(trimmedName),
    })
    if (rejected) return
    const body: NewKey = { name: trimmedName, public_key: normaliseKeyText(publicKey), set_default: makeDefault }
    if (label.trim() !== '') body.label = label.trim()
    if (normaliseKeyText(privateKey) !== '') body.private_key = `${normaliseKeyText(privateKey)}\n`
    setBusy(true)
    form.reset()
    const outcome = await createKey(body)
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    setPublicKey('')
    setPrivateKey('')
    setName('')
    setNameEdited(false)
    setLabel('')
    setMakeDefault(false)
    setAdded(outcome.data.key.name)
    onAdded(outcome.data.key)
  }

  return (
    <form
      noValidate
      aria-label="Add a key"
      onSubmit={(event) => void handleSubmit(event)}
      onChange={() => {
        setAdded(null)
      }}
      className="space-y-4"
    >
      <KeyTextArea
        ref={form.register('public_key')}
        label="Public key"
        name="public-key"
        rows={3}
        placeholder="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA… you@laptop"
        hint={
          <>
            The one line in your <code className="font-mono text-[11.5px]">.pub</code> file, e.g.{' '}
            <code className="font-mono text-[11.5px]">~/.ssh/id_ed25519.pub</code>. Ed25519, RSA (3072 bits or more) or
            ECDSA.
          </>
        }
        value={publicKey}
        error={form.errors.public_key}
        upload={{ label: 'Upload .pub file', limit: PUBLIC_KEY_LIMIT, what: 'a public key file' }}
        onText={takePublicKey}
        onFileError={(message) => form.reject({ public_key: message })}
      />
      <KeyTextArea
        ref={form.register('private_key')}
        label="Private key (optional)"
        name="private-key"
        rows={4}
        placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
        hint="Only if Nimbus should keep it, encrypted, so you can download it again here. It must match the public key and have no passphrase."
        value={privateKey}
        error={form.errors.private_key}
        upload={{ label: 'Upload key file', limit: PRIVATE_KEY_LIMIT, what: 'a private key file' }}
        onText={takePrivateKey}
        onFileError={(message) => form.reject({ private_key: message })}
      />
      <Field
        ref={form.register('name')}
        label="Name"
        name="add-name"
        autoComplete="off"
        spellCheck={false}
        autoCapitalize="none"
        mono
        placeholder="e.g. laptop"
        value={name}
        hint={<NameHint />}
        error={form.errors.name}
        onChange={(event) => {
          setName(event.target.value)
          setNameEdited(event.target.value !== '')
          form.clear('name')
        }}
      />
      <Field
        {...form.bind('label', label, setLabel)}
        label="Label (optional)"
        name="add-label"
        autoComplete="off"
        placeholder="e.g. Work laptop"
      />
      <CheckboxField
        label="Make this my default"
        checked={makeDefault}
        onChange={setMakeDefault}
        description="New machines get your default key unless you pick another."
      />
      {form.failure && <FailureAlert failure={form.failure} lead="Could not add the key" />}
      <button type="submit" disabled={busy} className={`${primaryButton} h-10`}>
        {busy ? 'Adding…' : 'Add key'}
      </button>
      <p role="status" className="text-[13px] text-good empty:hidden">
        {added ? `Added “${added}”: it is in your list above.` : ''}
      </p>
    </form>
  )
}
