// The calls the Account page makes about the signed-in person: their name, their password,
// where they are signed in, the GitHub/Google accounts linked to theirs, and their API tokens.
import { settle } from './call'
import { api } from './client'
import type { NewToken, Provider } from './types'

export const saveMyName = (name: string) => settle(api.PATCH('/me', { body: { name } }))

/**
 * Changes the password (`current` is required once there is one; an account made by GitHub or
 * Google sign-in sets its first without), and with `revokeTokens` revokes every API token too.
 * Answers how many other sessions were signed out and how many tokens were revoked.
 */
export const changePassword = (next: string, current: string | null, revokeTokens: boolean) =>
  settle(
    api.POST('/me/password', {
      body:
        current === null
          ? { new_password: next, revoke_tokens: revokeTokens }
          : { current_password: current, new_password: next, revoke_tokens: revokeTokens },
    }),
  )

export const loadSessions = (signal: AbortSignal) => settle(api.GET('/me/sessions', { signal }))

/** Signs out one of the caller's other sessions. */
export const signOutSession = (id: string) => settle(api.DELETE('/me/sessions/{id}', { params: { path: { id } } }))

export const loadIdentities = (signal: AbortSignal) => settle(api.GET('/me/identities', { signal }))

/** Refused (409 `last_sign_in_method`) when it is the only way left to sign in. */
export const unlinkIdentity = (provider: Provider) =>
  settle(api.DELETE('/me/identities/{provider}', { params: { path: { provider } } }))

export const loadTokens = (signal: AbortSignal) => settle(api.GET('/tokens', { signal }))

/** Answers the token with its secret, which is never shown again. */
export const createToken = (token: NewToken) => settle(api.POST('/tokens', { body: token }))

export const revokeToken = (id: string) => settle(api.DELETE('/tokens/{id}', { params: { path: { id } } }))
