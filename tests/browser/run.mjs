// Browser tests for the Nimbus portal: spawns `$NIMBUS_BIN demo` on a free loopback port
// with a throwaway data dir, drives Debian's Chromium through playwright-core, and prints
// one `ok - name` / `FAIL - name: error` line per test and a final `N passed, M failed`.
//
//   NIMBUS_BIN=target/debug/nimbus node tests/browser/run.mjs [name filter]
//
// Env: NIMBUS_BIN (required), CHROMIUM_BIN (default /usr/bin/chromium),
//      SCREENSHOT_DIR (default <repo>/target/browser).
//
// To add a test, call `test(name, async ({ page, base, openPage }) => { ... })` below. Tests run in
// order against one server and one browser profile (so one cookie jar): the accounts tests build
// on each other; `withFreshBrowser` gives a second person their own profile.
// Every page is confined to the local server: a request to any other origin is aborted
// and fails the test that made it.
import { request as httpsRequest } from 'node:https'
import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startProvider } from './oauth-provider.mjs'
import { chromium, request } from 'playwright-core'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || join(REPO_ROOT, 'target', 'browser')
const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium'
const STARTUP_TIMEOUT_MS = 30_000
const POLL_MS = 100
// Generous bounds: CI shares 2 cores with cargo and Chromium renders in software.
const WAIT_MS = 20_000
const TEST_TIMEOUT_MS = 90_000
const SHUTDOWN_TIMEOUT_MS = 10_000
const DIAGNOSTIC_LINES = 40

// ---------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------

/** @typedef {{ base: string, page: import('playwright-core').Page, openPage: () => Promise<import('playwright-core').Page> }} TestContext */
/** @type {{ name: string, fn: (ctx: TestContext) => Promise<void> }[]} */
const tests = []

/** Registers a browser test; tests run in registration order against one server. */
function test(name, fn) {
  tests.push({ name, fn })
}

// ---------------------------------------------------------------------------
// Helpers tests use
// ---------------------------------------------------------------------------

function assert(condition, message) {
  if (!condition) throw new Error(message)
}

/** Polls `read()` until it returns `expected` (bounded); the error names the last value seen. */
async function waitForValue(what, read, expected, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    try {
      last = await read()
    } catch (error) {
      last = `<${error.message.split('\n')[0]}>`
    }
    if (last === expected) return
    if (Date.now() >= deadline) {
      throw new Error(`${what}: expected ${JSON.stringify(expected)}, last saw ${JSON.stringify(last)}`)
    }
    await delay(POLL_MS)
  }
}

/** Text of the <dd> paired with the <dt> labelled `term` inside `scope`. */
function definition(scope, term) {
  return scope
    .locator('dt', { hasText: new RegExp(`^\\s*${term}\\s*$`) })
    .locator('xpath=following-sibling::dd[1]')
}

async function textOf(locator) {
  return ((await locator.textContent({ timeout: POLL_MS * 5 })) ?? '').trim()
}

async function fetchJson(url) {
  const response = await fetch(url)
  assert(response.ok, `GET ${url} answered ${response.status}`)
  return response.json()
}

function delay(ms) {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms))
}

// ---------------------------------------------------------------------------
// Accounts: helpers the tests below share
// ---------------------------------------------------------------------------

// The demo starts with an empty database: the first account to register becomes the admin.
const ADMIN = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'analytical-engine-1843' }
const MEMBER = { name: 'Bob Member', email: 'bob@example.com', password: 'difference-engine-1822' }

function pathOf(page) {
  return new URL(page.url()).pathname
}

function primaryNav(page) {
  return page.getByRole('navigation', { name: 'Primary' })
}

/** The page's own view of who is signed in (its cookies, not the test's). */
async function authStatusOf(page, base) {
  const response = await page.request.get(`${base}/api/auth/status`)
  assert(response.status() === 200, `GET /api/auth/status answered ${response.status()}`)
  return (await response.json()).data
}

/** Fills and submits the Sign up form. */
async function signUpThroughTheForm(page, person) {
  await page.getByLabel('Name', { exact: true }).fill(person.name)
  await page.getByLabel('Email', { exact: true }).fill(person.email)
  await page.getByLabel('Password', { exact: true }).fill(person.password)
  await page.getByLabel('Confirm password', { exact: true }).fill(person.password)
  await page.getByRole('button', { name: 'Create account', exact: true }).click()
}

/** Fills and submits the Sign in form. */
async function signInThroughTheForm(page, email, password) {
  await page.getByLabel('Email', { exact: true }).fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

/**
 * Makes sure the page's browser is signed in as ADMIN, through the API, so a test run
 * alone (`node run.mjs <filter>`) finds the state the full sequence would have left.
 * In the full run the UI tests before it have already done this, and it does nothing.
 */
async function ensureAdminSignedIn(page, base) {
  const status = await authStatusOf(page, base)
  if (status.user?.email === ADMIN.email) return
  const [path, body] = status.has_admin
    ? ['/api/auth/login', { email: ADMIN.email, password: ADMIN.password }]
    : ['/api/auth/register', ADMIN]
  // Origin as a browser would send it: writes must be same-origin.
  const response = await page.request.post(`${base}${path}`, { data: body, headers: { Origin: base } })
  if (!response.ok()) throw new Error(`POST ${path} answered ${response.status()}: ${await response.text()}`)
}

/**
 * Makes sure MEMBER has an account (the full sequence signs them up through the UI earlier), so
 * a test run alone finds them. Uses its own cookie jar: nobody's browser changes who is signed in.
 */
async function ensureMemberExists(base) {
  const client = await request.newContext()
  try {
    const headers = { Origin: base }
    const login = await client.post(`${base}/api/auth/login`, {
      data: { email: MEMBER.email, password: MEMBER.password },
      headers,
    })
    if (login.ok()) return
    const register = await client.post(`${base}/api/auth/register`, { data: MEMBER, headers })
    if (!register.ok()) {
      throw new Error(`could not sign in or sign up ${MEMBER.email}: ${register.status()} ${await register.text()}`)
    }
  } finally {
    await client.dispose()
  }
}

/** Signs the page's browser in as MEMBER through the API (its own cookie jar), signing them up if needed. */
async function signInAsMember(page, base) {
  const headers = { Origin: base }
  let response = await page.request.post(`${base}/api/auth/login`, {
    data: { email: MEMBER.email, password: MEMBER.password },
    headers,
  })
  if (response.status() === 401) response = await page.request.post(`${base}/api/auth/register`, { data: MEMBER, headers })
  if (!response.ok()) throw new Error(`signing in as the member answered ${response.status()}: ${await response.text()}`)
}

/**
 * Runs `fn` with a page in a brand-new browser profile (no cookies): a second person
 * at another computer. Confined to the local server like every other page.
 */
async function withFreshBrowser(base, fn) {
  const profileDir = mkdtempSync(join(tmpdir(), 'nimbus-chromium-'))
  const offsite = []
  let context
  try {
    context = await launchBrowser(profileDir)
    await fn(await confinedPage(context, base, offsite))
    assert(offsite.length === 0, `requests left the local server: ${offsite.join(', ')}`)
  } finally {
    await context?.close().catch(() => {})
    rmSync(profileDir, { recursive: true, force: true })
  }
}

async function screenshot(page, name) {
  await page.evaluate(() => document.fonts.ready.then(() => undefined))
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, animations: 'disabled' })
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

test('the first person to sign up becomes the admin', async ({ page, base }) => {
  const before = await fetchJson(`${base}/api/auth/status`)
  assert(before?.data?.has_admin === false, `the demo should start with no admin: ${JSON.stringify(before)}`)

  await page.goto(`${base}/`)
  await waitForValue('path of an anonymous visit to home', () => pathOf(page), '/signin')
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
  await screenshot(page, 'signin')
  await page.getByRole('link', { name: 'Create an account', exact: true }).click()

  await waitForValue('path after following the sign-up link', () => pathOf(page), '/signup')
  await page.getByText('You are creating the first account: it becomes the administrator.').waitFor()
  assert((await page.getByLabel('Setup token').count()) === 0, 'nimbus demo asks for a setup token')
  await screenshot(page, 'signup')
  await signUpThroughTheForm(page, ADMIN)

  await waitForValue('url after signing up', () => page.url(), `${base}/`)
  await primaryNav(page).getByRole('link', { name: 'Admin', exact: true }).waitFor()
  await page.getByRole('button', { name: ADMIN.name, exact: true }).waitFor()
  const after = await authStatusOf(page, base)
  assert(after.user?.role === 'admin', `the first account is not an admin: ${JSON.stringify(after)}`)
})

test('home page shows the portal status, its version and the simulated Proxmox cluster', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  const anonymous = await fetchJson(`${base}/api/health`)
  assert(anonymous?.data?.proxmox === undefined, `/api/health tells anonymous callers about Proxmox: ${JSON.stringify(anonymous)}`)
  assert(anonymous?.data?.version === undefined, `/api/health tells anonymous callers its version: ${JSON.stringify(anonymous)}`)
  // The admin's own view (the browser's cookie): it includes the cluster.
  const health = await (await page.request.get(`${base}/api/health`)).json()
  const version = health?.data?.version
  assert(typeof version === 'string' && version !== '', `/api/health has no data.version: ${JSON.stringify(health)}`)
  const proxmox = health?.data?.proxmox
  assert(
    proxmox?.state === 'reachable' && typeof proxmox.version === 'string',
    `/api/health does not report the demo's Proxmox as reachable to the admin: ${JSON.stringify(health)}`,
  )

  await page.goto(`${base}/`)
  const card = page.getByRole('region', { name: 'Portal status' })
  await waitForValue('status', () => textOf(definition(card, 'Status')), 'ok')
  await waitForValue('version', () => textOf(definition(card, 'Version')), version)
  await waitForValue('proxmox', () => textOf(definition(card, 'Proxmox')), `VE ${proxmox.version} · reachable`)
  await waitForValue('page heading', () => textOf(page.getByRole('heading', { level: 1 })), 'Spin up a machine.')

  await screenshot(page, 'home')
})

