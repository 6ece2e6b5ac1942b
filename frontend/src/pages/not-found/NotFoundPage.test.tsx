import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, json, renderAt, scriptFetch } from '../../test/harness'

describe('not found page', () => {
  it('renders for an unknown path and links back home', async () => {
    const user = userEvent.setup()
    scriptFetch(authStatus(admin), () => json(200, { success: true, data: { status: 'ok', version: '9.9.9' } }))
    const { router } = renderAt('/no/such/page')

    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Page not found')
    expect(screen.getByText('/no/such/page')).toBeTruthy()
    expect(screen.queryByRole('region', { name: 'Portal status' })).toBeNull()

    await user.click(screen.getByRole('link', { name: 'Back to home' }))

    expect(router.state.location.pathname).toBe('/')
    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('Spin up a machine.')
    expect(await screen.findByRole('region', { name: 'Portal status' })).toBeTruthy()
  })

  it('does not take over the home route', async () => {
    scriptFetch(authStatus(admin), () => json(200, { success: true, data: { status: 'ok', version: '9.9.9' } }))
    renderAt('/')
    expect(await screen.findByRole('region', { name: 'Portal status' })).toBeTruthy()
    expect(screen.queryByRole('heading', { name: 'Page not found' })).toBeNull()
  })

  it('works for visitors who are not signed in, offering to sign in', async () => {
    scriptFetch(authStatus(null))
    renderAt('/no/such/page')

    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Page not found')
    expect(await screen.findByRole('link', { name: 'Sign in' })).toBeTruthy()
    expect(screen.queryByRole('navigation', { name: 'Primary' })).toBeNull()
  })
})
