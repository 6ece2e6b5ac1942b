import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, definition, json, member, ok, renderAt, serveFetch } from '../../test/harness'
import { buildingVm, runningVm } from '../../test/vms'

function statusCard() {
  return screen.getByRole('region', { name: 'Portal status' })
}

describe('home page', () => {
  it('shows the status and version the health endpoint reports', async () => {
    let answer!: (response: Response) => void
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/health': () => new Promise<Response>((resolve) => (answer = resolve)),
    })
    renderAt('/')

    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('Spin up a machine.')
    await waitFor(() => {
      expect(definition(statusCard(), 'Status')).toBe('Checking…')
    })

    answer(
      json(200, {
        success: true,
        data: { status: 'ok', version: '9.9.9', proxmox: { state: 'reachable', version: '8.4.1' } },
      }),
    )

    await waitFor(() => {
      expect(definition(statusCard(), 'Status')).toBe('ok')
    })
    expect(definition(statusCard(), 'Version')).toBe('9.9.9')
    expect(definition(statusCard(), 'Proxmox')).toBe('VE 8.4.1 · reachable')
    expect(statusCard().querySelector('[data-tone]')?.getAttribute('data-tone')).toBe('good')
    expect(screen.queryByRole('alert')).toBeNull()

    const [health] = fetch.calls('GET /api/health')
    expect(health?.request.url).toBe('http://localhost:3000/api/health')
  })

  it('marks a degraded portal as a warning rather than healthy', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/health': () => json(200, { success: true, data: { status: 'degraded', version: '1.2.3' } }),
    })
    renderAt('/')

    await waitFor(() => {
      expect(definition(statusCard(), 'Status')).toBe('degraded')
    })
    expect(statusCard().querySelector('[data-tone]')?.getAttribute('data-tone')).toBe('warn')
    expect(definition(statusCard(), 'Proxmox')).toBe('—unknown')
  })

  it('hides the Proxmox row from members, whom the server does not tell', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(member), 'GET /api/health': () => ok({ status: 'ok', version: '9.9.9' }) })
    renderAt('/')

    await waitFor(() => {
      expect(definition(statusCard(), 'Version')).toBe('9.9.9')
    })
    expect(() => definition(statusCard(), 'Proxmox')).toThrow()
    expect(within(statusCard()).queryByText('Proxmox')).toBeNull()
  })

  it('says when Proxmox does not answer, with the reason on hover', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/health': () =>
        json(200, {
          success: true,
          data: {
            status: 'degraded',
            version: '1.2.3',
            proxmox: { state: 'unreachable', message: 'Proxmox is unavailable: connection refused' },
          },
        }),
    })
    renderAt('/')

    await waitFor(() => {
      expect(definition(statusCard(), 'Proxmox')).toBe('unreachable')
    })
    const value = statusCard().querySelector('[title]')
    expect(value?.getAttribute('title')).toBe('Proxmox is unavailable: connection refused')
    expect(value?.getAttribute('data-tone')).toBe('bad')
  })

  it('warns admins when Proxmox certificates are not checked, and only then', async () => {
    const proxmox = { state: 'reachable', version: '8.4.1' }
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/health': [
        () => ok({ status: 'ok', version: '9.9.9', proxmox: { ...proxmox, insecure_tls: true } }),
        () => ok({ status: 'ok', version: '9.9.9', proxmox: { ...proxmox, insecure_tls: false } }),
      ],
    })
    const user = userEvent.setup()
    renderAt('/')

    const warning = await screen.findByText(/certificate is not checked/)
    expect(warning.parentElement?.textContent).toContain('nimbus proxmox-fingerprint HOST')
    await user.click(within(statusCard()).getByRole('button', { name: 'Check again' }))
    await waitFor(() => {
      expect(within(statusCard()).queryByText(/certificate is not checked/)).toBeNull()
    })
    expect(definition(statusCard(), 'Proxmox')).toBe('VE 8.4.1 · reachable')
  })

  it('shows the server error message and re-checks when Retry is pressed', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/health': [
        () => json(503, { success: false, error: 'Database unavailable', code: 'dependency_down' }),
        () => json(200, { success: true, data: { status: 'ok', version: '9.9.9' } }),
      ],
    })
    renderAt('/')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Nimbus reported a problem: Database unavailable')
    expect(alert.textContent).toContain('dependency_down')
    expect(definition(statusCard(), 'Status')).toBe('unavailable')
    expect(definition(statusCard(), 'Version')).toBe('—unknown')

    await user.click(within(alert).getByRole('button', { name: 'Retry' }))

    await waitFor(() => {
      expect(definition(statusCard(), 'Status')).toBe('ok')
    })
    expect(definition(statusCard(), 'Version')).toBe('9.9.9')
    expect(screen.queryByRole('alert')).toBeNull()
    expect(fetch.calls('GET /api/health')).toHaveLength(2)
  })

  it('checks again on request once the portal has answered', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/health': [
        () => json(200, { success: true, data: { status: 'ok', version: '9.9.9' } }),
        () => json(200, { success: true, data: { status: 'degraded', version: '9.9.10' } }),
      ],
    })
    renderAt('/')
    // The button only acts once the first answer is in (it stays in place, disabled, until then).
    await waitFor(() => {
      expect(definition(statusCard(), 'Status')).toBe('ok')
    })

    await user.click(screen.getByRole('button', { name: 'Check again' }))

    await waitFor(() => {
      expect(definition(statusCard(), 'Status')).toBe('degraded')
    })
    expect(definition(statusCard(), 'Version')).toBe('9.9.10')
    expect(fetch.calls('GET /api/health')).toHaveLength(2)
  })

  it('says Nimbus did not answer when the request never reaches it', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(admin), 'GET /api/health': () => new TypeError('Failed to fetch') })
    renderAt('/')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Nimbus did not answer: Failed to fetch')
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy()
  })

  it('falls back to the HTTP status when the error body is not the API error shape', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/health': () =>
        new Response('<html><body>Bad gateway</body></html>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'Content-Type': 'text/html' },
        }),
    })
    renderAt('/')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Nimbus reported a problem: HTTP 502 Bad Gateway')
  })

  it('lists the person’s machines, each linking to its credentials or, while built or failed, its timeline', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/health': () => ok({ status: 'ok', version: '9.9.9' }),
      'GET /api/vms': () =>
        ok([
          buildingVm({ id: 'vm-3', hostname: 'api-2', ip: null }),
          buildingVm({ id: 'vm-2', hostname: 'ml-box', status: 'failed', phase: 'rolled_back' }),
          runningVm(),
        ]),
      'GET /api/keys': () => ok([]),
    })
    const { router } = renderAt('/')

    const list = await screen.findByRole('list', { name: 'Your machines' })
    const rows = within(list).getAllByRole('listitem')
    expect(rows.map((row) => within(row).getByRole('link').getAttribute('href'))).toEqual([
      '/machines/vm-3/progress',
      '/machines/vm-2/progress',
      '/machines/vm-1',
    ])
    expect(rows.map((row) => row.querySelector('[data-status]')?.textContent)).toEqual(['provisioning', 'failed', 'running'])
    expect(rows[0]?.textContent).toContain('no address yet')
    expect(rows[2]?.textContent).toContain('10.0.0.7 · medium')
    expect(screen.getByRole('link', { name: 'See all your machines' }).getAttribute('href')).toBe('/machines')

    await user.click(screen.getByRole('link', { name: 'New machine' }))
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/provision')
    })
  })

  it('offers to provision the first machine when there is none', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(member), 'GET /api/health': () => ok({ status: 'ok', version: '9.9.9' }) })
    renderAt('/')

    const first = await screen.findByRole('link', { name: 'Provision your first one' })
    expect(first.getAttribute('href')).toBe('/provision')
    expect(screen.getByRole('region', { name: 'Your machines' }).textContent).toContain('0 machines.')
  })
})