test('the admin signs out, then signs in again through the sign-in page', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  await page.goto(`${base}/`)
  await page.getByRole('button', { name: ADMIN.name, exact: true }).click()
  await page.getByRole('button', { name: 'Sign out', exact: true }).click()

  await waitForValue('path after signing out', () => pathOf(page), '/signin')
  const signedOut = await authStatusOf(page, base)
  assert(signedOut.user === undefined, `still signed in after signing out: ${JSON.stringify(signedOut)}`)

  await signInThroughTheForm(page, ADMIN.email, 'not the password at all')
  const alert = page.getByRole('alert')
  await alert.waitFor()
  assert((await textOf(alert)).startsWith('Could not sign in'), `unexpected alert: ${await textOf(alert)}`)
  assert(pathOf(page) === '/signin', `a wrong password left the sign-in page for ${page.url()}`)

  await signInThroughTheForm(page, ADMIN.email, ADMIN.password)
  await waitForValue('url after signing in', () => page.url(), `${base}/`)
  await page.getByRole('button', { name: ADMIN.name, exact: true }).waitFor()
  await page.getByRole('region', { name: 'Portal status' }).waitFor()
})

test('an API token made on the account page works until it is revoked', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  await page.goto(`${base}/account`)
  const form = page.getByRole('form', { name: 'New API token' })
  await form.getByLabel('Name', { exact: true }).fill('browser test')
  await form.getByRole('button', { name: 'Create token', exact: true }).click()

  const shown = page.getByRole('region', { name: 'Token “browser test” created' })
  const secret = await shown.getByLabel('Secret', { exact: true }).inputValue()
  assert(/^nimbus_\S{20,}$/.test(secret), `the page shows an odd secret: ${JSON.stringify(secret)}`)
  await screenshot(page, 'account')

  const bearer = { headers: { Authorization: `Bearer ${secret}` } }
  const me = await fetch(`${base}/api/me`, bearer)
  if (me.status !== 200) throw new Error(`GET /api/me with the new token answered ${me.status}: ${await me.text()}`)
  const body = await me.json()
  assert(body?.data?.email === ADMIN.email, `the token acts as someone else: ${JSON.stringify(body)}`)

  await shown.getByRole('button', { name: 'I have copied it', exact: true }).click()
  await shown.waitFor({ state: 'detached' })
  const revoke = page.getByRole('button', { name: 'Revoke browser test', exact: true })
  await revoke.click()
  await page
    .getByRole('alertdialog', { name: 'Revoke “browser test”?' })
    .getByRole('button', { name: 'Revoke token', exact: true })
    .click()
  await revoke.waitFor({ state: 'detached' })

  const refused = await fetch(`${base}/api/me`, bearer)
  assert(refused.status === 401, `GET /api/me with the revoked token answered ${refused.status}, expected 401`)
})

test('a second person signs up as a member and cannot reach the admin pages', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  await withFreshBrowser(base, async (other) => {
    await other.goto(`${base}/signup`)
    await other.getByLabel('Name', { exact: true }).waitFor()
    assert(
      (await other.getByText('You are creating the first account').count()) === 0,
      'the second account is told it becomes the administrator',
    )
    await signUpThroughTheForm(other, MEMBER)
    await waitForValue('url after the member signs up', () => other.url(), `${base}/`)
    await other.getByRole('button', { name: MEMBER.name, exact: true }).waitFor()
    await primaryNav(other).getByRole('link', { name: 'Home', exact: true }).waitFor()
    assert(
      (await primaryNav(other).getByRole('link', { name: 'Admin', exact: true }).count()) === 0,
      'a member sees the Admin entry in the nav',
    )

    await other.goto(`${base}/admin/users`)
    await waitForValue('heading of /admin/users for a member', () => textOf(other.getByRole('heading', { level: 1 })), 'Admins only')
    const direct = await other.request.get(`${base}/api/users`)
    assert(direct.status() === 403, `GET /api/users as a member answered ${direct.status()}, expected 403`)
  })

  await page.goto(`${base}/admin/users`)
  const table = page.getByRole('table', { name: 'Users' })
  const adminRow = table.getByRole('row', { name: new RegExp(ADMIN.name) })
  const memberRow = table.getByRole('row', { name: new RegExp(MEMBER.name) })
  await adminRow.waitFor()
  await memberRow.waitFor()
  assert((await textOf(adminRow)).includes('you'), `the admin's own row is not marked "you": ${await textOf(adminRow)}`)
  assert((await textOf(memberRow)).includes('member'), `the new account is not a member: ${await textOf(memberRow)}`)
  await screenshot(page, 'admin-users')
})

test('client routes fall back to the SPA', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  const response = await page.goto(`${base}/no/such/page`)
  assert(response?.status() === 200, `deep link answered ${response?.status()}, expected the SPA with 200`)
  const type = response.headers()['content-type'] ?? ''
  assert(type.startsWith('text/html'), `deep link answered content-type ${JSON.stringify(type)}`)

  await waitForValue('not-found heading', () => textOf(page.getByRole('heading', { level: 1 })), 'Page not found')
  await page.getByRole('link', { name: 'Back to home' }).click()

  await waitForValue('url after clicking home', () => page.url(), `${base}/`)
  await waitForValue('home heading', () => textOf(page.getByRole('heading', { level: 1 })), 'Spin up a machine.')
  await page.getByRole('region', { name: 'Portal status' }).waitFor()
})

