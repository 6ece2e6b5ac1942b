import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { MemberQuota, QuotaOverview } from '../../api/types'
import { admin, authStatus, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { memberQuota } from '../../test/vms'

const defaults = { max_vms: 10, max_vcpus: 16, max_memory_mib: 32768, max_disk_gib: 500 }

const adaRow: MemberQuota = {
  user_id: admin.id,
  name: admin.name,
  email: admin.email,
  role: 'admin',
  quota: { exempt: true, custom: false, usage: { vms: 4, vcpus: 8, memory_mib: 8192, disk_gib: 120 }, headroom: {} },
}
const bobRow: MemberQuota = {
  user_id: member.id,
  name: member.name,
  email: member.email,
  role: 'member',
  quota: { ...memberQuota, custom: true },
}
const cleoRow: MemberQuota = {
  user_id: 'u-cleo',
  name: 'Cleo Builder',
  email: 'cleo@example.com',
  role: 'member',
  quota: {
    exempt: false,
    custom: false,
    limits: { ...defaults, max_vcpus: null } as never,
    usage: { vms: 1, vcpus: 1, memory_mib: 1024, disk_gib: 15 },
    headroom: { vms: 9 },
  },
}
const overview: QuotaOverview = { defaults, members: [adaRow, bobRow, cleoRow] }

function quotasPage(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(admin),
    'GET /api/quotas': () => ok(overview),
    ...extra,
  })
}

function memberRow(name: string) {
  return screen.getByRole('row', { name: new RegExp(`^${name}`) })
}

