// Browser tests of the first-run setup wizard and Admin → Settings → Cluster: spawns
// `$NIMBUS_BIN sim-proxmox --empty` (with a root password; it also serves the simulated LAN and a
// stand-in cloud-image mirror) and fresh `nimbus serve` processes pointed at nothing (setup mode),
// each with its own data dir and working directory (where the wizard writes `.env`). Two serves cover four scenarios:
//   A: 1. the wizard end to end (token, fingerprint, token made with the root password, network,
//         access, admin, templates bootstrap) and a first provision that reaches running;
//      4. Settings → Cluster: a pool edit applies and is still there after a reload.
//   B: 2. a pasted token lacking a privilege: the missing privilege is named precisely;
//      3. interrupted after the network step (SIGKILL, serve restarted on the same data dir): a
//         reload resumes at Access with the earlier steps prefilled.
// Prints `ok - name` / `FAIL - name: error` per scenario and exits non-zero on a failure.
//
//   NIMBUS_BIN=target/debug/nimbus node tests/browser/setup.mjs
//
// Env: NIMBUS_BIN (required), CHROMIUM_BIN (default /usr/bin/chromium).
// Every wait is for a condition, bounded; nothing leaves 127.0.0.0/8.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium'
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || join(dirname(fileURLToPath(import.meta.url)), '../../target/browser')
const STARTUP_MS = 30_000
const WAIT_MS = 20_000
/** The whole bootstrap on the simulated cluster (every OS on both nodes). */
const BAKE_MS = 300_000
const RUN_MS = 120_000
const POLL_MS = 200
const ROOT_PASSWORD = 'correct-horse-battery'
const ADMIN = { email: 'ada@example.com', password: 'analytical-engine-1843' }
/** The VM pool on loopback: the simulated LAN answers for it, nothing else is asked. */
const POOL = { start: '127.77.0.10', end: '127.77.0.40', gateway: '127.77.0.1', prefix: '24', dns: '127.77.0.1' }
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
      if (error.fatal) throw error
      last = `<${error.message.split('\n')[0]}>`
    }
    if (Date.now() >= deadline) throw new Error(`${what}: last saw ${JSON.stringify(last)}`)
    await delay(POLL_MS)
  }
}

// ---------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------

/** Spawns `nimbus <args>` with `env`, keeping the tail of its output. */
function spawnNimbus(bin, args, env, cwd) {
  const child = spawn(bin, args, { cwd, env: { ...process.env, LOG_FORMAT: 'text', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const proc = { child, out: '', err: '', args }
  child.stdout.setEncoding('utf8').on('data', (chunk) => (proc.out = (proc.out + chunk).slice(-50_000)))
  child.stderr.setEncoding('utf8').on('data', (chunk) => (proc.err = (proc.err + chunk).slice(-50_000)))
  proc.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })))
  return proc
}

async function stop(proc, signal = 'SIGTERM') {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return
  proc.child.kill(signal)
  const timedOut = await Promise.race([proc.exited.then(() => false), delay(10_000).then(() => true)])
  if (timedOut) {
    proc.child.kill('SIGKILL')
    await proc.exited
  }
}

function alive(proc, what) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
    const error = new Error(`${what} exited (${proc.child.exitCode ?? proc.child.signalCode}): ${proc.err.slice(-2000)}`)
    error.fatal = true
    throw error
  }
}

/** `nimbus sim-proxmox --empty` on a free loopback port, and what its banner announces. */
async function startSim(bin, dir) {
  const sim = spawnNimbus(
    bin,
    ['sim-proxmox', '--listen', '127.0.0.1:0', '--empty', '--nodes', '2', '--profile', 'instant', '--root-password', ROOT_PASSWORD],
    {},
    dir,
  )
  await until('sim-proxmox prints its banner', async () => (alive(sim, 'sim-proxmox'), sim.out), (out) => /^images: /m.test(out), STARTUP_MS)
  const value = (prefix) => new RegExp(`^${prefix}: (\\S+)`, 'm').exec(sim.out)?.[1]
  Object.assign(sim, { url: value('listening'), token: value('token'), fingerprint: value('fingerprint'), lan: value('lan'), images: value('images') })
  assert(sim.url && sim.token && sim.fingerprint && sim.lan && sim.images, `sim-proxmox's banner lacks a value: ${sim.out}`)
  return sim
}