test('no console errors and no failed requests on the home page', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  const problems = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`))
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`),
  )
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`)
  })

  await page.goto(`${base}/`)
  await waitForValue('status', () => textOf(definition(page.getByRole('region', { name: 'Portal status' }), 'Status')), 'ok')
  await page.waitForLoadState('networkidle')
  await page.evaluate(() => document.fonts.ready.then(() => undefined))

  assert(problems.length === 0, `the home page reported:\n    ${problems.join('\n    ')}`)
})

test('turning the access code on sends a member to Verify', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  await page.goto(`${base}/admin/settings/auth`)
  const panel = page.getByRole('region', { name: 'Access code' })
  const toggle = panel.getByRole('switch', { name: 'Require an access code' })
  await toggle.waitFor()
  assert((await toggle.getAttribute('aria-checked')) === 'false', 'the access code is on before the test turned it on')
  await toggle.click()
  await waitForValue('access-code switch after turning it on', () => toggle.getAttribute('aria-checked'), 'true')

  // The admin reads the code off the page, as they would to share it.
  const shownCode = definition(panel, 'Current code')
  await shownCode.waitFor()
  const code = await textOf(shownCode)
  assert(/^\d{8}$/.test(code), `the settings page shows an odd access code: ${JSON.stringify(code)}`)
  await screenshot(page, 'settings-auth')

  let gateOn = true
  try {
    await withFreshBrowser(base, async (other) => {
      await signInAsMember(other, base)
      await other.goto(`${base}/account`)
      await waitForValue('path of /account for a member without the code', () => pathOf(other), '/verify')
      const next = new URL(other.url()).searchParams.get('next')
      assert(next === '/account', `Verify does not remember where the member was going: next=${JSON.stringify(next)}`)

      const field = other.getByLabel('Access code', { exact: true })
      const wrong = code === '00000000' ? '11111111' : '00000000'
      await field.fill(wrong)
      await other.getByRole('button', { name: 'Continue', exact: true }).click()
      await waitForValue('the code field after a wrong code', () => field.getAttribute('aria-invalid'), 'true')
      const error = await textOf(other.getByRole('alert'))
      assert(/access code/i.test(error), `unexpected error under the code field: ${JSON.stringify(error)}`)
      assert(pathOf(other) === '/verify', `a wrong code left Verify for ${other.url()}`)
      await screenshot(other, 'verify')

      await field.fill(code)
      await other.getByRole('button', { name: 'Continue', exact: true }).click()
      await waitForValue('path after entering the right code', () => pathOf(other), '/account')
      // The gated calls the account page makes now go through.
      await other.getByRole('list', { name: 'Sessions' }).waitFor()
      await other.getByRole('button', { name: MEMBER.name, exact: true }).waitFor()
    })

    // The admin turns the gate off again, so the tests after this one are unaffected.
    await toggle.click()
    await waitForValue('access-code switch after turning it off', () => toggle.getAttribute('aria-checked'), 'false')
    gateOn = false
  } finally {
    if (gateOn) {
      await page.request
        .put(`${base}/api/settings/access-code`, { data: { enabled: false }, headers: { Origin: base } })
        .catch(() => {})
    }
  }
  const status = await (await page.request.get(`${base}/api/settings/access-code`)).json()
  assert(status?.data?.enabled === false, `the access code is still on: ${JSON.stringify(status)}`)
})

test('an admin invites someone and they sign up with the link while sign-ups are invite-only', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  const setMode = (mode) =>
    page.request.put(`${base}/api/settings/signups`, { data: { mode }, headers: { Origin: base } })
  const guest = { name: 'Grace Hopper', email: 'grace@example.com', password: 'compiler-a0-1952' }
  assert((await setMode('invite_only')).ok(), 'could not make sign-ups invite-only')
  try {
    await page.goto(`${base}/admin/users`)
    await page.getByRole('button', { name: 'Invite', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Invite someone' })
    await dialog.getByLabel('Email (optional)').fill(guest.email)
    await dialog.getByRole('button', { name: 'Make invitation link' }).click()
    const shown = page.getByRole('dialog', { name: 'Invitation link' })
    const link = await shown.getByLabel('Link', { exact: true }).inputValue()
    assert(link.startsWith(`${base}/signup?invite=`), `odd invitation link: ${link}`)
    await shown.getByRole('button', { name: 'Done' }).click()

    await withFreshBrowser(base, async (other) => {
      await other.goto(link)
      await other.getByText(/You are invited to join as a member/).waitFor()
      await signUpThroughTheForm(other, guest)
      await waitForValue('who the invited browser is', async () => (await authStatusOf(other, base)).user?.email, guest.email)
    })

    await page.reload()
    const list = page.getByRole('list', { name: 'Invitations' })
    await list.getByText('used', { exact: true }).first().waitFor()
  } finally {
    await setMode('open').catch(() => {})
  }
})

test('the audit log shows sign-ins and role changes', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  await ensureMemberExists(base)

  // Two role changes to find in the log: the member made admin, then member again.
  await page.goto(`${base}/admin/users`)
  await page.getByRole('button', { name: `Make admin: ${MEMBER.name}`, exact: true }).click()
  await page
    .getByRole('alertdialog', { name: `Make ${MEMBER.name} an admin?` })
    .getByRole('button', { name: 'Make admin', exact: true })
    .click()
  await page.getByRole('button', { name: `Make member: ${MEMBER.name}`, exact: true }).click()
  await page
    .getByRole('alertdialog', { name: `Make ${MEMBER.name} a member?` })
    .getByRole('button', { name: 'Make member', exact: true })
    .click()
  await page.getByRole('button', { name: `Make admin: ${MEMBER.name}`, exact: true }).waitFor()

  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Audit log', exact: true }).click()
  await waitForValue('path after opening the audit log', () => pathOf(page), '/admin/audit')
  const table = page.getByRole('table', { name: 'Audit log, newest first' })
  await table.waitFor()
  const codes = () => table.locator('tbody th code').allTextContents()
  const codesSeen = await codes()
  assert(codesSeen.includes('auth.sign_in'), `no auth.sign_in row in the audit log: ${codesSeen.join(', ')}`)
  assert(codesSeen.includes('account.role_changed'), `no account.role_changed row in the audit log: ${codesSeen.join(', ')}`)
  await screenshot(page, 'admin-audit')

  const onlyRows = (action) => async () => {
    const seen = await codes()
    return seen.length > 0 && seen.every((seenCode) => seenCode === action)
  }
  await page.getByLabel('Action', { exact: true }).selectOption('account.role_changed')
  await waitForValue('the log filtered to role changes', onlyRows('account.role_changed'), true)
  assert((await codes()).length >= 2, `fewer than two role changes listed: ${(await codes()).join(', ')}`)
  assert(
    new URL(page.url()).searchParams.get('action') === 'account.role_changed',
    `the filter is not in the address: ${page.url()}`,
  )
  const detail = await textOf(table.locator('tbody tr').first())
  assert(detail.includes(MEMBER.name) || detail.includes(MEMBER.email), `the newest role change does not name the member: ${detail}`)

  await page.getByLabel('Action', { exact: true }).selectOption('auth.sign_in')
  await waitForValue('the log filtered to sign-ins', onlyRows('auth.sign_in'), true)
})

test('signing in with GitHub and with Google through the provider', async ({ page, base }) => {
  // Provider sign-ins never make the first account: the admin must exist.
  await ensureAdminSignedIn(page, base)
  await withFreshBrowser(base, async (page) => {
    oauthProvider.asPerson({ id: 4242, login: 'grace-gh', name: 'Grace Hopper', email: 'grace@navy.example' })
    await page.goto(`${base}/signin`)
    await page.getByRole('link', { name: 'Continue with GitHub' }).click()
    await page.getByRole('link', { name: 'Authorize' }).click()
    await waitForValue('path after GitHub sign-in', () => pathOf(page), '/')
    await waitForValue('signed in as', async () => (await authStatusOf(page, base)).user?.email, 'grace@navy.example')
    const me = await authStatusOf(page, base)
    assert(me.user.role === 'member', `a provider sign-up is a member: ${JSON.stringify(me.user)}`)

    await page.context().clearCookies()
    oauthProvider.asPerson({ id: 'g-7', login: 'katherine', name: 'Katherine Johnson', email: 'katherine@nasa.example' })
    await page.goto(`${base}/signin`)
    await page.getByRole('link', { name: 'Continue with Google' }).click()
    await page.getByRole('link', { name: 'Authorize' }).click()
    await waitForValue('signed in with Google as', async () => (await authStatusOf(page, base)).user?.email, 'katherine@nasa.example')
    await screenshot(page, 'oauth-home')
  })
})

test('an existing account links GitHub on the account page and then signs in with it', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  oauthProvider.asPerson({ id: 1843, login: 'ada-gh', name: 'Ada on GitHub', email: ADMIN.email })
  await page.goto(`${base}/account`)
  await page.getByRole('link', { name: 'Link GitHub' }).click()
  await page.getByRole('link', { name: 'Authorize' }).click()
  await waitForValue('path after linking', () => pathOf(page), '/account')
  const linked = page.getByRole('list', { name: 'Linked sign-ins' })
  await waitForValue('linked identity shown', async () => (await textOf(linked)).includes('ada-gh'), true)
  await screenshot(page, 'account-linked')

  await withFreshBrowser(base, async (other) => {
    await other.goto(`${base}/signin`)
    await other.getByRole('link', { name: 'Continue with GitHub' }).click()
    await other.getByRole('link', { name: 'Authorize' }).click()
    await waitForValue('GitHub signs in as the linked account', async () => (await authStatusOf(other, base)).user?.email, ADMIN.email)
  })
})

/** What the browser saved for a playwright `download` event. */
async function downloadedText(download) {
  const failure = await download.failure()
  if (failure) throw new Error(`the download of ${download.suggestedFilename()} failed: ${failure}`)
  return readFileSync(await download.path(), 'utf8')
}

/** Clicks `button` and returns the file the click made the browser save (bounded). */
async function downloadFrom(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), button.click()])
  return download
}

test('generate a key, download the private half, set it default, delete it', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  const headers = { Origin: base }
  // Another key that is the default, so "make default" has a badge to move.
  const other = await page.request.post(`${base}/api/keys`, {
    data: { name: 'browser-default', generate: true, keep_private_key: false, set_default: true },
    headers,
  })
  if (other.status() !== 201) throw new Error(`POST /api/keys answered ${other.status()}: ${await other.text()}`)
  const otherId = (await other.json()).data.key.id
  const name = 'browser-laptop'
  const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----'

  try {
    await page.goto(`${base}/`)
    await primaryNav(page).getByRole('link', { name: 'Keys', exact: true }).click()
    await waitForValue('path after following Keys in the nav', () => pathOf(page), '/keys')
    const otherRow = page.getByRole('listitem', { name: 'browser-default', exact: true })
    await otherRow.getByText('Default', { exact: true }).waitFor()

    // Generate, keeping a copy (the default): the browser saves the private key at once.
    const form = page.getByRole('form', { name: 'Generate a key' })
    await form.getByLabel('Name', { exact: true }).fill(name)
    const keep = form.getByRole('checkbox', { name: 'Keep a copy in the Nimbus vault', exact: true })
    assert(await keep.isChecked(), '"Keep a copy in the Nimbus vault" is not ticked by default')
    const generated = await downloadFrom(page, form.getByRole('button', { name: 'Generate key', exact: true }))
    assert(generated.suggestedFilename() === name, `the key was saved as ${JSON.stringify(generated.suggestedFilename())}`)
    const privateKey = await downloadedText(generated)
    assert(privateKey.startsWith(BEGIN), `the saved file does not start with ${BEGIN}: ${JSON.stringify(privateKey.slice(0, 60))}`)

    const shown = page.getByRole('region', { name: `Key “${name}” created` })
    await shown.waitFor()
    const note = await textOf(shown)
    assert(note.includes('You can download it again from this page.'), `the kept key's note reads: ${note}`)
    assert(!note.includes('only copy'), `a kept key is called the only copy: ${note}`)
    assert(note.includes(`ssh -i ~/.ssh/${name} user@host`), `no ssh example for the new key: ${note}`)
    const onScreen = await textOf(shown.getByLabel(`Private key (${name}, Ed25519)`, { exact: true }))
    assert(onScreen === privateKey.trim(), 'the key on screen is not the one the browser saved')
    await screenshot(page, 'keys-generated')
    await shown.getByRole('button', { name: 'Done', exact: true }).click()
    await shown.waitFor({ state: 'detached' })

    // The kept private half downloads again from its row, the same key.
    const row = page.getByRole('listitem', { name, exact: true })
    assert((await textOf(row)).includes('Private half kept'), `the new key's row: ${await textOf(row)}`)
    const again = await downloadFrom(page, row.getByRole('button', { name: `Download private key: ${name}`, exact: true }))
    assert(again.suggestedFilename() === name, `the download was saved as ${JSON.stringify(again.suggestedFilename())}`)
    assert((await downloadedText(again)) === privateKey, 'downloading again gave a different private key')

    // Make it the default: the badge moves from the other key to this one.
    await row.getByRole('button', { name: `Make default: ${name}`, exact: true }).click()
    await row.getByText('Default', { exact: true }).waitFor()
    await waitForValue('default badges on the other key', () => otherRow.getByText('Default', { exact: true }).count(), 0)
    await screenshot(page, 'keys')
    const listed = (await (await page.request.get(`${base}/api/keys`)).json()).data
    const defaults = listed.filter((key) => key.is_default).map((key) => key.name)
    assert(defaults.length === 1 && defaults[0] === name, `Nimbus's default keys: ${JSON.stringify(defaults)}`)

    // Delete it, confirming; machines already using it are said to keep working.
    await row.getByRole('button', { name: `Delete: ${name}`, exact: true }).click()
    const dialog = page.getByRole('alertdialog', { name: `Delete the key “${name}”?` })
    await dialog.waitFor()
    const warning = await textOf(dialog)
    assert(warning.includes('keep working'), `the delete confirmation does not say machines keep working: ${warning}`)
    await dialog.getByRole('button', { name: 'Delete key', exact: true }).click()
    await row.waitFor({ state: 'detached' })
    const after = (await (await page.request.get(`${base}/api/keys`)).json()).data
    assert(!after.some((key) => key.name === name), `the deleted key is still listed: ${JSON.stringify(after)}`)
  } finally {
    // Writes are JSON, even without a body.
    await page.request
      .delete(`${base}/api/keys/${otherId}`, { headers: { ...headers, 'Content-Type': 'application/json' } })
      .catch(() => {})
  }
})

