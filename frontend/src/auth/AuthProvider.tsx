// Who is signed in, as the SPA knows it. Asks GET /api/auth/status once at start (it
// never answers 401, so an anonymous visit leaves no error in the console) and again
// after sign-in or sign-up; forgets the user when any call says the session is gone, and
// notes when a call says the access code must be entered first (the guards send them to /verify).
// While Nimbus is in setup mode every call but the wizard's answers `setup_required` (the first
// status check included), and every screen gives way to /setup.
import { createContext, type ReactNode, use, useCallback, useEffect, useMemo, useState } from 'react'
import { Navigate, Outlet, useLocation } from 'react-router'
import { loadAuthStatus, signOut as signOutOnServer } from '../api/auth'
import type { Outcome } from '../api/call'
import { onAccessCodeRequired, onSessionEnded, onSetupRequired } from '../api/client'
import type { ApiFailure } from '../api/failure'
import type { AuthStatus, Me } from '../api/types'

export interface AuthState {
  status: 'loading' | 'ready'
  user: Me | null
  /** False on a fresh install: the next account to register becomes the admin. */
  hasAdmin: boolean
  /** `nimbus serve` with no admin yet: registering needs the token printed to the log. */
  setupTokenRequired: boolean
  /** The access-code gate is on and the signed-in member has not entered the current code. */
  accessCodeRequired: boolean
  /** New people may create accounts without an invitation (admins can make sign-ups invite-only). */
  signupsOpen: boolean
  /** Who may sign up: with `access_code` the sign-up form takes the code. */
  signupMode: AuthStatus['signup_mode']
  /** Nimbus has no cluster settings and no admin yet: only the setup wizard works. */
  setupRequired: boolean
  /** Why the last status check failed (Nimbus unreachable), if it did. */
  failure: ApiFailure | null
  /** Said on the sign-in page after the session ended under the user's feet. */
  notice: string | null
  /** The user signed out themselves: the sign-in page needs no `next` back to where they were. */
  signedOutOnPurpose: boolean
}

export interface Auth extends AuthState {
  /** Re-reads /api/auth/status (after sign-in, sign-up, or a failed check). */
  refresh: () => Promise<void>
  /** Ends this session on the server and forgets the user; a failure is returned, not thrown. */
  signOut: () => Promise<ApiFailure | null>
  /** Forgets the user after the server already ended the session (e.g. "sign out everywhere"). */
  forget: (notice: string | null) => void
  /** Takes a fresher copy of the signed-in user (e.g. after renaming). */
  replaceUser: (user: Me) => void
}

const AuthContext = createContext<Auth | null>(null)

const initialState: AuthState = {
  status: 'loading',
  user: null,
  hasAdmin: true,
  setupTokenRequired: false,
  accessCodeRequired: false,
  signupsOpen: true,
  signupMode: 'open',
  setupRequired: false,
  failure: null,
  notice: null,
  signedOutOnPurpose: false,
}

function noticeFor(code: string): string {
  return code === 'account_disabled'
    ? 'Your account has been disabled. Ask an administrator to enable it.'
    : 'Your session ended. Sign in again.'
}

function withStatus(current: AuthState, outcome: Outcome<AuthStatus>): AuthState {
  if (!outcome.ok && outcome.failure.code === 'setup_required') {
    return { ...current, status: 'ready', user: null, setupRequired: true, failure: null }
  }
  if (!outcome.ok) return { ...current, status: 'ready', failure: outcome.failure }
  const { user, has_admin, setup_token_required, access_code_required, signups_open, signup_mode } = outcome.data
  return {
    status: 'ready',
    user: user ?? null,
    hasAdmin: has_admin,
    setupTokenRequired: setup_token_required,
    accessCodeRequired: user !== undefined && access_code_required,
    signupsOpen: signups_open,
    signupMode: signup_mode,
    setupRequired: false,
    failure: null,
    notice: user ? null : current.notice,
    signedOutOnPurpose: user ? false : current.signedOutOnPurpose,
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>(initialState)

  useEffect(() => {
    const controller = new AbortController()
    void loadAuthStatus(controller.signal).then((outcome) => {
      if (!controller.signal.aborted) setState((current) => withStatus(current, outcome))
    })
    return () => {
      controller.abort()
    }
  }, [])

  const refresh = useCallback(async () => {
    const outcome = await loadAuthStatus()
    setState((current) => withStatus(current, outcome))
  }, [])

  useEffect(
    () =>
      onSessionEnded((code) => {
        setState((current) =>
          // Only a session that existed can end; an anonymous 401/403 (a disabled
          // account trying to sign in) is the sign-in page's own error to show.
          current.user
            ? { ...current, user: null, accessCodeRequired: false, notice: noticeFor(code), signedOutOnPurpose: false }
            : current,
        )
      }),
    [],
  )

  useEffect(
    () =>
      onAccessCodeRequired(() => {
        setState((current) =>
          current.user && !current.accessCodeRequired ? { ...current, accessCodeRequired: true } : current,
        )
      }),
    [],
  )

  useEffect(
    () =>
      onSetupRequired(() => {
        setState((current) => (current.setupRequired ? current : { ...current, user: null, setupRequired: true }))
      }),
    [],
  )

  const signOut = useCallback(async () => {
    const outcome = await signOutOnServer()
    if (!outcome.ok) return outcome.failure
    setState((current) => ({
      ...current,
      user: null,
      accessCodeRequired: false,
      notice: null,
      signedOutOnPurpose: true,
    }))
    return null
  }, [])

  const forget = useCallback((notice: string | null) => {
    setState((current) => ({ ...current, user: null, accessCodeRequired: false, notice, signedOutOnPurpose: true }))
  }, [])

  const replaceUser = useCallback((user: Me) => {
    setState((current) => ({ ...current, user }))
  }, [])

  const value = useMemo(
    () => ({ ...state, refresh, signOut, forget, replaceUser }),
    [state, refresh, signOut, forget, replaceUser],
  )
  return <AuthContext value={value}>{children}</AuthContext>
}

/** The root route element: every screen below it can ask who is signed in. */
export function AuthRoot() {
  return (
    <AuthProvider>
      <SetupGate />
    </AuthProvider>
  )
}

/** In setup mode every path but /setup goes to the wizard. */
function SetupGate() {
  const { setupRequired } = useAuth()
  const { pathname } = useLocation()
  if (setupRequired && pathname !== '/setup' && !pathname.startsWith('/setup/')) return <Navigate to="/setup" replace />
  return <Outlet />
}

export function useAuth(): Auth {
  const auth = use(AuthContext)
  if (!auth) throw new Error('useAuth must be used inside <AuthProvider>')
  return auth
}
