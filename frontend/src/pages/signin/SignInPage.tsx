// Sign in with email and password. Anonymous visitors land here from any guarded
// page (with `next` to go back to); the API sets the session cookie, then we re-read
// who is signed in and go on. OAuth providers will sit above the form, behind an "or".
import { type SubmitEvent, useState } from 'react'
import { Link, Navigate, useSearchParams } from 'react-router'
import { settle } from '../../api/call'
import { api } from '../../api/client'
import { useAuth } from '../../auth/AuthProvider'
import { safeNext } from '../../auth/next'
import { AuthCard, authLink } from '../../layout/AuthCard'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = ['email', 'password'] as const

export function SignInPage() {
  const auth = useAuth()
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const form = useFormErrors(FIELDS)

  if (auth.user) return <Navigate to={next} replace />

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (submitting) return
    const rejected = form.reject({
      email: email.trim() === '' && 'Enter your email address.',
      password: password === '' && 'Enter your password.',
    })
    if (rejected) return
    setSubmitting(true)
    form.reset()
    const outcome = await settle(api.POST('/auth/login', { body: { email: email.trim(), password } }))
    if (!outcome.ok) {
      setSubmitting(false)
      form.fail(outcome.failure)
      return
    }
    // The cookie is set; once the status says who we are, the <Navigate> above takes over.
    await auth.refresh()
    setSubmitting(false)
  }

  const signUpPath = next === '/' ? '/signup' : `/signup?next=${encodeURIComponent(next)}`

  return (
    <AuthCard
      title={
        <>
          Spin up a <em className="italic">machine.</em>
        </>
      }
      lead="A Linux VM, an IP and an SSH key in about a minute — on your own Proxmox cluster."
      footer={
        <>
          New to Nimbus?{' '}
          <Link to={signUpPath} className={authLink}>
            Create an account
          </Link>
        </>
      }
    >
      {auth.notice && (
        <p
          role="status"
          className="mb-5 rounded-xl border border-warn/20 bg-warn/[0.07] px-4 py-3 text-[13px] text-ink-2"
        >
          {auth.notice}
        </p>
      )}
      {auth.status === 'ready' && !auth.hasAdmin && (
        <p className="mb-5 rounded-xl border border-line-2 bg-white/70 px-4 py-3 text-[13px] text-ink-2">
          Nobody has an account yet.{' '}
          <Link to="/signup" className={authLink}>
            Create the first account
          </Link>
          : it becomes the administrator.
        </p>
      )}
      {auth.failure && (
        <div className="mb-5">
          <FailureAlert failure={auth.failure} lead="Could not check your session" focus={false} />
        </div>
      )}

      {/* Sign-in providers (GitHub, Google) will go here, followed by an "or" divider. */}
      <form noValidate onSubmit={(event) => void handleSubmit(event)} className="space-y-4">
        <Field
          ref={form.register('email')}
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          inputMode="email"
          spellCheck={false}
          required
          value={email}
          error={form.errors.email}
          onChange={(event) => {
            setEmail(event.target.value)
            form.clear('email')
          }}
        />
        <Field
          ref={form.register('password')}
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          error={form.errors.password}
          onChange={(event) => {
            setPassword(event.target.value)
            form.clear('password')
          }}
        />
        {form.failure && <FailureAlert failure={form.failure} lead="Could not sign in" />}
        <button type="submit" disabled={submitting} className={`${primaryButton} w-full`}>
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  )
}
