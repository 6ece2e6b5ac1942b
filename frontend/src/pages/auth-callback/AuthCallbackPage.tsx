// Where the API sends the browser after GitHub or Google: `/auth/callback?provider=github&`
// `result=signed_in&next=/path`, `…&result=linked`, or `…&error=<code>`. Signed in: re-read
// who that is and go on to `next`. Linked: back to the account page, saying so. Anything else
// gets a card that says what happened and what to do, in words rather than a code.
import { useEffect, useState } from 'react'
import { Link, Navigate, useSearchParams } from 'react-router'
import { useAuth } from '../../auth/AuthProvider'
import { AuthPending } from '../../auth/guards'
import { safeNext } from '../../auth/next'
import { asProvider, providerName } from '../../auth/providers'
import { AuthCard, authLink } from '../../layout/AuthCard'
import { primaryButton } from '../../ui/styles'

/** What to tell someone the provider round trip failed for; `name` is "GitHub" or "Google". */
export function callbackErrorMessage(code: string, name: string): string {
  switch (code) {
    case 'invalid_state':
      return `The sign-in with ${name} could not be matched to this browser: it took too long, or it was started in another tab or window. Please start again.`
    case 'access_denied':
      return `${name} did not let Nimbus see your account, perhaps because you cancelled. Nothing was changed.`
    case 'provider_error':
      return `${name} did not answer as expected. Try again in a moment; if it keeps happening, ask an admin to check the ${name} settings in Nimbus.`
    case 'email_not_verified':
      return `The email address of your ${name} account is not verified. Verify it at ${name}, then try again.`
    case 'org_not_allowed':
      return 'Your GitHub account is not in an organisation this Nimbus allows. If you are in one, check that GitHub shows the membership to Nimbus (organisation access on the authorisation screen), or ask an admin.'
    case 'domain_not_allowed':
      return 'The email domain of your Google account is not one this Nimbus allows. Use your organisation’s Google account, or ask an admin.'
    case 'email_in_use':
      return `A Nimbus account with the same email address already exists, and Nimbus never joins accounts by email alone. Sign in with your email and password, then link ${name} from the Account page; after that, either way works.`
    case 'email_unproven':
      return `A Nimbus account with this address already exists, but its owner has not proven it. If it is yours, sign in with its password and link ${name} from your Account page; if not, ask an admin to release the address, then sign in with ${name} again.`
    case 'no_admin_yet':
      return `Nobody has set up this Nimbus yet. The first account becomes the administrator and must be created with an email and password; ${name} sign-in works once it exists.`
    case 'signups_closed':
      return `New accounts are closed on this Nimbus, so your ${name} sign-in cannot create one. Ask an admin to open sign-ups, or to link ${name} to an account you already have.`
    case 'account_disabled':
      return `The Nimbus account that uses this ${name} sign-in is disabled. Ask an administrator to enable it.`
    case 'identity_in_use':
      return `This ${name} account is already linked to another Nimbus account. Sign in to that account instead, or unlink ${name} there first.`
    case 'not_configured':
      return `${name} sign-in is not set up on this Nimbus. Sign in with your email and password, or ask an admin to set it up.`
    case 'not_signed_in':
      return `Your session ended before ${name} could be linked. Sign in again, then link ${name} from the Account page.`
    default:
      return `Nimbus could not finish with ${name}. Try again, or sign in with your email and password.`
  }
}

function SigningIn({ next }: { next: string }) {
  const auth = useAuth()
  const { refresh } = auth
  const [refreshed, setRefreshed] = useState(false)

  // Once, on arrival: the API's redirect has just set the session cookie.
  useEffect(() => {
    let current = true
    void refresh().then(() => {
      if (current) setRefreshed(true)
    })
    return () => {
      current = false
    }
  }, [refresh])

  if (!refreshed || auth.status === 'loading') return <AuthPending />
  // RequireAuth takes over from `next` (and sends the member on to /verify if the access code is on).
  if (auth.user) return <Navigate to={next} replace />
  return (
    <Problem
      title="Not signed in."
      message="The provider sent you back, but Nimbus did not start a session. Your browser may be blocking cookies for this site; try again, or sign in with your email and password."
    />
  )
}

function Problem({ title, message, code }: { title: string; message: string; code?: string }) {
  const { user } = useAuth()
  return (
    <AuthCard
      title={title}
      lead={message}
      footer={
        code && (
          <>
            Reason: <code className="font-mono text-ink-2">{code}</code>
          </>
        )
      }
    >
      <div className="flex flex-col items-center gap-3">
        {user ? (
          <>
            <Link to="/account" className={`${primaryButton} w-full`}>
              Back to your account
            </Link>
            <Link to="/" className={authLink}>
              Go home
            </Link>
          </>
        ) : (
          <Link to="/signin" className={`${primaryButton} w-full`}>
            Back to sign in
          </Link>
        )}
      </div>
    </AuthCard>
  )
}

export function AuthCallbackPage() {
  const [params] = useSearchParams()
  const auth = useAuth()
  const provider = asProvider(params.get('provider'))
  const name = providerName(provider)
  const result = params.get('result')
  const error = params.get('error')

  if (!error && result === 'signed_in') return <SigningIn next={safeNext(params.get('next'))} />
  if (!error && result === 'linked' && provider) {
    return <Navigate to="/account" replace state={{ linked: provider }} />
  }
  if (auth.status === 'loading') return <AuthPending />
  if (error) {
    // Someone signed in came here from "Link GitHub/Google" (the sign-in page sends them on).
    const title = auth.user ? (provider ? `${name} not linked.` : 'Not linked.') : 'Not signed in.'
    return <Problem title={title} message={callbackErrorMessage(error, name)} code={error} />
  }
  return (
    <Problem
      title="Nothing to do here."
      message="This page finishes signing in with GitHub or Google, and this visit did not come from either."
    />
  )
}
