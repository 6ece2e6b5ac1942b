import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { NodeReport, NodesReport } from '../../api/types'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const GIB = 1024 ** 3

const atlas: NodeReport = {
  name: 'atlas',
  status: 'online',
  cpu: 0.1,
  max_cpu: 16,
  mem_used: 12 * GIB,
  mem_total: 64 * GIB,
  mem_allocated: 20 * GIB,
  disk_used: 100 * GIB,
  disk_total: 1024 * GIB,
  vm_count: 3,
  vm_count_total: 5,
  building: 1,
  templates: ['ubuntu-24.04', 'debian-12'],
  accepted: true,
  score: { total: 0.82, mem: 0.9, cpu: 0.7, disk: 0.8 },
  preference: 1,
  rejections: [],
}

const borealis: NodeReport = {
  ...atlas,
  name: 'borealis',
  building: 0,
  preference: 2,
  score: { total: 0.61, mem: 0.6, cpu: 0.65 },
  disk_used: undefined,
  disk_total: undefined,
}

const ember: NodeReport = {
  ...atlas,
  name: 'ember',
  status: 'offline',
  accepted: false,
  score: undefined,
  preference: undefined,
  templates: [],
  rejections: [{ code: 'offline', message: 'ember is offline.' }],
}

const report = (tier: string, os: string, nodes: NodeReport[]): NodesReport => ({
  tier,
  os,
  nodes,
  status_at: '2026-11-29T09:00:00Z',
})

function card(name: string) {
  return screen.getByRole('listitem', { name: new RegExp(`^${name}`) })
}

describe('admin nodes page', () => {
  it('shows each node’s load, its score and rank, or why it is passed over', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/nodes': () => ok(report('small', 'ubuntu-24.04', [ember, borealis, atlas])),
    })
    renderAt('/admin/nodes')

    const list = await screen.findByRole('list', { name: 'Nodes' })
    // The node the next machine goes to first.
    expect(Array.from(list.children, (item) => item.getAttribute('data-node'))).toEqual([
      'atlas',
      'borealis',
      'ember',
    ])
    expect(card('atlas').textContent).toContain('next VM goes here')
    expect(card('atlas').querySelector('[data-field="score"]')?.textContent).toBe('0.82 · mem 0.90 · cpu 0.70 · disk 0.80')
    expect(within(card('atlas')).getByRole('meter', { name: 'Memory' }).getAttribute('aria-valuetext')).toBe(
      '12 GiB of 64 GiB · 20 GiB allocated',
    )
    expect(within(card('atlas')).getByRole('meter', { name: 'CPU' }).getAttribute('aria-valuetext')).toBe('10% of 16 cores')
    expect(within(card('atlas')).getByRole('meter', { name: 'Disk' }).getAttribute('aria-valuetext')).toBe('100 GiB of 1 TiB')
    expect(card('atlas').textContent).toContain('3 running / 5 · 1 being built')
    expect(card('atlas').textContent).toContain('debian-12')
    expect(card('borealis').textContent).toContain('choice #2')
    expect(card('borealis').querySelector('[data-field="score"]')?.textContent).toBe('0.61 · mem 0.60 · cpu 0.65')
    expect(within(card('borealis')).queryByRole('meter', { name: 'Disk' })).toBeNull()
    expect(card('ember').textContent).toContain('passed over')
    expect(within(card('ember')).getByRole('list', { name: 'Why ember is passed over' }).textContent).toBe('ember is offline.')
  })

  it('asks again for the size and system chosen, and keeps them in the address', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/nodes': [
        () => ok(report('small', 'ubuntu-24.04', [atlas])),
        () => ok(report('xl', 'ubuntu-24.04', [{ ...atlas, accepted: false, rejections: [{ code: 'insufficient_mem', message: 'atlas has 4 GiB free; xl needs 8 GiB.' }] }])),
        () => ok(report('xl', 'debian-12', [atlas])),
      ],
    })
    const { router } = renderAt('/admin/nodes')

    await screen.findByRole('list', { name: 'Nodes' })
    await waitFor(() => {
      expect(screen.getByLabelText<HTMLSelectElement>('Size').value).toBe('small')
    })
    expect(fetch.calls('GET /api/nodes')[0]?.request.url).not.toContain('tier=')
    await user.selectOptions(screen.getByLabelText('Size'), 'xl')
    expect(await screen.findByText('atlas has 4 GiB free; xl needs 8 GiB.')).toBeTruthy()
    expect(new URL(fetch.calls('GET /api/nodes')[1]?.request.url ?? '').search).toBe('?tier=xl&os=ubuntu-24.04')
    await user.selectOptions(screen.getByLabelText('Operating system'), 'debian-12')
    await waitFor(() => {
      expect(fetch.calls('GET /api/nodes')).toHaveLength(3)
    })
    expect(router.state.location.search).toBe('?tier=xl&os=debian-12')
  })

  it('says so plainly when Proxmox does not answer', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/nodes': () => refusal(503, 'proxmox_unavailable', 'Proxmox did not answer: connection refused.'),
    })
    renderAt('/admin/nodes')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not read the nodes: Proxmox did not answer: connection refused.')
    expect(alert.textContent).toContain('Proxmox is unreachable right now.')
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy()
  })
})
