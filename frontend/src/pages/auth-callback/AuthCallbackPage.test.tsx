import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, healthOk, member, ok, renderAt, serveFetch } from '../../test/harness'
import { callbackErrorMessage } from './AuthCallbackPage'

function accountPage(status: () => Response = authStatus(member)) {
  return {
    'GET /api/me/sessions': () => ok([]),
    'GET /api/tokens': () => ok([]),
    'GET /api/me/identities': () =>
      ok([{ provider: 'github', login: 'bobm', email: 'bob@example.com', linked_at: '2025-03-01T09:00:00Z' }]),
    'GET /api/auth/status': status,
  }
}

describe('provider callback page', () => {
  it('re-reads who signed in and goes on to `next`', async () => {
    const fetch = serveFetch(accountPage())
    const { router } = renderAt('/auth/callback?provider=github&result=signed_in&next=%2Faccount')

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/account')
    })
    expect(await screen.findByRole('button', { name: 'Bob Member' })).toBeTruthy()
    // Once when the app started, once more for the session the provider just made.
    expect(fetch.calls('GET /api/auth/status').length).toBeGreaterThanOrEqual(2)
  })

  it('goes home after signing in when `next` is missing or points off-site', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(admin), 'GET /api/health': () => healthOk() })
    const { router } = renderAt('/auth/callback?provider=google&result=signed_in&next=https%3A%2F%2Fevil.example')

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/')
    })
  })

  it('says so when the provider came back but no session started', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(null) })
    renderAt('/auth/callback?provider=github&result=signed_in')

    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('Not signed in.')
    expect(screen.getByRole('link', { name: 'Back to sign in' }).getAttribute('href')).toBe('/signin')
  })

  it('returns to the account page after linking, saying what was linked', async () => {
    serveFetch(accountPage())
    const { router } = renderAt('/auth/callback?provider=github&result=linked')

    expect((await screen.findByRole('region', { name: 'Linked sign-ins' })).textContent).toContain(
      'GitHub is linked: you can sign in with it from now on.',
    )
    expect(router.state.location.pathname).toBe('/account')
  })

  it('explains an email already in use: sign in with the password, then link from Account', async () => {
    const user = userEvent.setup()
    serveFetch({ 'GET /api/auth/status': authStatus(null) })
    const { router } = renderAt('/auth/callback?provider=github&error=email_in_use')

    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('Not signed in.')
    const card = screen.getByRole('region', { name: 'Not signed in.' })
    expect(card.textContent).toContain(
      'A Nimbus account with the same email address already exists, and Nimbus never joins accounts by email alone. Sign in with your email and password, then link GitHub from the Account page',
    )
    expect(card.textContent).toContain('email_in_use')

    await user.click(screen.getByRole('link', { name: 'Back to sign in' }))
    expect(router.state.location.pathname).toBe('/signin')
  })

  it('explains an unproven address: the owner signs in and links, anyone else asks an admin', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(null) })
    renderAt('/auth/callback?provider=google&error=email_unproven')

    const card = await screen.findByRole('region', { name: 'Not signed in.' })
    expect(card.textContent).toContain(
      'A Nimbus account with this address already exists, but its owner has not proven it. If it is yours, sign in with its password and link Google from your Account page; if not, ask an admin to release the address',
    )
  })

  it('explains that the first account needs an email and password', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(null, { has_admin: false }) })
    renderAt('/auth/callback?provider=google&error=no_admin_yet')

    const card = await screen.findByRole('region', { name: 'Not signed in.' })
    expect(card.textContent).toContain(
      'The first account becomes the administrator and must be created with an email and password; Google sign-in works once it exists.',
    )
  })

  it('tells someone signed in that linking failed, and offers the way back to their account', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(member) })
    renderAt('/auth/callback?provider=google&error=identity_in_use')

    const card = await screen.findByRole('region', { name: 'Google not linked.' })
    expect(card.textContent).toContain('This Google account is already linked to another Nimbus account.')
    expect(screen.getByRole('link', { name: 'Back to your account' }).getAttribute('href')).toBe('/account')
  })

  it('has a sentence for every error code the API sends, and one for codes it does not know', () => {
    const codes = [
      'invalid_state',
      'access_denied',
      'provider_error',
      'email_not_verified',
      'org_not_allowed',
      'domain_not_allowed',
      'email_in_use',
      'email_unproven',
      'no_admin_yet',
      'account_disabled',
      'identity_in_use',
      'not_configured',
      'not_signed_in',
    ]
    const fallback = callbackErrorMessage('something_new', 'GitHub')
    const sentences = codes.map((code) => callbackErrorMessage(code, 'GitHub'))
    for (const sentence of sentences) {
      expect(sentence).not.toBe(fallback)
      expect(sentence).toMatch(/\.$/)
    }
    expect(new Set(sentences).size).toBe(codes.length)
    expect(fallback).toBe('Nimbus could not finish with GitHub. Try again, or sign in with your email and password.')
  })
})
