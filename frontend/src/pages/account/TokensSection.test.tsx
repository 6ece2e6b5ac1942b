import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const SECRET = 'nimbus_AbC1defGhijKlmnOpqrStuvWxyz0123456789abcdEFG'

const ciToken = {
  id: 't-ci',
  name: 'ci runner',
  prefix: 'nimbus_Zz9y',
  scope: 'read_write',
  created_at: '2025-01-10T08:00:00Z',
  expires_at: '2025-02-09T08:00:00Z',
  last_used_at: '2025-02-01T08:00:00Z',
  expired: true,
}

const laptopToken = {
  id: 't-laptop',
  name: 'laptop scripts',
  prefix: 'nimbus_AbC1',
  scope: 'read_only',
  created_at: '2025-03-01T08:00:00Z',
  expires_at: '2025-05-30T08:00:00Z',
  expired: false,
}

function tokensPanel() {
  return screen.getByRole('region', { name: 'API tokens' })
}

function account(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(admin),
    'GET /api/me/sessions': () => ok([]),
    'GET /api/tokens': () => ok([ciToken]),
    'GET /api/me/identities': () => ok([]),
    ...extra,
  })
}

describe('API tokens on the account page', () => {
  it('lists tokens with their prefix, scope and an expired badge', async () => {
    account()
    renderAt('/account')

    const table = await within(await screen.findByRole('region', { name: 'API tokens' })).findByRole('table')
    const row = within(table).getByRole('row', { name: /ci runner/ })
    expect(row.textContent).toContain('expired')
    expect(row.textContent).toContain('nimbus_Zz9y…')
    expect(row.textContent).toContain('read-write')
  })

  it('creates a token and shows its secret once, with a copy button and a curl example', async () => {
    const user = userEvent.setup()
    const fetch = account({
      'POST /api/tokens': () => ok({ token: laptopToken, secret: SECRET }, 201),
    })
    renderAt('/account')

    const form = await screen.findByRole('form', { name: 'New API token' })
    await user.type(within(form).getByLabelText('Name'), 'laptop scripts')
    await user.click(within(form).getByRole('radio', { name: /Read only/ }))
    await user.selectOptions(within(form).getByLabelText('Expires after'), '90 days')
    await user.click(within(form).getByRole('button', { name: 'Create token' }))

    const box = await screen.findByRole('region', { name: 'Token “laptop scripts” created' })
    const secret = within(box).getByLabelText<HTMLInputElement>('Secret')
    expect(secret.value).toBe(SECRET)
    expect(secret.readOnly).toBe(true)
    expect(document.activeElement).toBe(secret)
    expect(box.textContent).toContain('Copy it now: Nimbus stores only a hash and cannot show it again.')
    expect(box.textContent).toContain(
      `curl -H "Authorization: Bearer ${SECRET}" http://localhost:3000/api/me`,
    )
    expect(fetch.calls('POST /api/tokens')[0]?.body).toEqual({
      name: 'laptop scripts',
      scope: 'read_only',
      expires_in_days: 90,
    })
    // The list shows it at once, newest first, by its prefix only.
    const rows = within(within(tokensPanel()).getByRole('table')).getAllByRole('row')
    expect(rows[1]?.textContent).toContain('laptop scripts')
    expect(rows[1]?.textContent).toContain('nimbus_AbC1…')
    expect(rows[1]?.textContent).toContain('read-only')
    expect(within(form).getByLabelText<HTMLInputElement>('Name').value).toBe('')

    await user.click(within(box).getByRole('button', { name: 'Copy' }))
    expect(await navigator.clipboard.readText()).toBe(SECRET)
    expect(within(box).getByRole('button', { name: 'Copied' })).toBeTruthy()

    await user.click(within(box).getByRole('button', { name: 'I have copied it' }))
    expect(screen.queryByRole('region', { name: 'Token “laptop scripts” created' })).toBeNull()
    expect(document.body.innerHTML).not.toContain(SECRET)
  })

  it('shows a taken name under the name field', async () => {
    const user = userEvent.setup()
    account({
      'POST /api/tokens': () =>
        refusal(409, 'token_name_taken', 'You already have a token with this name.', { field: 'name' }),
    })
    renderAt('/account')

    const form = await screen.findByRole('form', { name: 'New API token' })
    await user.type(within(form).getByLabelText('Name'), 'ci runner')
    await user.click(within(form).getByRole('button', { name: 'Create token' }))

    const name = within(form).getByLabelText('Name')
    await waitFor(() => {
      expect(name.getAttribute('aria-invalid')).toBe('true')
    })
    expect(within(form).getByRole('alert').textContent).toBe('You already have a token with this name.')
    expect(screen.queryByRole('region', { name: /created/ })).toBeNull()
  })

  it('revokes a token only after confirming', async () => {
    const user = userEvent.setup()
    const fetch = account({
      'GET /api/tokens': () => ok([laptopToken, ciToken]),
      'DELETE /api/tokens/t-laptop': () => ok({ id: 't-laptop' }),
    })
    renderAt('/account')

    const revoke = await screen.findByRole('button', { name: 'Revoke laptop scripts' })
    await user.click(revoke)
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke “laptop scripts”?' })
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(document.activeElement).toBe(revoke)
    expect(fetch.calls('DELETE /api/tokens/t-laptop')).toHaveLength(0)
    expect(dialog.isConnected).toBe(false)

    await user.click(revoke)
    await user.click(screen.getByRole('button', { name: 'Revoke token' }))

    await waitFor(() => {
      expect(screen.queryByRole('button', { name: 'Revoke laptop scripts' })).toBeNull()
    })
    expect(screen.getByRole('button', { name: 'Revoke ci runner' })).toBeTruthy()
    expect(fetch.calls('DELETE /api/tokens/t-laptop')).toHaveLength(1)
  })

  it('says so when a revoke fails', async () => {
    const user = userEvent.setup()
    account({
      'DELETE /api/tokens/t-ci': () => refusal(404, 'not_found', 'No such token.'),
    })
    renderAt('/account')

    await user.click(await screen.findByRole('button', { name: 'Revoke ci runner' }))
    await user.click(screen.getByRole('button', { name: 'Revoke token' }))

    const alert = await within(tokensPanel()).findByRole('alert')
    expect(alert.textContent).toContain('Could not revoke the token: No such token.')
    expect(document.activeElement).toBe(alert)
  })
})