/** A `nimbus serve` with no cluster settings (setup mode) on `dataDir`; its URL and setup token. */
async function startServe(bin, home, sim) {
  // The wizard writes (and serve reads) this file, never a system-wide one.
  if (!existsSync(join(home, '.env'))) writeFileSync(join(home, '.env'), '# Nimbus settings\n')
  const serve = spawnNimbus(
    bin,
    ['serve'],
    {
      PORT: '0',
      BIND_ADDR: '127.0.0.1',
      NIMBUS_DATA_DIR: join(home, 'data'),
      NIMBUS_SIMULATED_LAN: sim.lan,
      NIMBUS_IMAGE_MIRROR: sim.images,
      NIMBUS_NETSCAN_MODE: 'off',
      RATE_LIMIT_SIGNIN_PER_IP: 'off',
    },
    home,
  )
  const log = () => serve.out + serve.err
  await until('serve logs its URL and the setup token', async () => (alive(serve, 'nimbus serve'), log()), (text) => /\burl=\S+/.test(text) && /setup_token=/.test(text), STARTUP_MS)
  serve.base = /\burl="?(http:\/\/127\.0\.0\.1:\d+)/.exec(log())?.[1]
  serve.setupToken = [...log().matchAll(/setup_token="?([^\s"]+)/g)].at(-1)?.[1]
  assert(serve.base && serve.setupToken, `serve's log lacks its URL or setup token: ${log().slice(-2000)}`)
  await until('health answers', async () => (await fetch(`${serve.base}/api/health`)).status, (s) => s === 200, STARTUP_MS)
  return serve
}

// ---------------------------------------------------------------------------
// The Proxmox simulator's own API (as an admin would use Proxmox's UI)
// ---------------------------------------------------------------------------

/** Calls the simulator as root@pam's token. TLS is the simulator's self-signed certificate. */
async function pve(sim, method, path, form) {
  const { request } = await import('node:https')
  const body = form ? new URLSearchParams(form).toString() : undefined
  return new Promise((done, fail) => {
    const req = request(
      `${sim.url}/api2/json${path}`,
      {
        method,
        rejectUnauthorized: false,
        headers: {
          Authorization: `PVEAPIToken=${sim.token}`,
          ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } : {}),
        },
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8').on('data', (chunk) => (text += chunk))
        response.on('end', () => {
          if (response.statusCode >= 300) fail(new Error(`${method} ${path} answered ${response.statusCode}: ${text}`))
          else done(text ? JSON.parse(text).data : null)
        })
      },
    )
    req.on('error', fail)
    if (body) req.write(body)
    req.end()
  })
}

// ---------------------------------------------------------------------------
// The wizard's steps, as an admin goes through them
// ---------------------------------------------------------------------------

function currentStep(page) {
  return page.getByRole('navigation', { name: 'Setup steps' }).locator('[aria-current="step"]').textContent({ timeout: POLL_MS * 5 })
}

async function enterSetupToken(page, token) {
  await page.getByLabel('Setup token', { exact: true }).fill(token)
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
}

/** Reads and pins the simulator's certificate (checking it is the one the simulator announced). */
async function pinCertificate(page, sim) {
  const form = page.getByRole('form', { name: 'Proxmox' })
  await form.getByLabel('Proxmox address').fill(sim.url)
  await form.getByRole('button', { name: 'Read the certificate' }).click()
  const shown = (await form.locator('[data-field="fingerprint"]').textContent()).trim()
  assert(shown.toUpperCase() === sim.fingerprint.toUpperCase(), `the page shows fingerprint ${shown}; the simulator announced ${sim.fingerprint}`)
  await form.getByRole('checkbox', { name: 'It matches what Proxmox shows' }).check()
  return form
}

