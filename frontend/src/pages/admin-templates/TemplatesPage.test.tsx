import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { BootstrapStatus, TemplateCell } from '../../api/types'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const base: Omit<BootstrapStatus, 'cells' | 'running'> = {
  bake_version: 2,
  nodes: [
    { name: 'pve1', online: true },
    { name: 'pve2', online: true },
  ],
  oses: [
    { key: 'debian-12', label: 'Debian 12' },
    { key: 'ubuntu-24.04', label: 'Ubuntu 24.04' },
  ],
  retired: [],
  partial: false,
}

const cell = (node: string, os: string, over: Partial<TemplateCell> = {}): TemplateCell => ({
  node,
  os,
  state: 'missing',
  shared: false,
  ...over,
})

const baked = cell('pve1', 'debian-12', { state: 'present', vmid: 9001, bake_version: 2, age_days: 3, built_at: '2025-03-01T10:00:00Z' })
const unbaked = cell('pve1', 'ubuntu-24.04', { state: 'present', vmid: 9002, age_days: 40, rebuild: 'Baked without the guest agent: rebuild it' })

const idle: BootstrapStatus = {
  ...base,
  running: false,
  cells: [
    baked,
    unbaked,
    cell('pve2', 'debian-12', { state: 'failed', reason: 'checksum mismatch for debian-12', phase: 'failed', last_run_at: '2025-03-01T10:00:00Z' }),
    cell('pve2', 'ubuntu-24.04'),
  ],
}

const baking: BootstrapStatus = {
  ...base,
  running: true,
  cells: [
    baked,
    unbaked,
    cell('pve2', 'debian-12', { state: 'baking', phase: 'downloading', words: 'Downloading the image', percent: 40 }),
    cell('pve2', 'ubuntu-24.04', { state: 'queued', phase: 'queued', words: 'Queued', percent: 0 }),
  ],
}

const done: BootstrapStatus = {
  ...base,
  running: false,
  cells: [
    baked,
    unbaked,
    cell('pve2', 'debian-12', { state: 'present', vmid: 9003, bake_version: 2, age_days: 0 }),
    cell('pve2', 'ubuntu-24.04', { state: 'present', vmid: 9004, bake_version: 2, age_days: 0 }),
  ],
}

function cellOf(node: string, os: string) {
  const found = document.querySelector(`[data-cell="${node}/${os}"]`)
  if (!(found instanceof HTMLElement)) throw new Error(`no cell ${node}/${os}`)
  return found
}

describe('admin templates page', () => {
  it('shows the grid: states, VMIDs, age, the failure reason and the rebuild nudge', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(admin), 'GET /api/admin/bootstrap-status': () => ok(idle) })
    renderAt('/admin/templates')
    await screen.findByRole('table', { name: 'Templates' })
    const nav = screen.getByRole('navigation', { name: 'Admin' })
    expect(within(nav).getByRole('link', { name: 'Templates' }).getAttribute('aria-current')).toBe('page')

    expect(cellOf('pve1', 'debian-12').textContent).toContain('Present')
    expect(cellOf('pve1', 'debian-12').textContent).toContain('VMID 9001 · bake v2')
    expect(cellOf('pve1', 'debian-12').textContent).toContain('baked 3 days ago')
    expect(cellOf('pve1', 'ubuntu-24.04').textContent).toContain('Baked without the guest agent: rebuild it')
    expect(cellOf('pve1', 'ubuntu-24.04').textContent).toContain('unbaked')
    expect(cellOf('pve2', 'debian-12').textContent).toContain('Failed')
    expect(cellOf('pve2', 'debian-12').textContent).toContain('checksum mismatch for debian-12')
    expect(cellOf('pve2', 'ubuntu-24.04').textContent).toContain('Missing')
  })

  it('Bootstrap starts at once, follows the progress every two seconds and stops when it ends', async () => {
    const user = userEvent.setup()
    const { calls } = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/admin/bootstrap-status': [() => ok(idle), () => ok(baking), () => ok(done)],
      'POST /api/admin/bootstrap-templates': () =>
        ok({ queued: [{ node: 'pve2', os: 'debian-12' }, { node: 'pve2', os: 'ubuntu-24.04' }], offline: [], shared: false, message: 'Template bootstrap started: 2 bakes queued.' }, 202),
    })
    renderAt('/admin/templates')
    await screen.findByRole('table', { name: 'Templates' })
    await user.click(screen.getByRole('button', { name: 'Bootstrap' }))
    expect(calls('POST /api/admin/bootstrap-templates')[0]?.body).toEqual({})
    expect(await screen.findByText('Template bootstrap started: 2 bakes queued.')).toBeTruthy()
    await waitFor(() => {
      expect(cellOf('pve2', 'debian-12').textContent).toContain('Downloading the image · 40 %')
    })
    expect(within(cellOf('pve2', 'debian-12')).getByRole('meter')).toBeTruthy()
    expect(cellOf('pve2', 'ubuntu-24.04').textContent).toContain('Queued')
    expect(screen.getByRole('button', { name: 'Bootstrap running…' })).toHaveProperty('disabled', true)
    // The poll brings the end (a fourth ask would be a stray call; cells.test.ts shows the poll stops).
    await waitFor(
      () => {
        expect(cellOf('pve2', 'ubuntu-24.04').textContent).toContain('VMID 9004')
      },
      { timeout: 4000 },
    )
    expect(calls('GET /api/admin/bootstrap-status')).toHaveLength(3)
    expect(screen.getByRole('button', { name: 'Bootstrap' })).toHaveProperty('disabled', false)
  }, 10_000)

  it('Rebuild asks first, explaining the old template is retired, then rebuilds that node and OS', async () => {
    const user = userEvent.setup()
    const { calls } = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/admin/bootstrap-status': () => ok(idle),
      'POST /api/admin/bootstrap-templates': () => refusal(409, 'bootstrap_running', 'A bootstrap is already running; wait for it to finish.'),
    })
    renderAt('/admin/templates')
    await screen.findByRole('table', { name: 'Templates' })
    await user.click(screen.getByRole('button', { name: 'Rebuild Debian 12 on pve1' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Rebuild Debian 12 on pve1?' })
    expect(dialog.textContent).toContain('deleted once no machine depends on it')
    expect(calls('POST /api/admin/bootstrap-templates')).toHaveLength(0)
    await user.click(within(dialog).getByRole('button', { name: 'Rebuild' }))
    expect(calls('POST /api/admin/bootstrap-templates')[0]?.body).toEqual({ force: true, os: ['debian-12'], nodes: ['pve1'] })
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not start the bootstrap')
    expect(alert.textContent).toContain('A bootstrap is already running')

    await user.click(screen.getByRole('button', { name: 'Force rebuild all' }))
    const all = screen.getByRole('alertdialog', { name: 'Rebuild every template?' })
    await user.click(within(all).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(calls('POST /api/admin/bootstrap-templates')).toHaveLength(1)
  })
})
