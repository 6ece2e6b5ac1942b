// Helpers for page tests: render the real route table at a path, and script fetch.
import { render } from '@testing-library/react'
import { createMemoryRouter, RouterProvider } from 'react-router'
import { vi } from 'vitest'
import type { Me } from '../api/types'
import { routes } from '../routes'
import { catalog, unlimitedQuota } from './vms'

export function renderAt(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] })
  return { router, ...render(<RouterProvider router={router} />) }
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

type Answer = Response | Error | Promise<Response>

/**
 * Replaces globalThis.fetch: the n-th call gets the n-th answer (an Error rejects,
 * like a dropped connection). Calls past the script fail the test loudly.
 */
export function scriptFetch(...answers: (() => Answer)[]) {
  let call = 0
  return vi.spyOn(globalThis, 'fetch').mockImplementation((input) => {
    const answer = answers[call++]
    if (!answer) {
      const url = input instanceof Request ? input.url : input.toString()
      throw new Error(`unexpected fetch #${call}: ${url}`)
    }
    const value = answer()
    return value instanceof Error ? Promise.reject(value) : Promise.resolve(value)
  })
}

/** The <dd> text next to a <dt> label, as a screen reader would pair them. */
export function definition(container: HTMLElement, term: string): string {
  const dt = Array.from(container.querySelectorAll('dt')).find((el) => el.textContent === term)
  const dd = dt?.nextElementSibling
  if (dd?.tagName !== 'DD') throw new Error(`no <dd> for <dt>${term}</dt>`)
  return dd.textContent
}

// ---------------------------------------------------------------------------
// Routed fetch: answers by "METHOD /path" instead of by call order, for pages that
// load several things at once. Every call is logged with its parsed JSON body.
// ---------------------------------------------------------------------------

export interface LoggedCall {
  /** "POST /api/auth/login" */
  key: string
  body: unknown
  request: Request
}

type Handler = (call: LoggedCall) => Answer

/** Calls nobody scripted; setup.ts fails the test if any were made. */
export const strayCalls: string[] = []

/**
 * Calls every test gets answered unless it says otherwise: the sign-in and account pages ask
 * which sign-in providers are set up, and by default none is; the home page lists the person's
 * machines, by default none; the Provision form reads the catalog (test/vms.ts), the quota,
 * by default one with no limits, and whether public tunnels are on, by default off.
 */
const defaultHandlers: Record<string, Handler> = {
  'GET /api/auth/providers': () => ok({ github: false, google: false }),
  'GET /api/settings/signups': () => ok({ open: true, mode: 'open' }),
  'GET /api/users/invitations': () => ok([]),
  'GET /api/vms': () => ok([]),
  'GET /api/catalog': () => ok(catalog),
  'GET /api/quota': () => ok(unlimitedQuota),
  'GET /api/tunnels/info': () => ok({ enabled: false, quota: 0, used: 0 }),
}

/**
 * Replaces globalThis.fetch with a tiny router. A handler answers every call to its
 * key; an array of handlers answers successive calls, and a call past its end is
 * a stray call (the test fails), as is a call to a key with no handler (see
 * `defaultHandlers` for the few that have one anyway).
 */
export function serveFetch(scripted: Record<string, Handler | Handler[]>) {
  const handlers = { ...defaultHandlers, ...scripted }
  const log: LoggedCall[] = []
  const used = new Map<string, number>()
  strayCalls.length = 0
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init)
    const text = await request.clone().text()
    const call: LoggedCall = {
      key: `${request.method} ${new URL(request.url).pathname}`,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      request,
    }
    log.push(call)
    const entry = handlers[call.key]
    const index = used.get(call.key) ?? 0
    used.set(call.key, index + 1)
    const handler = Array.isArray(entry) ? entry[index] : entry
    if (!handler) {
      strayCalls.push(`${call.key} (call #${index + 1})`)
      throw new Error(`unexpected fetch: ${call.key}`)
    }
    const answer = await handler(call)
    if (answer instanceof Error) throw answer
    return answer
  })
  return {
    spy,
    log,
    /** The calls made to one key, in order. */
    calls: (key: string) => log.filter((call) => call.key === key),
  }
}

// ---------------------------------------------------------------------------
// API fixtures
// ---------------------------------------------------------------------------

export function ok(data: unknown, status = 200): Response {
  return json(status, { success: true, data })
}

export function refusal(
  status: number,
  code: string,
  error: string,
  extra: { field?: string; headers?: Record<string, string> } = {},
): Response {
  const body = { success: false, error, code, request_id: 'req-1', ...(extra.field ? { field: extra.field } : {}) }
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...extra.headers },
  })
}

export const admin: Me = {
  id: 'u-ada',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  role: 'admin',
  status: 'active',
  created_at: '2025-01-02T10:00:00Z',
  via: 'session',
  read_only: false,
  has_password: true,
}

export const member: Me = {
  id: 'u-bob',
  email: 'bob@example.com',
  name: 'Bob Member',
  role: 'member',
  status: 'active',
  created_at: '2025-02-03T10:00:00Z',
  via: 'session',
  read_only: false,
  has_password: true,
}

/** A GET /api/auth/status answer: signed in as `user`, or anonymous when null. */
export function authStatus(
  user: Me | null,
  install: {
    has_admin?: boolean
    setup_token_required?: boolean
    access_code_required?: boolean
    signups_open?: boolean
    signup_mode?: 'open' | 'access_code' | 'invite_only'
  } = {},
): () => Response {
  return () =>
    ok({
      has_admin: install.has_admin ?? true,
      setup_token_required: install.setup_token_required ?? false,
      access_code_required: install.access_code_required ?? false,
      signups_open: install.signups_open ?? true,
      signup_mode: install.signup_mode ?? (install.signups_open === false ? 'invite_only' : 'open'),
      ...(user ? { user } : {}),
    })
}

export function healthOk(): Response {
  return ok({ status: 'ok', version: '9.9.9', proxmox: { state: 'reachable', version: '8.4.1' } })
}
