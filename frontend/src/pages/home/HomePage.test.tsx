import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, definition, json, member, ok, renderAt, scriptFetch } from '../../test/harness'

function statusCard() {
  return screen.getByRole('region', { name: 'Portal status' })
}

describe('home page', () => {
  it('shows the status and version the health endpoint reports', async () => {
    let answer!: (response: Response) => void
    const fetch = scriptFetch(
      authStatus(admin),
      () => new Promise<Response>((resolve) => (answer = resolve)),
    )
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

    expect(fetch).toHaveBeenCalledTimes(2)
    const request = fetch.mock.calls[1]?.[0] as Request
    expect(request.method).toBe('GET')
    expect(request.url).toBe('http://localhost:3000/api/health')
  })

  it('marks a degraded portal as a warning rather than healthy', async () => {
    scriptFetch(authStatus(admin), () => json(200, { success: true, data: { status: 'degraded', version: '1.2.3' } }))
    renderAt('/')

    await waitFor(() => {
      expect(definition(statusCard(), 'Status')).toBe('degraded')
    })
    expect(statusCard().querySelector('[data-tone]')?.getAttribute('data-tone')).toBe('warn')
    expect(definition(statusCard(), 'Proxmox')).toBe('—unknown')
  })

  it('hides the Proxmox row from members, whom the server does not tell', async () => {
    scriptFetch(authStatus(member), () => ok({ status: 'ok', version: '9.9.9' }))
    renderAt('/')

    await waitFor(() => {
      expect(definition(statusCard(), 'Version')).toBe('9.9.9')
    })
    expect(() => definition(statusCard(), 'Proxmox')).toThrow()
    expect(within(statusCard()).queryByText('Proxmox')).toBeNull()
  })

  it('says when Proxmox does not answer, with the reason on hover', async () => {
    scriptFetch(authStatus(admin), () =>
      json(200, {
        success: true,
        data: {
          status: 'degraded',
          version: '1.2.3',
          proxmox: { state: 'unreachable', message: 'Proxmox is unavailable: connection refused' },
        },
      }),
    )
    renderAt('/')

    await waitFor(() => {
      expect(definition(statusCard(), 'Proxmox')).toBe('unreachable')
    })
    const value = statusCard().querySelector('[title]')
    expect(value?.getAttribute('title')).toBe('Proxmox is unavailable: connection refused')
    expect(value?.getAttribute('data-tone')).toBe('bad')
  })

  it('shows the server error message and re-checks when Retry is pressed', async () => {
    const user = userEvent.setup()
    const fetch = scriptFetch(
      authStatus(admin),
      () =>
        json(503, { success: false, error: 'Database unavailable', code: 'dependency_down' }),
      () => json(200, { success: true, data: { status: 'ok', version: '9.9.9' } }),
    )
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
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  it('checks again on request once the portal has answered', async () => {
    const user = userEvent.setup()
    const fetch = scriptFetch(
      authStatus(admin),
      () => json(200, { success: true, data: { status: 'ok', version: '9.9.9' } }),
      () => json(200, { success: true, data: { status: 'degraded', version: '9.9.10' } }),
    )
    renderAt('/')

    await user.click(await screen.findByRole('button', { name: 'Check again' }))

    await waitFor(() => {
      expect(definition(statusCard(), 'Status')).toBe('degraded')
    })
    expect(definition(statusCard(), 'Version')).toBe('9.9.10')
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  it('says Nimbus did not answer when the request never reaches it', async () => {
    scriptFetch(authStatus(admin), () => new TypeError('Failed to fetch'))
    renderAt('/')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Nimbus did not answer: Failed to fetch')
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy()
  })

  it('falls back to the HTTP status when the error body is not the API error shape', async () => {
    scriptFetch(
      authStatus(admin),
      () =>
        new Response('<html><body>Bad gateway</body></html>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'Content-Type': 'text/html' },
        }),
    )
    renderAt('/')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Nimbus reported a problem: HTTP 502 Bad Gateway')
  })
})
