// Change your password — or, for an account made by GitHub or Google sign-in, set a first one.
// Nimbus then signs out every other session (a stolen cookie stops working) and keeps this one,
// so the user stays where they are; unless unticked, it also revokes every API token (a leaked
// password may have made some).
import { type SubmitEvent, useState } from 'react'
import { changePassword } from '../../api/account'
import { PasswordRules, passwordProblem } from '../../auth/passwordRules'
import { CheckboxField } from '../../ui/CheckboxField'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { Panel } from '../../ui/Panel'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = ['current_password', 'new_password', 'confirm'] as const

function changedMessage(othersEnded: number, tokensRevoked: number, first: boolean): string {
  const what = first ? 'Password set: you can also sign in with your email.' : 'Password changed.'
  const sessions = othersEnded === 1 ? '1 other session was' : `${othersEnded} other sessions were`
  const here =
    othersEnded === 0
      ? `${what} You stay signed in here; no other sessions were open.`
      : `${what} You stay signed in here; ${sessions} signed out.`
  if (tokensRevoked === 0) return here
  const tokens = tokensRevoked === 1 ? '1 API token was' : `${tokensRevoked} API tokens were`
  return `${here} ${tokens} revoked.`
}

interface PasswordSectionProps {
  email: string
  /** False for an account made by GitHub or Google sign-in: the first password needs no current one. */
  hasPassword: boolean
  onChanged: () => void
}

export function PasswordSection({ email, hasPassword, onChanged }: PasswordSectionProps) {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const [revokeTokens, setRevokeTokens] = useState(true)
  const [saving, setSaving] = useState(false)
  const [done, setDone] = useState<string | null>(null)
  const form = useFormErrors(FIELDS)

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (saving) return
    setDone(null)
    const rejected = form.reject({
      current_password: hasPassword && current === '' && 'Enter your current password.',
      new_password: passwordProblem(next),
      confirm: confirm !== next && 'The two new passwords differ.',
    })
    if (rejected) return
    setSaving(true)
    form.reset()
    const outcome = await changePassword(next, hasPassword ? current : null, revokeTokens)
    setSaving(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    setCurrent('')
    setNext('')
    setConfirm('')
    setDone(changedMessage(outcome.data.sessions_ended, outcome.data.tokens_revoked, !hasPassword))
    onChanged()
  }

  return (
    <Panel
      title={hasPassword ? 'Password' : 'Set a password'}
      description={
        hasPassword
          ? 'Changing it signs you out everywhere else.'
          : 'You sign in with GitHub or Google. A password lets you sign in with your email as well.'
      }
    >
      <form noValidate onSubmit={(event) => void handleSubmit(event)} className="space-y-4">
        {/* Lets password managers pair the new password with the account. */}
        <input type="email" name="username" autoComplete="username" value={email} hidden readOnly />
        {hasPassword && (
          <Field
            {...form.bind('current_password', current, setCurrent)}
            label="Current password"
            type="password"
            name="current-password"
            autoComplete="current-password"
            required
          />
        )}
        <Field
          {...form.bind('new_password', next, setNext)}
          label="New password"
          type="password"
          name="new-password"
          autoComplete="new-password"
          required
          hint={<PasswordRules password={next} />}
        />
        <Field
          {...form.bind('confirm', confirm, setConfirm)}
          label="Confirm new password"
          type="password"
          name="confirm-password"
          autoComplete="new-password"
          required
        />
        <CheckboxField
          label="Also revoke my API tokens"
          description="Scripts using them stop working until you create new ones. Untick to keep them."
          name="revoke-tokens"
          checked={revokeTokens}
          onChange={setRevokeTokens}
        />
        {form.failure && <FailureAlert failure={form.failure} lead="Could not change the password" />}
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" disabled={saving} className={`${primaryButton} h-10`}>
            {saving ? 'Saving…' : hasPassword ? 'Change password' : 'Set password'}
          </button>
        </div>
        <p role="status" className="text-[13px] text-good empty:hidden">
          {done ?? ''}
        </p>
      </form>
    </Panel>
  )
}
