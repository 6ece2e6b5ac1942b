// The calls about who is signed in: the session's status, signing in, up and out (here or
// everywhere), entering the access code, and which GitHub/Google sign-ins are set up.
// (Starting a GitHub or Google sign-in is a full navigation, not a call: auth/providers.tsx.)
import { settle } from './call'
import { api } from './client'
import type { NewAccount } from './types'

/** Who is signed in, if anyone (never answers 401, so an anonymous visit logs no error). */
export const loadAuthStatus = (signal?: AbortSignal) => settle(api.GET('/auth/status', { signal }))

export const signIn = (email: string, password: string) =>
  settle(api.POST('/auth/login', { body: { email, password } }))

/** Creates the account and signs it in (the first one on a fresh install becomes the admin). */
export const signUp = (account: NewAccount) => settle(api.POST('/auth/register', { body: account }))

/** What an invitation link is good for (public): its state, role and expiry, or why it cannot be used. */
export const checkInvitation = (token: string, signal: AbortSignal) =>
  settle(api.GET('/auth/invitations/{token}', { params: { path: { token } }, signal }))

/** Ends this session. */
export const signOut = () => settle(api.POST('/auth/logout'))

/** Ends every session of the caller, this one included (API tokens keep working). */
export const signOutEverywhere = () => settle(api.POST('/auth/logout-all'))

/** The access code a member enters before going on, when an admin turned the gate on. */
export const verifyAccessCode = (code: string) => settle(api.POST('/access-code/verify', { body: { code } }))

/** Which providers are set up (public; for the sign-in and account pages). */
export const loadProviders = (signal: AbortSignal) => settle(api.GET('/auth/providers', { signal }))