// ---------------------------------------------------------------------------
// Machines: provisioning on the demo's simulated cluster
// ---------------------------------------------------------------------------

/** The state (`done`, `current`, `failed`, `pending`) of one step of the progress timeline. */
function stepState(page, step) {
  return page.getByRole('list', { name: 'Provisioning steps' }).locator(`li[data-step="${step}"]`).getAttribute('data-state', {
    timeout: POLL_MS * 5,
  })
}

/** Picks a card of a radio group on the Provision form by clicking it, as a person would. */
async function pickCard(form, name) {
  const radio = form.getByRole('radio', { name, exact: true })
  assert(!(await radio.isDisabled()), `the "${name}" choice is disabled`)
  // `has` is matched inside each label, so the inner locator starts from the page, not the form.
  await form.locator('label', { has: form.page().getByRole('radio', { name, exact: true }) }).click()
  await waitForValue(`"${name}" chosen`, () => radio.isChecked(), true)
}

test('a new member provisions a machine with a kept generated key, follows it through a reload, and downloads the key', async ({
  page,
  base,
}) => {
  // The first account becomes the admin; make sure that is not the person below.
  await ensureAdminSignedIn(page, base)
  const suffix = Math.random().toString(36).slice(2, 8)
  const hostname = `web-${suffix}`
  const person = { name: 'Cleo Builder', email: `cleo-${suffix}@example.com`, password: 'hatching-machines-2025' }
  const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----'

  await withFreshBrowser(base, async (other) => {
    const problems = []
    other.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
    })
    other.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`))

    await other.goto(`${base}/signup`)
    await signUpThroughTheForm(other, person)
    await waitForValue('url after the new member signs up', () => other.url(), `${base}/`)
    assert((await authStatusOf(other, base)).user?.role === 'member', 'the new account is not a member')
    await other.getByRole('region', { name: 'Your machines' }).getByText('No machines yet.').waitFor()

    await other.getByRole('link', { name: 'New machine', exact: true }).click()
    await waitForValue('path after New machine', () => pathOf(other), '/provision')
    const form = other.getByRole('form', { name: 'New machine' })
    await form.getByLabel('Hostname', { exact: true }).fill(hostname)
    await pickCard(form, 'Small')
    await pickCard(form, 'Ubuntu 24.04 LTS')
    await form.getByRole('radio', { name: 'Generate a new Ed25519 key', exact: true }).check()
    const keep = form.getByRole('checkbox', { name: 'Keep an encrypted copy so I can download it again', exact: true })
    assert(await keep.isChecked(), '"Keep an encrypted copy" is not ticked by default')
    const summary = other.getByRole('region', { name: 'Summary' })
    await waitForValue('summary hostname', () => textOf(definition(summary, 'Hostname')), hostname)
    await waitForValue('summary tier', () => textOf(definition(summary, 'Tier')), 'small')
    await screenshot(other, 'provision')

    await form.getByRole('button', { name: 'Provision machine', exact: true }).click()
    await other.waitForURL(/\/machines\/[^/]+\/progress$/, { timeout: WAIT_MS })
    const id = decodeURIComponent(pathOf(other).split('/')[2])
    const vmUrl = `${base}/api/vms/${encodeURIComponent(id)}`
    await waitForValue('progress heading', () => textOf(other.getByRole('heading', { level: 1 })), `Hatching ${hostname}`)

    // The timeline advances on its own (server-sent events): wait until the clone is done,
    // which leaves the configure, resize, start and readiness steps (seconds in the demo).
    await waitForValue('the first step done', () => stepState(other, 'reserve_ip'), 'done')
    await waitForValue('the clone done', () => stepState(other, 'clone'), 'done', 60_000)
    await screenshot(other, 'provision-progress')
    const mid = (await (await other.request.get(vmUrl)).json()).data
    assert(mid?.status === 'provisioning', `the machine was no longer provisioning when the page was reloaded: ${mid?.status}`)

    // Reloading re-attaches: the steps already done are shown at once, and it goes on.
    await other.reload()
    await other.getByRole('list', { name: 'Provisioning steps' }).waitFor()
    for (const step of ['reserve_ip', 'place_vm', 'clone']) {
      await waitForValue(`${step} after the reload`, () => stepState(other, step), 'done')
    }
    const reserved = await textOf(other.locator('li[data-step="reserve_ip"]'))
    assert(/\d+\.\d+\.\d+\.\d+/.test(reserved), `the address step shows no address after the reload: ${reserved}`)

    // Up: the page moves on to the credentials by itself (or, if it was already up when the
    // page loaded, offers the link).
    await waitForValue(
      'path once the machine is up',
      async () => {
        const open = other.getByRole('link', { name: `Open ${hostname}`, exact: true })
        if (pathOf(other).endsWith('/progress') && (await open.isVisible())) await open.click()
        return pathOf(other)
      },
      `/machines/${id}`,
      60_000,
    )
    const vm = (await (await other.request.get(vmUrl)).json()).data
    assert(vm?.status === 'running', `the machine is ${vm?.status}, not running: ${JSON.stringify(vm)}`)
    await waitForValue('machine heading', () => textOf(other.getByRole('heading', { level: 1 })), `${hostname} is live.`)
    await waitForValue('status badge', () => textOf(other.locator('[data-status]').first()), 'running')
    const command = await textOf(other.getByLabel('SSH command', { exact: true }))
    assert(command === `ssh ${vm.username}@${vm.ip}`, `the page shows the ssh command ${JSON.stringify(command)}`)
    assert(vm.username === 'ubuntu', `an Ubuntu machine's login is ${vm.username}`)
    await screenshot(other, 'machine')

    // The kept key downloads from the machine's page, named after the key.
    assert(vm.private_key_available === true, `the kept key is not downloadable: ${JSON.stringify(vm)}`)
    const download = await downloadFrom(other, other.getByRole('button', { name: 'Download private key', exact: true }))
    assert(
      download.suggestedFilename() === vm.key_name && vm.key_name === hostname,
      `the key was saved as ${JSON.stringify(download.suggestedFilename())} (key_name ${JSON.stringify(vm.key_name)})`,
    )
    const privateKey = await downloadedText(download)
    assert(privateKey.startsWith(BEGIN), `the saved file does not start with ${BEGIN}: ${JSON.stringify(privateKey.slice(0, 60))}`)
    await other.getByText(`chmod 600 ~/.ssh/${hostname}`).first().waitFor()

    // Home lists it, linked to its credentials.
    await other.goto(`${base}/`)
    const listed = other.getByRole('list', { name: 'Your machines' }).getByRole('link', { name: hostname, exact: true })
    await waitForValue('home links the machine', () => listed.getAttribute('href', { timeout: POLL_MS * 5 }), `/machines/${id}`)

    assert(problems.length === 0, `the pages reported:\n    ${problems.join('\n    ')}`)
  })
})

/** The demo's simulated Gopher (base URL and API key), read from its banner. */
let demoGopher = null

function gopherOfBanner(text) {
  const match = /Gopher \(simulated tunnels\): (http:\/\/127\.0\.0\.1:\d+\/?)\s+key (\S+)/.exec(text)
  return match ? { base: match[1].replace(/\/$/, ''), key: match[2] } : null
}

/** The machine ids on the demo's simulated Gopher, through its own API. */
async function gopherMachines() {
  assert(demoGopher, 'the demo banner names its simulated Gopher')
  const response = await fetch(`${demoGopher.base}/api/v1/machines?limit=200`, {
    headers: { Authorization: `Bearer ${demoGopher.key}` },
  })
  assert(response.ok, `Gopher answered ${response.status}`)
  return (await response.json()).data.items.map((machine) => machine.id)
}

