import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { atAccess, fresh, lackingCheck, readyCheck, setupRequired } from '../../test/setup.fixtures'

afterEach(() => {
  sessionStorage.clear()
})

function currentStep() {
  const nav = screen.getByRole('navigation', { name: 'Setup steps' })
  return nav.querySelector('[aria-current="step"]')?.textContent
}

async function enterToken(user: ReturnType<typeof userEvent.setup>, token = 'right-token') {
  await user.type(await screen.findByLabelText('Setup token'), token)
  await user.click(screen.getByRole('button', { name: 'Continue' }))
}

describe('setup mode', () => {
  it('any screen gives way to /setup when Nimbus answers setup_required', async () => {
    serveFetch({ 'GET /api/auth/status': setupRequired })
    const { router } = renderAt('/machines')
    expect(await screen.findByLabelText('Setup token')).toBeTruthy()
    expect(router.state.location.pathname).toBe('/setup')
    expect(screen.getByText(/journalctl -u nimbus \| grep 'setup token'/)).toBeTruthy()
  })

  it('a later call answering setup_required sends the signed-in page to /setup too', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(admin), 'GET /api/vms': setupRequired })
    const { router } = renderAt('/machines')
    expect(await screen.findByLabelText('Setup token')).toBeTruthy()
    expect(router.state.location.pathname).toBe('/setup')
  })

  it('/setup outside setup mode goes to sign-in', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(null) })
    const { router } = renderAt('/setup')
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/signin')
    })
  })
})

describe('the setup token', () => {
  it('a wrong token is said under the field, too many are refused with the wait, the right one opens the wizard and is kept', async () => {
    const user = userEvent.setup()
    const { calls } = serveFetch({
      'GET /api/auth/status': setupRequired,
      'GET /api/setup': [
        () => refusal(401, 'setup_token_invalid', 'That is not the setup token Nimbus printed.'),
        () => refusal(429, 'rate_limited', 'Too many wrong setup tokens.', { headers: { 'Retry-After': '30' } }),
        () => ok(fresh),
      ],
    })
    renderAt('/setup')
    await enterToken(user, 'wrong')
    const field = screen.getByLabelText('Setup token')
    expect(field.getAttribute('aria-invalid')).toBe('true')
    expect((await screen.findByText('That is not the setup token Nimbus printed.')).closest('[role="alert"]')).toBeTruthy()

    await user.click(screen.getByRole('button', { name: 'Continue' }))
    expect((await screen.findByRole('alert')).textContent).toContain('Too many wrong setup tokens. Try again in 30 seconds.')

    await user.clear(field)
    await enterToken(user, 'right-token')
    expect(await screen.findByRole('form', { name: 'Proxmox' })).toBeTruthy()
    expect(calls('GET /api/setup').map((c) => c.request.headers.get('X-Setup-Token'))).toEqual(['wrong', 'wrong', 'right-token'])
    expect(sessionStorage.getItem('nimbus.setup-token')).toBe('right-token')
    // Prefilled with the address detected on this Proxmox node.
    expect(screen.getByLabelText<HTMLInputElement>('Proxmox address').value).toBe('https://10.0.0.2:8006')
  })

  it('a token refused mid-way is forgotten and asked for again', async () => {
    const user = userEvent.setup()
    sessionStorage.setItem('nimbus.setup-token', 'stale')
    serveFetch({
      'GET /api/auth/status': setupRequired,
      'GET /api/setup': () => ok(fresh),
      'POST /api/setup/proxmox/fingerprint': () => refusal(401, 'setup_token_invalid', 'The setup token changed: Nimbus restarted.'),
    })
    renderAt('/setup')
    await user.click(await screen.findByRole('button', { name: 'Read the certificate' }))
    expect(await screen.findByLabelText('Setup token')).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toContain('The setup token changed: Nimbus restarted.')
    expect(sessionStorage.getItem('nimbus.setup-token')).toBeNull()
  })
})

