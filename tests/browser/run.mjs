// Browser tests for the Nimbus portal: spawns `$NIMBUS_BIN demo` on a free loopback port
// with a throwaway data dir, drives Debian's Chromium through playwright-core, and prints
// one `ok - name` / `FAIL - name: error` line per test and a final `N passed, M failed`.
//
//   NIMBUS_BIN=target/debug/nimbus node tests/browser/run.mjs [name filter]
//
// Env: NIMBUS_BIN (required), CHROMIUM_BIN (default /usr/bin/chromium),
//      SCREENSHOT_DIR (default <repo>/target/browser).
//
// To add a test, call `test(name, async ({ page, base, openPage }) => { ... })` below.
// Every page is confined to the local server: a request to any other origin is aborted
// and fails the test that made it.
import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

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
// Tests
// ---------------------------------------------------------------------------

test('home page shows the portal status, its version and the simulated Proxmox cluster', async ({ page, base }) => {
  const health = await fetchJson(`${base}/api/health`)
  const version = health?.data?.version
  assert(typeof version === 'string' && version !== '', `/api/health has no data.version: ${JSON.stringify(health)}`)
  const proxmox = health?.data?.proxmox
  assert(
    proxmox?.state === 'reachable' && typeof proxmox.version === 'string',
    `/api/health does not report the demo's Proxmox as reachable: ${JSON.stringify(health)}`,
  )

  await page.goto(`${base}/`)
  const card = page.getByRole('region', { name: 'Portal status' })
  await waitForValue('status', () => textOf(definition(card, 'Status')), 'ok')
  await waitForValue('version', () => textOf(definition(card, 'Version')), version)
  await waitForValue('proxmox', () => textOf(definition(card, 'Proxmox')), `VE ${proxmox.version} · reachable`)
  await waitForValue('page heading', () => textOf(page.getByRole('heading', { level: 1 })), 'Spin up a machine.')

  await page.evaluate(() => document.fonts.ready.then(() => undefined))
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'home.png'), fullPage: true, animations: 'disabled' })
})

test('client routes fall back to the SPA', async ({ page, base }) => {
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
function spawnServer(bin, dataDir) {
  const child = spawn(bin, ['demo'], {
    env: { ...process.env, PORT: '0', BIND_ADDR: '127.0.0.1', NIMBUS_DATA_DIR: dataDir, LOG_FORMAT: 'text' },
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
  const origin = new URL(base).origin
  await page.route('**/*', (route) => {
    const url = route.request().url()
    if (new URL(url).origin === origin) return route.continue()
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
      server = spawnServer(bin, dataDir)
      await untilReady(server)
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
