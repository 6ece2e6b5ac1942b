import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { ClusterVm, FleetStats, ProvisionMetrics, Vm } from '../../api/types'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { catchDownloads, pendingVm, runningVm } from '../../test/vms'

const stats: FleetStats = {
  machines_active: 37,
  machines_new_this_week: 4,
  machines_in_progress: 1,
  pending_approvals: 2,
  pool: { first: '10.0.1.100', last: '10.0.1.200', total: 101, allocated: 33, reserved: 4, free: 64 },
  avg_provision_ms: 42_000,
  cluster: {
    status_at: '2026-11-29T09:00:00Z',
    nodes_total: 5,
    nodes_online: 5,
    cpus: 48,
    cpu_load: 0.11,
    mem_used: 32 * 1024 ** 3,
    mem_total: 176 * 1024 ** 3,
    storage_used: 0,
    storage_total: 0,
    guests_total: 40,
    guests_running: 37,
  },
}

const metrics: ProvisionMetrics = {
  since: '2025-02-22T10:00:00Z',
  requested: 20,
  succeeded: 18,
  failed: 1,
  denied: 1,
  pending: 0,
  in_progress: 0,
  success_rate: 18 / 19,
  total: { count: 18, p50_ms: 41_000, p95_ms: 65_000 },
  steps: [
    { step: 'clone', count: 18, p50_ms: 3100, p95_ms: 9000 },
    { step: 'wait_ready', count: 18, p50_ms: 30_000, p95_ms: 50_000 },
  ],
}

const llm = pendingVm({ owner_name: 'Jordan K', owner_email: 'jordan@example.com', requested_at: new Date(Date.now() - 2 * 3600_000).toISOString() })
const kafka = pendingVm({ id: 'vm-10', hostname: 'kafka-cluster', owner_name: 'Sam L', reason: 'Streaming pipeline POC for the data team.' })

const fleet: Vm[] = [
  runningVm({ id: 'vm-1', hostname: 'my-project', owner_id: 'u-alex', owner_name: 'Alex Dev', owner_email: 'alex@example.com', ip: '10.0.1.142' }),
  runningVm({ id: 'vm-2', hostname: 'discord-bot', tier: 'small', owner_id: 'u-alex', owner_name: 'Alex Dev', owner_email: 'alex@example.com', ip: '10.0.1.118', status: 'stopped' }),
  runningVm({ id: 'vm-3', hostname: 'portfolio-site', tier: 'small', owner_id: 'u-jordan', owner_name: 'Jordan K', owner_email: 'jordan@example.com', ip: '10.0.1.107', node: 'borealis' }),
  runningVm({ id: 'vm-4', hostname: 'staging-api', owner_id: 'u-priya', owner_name: 'Priya, S.', owner_email: 'priya@example.com', ip: '10.0.1.124' }),
]

function fleetPage(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(admin),
    'GET /api/cluster/stats': () => ok(stats),
    'GET /api/approvals': () => ok([llm, kafka]),
    'GET /api/metrics/provisions': () => ok(metrics),
    'GET /api/vms': () => ok(fleet),
    'GET /api/cluster/vms': () => ok([]),
    ...extra,
  })
}

function card(name: string) {
  const region = screen.getByRole('region', { name })
  return [region.querySelector('[data-field="value"]')?.textContent, region.querySelector('[data-field="note"]')?.textContent]
}

function queueRow(hostname: string) {
  return within(screen.getByRole('table', { name: 'Approval queue' })).getByRole('row', { name: new RegExp(`^${hostname}`) })
}

function shownHostnames() {
  const table = screen.queryByRole('table', { name: 'All machines' })
  return table ? within(table).getAllByRole('rowheader').map((cell) => cell.textContent) : []
}

