import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, healthOk, member, ok, refusal, renderAt, serveFetch } from '../test/harness'

function primaryNav() {
  return screen.queryByRole('navigation', { name: 'Primary' })
}

describe('route guards', () => {
  it('sends an anonymous visitor to sign in, remembering where they were going', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(null) })
    const { router } = renderAt('/account?tab=tokens')

    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy()
    expect(router.state.location.pathname).toBe('/signin')
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent('/account?tab=tokens')}`)
    expect(primaryNav()).toBeNull()
  })

  it('shows members an "Admins only" page with a way home, and no Admin entry in the nav', async () => {
    const user = userEvent.setup()
    serveFetch({ 'GET /api/auth/status': authStatus(member), 'GET /api/health': () => healthOk() })
    const { router } = renderAt('/admin/users')

    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('Admins only')
    const nav = screen.getByRole('navigation', { name: 'Primary' })
    expect(within(nav).getByRole('link', { name: 'Home' })).toBeTruthy()
    expect(within(nav).queryByRole('link', { name: 'Admin' })).toBeNull()

    await user.click(screen.getByRole('link', { name: 'Back to home' }))
    expect(router.state.location.pathname).toBe('/')
  })

  it('gives admins the Admin entry in the nav', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(admin), 'GET /api/health': () => healthOk() })
    renderAt('/')

    await screen.findByRole('region', { name: 'Portal status' })
    const nav = screen.getByRole('navigation', { name: 'Primary' })
    expect(within(nav).getByRole('link', { name: 'Admin' }).getAttribute('href')).toBe('/admin/fleet')
  })

  it('returns to sign in with a message when the session ends under the user', async () => {
    const expired = () => refusal(401, 'session_expired', 'Your session has expired.')
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/me/sessions': expired,
      'GET /api/tokens': expired,
      'GET /api/me/identities': expired,
    })
    const { router } = renderAt('/account')

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/signin')
    })
    expect(router.state.location.search).toBe('?next=%2Faccount')
    // The router moves first; the page it renders can commit a moment later (a transition).
    expect((await screen.findByText('Your session ended. Sign in again.')).getAttribute('role')).toBe('status')
  })

  it('does not treat a wrong current password (401 invalid_credentials) as a lost session', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/me/sessions': () => ok([]),
      'GET /api/tokens': () => ok([]),
      'GET /api/me/identities': () => ok([]),
      'POST /api/me/password': () =>
        refusal(401, 'invalid_credentials', 'The current password is wrong.', { field: 'current_password' }),
    })
    const { router } = renderAt('/account')

    await user.type(await screen.findByLabelText('Current password'), 'not-it-at-all')
    await user.type(screen.getByLabelText('New password'), 'a-much-better-one')
    await user.type(screen.getByLabelText('Confirm new password'), 'a-much-better-one')
    await user.click(screen.getByRole('button', { name: 'Change password' }))

    expect((await screen.findByRole('alert')).textContent).toBe('The current password is wrong.')
    expect(router.state.location.pathname).toBe('/account')
  })

  it('signs out from the user menu and lands on sign in without a way back', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/health': () => healthOk(),
      'POST /api/auth/logout': () => ok({ sessions_ended: 1 }),
    })
    const { router } = renderAt('/')

    const menuButton = await screen.findByRole('button', { name: 'Ada Lovelace' })
    expect(menuButton.getAttribute('aria-expanded')).toBe('false')
    await user.click(menuButton)
    expect(menuButton.getAttribute('aria-expanded')).toBe('true')
    expect(screen.getByRole('link', { name: 'Account' }).getAttribute('href')).toBe('/account')

    await user.click(screen.getByRole('button', { name: 'Sign out' }))

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/signin')
    })
    expect(router.state.location.search).toBe('')
    const logout = fetch.calls('POST /api/auth/logout')
    expect(logout).toHaveLength(1)
    // Even a write without a body is labelled JSON: the server refuses other writes from browsers.
    expect(logout[0]?.request.headers.get('content-type')).toBe('application/json')
    expect(screen.queryByRole('status')).toBeNull()
  })

  it('closes the user menu on Escape and gives focus back to its button', async () => {
    const user = userEvent.setup()
    serveFetch({ 'GET /api/auth/status': authStatus(member), 'GET /api/health': () => healthOk() })
    renderAt('/')

    const menuButton = await screen.findByRole('button', { name: 'Bob Member' })
    await user.click(menuButton)
    await user.tab()
    expect(document.activeElement?.textContent).toBe('Account')
    await user.keyboard('{Escape}')

    expect(menuButton.getAttribute('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(menuButton)
  })

  it('says so when Nimbus cannot tell who is signed in, and retries on request', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': [() => new TypeError('Failed to fetch'), authStatus(admin)],
      'GET /api/health': () => healthOk(),
    })
    renderAt('/')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not check your session: Failed to fetch')
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))

    expect(await screen.findByRole('region', { name: 'Portal status' })).toBeTruthy()
  })
})
