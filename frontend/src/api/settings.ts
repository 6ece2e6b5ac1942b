// The calls Settings → Authentication makes: who may sign up, the access code members
// enter before using Nimbus, and the GitHub and Google sign-in apps. (Settings → Quotas: admin.ts.)
import { settle } from './call'
import { api } from './client'
import type { OAuthSettingsUpdate, SignupMode } from './types'

export const loadSignups = (signal: AbortSignal) => settle(api.GET('/settings/signups', { signal }))

/** Who may sign up: anyone, anyone with the access code (turns the gate on), or only invited people. */
export const saveSignups = (mode: SignupMode) => settle(api.PUT('/settings/signups', { body: { mode } }))

export const loadAccessCode = (signal: AbortSignal) => settle(api.GET('/settings/access-code', { signal }))

/** Turns the gate on (the first time makes a code) or off. */
export const saveAccessCodeEnabled = (enabled: boolean) =>
  settle(api.PUT('/settings/access-code', { body: { enabled } }))

/** A new code: the old one stops working and every member enters the new one. */
export const rotateAccessCode = () => settle(api.POST('/settings/access-code/rotate'))

/** The same code, but every member enters it again. */
export const askForAccessCodeAgain = () => settle(api.POST('/settings/access-code/bump'))

/** The providers' settings; secrets are never sent back, only whether one is stored. */
export const loadOAuthSettings = (signal: AbortSignal) => settle(api.GET('/settings/oauth', { signal }))

export const saveOAuthSettings = (change: OAuthSettingsUpdate) => settle(api.PUT('/settings/oauth', { body: change }))
