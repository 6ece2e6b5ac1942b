// Typed client for the Nimbus HTTP API. Request and response types come from
// `schema.d.ts`, which `npm run gen:api` generates from openapi/nimbus.json.
import createClient from 'openapi-fetch'
import type { paths } from './schema'

export type { paths }

export const api = createClient<paths>({
  baseUrl: new URL('/api', window.location.origin).toString(),
  credentials: 'same-origin',
  // Late-bound on purpose: openapi-fetch captures the fetch it is given when the
  // client is created, so passing globalThis.fetch directly would make
  // vi.spyOn(globalThis, 'fetch') in tests a no-op.
  fetch: (request: Request) => globalThis.fetch(request),
})

/**
 * Error codes that mean "whoever was signed in no longer is". `invalid_credentials`
 * (a wrong password on sign-in or on a password change) is deliberately not one.
 */
const SESSION_ENDED_CODES = new Set([
  'not_signed_in',
  'session_expired',
  'token_invalid',
  'account_disabled',
])

type SessionEndedListener = (code: string) => void
const sessionEndedListeners = new Set<SessionEndedListener>()

/** Calls `listener` whenever any API call reports that the caller's session is gone. */
export function onSessionEnded(listener: SessionEndedListener): () => void {
  sessionEndedListeners.add(listener)
  return () => {
    sessionEndedListeners.delete(listener)
  }
}

/** The access-code gate is on and this member has not entered the current code (403). */
const ACCESS_CODE_REQUIRED = 'access_code_required'

const accessCodeListeners = new Set<() => void>()

/**
 * Calls `listener` whenever any API call is refused until the caller enters the access code
 * (the gate was turned on, or an admin rotated the code, while they were using the portal).
 */
export function onAccessCodeRequired(listener: () => void): () => void {
  accessCodeListeners.add(listener)
  return () => {
    accessCodeListeners.delete(listener)
  }
}

/** Nimbus is in setup mode: every route but the wizard's answers 503 with this code. */
const SETUP_REQUIRED = 'setup_required'

const setupRequiredListeners = new Set<() => void>()

/** Calls `listener` whenever any API call says Nimbus is not set up yet (the SPA goes to /setup). */
export function onSetupRequired(listener: () => void): () => void {
  setupRequiredListeners.add(listener)
  return () => {
    setupRequiredListeners.delete(listener)
  }
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = await response.clone().json()
    if (typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string') {
      return body.code
    }
  } catch {
    // Not the API's error shape (a proxy's page): nothing to say about the session.
  }
  return undefined
}

api.use({
  // Writes must be JSON (part of Nimbus's CSRF defence: a cross-site form cannot send it), so a
  // write without a body (sign out, revoke) is labelled JSON too; openapi-fetch would send none.
  onRequest({ request }) {
    const safe = request.method === 'GET' || request.method === 'HEAD'
    if (!safe && !request.headers.has('content-type')) request.headers.set('Content-Type', 'application/json')
    return request
  },
  async onResponse({ response }) {
    if (response.status !== 401 && response.status !== 403 && response.status !== 503) return undefined
    const code = await errorCode(response)
    if (code === SETUP_REQUIRED && response.status === 503) {
      for (const listener of setupRequiredListeners) listener()
    } else if (code && SESSION_ENDED_CODES.has(code)) {
      for (const listener of sessionEndedListeners) listener(code)
    } else if (code === ACCESS_CODE_REQUIRED && response.status === 403) {
      for (const listener of accessCodeListeners) listener()
    }
    return undefined
  },
})
