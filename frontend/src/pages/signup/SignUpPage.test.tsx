import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, healthOk, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const FIRST_ACCOUNT = 'You are creating the first account: it becomes the administrator.'

async function fillIn(values: { name: string; email: string; password: string; confirm?: string; token?: string }) {
  const user = userEvent.setup()
  await user.type(await screen.findByLabelText('Name'), values.name)
  await user.type(screen.getByLabelText('Email'), values.email)
  await user.type(screen.getByLabelText('Password'), values.password)
  await user.type(screen.getByLabelText('Confirm password'), values.confirm ?? values.password)
  if (values.token !== undefined) await user.type(screen.getByLabelText('Setup token'), values.token)
  await user.click(screen.getByRole('button', { name: 'Create account' }))
  return user
}

/** The text an input's aria-describedby points at, as a screen reader would read it. */
function description(input: HTMLElement): string {
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? []
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ')
}

describe('sign-up page', () => {
  it('asks for nothing extra once an admin exists, and signs the new member in', async () => {
    const fetch = serveFetch({
      'GET /api/auth/status': [authStatus(null), authStatus(member)],
      'POST /api/auth/register': () => ok(member, 201),
      'GET /api/health': () => ok({ status: 'ok', version: '9.9.9' }),
    })
    const { router } = renderAt('/signup')

    expect(await screen.findByLabelText('Name')).toBeTruthy()
    expect(screen.queryByText(FIRST_ACCOUNT)).toBeNull()
    expect(screen.queryByLabelText('Setup token')).toBeNull()
    expect(screen.getByText('At least 10 characters')).toBeTruthy()
    expect(screen.getByText('Not a common password')).toBeTruthy()

    await fillIn({ name: ' Bob Member ', email: 'bob@example.com', password: 'plenty-long-enough' })

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/')
    })
    expect(fetch.calls('POST /api/auth/register')[0]?.body).toEqual({
      name: 'Bob Member',
      email: 'bob@example.com',
      password: 'plenty-long-enough',
    })
    expect(await screen.findByRole('button', { name: 'Bob Member' })).toBeTruthy()
  })

  it('says the first account becomes the admin, without a setup token in the demo', async () => {
    const fetch = serveFetch({
      'GET /api/auth/status': [authStatus(null, { has_admin: false }), authStatus(admin)],
      'POST /api/auth/register': () => ok(admin, 201),
      'GET /api/health': () => healthOk(),
    })
    renderAt('/signup')

    expect(await screen.findByText(FIRST_ACCOUNT)).toBeTruthy()
    expect(screen.queryByLabelText('Setup token')).toBeNull()
    await fillIn({ name: 'Ada Lovelace', email: 'ada@example.com', password: 'plenty-long-enough' })

    const nav = await screen.findByRole('navigation', { name: 'Primary' })
    expect(within(nav).getByRole('link', { name: 'Admin' })).toBeTruthy()
    expect(fetch.calls('POST /api/auth/register')[0]?.body).not.toHaveProperty('setup_token')
  })

  it('asks for the setup token when the server requires one, and shows its refusal under that field', async () => {
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(null, { has_admin: false, setup_token_required: true }),
      'POST /api/auth/register': () =>
        refusal(403, 'setup_token_invalid', 'That setup token is wrong. Nimbus printed the right one to its log.', {
          field: 'setup_token',
        }),
    })
    renderAt('/signup')

    const token = await screen.findByLabelText('Setup token')
    expect(screen.getByText(FIRST_ACCOUNT)).toBeTruthy()
    expect(description(token)).toContain(
      "Nimbus printed a one-time setup token to its log when it started (for a systemd install: journalctl -u nimbus | grep 'setup token')",
    )

    await fillIn({ name: 'Ada', email: 'ada@example.com', password: 'plenty-long-enough', token: ' abc-123 ' })

    await waitFor(() => {
      expect(token.getAttribute('aria-invalid')).toBe('true')
    })
    expect(description(token)).toContain('That setup token is wrong.')
    expect(document.activeElement).toBe(token)
    expect(fetch.calls('POST /api/auth/register')[0]?.body).toMatchObject({ setup_token: 'abc-123' })
  })

  it("puts the API's field error under the field it names", async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(null),
      'POST /api/auth/register': () =>
        refusal(409, 'email_taken', 'An account with this email already exists. Sign in instead.', {
          field: 'email',
        }),
    })
    renderAt('/signup')

    await fillIn({ name: 'Ada', email: 'ada@example.com', password: 'plenty-long-enough' })

    const email = screen.getByLabelText('Email')
    await waitFor(() => {
      expect(email.getAttribute('aria-invalid')).toBe('true')
    })
    expect(description(email)).toBe('An account with this email already exists. Sign in instead.')
    expect(document.activeElement).toBe(email)
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBeNull()
    expect(screen.getAllByRole('alert')).toHaveLength(1)

    // Editing the field clears its error.
    await userEvent.setup().type(email, 'x')
    expect(email.getAttribute('aria-invalid')).toBeNull()
  })

  it('shows a common-password refusal under the password', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(null),
      'POST /api/auth/register': () =>
        refusal(400, 'validation_failed', 'This password is too common. Pick another.', { field: 'password' }),
    })
    renderAt('/signup')

    await fillIn({ name: 'Ada', email: 'ada@example.com', password: 'password123' })

    const password = screen.getByLabelText('Password')
    await waitFor(() => {
      expect(description(password)).toContain('This password is too common. Pick another.')
    })
  })

  it('checks length and the confirmation before calling the server', async () => {
    const fetch = serveFetch({ 'GET /api/auth/status': authStatus(null) })
    renderAt('/signup')

    await fillIn({ name: 'Ada', email: 'ada@example.com', password: 'short', confirm: 'shorter' })

    expect(description(screen.getByLabelText('Password'))).toContain('Use at least 10 characters (5 so far).')
    expect(description(screen.getByLabelText('Confirm password'))).toBe('The two passwords differ.')
    expect(document.activeElement).toBe(screen.getByLabelText('Password'))
    expect(fetch.calls('POST /api/auth/register')).toHaveLength(0)
  })

  it('says sign-ups are by invitation only instead of showing the form', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(null, { signups_open: false }) })
    renderAt('/signup')

    expect(await screen.findByText(/takes new accounts by invitation only/)).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Create account' })).toBeNull()
  })

  it('shows an invitation, hides the access code it replaces, and sends its token', async () => {
    const fetch = serveFetch({
      'GET /api/auth/status': [
        authStatus(null, { signups_open: true, signup_mode: 'access_code' }),
        authStatus(member),
      ],
      'GET /api/auth/invitations/tok-123': () =>
        ok({ state: 'pending', role: 'member', expires_at: '2030-01-08T12:00:00Z', email_bound: false }),
      'POST /api/auth/register': () => ok(member, 201),
      'GET /api/health': () => ok({ status: 'ok', version: '9.9.9' }),
    })
    renderAt('/signup?invite=tok-123')

    expect(await screen.findByText(/You are invited to join as a member \(expires/)).toBeTruthy()
    expect(screen.queryByLabelText(/Access code/)).toBeNull()
    await fillIn({ name: 'Grace', email: 'grace@example.com', password: 'plenty-long-enough' })

    await waitFor(() => {
      expect(fetch.calls('POST /api/auth/register')[0]?.body).toEqual({
        name: 'Grace',
        email: 'grace@example.com',
        password: 'plenty-long-enough',
        invite: 'tok-123',
      })
    })
  })

  it('lets an invited person in when sign-ups are invite-only', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(null, { signups_open: false }),
      'GET /api/auth/invitations/tok-9': () =>
        ok({ state: 'pending', role: 'admin', expires_at: '2030-01-08T12:00:00Z', email_bound: true }),
    })
    renderAt('/signup?invite=tok-9')

    expect(await screen.findByText(/invited to join as an admin/)).toBeTruthy()
    expect(screen.getByText(/Sign up with the address the invitation was sent to/)).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Create account' })).toBeTruthy()
  })

  it('says why an invitation cannot be used, and keeps the door shut when sign-ups are invite-only', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(null, { signups_open: false }),
      'GET /api/auth/invitations/old': () =>
        ok({
          state: 'expired',
          role: 'member',
          expires_at: '2020-01-08T12:00:00Z',
          email_bound: false,
          reason: 'This invitation has expired: ask your admin for a new invitation.',
        }),
    })
    renderAt('/signup?invite=old')

    expect((await screen.findByRole('alert')).textContent).toContain('ask your admin for a new invitation')
    expect(screen.queryByRole('button', { name: 'Create account' })).toBeNull()
  })

  it('takes the access code when sign-ups need it', async () => {
    const fetch = serveFetch({
      'GET /api/auth/status': [authStatus(null, { signup_mode: 'access_code' }), authStatus(member)],
      'POST /api/auth/register': () => ok(member, 201),
      'GET /api/health': () => ok({ status: 'ok', version: '9.9.9' }),
    })
    renderAt('/signup')

    const user = userEvent.setup()
    await user.type(await screen.findByLabelText('Access code (optional)'), '12345678')
    await fillIn({ name: 'Bob', email: 'bob@example.com', password: 'plenty-long-enough' })

    await waitFor(() => {
      expect(fetch.calls('POST /api/auth/register')[0]?.body).toMatchObject({ access_code: '12345678' })
    })
  })
})
