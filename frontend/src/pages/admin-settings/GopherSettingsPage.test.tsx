import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const configured = { url: 'https://router.example.com/', key_configured: true, enabled: true }
const policy = { reserved: ['www', 'admin'], per_member_quota: 5 }

function gopherPage(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(admin),
    'GET /api/settings/gopher': () => ok(configured),
    'GET /api/settings/tunnels': () => ok(policy),
    ...extra,
  })
}

async function gopherForm() {
  return screen.findByRole('form', { name: 'Gopher' })
}

async function policyForm() {
  return screen.findByRole('form', { name: 'Subdomain policy' })
}

describe('Gopher settings', () => {
  it('shows the URL and that a key is stored, never the key, and keeps it on an empty save', async () => {
    const user = userEvent.setup()
    const fetch = gopherPage({ 'PUT /api/settings/gopher': () => ok(configured) })
    renderAt('/admin/settings/gopher')

    const form = await gopherForm()
    expect(within(form).getByLabelText<HTMLInputElement>('Gopher URL').value).toBe('https://router.example.com/')
    const key = within(form).getByLabelText<HTMLInputElement>('API key')
    expect(key.value).toBe('')
    expect(key.type).toBe('password')
    expect(key.placeholder).toBe('configured — leave empty to keep')
    expect(form.textContent).toContain('tunnels on')

    await user.click(within(form).getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('Saved: tunnels are on.')).toBeTruthy()
    expect(fetch.calls('PUT /api/settings/gopher')[0]?.body).toEqual({
      url: 'https://router.example.com/',
      api_key: '',
    })
  })

  it("shows Gopher's answer to a connection test with the typed key", async () => {
    const user = userEvent.setup()
    const fetch = gopherPage({
      'POST /api/settings/gopher/test': () =>
        ok({ ok: false, kind: 'unauthorized', message: 'Gopher refused the API key: check it' }),
    })
    renderAt('/admin/settings/gopher')

    const form = await gopherForm()
    await user.type(within(form).getByLabelText('API key'), 'wrong-key')
    await user.click(within(form).getByRole('button', { name: 'Test connection' }))
    expect(await within(form).findByText('Gopher refused the API key: check it')).toBeTruthy()
    expect(fetch.calls('POST /api/settings/gopher/test')[0]?.body).toEqual({
      url: 'https://router.example.com/',
      api_key: 'wrong-key',
    })
  })

  it('clears the settings, turning tunnels off', async () => {
    const user = userEvent.setup()
    const fetch = gopherPage({
      'PUT /api/settings/gopher': () => ok({ key_configured: false, enabled: false }),
    })
    renderAt('/admin/settings/gopher')

    const form = await gopherForm()
    await user.click(within(form).getByRole('button', { name: 'Clear (turn tunnels off)' }))
    expect(await screen.findByText('Cleared: tunnels are off.')).toBeTruthy()
    expect(fetch.calls('PUT /api/settings/gopher')[0]?.body).toEqual({ clear: true })
    await waitFor(async () => {
      expect((await gopherForm()).textContent).toContain('tunnels off')
    })
  })

  it('shows a refused URL under its field', async () => {
    const user = userEvent.setup()
    gopherPage({
      'PUT /api/settings/gopher': () =>
        refusal(400, 'validation_failed', 'url "router" is not an http:// or https:// URL with a host', {
          field: 'url',
        }),
    })
    renderAt('/admin/settings/gopher')

    const form = await gopherForm()
    const url = within(form).getByLabelText('Gopher URL')
    await user.clear(url)
    await user.type(url, 'router')
    await user.click(within(form).getByRole('button', { name: 'Save' }))
    await waitFor(() => {
      expect(url.getAttribute('aria-invalid')).toBe('true')
    })
  })

  it('shows the subdomain policy and saves reserved names typed with commas, spaces or lines', async () => {
    const user = userEvent.setup()
    const fetch = gopherPage({
      'PUT /api/settings/tunnels': () => ok({ reserved: ['www', 'admin', 'mail', 'status'], per_member_quota: 3 }),
    })
    renderAt('/admin/settings/gopher')

    const form = await policyForm()
    const reserved = within(form).getByLabelText<HTMLTextAreaElement>('Reserved subdomains')
    const quota = within(form).getByLabelText<HTMLInputElement>('Tunnels per member')
    expect(reserved.value).toBe('www, admin')
    expect(quota.value).toBe('5')

    await user.clear(reserved)
    await user.type(reserved, 'www, admin  mail{Enter}status,')
    await user.clear(quota)
    await user.type(quota, '3')
    await user.click(within(form).getByRole('button', { name: 'Save policy' }))

    expect(await within(form).findByText('Saved the subdomain policy.')).toBeTruthy()
    expect(fetch.calls('PUT /api/settings/tunnels')[0]?.body).toEqual({
      reserved: ['www', 'admin', 'mail', 'status'],
      per_member_quota: 3,
    })
    expect(reserved.value).toBe('www, admin, mail, status')
  })

  it('checks the quota before saving, and shows a refused name under its field', async () => {
    const user = userEvent.setup()
    const fetch = gopherPage({
      'PUT /api/settings/tunnels': () =>
        refusal(400, 'validation_failed', '"bad_name" is not a DNS label: use a-z, 0-9 and hyphens.', {
          field: 'reserved',
        }),
    })
    renderAt('/admin/settings/gopher')

    const form = await policyForm()
    const quota = within(form).getByLabelText('Tunnels per member')
    await user.clear(quota)
    await user.type(quota, 'many')
    await user.click(within(form).getByRole('button', { name: 'Save policy' }))
    expect(quota.getAttribute('aria-invalid')).toBe('true')
    expect(form.textContent).toContain('Enter a whole number of tunnels, 0 or more.')
    expect(fetch.calls('PUT /api/settings/tunnels')).toHaveLength(0)

    await user.clear(quota)
    await user.type(quota, '2')
    const reserved = within(form).getByLabelText('Reserved subdomains')
    await user.type(reserved, ', bad_name')
    await user.click(within(form).getByRole('button', { name: 'Save policy' }))
    await waitFor(() => {
      expect(reserved.getAttribute('aria-invalid')).toBe('true')
    })
    expect(form.textContent).toContain('"bad_name" is not a DNS label: use a-z, 0-9 and hyphens.')
  })
})
