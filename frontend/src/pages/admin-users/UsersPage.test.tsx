import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const adaRow = {
  id: admin.id,
  email: admin.email,
  name: admin.name,
  role: 'admin',
  status: 'active',
  created_at: admin.created_at,
  last_seen_at: '2025-03-01T09:00:00Z',
  email_verified: false,
  email_conflict: false,
}
const bobRow = {
  id: member.id,
  email: member.email,
  name: member.name,
  role: 'member',
  status: 'active',
  created_at: member.created_at,
  email_verified: false,
  email_conflict: false,
}

function usersPage(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(admin),
    'GET /api/users': () => ok([adaRow, bobRow]),
    ...extra,
  })
}

async function row(name: RegExp) {
  return within(await screen.findByRole('table')).findByRole('row', { name })
}

describe('admin users page', () => {
  it('lists every user and marks the signed-in admin as "you"', async () => {
    usersPage()
    renderAt('/admin/users')

    const ada = await row(/Ada Lovelace/)
    expect(within(ada).getByText('you')).toBeTruthy()
    expect(ada.textContent).toContain('ada@example.com')
    expect(ada.textContent).toContain('admin')
    expect(ada.textContent).toContain('active')
    const bob = await row(/Bob Member/)
    expect(within(bob).queryByText('you')).toBeNull()
    expect(bob.textContent).toContain('never')
    expect(screen.getByText('2 accounts, oldest first.')).toBeTruthy()
  })

  it('promotes a member to admin after confirming', async () => {
    const user = userEvent.setup()
    const fetch = usersPage({
      'PATCH /api/users/u-bob': () => ok({ ...bobRow, role: 'admin' }),
    })
    renderAt('/admin/users')

    await user.click(within(await row(/Bob Member/)).getByRole('button', { name: 'Make admin: Bob Member' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Make Bob Member an admin?' })
    expect(fetch.calls('PATCH /api/users/u-bob')).toHaveLength(0)
    await user.click(within(dialog).getByRole('button', { name: 'Make admin' }))

    await waitFor(async () => {
      expect((await row(/Bob Member/)).textContent).toContain('Make member')
    })
    expect(fetch.calls('PATCH /api/users/u-bob')[0]?.body).toEqual({ role: 'admin' })
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('shows the last-admin refusal clearly and leaves the row as it was', async () => {
    const user = userEvent.setup()
    usersPage({
      'PATCH /api/users/u-ada': () =>
        refusal(409, 'last_admin', 'Nimbus needs at least one active admin. Promote someone else first.'),
    })
    renderAt('/admin/users')

    await user.click(within(await row(/Ada Lovelace/)).getByRole('button', { name: 'Make member: Ada Lovelace' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Make yourself a member?' })
    expect(dialog.textContent).toContain('You lose access to the admin pages')
    await user.click(within(dialog).getByRole('button', { name: 'Make member' }))

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain(
      'Could not change Ada Lovelace: Nimbus needs at least one active admin. Promote someone else first.',
    )
    expect(alert.textContent).toContain('last_admin')
    expect(document.activeElement).toBe(alert)
    expect((await row(/Ada Lovelace/)).textContent).toContain('Make member')
  })

  it('disables a user after confirming, and cancelling changes nothing', async () => {
    const user = userEvent.setup()
    const fetch = usersPage({
      'PATCH /api/users/u-bob': () => ok({ ...bobRow, status: 'disabled' }),
    })
    renderAt('/admin/users')

    const disable = within(await row(/Bob Member/)).getByRole('button', { name: 'Disable: Bob Member' })
    await user.click(disable)
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(fetch.calls('PATCH /api/users/u-bob')).toHaveLength(0)

    await user.click(disable)
    await user.click(
      within(screen.getByRole('alertdialog', { name: 'Disable Bob Member?' })).getByRole('button', {
        name: 'Disable',
      }),
    )

    expect(await within(await row(/Bob Member/)).findByRole('button', { name: 'Enable: Bob Member' })).toBeTruthy()
    expect(fetch.calls('PATCH /api/users/u-bob')[0]?.body).toEqual({ status: 'disabled' })
  })

  it('flags a conflicting address and releases it after confirming', async () => {
    const user = userEvent.setup()
    const released = { ...bobRow, email: 'released-u-bob@nimbus.invalid' }
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/users': () => ok([adaRow, { ...bobRow, email_conflict: true }]),
      'POST /api/users/u-bob/release-email': () => ok(released),
    })
    renderAt('/admin/users')

    const bob = await row(/Bob Member/)
    expect(within(bob).getByText('conflict')).toBeTruthy()
    expect(within(await row(/Ada Lovelace/)).queryByRole('button', { name: /Release email/ })).toBeNull()
    await user.click(within(bob).getByRole('button', { name: 'Release email: Bob Member' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Release bob@example.com from Bob Member?' })
    expect(dialog.textContent).toContain('signed out everywhere')
    expect(fetch.calls('POST /api/users/u-bob/release-email')).toHaveLength(0)
    await user.click(within(dialog).getByRole('button', { name: 'Release email' }))

    await waitFor(async () => {
      expect((await row(/Bob Member/)).textContent).toContain('released-u-bob@nimbus.invalid')
    })
    const after = await row(/Bob Member/)
    expect(within(after).queryByText('conflict')).toBeNull()
    expect(within(after).queryByRole('button', { name: /Release email/ })).toBeNull()
    expect(fetch.calls('POST /api/users/u-bob/release-email')).toHaveLength(1)
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('offers no release for an address a provider proved', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/users': () => ok([adaRow, { ...bobRow, email_verified: true }]),
    })
    renderAt('/admin/users')

    const bob = await row(/Bob Member/)
    expect(within(bob).getByRole('button', { name: 'Disable: Bob Member' })).toBeTruthy()
    expect(within(bob).queryByRole('button', { name: /Release email/ })).toBeNull()
  })

  it('re-reads who is signed in after an admin demotes themself', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': [authStatus(admin), authStatus({ ...admin, role: 'member' })],
      'GET /api/users': () => ok([adaRow, { ...bobRow, role: 'admin' }]),
      'PATCH /api/users/u-ada': () => ok({ ...adaRow, role: 'member' }),
    })
    renderAt('/admin/users')

    await user.click(within(await row(/Ada Lovelace/)).getByRole('button', { name: 'Make member: Ada Lovelace' }))
    await user.click(screen.getByRole('button', { name: 'Make member' }))

    expect((await screen.findByRole('heading', { level: 1, name: 'Admins only' })).textContent).toBe('Admins only')
  })
})
