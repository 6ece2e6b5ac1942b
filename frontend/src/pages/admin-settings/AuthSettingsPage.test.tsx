import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, definition, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const off = { enabled: false, version: 1 }
const on = { enabled: true, code: '48151623', version: 4 }
const noProviders = { github_configured: false, google_configured: false, github_orgs: [], google_domains: [] }

function settingsPage(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(admin),
    'GET /api/settings/access-code': () => ok(on),
    'GET /api/settings/oauth': () => ok(noProviders),
    ...extra,
  })
}

async function accessCodePanel() {
  const panel = await screen.findByRole('region', { name: 'Access code' })
  await within(panel).findByRole('switch')
  return panel
}

describe('authentication settings page', () => {
  it('turns the access code on and shows the new code to share, with Copy', async () => {
    const user = userEvent.setup()
    const fetch = settingsPage({
      'GET /api/settings/access-code': () => ok(off),
      'PUT /api/settings/access-code': () => ok({ enabled: true, code: '48151623', version: 1 }),
    })
    renderAt('/admin/settings/auth')

    const panel = await accessCodePanel()
    const toggle = within(panel).getByRole('switch', { name: 'Require an access code' })
    expect(toggle.getAttribute('aria-checked')).toBe('false')
    expect(panel.textContent).toContain('Turning it on makes an 8-digit code to share.')
    expect(within(panel).queryByRole('button', { name: 'New code' })).toBeNull()

    await user.click(toggle)

    await waitFor(() => {
      expect(toggle.getAttribute('aria-checked')).toBe('true')
    })
    expect(fetch.calls('PUT /api/settings/access-code')[0]?.body).toEqual({ enabled: true })
    expect(definition(panel, 'Current code')).toBe('48151623')
    expect(definition(panel, 'Version')).toBe('1')
    expect(within(panel).getByText('Turned on: members must enter the code before going on.')).toBeTruthy()

    await user.click(within(panel).getByRole('button', { name: 'Copy the access code' }))
    expect(await navigator.clipboard.readText()).toBe('48151623')
    expect(within(panel).getByRole('button', { name: 'Copy the access code' }).textContent).toBe('Copied')
  })

  it('makes a new code only after confirming that every member must enter it', async () => {
    const user = userEvent.setup()
    const fetch = settingsPage({
      'POST /api/settings/access-code/rotate': () => ok({ enabled: true, code: '23420815', version: 5 }),
    })
    renderAt('/admin/settings/auth')

    const panel = await accessCodePanel()
    expect(definition(panel, 'Current code')).toBe('48151623')
    await user.click(within(panel).getByRole('button', { name: 'New code' }))
    let dialog = within(panel).getByRole('alertdialog', { name: 'Make a new access code?' })
    expect(dialog.textContent).toContain('every member must enter the new code')
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(fetch.calls('POST /api/settings/access-code/rotate')).toHaveLength(0)

    await user.click(within(panel).getByRole('button', { name: 'New code' }))
    dialog = within(panel).getByRole('alertdialog', { name: 'Make a new access code?' })
    await user.click(within(dialog).getByRole('button', { name: 'Make new code' }))

    await waitFor(() => {
      expect(definition(panel, 'Current code')).toBe('23420815')
    })
    expect(definition(panel, 'Version')).toBe('5')
    expect(fetch.calls('POST /api/settings/access-code/rotate')).toHaveLength(1)
    expect(fetch.calls('POST /api/settings/access-code/rotate')[0]?.request.headers.get('content-type')).toBe(
      'application/json',
    )
    expect(within(panel).queryByRole('alertdialog')).toBeNull()
    expect(within(panel).getByText('New code made. Share it with your members.')).toBeTruthy()
  })

  it('asks everyone for the same code again after confirming', async () => {
    const user = userEvent.setup()
    const fetch = settingsPage({
      'POST /api/settings/access-code/bump': () => ok({ ...on, version: 5 }),
    })
    renderAt('/admin/settings/auth')

    const panel = await accessCodePanel()
    await user.click(within(panel).getByRole('button', { name: 'Ask everyone again' }))
    const dialog = within(panel).getByRole('alertdialog', { name: 'Ask everyone for the code again?' })
    expect(dialog.textContent).toContain('every member must enter it again')
    await user.click(within(dialog).getByRole('button', { name: 'Ask everyone again' }))

    await waitFor(() => {
      expect(definition(panel, 'Version')).toBe('5')
    })
    expect(definition(panel, 'Current code')).toBe('48151623')
    expect(fetch.calls('POST /api/settings/access-code/bump')).toHaveLength(1)
  })

  it('turns the access code off, keeping the code for later', async () => {
    const user = userEvent.setup()
    const fetch = settingsPage({
      'PUT /api/settings/access-code': () => ok({ ...on, enabled: false }),
    })
    renderAt('/admin/settings/auth')

    const panel = await accessCodePanel()
    await user.click(within(panel).getByRole('switch', { name: 'Require an access code' }))

    expect(await within(panel).findByText('Turned off: members go straight in.')).toBeTruthy()
    expect(fetch.calls('PUT /api/settings/access-code')[0]?.body).toEqual({ enabled: false })
    expect(within(panel).getByRole('switch').getAttribute('aria-checked')).toBe('false')
    expect(definition(panel, 'Current code')).toBe('48151623')
    // Asking everyone again means nothing while nobody is asked.
    expect(within(panel).queryByRole('button', { name: 'Ask everyone again' })).toBeNull()
  })

  it('shows a refused change and leaves the switch as it was', async () => {
    const user = userEvent.setup()
    settingsPage({
      'PUT /api/settings/access-code': () => refusal(500, 'internal', 'Something went wrong on our side.'),
    })
    renderAt('/admin/settings/auth')

    const panel = await accessCodePanel()
    await user.click(within(panel).getByRole('switch'))

    const alert = await within(panel).findByRole('alert')
    expect(alert.textContent).toContain('Could not change the access code setting: Something went wrong on our side.')
    expect(within(panel).getByRole('switch').getAttribute('aria-checked')).toBe('true')
  })

  it('is reached from the admin Settings tab, with the sign-in providers below the access code', async () => {
    const user = userEvent.setup()
    settingsPage({ 'GET /api/users': () => ok([]) })
    const { router } = renderAt('/admin/users')

    await user.click(
      within(await screen.findByRole('navigation', { name: 'Admin' })).getByRole('link', { name: 'Settings' }),
    )

    await accessCodePanel()
    expect(router.state.location.pathname).toBe('/admin/settings/auth')
    expect(screen.getByRole('region', { name: 'Sign-in providers' })).toBeTruthy()
  })

  it('offers three choices of who may sign up, each with its sentence, and saves the one picked', async () => {
    const user = userEvent.setup()
    const fetch = settingsPage({
      'PUT /api/settings/signups': () => ok({ open: false, mode: 'invite_only' }),
    })
    renderAt('/admin/settings/auth')

    const panel = await screen.findByRole('region', { name: 'Who may sign up' })
    const choices = await within(panel).findAllByRole('radio')
    expect(choices).toHaveLength(3)
    expect(within(panel).getByRole<HTMLInputElement>('radio', { name: /^Anyone Anyone who can reach/ }).checked).toBe(true)
    expect(within(panel).getByText(/members enter the access code below/)).toBeTruthy()
    await user.click(within(panel).getByRole('radio', { name: /Only invited people/ }))

    expect(await within(panel).findByText('Saved: only invited people may sign up.')).toBeTruthy()
    expect(fetch.calls('PUT /api/settings/signups')[0]?.body).toEqual({ mode: 'invite_only' })
    // The access-code gate follows the mode: its panel reads the setting again.
    await waitFor(() => {
      expect(fetch.calls('GET /api/settings/access-code').length).toBe(2)
    })
  })
})
