import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, type LoggedCall, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { auditActions } from './auditActions'

const signIn = {
  id: 12,
  at: '2025-03-01T09:00:00Z',
  action: 'auth.sign_in',
  actor_id: member.id,
  actor_email: member.email,
  ip: '192.168.1.31',
  detail: 'password',
}
const roleChanged = {
  id: 11,
  at: '2025-03-01T08:00:00Z',
  action: 'account.role_changed',
  actor_id: admin.id,
  actor_email: admin.email,
  target: `user:${member.id}`,
  target_label: 'Bob Member',
  ip: '192.168.1.20',
  detail: 'member → admin',
}
const refused = {
  id: 10,
  at: '2025-02-28T22:00:00Z',
  action: 'auth.sign_in_failed',
  actor_email: 'mallory@example.com',
  ip: '10.0.0.9',
  detail: 'unknown email',
}

/** The query a GET /api/audit call asked with, without the page size. */
function query(call: LoggedCall | undefined): Record<string, string> {
  const params = new URL(call?.request.url ?? 'http://x/').searchParams
  expect(params.get('limit')).toBe('50')
  params.delete('limit')
  return Object.fromEntries(params)
}

function auditLog(answer: (call: LoggedCall) => Response) {
  return serveFetch({ 'GET /api/auth/status': authStatus(admin), 'GET /api/audit': answer })
}

async function table() {
  return screen.findByRole('table', { name: 'Audit log, newest first' })
}