test('public SSH through Gopher: provision with it, see the WAN command, publish port 8080, delete the machine and its Gopher machine', async ({
  page,
  base,
}) => {
  await ensureAdminSignedIn(page, base)
  const suffix = Math.random().toString(36).slice(2, 8)
  const hostname = `pub-${suffix}`
  const subdomain = `app-${suffix}`
  const before = await gopherMachines()

  await page.goto(`${base}/provision`)
  const form = page.getByRole('form', { name: 'New machine' })
  await form.getByLabel('Hostname', { exact: true }).fill(hostname)
  await pickCard(form, 'Small')
  await pickCard(form, 'Ubuntu 24.04 LTS')
  await form.getByRole('radio', { name: 'Generate a new Ed25519 key', exact: true }).check()
  const expose = form.getByRole('checkbox', { name: 'Expose SSH publicly' })
  await waitForValue('"Expose SSH publicly" enabled', () => expose.isEnabled(), true)
  await expose.check()
  await form.getByRole('button', { name: 'Provision machine', exact: true }).click()
  await page.waitForURL(/\/machines\/[^/]+(\/progress)?$/, { timeout: WAIT_MS })
  const id = decodeURIComponent(pathOf(page).split('/')[2])
  await waitForValue(
    'the machine page once it is up',
    async () => {
      const open = page.getByRole('link', { name: `Open ${hostname}`, exact: true })
      if (pathOf(page).endsWith('/progress') && (await open.isVisible())) await open.click()
      return pathOf(page)
    },
    `/machines/${id}`,
    60_000,
  )

  // The WAN command appears once the bootstrap ran inside the machine and Gopher saw it connect.
  const publicSsh = page.getByRole('region', { name: 'Public SSH' })
  const wan = publicSsh.getByLabel('SSH from anywhere', { exact: true })
  await waitForValue('the public SSH command', async () => /^ssh -p \d+ ubuntu@127\.0\.0\.1$/.test(await textOf(wan)), true, 60_000)
  const vm = (await (await page.request.get(`${base}/api/vms/${encodeURIComponent(id)}`)).json()).data
  assert(vm.public_ssh.command === (await textOf(wan)), `the page shows ${await textOf(wan)}, the API ${vm.public_ssh.command}`)
  const machines = await gopherMachines()
  assert(machines.length === before.length + 1, `Gopher holds ${machines.length} machines, had ${before.length}`)
  await screenshot(page, 'public-ssh')

  // Publish port 8080 over HTTPS at its own subdomain.
  const add = page.getByRole('form', { name: 'Add a tunnel' })
  await add.getByLabel('Port on the machine', { exact: true }).fill('8080')
  await add.getByLabel('Subdomain', { exact: true }).fill(subdomain)
  // Before its first tunnel Nimbus may not know Gopher's domain yet (Gopher's API does not say it).
  await add.getByText(new RegExp(`^${subdomain}(\\.gopher\\.test)? is available\\.$`)).waitFor({ timeout: WAIT_MS })
  assert(await add.getByRole('checkbox', { name: 'HTTPS' }).isChecked(), 'HTTPS is the default')
  await add.getByRole('button', { name: 'Add tunnel', exact: true }).click()
  const list = page.getByRole('list', { name: `Tunnels of ${hostname}` })
  await list.getByRole('link', { name: `https://${subdomain}.gopher.test` }).waitFor({ timeout: WAIT_MS })
  await screenshot(page, 'tunnels')

  // Deleting the machine deletes its Gopher machine (and so its tunnel).
  const response = await page.request.delete(`${base}/api/vms/${encodeURIComponent(id)}`, {
    headers: { Origin: base, 'Content-Type': 'application/json' },
  })
  assert(response.status() === 202, `delete answered ${response.status()}`)
  const mine = machines.filter((machine) => !before.includes(machine))
  await waitForValue('its Gopher machine gone', async () => (await gopherMachines()).some((m) => mine.includes(m)), false, 60_000)
})

// ---------------------------------------------------------------------------
// Machines: the My machines page (power actions and delete)
// ---------------------------------------------------------------------------

/** Provisions `hostname` as the page's person through the API: a plain request, answered once it is up. */
async function provisionThroughTheApi(page, base, hostname) {
  const response = await page.request.post(`${base}/api/vms`, {
    data: { hostname, tier: 'small', os_template: 'ubuntu-24.04', generate_key: true },
    headers: { Origin: base },
    timeout: 60_000,
  })
  const text = await response.text()
  if (!response.ok()) throw new Error(`POST /api/vms for ${hostname} answered ${response.status()}: ${text}`)
  return JSON.parse(text).data
}

/** The page person's machines and keys, as Nimbus has them. */
async function listed(page, base, what) {
  const response = await page.request.get(`${base}/api/${what}`)
  assert(response.status() === 200, `GET /api/${what} answered ${response.status()}`)
  return (await response.json()).data
}

test('my machines: reboot a machine, delete it, and its hostname can be used again', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  const hostname = `box-${Math.random().toString(36).slice(2, 8)}`
  const problems = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`))

  try {
    const first = await provisionThroughTheApi(page, base, hostname)
    assert(first.hostname === hostname && first.id, `the provision answered ${JSON.stringify(first)}`)

    await page.goto(`${base}/`)
    await primaryNav(page).getByRole('link', { name: 'My machines', exact: true }).click()
    await waitForValue('path after My machines in the nav', () => pathOf(page), '/machines')
    const row = page.getByRole('listitem', { name: hostname, exact: true })
    const status = () => textOf(row.locator('[data-status]'))
    await waitForValue('status of the new machine', status, 'running')
    const age = await textOf(row.locator('[data-field="age"]'))
    assert(/^·?\s*checked (just now|\d+ s ago|\d+ min ago)$/.test(age), `the status age reads ${JSON.stringify(age)}`)
    const link = row.getByRole('link', { name: hostname, exact: true })
    assert((await link.getAttribute('href')) === `/machines/${first.id}`, `the row links to ${await link.getAttribute('href')}`)
    await screenshot(page, 'machines')

    // Reboot, confirmed: the row says rebooting at once (the 202's answer), then running again
    // (the page keeps reading the list while a machine is changing).
    await row.getByRole('button', { name: `Reboot: ${hostname}`, exact: true }).click()
    await page
      .getByRole('alertdialog', { name: `Reboot ${hostname}?` })
      .getByRole('button', { name: 'Reboot', exact: true })
      .click()
    await waitForValue('status right after the reboot', status, 'rebooting', 5_000)
    await waitForValue('status once the machine is back', status, 'running', 60_000)

    // Delete, confirmed: the dialog says what goes; the row leaves the list once it is done.
    await row.getByRole('button', { name: `Delete: ${hostname}`, exact: true }).click()
    const dialog = page.getByRole('alertdialog', { name: `Delete ${hostname}?` })
    const warning = await textOf(dialog)
    for (const words of ['removed from Proxmox', 'is released', 'generated key', 'cannot be undone']) {
      assert(warning.includes(words), `the delete confirmation does not say "${words}": ${warning}`)
    }
    await dialog.getByRole('button', { name: `Delete ${hostname}`, exact: true }).click()
    await row.waitFor({ state: 'detached', timeout: 60_000 })
    const gone = await page.request.get(`${base}/api/vms/${encodeURIComponent(first.id)}`)
    assert(gone.status() === 404, `GET /api/vms/<deleted id> answered ${gone.status()}, expected 404`)
    await waitForValue(
      'the generated key removed with its machine',
      async () => (await listed(page, base, 'keys')).some((key) => key.name === hostname),
      false,
    )

    // The hostname (and an address) are free again: the same request builds a new machine.
    const second = await provisionThroughTheApi(page, base, hostname)
    assert(second.id !== first.id, 'provisioning again answered the deleted machine')
    await page.reload()
    await waitForValue('status of the machine made again', status, 'running')
    assert(
      (await link.getAttribute('href')) === `/machines/${second.id}`,
      `the new row links to ${await link.getAttribute('href')}`,
    )
    assert(problems.length === 0, `the page reported:\n    ${problems.join('\n    ')}`)
  } finally {
    // Leave nothing behind for later tests (writes are JSON, even without a body).
    const left = await listed(page, base, 'vms').catch(() => [])
    for (const vm of left.filter((machine) => machine.hostname === hostname && machine.status !== 'deleting')) {
      await page.request
        .delete(`${base}/api/vms/${encodeURIComponent(vm.id)}`, {
          headers: { Origin: base, 'Content-Type': 'application/json' },
        })
        .catch(() => {})
    }
  }
})

/** The demo's simulated Proxmox API (base URL and token), read from its banner. */
let demoProxmox = null

function proxmoxOfBanner(text) {
  const match = /Proxmox \(simulated[^)]*\): (https:\/\/127\.0\.0\.1:\d+\/api2\/json)\s+token (\S+)/.exec(text)
  return match ? { api: match[1], token: match[2] } : null
}

/** One call to the simulated Proxmox API (self-signed certificate, loopback only). */
function proxmoxCall(method, path) {
  assert(demoProxmox, 'the demo banner names its simulated Proxmox API')
  const url = new URL(`${demoProxmox.api}${path}`)
  return new Promise((resolveCall, rejectCall) => {
    const request = httpsRequest(
      url,
      { method, rejectUnauthorized: false, headers: { Authorization: `PVEAPIToken=${demoProxmox.token}` } },
      (response) => {
        let body = ''
        response.setEncoding('utf8').on('data', (chunk) => (body += chunk))
        response.on('end', () => resolveCall({ status: response.statusCode, body: body ? JSON.parse(body) : null }))
      },
    )
    request.on('error', rejectCall)
    request.end()
  })
}

test('a machine removed behind Nimbus\'s back shows as vanished and can then be deleted', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  const hostname = `lost-${Math.random().toString(36).slice(2, 8)}`
  const made = await provisionThroughTheApi(page, base, hostname)
  const vm = (await listed(page, base, 'vms')).find((machine) => machine.id === made.id)
  const path = `/nodes/${vm.node}/qemu/${vm.vmid}`
  // Someone stops and destroys the VM in Proxmox directly.
  const stop = await proxmoxCall('POST', `${path}/status/stop`)
  assert(stop.status === 200, `stopping through Proxmox answered ${stop.status}`)
  await waitForValue(
    'the VM stopped in Proxmox',
    async () => (await proxmoxCall('GET', `${path}/status/current`)).body?.data?.status,
    'stopped',
    30_000,
  )
  const destroyed = await proxmoxCall('DELETE', path)
  assert(destroyed.status === 200, `destroying through Proxmox answered ${destroyed.status}`)
  await waitForValue('the VM gone from Proxmox', async () => (await proxmoxCall('GET', `${path}/config`)).status !== 200, true, 30_000)

  await page.goto(`${base}/machines`)
  const row = page.getByRole('listitem', { name: hostname, exact: true })
  await waitForValue(
    'the vanished notice on the row',
    async () => {
      await page.reload()
      return (await textOf(row)).includes('removed outside Nimbus')
    },
    true,
    30_000,
  )
  await waitForValue('status of the vanished machine', () => textOf(row.locator('[data-status]')), 'unknown')
  await screenshot(page, 'machines-vanished')
  await row.getByRole('button', { name: `Delete: ${hostname}`, exact: true }).click()
  await page
    .getByRole('alertdialog', { name: `Delete ${hostname}?` })
    .getByRole('button', { name: `Delete ${hostname}`, exact: true })
    .click()
  await row.waitFor({ state: 'detached', timeout: 60_000 })
})

// ---------------------------------------------------------------------------
// Admin: approvals, quotas and the fleet
// ---------------------------------------------------------------------------

/** Creates `person`'s account through the API in the page's own cookie jar, which is then signed in as them. */
async function signUpThroughTheApi(page, base, person) {
  const response = await page.request.post(`${base}/api/auth/register`, { data: person, headers: { Origin: base } })
  if (!response.ok()) throw new Error(`signing up ${person.email} answered ${response.status()}: ${await response.text()}`)
}

/** Deletes, as the admin, every machine `which` picks (clean-up: failures are ignored). */
async function deleteMachines(page, base, which) {
  const all = await listed(page, base, 'vms?all=true').catch(() => [])
  for (const vm of all.filter((machine) => which(machine) && machine.status !== 'deleting')) {
    await page.request
      .delete(`${base}/api/vms/${encodeURIComponent(vm.id)}`, { headers: { Origin: base, 'Content-Type': 'application/json' } })
      .catch(() => {})
  }
}

/** RFC 4180 CSV into rows of fields (quoted fields, doubled quotes, CRLF or LF line ends). */
function parseCsv(text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i += 1
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i += 1
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows
}

/** Console errors and uncaught exceptions a page reports from now on. */
function watchProblems(page) {
  const problems = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`))
  return problems
}

