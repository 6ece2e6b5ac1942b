// Browser test of the template bootstrap on a cluster with no templates: spawns
// `$NIMBUS_BIN demo --empty` on a free loopback port with a throwaway data dir, signs up the
// admin, runs the bootstrap from Admin → Templates, watches every cell of one OS reach a baked
// template, then provisions a machine from it and sees it running. Prints `ok - name` or
// `FAIL - name: error` and exits non-zero on failure.
//
//   NIMBUS_BIN=target/debug/nimbus node tests/browser/templates.mjs
//
// Env: NIMBUS_BIN (required), CHROMIUM_BIN (default /usr/bin/chromium).
// Every wait is for a condition, bounded; nothing leaves 127.0.0.1.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'

const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium'
const NAME = 'the admin bootstraps templates on an empty cluster from Admin → Templates and provisions from a fresh one'
const STARTUP_MS = 30_000
const WAIT_MS = 20_000
/** A whole bootstrap on the simulated cluster (downloads, one boot per bake, conversion). */
const BAKE_MS = 240_000
const POLL_MS = 200
const OS = { key: 'debian-12', label: 'Debian 12 (bookworm)' }
const ADMIN = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'analytical-engine-1843' }

function assert(condition, message) {
  if (!condition) throw new Error(message)
}

function delay(ms) {
  return new Promise((done) => setTimeout(done, ms))
}

/** Polls `read()` until `ok(value)` (bounded); the error names the last value seen. */
async function until(what, read, ok, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    try {
      last = await read()
      if (ok(last)) return last
    } catch (error) {
      last = `<${error.message.split('\n')[0]}>`
    }
    if (Date.now() >= deadline) throw new Error(`${what}: last saw ${JSON.stringify(last)}`)
    await delay(POLL_MS)
  }
}

