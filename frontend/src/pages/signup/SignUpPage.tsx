// Create an account. On a fresh install the first account becomes the administrator,
// and under `nimbus serve` it needs the one-time setup token from the server log, so
// nobody else on the LAN can take that seat. After that, who may sign up decides: an
// invitation link (`?invite=`) lets its holder in whatever the setting (InviteBanner says
// for what role, or why it cannot be used), and when sign-ups need the access code the form
// takes it (an invitation replaces it). The API signs the new user in right away.
import { type SubmitEvent, useState } from 'react'
import { Link, Navigate, useSearchParams } from 'react-router'
import { signUp } from '../../api/auth'
import { useAuth } from '../../auth/AuthProvider'
import { AuthPending } from '../../auth/guards'
import { safeNext, signInPath } from '../../auth/next'
import { PasswordRules, passwordProblem } from '../../auth/passwordRules'
import { AuthCard, authLink } from '../../layout/AuthCard'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'
import { InviteBanner, usable, useInviteCheck } from './InviteBanner'

const FIELDS = ['name', 'email', 'password', 'confirm', 'setup_token', 'access_code'] as const

export function SignUpPage() {
  const auth = useAuth()
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [setupToken, setSetupToken] = useState('')
  const [accessCode, setAccessCode] = useState('')
  const invite = params.get('invite')
  const inviteCheck = useInviteCheck(invite)
  const [submitting, setSubmitting] = useState(false)
  const form = useFormErrors(FIELDS)

  if (auth.user) return <Navigate to={next} replace />

  const firstAccount = auth.status === 'ready' && !auth.hasAdmin
  const needsSetupToken = firstAccount && auth.setupTokenRequired
  const invited = !firstAccount && invite !== null && usable(inviteCheck)
  const asksAccessCode = !firstAccount && !invited && auth.signupMode === 'access_code'
  const mayStart = firstAccount || auth.signupsOpen || invited

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (submitting) return
    const rejected = form.reject({
      name: name.trim() === '' && 'Enter your name.',
      email: !email.includes('@') && 'Enter an email address, like ada@example.com.',
      password: passwordProblem(password),
      confirm: confirm !== password && 'The two passwords differ.',
      setup_token: needsSetupToken && setupToken.trim() === '' && 'Enter the setup token from the Nimbus log.',
    })
    if (rejected) return
    setSubmitting(true)
    form.reset()
    const body = {
      name: name.trim(),
      email: email.trim(),
      password,
      ...(needsSetupToken ? { setup_token: setupToken.trim() } : {}),
      ...(invited && invite ? { invite } : {}),
      ...(asksAccessCode && accessCode.trim() ? { access_code: accessCode.trim() } : {}),
    }
    const outcome = await signUp(body)
    if (!outcome.ok) {
      setSubmitting(false)
      form.fail(outcome.failure)
      // The server wants a setup token we did not ask for: our status is stale, re-read it.
      if (outcome.failure.field === 'setup_token' && !needsSetupToken) void auth.refresh()
      return
    }
    // Signed in by the API already: once the status says so, <Navigate> takes over.
    await auth.refresh()
    setSubmitting(false)
  }

  return (
    <AuthCard
      title="Create your account."
      lead="One account for your machines, keys and API tokens."
      footer={
        <>
          Already have an account?{' '}
          <Link to={signInPath(next)} className={authLink}>
            Sign in
          </Link>
        </>
      }
    >
      {invite !== null && !firstAccount && (
        <div className="mb-4">
          <InviteBanner check={inviteCheck} />
        </div>
      )}
      {auth.status === 'loading' || (invite !== null && inviteCheck.phase === 'loading') ? (
        <AuthPending />
      ) : !mayStart ? (
        <p role="status" className="rounded-xl border border-line bg-white/60 px-4 py-3 text-[13px] text-ink-2">
          This Nimbus takes new accounts by invitation only. Ask one of its admins for an invitation link.
        </p>
      ) : (
        <form noValidate onSubmit={(event) => void handleSubmit(event)} className="space-y-4">
          {firstAccount && (
            <p className="rounded-xl border border-blob-2/40 bg-blob-2/[0.09] px-4 py-3 text-[13px] text-ink-2">
              You are creating the first account: it becomes the administrator.
            </p>
          )}
          <Field
            {...form.bind('name', name, setName)}
            label="Name"
            name="name"
            autoComplete="name"
            required
          />
          <Field
            {...form.bind('email', email, setEmail)}
            label="Email"
            type="email"
            name="email"
            autoComplete="email"
            inputMode="email"
            spellCheck={false}
            required
          />
          <Field
            {...form.bind('password', password, setPassword)}
            label="Password"
            type="password"
            name="new-password"
            autoComplete="new-password"
            required
            hint={<PasswordRules password={password} />}
          />
          <Field
            {...form.bind('confirm', confirm, setConfirm)}
            label="Confirm password"
            type="password"
            name="confirm-password"
            autoComplete="new-password"
            required
          />
          {needsSetupToken && (
            <Field
              {...form.bind('setup_token', setupToken, setSetupToken)}
              label="Setup token"
              name="setup-token"
              autoComplete="off"
              spellCheck={false}
              required
              mono
              hint={
                <>
                  Nimbus printed a one-time setup token to its log when it started (for a systemd install:{' '}
                  <code className="font-mono text-[11.5px] text-ink-2">journalctl -u nimbus | grep 'setup token'</code>)
                </>
              }
            />
          )}
          {asksAccessCode && (
            <Field
              {...form.bind('access_code', accessCode, setAccessCode)}
              label="Access code (optional)"
              name="access-code"
              autoComplete="off"
              inputMode="numeric"
              spellCheck={false}
              mono
              hint="The 8-digit code an admin shared. Without it you can still sign up, and enter it afterwards."
            />
          )}
          {form.failure && <FailureAlert failure={form.failure} lead="Could not create the account" />}
          <button type="submit" disabled={submitting} className={`${primaryButton} w-full`}>
            {submitting ? 'Creating account…' : 'Create account'}
          </button>
        </form>
      )}
    </AuthCard>
  )
}