test('a member asks for an xl machine with a reason, the admin approves it on the Fleet page, and it is built', async ({
  page,
  base,
}) => {
  await ensureAdminSignedIn(page, base)
  const suffix = Math.random().toString(36).slice(2, 8)
  const hostname = `llm-${suffix}`
  const reason = `Fine-tuning a model for the hackathon (${suffix}): it needs 8 GB of RAM.`
  const person = { name: `Dana ${suffix}`, email: `dana-${suffix}@example.com`, password: 'approve-my-xl-2025' }
  const adminProblems = watchProblems(page)

  try {
    await withFreshBrowser(base, async (other) => {
      const problems = watchProblems(other)
      await signUpThroughTheApi(other, base, person)
      const memberId = (await authStatusOf(other, base)).user?.id
      assert(memberId, 'the new member is not signed in')

      await other.goto(`${base}/provision`)
      const form = other.getByRole('form', { name: 'New machine' })
      await form.getByLabel('Hostname', { exact: true }).fill(hostname)
      await pickCard(form, 'XL')
      await pickCard(form, 'Ubuntu 24.04 LTS')
      await form.getByLabel('Why do you need it?', { exact: true }).fill(reason)
      // A member with no saved key gets a generated one, which a request waiting for approval keeps.
      const keep = form.getByRole('checkbox', { name: 'Keep an encrypted copy so I can download it again', exact: true })
      assert((await keep.isChecked()) && (await keep.isDisabled()), 'a request for approval lets its generated key go unkept')
      await screenshot(other, 'provision-approval')
      await form.getByRole('button', { name: 'Request approval', exact: true }).click()

      // The request waits: its page says so, with the reason.
      await other.waitForURL(/\/machines\/[^/]+$/, { timeout: WAIT_MS })
      const id = decodeURIComponent(pathOf(other).split('/')[2])
      await other.getByText(/^Waiting for an admin.s approval$/).waitFor()
      await other.getByText(reason, { exact: true }).waitFor()
      const waiting = (await (await other.request.get(`${base}/api/vms/${encodeURIComponent(id)}`)).json()).data
      assert(
        waiting?.status === 'pending_approval' && waiting.reason === reason && waiting.tier === 'xl',
        `the request is not waiting for approval with its reason: ${JSON.stringify(waiting)}`,
      )
      await screenshot(other, 'machine-pending')

      // The admin finds it in the queue on the Fleet page, with its owner and reason, and approves it.
      await page.goto(`${base}/admin`)
      await waitForValue('path of /admin', () => pathOf(page), '/admin/fleet')
      const queue = page.getByRole('table', { name: 'Approval queue' })
      const request = queue.getByRole('row').filter({ hasText: hostname })
      await request.waitFor()
      const seen = await textOf(request)
      assert(seen.includes(person.name) && seen.includes(reason), `the queue row does not show the owner and reason: ${seen}`)
      await screenshot(page, 'admin-fleet')
      await request.getByRole('button', { name: `Approve: ${hostname}`, exact: true }).click()
      await page.getByText(`Approved ${hostname}: it is being built for ${person.name}.`).waitFor()
      await request.waitFor({ state: 'detached' })

      // The member's page notices on its own, follows the build, and ends on the live machine.
      await waitForValue(
        'the member’s page once the machine is up',
        () => textOf(other.getByRole('heading', { level: 1 })),
        `${hostname} is live.`,
        60_000,
      )
      // Whether the page saw the build in progress (and followed it on the progress page) or only
      // once it was done depends on timing; both end on this machine, live.
      assert(
        [`/machines/${id}`, `/machines/${id}/progress`].includes(pathOf(other)),
        `the member ended on ${other.url()}`,
      )
      const built = (await (await other.request.get(`${base}/api/vms/${encodeURIComponent(id)}`)).json()).data
      assert(
        built?.status === 'running' && built.owner_id === memberId,
        `the approved machine is not the member's and running: ${JSON.stringify(built)}`,
      )
      assert(problems.length === 0, `the member's pages reported:\n    ${problems.join('\n    ')}`)
    })
    assert(adminProblems.length === 0, `the admin's pages reported:\n    ${adminProblems.join('\n    ')}`)
  } finally {
    await deleteMachines(page, base, (vm) => vm.hostname === hostname)
  }
})

test('a member over their quota is told which limit stops them', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  const suffix = Math.random().toString(36).slice(2, 8)
  const person = { name: `Quinn ${suffix}`, email: `quinn-${suffix}@example.com`, password: 'one-machine-only-2025' }
  const first = `one-${suffix}`
  const second = `two-${suffix}`

  try {
    await withFreshBrowser(base, async (other) => {
      await signUpThroughTheApi(other, base, person)
      const memberId = (await authStatusOf(other, base)).user?.id
      assert(memberId, 'the new member is not signed in')

      // The admin gives just this member room for one machine, in Settings → Quotas (the
      // defaults, which later tests rely on, stay as they are).
      await page.goto(`${base}/admin/settings`)
      await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Quotas', exact: true }).click()
      await waitForValue('path of the quota settings', () => pathOf(page), '/admin/settings/quotas')
      const row = page.getByRole('row').filter({ hasText: person.email })
      await row.getByRole('button', { name: `Edit: ${person.name}`, exact: true }).click()
      const quotaForm = page.getByRole('form', { name: `Quota for ${person.name}` })
      await quotaForm.getByLabel('Max machines', { exact: true }).fill('1')
      await quotaForm.getByRole('button', { name: 'Save their quota', exact: true }).click()
      await page.getByText(`Saved ${person.name}’s quota.`).waitFor()
      await waitForValue('the member row after saving', async () => (await textOf(row)).includes('0 / 1 machines'), true)
      await screenshot(page, 'settings-quotas')
      const overview = await listed(page, base, 'quotas')
      const theirs = overview.members.find((member) => member.user_id === memberId)?.quota
      assert(theirs?.custom === true && theirs.limits?.max_vms === 1, `the member's quota was not saved: ${JSON.stringify(theirs)}`)

      // The member opens the form while there is room for one more machine...
      await other.goto(`${base}/provision`)
      const form = other.getByRole('form', { name: 'New machine' })
      const quotaLine = other.locator('[data-field="quota"]')
      await waitForValue(
        'the quota line with room for one',
        async () => (await textOf(quotaLine)).startsWith('Your quota: Room for 1 more machine'),
        true,
      )

      // ...and, in another tab, builds one with that room.
      const offsite = []
      const tab = await confinedPage(other.context(), base, offsite)
      try {
        await tab.goto(`${base}/provision`)
        const tabForm = tab.getByRole('form', { name: 'New machine' })
        await tabForm.getByLabel('Hostname', { exact: true }).fill(first)
        await pickCard(tabForm, 'Small')
        await tabForm.getByRole('button', { name: 'Provision machine', exact: true }).click()
        await tab.waitForURL(/\/machines\/[^/]+\/progress$/, { timeout: WAIT_MS })
      } finally {
        await tab.close()
      }
      assert(offsite.length === 0, `requests left the local server: ${offsite.join(', ')}`)

      // Back in the first tab, a second machine is refused, and the refusal names the limit.
      await form.getByLabel('Hostname', { exact: true }).fill(second)
      await pickCard(form, 'Small')
      await form.getByRole('button', { name: 'Provision machine', exact: true }).click()
      const refusal = other.getByRole('region', { name: 'Summary' }).getByRole('alert')
      await refusal.waitFor()
      const said = await textOf(refusal)
      assert(
        said.includes('The quota allows 1 machine and 1 is in use.') && said.includes('ask an admin to raise your quota'),
        `the quota refusal does not name the limit and what to do: ${JSON.stringify(said)}`,
      )
      assert(pathOf(other) === '/provision', `a refused request left the form for ${other.url()}`)
      await screenshot(other, 'provision-over-quota')
      const mine = await listed(other, base, 'vms')
      assert(
        mine.some((vm) => vm.hostname === first) && !mine.some((vm) => vm.hostname === second),
        `the member's machines: ${mine.map((vm) => vm.hostname).join(', ')}`,
      )

      // Opened again, the form says there is no room before anything is sent.
      await other.reload()
      await waitForValue(
        'the quota line when full',
        () => textOf(quotaLine),
        'Your quota: No room for another machine: 1 of 1 in use.',
      )
      assert(await form.getByRole('radio', { name: 'Small', exact: true }).isDisabled(), 'a full quota still offers Small')
    })
  } finally {
    await deleteMachines(page, base, (vm) => vm.hostname === first || vm.hostname === second)
  }
})

