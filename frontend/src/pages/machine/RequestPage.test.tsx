import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { admin, authStatus, member, ok, renderAt, serveFetch } from '../../test/harness'
import { buildingVm, pendingVm, stubEventSource } from '../../test/vms'

const denied = pendingVm({
  status: 'denied',
  phase: 'denied',
  denied_reason: 'The cluster is short of memory this week: try a large machine.',
  decided_at: '2025-03-01T12:00:00Z',
})

afterEach(() => {
  vi.useRealTimers()
})

describe('a machine that is only a request', () => {
  it('says it waits for an admin, with the reason given, and can be withdrawn', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-9': () => ok(pendingVm()),
      'DELETE /api/vms/vm-9': () => ok(pendingVm({ status: 'deleting' }), 202),
    })
    const { router } = renderAt('/machines/vm-9')

    expect(await screen.findByText('Waiting for an admin’s approval')).toBeTruthy()
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('llm-box')
    expect(screen.getByText('pending approval').closest('[data-status]')?.getAttribute('data-status')).toBe('pending_approval')
    const reason = screen.getByText('Your reason').closest('figure')
    expect(reason?.textContent).toContain('Fine-tuning a model for the hackathon, needs 8 GB of RAM.')

    await user.click(screen.getByRole('button', { name: 'Withdraw request' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Withdraw the request for llm-box?' })
    expect(fetch.calls('DELETE /api/vms/vm-9')).toHaveLength(0)
    await user.click(within(dialog).getByRole('button', { name: 'Withdraw request' }))
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/machines')
    })
    expect(fetch.calls('DELETE /api/vms/vm-9')).toHaveLength(1)
  })

  it('asks about a waiting request every 3 s and follows the build once it is approved', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const events = stubEventSource()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-9': [
        () => ok(pendingVm()),
        () => ok(pendingVm()),
        () => ok(pendingVm({ status: 'provisioning', phase: 'requested' })),
        // The progress page reads it again, then follows its events.
        () => ok(buildingVm({ id: 'vm-9', hostname: 'llm-box' })),
      ],
    })
    const { router } = renderAt('/machines/vm-9')

    await screen.findByText('Waiting for an admin’s approval')
    expect(fetch.calls('GET /api/vms/vm-9')).toHaveLength(1)
    await act(() => vi.advanceTimersByTimeAsync(3_000))
    expect(fetch.calls('GET /api/vms/vm-9')).toHaveLength(2)
    expect(router.state.location.pathname).toBe('/machines/vm-9')

    await act(() => vi.advanceTimersByTimeAsync(3_000))
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/machines/vm-9/progress')
    })
    expect(await screen.findByRole('heading', { name: 'Hatching llm-box' })).toBeTruthy()
    expect(events.instances.map((source) => source.url)).toEqual(['/api/vms/vm-9/events'])
  })

  it('says why a request was denied, and dismisses it', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-9': () => ok(denied),
      'DELETE /api/vms/vm-9': () => ok({ ...denied, status: 'deleting' }, 202),
    })
    const { router } = renderAt('/machines/vm-9')

    const words = await screen.findByText('Denied:')
    expect(words.parentElement?.textContent).toBe('Denied: The cluster is short of memory this week: try a large machine.')
    await user.click(screen.getByRole('button', { name: 'Dismiss' }))
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/machines')
    })
    expect(fetch.calls('DELETE /api/vms/vm-9')).toHaveLength(1)
  })

  it('points an admin looking at someone else’s request to the approval queue', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(admin), 'GET /api/vms/vm-9': () => ok(pendingVm()) })
    renderAt('/machines/vm-9')

    await screen.findByText('Waiting for an admin’s approval')
    expect(screen.getByText('Their reason')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Withdraw request' })).toBeNull()
    expect(screen.getByRole('link', { name: 'Open the approval queue' }).getAttribute('href')).toBe('/admin/fleet')
  })

  it('sends the progress page of a waiting request to its own page', async () => {
    serveFetch({ 'GET /api/auth/status': authStatus(member), 'GET /api/vms/vm-9': () => ok(pendingVm()) })
    const { router } = renderAt('/machines/vm-9/progress')

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/machines/vm-9')
    })
    expect(await screen.findByText('Waiting for an admin’s approval')).toBeTruthy()
  })
})
