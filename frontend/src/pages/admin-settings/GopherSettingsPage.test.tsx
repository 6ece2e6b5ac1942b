import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const configured = { url: 'https://router.example.com/', key_configured: true, enabled: true }

function gopherPage(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(admin),
    'GET /api/settings/gopher': () => ok(configured),
    ...extra,
  })
}

async function gopherForm() {
  return screen.findByRole('form', { name: 'Gopher' })
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
})
