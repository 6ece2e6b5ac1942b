// The calls of the first-run setup wizard. Every /api/setup call carries the one-time setup token
// Nimbus printed to its log (kept in sessionStorage for this tab); an answer saying the token is
// missing or wrong forgets it and tells the wizard (`onSetupTokenRejected`) to ask again.
// The types are written by hand to the setup contract until the server's spec has these routes.
import { type Outcome, settle } from './call'
import type { ApiFailure } from './failure'
import { plainCall } from './plainCall'

export type SetupStep = 'proxmox' | 'network' | 'access' | 'admin'
export type SignupMode = 'open' | 'access_code' | 'invite_only'

/** A privilege the token lacks: what it is for, why, and how to grant it. */
export interface MissingPrivilege {
  /** "VM.Clone on /vms" */
  privilege: string
  /** "provisioning", "templates" or "console" */
  feature: string
  reason: string
  /** The `pveum` command that grants it. */
  pveum: string
  /** Where to grant it in Proxmox's web UI. */
  ui: string
}

/** What Nimbus found at a Proxmox address with a token, and whether it is enough to go on. */
export interface ClusterCheck {
  version: string
  cluster_name?: string
  nodes: { name: string; online: boolean }[]
  storages: { name: string; kind: string; shared: boolean }[]
  token_id: string
  /** Nimbus made the user, role and token from the root password. */
  created_token: boolean
  missing: MissingPrivilege[]
  ready: boolean
}

/** How Nimbus reaches Proxmox: a token pasted, or one made from the root password (never stored). */
export interface ProxmoxConnect {
  url: string
  fingerprint: string
  token_id?: string
  token_secret?: string
  root_user?: string
  root_password?: string
}

export interface Fingerprint {
  url: string
  /** "AB:CD:…" */
  fingerprint: string
}

/** The VM network: the pool, gateway, prefix, reserved ranges and DNS. */
export interface NetworkForm {
  pool_start: string
  pool_end: string
  gateway: string
  prefix: number
  /** "10.0.0.20-10.0.0.29, 10.0.0.40" */
  reserved: string
  /** Comma separated. */
  nameservers: string
  search_domain: string
}

export interface NetworkReview {
  addresses: number
  warnings: string[]
}

export interface NetworkProbe {
  probed: number
  /** Addresses in the pool that already answer on the LAN (they will be skipped). */
  answering: string[]
}

export interface AccessState {
  signup_mode: SignupMode
  github: boolean
  google: boolean
}

export interface AccessChoice {
  signup_mode: SignupMode
  github_client_id?: string
  github_client_secret?: string
  google_client_id?: string
  google_client_secret?: string
}

export interface SetupState {
  /** The first step not yet done: the wizard resumes there. */
  step: SetupStep
  /** The Proxmox address to prefill when Nimbus runs on a Proxmox node. */
  detected_url?: string
  proxmox?: { url: string; fingerprint: string; token_id: string; check: ClusterCheck }
  network?: NetworkForm
  network_warnings: string[]
  access?: AccessState
}

export interface AdminAccount {
  email: string
  password: string
  display_name?: string
}

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

// ---------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------

interface Routes {
  'GET /setup': SetupState
  'POST /setup/proxmox/fingerprint': Fingerprint
  'POST /setup/proxmox': ClusterCheck
  'POST /setup/network': NetworkReview
  'POST /setup/network/probe': NetworkProbe
  'POST /setup/access': AccessState
  'POST /setup/finish': { redirect: string }
}

function send<K extends keyof Routes>(route: K, token: string | null, body?: unknown, signal?: AbortSignal) {
  return plainCall<Routes, K>(route, { body, signal, headers: token === null ? {} : { 'X-Setup-Token': token } })
}

async function call<K extends keyof Routes>(route: K, body?: unknown, signal?: AbortSignal) {
  const outcome = await settle(send(route, setupToken(), body, signal))
  if (!outcome.ok && isTokenRefusal(outcome.failure)) {
    forgetSetupToken()
    for (const listener of tokenListeners) listener(outcome.failure)
  }
  return outcome
}

/** Where the wizard stands, with the token remembered for this tab. */
export const loadSetupState = (signal: AbortSignal) => call('GET /setup', undefined, signal)

/** The first call with a token just typed: answers the state, or why the token is refused
 * (401 `setup_token_invalid`, 429 after too many wrong ones). Does not remember the token. */
export const checkSetupToken = async (token: string): Promise<Outcome<SetupState>> =>
  settle(send('GET /setup', token))

/** The certificate Proxmox presents at `url`, for the admin to compare and pin. 400 field `url`. */
export const fetchSetupFingerprint = (url: string) => call('POST /setup/proxmox/fingerprint', { url })

/** Connects with a pasted token or one made from the root password, and checks every privilege. */
export const connectProxmox = (connect: ProxmoxConnect) => call('POST /setup/proxmox', connect)

export const saveSetupNetwork = (network: NetworkForm) => call('POST /setup/network', network)

/** Which pool addresses already answer on the LAN (they will be skipped). */
export const probeSetupNetwork = (network: NetworkForm) => call('POST /setup/network/probe', network)

export const saveSetupAccess = (access: AccessChoice) => call('POST /setup/access', access)

/** Makes the admin, saves the settings and leaves setup mode; signs the admin in. 409
 * `setup_incomplete` names the step still to do. */
export const finishSetup = (account: AdminAccount) => call('POST /setup/finish', account)
