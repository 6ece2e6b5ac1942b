// The GPU plane's numbers: jobs a member may have queued and running, the worker lease and
// heartbeat, the longest a job may run, how much output is kept per job and for how long. Each is
// checked to be a whole number before saving, and only edited ones are sent; Nimbus checks the
// ranges, and its refusals land under the field they name.
import { type SubmitEvent, useState } from 'react'
import { saveGpuSettings } from '../../api/gpu'
import type { GpuSettings } from '../../api/types'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = [
  'max_queued_per_user',
  'max_running_per_user',
  'lease_seconds',
  'heartbeat_seconds',
  'max_runtime_hours',
  'log_cap_mib',
  'log_retention_days',
] as const

type Limit = (typeof FIELDS)[number]

const LABELS: Record<Limit, { label: string; hint: string; unit: string }> = {
  max_queued_per_user: { label: 'Queued jobs per member', hint: 'More are refused until one starts.', unit: 'jobs' },
  max_running_per_user: { label: 'Running jobs per member', hint: 'At once, across all workers.', unit: 'jobs' },
  lease_seconds: {
    label: 'Lease (seconds)',
    hint: 'A worker silent this long loses its job, which is queued again.',
    unit: 'seconds',
  },
  heartbeat_seconds: { label: 'Heartbeat (seconds)', hint: 'How often a worker checks in while running.', unit: 'seconds' },
  max_runtime_hours: { label: 'Maximum runtime (hours)', hint: 'A job running longer is stopped.', unit: 'hours' },
  log_cap_mib: { label: 'Log cap (MiB)', hint: 'A job writing more output fails.', unit: 'MiB' },
  log_retention_days: { label: 'Keep logs (days)', hint: 'Older output is deleted.', unit: 'days' },
}

type Draft = Record<Limit, string>

function draftOf(settings: GpuSettings): Draft {
  const draft = {} as Draft
  for (const name of FIELDS) draft[name] = String(settings[name])
  return draft
}

export function GpuLimitsForm({ settings, onSaved }: { settings: GpuSettings; onSaved: (next: GpuSettings) => void }) {
  const form = useFormErrors(FIELDS)
  const [draft, setDraft] = useState(() => draftOf(settings))
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState('')

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const problems: Partial<Record<Limit, string>> = {}
    for (const name of FIELDS) {
      if (!/^\d+$/.test(draft[name].trim())) problems[name] = `Enter a whole number of ${LABELS[name].unit}.`
    }
    if (form.reject(problems)) return
    setBusy(true)
    setSaved('')
    form.reset()
    // Only what was edited: a value left alone keeps its exact stored value.
    const stored = draftOf(settings)
    const change: Partial<Record<Limit, number>> = {}
    for (const name of FIELDS) {
      if (draft[name].trim() !== stored[name]) change[name] = Number(draft[name].trim())
    }
    const outcome = await saveGpuSettings(change)
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    setDraft(draftOf(outcome.data))
    setSaved('Saved the GPU limits.')
    onSaved(outcome.data)
  }

  return (
    <form noValidate aria-label="GPU limits" className="space-y-4" onSubmit={(event) => void handleSubmit(event)}>
      <div className="grid gap-4 sm:grid-cols-2">
        {FIELDS.map((name) => (
          <Field
            key={name}
            {...form.bind(name, draft[name], (value) => {
              setDraft((current) => ({ ...current, [name]: value }))
              setSaved('')
            })}
            label={LABELS[name].label}
            hint={LABELS[name].hint}
            name={name}
            inputMode="numeric"
            autoComplete="off"
            mono
          />
        ))}
      </div>
      {form.failure && <FailureAlert failure={form.failure} lead="Could not save the GPU limits" />}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={busy} className={`${primaryButton} h-10`}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <p role="status" className="text-[13px] text-good empty:hidden">
          {saved}
        </p>
      </div>
    </form>
  )
}