describe('the Proxmox step', () => {
  it('pins the fingerprint, says why a two-factor root cannot be used, names a missing privilege, and goes on once ready', async () => {
    const user = userEvent.setup()
    sessionStorage.setItem('nimbus.setup-token', 'tok')
    const { calls } = serveFetch({
      'GET /api/auth/status': setupRequired,
      'GET /api/setup': () => ok(fresh),
      'POST /api/setup/proxmox/fingerprint': () => ok({ url: 'https://10.0.0.2:8006', fingerprint: 'AB:CD:EF:01' }),
      'POST /api/setup/proxmox': [
        () => refusal(400, 'second_factor_required', 'root@pam signs in with a second factor.', { field: 'root_password' }),
        () => ok(lackingCheck),
        () => ok(readyCheck),
      ],
    })
    renderAt('/setup')
    await user.click(await screen.findByRole('button', { name: 'Read the certificate' }))
    expect(calls('POST /api/setup/proxmox/fingerprint')[0]?.body).toEqual({ url: 'https://10.0.0.2:8006' })
    expect(await screen.findByText('AB:CD:EF:01')).toBeTruthy()
    expect(screen.getByText(/System → Certificates/)).toBeTruthy()
    // Nothing to connect with until the admin says the fingerprint matches.
    expect(screen.queryByRole('tablist')).toBeNull()
    await user.click(screen.getByRole('checkbox', { name: 'It matches what Proxmox shows' }))

    await user.click(screen.getByRole('tab', { name: 'Create one with the root password' }))
    expect(screen.getByText(/used once and never stored/)).toBeTruthy()
    expect(screen.getByLabelText<HTMLInputElement>('Root user').value).toBe('root@pam')
    await user.type(screen.getByLabelText('Root password'), 'hunter22')
    await user.click(screen.getByRole('button', { name: 'Connect and check' }))
    expect(calls('POST /api/setup/proxmox')[0]?.body).toEqual({
      url: 'https://10.0.0.2:8006',
      fingerprint: 'AB:CD:EF:01',
      token_id: '',
      token_secret: '',
      root_user: 'root@pam',
      root_password: 'hunter22',
    })
    // Switched to the paste tab, saying why.
    const paste = await screen.findByRole('tab', { name: 'Paste an API token' })
    expect(paste.getAttribute('aria-selected')).toBe('true')
    expect(screen.getByRole('alert').textContent).toContain('signs in with a second factor')

    await user.type(screen.getByLabelText('Token ID'), 'nimbus@pve!nimbus')
    await user.type(screen.getByLabelText('Token secret'), 's3cret')
    await user.click(screen.getByRole('button', { name: 'Connect and check' }))
    const check = await screen.findByRole('region', { name: 'Connection check' })
    expect(check.textContent).toContain('8.3.2')
    expect(check.textContent).toContain('lab')
    expect(check.textContent).toContain('pve2 · offline')
    expect(check.textContent).toContain('local-lvm · lvmthin')
    const missing = within(check).getByRole('list', { name: 'Missing privileges' })
    expect(missing.textContent).toContain('VM.Console on /vms')
    expect(missing.textContent).toContain('Console')
    expect(missing.textContent).toContain('pveum acl modify /vms --tokens nimbus@pve!nimbus --roles NimbusProvisioner')
    expect(missing.textContent).toContain('Datacenter → Permissions → Add')
    expect(within(missing).getByRole('button', { name: 'Copy the command granting VM.Console on /vms' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Next: network' })).toHaveProperty('disabled', true)

    // Check again with the same token, once the privilege is granted.
    await user.click(screen.getByRole('button', { name: 'Check again' }))
    expect(calls('POST /api/setup/proxmox')[2]?.body).toEqual({
      url: 'https://10.0.0.2:8006',
      fingerprint: 'AB:CD:EF:01',
      token_id: 'nimbus@pve!nimbus',
      token_secret: 's3cret',
      root_user: '',
      root_password: '',
    })
    expect(await screen.findByText('Every privilege Nimbus needs is granted.')).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Next: network' }))
    expect(await screen.findByRole('form', { name: 'Network' })).toBeTruthy()
    expect(currentStep()).toContain('Network')
  })
})

describe('resuming', () => {
  it('opens at the first step not done, with earlier steps prefilled and reachable', async () => {
    const user = userEvent.setup()
    sessionStorage.setItem('nimbus.setup-token', 'tok')
    serveFetch({ 'GET /api/auth/status': setupRequired, 'GET /api/setup': () => ok(atAccess) })
    renderAt('/setup')
    expect(await screen.findByRole('form', { name: 'Access' })).toBeTruthy()
    expect(currentStep()).toContain('Access')
    await user.click(screen.getByRole('button', { name: /Network/ }))
    expect(screen.getByLabelText<HTMLInputElement>('Pool start').value).toBe('10.0.0.100')
    expect(screen.getByLabelText<HTMLInputElement>('Reserved addresses').value).toBe('10.0.0.120-10.0.0.129')
    expect(screen.getByRole('list', { name: 'Warnings' }).textContent).toContain('fewer than 10')
    await user.click(screen.getByRole('button', { name: /Proxmox/ }))
    expect(screen.getByText('AB:CD:EF')).toBeTruthy()
    expect(screen.getByLabelText<HTMLInputElement>('Token ID').value).toBe('nimbus@pve!nimbus')
    expect(screen.getByRole('button', { name: 'Next: network' })).toHaveProperty('disabled', false)
    // Admin and Templates are not reached yet.
    expect(screen.queryByRole('button', { name: /Admin/ })).toBeNull()
  })
})
