import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { ClusterSettings } from '../../api/types'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { lackingCheck, network } from '../../test/setup.fixtures'
import { qualifiedField, sectionOf } from './clusterDraft'

const settings: ClusterSettings = {
  proxmox: { url: 'https://10.0.0.2:8006', fingerprint: 'AB:CD:EF', token_id: 'nimbus@pve!nimbus', trust: 'fingerprint' },
  network,
  placement: { excluded_nodes: ['pve3'], mem_buffer_mib: 1024, cpu_load_factor: 1.5, clone_concurrency_per_node: 2 },
  locked: [
    { field: 'network.gateway', variable: 'GATEWAY_IP' },
    { field: 'token_id', variable: 'PROXMOX_TOKEN_ID' },
  ],
  env_file: '/etc/nimbus/nimbus.env',
  machines: 3,
}

function page(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({ 'GET /api/auth/status': authStatus(admin), 'GET /api/settings/cluster': () => ok(settings), ...extra })
}

async function opened() {
  renderAt('/admin/settings/cluster')
  return screen.findByRole('form', { name: 'Cluster settings' })
}

describe('admin cluster settings', () => {
  it('shows the settings, says gateway/prefix/DNS reach new machines only, and shows a locked field read-only with its variable', async () => {
    page()
    const form = await opened()
    const tabs = screen.getByRole('navigation', { name: 'Settings' })
    expect(within(tabs).getByRole('link', { name: 'Cluster' }).getAttribute('aria-current')).toBe('page')
    expect(screen.getAllByText(/Gateway, prefix and DNS changes apply to new machines only/).length).toBeGreaterThan(0)
    expect(within(form).getByLabelText<HTMLInputElement>('Proxmox address').value).toBe('https://10.0.0.2:8006')
    expect(form.querySelector('[data-field="fingerprint"]')?.textContent).toBe('AB:CD:EF')
    expect(within(form).getByLabelText<HTMLInputElement>('Pool end').value).toBe('10.0.0.199')
    const gateway = within(form).getByLabelText<HTMLInputElement>('Gateway')
    expect(gateway.readOnly).toBe(true)
    expect(document.getElementById(gateway.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Set by GATEWAY_IP in Nimbus’s environment.')
    expect(within(form).getByLabelText<HTMLInputElement>('Pool start').readOnly).toBe(false)
    expect(within(form).getByLabelText<HTMLInputElement>('Token ID').readOnly).toBe(true)
    expect(within(form).getByLabelText<HTMLInputElement>('Nodes kept out').value).toBe('pve3')
    expect(form.textContent).toContain('/etc/nimbus/nimbus.env')
    expect(form.textContent).toContain('Nimbus holds 3 machines')
  })

  it('a pool edit saves without touching the connection, then shows the notes and the saved values', async () => {
    const user = userEvent.setup()
    const saved = { ...settings, network: { ...network, pool_end: '10.0.0.180' } }
    const { calls } = page({
      'PUT /api/settings/cluster': () => ok({ settings: saved, notes: ['The pool now has 81 addresses.', 'Gateway, prefix and DNS changes apply to new machines.'] }),
      'POST /api/settings/cluster/network/review': () => ok({ addresses: 81, warnings: [] }),
    })
    const form = await opened()
    const end = within(form).getByLabelText('Pool end')
    await user.clear(end)
    await user.type(end, '10.0.0.180')
    await user.click(within(form).getByRole('button', { name: 'Review the plan' }))
    expect(await within(form).findByText('The plan gives 81 addresses to machines.')).toBeTruthy()
    expect(calls('POST /api/settings/cluster/network/review')[0]?.body).toEqual({ ...network, pool_end: '10.0.0.180' })
    await user.click(within(form).getByRole('button', { name: 'Save and apply' }))
    expect(calls('PUT /api/settings/cluster')[0]?.body).toEqual({
      network: { ...network, pool_end: '10.0.0.180' },
      placement: { excluded_nodes: ['pve3'], mem_buffer_mib: 1024, cpu_load_factor: 1.5, clone_concurrency_per_node: 2 },
    })
    const status = await screen.findByRole('status', { name: 'Saved' })
    expect(status.textContent).toContain('The pool now has 81 addresses.')
    expect(screen.getByLabelText<HTMLInputElement>('Pool end').value).toBe('10.0.0.180')
  })

  it('a blocked shrink is said at the network section naming the holders; a bad field under the field', async () => {
    const user = userEvent.setup()
    page({
      'PUT /api/settings/cluster': [
        () => refusal(409, 'pool_shrink_blocked', 'The new pool leaves out 10.0.0.150, held by web-1 (running).'),
        () => refusal(400, 'validation_failed', 'Enter a node name Proxmox knows: pve9 is not one.', { field: 'placement.excluded_nodes' }),
      ],
    })
    const form = await opened()
    await user.click(within(form).getByRole('button', { name: 'Save and apply' }))
    const networkPanel = screen.getByRole('region', { name: 'Network' })
    expect((await within(networkPanel).findByRole('alert')).textContent).toContain('held by web-1 (running)')
    await user.click(within(form).getByRole('button', { name: 'Save and apply' }))
    expect(await screen.findByText('Enter a node name Proxmox knows: pve9 is not one.')).toBeTruthy()
    expect(within(form).getByLabelText('Nodes kept out').getAttribute('aria-invalid')).toBe('true')
  })

  it('a new address needs its certificate read and compared; the connection is checked and sent; another cluster is refused at Proxmox', async () => {
    const user = userEvent.setup()
    const { calls } = page({
      'POST /api/settings/cluster/proxmox/fingerprint': () => ok({ url: 'https://10.0.9.2:8006', fingerprint: '11:22:33' }),
      'POST /api/settings/cluster/proxmox/check': () => ok(lackingCheck),
      'PUT /api/settings/cluster': () => refusal(409, 'other_cluster', 'Nimbus holds 3 machines on cluster lab; 10.0.9.2 reports cluster other.'),
    })
    const form = await opened()
    const url = within(form).getByLabelText('Proxmox address')
    await user.clear(url)
    await user.type(url, 'https://10.0.9.2:8006')
    await user.click(within(form).getByRole('button', { name: 'Save and apply' }))
    expect(url.getAttribute('aria-invalid')).toBe('true')
    expect(calls('PUT /api/settings/cluster')).toHaveLength(0)

    await user.click(within(form).getByRole('button', { name: 'Read the certificate' }))
    expect(await within(form).findByText('11:22:33')).toBeTruthy()
    await user.click(within(form).getByRole('button', { name: 'Save and apply' }))
    expect(within(form).getByRole('checkbox', { name: 'It matches what Proxmox shows' }).getAttribute('aria-invalid')).toBe('true')
    await user.click(within(form).getByRole('checkbox', { name: 'It matches what Proxmox shows' }))

    await user.click(within(form).getByRole('button', { name: 'Check the connection' }))
    expect(calls('POST /api/settings/cluster/proxmox/check')[0]?.body).toEqual({
      url: 'https://10.0.9.2:8006',
      fingerprint: '11:22:33',
      token_id: 'nimbus@pve!nimbus',
      token_secret: '',
      root_user: '',
      root_password: '',
    })
    expect((await within(form).findByRole('list', { name: 'Missing privileges' })).textContent).toContain('VM.Console on /vms')

    await user.click(within(form).getByRole('button', { name: 'Save and apply' }))
    const proxmoxPanel = screen.getByRole('region', { name: 'Proxmox' })
    expect((await within(proxmoxPanel).findByText(/reports cluster other/)).closest('[role="alert"]')).toBeTruthy()
    expect(calls('PUT /api/settings/cluster')[0]?.body).toMatchObject({ proxmox: { url: 'https://10.0.9.2:8006', fingerprint: '11:22:33', token_id: 'nimbus@pve!nimbus' } })
  })

  it('routes failures: bare or qualified field names, and whole-section refusals', () => {
    expect(qualifiedField('gateway')).toBe('network.gateway')
    expect(qualifiedField('placement.disk_storage')).toBe('placement.disk_storage')
    expect(qualifiedField('url', 'proxmox')).toBe('proxmox.url')
    expect(qualifiedField('nonsense')).toBeUndefined()
    expect(sectionOf({ kind: 'refused', message: 'x', code: 'pool_shrink_blocked' })).toBe('network')
    expect(sectionOf({ kind: 'refused', message: 'x', code: 'other_cluster' })).toBe('proxmox')
    expect(sectionOf({ kind: 'refused', message: 'x', code: 'validation_failed' })).toBeNull()
  })
})