/** Presses the Proxmox step's check button and waits for Nimbus's answer to be on the page. */
async function runCheck(page, form) {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/setup/proxmox' && r.request().method() === 'POST')
  await form.getByRole('button', { name: /^(Connect and check|Check again)$/ }).click()
  const response = await answered
  await until('the check is shown', () => form.getByRole('button', { name: /^(Connect and check|Check again)$/ }).isEnabled(), Boolean)
  return response
}

async function pasteToken(page, form, tokenId, secret) {
  await form.getByRole('tab', { name: 'Paste an API token' }).click()
  await form.getByLabel('Token ID').fill(tokenId)
  await form.getByLabel('Token secret').fill(secret)
  return runCheck(page, form)
}

async function fillNetwork(page) {
  const form = page.getByRole('form', { name: 'Network' })
  await form.getByLabel('Pool start').fill(POOL.start)
  await form.getByLabel('Pool end').fill(POOL.end)
  await form.getByLabel('Gateway').fill(POOL.gateway)
  await form.getByLabel('Prefix length').fill(POOL.prefix)
  await form.getByLabel('DNS servers').fill(POOL.dns)
  return form
}

/** Saves the network step, passing its warnings if it shows any. */
async function saveNetwork(page, form) {
  await form.getByRole('button', { name: 'Save and continue' }).click()
  await until(
    'the network is saved',
    async () => (await page.getByRole('form', { name: 'Access' }).isVisible()) || (await form.getByRole('button', { name: 'Next: access' }).isVisible()),
    Boolean,
  )
  const next = form.getByRole('button', { name: 'Next: access' })
  if (await next.isVisible()) await next.click()
  await page.getByRole('form', { name: 'Access' }).waitFor()
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

async function wizardEndToEnd(page, serve, sim) {
  /** What went wrong without stopping the rest of the run (so the later steps are still driven). */
  const problems = []
  await page.goto(`${serve.base}/`)
  await until('the portal sends a fresh Nimbus to /setup', async () => new URL(page.url()).pathname, (p) => p === '/setup')
  await enterSetupToken(page, serve.setupToken)

  // Proxmox: the certificate, then a token made with the root password, checked live.
  const proxmox = await pinCertificate(page, sim)
  await proxmox.getByRole('tab', { name: 'Create one with the root password' }).click()
  await proxmox.getByLabel('Root password', { exact: true }).fill(ROOT_PASSWORD)
  await runCheck(page, proxmox)
  const check = proxmox.getByRole('region', { name: 'Connection check' })
  const checkText = await check.textContent()
  assert(/pve1 · online/.test(checkText) && /made by Nimbus/.test(checkText), `the check shows the nodes and the made token: ${checkText}`)
  if (!checkText.includes('Every privilege Nimbus needs is granted.')) {
    const missing = await missingPrivileges(proxmox)
    problems.push(`the token made with the root password is not ready; missing: ${JSON.stringify(missing)}`)
    // Carry on with the simulator's own root token so the rest of the wizard is still driven.
    const [tokenId, secret] = sim.token.split('=')
    await pasteToken(page, proxmox, tokenId, secret)
    await check.getByText('Every privilege Nimbus needs is granted.').waitFor()
  }
  await proxmox.getByRole('button', { name: 'Next: network' }).click()

  // Network: a loopback pool, the LAN probed, saved.
  const network = await fillNetwork(page)
  await network.getByRole('button', { name: 'Check the LAN' }).click()
  await network.getByRole('status', { name: 'LAN check' }).waitFor()
  await saveNetwork(page, network)

  // Access and the admin.
  const access = page.getByRole('form', { name: 'Access' })
  await access.getByRole('radio', { name: /Anyone who can reach Nimbus/ }).check()
  await access.getByRole('button', { name: 'Save and continue' }).click()
  const admin = page.getByRole('form', { name: 'Admin account' })
  await admin.getByLabel('Email').fill(ADMIN.email)
  await admin.getByLabel('Password', { exact: true }).fill(ADMIN.password)
  await admin.getByLabel('Confirm password').fill(ADMIN.password)
  await admin.getByRole('button', { name: 'Create the admin and finish' }).click()

  // Templates: the bootstrap runs to the end with its progress on the page.
  await until('the templates step opens', () => currentStep(page), (t) => /Templates/.test(t))
  const status = await (await page.request.get(`${serve.base}/api/auth/status`)).json()
  assert(status.data.user?.email === ADMIN.email, `finishing signs the admin in: ${JSON.stringify(status.data)}`)
  await page.getByRole('table', { name: 'Templates' }).waitFor()
  await page.getByRole('button', { name: 'Set up templates' }).click()
  await until(
    'every template is baked',
    async () => {
      const cells = await page.locator('[data-cell]').allTextContents()
      const failed = cells.find((t) => t.includes('Failed'))
      if (failed) throw Object.assign(new Error(`a bake failed: ${failed}`), { fatal: true })
      return cells
    },
    (cells) => cells.length > 0 && cells.every((t) => t.includes('Present')) && cells.every((t) => /VMID \d+/.test(t)),
    BAKE_MS,
  )
  await page.getByRole('link', { name: 'Go to the portal' }).click()
  await until('the portal opens', async () => new URL(page.url()).pathname, (p) => p === '/')

  // A first provision reaches running.
  const hostname = `first-${Math.random().toString(36).slice(2, 8)}`
  await page.goto(`${serve.base}/provision`)
  const form = page.getByRole('form', { name: 'New machine' })
  await form.getByLabel('Hostname').fill(hostname)
  // The first system is chosen already; it has a template now like every other.
  await form.getByRole('radio', { name: 'Generate a new Ed25519 key', exact: true }).check()
  await form.getByRole('button', { name: 'Provision machine', exact: true }).click()
  await until(
    'the first machine runs',
    async () => {
      const open = page.getByRole('link', { name: `Open ${hostname}`, exact: true })
      if (new URL(page.url()).pathname.endsWith('/progress') && (await open.isVisible())) await open.click()
      return (await page.locator('[data-status]').first().textContent({ timeout: POLL_MS * 5 }))?.trim()
    },
    (s) => s === 'running',
    RUN_MS,
  )
  assert(problems.length === 0, problems.join('; '))
}

async function poolEditApplies(page, serve) {
  await page.goto(`${serve.base}/admin/settings/cluster`)
  const form = page.getByRole('form', { name: 'Cluster settings' })
  const end = form.getByLabel('Pool end')
  await until('the settings load', () => end.inputValue(), (v) => v === POOL.end)
  await end.fill('127.77.0.50')
  await form.getByRole('button', { name: 'Save and apply' }).click()
  await page.getByRole('status', { name: 'Saved' }).waitFor()
  await page.reload()
  await until('the new pool end is kept', () => page.getByRole('form', { name: 'Cluster settings' }).getByLabel('Pool end').inputValue(), (v) => v === '127.77.0.50')
  const pool = await (await page.request.get(`${serve.base}/api/ips`)).json()
  assert(pool.data.some((a) => a.ip === '127.77.0.50'), `the pool reaches 127.77.0.50 at once: ${JSON.stringify(pool.data.map((a) => a.ip))}`)
}

/** The privileges the page names missing ("VM.Clone on /vms", …). */
async function missingPrivileges(form) {
  const missing = form.getByRole('list', { name: 'Missing privileges' })
  await missing.waitFor()
  return missing.locator('[data-privilege]').evaluateAll((els) => els.map((el) => el.getAttribute('data-privilege')))
}

async function lackingPrivilegeNamed(page, serve, sim) {
  // The most common mistake first: a privilege-separated token with no permission of its own.
  await pve(sim, 'POST', '/access/users', { userid: 'lacking@pve' })
  const made = await pve(sim, 'POST', '/access/users/lacking@pve/token/t1', { privsep: '1' })
  const token = { id: 'lacking@pve!t1', secret: made.value }
  await page.goto(`${serve.base}/setup`)
  await enterSetupToken(page, serve.setupToken)
  const form = await pinCertificate(page, sim)
  await pasteToken(page, form, token.id, token.secret)
  const all = await missingPrivileges(form)
  assert(all.some((p) => /^VM\.Console\b/.test(p)) && all.length > 3, `a token without permissions lacks every privilege: ${JSON.stringify(all)}`)

  // Then everything but VM.Console granted (to the user and the token, as privilege separation needs).
  const privs = [...new Set(all.map((p) => p.split(' ')[0]))].filter((p) => p !== 'VM.Console')
  await pve(sim, 'POST', '/access/roles', { roleid: 'NoConsole', privs: privs.join(',') })
  await pve(sim, 'PUT', '/access/acl', { path: '/', roles: 'NoConsole', users: 'lacking@pve', tokens: token.id })
  // A privilege the first answer did not name (it depends on others being there) is granted too.
  let items = []
  let answer
  for (let round = 0; round < 3; round += 1) {
    answer = await (await runCheck(page, form)).json()
    items = await missingPrivileges(form)
    const more = items.map((p) => p.split(' ')[0]).filter((p) => p !== 'VM.Console')
    if (more.length === 0) break
    await pve(sim, 'PUT', '/access/roles/NoConsole', { privs: more.join(','), append: '1' })
  }
  if (!(items.length === 1 && /^VM\.Console\b/.test(items[0]))) {
    const held = await pve({ ...sim, token: `${token.id}=${token.secret}` }, 'GET', '/access/permissions')
    throw new Error(`only VM.Console is named missing: ${JSON.stringify(items)}; the token holds on /vms: ${JSON.stringify(held['/vms'])}; the role has ${JSON.stringify(privs)}; Nimbus answered ${JSON.stringify(answer)}`)
  }
  const text = await form.getByRole('list', { name: 'Missing privileges' }).textContent()
  assert(/pveum/.test(text), `the page gives the pveum command: ${text}`)
  assert(await form.getByRole('button', { name: 'Next: network' }).isDisabled(), 'Next stays off while a privilege is missing')
}

async function resumesAfterRestart(page, before, sim, restart) {
  // Proxmox with the simulator's root token (everything granted), then the network step saved.
  const form = page.getByRole('form', { name: 'Proxmox' })
  const [tokenId, secret] = sim.token.split('=')
  await pasteToken(page, form, tokenId, secret)
  await form.getByText('Every privilege Nimbus needs is granted.').waitFor()
  await form.getByRole('button', { name: 'Next: network' }).click()
  await saveNetwork(page, await fillNetwork(page))

  // Killed mid-wizard and started again on the same data dir.
  const after = await restart()
  await page.goto(`${after.base}/setup`)
  const tokenField = page.getByLabel('Setup token', { exact: true })
  await until('the wizard or its door shows', async () => (await tokenField.isVisible()) || (await page.getByRole('form', { name: 'Access' }).isVisible()), Boolean)
  if (await tokenField.isVisible()) await enterSetupToken(page, after.setupToken)
  await page.getByRole('form', { name: 'Access' }).waitFor()
  assert(/Access/.test(await currentStep(page)), 'the wizard resumes at Access')
  await page.getByRole('navigation', { name: 'Setup steps' }).getByRole('button', { name: /Network/ }).click()
  const network = page.getByRole('form', { name: 'Network' })
  assert((await network.getByLabel('Pool start').inputValue()) === POOL.start, 'the pool start is prefilled')
  assert((await network.getByLabel('Gateway').inputValue()) === POOL.gateway, 'the gateway is prefilled')
  await page.getByRole('navigation', { name: 'Setup steps' }).getByRole('button', { name: /Proxmox/ }).click()
  const proxmox = page.getByRole('form', { name: 'Proxmox' })
  const address = await proxmox.getByLabel('Proxmox address').inputValue()
  assert(address.replace(/\/$/, '') === sim.url, `the Proxmox address is prefilled: ${address}`)
  assert((await proxmox.getByLabel('Token ID').inputValue()) === tokenId, 'the token ID is prefilled')
  return after
}

// ---------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------

async function withPage(profileDir, base, fn) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_BIN,
    headless: true,
    viewport: { width: 1440, height: 900 },
    reducedMotion: 'reduce',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  })
  context.setDefaultTimeout(WAIT_MS)
  const offsite = []
  try {
    const page = await context.newPage()
    await page.route('**/*', (route) => {
      const origin = new URL(route.request().url()).origin
      if (new URL(origin).hostname.startsWith('127.')) return route.continue()
      offsite.push(route.request().url())
      return route.abort('blockedbyclient')
    })
    await fn(page)
    assert(offsite.length === 0, `requests left the machine: ${offsite.join(', ')}`)
  } finally {
    await context.close().catch(() => {})
  }
}

