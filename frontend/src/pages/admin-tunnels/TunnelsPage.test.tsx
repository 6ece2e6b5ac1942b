import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { GatewayMachine, GatewayOverview } from '../../api/types'
import { admin, authStatus, ok, renderAt, serveFetch } from '../../test/harness'

const web1: GatewayMachine = {
  id: 'gm-1',
  status: 'online',
  public_ssh: true,
  foreign: false,
  vm: { id: 'vm-1', hostname: 'web-1', owner_name: 'Bob Member', owner_email: 'bob@example.com' },
  tunnels: [
    {
      id: 't-1',
      subdomain: 'blog',
      url: 'https://blog.tunnels.example.com',
      target_port: 8080,
      private: false,
      tls: true,
      status: 'active',
    },
  ],
}

const stray: GatewayMachine = { id: 'gm-9', status: 'offline', public_ssh: false, foreign: true, tunnels: [] }

const overview: GatewayOverview = { reachable: true, machines: [web1, stray] }

function rowOf(machineId: string) {
  const row = screen.getByRole('table', { name: 'Machines on Gopher' }).querySelector(`[data-machine="${machineId}"]`)
  if (!(row instanceof HTMLElement)) throw new Error(`no row for ${machineId}`)
  return row
}

describe('admin tunnels page', () => {
  it('shows what Gopher holds, with each Nimbus machine linked and foreign ones marked', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(admin), 'GET /api/tunnels': () => ok(overview) })
    renderAt('/admin/tunnels')

    await screen.findByRole('table', { name: 'Machines on Gopher' })
    const first = rowOf('gm-1')
    expect(first.textContent).toContain('gm-1')
    expect(first.querySelector('[data-status]')?.textContent).toBe('online')
    expect(first.textContent).toContain('yes')
    expect(within(first).getByRole('link', { name: 'web-1' }).getAttribute('href')).toBe('/machines/vm-1')
    expect(first.textContent).toContain('Bob Member')
    expect(within(first).getByRole('link', { name: 'https://blog.tunnels.example.com' }).getAttribute('href')).toBe(
      'https://blog.tunnels.example.com',
    )

    const second = rowOf('gm-9')
    expect(second.textContent).toContain('Not a Nimbus machine')
    expect(second.textContent).toContain('no')
    expect(within(second).queryByRole('link')).toBeNull()
    expect(screen.queryByRole('alert')).toBeNull()

    const nav = screen.getByRole('navigation', { name: 'Admin' })
    expect(within(nav).getByRole('link', { name: 'Tunnels' }).getAttribute('aria-current')).toBe('page')
  })

  it('says so when Gopher did not answer, and reads again on Refresh', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/tunnels': [
        () => ok({ reachable: false, error: 'Gopher did not answer within 5 s.', machines: [] }),
        () => ok(overview),
      ],
    })
    renderAt('/admin/tunnels')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Gopher did not answer within 5 s.')
    expect(screen.queryByRole('table', { name: 'Machines on Gopher' })).toBeNull()

    await user.click(screen.getByRole('button', { name: 'Refresh' }))
    await waitFor(() => {
      expect(rowOf('gm-1').textContent).toContain('web-1')
    })
    expect(fetch.calls('GET /api/tunnels')).toHaveLength(2)
    expect(screen.queryByRole('alert')).toBeNull()
  })
})
