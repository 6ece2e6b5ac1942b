// Who you are to Nimbus: email (fixed: it is how you sign in), role, member since,
// and the one thing you can change here, your name.
import { type SubmitEvent, useState } from 'react'
import { saveMyName } from '../../api/account'
import type { Me } from '../../api/types'
import { useAuth } from '../../auth/AuthProvider'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { Panel } from '../../ui/Panel'
import { badge, primaryButton } from '../../ui/styles'
import { Time } from '../../ui/Time'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = ['name'] as const

export function ProfileSection({ user }: { user: Me }) {
  const { replaceUser } = useAuth()
  const [name, setName] = useState(user.name)
  const [saving, setSaving] = useState(false)
  const [saved, setSaved] = useState(false)
  const form = useFormErrors(FIELDS)
  const unchanged = name.trim() === user.name

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (saving || unchanged) return
    if (form.reject({ name: name.trim() === '' && 'Enter your name.' })) return
    setSaving(true)
    setSaved(false)
    form.reset()
    const outcome = await saveMyName(name.trim())
    setSaving(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    replaceUser(outcome.data)
    setName(outcome.data.name)
    setSaved(true)
  }

  return (
    <Panel title="Profile" description="How you appear to other people on this Nimbus.">
      <dl className="text-[13px]">
        <div className="flex items-center justify-between gap-4 border-b border-line py-2.5">
          <dt className="text-ink-3">Email</dt>
          <dd className="truncate font-mono text-ink">{user.email}</dd>
        </div>
        <div className="flex items-center justify-between gap-4 border-b border-line py-2.5">
          <dt className="text-ink-3">Role</dt>
          <dd>
            <span className={badge(user.role === 'admin' ? 'ink' : 'neutral')}>{user.role}</span>
          </dd>
        </div>
        <div className="flex items-center justify-between gap-4 border-b border-line py-2.5">
          <dt className="text-ink-3">Member since</dt>
          <dd className="font-mono text-ink">
            <Time iso={user.created_at} style="date" />
          </dd>
        </div>
      </dl>
      <form noValidate onSubmit={(event) => void handleSubmit(event)} className="mt-5 space-y-3">
        <Field
          ref={form.register('name')}
          label="Name"
          name="name"
          autoComplete="name"
          required
          value={name}
          error={form.errors.name}
          onChange={(event) => {
            setName(event.target.value)
            setSaved(false)
            form.clear('name')
          }}
        />
        {form.failure && <FailureAlert failure={form.failure} lead="Could not save" />}
        <div className="flex items-center gap-3">
          <button type="submit" disabled={saving || unchanged} className={`${primaryButton} h-10`}>
            {saving ? 'Saving…' : 'Save name'}
          </button>
          <p role="status" className="text-[13px] text-good">
            {saved ? 'Saved.' : ''}
          </p>
        </div>
      </form>
    </Panel>
  )
}
