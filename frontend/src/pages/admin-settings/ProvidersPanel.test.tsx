import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { parseList } from './ProvidersPanel'

const githubOnly = {
  github_client_id: 'Iv1.0123456789abcdef',
  github_configured: true,
  google_configured: false,
  github_orgs: ['acme'],
  google_domains: [],
}

function settingsPage(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(admin),
    'GET /api/settings/access-code': () => ok({ enabled: false, version: 1 }),
    'GET /api/settings/oauth': () => ok(githubOnly),
    ...extra,
  })
}

async function providersForm() {
  return screen.findByRole('form', { name: 'Sign-in providers' })
}

describe('sign-in providers settings', () => {
  it('shows what is configured, never a secret, and the callback URLs to register', async () => {
    const user = userEvent.setup()
    settingsPage()
    renderAt('/admin/settings/auth')

    const form = await providersForm()
    const github = within(form).getByRole('group', { name: /GitHub/ })
    const google = within(form).getByRole('group', { name: /Google/ })
    expect(github.textContent).toContain('configured')
    expect(google.textContent).toContain('not set up')
    expect(within(form).getByLabelText<HTMLInputElement>('GitHub client ID').value).toBe('Iv1.0123456789abcdef')
    const secret = within(form).getByLabelText<HTMLInputElement>('GitHub client secret')
    expect(secret.value).toBe('')
    expect(secret.type).toBe('password')
    expect(secret.placeholder).toBe('stored — leave empty to keep')
    expect(within(form).getByLabelText<HTMLInputElement>('Google client secret').placeholder).toBe('')
    expect(within(form).getByLabelText<HTMLTextAreaElement>('Allowed GitHub organisations').value).toBe('acme')

    const callbacks = within(form).getAllByLabelText<HTMLInputElement>('Callback URL').map((field) => field.value)
    expect(callbacks).toEqual([
      'http://localhost:3000/api/auth/github/callback',
      'http://localhost:3000/api/auth/google/callback',
    ])
    await user.click(within(form).getByRole('button', { name: 'Copy the Google callback URL' }))
    expect(await navigator.clipboard.readText()).toBe('http://localhost:3000/api/auth/google/callback')
  })

  it('saves Google with its secret, keeps the stored GitHub secret, and sends the allow-lists', async () => {
    const user = userEvent.setup()
    const fetch = settingsPage({
      'PUT /api/settings/oauth': () =>
        ok({
          ...githubOnly,
          google_client_id: '1234-abc.apps.googleusercontent.com',
          google_configured: true,
          github_orgs: ['acme', 'widgets'],
          google_domains: ['example.com', 'example.org'],
        }),
    })
    renderAt('/admin/settings/auth')

    const form = await providersForm()
    await user.type(within(form).getByLabelText('Allowed GitHub organisations'), ', widgets\nacme')
    await user.type(within(form).getByLabelText('Google client ID'), ' 1234-abc.apps.googleusercontent.com ')
    await user.type(within(form).getByLabelText('Google client secret'), 'GOCSPX-secret')
    await user.type(within(form).getByLabelText('Allowed Google domains'), '@Example.com\nexample.org')
    await user.click(within(form).getByRole('button', { name: 'Save providers' }))

    expect(await screen.findByText('Saved.')).toBeTruthy()
    expect(fetch.calls('PUT /api/settings/oauth')[0]?.body).toEqual({
      github_orgs: ['acme', 'widgets'],
      google_domains: ['example.com', 'example.org'],
      google_client_id: '1234-abc.apps.googleusercontent.com',
      google_client_secret: 'GOCSPX-secret',
    })
    // The form starts again from what Nimbus stored: the secret is gone from the page.
    const saved = await providersForm()
    await waitFor(() => {
      expect(within(saved).getByRole('group', { name: /Google/ }).textContent).toContain('configured')
    })
    expect(within(saved).getByLabelText<HTMLInputElement>('Google client secret').value).toBe('')
    expect(within(saved).getByLabelText<HTMLInputElement>('Google client secret').placeholder).toBe(
      'stored — leave empty to keep',
    )
    expect(document.body.innerHTML).not.toContain('GOCSPX-secret')
  })

  it('asks for the client ID that goes with a new secret before saving', async () => {
    const user = userEvent.setup()
    const fetch = settingsPage()
    renderAt('/admin/settings/auth')

    const form = await providersForm()
    await user.type(within(form).getByLabelText('Google client secret'), 'GOCSPX-secret')
    await user.click(within(form).getByRole('button', { name: 'Save providers' }))

    const clientId = within(form).getByLabelText('Google client ID')
    expect(clientId.getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(clientId)
    expect(fetch.calls('PUT /api/settings/oauth')).toHaveLength(0)
  })

  it('shows a refused field under that field', async () => {
    const user = userEvent.setup()
    settingsPage({
      'PUT /api/settings/oauth': () =>
        refusal(400, 'validation_failed', 'Organisation names are letters, digits and hyphens.', {
          field: 'github_orgs',
        }),
    })
    renderAt('/admin/settings/auth')

    const form = await providersForm()
    await user.type(within(form).getByLabelText('Allowed GitHub organisations'), '\nnot/valid')
    await user.click(within(form).getByRole('button', { name: 'Save providers' }))

    const orgs = within(form).getByLabelText('Allowed GitHub organisations')
    await waitFor(() => {
      expect(orgs.getAttribute('aria-invalid')).toBe('true')
    })
    expect(within(form).getByRole('alert').textContent).toBe('Organisation names are letters, digits and hyphens.')
    expect(screen.queryByText('Saved.')).toBeNull()
  })

  it('reads a list separated by commas, lines or spaces, without blanks or repeats', () => {
    expect(parseList(' acme, widgets\n\nacme ;other ')).toEqual(['acme', 'widgets', 'other'])
    expect(parseList('')).toEqual([])
  })
})
