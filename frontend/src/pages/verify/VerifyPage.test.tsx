import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const gated = authStatus(member, { access_code_required: true })
const through = authStatus(member)

async function enterCode(code: string) {
  const user = userEvent.setup()
  await user.type(await screen.findByLabelText('Access code'), code)
  await user.click(screen.getByRole('button', { name: 'Continue' }))
  return user
}

describe('access-code page', () => {
  it('sends a member who must enter the code to Verify, then on to where they were going', async () => {
    const fetch = serveFetch({
      'GET /api/auth/status': [gated, through],
      'POST /api/access-code/verify': () => ok({ enabled: true, verified: true }),
      'GET /api/me/sessions': () => ok([]),
      'GET /api/tokens': () => ok([]),
      'GET /api/me/identities': () => ok([]),
    })
    const { router } = renderAt('/account')

    const field = await screen.findByLabelText('Access code')
    expect(router.state.location.pathname).toBe('/verify')
    expect(router.state.location.search).toBe('?next=%2Faccount')
    expect(field.getAttribute('inputmode')).toBe('numeric')
    expect(field.getAttribute('autocomplete')).toBe('one-time-code')
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('One more step.')
    expect(screen.queryByRole('navigation')).toBeNull()
    // Nothing gated was asked for before the code.
    expect(fetch.calls('GET /api/me/sessions')).toHaveLength(0)

    await enterCode(' 1234 5678 ')

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/account')
    })
    expect(fetch.calls('POST /api/access-code/verify')[0]?.body).toEqual({ code: '12345678' })
    expect(await screen.findByRole('region', { name: 'Sessions' })).toBeTruthy()
  })

  it('shows a wrong code under the field and stays on Verify', async () => {
    serveFetch({
      'GET /api/auth/status': gated,
      'POST /api/access-code/verify': () =>
        refusal(400, 'access_code_invalid', 'That is not the current access code. Ask an admin of this Nimbus for it.', {
          field: 'code',
        }),
    })
    const { router } = renderAt('/verify?next=%2Faccount')

    await enterCode('00000000')

    const field = screen.getByLabelText('Access code')
    await waitFor(() => {
      expect(field.getAttribute('aria-invalid')).toBe('true')
    })
    expect(screen.getByRole('alert').textContent).toBe(
      'That is not the current access code. Ask an admin of this Nimbus for it.',
    )
    expect(document.activeElement).toBe(field)
    expect(router.state.location.pathname).toBe('/verify')
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Continue' }).disabled).toBe(false)
  })

  it('says how long to wait after too many tries, under the field', async () => {
    serveFetch({
      'GET /api/auth/status': gated,
      'POST /api/access-code/verify': () =>
        refusal(429, 'rate_limited', 'Too many attempts.', { headers: { 'Retry-After': '42' } }),
    })
    renderAt('/verify')

    await enterCode('11111111')

    const field = screen.getByLabelText('Access code')
    await waitFor(() => {
      expect(field.getAttribute('aria-invalid')).toBe('true')
    })
    expect(screen.getByRole('alert').textContent).toBe('Too many attempts. Try again in 42 seconds.')
  })

  it('asks for the code before calling the server', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({ 'GET /api/auth/status': gated })
    renderAt('/verify')

    await user.click(await screen.findByRole('button', { name: 'Continue' }))

    expect(screen.getByRole('alert').textContent).toBe('Enter the access code.')
    expect(fetch.calls('POST /api/access-code/verify')).toHaveLength(0)
  })

  it('sends the member to Verify when a call is refused with access_code_required', async () => {
    const gate = () =>
      refusal(403, 'access_code_required', 'Enter the access code your admins shared before going on.')
    serveFetch({
      // The status was read before an admin turned the gate on.
      'GET /api/auth/status': through,
      'GET /api/me/sessions': gate,
      'GET /api/tokens': gate,
      'GET /api/me/identities': gate,
    })
    const { router } = renderAt('/account')

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/verify')
    })
    expect(router.state.location.search).toBe('?next=%2Faccount')
    expect(await screen.findByLabelText('Access code')).toBeTruthy()
    // Still signed in: this is not a lost session.
    expect(screen.getByText('bob@example.com')).toBeTruthy()
  })

  it('lets the member sign out instead', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({
      'GET /api/auth/status': gated,
      'POST /api/auth/logout': () => ok({ sessions_ended: 1 }),
    })
    const { router } = renderAt('/verify?next=%2Faccount')

    await user.click(await screen.findByRole('button', { name: 'Sign out' }))

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/signin')
    })
    expect(router.state.location.search).toBe('')
    expect(fetch.calls('POST /api/auth/logout')).toHaveLength(1)
  })

  it('sends on whoever has nothing to enter', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/me/sessions': () => ok([]),
      'GET /api/tokens': () => ok([]),
      'GET /api/me/identities': () => ok([]),
    })
    const { router } = renderAt('/verify?next=%2Faccount')
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/account')
    })
  })

  it('sends an anonymous visitor to sign in, keeping where they were going', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(null) })
    const { router } = renderAt('/verify?next=%2Faccount')

    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy()
    expect(router.state.location.pathname).toBe('/signin')
    expect(router.state.location.search).toBe('?next=%2Faccount')
  })
})