test('the admin filters the fleet and exports exactly the machines shown as CSV', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  const suffix = Math.random().toString(36).slice(2, 8)
  const [running, stopped] = [`csv-a-${suffix}`, `csv-b-${suffix}`]
  const problems = watchProblems(page)
  const header = 'hostname,owner,owner_email,tier,status,ip,node,vmid,os,created'

  try {
    const [, other] = await Promise.all([
      provisionThroughTheApi(page, base, running),
      provisionThroughTheApi(page, base, stopped),
    ])
    // One of them stopped, so the status filter has something to leave out.
    const stop = await page.request.post(`${base}/api/vms/${encodeURIComponent(other.id)}/stop`, {
      headers: { Origin: base, 'Content-Type': 'application/json' },
    })
    assert(stop.status() === 202, `stopping ${stopped} answered ${stop.status()}`)
    await waitForValue(
      `${stopped} stopped`,
      async () => (await (await page.request.get(`${base}/api/vms/${encodeURIComponent(other.id)}`)).json()).data?.status,
      'stopped',
      30_000,
    )

    await page.goto(`${base}/admin/fleet`)
    const table = page.getByRole('table', { name: 'All machines' })
    await table.waitFor()
    const shown = async () => (await table.getByRole('rowheader').allTextContents()).map((text) => text.trim())
    const exportButton = page.getByRole('button', { name: 'Export CSV', exact: true })

    await page.getByLabel('Search', { exact: true }).fill(suffix)
    await waitForValue('rows matching the search', async () => (await shown()).sort().join(' '), `${running} ${stopped}`)
    await page.getByLabel('Status', { exact: true }).selectOption('running')
    await waitForValue('rows left by the status filter', async () => (await shown()).join(' '), running)
    const address = new URL(page.url()).searchParams
    assert(address.get('q') === suffix && address.get('status') === 'running', `the filters are not in the address: ${page.url()}`)
    await screenshot(page, 'admin-fleet-filtered')

    const download = await downloadFrom(page, exportButton)
    assert(
      /^nimbus-machines-\d{4}-\d{2}-\d{2}\.csv$/.test(download.suggestedFilename()),
      `the export is called ${JSON.stringify(download.suggestedFilename())}`,
    )
    const rows = parseCsv(await downloadedText(download))
    assert(rows[0]?.join(',') === header, `the CSV header is ${JSON.stringify(rows[0])}`)
    const exported = rows.slice(1).map((row) => row[0])
    assert(
      JSON.stringify(exported) === JSON.stringify(await shown()),
      `the CSV has ${JSON.stringify(exported)}, the page shows ${JSON.stringify(await shown())}`,
    )
    const [, owner, email, tier, status, ip] = rows[1] ?? []
    assert(
      owner === ADMIN.name && email === ADMIN.email && tier === 'small' && status === 'running' && /^\d+\.\d+\.\d+\.\d+$/.test(ip ?? ''),
      `the exported row is ${JSON.stringify(rows[1])}`,
    )

    // Without the status filter both are shown, and both are exported.
    await page.getByLabel('Status', { exact: true }).selectOption('')
    await waitForValue('rows without the status filter', async () => (await shown()).sort().join(' '), `${running} ${stopped}`)
    const both = parseCsv(await downloadedText(await downloadFrom(page, exportButton)))
    assert(
      JSON.stringify(both.slice(1).map((row) => row[0])) === JSON.stringify(await shown()) && both.length === 3,
      `the second CSV has ${JSON.stringify(both.map((row) => row[0]))}`,
    )
    assert(problems.length === 0, `the Fleet page reported:\n    ${problems.join('\n    ')}`)
  } finally {
    await deleteMachines(page, base, (vm) => vm.hostname === running || vm.hostname === stopped)
  }
})

test('the background covers a page taller than the window, not just its first screenful', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  await page.goto(`${base}/admin/nodes`)
  await page.getByRole('list', { name: 'Nodes' }).waitFor()
  const sizes = await page.evaluate(() => ({
    page: document.documentElement.scrollHeight,
    window: window.innerHeight,
    backdrop: document.querySelector('[data-backdrop]')?.getBoundingClientRect().height ?? 0,
  }))
  assert(sizes.page > sizes.window, `the Nodes page (${sizes.page} px) is no taller than the window (${sizes.window} px)`)
  // scrollHeight is rounded to whole pixels.
  assert(sizes.backdrop >= sizes.page - 1, `the background is ${sizes.backdrop} px tall on a ${sizes.page} px page`)
  await screenshot(page, 'admin-nodes')
})

test('the admin opens Admin → System and sees the background jobs with their last runs', async ({ page, base }) => {
  await ensureAdminSignedIn(page, base)
  const problems = watchProblems(page)
  const response = await page.request.get(`${base}/api/system/jobs`)
  assert(response.status() === 200, `GET /api/system/jobs answered ${response.status()}`)
  const { jobs } = (await response.json()).data
  assert(jobs.length > 0, 'Nimbus lists no background jobs')

  await page.goto(`${base}/admin/fleet`)
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'System', exact: true }).click()
  await waitForValue('path after opening System', () => pathOf(page), '/admin/system')
  const list = page.getByRole('list', { name: 'Background jobs' })
  await list.waitFor()
  const titles = (await list.getByRole('heading').allTextContents()).map((text) => text.trim())
  assert(
    JSON.stringify(titles) === JSON.stringify(jobs.map((job) => job.title)),
    `the page lists ${JSON.stringify(titles)}, the API ${JSON.stringify(jobs.map((job) => job.title))}`,
  )
  // Each says when it last ran, or that it has not run yet (a job first runs one interval after
  // start); one the API saw run before the page opened has run for the page too.
  for (const job of jobs) {
    const lastRun = await textOf(definition(list.getByRole('listitem', { name: job.title, exact: true }), 'Last run'))
    const words = lastRun === 'Never run yet' || /^(just now|\d+ \w+ ago|a minute ago)$/.test(lastRun)
    assert(words && !(job.last_run_at && lastRun === 'Never run yet'), `${job.name}: last run "${lastRun}"`)
  }
  await page.getByRole('button', { name: 'Refresh', exact: true }).click()
  await waitForValue('the Refresh button after its answer', async () => textOf(page.getByRole('button', { name: /^Refresh/ })), 'Refresh')
  await screenshot(page, 'admin-system')
  assert(problems.length === 0, `the System page reported:\n    ${problems.join('\n    ')}`)
})

// ---------------------------------------------------------------------------
// GPU: training jobs on the demo's stand-in GX10
// ---------------------------------------------------------------------------

// The demo turns the GPU plane on with one stand-in worker: its runtime prints a short training
// log (`epoch 1/5 step 20/100 loss=…`, one epoch about every half second) and exits 0.
const GPU_IMAGE = 'nimbus/stand-in:latest'
/** A job runs after any before it, and a cancel waits for the worker's next heartbeat. */
const GPU_WAIT_MS = 60_000

