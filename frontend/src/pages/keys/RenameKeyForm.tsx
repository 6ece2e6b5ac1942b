// Renaming a key in place, under it in the list: its name (the file name too) and its label.
// Only what changed is sent; an emptied label clears it; Escape or Cancel closes the form.
import { type SubmitEvent, useEffect, useRef, useState } from 'react'
import { updateKey } from '../../api/keys'
import type { SshKey } from '../../api/types'
import { nameProblem } from '../../keys/keyText'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { ghostButton, primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'
import { NameHint } from './KeyTextFields'

const FIELDS = ['name', 'label'] as const

interface FormProps {
  sshKey: SshKey
  /** The key as Nimbus has it after the change. */
  onSaved: (key: SshKey) => void
  onCancel: () => void
}

export function RenameKeyForm({ sshKey, onSaved, onCancel }: FormProps) {
  const [name, setName] = useState(sshKey.name)
  const [label, setLabel] = useState(sshKey.label ?? '')
  const [busy, setBusy] = useState(false)
  const form = useFormErrors(FIELDS)
  const nameRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    nameRef.current?.focus()
    nameRef.current?.select()
  }, [])

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const trimmed = name.trim()
    if (form.reject({ name: nameProblem(trimmed) })) return
    // Only what changed; an emptied label clears it.
    const body: { name?: string; label?: string } = {}
    if (trimmed !== sshKey.name) body.name = trimmed
    if (label.trim() !== (sshKey.label ?? '')) body.label = label.trim()
    if (body.name === undefined && body.label === undefined) {
      onCancel()
      return
    }
    setBusy(true)
    form.reset()
    const outcome = await updateKey(sshKey.id, body)
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
      aria-label={`Rename ${sshKey.name}`}
      onSubmit={(event) => void handleSubmit(event)}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) onCancel()
      }}
      className="mt-3 space-y-4 rounded-xl border border-line-2 bg-white/90 p-4"
    >
      <div className="grid gap-4 md:grid-cols-2">
        <Field
          ref={(element) => {
            nameRef.current = element
            form.register('name')(element)
          }}
          label="Name"
          name="rename-name"
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="none"
          mono
          value={name}
          hint={<NameHint />}
          error={form.errors.name}
          onChange={(event) => {
            setName(event.target.value)
            form.clear('name')
          }}
        />
        <Field
          {...form.bind('label', label, setLabel)}
          label="Label (optional)"
          name="rename-label"
          autoComplete="off"
          placeholder="e.g. Work laptop"
          hint="Leave it empty to remove the label."
        />
      </div>
      {form.failure && <FailureAlert failure={form.failure} lead="Could not save the key" />}
      <div className="flex flex-wrap gap-2">
        <button type="button" onClick={onCancel} disabled={busy} className={`${ghostButton} h-9 px-4 text-[13px]`}>
          Cancel
        </button>
        <button type="submit" disabled={busy} className={`${primaryButton} h-9 px-4 text-[13px]`}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}
