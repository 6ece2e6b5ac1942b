import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { PoolAddress, ReconcileReport } from '../../api/types'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const pool: PoolAddress[] = [
  {
    ip: '10.0.1.100',
    status: 'allocated',
    source: 'local',
    vmid: 104,
    vm_id: 'vm-1',
    hostname: 'web-1',
    owner_name: 'Bob Member',
    allocated_at: '2025-03-01T10:00:00Z',
    last_seen_at: '2025-03-01T11:00:00Z',
    missed_cycles: 0,
  },
  { ip: '10.0.1.101', status: 'allocated', source: 'adopted', vmid: 300, hostname: 'legacy-db', missed_cycles: 2 },
  { ip: '10.0.1.102', status: 'reserved', source: 'local', vm_id: 'vm-2', hostname: 'api-2', reserved_at: '2025-03-01T10:00:00Z', missed_cycles: 0 },
  { ip: '10.0.1.103', status: 'free', missed_cycles: 0 },
]

const never: ReconcileReport = { applied: 0, unchanged: 0, partial: false, conflicts: [] }

const fresh: ReconcileReport = {
  at: new Date().toISOString(),
  applied: 2,
  unchanged: 98,
  partial: true,
  conflicts: [{ kind: 'duplicate_claim', ip: '10.0.1.101', detail: 'Guests 300 and 301 both claim 10.0.1.101.' }],
}

function addressRow(ip: string) {
  return screen.getByRole('row', { name: new RegExp(`^${ip.replace(/\./g, '\\.')}`) })
}

describe('admin IP pool page', () => {
  it('shows the pool bar and the addresses in use with their holders; the filter shows the others', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/ips': () => ok(pool),
      'GET /api/ips/reconcile': () => ok(never),
    })
    const { router } = renderAt('/admin/ips')

    await screen.findByRole('table', { name: 'Addresses' })
    expect(within(screen.getByRole('list', { name: 'IP pool' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Allocated · 2',
      'Reserved · 1',
      'Free · 1',
    ])
    expect(within(addressRow('10.0.1.100')).getByRole('link', { name: 'web-1' }).getAttribute('href')).toBe('/machines/vm-1')
    expect(addressRow('10.0.1.100').textContent).toContain('Bob Member')
    expect(addressRow('10.0.1.101').textContent).toContain('adopted guest')
    expect(within(addressRow('10.0.1.101')).queryByRole('link')).toBeNull()
    expect(addressRow('10.0.1.101').textContent).toContain('legacy-db')
    expect(screen.getByText('Never run since Nimbus started.')).toBeTruthy()

    const listedIps = () =>
      within(screen.getByRole('table', { name: 'Addresses' }))
        .getAllByRole('rowheader')
        .map((cell) => cell.textContent)
    expect(listedIps()).toEqual(['10.0.1.100', '10.0.1.101', '10.0.1.102'])
    await user.selectOptions(screen.getByLabelText('Show'), 'allocated')
    expect(listedIps()).toEqual(['10.0.1.100', '10.0.1.101'])
    expect(router.state.location.search).toBe('?status=allocated')
    await user.selectOptions(screen.getByLabelText('Show'), 'all')
    expect(listedIps()).toEqual(['10.0.1.100', '10.0.1.101', '10.0.1.102', '10.0.1.103'])
  })

  it('reconciles on demand, shows the report, and reads the pool again', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/ips': () => ok(pool),
      'GET /api/ips/reconcile': () => ok(never),
      'POST /api/ips/reconcile': [
        () => refusal(503, 'proxmox_unavailable', 'Proxmox did not answer.'),
        () => ok(fresh),
      ],
    })
    renderAt('/admin/ips')

    const panel = await screen.findByRole('region', { name: 'Reconcile' })
    await user.click(within(panel).getByRole('button', { name: 'Reconcile now' }))
    expect((await within(panel).findByRole('alert')).textContent).toContain('Proxmox did not answer')

    await user.click(within(panel).getByRole('button', { name: 'Reconcile now' }))
    await waitFor(() => {
      expect(panel.querySelector('[data-field="summary"]')?.textContent).toBe(
        'Ran just now: 2 addresses changed, 98 unchanged, 1 conflict.',
      )
    })
    expect(within(panel).queryByRole('alert')).toBeNull()
    expect(within(panel).getByRole('note').textContent).toContain('Partial:')
    expect(within(panel).getByRole('list', { name: 'Conflicts' }).textContent).toBe(
      '10.0.1.101Claimed twiceGuests 300 and 301 both claim 10.0.1.101.',
    )
    await waitFor(() => {
      expect(fetch.calls('GET /api/ips')).toHaveLength(2)
    })
  })
})
