// Handing Nimbus the private half of a key it has only the public half of, under the key in the
// list: pasted or read from its file, checked here (it must be an unencrypted private key) and by
// Nimbus (it must match). Escape or Cancel closes the form.
import { type SubmitEvent, useEffect, useRef, useState } from 'react'
import { keepPrivateKey } from '../../api/keys'
import type { SshKey } from '../../api/types'
import { normaliseKeyText, privateKeyProblem } from '../../keys/keyText'
import { FailureAlert } from '../../ui/FailureAlert'
import { ghostButton, primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'
import { KeyTextArea, PRIVATE_KEY_LIMIT } from './KeyTextFields'

const FIELDS = ['private_key'] as const

interface FormProps {
  sshKey: SshKey
  /** The key as Nimbus has it after the change. */
  onSaved: (key: SshKey) => void
  onCancel: () => void
}

export function AttachPrivateKeyForm({ sshKey, onSaved, onCancel }: FormProps) {
  const [privateKey, setPrivateKey] = useState('')
  const [busy, setBusy] = useState(false)
  const form = useFormErrors(FIELDS)
  const fieldRef = useRef<HTMLTextAreaElement>(null)

  useEffect(() => {
    fieldRef.current?.focus()
  }, [])

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const text = normaliseKeyText(privateKey)
    const problem = text === '' ? 'Paste the private key, or upload its file.' : privateKeyProblem(text)
    if (form.reject({ private_key: problem })) return
    setBusy(true)
    form.reset()
    const outcome = await keepPrivateKey(sshKey.id, `${text}\n`)
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    onSaved(outcome.data)
  }

  return (
    <form
      noValidate
      aria-label={`Add the private half of ${sshKey.name}`}
      onSubmit={(event) => void handleSubmit(event)}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) onCancel()
      }}
      className="mt-3 space-y-4 rounded-xl border border-line-2 bg-white/90 p-4"
    >
      <KeyTextArea
        ref={(element) => {
          fieldRef.current = element
          form.register('private_key')(element)
        }}
        label="Private key"
        name="attach-private-key"
        rows={5}
        placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
        hint={`The private half of “${sshKey.name}”: it must match this key and have no passphrase. Nimbus keeps it encrypted, and you can download it from this page.`}
        value={privateKey}
        error={form.errors.private_key}
        upload={{ label: 'Upload key file', limit: PRIVATE_KEY_LIMIT, what: 'a private key file' }}
        onText={(text) => {
          setPrivateKey(text)
          form.clear('private_key')
        }}
        onFileError={(message) => form.reject({ private_key: message })}
      />
      {form.failure && <FailureAlert failure={form.failure} lead="Could not keep the private half" />}
      <div className="flex flex-wrap gap-2">
        <button type="button" onClick={onCancel} disabled={busy} className={`${ghostButton} h-9 px-4 text-[13px]`}>
          Cancel
        </button>
        <button type="submit" disabled={busy} className={`${primaryButton} h-9 px-4 text-[13px]`}>
          {busy ? 'Saving…' : 'Keep the private half'}
        </button>
      </div>
    </form>
  )
}
