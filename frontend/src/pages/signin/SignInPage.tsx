// Sign in with email and password. Anonymous visitors land here from any guarded
// page (with `next` to go back to); the API sets the session cookie, then we re-read
// who is signed in and go on. GitHub and Google, when an admin set them up, sit above the
// form behind an "or": plain links to the API, which hands the browser on to the provider.
import { type SubmitEvent, useState } from 'react'
import { Link, Navigate, useSearchParams } from 'react-router'
import { loadProviders, signIn } from '../../api/auth'
import type { Providers } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { useAuth } from '../../auth/AuthProvider'
import { safeNext } from '../../auth/next'
import { PROVIDERS, ProviderIcon, providerName, signInWithUrl } from '../../auth/providers'
import { AuthCard, authLink } from '../../layout/AuthCard'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { ghostButton, primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = ['email', 'password'] as const

/** "Continue with GitHub" / "Continue with Google" for the providers that are set up, then "or". */
function ProviderButtons({ providers, next }: { providers: Providers; next: string }) {
  const shown = PROVIDERS.filter((provider) => providers[provider])
  if (shown.length === 0) return null
  return (
    <div className="mb-5">
      <ul className="space-y-2.5">
        {shown.map((provider) => (
          <li key={provider}>
            {/* A real navigation: the API answers with a redirect to the provider. */}
            <a href={signInWithUrl(provider, next)} className={`${ghostButton} w-full`}>
              <ProviderIcon provider={provider} />
              Continue with {providerName(provider)}
            </a>
          </li>
        ))}
      </ul>
      <div className="mt-5 flex items-center gap-3" role="separator" aria-label="or">
        <span aria-hidden="true" className="h-px flex-1 bg-line-2" />
        <span aria-hidden="true" className="eyebrow">
          or
        </span>
        <span aria-hidden="true" className="h-px flex-1 bg-line-2" />
      </div>
    </div>
  )
}

export function SignInPage() {
  const auth = useAuth()
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const form = useFormErrors(FIELDS)
  const { state: providers } = useLoad(loadProviders)

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
    const outcome = await signIn(email.trim(), password)
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

      {/* Without an answer about providers, the password form is the way in. */}
      {providers.phase === 'ok' && <ProviderButtons providers={providers.data} next={next} />}
      <form noValidate onSubmit={(event) => void handleSubmit(event)} className="space-y-4">
        <Field
          {...form.bind('email', email, setEmail)}
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          inputMode="email"
          spellCheck={false}
          required
        />
        <Field
          {...form.bind('password', password, setPassword)}
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
        />
        {form.failure && <FailureAlert failure={form.failure} lead="Could not sign in" />}
        <button type="submit" disabled={submitting} className={`${primaryButton} w-full`}>
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  )
}
