import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { User } from '../../api/types'
import { admin, authStatus, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import {
  buildingVm,
  catalog,
  laptopKey,
  memberQuota,
  ndjsonAnswer,
  pendingVm,
  stubEventSource,
  unlimitedQuota,
} from '../../test/vms'

function radio(name: string) {
  return screen.getByRole<HTMLInputElement>('radio', { name })
}

function describedBy(element: HTMLElement): string {
  return document.getElementById(element.getAttribute('aria-describedby') ?? '')?.textContent ?? ''
}

const unproven = { email_verified: false, email_conflict: false }
const users: User[] = [
  { ...unproven, id: admin.id, email: admin.email, name: admin.name, role: 'admin', status: 'active', created_at: admin.created_at },
  { ...unproven, id: member.id, email: member.email, name: member.name, role: 'member', status: 'active', created_at: member.created_at },
  { ...unproven, id: 'u-cleo', email: 'cleo@example.com', name: 'Cleo Gone', role: 'member', status: 'disabled', created_at: member.created_at },
]

afterEach(() => {
  vi.useRealTimers()
})

describe('provision page: quota and approval', () => {
  it('says how much room the quota leaves and disables the sizes that do not fit', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/keys': () => ok([laptopKey]),
      'GET /api/quota': () => ok(memberQuota),
    })
    renderAt('/provision')

    const form = await screen.findByRole('form', { name: 'New machine' })
    expect(form.querySelector('[data-field="quota"]')?.textContent).toBe(
      'Your quota: Room for 3 more machines · 6 vCPU · 10 GiB · 200 GB.',
    )
    // XL needs 8 vCPU; 6 are left.
    expect(radio('XL').disabled).toBe(true)
    expect(describedBy(radio('XL'))).toContain('Over your quota')
    expect(radio('Large').disabled).toBe(false)
    expect(radio('Small').checked).toBe(true)
  })

  it('asks why for a size that needs approval, sends the request and shows it waiting', async () => {
    const user = userEvent.setup()
    const answer = ndjsonAnswer()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/keys': () => ok([laptopKey]),
      'POST /api/vms': () => answer.response(),
      'GET /api/vms/vm-9': () => ok(pendingVm()),
    })
    const { router } = renderAt('/provision')

    await screen.findByRole('form', { name: 'New machine' })
    expect(screen.queryByLabelText('Why do you need it?')).toBeNull()
    await user.type(screen.getByLabelText('Hostname'), 'llm-box')
    await user.click(radio('XL'))
    await user.type(screen.getByLabelText('Why do you need it?'), 'Fine-tuning a model for the hackathon, needs 8 GB of RAM.')
    // Waiting for approval keeps a generated key: the box is ticked and locked.
    await user.click(radio('Generate a new Ed25519 key'))
    const keep = screen.getByRole<HTMLInputElement>('checkbox', { name: 'Keep an encrypted copy so I can download it again' })
    expect(keep.checked).toBe(true)
    expect(keep.disabled).toBe(true)
    expect(screen.queryByRole('button', { name: /Provision machine/ })).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Request approval' }))

    await waitFor(() => {
      expect(fetch.calls('POST /api/vms')).toHaveLength(1)
    })
    expect(fetch.calls('POST /api/vms')[0]?.body).toEqual({
      hostname: 'llm-box',
      tier: 'xl',
      os_template: 'ubuntu-24.04',
      generate_key: true,
      keep_private_key: true,
      reason: 'Fine-tuning a model for the hackathon, needs 8 GB of RAM.',
    })
    // Accepted alone says nothing yet: the next line tells whether it waits.
    answer.send({ type: 'accepted', id: 'vm-9' })
    await act(() => Promise.resolve())
    expect(router.state.location.pathname).toBe('/provision')
    answer.send({ type: 'pending_approval', data: pendingVm() })
    answer.end()
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/machines/vm-9')
    })
    expect(await screen.findByText('Waiting for an admin’s approval')).toBeTruthy()
    expect(screen.getByText('Fine-tuning a model for the hackathon, needs 8 GB of RAM.')).toBeTruthy()
  })

  it('shows a quota refusal next to the submit button', async () => {
    const user = userEvent.setup()
    const message =
      'The quota allows 1 machine and 1 is in use. Delete a machine you no longer need, choose a smaller tier, or ask an admin to raise your quota.'
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/keys': () => ok([laptopKey]),
      'POST /api/vms': () => refusal(403, 'quota_exceeded', message),
    })
    renderAt('/provision')

    await screen.findByRole('form', { name: 'New machine' })
    await user.type(screen.getByLabelText('Hostname'), 'web-2')
    await user.click(screen.getByRole('button', { name: 'Provision machine' }))

    const summary = screen.getByRole('region', { name: 'Summary' })
    const alert = await within(summary).findByRole('alert')
    expect(alert.textContent).toContain(`Over the quota: ${message}`)
    await waitFor(() => {
      expect(document.activeElement).toBe(alert)
    })
    // Said once, by the button; not again under the fields.
    expect(screen.getAllByRole('alert')).toHaveLength(1)
  })

  it('lets an admin provision for someone else, with their default key and no approval', async () => {
    const user = userEvent.setup()
    stubEventSource()
    const answer = ndjsonAnswer()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      // Nimbus asks no approval of admins.
      'GET /api/catalog': () => ok({ ...catalog, tiers: catalog.tiers.map((tier) => ({ ...tier, needs_approval: false })) }),
      'GET /api/keys': () => ok([laptopKey]),
      'GET /api/quota': () => ok({ ...unlimitedQuota, exempt: true, limits: undefined }),
      'GET /api/users': () => ok(users),
      'GET /api/quotas': () =>
        ok({
          defaults: memberQuota.limits,
          members: [{ user_id: member.id, name: member.name, email: member.email, role: 'member', quota: memberQuota }],
        }),
      'POST /api/vms': () => answer.response(),
      'GET /api/vms/vm-1': () => ok(buildingVm()),
    })
    const { router } = renderAt('/provision')

    const form = await screen.findByRole('form', { name: 'New machine' })
    expect(form.querySelector('[data-field="quota"]')?.textContent).toBe('Your quota: No limits.')
    const owner = screen.getByLabelText<HTMLSelectElement>('Provision for')
    expect(owner.value).toBe(admin.id)
    // Disabled accounts cannot get a machine.
    expect(Array.from(owner.options).map((option) => option.textContent)).toEqual([
      'Myself (Ada Lovelace)',
      'Bob Member · bob@example.com',
    ])
    expect(radio('XL').closest('label')?.textContent).not.toContain('Approval')

    await user.selectOptions(owner, member.id)
    expect(form.querySelector('[data-field="quota"]')?.textContent).toBe(
      'Bob Member’s quota: Room for 3 more machines · 6 vCPU · 10 GiB · 200 GB.',
    )
    expect(describedBy(radio('XL'))).toContain('Over their quota')
    expect(radio('Their default key').checked).toBe(true)
    expect(screen.queryByRole('radio', { name: 'Use a saved key' })).toBeNull()
    expect(radio('Generate a key (kept for them to download)')).toBeTruthy()
    await user.type(screen.getByLabelText('Hostname'), 'web-9')
    await user.click(radio('Medium'))
    await user.click(screen.getByRole('button', { name: 'Provision machine' }))

    await waitFor(() => {
      expect(fetch.calls('POST /api/vms')).toHaveLength(1)
    })
    expect(fetch.calls('POST /api/vms')[0]?.body).toEqual({
      hostname: 'web-9',
      tier: 'medium',
      os_template: 'ubuntu-24.04',
      owner_id: member.id,
    })
    answer.send({ type: 'accepted', id: 'vm-1' })
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/machines/vm-1/progress')
    })
  })

  it('starts on the account named in ?for=, and a generated key is kept for them', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/keys': () => ok([]),
      'GET /api/users': () => ok(users),
      'GET /api/quotas': () => refusal(500, 'internal', 'Something went wrong on our side.'),
      'POST /api/vms': () => refusal(409, 'hostname_taken', 'Taken.', { field: 'hostname' }),
    })
    renderAt(`/provision?for=${member.id}`)

    await screen.findByRole('form', { name: 'New machine' })
    expect(screen.getByLabelText<HTMLSelectElement>('Provision for').value).toBe(member.id)
    await user.type(screen.getByLabelText('Hostname'), 'web-9')
    await user.click(radio('Generate a key (kept for them to download)'))
    const summary = screen.getByRole('region', { name: 'Summary' })
    expect(within(summary).getByText('Bob Member')).toBeTruthy()
    expect(within(summary).getByText('new key, kept for them')).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Provision machine' }))
    await waitFor(() => {
      expect(fetch.calls('POST /api/vms')).toHaveLength(1)
    })
    expect(fetch.calls('POST /api/vms')[0]?.body).toMatchObject({
      generate_key: true,
      keep_private_key: true,
      owner_id: member.id,
    })
  })
})

describe('provision catalog fixture', () => {
  it('has xl as the one size that needs approval', () => {
    expect(catalog.tiers.filter((tier) => tier.needs_approval).map((tier) => tier.name)).toEqual(['xl'])
  })
})