async function main() {
  const bin = process.env.NIMBUS_BIN
  assert(bin && existsSync(resolve(bin)), 'NIMBUS_BIN must point at a built nimbus binary, e.g. NIMBUS_BIN=target/debug/nimbus')
  assert(existsSync(CHROMIUM_BIN), `no Chromium at ${CHROMIUM_BIN}: set CHROMIUM_BIN`)
  const root = mkdtempSync(join(tmpdir(), 'nimbus-setup-'))
  const dirs = ['sim', 'a', 'b', 'chromium-a', 'chromium-b'].map((d) => join(root, d))
  for (const dir of dirs) mkdirSync(dir)
  const [simDir, homeA, homeB, profileA, profileB] = dirs
  const procs = []
  let failures = 0
  const scenario = async (name, page, fn) => {
    try {
      await fn()
      console.log(`ok - ${name}`)
    } catch (error) {
      failures += 1
      console.log(`FAIL - ${name}: ${error.message}`)
      const shot = join(SCREENSHOT_DIR, `setup-${failures}.png`)
      mkdirSync(SCREENSHOT_DIR, { recursive: true })
      await page.screenshot({ path: shot, fullPage: true }).then(() => console.error(`screenshot: ${shot}`), () => {})
      for (const proc of procs) console.error(`--- nimbus ${proc.args[0]} (tail) ---\n${(proc.out + proc.err).split('\n').slice(-30).join('\n')}`)
    }
  }
  try {
    const sim = await startSim(resolve(bin), simDir)
    procs.push(sim)

    const serveA = await startServe(resolve(bin), homeA, sim)
    procs.push(serveA)
    await withPage(profileA, serveA.base, async (page) => {
      await scenario('the setup wizard, end to end: token, fingerprint, a token made with the root password, network, access, admin, templates, a first machine running', page, () =>
        wizardEndToEnd(page, serveA, sim),
      )
      await scenario('Settings → Cluster: a pool edit applies at once and is there after a reload', page, () => poolEditApplies(page, serveA))
    })

    let serveB = await startServe(resolve(bin), homeB, sim)
    procs.push(serveB)
    await withPage(profileB, serveB.base, async (page) => {
      await scenario('a pasted token lacking a privilege: the missing privilege is named precisely', page, () => lackingPrivilegeNamed(page, serveB, sim))
      await scenario('a wizard killed after the network step resumes at Access with the earlier steps prefilled', page, async () => {
        serveB = await resumesAfterRestart(page, serveB, sim, async () => {
          await stop(serveB, 'SIGKILL')
          const again = await startServe(resolve(bin), homeB, sim)
          procs.push(again)
          return again
        })
      })
    })
  } catch (error) {
    failures += 1
    console.log(`FAIL - setup browser tests could not start: ${error.message}`)
  } finally {
    for (const proc of procs.reverse()) await stop(proc)
    rmSync(root, { recursive: true, force: true })
  }
  return failures === 0 ? 0 : 1
}

process.exitCode = await main()
