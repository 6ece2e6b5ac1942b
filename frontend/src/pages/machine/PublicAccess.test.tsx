import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { PublicSsh } from '../../api/types'
import { authStatus, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { runningVm } from '../../test/vms'

const COMMAND = 'ssh -p 40022 ubuntu@gopher.example.com'
const MANUAL = 'curl -fsSL https://nimbus.lan/bootstrap/tok-1 | sudo sh'

function withPublicSsh(publicSsh: PublicSsh) {
  return runningVm({ public_ssh: publicSsh })
}

/** The machine page of vm-1 as `vm` answers (several answers: successive reads). */
function machinePage(vm: ReturnType<typeof runningVm> | (() => Response)[], extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(member),
    'GET /api/vms/vm-1': Array.isArray(vm) ? vm : () => ok(vm),
    'GET /api/vms/vm-1/tunnels': () => ok({ items: [] }),
    'GET /api/tunnels/info': () => ok({ enabled: true, host: 'gopher.example.com', quota: 5, used: 0 }),
    ...extra,
  })
}

function publicAccess() {
  return screen.getByRole('region', { name: 'Public SSH' })
}

/** The value shown under a credential's label (the <code> it names). */
function credential(label: string): string {
  return screen.getByLabelText(label, { selector: 'code' }).textContent
}

afterEach(() => {
  vi.useRealTimers()
})

describe('public SSH on the machine page', () => {
  it('shows the LAN and the public SSH command, each with its copy button', async () => {
    const user = userEvent.setup()
    machinePage(withPublicSsh({ state: 'connected', host: 'gopher.example.com', port: 40022, command: COMMAND, can_retry: false }))
    renderAt('/machines/vm-1')

    await screen.findByRole('region', { name: 'Public SSH' })
    expect(credential('SSH on the LAN')).toBe('ssh ubuntu@10.0.0.7')
    expect(credential('SSH from anywhere')).toBe(COMMAND)
    expect(publicAccess().textContent).toContain('connected')

    await user.click(screen.getByRole('button', { name: 'Copy the public SSH command' }))
    expect(await navigator.clipboard.readText()).toBe(COMMAND)
    await user.click(screen.getByRole('button', { name: 'Copy the LAN SSH command' }))
    expect(await navigator.clipboard.readText()).toBe('ssh ubuntu@10.0.0.7')
  })

  it('says the public port was not reported instead of making one up', async () => {
    machinePage(withPublicSsh({ state: 'connected', can_retry: false }))
    renderAt('/machines/vm-1')

    await screen.findByRole('region', { name: 'Public SSH' })
    expect(publicAccess().textContent).toContain('Connected through Gopher; the public port was not reported.')
    expect(screen.queryByLabelText('SSH from anywhere', { selector: 'code' })).toBeNull()
    expect(credential('SSH on the LAN')).toBe('ssh ubuntu@10.0.0.7')
  })

  it('says public SSH is being opened, and asks again until it is connected', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const fetch = machinePage([
      () => ok(withPublicSsh({ state: 'exposing', can_retry: false })),
      () => ok(withPublicSsh({ state: 'exposing', can_retry: false })),
      () => ok(withPublicSsh({ state: 'connected', command: COMMAND, can_retry: false })),
    ])
    renderAt('/machines/vm-1')

    await screen.findByRole('region', { name: 'Public SSH' })
    expect(publicAccess().textContent).toContain('exposing')
    expect(publicAccess().textContent).toContain('Opening public SSH through Gopher…')
    expect(fetch.calls('GET /api/vms/vm-1')).toHaveLength(1)

    await act(() => vi.advanceTimersByTimeAsync(3_000))
    expect(fetch.calls('GET /api/vms/vm-1')).toHaveLength(2)
    await act(() => vi.advanceTimersByTimeAsync(3_000))
    await waitFor(() => {
      expect(credential('SSH from anywhere')).toBe(COMMAND)
    })
    expect(fetch.calls('GET /api/vms/vm-1')).toHaveLength(3)

    // Connected: nothing more to wait for.
    await act(() => vi.advanceTimersByTimeAsync(30_000))
    expect(fetch.calls('GET /api/vms/vm-1')).toHaveLength(3)
  })

  it('shows why it failed, the command to run inside the machine, and retries public access', async () => {
    const user = userEvent.setup()
    const failed = withPublicSsh({
      state: 'failed',
      error: 'The guest agent never answered, so the tunnel client could not be installed.',
      manual_command: MANUAL,
      can_retry: true,
    })
    const fetch = machinePage([() => ok(failed), () => ok(failed)], {
      'POST /api/vms/vm-1/public-ssh/retry': () => ok(withPublicSsh({ state: 'exposing', can_retry: false }), 202),
    })
    renderAt('/machines/vm-1')

    await screen.findByRole('region', { name: 'Public SSH' })
    const region = publicAccess()
    expect(region.textContent).toContain('failed')
    expect(region.textContent).toContain('The guest agent never answered, so the tunnel client could not be installed.')
    expect(credential('Run this inside the machine')).toBe(MANUAL)
    await user.click(within(region).getByRole('button', { name: 'Copy the command to run inside the machine' }))
    expect(await navigator.clipboard.readText()).toBe(MANUAL)

    await user.click(within(region).getByRole('button', { name: 'Retry public access' }))
    await waitFor(() => {
      expect(publicAccess().textContent).toContain('Opening public SSH through Gopher…')
    })
    expect(fetch.calls('POST /api/vms/vm-1/public-ssh/retry')).toHaveLength(1)
    expect(within(publicAccess()).queryByRole('button', { name: 'Retry public access' })).toBeNull()
  })

  it('offers no retry when it cannot be retried, and says why a retry was refused', async () => {
    const user = userEvent.setup()
    machinePage(withPublicSsh({ state: 'failed', error: 'Gopher refused the machine.', can_retry: false }), {
      'GET /api/vms/vm-2': () =>
        ok(runningVm({ id: 'vm-2', public_ssh: { state: 'failed', error: 'Gopher timed out.', can_retry: true } })),
      'POST /api/vms/vm-2/public-ssh/retry': () =>
        refusal(503, 'gateway_unavailable', 'Gopher does not answer: try again in a minute.'),
    })
    const { router } = renderAt('/machines/vm-1')

    await screen.findByRole('region', { name: 'Public SSH' })
    expect(within(publicAccess()).queryByRole('button', { name: 'Retry public access' })).toBeNull()
    expect(screen.queryByLabelText('Run this inside the machine', { selector: 'code' })).toBeNull()

    await router.navigate('/machines/vm-2')
    await user.click(await screen.findByRole('button', { name: 'Retry public access' }))
    const alert = await within(publicAccess()).findByRole('alert')
    expect(alert.textContent).toContain('Gopher does not answer: try again in a minute.')
  })

  it('shows nothing about public SSH for a machine that did not ask for it', async () => {
    machinePage(runningVm())
    renderAt('/machines/vm-1')

    await screen.findByRole('heading', { level: 1 })
    expect(screen.queryByRole('region', { name: 'Public SSH' })).toBeNull()
    expect(credential('SSH command')).toBe('ssh ubuntu@10.0.0.7')
  })
})
