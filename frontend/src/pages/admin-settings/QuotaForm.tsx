// The quota fields, as one form: machines, vCPUs, memory (GiB), disk (GB), and the size after
// which requests need an admin's approval. An empty field is no limit. Used for the defaults and
// for one member's own limits; what Nimbus refuses lands under its field.
import { type SubmitEvent, useState } from 'react'
import type { Outcome } from '../../api/call'
import type { QuotaLimits } from '../../api/types'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { SelectField } from '../../ui/SelectField'
import { ghostButton, primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'
import { tierName } from '../../vm/vmState'
import { APPROVAL_TIERS, draftFrom, limitsFrom, QUOTA_FIELDS, type QuotaDraft, type QuotaField } from './quotaDraft'

interface QuotaFormProps {
  /** The form's accessible name: "Default quota", "Quota for Bob Member". */
  name: string
  initial: QuotaLimits | null | undefined
  submitLabel: string
  save: (limits: QuotaLimits) => Promise<Outcome<unknown>>
  /** Saved: what to say, and the limits as Nimbus now has them. */
  onSaved: () => void
  onCancel?: () => void
}

const NUMBERS: { field: Exclude<QuotaField, 'approval_above'>; label: string; mode: 'numeric' | 'decimal' }[] = [
  { field: 'max_vms', label: 'Max machines', mode: 'numeric' },
  { field: 'max_vcpus', label: 'Max vCPUs', mode: 'numeric' },
  { field: 'max_memory_mib', label: 'Max memory (GiB)', mode: 'decimal' },
  { field: 'max_disk_gib', label: 'Max disk (GB)', mode: 'numeric' },
  { field: 'max_pending', label: 'Requests waiting for approval', mode: 'numeric' },
]

export function QuotaForm({ name, initial, submitLabel, save, onSaved, onCancel }: QuotaFormProps) {
  const form = useFormErrors(QUOTA_FIELDS)
  const [draft, setDraft] = useState<QuotaDraft>(() => draftFrom(initial))
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState('')
  const set = (field: QuotaField) => (value: string) => {
    setDraft((current) => ({ ...current, [field]: value }))
    setDone('')
  }

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    const parsed = limitsFrom(draft)
    if (!parsed.ok) {
      form.reject(parsed.errors)
      return
    }
    form.reset()
    setBusy(true)
    const outcome = await save(parsed.limits)
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    setDone('Saved.')
    onSaved()
  }

  return (
    <form noValidate aria-label={name} onSubmit={(event) => void submit(event)} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        {NUMBERS.map(({ field, label, mode }) => (
          <Field
            key={field}
            {...form.bind(field, draft[field], set(field))}
            label={label}
            name={field}
            inputMode={mode}
            autoComplete="off"
            mono
            placeholder="no limit"
          />
        ))}
        <SelectField
          {...form.bind('approval_above', draft.approval_above, set('approval_above'))}
          label="Approval needed above"
          name="approval_above"
        >
          <option value="">Only xl (default)</option>
          {APPROVAL_TIERS.map((tier) => (
            <option key={tier} value={tier}>
              {tierName(tier)}
            </option>
          ))}
        </SelectField>
      </div>
      <p className="text-[12.5px] text-ink-3">
        An empty field is no limit. Machines that exist are never removed; limits apply to new requests.
      </p>
      {form.failure && <FailureAlert failure={form.failure} lead="Could not save the quota" />}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={busy} className={`${primaryButton} h-10 px-5 text-[13px]`}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel} disabled={busy} className={`${ghostButton} h-10 px-5 text-[13px]`}>
            Cancel
          </button>
        )}
        <p role="status" className="text-[13px] text-good empty:hidden">
          {done}
        </p>
      </div>
    </form>
  )
}
