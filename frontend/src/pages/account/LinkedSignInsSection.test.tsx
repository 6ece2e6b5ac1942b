import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { authStatus, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const github = { provider: 'github', login: 'bobm', email: 'bob@users.noreply.github.com', linked_at: '2025-03-01T09:00:00Z' }
const google = { provider: 'google', login: 'bob@example.com', email: 'bob@example.com', linked_at: '2025-03-02T09:00:00Z' }

function account(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(member),
    'GET /api/me/sessions': () => ok([]),
    'GET /api/tokens': () => ok([]),
    'GET /api/auth/providers': () => ok({ github: true, google: true }),
    'GET /api/me/identities': () => ok([github]),
    ...extra,
  })
}

async function panel() {
  const region = await screen.findByRole('region', { name: 'Linked sign-ins' })
  await within(region).findByRole('list', { name: 'Linked sign-ins' })
  return region
}

describe('linked sign-ins on the account page', () => {
  it('lists linked identities and offers to link the configured providers not linked yet', async () => {
    account()
    renderAt('/account')

    const region = await panel()
    const [row] = within(region).getAllByRole('listitem') as [HTMLElement]
    expect(row.textContent).toContain('GitHub')
    expect(row.textContent).toContain('bobm')
    expect(row.textContent).toContain('bob@users.noreply.github.com')
    expect(row.querySelector('time')?.getAttribute('dateTime')).toBe('2025-03-01T09:00:00Z')
    expect(within(region).queryByRole('link', { name: 'Link GitHub' })).toBeNull()
    const link = await within(region).findByRole('link', { name: 'Link Google' })
    expect(link.getAttribute('href')).toBe('/api/auth/google?link=true')
  })

  it('offers only the providers an admin set up', async () => {
    account({
      'GET /api/auth/providers': () => ok({ github: true, google: false }),
      'GET /api/me/identities': () => ok([]),
    })
    renderAt('/account')

    const region = await screen.findByRole('region', { name: 'Linked sign-ins' })
    expect((await within(region).findByRole('link', { name: 'Link GitHub' })).getAttribute('href')).toBe(
      '/api/auth/github?link=true',
    )
    expect(within(region).queryByRole('link', { name: 'Link Google' })).toBeNull()
    expect(region.textContent).toContain('None yet.')
  })

  it('says when no provider is set up at all', async () => {
    account({ 'GET /api/auth/providers': () => ok({ github: false, google: false }), 'GET /api/me/identities': () => ok([]) })
    renderAt('/account')

    const region = await screen.findByRole('region', { name: 'Linked sign-ins' })
    expect(await within(region).findByText('None. GitHub and Google sign-in are not set up on this Nimbus.')).toBeTruthy()
    expect(within(region).queryByRole('link')).toBeNull()
  })

  it('unlinks only after confirming', async () => {
    const user = userEvent.setup()
    const fetch = account({
      'GET /api/me/identities': () => ok([github, google]),
      'DELETE /api/me/identities/github': () => ok({ id: 'github' }),
    })
    renderAt('/account')

    const region = await panel()
    await user.click(within(region).getByRole('button', { name: 'Unlink GitHub' }))
    const dialog = within(region).getByRole('alertdialog', { name: 'Unlink GitHub?' })
    expect(dialog.textContent).toContain('You can no longer sign in with the GitHub account bobm.')
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(fetch.calls('DELETE /api/me/identities/github')).toHaveLength(0)

    await user.click(within(region).getByRole('button', { name: 'Unlink GitHub' }))
    await user.click(within(within(region).getByRole('alertdialog')).getByRole('button', { name: 'Unlink' }))

    await waitFor(() => {
      expect(within(region).queryByRole('button', { name: 'Unlink GitHub' })).toBeNull()
    })
    expect(fetch.calls('DELETE /api/me/identities/github')).toHaveLength(1)
    expect(within(region).getByText('GitHub unlinked.')).toBeTruthy()
    // Configured and no longer linked: it can be linked again.
    expect(within(region).getByRole('link', { name: 'Link GitHub' })).toBeTruthy()
  })

  it('explains why the last way to sign in cannot be unlinked', async () => {
    const user = userEvent.setup()
    account({
      'DELETE /api/me/identities/github': () =>
        refusal(409, 'last_sign_in_method', 'This is the last way to sign in to this account.'),
    })
    renderAt('/account')

    const region = await panel()
    await user.click(within(region).getByRole('button', { name: 'Unlink GitHub' }))
    await user.click(within(within(region).getByRole('alertdialog')).getByRole('button', { name: 'Unlink' }))

    const alert = await within(region).findByRole('alert')
    expect(alert.textContent).toContain(
      'Could not unlink: GitHub is the only way you have to sign in: this account has no password and no other linked sign-in. Link the other provider first, then unlink GitHub.',
    )
    expect(alert.textContent).toContain('last_sign_in_method')
    expect(within(region).getByRole('button', { name: 'Unlink GitHub' })).toBeTruthy()
  })
})
