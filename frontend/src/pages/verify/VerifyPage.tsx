// Enter the access code. While an admin has the gate on, a member who has not entered the
// current code lands here (from the guard, or from any call refused with 403
// access_code_required) with `next` to go back to. A right code lets them through until an
// admin rotates it or asks everyone again; signing out is the other way off this page.
import { type SubmitEvent, useState } from 'react'
import { Navigate, useNavigate, useSearchParams } from 'react-router'
import { verifyAccessCode } from '../../api/auth'
import type { ApiFailure } from '../../api/failure'
import { useAuth } from '../../auth/AuthProvider'
import { AuthPending } from '../../auth/guards'
import { safeNext, signInPath } from '../../auth/next'
import { AuthCard, authLink } from '../../layout/AuthCard'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = ['code'] as const

/** A rate limit is about this one field too: say it under the code, with how long to wait. */
function aboutTheCode(failure: ApiFailure): ApiFailure {
  return failure.code === 'rate_limited' ? { ...failure, field: 'code' } : failure
}

export function VerifyPage() {
  const auth = useAuth()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))
  const [code, setCode] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [signingOut, setSigningOut] = useState(false)
  const [signOutFailure, setSignOutFailure] = useState<ApiFailure | null>(null)
  const form = useFormErrors(FIELDS)

  if (auth.status === 'loading') return <AuthPending />
  if (!auth.user) {
    if (auth.failure) {
      return <FailureAlert failure={auth.failure} lead="Could not check your session" focus={false} />
    }
    return <Navigate to={signInPath(auth.signedOutOnPurpose ? null : next)} replace />
  }
  // Nothing to enter (the gate is off, the code was entered, or an admin is signed in).
  if (!auth.accessCodeRequired) return <Navigate to={next} replace />

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (submitting) return
    const typed = code.replace(/\s+/g, '')
    if (form.reject({ code: typed === '' && 'Enter the access code.' })) return
    setSubmitting(true)
    form.reset()
    const outcome = await verifyAccessCode(typed)
    if (!outcome.ok) {
      setSubmitting(false)
      form.fail(aboutTheCode(outcome.failure))
      return
    }
    // Once the status no longer asks for the code, the <Navigate> above takes over.
    await auth.refresh()
    setSubmitting(false)
  }

  async function handleSignOut() {
    setSigningOut(true)
    setSignOutFailure(null)
    const problem = await auth.signOut()
    setSigningOut(false)
    if (problem) {
      setSignOutFailure(problem)
      return
    }
    await navigate('/signin', { replace: true })
  }

  return (
    <AuthCard
      title={
        <>
          One more <em className="italic">step.</em>
        </>
      }
      lead="This Nimbus asks for an access code its admins share. Enter it to go on; ask an admin if you do not have it."
      footer={
        <>
          Signed in as <span className="font-mono text-ink-2">{auth.user.email}</span> ·{' '}
          <button
            type="button"
            disabled={signingOut}
            onClick={() => void handleSignOut()}
            className={`${authLink} cursor-pointer disabled:cursor-progress disabled:opacity-60`}
          >
            {signingOut ? 'Signing out…' : 'Sign out'}
          </button>
          {signOutFailure && (
            <div className="mt-4 text-left">
              <FailureAlert failure={signOutFailure} lead="Could not sign out" />
            </div>
          )}
        </>
      }
    >
      <form noValidate onSubmit={(event) => void handleSubmit(event)} className="space-y-4">
        <Field
          {...form.bind('code', code, setCode)}
          label="Access code"
          name="access-code"
          inputMode="numeric"
          autoComplete="one-time-code"
          spellCheck={false}
          autoFocus
          required
          mono
        />
        {form.failure && <FailureAlert failure={form.failure} lead="Could not check the code" />}
        <button type="submit" disabled={submitting} className={`${primaryButton} w-full`}>
          {submitting ? 'Checking…' : 'Continue'}
        </button>
      </form>
    </AuthCard>
  )
}