function startServer(bin, dataDir) {
  const child = spawn(bin, ['demo', '--empty'], {
    env: { ...process.env, PORT: '0', BIND_ADDR: '127.0.0.1', NIMBUS_DATA_DIR: dataDir, LOG_FORMAT: 'text' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const server = { child, out: '', err: '' }
  child.stdout.setEncoding('utf8').on('data', (chunk) => (server.out = (server.out + chunk).slice(-20_000)))
  child.stderr.setEncoding('utf8').on('data', (chunk) => (server.err = (server.err + chunk).slice(-20_000)))
  server.exited = new Promise((done) => child.once('exit', (code) => done(code)))
  return server
}

async function baseOf(server) {
  const match = await until(
    'the demo prints its URL',
    async () => {
      assert(server.child.exitCode === null, `nimbus demo --empty exited (${server.child.exitCode}): ${server.err.slice(-2000)}`)
      return /http:\/\/127\.0\.0\.1:\d+/.exec(server.out)
    },
    Boolean,
    STARTUP_MS,
  )
  const base = match[0]
  await until('health answers', async () => (await fetch(`${base}/api/health`)).status, (s) => s === 200, STARTUP_MS)
  return base
}

/** The status as the page's own session sees it. */
async function status(page, base) {
  const response = await page.request.get(`${base}/api/admin/bootstrap-status`)
  assert(response.ok(), `GET /api/admin/bootstrap-status answered ${response.status()}`)
  return (await response.json()).data
}

function cellText(page, node, os) {
  return page.locator(`[data-cell="${node}/${os}"]`).textContent({ timeout: POLL_MS * 5 })
}

async function scenario(page, base) {
  // The first account is the admin.
  const registered = await page.request.post(`${base}/api/auth/register`, { data: ADMIN, headers: { Origin: base } })
  assert(registered.ok(), `signing up the admin answered ${registered.status()}`)

  // Provision first: the empty cluster offers no system, and the admin is sent to set them up.
  await page.goto(`${base}/provision`)
  const group = page.getByRole('group', { name: 'Operating system' })
  await group.getByText('No system has a template on the cluster yet').waitFor()
  await group.getByRole('link', { name: 'Set up templates', exact: true }).click()
  await until('Admin → Templates opens', async () => new URL(page.url()).pathname, (p) => p === '/admin/templates')

  await page.getByRole('table', { name: 'Templates' }).waitFor()
  const before = await status(page, base)
  assert(before.cells.length > 0 && before.cells.every((c) => c.state === 'missing'), `an empty cluster has every cell missing: ${JSON.stringify(before.cells.map((c) => c.state))}`)
  const nodes = [...new Set(before.cells.filter((c) => c.os === OS.key).map((c) => c.node))]

  await page.getByRole('button', { name: 'Bootstrap', exact: true }).click()
  await page.getByRole('status').filter({ hasText: 'Template bootstrap started' }).waitFor()

  // Progress shows on the page while it runs (the page polls the status itself).
  await until(
    'a cell shows a bake under way',
    async () => Promise.all(nodes.map((node) => cellText(page, node, OS.key))),
    (texts) => texts.some((t) => /Queued|Baking|Present/.test(t)),
  )
  // Every node's Debian 12 ends baked: Present with a VMID and the bake version; none failed.
  const done = await until(
    `every ${OS.label} cell is baked`,
    async () => Promise.all(nodes.map((node) => cellText(page, node, OS.key))),
    (texts) => {
      const failed = texts.find((t) => t.includes('Failed'))
      if (failed) throw new Error(`a bake failed: ${failed}`)
      return texts.every((t) => t.includes('Present') && /VMID \d+ · bake v\d+/.test(t))
    },
    BAKE_MS,
  )
  assert(done.every((t) => t.includes('baked today')), `fresh templates are baked today: ${JSON.stringify(done)}`)

  // Provision a machine from the fresh template and see it running.
  const hostname = `baked-${Math.random().toString(36).slice(2, 8)}`
  await page.goto(`${base}/provision`)
  const form = page.getByRole('form', { name: 'New machine' })
  await form.getByLabel('Hostname').fill(hostname)
  await until(`${OS.label} can be chosen`, () => form.getByRole('radio', { name: OS.label, exact: true }).isDisabled(), (d) => d === false)
  await form.locator('label', { has: page.getByRole('radio', { name: OS.label, exact: true }) }).click()
  await form.getByRole('radio', { name: 'Generate a new Ed25519 key', exact: true }).check()
  await form.getByRole('button', { name: 'Provision machine', exact: true }).click()
  await until(
    'the machine runs',
    async () => {
      const open = page.getByRole('link', { name: `Open ${hostname}`, exact: true })
      if (new URL(page.url()).pathname.endsWith('/progress') && (await open.isVisible())) await open.click()
      return (await page.locator('[data-status]').first().textContent({ timeout: POLL_MS * 5 }))?.trim()
    },
    (s) => s === 'running',
    120_000,
  )
}

async function main() {
  const bin = process.env.NIMBUS_BIN
  assert(bin && existsSync(resolve(bin)), 'NIMBUS_BIN must point at a built nimbus binary, e.g. NIMBUS_BIN=target/debug/nimbus')
  assert(existsSync(CHROMIUM_BIN), `no Chromium at ${CHROMIUM_BIN}: set CHROMIUM_BIN`)
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-templates-'))
  const profileDir = mkdtempSync(join(tmpdir(), 'nimbus-chromium-'))
  const server = startServer(resolve(bin), dataDir)
  let context
  try {
    const base = await baseOf(server)
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_BIN,
      headless: true,
      viewport: { width: 1440, height: 900 },
      reducedMotion: 'reduce',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    })
    context.setDefaultTimeout(WAIT_MS)
    const page = await context.newPage()
    const offsite = []
    await page.route('**/*', (route) => {
      if (new URL(route.request().url()).origin === base) return route.continue()
      offsite.push(route.request().url())
      return route.abort('blockedbyclient')
    })
    await scenario(page, base)
    assert(offsite.length === 0, `requests left the local server: ${offsite.join(', ')}`)
    console.log(`ok - ${NAME}`)
    return 0
  } catch (error) {
    console.log(`FAIL - ${NAME}: ${error.message}`)
    console.error(`--- nimbus demo --empty stderr (tail) ---\n${server.err.split('\n').slice(-40).join('\n')}`)
    return 1
  } finally {
    await context?.close().catch(() => {})
    if (server.child.exitCode === null) {
      server.child.kill('SIGTERM')
      await Promise.race([server.exited, delay(10_000)])
      if (server.child.exitCode === null) server.child.kill('SIGKILL')
    }
    rmSync(profileDir, { recursive: true, force: true })
    rmSync(dataDir, { recursive: true, force: true })
  }
}

process.exitCode = await main()
