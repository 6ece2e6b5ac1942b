import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, definition, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'

const sessions = [
  {
    id: 's-here',
    created_at: '2025-03-01T09:00:00Z',
    last_used_at: '2025-03-01T09:30:00Z',
    expires_at: '2025-03-31T09:00:00Z',
    user_agent: FIREFOX,
    ip: '192.168.1.20',
    current: true,
  },
  {
    id: 's-mac',
    created_at: '2025-02-20T09:00:00Z',
    last_used_at: '2025-02-21T09:00:00Z',
    expires_at: '2025-03-22T09:00:00Z',
    user_agent: CHROME_MAC,
    ip: '192.168.1.31',
    current: false,
  },
]

function signedInAccount(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(admin),
    'GET /api/me/sessions': () => ok(sessions),
    'GET /api/tokens': () => ok([]),
    'GET /api/me/identities': () => ok([]),
    ...extra,
  })
}

function section(name: string) {
  return screen.getByRole('region', { name })
}

describe('account page', () => {
  it('shows the profile and saves a new name', async () => {
    const user = userEvent.setup()
    const fetch = signedInAccount({
      'PATCH /api/me': () => ok({ ...admin, name: 'Augusta Ada King' }),
    })
    renderAt('/account')

    const profile = await screen.findByRole('region', { name: 'Profile' })
    expect(definition(profile, 'Email')).toBe('ada@example.com')
    expect(definition(profile, 'Role')).toBe('admin')
    expect(definition(profile, 'Member since')).not.toBe('')
    const save = within(profile).getByRole<HTMLButtonElement>('button', { name: 'Save name' })
    expect(save.disabled).toBe(true)

    const name = within(profile).getByLabelText('Name')
    await user.clear(name)
    await user.type(name, 'Augusta Ada King')
    await user.click(save)

    expect(await within(profile).findByText('Saved.')).toBeTruthy()
    expect(fetch.calls('PATCH /api/me')[0]?.body).toEqual({ name: 'Augusta Ada King' })
    // The top bar follows the new name.
    expect(screen.getByRole('button', { name: 'Augusta Ada King' })).toBeTruthy()
  })

  it('changes the password and says the other sessions were signed out', async () => {
    const user = userEvent.setup()
    const fetch = signedInAccount({
      'GET /api/me/sessions': [() => ok(sessions), () => ok(sessions.slice(0, 1))],
      'POST /api/me/password': () => ok({ sessions_ended: 1, tokens_revoked: 0 }),
    })
    renderAt('/account')

    const panel = await screen.findByRole('region', { name: 'Password' })
    const revoke = within(panel).getByRole('checkbox', { name: 'Also revoke my API tokens' })
    expect((revoke as HTMLInputElement).checked).toBe(true)
    await user.type(within(panel).getByLabelText('Current password'), 'old password here')
    await user.type(within(panel).getByLabelText('New password'), 'new password here')
    await user.type(within(panel).getByLabelText('Confirm new password'), 'new password here')
    await user.click(within(panel).getByRole('button', { name: 'Change password' }))

    expect(
      await within(panel).findByText('Password changed. You stay signed in here; 1 other session was signed out.'),
    ).toBeTruthy()
    expect(fetch.calls('POST /api/me/password')[0]?.body).toEqual({
      current_password: 'old password here',
      new_password: 'new password here',
      revoke_tokens: true,
    })
    expect(within(panel).getByLabelText<HTMLInputElement>('Current password').value).toBe('')
    // The session list is read again: the other session is gone.
    await waitFor(() => {
      expect(within(section('Sessions')).getAllByRole('listitem')).toHaveLength(1)
    })
  })

  it('lets an account made by GitHub or Google sign-in set a first password without a current one', async () => {
    const user = userEvent.setup()
    const fetch = signedInAccount({
      'GET /api/auth/status': authStatus({ ...admin, has_password: false }),
      'POST /api/me/password': () => ok({ sessions_ended: 0, tokens_revoked: 0 }),
    })
    renderAt('/account')

    const panel = await screen.findByRole('region', { name: 'Set a password' })
    expect(within(panel).queryByLabelText('Current password')).toBeNull()
    await user.type(within(panel).getByLabelText('New password'), 'new password here')
    await user.type(within(panel).getByLabelText('Confirm new password'), 'new password here')
    await user.click(within(panel).getByRole('button', { name: 'Set password' }))

    expect(
      await within(panel).findByText(
        'Password set: you can also sign in with your email. You stay signed in here; no other sessions were open.',
      ),
    ).toBeTruthy()
    expect(fetch.calls('POST /api/me/password')[0]?.body).toEqual({
      new_password: 'new password here',
      revoke_tokens: true,
    })
  })

  it('revokes the API tokens with a password change unless the box is unticked', async () => {
    const user = userEvent.setup()
    const fetch = signedInAccount({
      'POST /api/me/password': [
        () => ok({ sessions_ended: 0, tokens_revoked: 2 }),
        () => ok({ sessions_ended: 0, tokens_revoked: 0 }),
      ],
    })
    renderAt('/account')

    const panel = await screen.findByRole('region', { name: 'Password' })
    const change = async () => {
      await user.type(within(panel).getByLabelText('Current password'), 'old password here')
      await user.type(within(panel).getByLabelText('New password'), 'new password here')
      await user.type(within(panel).getByLabelText('Confirm new password'), 'new password here')
      await user.click(within(panel).getByRole('button', { name: 'Change password' }))
    }
    await change()
    expect(
      await within(panel).findByText(
        'Password changed. You stay signed in here; no other sessions were open. 2 API tokens were revoked.',
      ),
    ).toBeTruthy()

    await user.click(within(panel).getByRole('checkbox', { name: 'Also revoke my API tokens' }))
    await change()
    await waitFor(() => {
      expect(fetch.calls('POST /api/me/password')).toHaveLength(2)
    })
    expect(fetch.calls('POST /api/me/password')[1]?.body).toEqual({
      current_password: 'old password here',
      new_password: 'new password here',
      revoke_tokens: false,
    })
  })

  it('shows a too-short new password under its field without calling the server', async () => {
    const user = userEvent.setup()
    const fetch = signedInAccount()
    renderAt('/account')

    const panel = await screen.findByRole('region', { name: 'Password' })
    await user.type(within(panel).getByLabelText('Current password'), 'old password here')
    await user.type(within(panel).getByLabelText('New password'), 'short')
    await user.type(within(panel).getByLabelText('Confirm new password'), 'short')
    await user.click(within(panel).getByRole('button', { name: 'Change password' }))

    expect(within(panel).getByRole('alert').textContent).toBe('Use at least 10 characters (5 so far).')
    expect(document.activeElement).toBe(within(panel).getByLabelText('New password'))
    expect(fetch.calls('POST /api/me/password')).toHaveLength(0)
  })

  it('lists the sessions, marks this one, and signs another out', async () => {
    const user = userEvent.setup()
    const fetch = signedInAccount({
      'DELETE /api/me/sessions/s-mac': () => ok({ id: 's-mac' }),
    })
    renderAt('/account')

    const list = await screen.findByRole('list', { name: 'Sessions' })
    const [here, mac] = within(list).getAllByRole('listitem') as [HTMLElement, HTMLElement]
    expect(here.textContent).toContain('Firefox 128 on Linux')
    expect(here.textContent).toContain('This session')
    expect(here.textContent).toContain('192.168.1.20')
    expect(within(here).queryByRole('button')).toBeNull()
    expect(mac.textContent).toContain('Chrome 126 on macOS')
    expect(mac.textContent).not.toContain('This session')

    await user.click(within(mac).getByRole('button', { name: 'Sign out Chrome 126 on macOS, 192.168.1.31' }))

    await waitFor(() => {
      expect(within(list).getAllByRole('listitem')).toHaveLength(1)
    })
    expect(fetch.calls('DELETE /api/me/sessions/s-mac')).toHaveLength(1)
  })

  it('signs out everywhere only after confirming, then returns to sign in', async () => {
    const user = userEvent.setup()
    const fetch = signedInAccount({
      'POST /api/auth/logout-all': () => ok({ sessions_ended: 2 }),
    })
    const { router } = renderAt('/account')

    const panel = await screen.findByRole('region', { name: 'Sessions' })
    await user.click(within(panel).getByRole('button', { name: 'Sign out everywhere' }))
    const dialog = within(panel).getByRole('alertdialog', { name: 'Sign out everywhere?' })
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(within(panel).queryByRole('alertdialog')).toBeNull()
    expect(fetch.calls('POST /api/auth/logout-all')).toHaveLength(0)

    await user.click(within(panel).getByRole('button', { name: 'Sign out everywhere' }))
    await user.click(within(panel).getByRole('button', { name: 'Sign out everywhere' }))

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/signin')
    })
    expect(router.state.location.search).toBe('')
    // The router moves first; the page it renders can commit a moment later (a transition).
    expect((await screen.findByRole('status')).textContent).toBe('You signed out everywhere. Sign in again to continue.')
    expect(fetch.calls('POST /api/auth/logout-all')).toHaveLength(1)
  })

  it('shows a failed list with a retry', async () => {
    const user = userEvent.setup()
    signedInAccount({
      'GET /api/me/sessions': [
        () => refusal(500, 'internal', 'Something went wrong on our side.'),
        () => ok(sessions),
      ],
    })
    renderAt('/account')

    const panel = await screen.findByRole('region', { name: 'Sessions' })
    const alert = await within(panel).findByRole('alert')
    expect(alert.textContent).toContain('Could not load your sessions: Something went wrong on our side.')
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await within(panel).findByRole('list', { name: 'Sessions' })).toBeTruthy()
  })
})