describe('admin quotas settings', () => {
  it('is a tab next to Authentication, with the defaults and each account’s use against its limits', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/quotas': () => ok(overview),
      'GET /api/settings/access-code': () => ok({ enabled: false, version: 1 }),
      'GET /api/settings/oauth': () => ok({ github_configured: false, google_configured: false, github_orgs: [], google_domains: [] }),
    })
    const { router } = renderAt('/admin/settings')

    const tabs = await screen.findByRole('navigation', { name: 'Settings' })
    expect(within(tabs).getAllByRole('link').map((link) => link.textContent)).toEqual(['Authentication', 'Quotas', 'Cluster', 'Gopher', 'GPU'])
    await user.click(within(tabs).getByRole('link', { name: 'Quotas' }))
    expect(router.state.location.pathname).toBe('/admin/settings/quotas')

    const form = await screen.findByRole('form', { name: 'Default quota' })
    expect(within(form).getByLabelText<HTMLInputElement>('Max machines').value).toBe('10')
    expect(within(form).getByLabelText<HTMLInputElement>('Max memory (GiB)').value).toBe('32')
    expect(within(form).getByLabelText<HTMLSelectElement>('Approval needed above').value).toBe('')

    expect(memberRow('Ada Lovelace').textContent).toContain('Exempt')
    expect(memberRow('Ada Lovelace').textContent).toContain('4 machines8 vCPU8 GiB120 GB')
    expect(within(memberRow('Ada Lovelace')).queryByRole('button')).toBeNull()
    expect(memberRow('Bob Member').textContent).toContain('2 / 5 machines')
    expect(memberRow('Bob Member').textContent).toContain('2 / 8 vCPU')
    expect(memberRow('Bob Member').textContent).toContain('2 GiB / 12 GiB')
    expect(memberRow('Bob Member').textContent).toContain('50 / 250 GB')
    expect(memberRow('Bob Member').textContent).toContain('custom')
    expect(memberRow('Cleo Builder').textContent).toContain('1 vCPU · no limit')
    expect(memberRow('Cleo Builder').textContent).toContain('defaults')
    expect(within(memberRow('Cleo Builder')).queryByRole('button', { name: /Reset to defaults/ })).toBeNull()
  })

  it('saves the defaults with memory in MiB and empty fields as no limit, and shows field errors', async () => {
    const user = userEvent.setup()
    const fetch = quotasPage({
      'PUT /api/quotas/defaults': [
        () => refusal(400, 'validation_failed', 'max_vms: use a whole number from 0 to 10000, or leave it empty for no limit', { field: 'max_vms' }),
        () => ok({ max_vms: 3, max_memory_mib: 1536, approval_above: 'medium' }),
      ],
    })
    renderAt('/admin/settings/quotas')

    const form = await screen.findByRole('form', { name: 'Default quota' })
    const machines = within(form).getByLabelText<HTMLInputElement>('Max machines')
    await user.clear(machines)
    await user.type(machines, 'lots')
    await user.click(within(form).getByRole('button', { name: 'Save defaults' }))
    expect(within(form).getByRole('alert').textContent).toBe('Use a whole number of machines, or leave it empty for no limit.')
    expect(fetch.calls('PUT /api/quotas/defaults')).toHaveLength(0)

    await user.clear(machines)
    await user.type(machines, '99999')
    await user.clear(within(form).getByLabelText('Max vCPUs'))
    await user.clear(within(form).getByLabelText('Max memory (GiB)'))
    await user.type(within(form).getByLabelText('Max memory (GiB)'), '1.5')
    await user.clear(within(form).getByLabelText('Max disk (GB)'))
    await user.selectOptions(within(form).getByLabelText('Approval needed above'), 'medium')
    await user.click(within(form).getByRole('button', { name: 'Save defaults' }))
    await waitFor(() => {
      expect(machines.getAttribute('aria-invalid')).toBe('true')
    })
    expect(within(form).getByRole('alert').textContent).toContain('max_vms: use a whole number from 0 to 10000')

    await user.clear(machines)
    await user.type(machines, '3')
    await user.click(within(form).getByRole('button', { name: 'Save defaults' }))
    expect(await within(form).findByText('Saved.')).toBeTruthy()
    expect(fetch.calls('PUT /api/quotas/defaults').map((call) => call.body)).toEqual([
      { max_vms: 99999, max_memory_mib: 1536, approval_above: 'medium' },
      { max_vms: 3, max_memory_mib: 1536, approval_above: 'medium' },
    ])
    // Members on the defaults have new limits: the page reads them again.
    await waitFor(() => {
      expect(fetch.calls('GET /api/quotas')).toHaveLength(2)
    })
  })

  it('edits one member’s quota in place and resets another to the defaults', async () => {
    const user = userEvent.setup()
    const fetch = quotasPage({
      'PUT /api/quotas/users/u-cleo': () =>
        ok({ ...cleoRow, quota: { ...cleoRow.quota, custom: true, limits: { max_vms: 1 }, headroom: { vms: 0 } } }),
      'DELETE /api/quotas/users/u-bob': () => ok({ ...bobRow, quota: { ...bobRow.quota, custom: false } }),
    })
    renderAt('/admin/settings/quotas')

    await screen.findByRole('form', { name: 'Default quota' })
    await user.click(within(memberRow('Cleo Builder')).getByRole('button', { name: 'Edit: Cleo Builder' }))
    const form = screen.getByRole('form', { name: 'Quota for Cleo Builder' })
    // A member on the defaults starts from the defaults.
    expect(within(form).getByLabelText<HTMLInputElement>('Max vCPUs').value).toBe('16')
    for (const label of ['Max vCPUs', 'Max memory (GiB)', 'Max disk (GB)']) await user.clear(within(form).getByLabelText(label))
    await user.clear(within(form).getByLabelText('Max machines'))
    await user.type(within(form).getByLabelText('Max machines'), '1')
    await user.click(within(form).getByRole('button', { name: 'Save their quota' }))
    await waitFor(() => {
      expect(screen.queryByRole('form', { name: 'Quota for Cleo Builder' })).toBeNull()
    })
    expect(fetch.calls('PUT /api/quotas/users/u-cleo')[0]?.body).toEqual({ max_vms: 1 })
    expect(memberRow('Cleo Builder').textContent).toContain('1 / 1 machines')
    expect(memberRow('Cleo Builder').textContent).toContain('custom')
    expect(screen.getByText('Saved Cleo Builder’s quota.')).toBeTruthy()

    await user.click(within(memberRow('Bob Member')).getByRole('button', { name: 'Reset to defaults: Bob Member' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Put Bob Member back on the defaults?' })
    await user.click(within(dialog).getByRole('button', { name: 'Reset to defaults' }))
    await waitFor(() => {
      expect(memberRow('Bob Member').textContent).toContain('defaults')
    })
    expect(fetch.calls('DELETE /api/quotas/users/u-bob')).toHaveLength(1)
    expect(screen.getByText('Bob Member is back on the defaults.')).toBeTruthy()
  })
})