/** Submits a job on the GPU page and answers its id, read off the "Job #N is queued." line. */
async function submitGpuJob(page, command) {
  const form = page.getByRole('form', { name: 'Submit a job' })
  await form.getByLabel('Image', { exact: true }).fill(GPU_IMAGE)
  await form.getByLabel('Command', { exact: true }).fill(command)
  const args = command.split(' ')
  await waitForValue(
    `the arguments shown for "${command}"`,
    async () => JSON.stringify((await form.getByRole('list', { name: 'Arguments' }).getByRole('listitem').allTextContents())),
    JSON.stringify(args),
  )
  await form.getByRole('button', { name: 'Submit job', exact: true }).click()
  const link = page.getByText(/is queued\./).getByRole('link')
  await link.waitFor()
  const id = (await textOf(link)).replace(/^#/, '')
  assert(/^\d+$/.test(id), `the queued line links "${id}", not a job number`)
  return id
}

/** Opens job `id` from the queued line and answers its Details region. */
async function openGpuJob(page, id) {
  await page.getByText(/is queued\./).getByRole('link', { name: `#${id}`, exact: true }).click()
  await waitForValue('path after opening the job', () => pathOf(page), `/gpu/jobs/${id}`)
  const details = page.getByRole('region', { name: 'Details' })
  await details.waitFor()
  return details
}

test('a member runs a GPU job on the stand-in GX10, follows its log live to success, and cancels a long one', async ({
  base,
}) => {
  const suffix = Math.random().toString(36).slice(2, 8)
  const person = { name: `Grace ${suffix}`, email: `grace-${suffix}@example.com`, password: 'tensor-cores-2026' }
  await withFreshBrowser(base, async (page) => {
    await signUpThroughTheApi(page, base, person)
    const problems = watchProblems(page)
    await page.goto(`${base}/`)
    await primaryNav(page).getByRole('link', { name: 'GPU', exact: true }).click()
    await waitForValue('path after opening GPU', () => pathOf(page), '/gpu')
    await page.getByText('Stand-in GX10 (demo): no real GPU', { exact: true }).waitFor()

    // A short job: its output arrives while it runs, then it succeeds.
    const first = await submitGpuJob(page, 'python train.py')
    const details = await openGpuJob(page, first)
    const output = page.getByRole('log', { name: 'Output' })
    await waitForValue('output with an epoch line', async () => (await textOf(output)).includes('epoch'), true, GPU_WAIT_MS)
    await waitForValue('the first job\'s status', async () => textOf(definition(details, 'Status')), 'Succeeded', GPU_WAIT_MS)
    await waitForValue('the live log indicator', async () => textOf(page.locator('[data-following]')), 'Finished')
    assert((await textOf(definition(details, 'Exit code'))) === '0', 'the finished job has no exit code 0')
    const log = await textOf(output)
    assert(/epoch 1\/5 step \d+\/\d+ loss=/.test(log), `the output lacks an "epoch 1/5 step …/… loss=" line: ${log.slice(0, 400)}`)
    await screenshot(page, 'gpu-job-succeeded')

    // A long job: cancelled through the dialog while it runs.
    await page.getByRole('link', { name: 'GPU', exact: true }).first().click()
    await waitForValue('path back on GPU', () => pathOf(page), '/gpu')
    const second = await submitGpuJob(page, 'python train.py --epochs 1000')
    const running = await openGpuJob(page, second)
    await waitForValue('the long job\'s status', async () => textOf(definition(running, 'Status')), 'Running', GPU_WAIT_MS)
    await waitForValue('output of the long job', async () => (await textOf(output)).includes('epoch'), true, GPU_WAIT_MS)
    await page.getByRole('button', { name: 'Cancel job', exact: true }).click()
    const dialog = page.getByRole('alertdialog', { name: `Cancel job #${second}?` })
    await dialog.getByRole('button', { name: 'Cancel job', exact: true }).click()
    await waitForValue('the long job after cancelling', async () => textOf(definition(running, 'Status')), 'Cancelled', GPU_WAIT_MS)
    await screenshot(page, 'gpu-job-cancelled')

    // Both are in the list with their outcome in words.
    await page.goto(`${base}/gpu`)
    const table = page.getByRole('table', { name: 'GPU jobs' })
    for (const [id, status] of [[first, 'Succeeded'], [second, 'Cancelled']]) {
      await waitForValue(`job ${id} in the list`, async () => textOf(table.locator(`[data-job="${id}"] [data-status]`)), status)
    }
    await screenshot(page, 'gpu-jobs')
    assert(problems.length === 0, `the GPU pages reported:\n    ${problems.join('\n    ')}`)
  })
})

// ---------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------

class Tail {
  constructor(limit) {
    this.limit = limit
    this.lines = []
    this.partial = ''
  }
  push(chunk) {
    const parts = (this.partial + chunk).split('\n')
    this.partial = parts.pop() ?? ''
    for (const line of parts) {
      this.lines.push(line)
      if (this.lines.length > this.limit) this.lines.shift()
    }
  }
  text() {
    // Strip colour codes so the diagnostics read cleanly in CI logs.
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')
    return [...this.lines, this.partial]
      .filter((line) => line !== '')
      .map((line) => line.replace(ansi, ''))
      .join('\n')
  }
}

function nimbusBinary() {
  const bin = process.env.NIMBUS_BIN
  if (!bin) {
    throw new Error('NIMBUS_BIN is not set: point it at a built nimbus binary, e.g. NIMBUS_BIN=target/debug/nimbus')
  }
  const path = resolve(bin)
  if (!existsSync(path)) throw new Error(`NIMBUS_BIN=${bin}: no such file (${path}); build it first (cargo build)`)
  try {
    accessSync(path, constants.X_OK)
  } catch {
    throw new Error(`NIMBUS_BIN=${bin}: not executable`)
  }
  return path
}

/** Spawns `nimbus demo` on port 0 with its own data dir; see `untilReady`. */
function spawnServer(bin, dataDir, extraEnv = {}) {
  const child = spawn(bin, ['demo'], {
    env: {
      ...process.env,
      PORT: '0',
      BIND_ADDR: '127.0.0.1',
      NIMBUS_DATA_DIR: dataDir,
      LOG_FORMAT: 'text',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const server = { bin, child, base: null, stdout: new Tail(DIAGNOSTIC_LINES), stderr: new Tail(DIAGNOSTIC_LINES) }
  server.exited = new Promise((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }))
    // A binary that cannot be executed never emits 'exit'.
    child.once('error', (error) => resolveExit({ code: null, signal: null, error }))
  })
  child.stdout.setEncoding('utf8').on('data', (chunk) => server.stdout.push(chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk) => server.stderr.push(chunk))
  return server
}

/** Resolves with the server's base URL once it printed it and /api/health answers 200 (bounded). */
async function untilReady(server) {
  const { bin, child } = server
  const deadline = Date.now() + STARTUP_TIMEOUT_MS
  const base = await new Promise((resolveUrl, rejectUrl) => {
    let seen = ''
    const timer = setTimeout(
      () => rejectUrl(new Error(`no http://127.0.0.1:<port> URL on stdout within ${STARTUP_TIMEOUT_MS / 1000} s`)),
      STARTUP_TIMEOUT_MS,
    )
    void server.exited.then(({ code, signal, error }) => {
      clearTimeout(timer)
      rejectUrl(
        new Error(
          error
            ? `could not start ${bin}: ${error.message}`
            : `nimbus demo exited before printing its URL (code ${code}, signal ${signal})`,
        ),
      )
    })
    child.stdout.on('data', (chunk) => {
      if (seen === null) return
      seen += chunk
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(seen)
      if (match) {
        seen = null
        clearTimeout(timer)
        resolveUrl(match[0])
      }
    })
  })
  server.base = base

  let last = 'no answer yet'
  for (;;) {
    try {
      const response = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2_000) })
      if (response.status === 200) return base
      last = `HTTP ${response.status}`
    } catch (error) {
      last = error.cause?.code ?? error.message
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nimbus demo exited while waiting for ${base}/api/health (${last})`)
    }
    if (Date.now() >= deadline) {
      throw new Error(`${base}/api/health did not answer 200 within ${STARTUP_TIMEOUT_MS / 1000} s (last: ${last})`)
    }
    await delay(POLL_MS)
  }
}

async function stopServer(server) {
  const { child } = server
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  child.kill('SIGTERM')
  let timer
  const timeout = new Promise((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout('timeout'), SHUTDOWN_TIMEOUT_MS)
  })
  const outcome = await Promise.race([server.exited, timeout])
  clearTimeout(timer)
  if (outcome === 'timeout') {
    console.error(`nimbus demo ignored SIGTERM for ${SHUTDOWN_TIMEOUT_MS / 1000} s; killing it`)
    child.kill('SIGKILL')
    await server.exited
  }
}

function printDiagnostics(server) {
  if (!server) return
  const stderr = server.stderr.text()
  const stdout = server.stdout.text()
  console.error(`--- nimbus demo stderr (last ${DIAGNOSTIC_LINES} lines) ---\n${stderr || '(empty)'}`)
  if (!server.base) console.error(`--- nimbus demo stdout (last ${DIAGNOSTIC_LINES} lines) ---\n${stdout || '(empty)'}`)
  console.error('--- end ---')
}

async function launchBrowser(profileDir) {
  if (!existsSync(CHROMIUM_BIN)) {
    throw new Error(`no Chromium at ${CHROMIUM_BIN}: apt-get install -y chromium, or set CHROMIUM_BIN`)
  }
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_BIN,
    headless: true,
    viewport: { width: 1440, height: 900 },
    // The drifting blobs are decorative; without a GPU every frame re-blurs the glass
    // cards' backdrop, which only slows the tests down. (Screenshots freeze them anyway.)
    reducedMotion: 'reduce',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  context.setDefaultTimeout(WAIT_MS)
  return context
}

/** Opens a page that may only talk to `base`; anything else is aborted and recorded. */
async function confinedPage(context, base, offsite) {
  const page = await context.newPage()
  const allowed = [new URL(base).origin, ...extraOrigins]
  await page.route('**/*', (route) => {
    const url = route.request().url()
    if (allowed.includes(new URL(url).origin)) return route.continue()
    offsite.push(url)
    return route.abort('blockedbyclient')
  })
  return page
}

async function runTest(entry, context, base) {
  const offsite = []
  const pages = []
  const openPage = async () => {
    const page = await confinedPage(context, base, offsite)
    pages.push(page)
    return page
  }
  try {
    const page = await openPage()
    let timer
    const timeout = new Promise((_, rejectTimeout) => {
      timer = setTimeout(() => rejectTimeout(new Error(`timed out after ${TEST_TIMEOUT_MS / 1000} s`)), TEST_TIMEOUT_MS)
    })
    try {
      await Promise.race([entry.fn({ page, base, openPage }), timeout])
    } finally {
      clearTimeout(timer)
    }
    assert(offsite.length === 0, `requests left the local server: ${offsite.join(', ')}`)
  } finally {
    await Promise.allSettled(pages.map((page) => page.close()))
  }
}

/** Origins besides Nimbus's that pages may reach: the test OAuth provider. */
const extraOrigins = []
/** The loopback OAuth provider the demo signs in with (GitHub and Google alike). */
let oauthProvider

async function main() {
  const filter = process.argv[2]
  const selected = filter ? tests.filter((entry) => entry.name.includes(filter)) : tests
  if (selected.length === 0) throw new Error(`no test name contains ${JSON.stringify(filter)}`)

  const bin = nimbusBinary()
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-browser-'))
  const profileDir = mkdtempSync(join(tmpdir(), 'nimbus-chromium-'))
  let server
  let context
  let passed = 0
  let failed = 0
  const stopping = async () => {
    await context?.close().catch(() => {})
    if (server) await stopServer(server)
    await oauthProvider?.close()
    rmSync(profileDir, { recursive: true, force: true })
    rmSync(dataDir, { recursive: true, force: true })
  }
  const onSignal = (signal) => {
    void stopping().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  try {
    try {
      oauthProvider = await startProvider()
      extraOrigins.push(new URL(oauthProvider.base).origin)
      // Reconcile and drift detection every 2 s, so a VM removed behind Nimbus's back shows soon.
      server = spawnServer(bin, dataDir, { ...oauthProvider.env(), RECONCILE_INTERVAL_SECONDS: '2' })
      await untilReady(server)
      demoProxmox = proxmoxOfBanner(server.stdout.text())
      demoGopher = gopherOfBanner(server.stdout.text())
      context = await launchBrowser(profileDir)
    } catch (error) {
      console.log(`FAIL - setup: ${error.message}`)
      printDiagnostics(server)
      console.log(`0 passed, ${selected.length} failed`)
      return 1
    }
    for (const entry of selected) {
      try {
        await runTest(entry, context, server.base)
        passed += 1
        console.log(`ok - ${entry.name}`)
      } catch (error) {
        failed += 1
        console.log(`FAIL - ${entry.name}: ${error.message}`)
      }
    }
    if (failed > 0) printDiagnostics(server)
    console.log(`${passed} passed, ${failed} failed`)
    return failed > 0 ? 1 : 0
  } finally {
    await stopping()
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    console.error(`browser tests: ${error.message}`)
    process.exitCode = 2
  },
)
