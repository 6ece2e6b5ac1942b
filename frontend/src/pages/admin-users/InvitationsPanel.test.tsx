import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, ok, renderAt, serveFetch } from '../../test/harness'

const pending = {
  id: 'inv-1',
  role: 'member',
  email: 'grace@example.com',
  state: 'pending',
  created_by: admin.id,
  created_at: '2030-01-01T12:00:00Z',
  expires_at: '2030-01-08T12:00:00Z',
}
const used = { ...pending, id: 'inv-2', email: undefined, state: 'used', used_at: '2030-01-02T12:00:00Z', used_by: 'u-x' }

function page(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(admin),
    'GET /api/users': () => ok([]),
    'GET /api/users/invitations': () => ok([pending, used]),
    ...extra,
  })
}

describe('invitations on the users page', () => {
  it('lists invitations with their state and offers Revoke only for a pending one, after confirming', async () => {
    const user = userEvent.setup()
    const fetch = page({ 'POST /api/users/invitations/inv-1/revoke': () => ok({ ...pending, state: 'revoked' }) })
    renderAt('/admin/users')

    const list = await screen.findByRole('list', { name: 'Invitations' })
    const items = within(list).getAllByRole('listitem')
    expect(items[0]?.textContent).toContain('pending')
    expect(items[1]?.textContent).toContain('used')
    const second = items[1]
    if (!second) throw new Error('two invitations listed')
    expect(within(second).queryByRole('button', { name: /Revoke/ })).toBeNull()

    await user.click(within(list).getByRole('button', { name: 'Revoke the invitation for grace@example.com' }))
    expect(fetch.calls('POST /api/users/invitations/inv-1/revoke')).toHaveLength(0)
    await user.click(screen.getByRole('button', { name: 'Revoke' }))

    await waitFor(() => {
      expect(within(list).getAllByRole('listitem')[0]?.textContent).toContain('revoked')
    })
    expect(fetch.calls('POST /api/users/invitations/inv-1/revoke')).toHaveLength(1)
  })

  it('invites with a role, an address and an expiry, and shows the link once with Copy', async () => {
    const user = userEvent.setup()
    const link = 'http://nimbus.test/signup?invite=tok-abc'
    const fetch = page({
      'GET /api/users/invitations': () => ok([]),
      'POST /api/users/invitations': () =>
        ok({ invitation: { ...pending, role: 'admin' }, token: 'tok-abc', link }, 201),
    })
    renderAt('/admin/users')

    await user.click(await screen.findByRole('button', { name: 'Invite' }))
    const dialog = await screen.findByRole('dialog', { name: 'Invite someone' })
    await user.selectOptions(within(dialog).getByLabelText('Role'), 'admin')
    await user.type(within(dialog).getByLabelText('Email (optional)'), 'grace@example.com')
    await user.selectOptions(within(dialog).getByLabelText('Expires after'), '30')
    await user.click(within(dialog).getByRole('button', { name: 'Make invitation link' }))

    const shown = await screen.findByRole('dialog', { name: 'Invitation link' })
    expect(within(shown).getByLabelText<HTMLInputElement>('Link').value).toBe(link)
    expect(within(shown).getByText(/Shown once/)).toBeTruthy()
    expect(within(shown).getByRole('button', { name: 'Copy the invitation link' })).toBeTruthy()
    expect(fetch.calls('POST /api/users/invitations')[0]?.body).toEqual({
      role: 'admin',
      email: 'grace@example.com',
      expires_in_days: 30,
    })
    await user.click(within(shown).getByRole('button', { name: 'Done' }))
    expect(within(await screen.findByRole('list', { name: 'Invitations' })).getByText('pending')).toBeTruthy()
  })
})
