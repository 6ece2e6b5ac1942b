import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, healthOk, ok, refusal, renderAt, serveFetch } from '../../test/harness'

async function fillAndSubmit(email: string, password: string) {
  const user = userEvent.setup()
  await user.type(await screen.findByLabelText('Email'), email)
  await user.type(screen.getByLabelText('Password'), password)
  await user.click(screen.getByRole('button', { name: 'Sign in' }))
  return user
}

describe('sign-in page', () => {
  it('signs in and goes where the visitor was headed', async () => {
    const fetch = serveFetch({
      'GET /api/auth/status': [authStatus(null), authStatus(admin)],
      'POST /api/auth/login': () => ok({ ...admin, via: undefined, read_only: undefined }),
      'GET /api/me/sessions': () => ok([]),
      'GET /api/tokens': () => ok([]),
      'GET /api/me/identities': () => ok([]),
    })
    const { router } = renderAt('/signin?next=%2Faccount')

    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Spin up a machine.')
    expect(screen.queryByRole('navigation')).toBeNull()
    await fillAndSubmit(' ada@example.com ', 'correct horse battery')

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/account')
    })
    expect(fetch.calls('POST /api/auth/login')[0]?.body).toEqual({
      email: 'ada@example.com',
      password: 'correct horse battery',
    })
    expect(await screen.findByRole('button', { name: 'Ada Lovelace' })).toBeTruthy()
  })

  it('ignores a `next` that would leave the portal', async () => {
    serveFetch({
      'GET /api/auth/status': [authStatus(null), authStatus(admin)],
      'POST /api/auth/login': () => ok(admin),
      'GET /api/health': () => healthOk(),
    })
    const { router } = renderAt('/signin?next=%2F%2Fevil.example%2Fphish')

    await fillAndSubmit('ada@example.com', 'correct horse battery')

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/')
    })
  })

  it('shows wrong credentials inline, focused, and lets the user try again', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(null),
      'POST /api/auth/login': () =>
        refusal(401, 'invalid_credentials', 'The email or password is wrong.'),
    })
    const { router } = renderAt('/signin')

    await fillAndSubmit('ada@example.com', 'wrong password')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not sign in: The email or password is wrong.')
    expect(alert.textContent).toContain('invalid_credentials')
    expect(document.activeElement).toBe(alert)
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Sign in' }).disabled).toBe(false)
    expect(router.state.location.pathname).toBe('/signin')
    // A rejected sign-in is the form's error, not an ended session.
    expect(screen.queryByText('Your session ended. Sign in again.')).toBeNull()
  })

  it('disables the button while the request is in flight', async () => {
    let answer!: (response: Response) => void
    serveFetch({
      'GET /api/auth/status': authStatus(null),
      'POST /api/auth/login': () => new Promise<Response>((resolve) => (answer = resolve)),
    })
    renderAt('/signin')

    await fillAndSubmit('ada@example.com', 'whatever it is')

    const button = await screen.findByRole('button', { name: 'Signing in…' })
    expect((button as HTMLButtonElement).disabled).toBe(true)
    answer(refusal(403, 'account_disabled', 'This account is disabled. Ask an administrator.'))
    expect((await screen.findByRole('alert')).textContent).toContain('This account is disabled.')
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Sign in' }).disabled).toBe(false)
  })

  it('says how long to wait when sign-in is rate limited', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(null),
      'POST /api/auth/login': () =>
        refusal(429, 'rate_limited', 'Too many sign-in attempts.', { headers: { 'Retry-After': '42' } }),
    })
    renderAt('/signin')

    await fillAndSubmit('ada@example.com', 'guess number nine')

    expect((await screen.findByRole('alert')).textContent).toContain(
      'Too many sign-in attempts. Try again in 42 seconds.',
    )
  })

  it('asks for the missing fields before calling the server', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({ 'GET /api/auth/status': authStatus(null) })
    renderAt('/signin')

    await user.click(await screen.findByRole('button', { name: 'Sign in' }))

    const email = screen.getByLabelText('Email')
    expect(email.getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(email)
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual([
      'Enter your email address.',
      'Enter your password.',
    ])
    expect(fetch.calls('POST /api/auth/login')).toHaveLength(0)
  })

  it('links to sign up, and points a fresh install at creating the first account', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(null, { has_admin: false }) })
    renderAt('/signin')

    expect(screen.getByRole('link', { name: 'Create an account' }).getAttribute('href')).toBe('/signup')
    expect((await screen.findByRole('link', { name: 'Create the first account' })).getAttribute('href')).toBe(
      '/signup',
    )
  })

  it('offers the sign-in providers an admin set up, as links that keep `next`', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(null),
      'GET /api/auth/providers': () => ok({ github: true, google: false }),
    })
    renderAt('/signin?next=%2Faccount%3Ftab%3Dtokens')

    const github = await screen.findByRole('link', { name: 'Continue with GitHub' })
    expect(github.getAttribute('href')).toBe('/api/auth/github?next=%2Faccount%3Ftab%3Dtokens')
    expect(screen.queryByRole('link', { name: 'Continue with Google' })).toBeNull()
    expect(screen.getByRole('separator', { name: 'or' })).toBeTruthy()
    // The password form is still there below the "or".
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy()
  })

  it('offers both providers, starting from home when there is nowhere else to go', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(null),
      'GET /api/auth/providers': () => ok({ github: true, google: true }),
    })
    renderAt('/signin')

    expect((await screen.findByRole('link', { name: 'Continue with GitHub' })).getAttribute('href')).toBe(
      '/api/auth/github',
    )
    expect(screen.getByRole('link', { name: 'Continue with Google' }).getAttribute('href')).toBe('/api/auth/google')
  })

  it('shows no provider buttons and no "or" when none is set up, or the answer fails', async () => {
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(null),
      'GET /api/auth/providers': [
        () => ok({ github: false, google: false }),
        () => refusal(500, 'internal', 'Something went wrong on our side.'),
      ],
    })
    const { unmount } = renderAt('/signin')
    await waitFor(() => {
      expect(fetch.calls('GET /api/auth/providers')).toHaveLength(1)
    })
    await screen.findByRole('button', { name: 'Sign in' })
    expect(screen.queryByRole('link', { name: /Continue with/ })).toBeNull()
    expect(screen.queryByRole('separator')).toBeNull()
    unmount()

    renderAt('/signin')
    await waitFor(() => {
      expect(fetch.calls('GET /api/auth/providers')).toHaveLength(2)
    })
    expect(screen.queryByRole('link', { name: /Continue with/ })).toBeNull()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('sends someone already signed in straight on', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(admin), 'GET /api/health': () => healthOk() })
    const { router } = renderAt('/signin')

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/')
    })
  })
})