describe('admin fleet page', () => {
  it('is where /admin opens, with the figures, the pool, the queue, every machine and the provisioning metrics', async () => {
    const fetch = fleetPage()
    const { router } = renderAt('/admin')

    await screen.findByRole('table', { name: 'All machines' })
    expect(router.state.location.pathname).toBe('/admin/fleet')
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('The whole fleet.')
    expect(fetch.calls('GET /api/vms')[0]?.request.url).toContain('all=true')
    expect(fetch.calls('GET /api/metrics/provisions')[0]?.request.url).toContain('days=7')

    expect(card('Active machines')).toEqual(['37', '+4 this week'])
    expect(card('IP pool used')).toEqual(['37 / 101', '36.6% — healthy'])
    expect(card('Pending approval')).toEqual(['2', 'XL tier requests'])
    expect(card('Avg provision time')).toEqual(['42 s', 'last 7 days'])
    const legend = screen.getByRole('list', { name: 'IP pool' })
    expect(within(legend).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Allocated · 33',
      'Reserved · 4',
      'Free · 64',
    ])
    expect(screen.getByRole('link', { name: 'Open the IP pool' }).getAttribute('href')).toBe('/admin/ips')
    expect(screen.getByRole('heading', { name: 'IP pool · 10.0.1.100 — 10.0.1.200' })).toBeTruthy()

    expect(queueRow('llm-box').textContent).toContain('Jordan K')
    expect(queueRow('llm-box').textContent).toContain('2 hours ago')
    expect(queueRow('llm-box').textContent).toContain('Fine-tuning a model for the hackathon')
    expect(queueRow('kafka-cluster').textContent).toContain('xl')

    expect(shownHostnames()).toEqual(['my-project', 'discord-bot', 'portfolio-site', 'staging-api'])
    expect(screen.getByRole('row', { name: /^portfolio-site/ }).textContent).toContain('10.0.1.107')
    expect(screen.getByRole('row', { name: /^portfolio-site/ }).textContent).toContain('borealis')

    const provisioning = screen.getByRole('region', { name: 'Provisioning' })
    expect(provisioning.querySelector('[data-field="success-rate"]')?.textContent).toBe('94.7%')
    expect(provisioning.textContent).toContain('p50 41 s · p95 1 min 5 s')
    expect(within(provisioning).getByRole('meter', { name: 'Clone the template (18)' }).getAttribute('aria-valuetext')).toBe(
      'p50 3.1 s · p95 9.0 s',
    )
    const adminNav = screen.getByRole('navigation', { name: 'Admin' })
    expect(within(adminNav).getByRole('link', { name: 'Fleet' }).getAttribute('aria-current')).toBe('page')
  })

  it('approves a request: it leaves the queue and the figures and machines are read again', async () => {
    const user = userEvent.setup()
    const fetch = fleetPage({
      'POST /api/approvals/vm-9/approve': () => ok(pendingVm({ status: 'provisioning', phase: 'requested' }), 202),
    })
    renderAt('/admin/fleet')

    await user.click(within(await screen.findByRole('table', { name: 'Approval queue' })).getByRole('button', { name: 'Approve: llm-box' }))
    await waitFor(() => {
      expect(screen.queryByRole('row', { name: /^llm-box/ })).toBeNull()
    })
    expect(fetch.calls('POST /api/approvals/vm-9/approve')).toHaveLength(1)
    expect(screen.getByText('Approved llm-box: it is being built for Jordan K.')).toBeTruthy()
    await waitFor(() => {
      expect(fetch.calls('GET /api/cluster/stats')).toHaveLength(2)
    })
    expect(fetch.calls('GET /api/vms')).toHaveLength(2)
    expect(queueRow('kafka-cluster')).toBeTruthy()
  })

  it('says why Nimbus would not approve, in its words', async () => {
    const user = userEvent.setup()
    fleetPage({
      'POST /api/approvals/vm-9/approve': () => refusal(503, 'no_capacity', 'No node has room for an xl machine right now.'),
    })
    renderAt('/admin/fleet')

    await user.click(await screen.findByRole('button', { name: 'Approve: llm-box' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not approve llm-box: No node has room for an xl machine right now.')
    expect(queueRow('llm-box')).toBeTruthy()
  })

  it('denies a request only with a reason, which it sends', async () => {
    const user = userEvent.setup()
    const fetch = fleetPage({
      'POST /api/approvals/vm-10/deny': [
        () => refusal(409, 'already_decided', 'Another admin decided this request already.'),
        () => ok({ ...kafka, status: 'denied', denied_reason: 'Use the shared Kafka.' }),
      ],
    })
    renderAt('/admin/fleet')

    await user.click(await screen.findByRole('button', { name: 'Deny: kafka-cluster' }))
    const dialog = screen.getByRole('dialog', { name: 'Deny kafka-cluster?' })
    const reason = within(dialog).getByLabelText('Reason')
    await waitFor(() => {
      expect(document.activeElement).toBe(reason)
    })
    await user.click(within(dialog).getByRole('button', { name: 'Deny request' }))
    expect(within(dialog).getByRole('alert').textContent).toBe('Say why: Sam L reads this on the request.')
    expect(fetch.calls('POST /api/approvals/vm-10/deny')).toHaveLength(0)

    await user.type(reason, 'Use the shared Kafka.')
    await user.click(within(dialog).getByRole('button', { name: 'Deny request' }))
    expect((await within(dialog).findByRole('alert')).textContent).toContain('Another admin decided this request already.')
    await user.click(within(dialog).getByRole('button', { name: 'Deny request' }))
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull()
    })
    expect(fetch.calls('POST /api/approvals/vm-10/deny').map((call) => call.body)).toEqual([
      { reason: 'Use the shared Kafka.' },
      { reason: 'Use the shared Kafka.' },
    ])
    expect(screen.queryByRole('row', { name: /^kafka-cluster/ })).toBeNull()
    expect(screen.getByText('Denied kafka-cluster. Sam L sees your reason.')).toBeTruthy()
  })

  it('filters the machines, keeps the filters in the address, and exports exactly the rows shown', async () => {
    const user = userEvent.setup()
    const saved = catchDownloads()
    fleetPage()
    const { router } = renderAt('/admin/fleet')

    await screen.findByRole('table', { name: 'All machines' })
    await user.selectOptions(screen.getByLabelText('Owner'), 'u-alex')
    expect(shownHostnames()).toEqual(['my-project', 'discord-bot'])
    await user.selectOptions(screen.getByLabelText('Status'), 'running')
    expect(shownHostnames()).toEqual(['my-project'])
    expect(router.state.location.search).toBe('?status=running&owner=u-alex')
    expect(screen.getByText('Showing 1 of 4 machines.')).toBeTruthy()

    await user.click(screen.getByRole('button', { name: 'Export CSV' }))
    expect(saved.map((file) => file.name)).toEqual([`nimbus-machines-${new Date().toLocaleDateString('sv')}.csv`])
    const text = (await saved[0]?.blob.text()) ?? ''
    expect(text.split('\r\n').filter(Boolean).map((line) => line.split(',')[0])).toEqual(['hostname', 'my-project'])

    await user.selectOptions(screen.getByLabelText('Owner'), '')
    await user.selectOptions(screen.getByLabelText('Status'), '')
    await user.type(screen.getByLabelText('Search'), 'priya')
    expect(shownHostnames()).toEqual(['staging-api'])
    await user.click(screen.getByRole('button', { name: 'Export CSV' }))
    const second = (await saved[1]?.blob.text()) ?? ''
    expect(second).toContain('staging-api,"Priya, S.",priya@example.com,medium,running,10.0.1.124,atlas,104')
    expect(second.split('\r\n').filter(Boolean)).toHaveLength(2)

    await user.clear(screen.getByLabelText('Search'))
    await user.type(screen.getByLabelText('Search'), 'nobody')
    expect(shownHostnames()).toEqual([])
    await user.click(screen.getByRole('button', { name: 'Clear filters' }))
    expect(shownHostnames()).toHaveLength(4)
    expect(router.state.location.search).toBe('')
  })

  it('opens a machine from its row, and reboots one after asking', async () => {
    const user = userEvent.setup()
    const fetch = fleetPage({
      'POST /api/vms/vm-1/reboot': () => ok({ ...fleet[0], status: 'rebooting' }, 202),
      'GET /api/vms/vm-3': () => ok(fleet[2]),
    })
    const { router } = renderAt('/admin/fleet')

    await screen.findByRole('table', { name: 'All machines' })
    await user.click(screen.getByRole('button', { name: 'Reboot: my-project' }))
    await user.click(within(screen.getByRole('alertdialog', { name: 'Reboot my-project?' })).getByRole('button', { name: 'Reboot' }))
    await waitFor(() => {
      expect(screen.getByRole('row', { name: /^my-project/ }).querySelector('[data-status]')?.textContent).toBe('rebooting')
    })
    expect(fetch.calls('POST /api/vms/vm-1/reboot')).toHaveLength(1)
    expect(router.state.location.pathname).toBe('/admin/fleet')

    const portfolio = screen.getByRole('row', { name: /^portfolio-site/ })
    await user.click(within(portfolio).getByText('10.0.1.107'))
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/machines/vm-3')
    })
  })

  it('sends "Provision on behalf" to the Provision page, for the owner filtered on', async () => {
    const user = userEvent.setup()
    fleetPage()
    renderAt('/admin/fleet')

    await screen.findByRole('table', { name: 'All machines' })
    expect(screen.getByRole('link', { name: 'Provision on behalf' }).getAttribute('href')).toBe('/provision')
    await user.selectOptions(screen.getByLabelText('Owner'), 'u-jordan')
    expect(screen.getByRole('link', { name: 'Provision on behalf' }).getAttribute('href')).toBe('/provision?for=u-jordan')
  })

  it('shows each machine’s public SSH and public URLs, and a dash when it has none', async () => {
    const guest = (id: string, fields: Partial<ClusterVm>): ClusterVm => ({
      vmid: 100,
      node: 'atlas',
      kind: 'qemu',
      status: 'running',
      source: 'nimbus',
      nimbus_managed: true,
      cpus: 2,
      mem_max: 2 * 1024 ** 3,
      uptime: 60,
      status_at: '2026-11-29T09:00:00Z',
      id,
      public_urls: [],
      ...fields,
    })
    fleetPage({
      'GET /api/vms': () =>
        ok([
          { ...fleet[0], public_ssh: { state: 'connected', can_retry: false } },
          { ...fleet[1], public_ssh: { state: 'failed', error: 'No answer.', can_retry: true } },
          fleet[2],
          { ...fleet[3], public_ssh: { state: 'exposing', can_retry: false } },
        ]),
      'GET /api/cluster/vms': () =>
        ok([
          guest('vm-1', { public_ssh: 'gopher.example.com:40022', public_urls: ['https://blog.tunnels.example.com'] }),
          guest('vm-2', { public_ssh: 'failed' }),
          guest('vm-3', {}),
        ]),
    })
    renderAt('/admin/fleet')

    const table = await screen.findByRole('table', { name: 'All machines' })
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toContain('Public')
    const cell = (id: string) => {
      const found = table.querySelector(`[data-machine="${id}"] [data-field="public"]`)
      if (!(found instanceof HTMLElement)) throw new Error(`no Public cell for ${id}`)
      return found
    }
    await waitFor(() => {
      expect(cell('vm-1').textContent).toContain('gopher.example.com:40022')
    })
    expect(within(cell('vm-1')).getByRole('link', { name: 'https://blog.tunnels.example.com' }).getAttribute('href')).toBe(
      'https://blog.tunnels.example.com',
    )
    expect(cell('vm-2').querySelector('[data-status]')?.textContent).toBe('failed')
    expect(cell('vm-3').textContent).toBe('—')
    // Not in the cluster's list: what the machine itself says.
    expect(cell('vm-4').querySelector('[data-status]')?.textContent).toBe('exposing')
  })
})