describe('admin audit log page', () => {
  it('lists entries newest first: time, readable action and its code, actor, target, detail and address', async () => {
    const fetch = auditLog(() => ok({ entries: [signIn, roleChanged, refused] }))
    renderAt('/admin/audit')

    const rows = within(await table()).getAllByRole('row').slice(1)
    expect(rows).toHaveLength(3)
    const [first, second, third] = rows as [HTMLElement, HTMLElement, HTMLElement]
    expect(within(first).getByRole('rowheader').textContent).toBe('Signed inauth.sign_in')
    expect(first.textContent).toContain('bob@example.com')
    expect(first.textContent).toContain('192.168.1.31')
    expect(first.querySelector('time')?.getAttribute('dateTime')).toBe('2025-03-01T09:00:00Z')
    expect(within(second).getByRole('rowheader').textContent).toBe('Role changedaccount.role_changed')
    expect(second.textContent).toContain('Bob Member')
    expect(second.textContent).toContain('member → admin')
    expect(within(second).getByText('Bob Member').getAttribute('title')).toBe('user:u-bob')
    // A refused sign-in names the email that was tried; there is no account to filter by.
    expect(third.textContent).toContain('Sign-in refused')
    expect(third.textContent).toContain('mallory@example.com')
    expect(within(third).queryByRole('button')).toBeNull()

    expect(query(fetch.calls('GET /api/audit')[0])).toEqual({})
    expect(screen.getByText('3 entries, nothing older.')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Load older' })).toBeNull()
  })

  it('offers every action of the API in the filter and filters by action and by text', async () => {
    const user = userEvent.setup()
    const fetch = auditLog((call) => {
      const params = new URL(call.request.url).searchParams
      return ok({ entries: params.get('action') === 'auth.sign_in' ? [signIn] : [signIn, roleChanged, refused] })
    })
    const { router } = renderAt('/admin/audit')
    await table()

    const select = screen.getByLabelText<HTMLSelectElement>('Action')
    const options = Array.from(select.options).map((option) => option.value)
    // "All actions" and then every action the API defines.
    expect(options).toHaveLength(auditActions.length + 1)
    expect(options.slice(0, 3)).toEqual(['', 'auth.sign_in', 'auth.sign_in_failed'])
    expect(options).toContain('access_code.failed')
    expect(options).toContain('identity.unlinked')
    expect(within(select).getByRole('option', { name: 'Role changed (account.role_changed)' })).toBeTruthy()

    await user.selectOptions(select, 'auth.sign_in')
    await waitFor(() => {
      expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(2)
    })
    expect(query(fetch.calls('GET /api/audit')[1])).toEqual({ action: 'auth.sign_in' })
    expect(router.state.location.search).toBe('?action=auth.sign_in')

    const search = screen.getByRole('search', { name: 'Search the audit log' })
    await user.type(within(search).getByLabelText('Search'), ' bob ')
    await user.click(within(search).getByRole('button', { name: 'Search' }))
    await waitFor(() => {
      expect(fetch.calls('GET /api/audit')).toHaveLength(3)
    })
    expect(query(fetch.calls('GET /api/audit')[2])).toEqual({ action: 'auth.sign_in', q: 'bob' })
    expect(router.state.location.search).toBe('?action=auth.sign_in&q=bob')
  })

  it('shows only what one person did after clicking their email, and everyone again on request', async () => {
    const user = userEvent.setup()
    const fetch = auditLog((call) => {
      const actor = new URL(call.request.url).searchParams.get('actor')
      return ok({ entries: actor === admin.id ? [roleChanged] : [signIn, roleChanged, refused] })
    })
    renderAt('/admin/audit')

    await user.click(within(await table()).getByRole('button', { name: 'ada@example.com' }))

    await waitFor(() => {
      expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(2)
    })
    expect(query(fetch.calls('GET /api/audit')[1])).toEqual({ actor: 'u-ada' })
    const showEveryone = screen.getByRole('button', { name: 'Show everyone' })
    expect(showEveryone.parentElement?.textContent).toBe('Only what ada@example.com didShow everyone')

    await user.click(showEveryone)
    await waitFor(() => {
      expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(4)
    })
    expect(query(fetch.calls('GET /api/audit')[2])).toEqual({})
  })

  it('loads older entries with the cursor until there are none', async () => {
    const user = userEvent.setup()
    const fetch = auditLog((call) =>
      new URL(call.request.url).searchParams.get('before') === '11'
        ? ok({ entries: [refused] })
        : ok({ entries: [signIn, roleChanged], next_before: 11 }),
    )
    renderAt('/admin/audit')

    await table()
    expect(screen.getByText('2 entries so far.')).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Load older' }))

    await waitFor(() => {
      expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(4)
    })
    expect(query(fetch.calls('GET /api/audit')[1])).toEqual({ before: '11' })
    expect(screen.getByText('3 entries, nothing older.')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Load older' })).toBeNull()
  })

  it('says when nothing is recorded, and when nothing matches the filters', async () => {
    auditLog(() => ok({ entries: [] }))
    const { unmount } = renderAt('/admin/audit')
    expect(await screen.findByText('Nothing recorded yet.')).toBeTruthy()
    unmount()

    renderAt('/admin/audit?action=token.revoked&q=ci')
    expect(await screen.findByText('Nothing recorded matches these filters.')).toBeTruthy()
    expect(screen.getByLabelText<HTMLSelectElement>('Action').value).toBe('token.revoked')
    expect(screen.getByLabelText<HTMLInputElement>('Search').value).toBe('ci')
  })

  it('shows a failed load with a retry', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/audit': [() => refusal(500, 'internal', 'Something went wrong on our side.'), () => ok({ entries: [signIn] })],
    })
    renderAt('/admin/audit')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not load the audit log: Something went wrong on our side.')
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(within(await table()).getAllByRole('row')).toHaveLength(2)
  })

  it('sits in the admin pages next to Users and Settings', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/audit': () => ok({ entries: [] }),
      'GET /api/users': () => ok([]),
    })
    const { router } = renderAt('/admin/users')

    const adminNav = await screen.findByRole('navigation', { name: 'Admin' })
    expect(within(adminNav).getAllByRole('link').map((link) => link.textContent)).toEqual([
      'Fleet',
      'Nodes',
      'IP pool',
      'Tunnels',
      'Templates',
      'Users',
      'Audit log',
      'System',
      'Settings',
    ])
    await user.click(within(adminNav).getByRole('link', { name: 'Audit log' }))

    expect(await screen.findByText('Nothing recorded yet.')).toBeTruthy()
    expect(router.state.location.pathname).toBe('/admin/audit')
    const current = within(screen.getByRole('navigation', { name: 'Admin' })).getByRole('link', { name: 'Audit log' })
    expect(current.getAttribute('aria-current')).toBe('page')
  })
})
