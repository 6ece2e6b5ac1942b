// The calls of the first-run setup wizard. Every /api/setup call carries the one-time setup token
// Nimbus printed to its log (kept in sessionStorage for this tab); an answer saying the token is
// missing or wrong forgets it and tells the wizard (`onSetupTokenRejected`) to ask again.
import { type Outcome, settle } from './call'
import { api } from './client'
import type { ApiFailure } from './failure'
import type { AccessChoice, AdminAccount, NetworkForm, ProxmoxConnect } from './types'

// ---------------------------------------------------------------------------
// The setup token
// ---------------------------------------------------------------------------

const TOKEN_KEY = 'nimbus.setup-token'
const TOKEN_CODES = new Set(['setup_token_required', 'setup_token_invalid'])

export function setupToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY)
}

export function rememberSetupToken(token: string) {
  sessionStorage.setItem(TOKEN_KEY, token)
}

export function forgetSetupToken() {
  sessionStorage.removeItem(TOKEN_KEY)
}

type TokenListener = (failure: ApiFailure) => void
const tokenListeners = new Set<TokenListener>()

/** Calls `listener` whenever a setup call says the token is missing or wrong (it is forgotten first). */
export function onSetupTokenRejected(listener: TokenListener): () => void {
  tokenListeners.add(listener)
  return () => {
    tokenListeners.delete(listener)
  }
}

/** Whether a failure means "ask for the setup token again". */
export function isTokenRefusal(failure: ApiFailure): boolean {
  return failure.code !== undefined && TOKEN_CODES.has(failure.code)
}

/** The header every setup call carries. */
function tokenHeader(token: string | null = setupToken()) {
  return { header: { 'X-Setup-Token': token ?? '' } }
}

/** Settles a setup call; a refused token is forgotten and the wizard told. */
async function guarded<T>(pending: Promise<Outcome<T>>): Promise<Outcome<T>> {
  const outcome = await pending
  if (!outcome.ok && isTokenRefusal(outcome.failure)) {
    forgetSetupToken()
    for (const listener of tokenListeners) listener(outcome.failure)
  }
  return outcome
}

// ---------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------

/** Where the wizard stands, with the token remembered for this tab. */
export const loadSetupState = (signal: AbortSignal) =>
  guarded(settle(api.GET('/setup', { params: tokenHeader(), signal })))

/** The first call with a token just typed: answers the state, or why the token is refused
 * (401 `setup_token_invalid`, 429 after too many wrong ones). Does not remember the token. */
export const checkSetupToken = (token: string) => settle(api.GET('/setup', { params: tokenHeader(token) }))

/** The certificate Proxmox presents at `url`, for the admin to compare and pin. 400 field `url`. */
export const fetchSetupFingerprint = (url: string) =>
  guarded(settle(api.POST('/setup/proxmox/fingerprint', { params: tokenHeader(), body: { url } })))

/** Connects with a pasted token or one made from the root password, checks every privilege, and
 * saves the step (a token lacking privileges too). 400 `second_factor_required` on `root_password`. */
export const connectProxmox = (connect: ProxmoxConnect) =>
  guarded(settle(api.POST('/setup/proxmox', { params: tokenHeader(), body: connect })))

export const saveSetupNetwork = (network: NetworkForm) =>
  guarded(settle(api.POST('/setup/network', { params: tokenHeader(), body: network })))

/** Which pool addresses already answer on the LAN (they will be skipped). */
export const probeSetupNetwork = (network: NetworkForm) =>
  guarded(settle(api.POST('/setup/network/probe', { params: tokenHeader(), body: network })))

export const saveSetupAccess = (access: AccessChoice) =>
  guarded(settle(api.POST('/setup/access', { params: tokenHeader(), body: access })))

/** Makes the admin, saves and applies the settings and leaves setup mode; signs the admin in.
 * 409 `setup_incomplete` names the step still to do. */
export const finishSetup = (account: AdminAccount) =>
  guarded(settle(api.POST('/setup/finish', { params: tokenHeader(), body: account })))
