// Admin → Users → Invite: choose the role, optionally the one address that may use the
// invitation, and how long it lasts; the answer is a one-time link shown here once (Nimbus
// keeps only a hash of its token), with a Copy button.
import { type SubmitEvent, useRef, useState } from 'react'
import { createInvitation } from '../../api/admin'
import type { CreatedInvitation, Role } from '../../api/types'
import { CopyButton } from '../../ui/CopyButton'
import { Dialog } from '../../ui/Dialog'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { SelectField } from '../../ui/SelectField'
import { ghostButton, input, primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = ['role', 'email', 'expires_in_days'] as const

export const expiryChoices = [
  { days: 1, label: '1 day' },
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
] as const

export function InviteDialog({
  onCreated,
  onClose,
}: {
  onCreated: (created: CreatedInvitation) => void
  onClose: () => void
}) {
  const [role, setRole] = useState<Role>('member')
  const [email, setEmail] = useState('')
  const [days, setDays] = useState(7)
  const [busy, setBusy] = useState(false)
  const [created, setCreated] = useState<CreatedInvitation | null>(null)
  const linkRef = useRef<HTMLInputElement>(null)
  const form = useFormErrors(FIELDS)

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const rejected = form.reject({
      email: email.trim() !== '' && !email.includes('@') && 'Enter an email address, like grace@example.com, or leave it empty.',
    })
    if (rejected) return
    setBusy(true)
    form.reset()
    const outcome = await createInvitation({
      role,
      expires_in_days: days,
      ...(email.trim() ? { email: email.trim() } : {}),
    })
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    setCreated(outcome.data)
    onCreated(outcome.data)
  }

  if (created) {
    return (
      <Dialog title="Invitation link" onClose={onClose} initialFocus={linkRef}>
        <p className="text-[13px] font-medium text-ink-2">
          Shown once: copy it now and send it to the person you invite. Nimbus keeps only a hash of it.
        </p>
        <label htmlFor="invitation-link" className="eyebrow mt-4 block">
          Link
        </label>
        <div className="mt-1.5 flex flex-wrap gap-2 sm:flex-nowrap">
          <input
            ref={linkRef}
            id="invitation-link"
            readOnly
            value={created.link}
            spellCheck={false}
            onFocus={(event) => {
              event.currentTarget.select()
            }}
            className={`${input} font-mono text-[12.5px] read-only:bg-white/90 read-only:text-ink`}
          />
          <CopyButton text={created.link} shown={linkRef} label="Copy the invitation link" />
        </div>
        <p className="mt-3 text-[13px] text-ink-3">
          It lets one person create a {created.invitation.role} account
          {created.invitation.email ? ` with ${created.invitation.email}` : ''}, until{' '}
          {new Date(created.invitation.expires_at).toLocaleString()}.
        </p>
        <button type="button" onClick={onClose} className={`${ghostButton} mt-4 h-9 px-4 text-[13px]`}>
          Done
        </button>
      </Dialog>
    )
  }

  return (
    <Dialog title="Invite someone" onClose={onClose} busy={busy}>
      <form noValidate onSubmit={(event) => void submit(event)} className="space-y-4">
        <SelectField
          label="Role"
          ref={form.register('role')}
          value={role}
          error={form.errors.role}
          onChange={(event) => {
            setRole(event.target.value as Role)
          }}
        >
          <option value="member">Member: their own machines</option>
          <option value="admin">Admin: every user and machine</option>
        </SelectField>
        <Field
          {...form.bind('email', email, setEmail)}
          label="Email (optional)"
          type="email"
          name="invite-email"
          autoComplete="off"
          hint="When set, only this address can use the invitation."
        />
        <SelectField
          label="Expires after"
          ref={form.register('expires_in_days')}
          value={String(days)}
          error={form.errors.expires_in_days}
          onChange={(event) => {
            setDays(Number(event.target.value))
          }}
        >
          {expiryChoices.map((choice) => (
            <option key={choice.days} value={choice.days}>
              {choice.label}
            </option>
          ))}
        </SelectField>
        {form.failure && <FailureAlert failure={form.failure} lead="Could not make the invitation" />}
        <div className="flex gap-2">
          <button type="submit" disabled={busy} className={primaryButton}>
            {busy ? 'Making link…' : 'Make invitation link'}
          </button>
          <button type="button" disabled={busy} onClick={onClose} className={ghostButton}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  )
}
