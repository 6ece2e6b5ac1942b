// Generate an Ed25519 key pair in Nimbus. By default Nimbus keeps the private half (encrypted)
// so it can be downloaded again; unticked, the private half is handed over once and never stored.
import { type SubmitEvent, useState } from 'react'
import { createKey } from '../../api/keys'
import type { CreatedKey } from '../../api/types'
import { nameProblem } from '../../keys/keyText'
import { CheckboxField } from '../../ui/CheckboxField'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'
import { NameHint } from './KeyTextFields'

const FIELDS = ['name', 'label'] as const

interface GenerateKeyFormProps {
  onGenerated: (created: CreatedKey, kept: boolean) => void
}

export function GenerateKeyForm({ onGenerated }: GenerateKeyFormProps) {
  const [name, setName] = useState('')
  const [label, setLabel] = useState('')
  const [keep, setKeep] = useState(true)
  const [makeDefault, setMakeDefault] = useState(false)
  const [busy, setBusy] = useState(false)
  const form = useFormErrors(FIELDS)

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const trimmed = name.trim()
    if (form.reject({ name: nameProblem(trimmed) })) return
    setBusy(true)
    form.reset()
    const outcome = await createKey({
      name: trimmed,
      ...(label.trim() === '' ? {} : { label: label.trim() }),
      generate: true,
      keep_private_key: keep,
      set_default: makeDefault,
    })
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    setName('')
    setLabel('')
    setMakeDefault(false)
    onGenerated(outcome.data, keep)
  }

  return (
    <form
      noValidate
      aria-label="Generate a key"
      onSubmit={(event) => void handleSubmit(event)}
      className="space-y-4"
    >
      <Field
        {...form.bind('name', name, setName)}
        label="Name"
        name="generate-name"
        autoComplete="off"
        spellCheck={false}
        autoCapitalize="none"
        mono
        placeholder="e.g. laptop"
        hint={<NameHint />}
      />
      <Field
        {...form.bind('label', label, setLabel)}
        label="Label (optional)"
        name="generate-label"
        autoComplete="off"
        placeholder="e.g. Work laptop"
      />
      <CheckboxField
        label="Keep a copy in the Nimbus vault"
        checked={keep}
        onChange={setKeep}
        description={
          keep
            ? 'Nimbus keeps the private key encrypted, so you can download it again from this page later.'
            : 'Nimbus shows the private key once and your browser downloads it; it is never stored. Lose the file and you need a new key.'
        }
      />
      <CheckboxField
        label="Make this my default"
        checked={makeDefault}
        onChange={setMakeDefault}
        description="New machines get your default key unless you pick another."
      />
      {form.failure && <FailureAlert failure={form.failure} lead="Could not generate the key" />}
      <button type="submit" disabled={busy} className={`${primaryButton} h-10`}>
        {busy ? 'Generating…' : 'Generate key'}
      </button>
    </form>
  )
}
