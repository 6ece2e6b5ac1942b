// Route guards. RequireAuth sends anonymous visitors to /signin and members who still have
// to enter the access code to /verify (remembering where they were); RequireAdmin tells members plainly that a page is for admins instead of
// rendering an empty screen (the server would answer 403 admin_required anyway).
import { useId, useState } from 'react'
import { Link, Navigate, Outlet, useLocation } from 'react-router'
import { BrandMark } from '../layout/BrandMark'
import { LoadFailed } from '../ui/LoadStatus'
import { primaryButton } from '../ui/styles'
import { useAuth } from './AuthProvider'
import { signInPath, verifyPath } from './next'

/** Shown for the moment between page load and the first /api/auth/status answer. */
export function AuthPending() {
  return (
    <div role="status" className="flex items-center justify-center gap-2.5 py-24 text-[13px] text-ink-3">
      <span aria-hidden="true" className="size-2 rounded-full bg-ink-3 motion-safe:animate-breathe" />
      Checking your session…
    </div>
  )
}

/** Nimbus did not answer the status check: say so and offer a retry instead of guessing. */
function AuthUnavailable() {
  const auth = useAuth()
  const [retrying, setRetrying] = useState(false)
  if (!auth.failure) return null
  return (
    <div className="mx-auto mt-6 max-w-[480px]">
      <LoadFailed
        failure={auth.failure}
        lead="Could not check your session"
        focus
        retrying={retrying}
        onRetry={() => {
          setRetrying(true)
          void auth.refresh().finally(() => {
            setRetrying(false)
          })
        }}
      />
    </div>
  )
}

export function RequireAuth() {
  const auth = useAuth()
  const location = useLocation()
  if (auth.status === 'loading') return <AuthPending />
  const here = `${location.pathname}${location.search}${location.hash}`
  if (auth.user) return auth.accessCodeRequired ? <Navigate to={verifyPath(here)} replace /> : <Outlet />
  if (auth.failure) return <AuthUnavailable />
  return <Navigate to={signInPath(auth.signedOutOnPurpose ? null : here)} replace />
}

export function RequireAdmin() {
  const { user } = useAuth()
  if (user?.role === 'admin') return <Outlet />
  return <AdminsOnly />
}

function AdminsOnly() {
  const titleId = useId()
  return (
    <section
      aria-labelledby={titleId}
      className="glass mx-auto mt-6 flex max-w-[460px] flex-col items-center px-8 py-10 text-center"
    >
      <BrandMark size="lg" />
      <p className="eyebrow mt-7">Error 403</p>
      <h1 id={titleId} className="mt-3 text-[40px] leading-[1.05]">
        Admins only
      </h1>
      <p className="mt-4 text-ink-2">
        This page is for Nimbus administrators. If you need it, ask an admin to make you one.
      </p>
      <Link to="/" className={`${primaryButton} mt-7`}>
        Back to home
      </Link>
    </section>
  )
}
