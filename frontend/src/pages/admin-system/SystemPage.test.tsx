import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { Job } from '../../api/types'
import { admin, authStatus, definition, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()

const reconcile: Job = {
  name: 'ip_reconcile',
  title: 'Reconcile the IP pool',
  interval_seconds: 300,
  last_run_at: minutesAgo(3),
  duration_ms: 1240,
  outcome: 'ok',
  summary: '2 addresses applied, 98 unchanged.',
}
const drift: Job = {
  name: 'drift_watch',
  title: 'Notice machines changed behind Nimbus’s back',
  interval_seconds: 30,
  last_run_at: minutesAgo(1),
  duration_ms: 40,
  outcome: 'warning',
  summary: 'Proxmox answered for 4 of 5 nodes.',
}
const sweep: Job = { name: 'lan_sweep', title: 'Sweep the LAN for addresses in use', interval_seconds: 3600 }

function jobItem(title: string) {
  return screen.getByRole('listitem', { name: title })
}

describe('admin system page', () => {
  it('lists the background jobs in order: how often, when each last ran, how long, how it went and what it did', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/system/jobs': () => ok({ jobs: [reconcile, drift, sweep] }),
      'GET /api/cluster/stats': () => refusal(503, 'proxmox_unavailable', 'Proxmox did not answer.'),
      'GET /api/approvals': () => ok([]),
      'GET /api/metrics/provisions': () => refusal(503, 'proxmox_unavailable', 'Proxmox did not answer.'),
    })
    const { router } = renderAt('/admin/fleet')

    const adminNav = await screen.findByRole('navigation', { name: 'Admin' })
    await user.click(within(adminNav).getByRole('link', { name: 'System' }))
    const list = await screen.findByRole('list', { name: 'Background jobs' })
    expect(router.state.location.pathname).toBe('/admin/system')
    const current = within(screen.getByRole('navigation', { name: 'Admin' })).getByRole('link', { name: 'System' })
    expect(current.getAttribute('aria-current')).toBe('page')

    expect(within(list).getAllByRole('heading').map((heading) => heading.textContent)).toEqual([
      'Reconcile the IP pool',
      'Notice machines changed behind Nimbus’s back',
      'Sweep the LAN for addresses in use',
    ])
    const first = jobItem('Reconcile the IP pool')
    expect(first.textContent).toContain('ip_reconcile · every 5 min')
    expect(definition(first, 'Last run')).toBe('3 minutes ago')
    expect(within(first).getByText('3 minutes ago').getAttribute('datetime')).toBe(reconcile.last_run_at)
    expect(definition(first, 'Took')).toBe('1.2 s')
    expect(within(first).getByText('ok').getAttribute('data-outcome')).toBe('ok')
    expect(first.textContent).toContain('2 addresses applied, 98 unchanged.')

    const second = jobItem('Notice machines changed behind Nimbus’s back')
    expect(second.textContent).toContain('drift_watch · every 30 s')
    expect(definition(second, 'Took')).toBe('40 ms')
    // The outcome is said in words, not only in colour.
    expect(within(second).getByText('warning')).toBeTruthy()

    const never = jobItem('Sweep the LAN for addresses in use')
    expect(never.textContent).toContain('lan_sweep · every 1 h')
    expect(definition(never, 'Last run')).toBe('Never run yet')
    expect(never.querySelector('[data-outcome]')).toBeNull()
    expect(screen.getByText('3 jobs, in the order Nimbus started them.')).toBeTruthy()
  })

  it('reads the jobs again on Refresh, keeping the list on screen until the answer', async () => {
    const user = userEvent.setup()
    let answer: (response: Response) => void = () => undefined
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/system/jobs': [
        () => ok({ jobs: [reconcile, sweep] }),
        () =>
          new Promise<Response>((resolve) => {
            answer = resolve
          }),
      ],
    })
    renderAt('/admin/system')

    await screen.findByRole('list', { name: 'Background jobs' })
    await user.click(screen.getByRole('button', { name: 'Refresh' }))

    const button = screen.getByRole('button', { name: 'Refreshing…' })
    expect(button.getAttribute('aria-disabled')).toBe('true')
    expect(definition(jobItem('Sweep the LAN for addresses in use'), 'Last run')).toBe('Never run yet')
    await user.click(button)
    expect(fetch.calls('GET /api/system/jobs')).toHaveLength(2)

    answer(ok({ jobs: [reconcile, { ...sweep, last_run_at: minutesAgo(0), duration_ms: 65_000, outcome: 'failed', summary: 'The LAN did not answer.' }] }))
    await waitFor(() => {
      expect(definition(jobItem('Sweep the LAN for addresses in use'), 'Last run')).toBe('just now')
    })
    const swept = jobItem('Sweep the LAN for addresses in use')
    expect(definition(swept, 'Took')).toBe('1 min 5 s')
    expect(within(swept).getByText('failed')).toBeTruthy()
    expect(swept.textContent).toContain('The LAN did not answer.')
    expect(screen.getByRole('button', { name: 'Refresh' }).getAttribute('aria-disabled')).toBeNull()
  })

  it('shows a failed read with a retry', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/system/jobs': [() => new TypeError('Failed to fetch'), () => ok({ jobs: [reconcile] })],
    })
    renderAt('/admin/system')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not load the jobs: Failed to fetch')
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))

    expect(await screen.findByRole('listitem', { name: 'Reconcile the IP pool' })).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('is for admins only: a member is told so and nothing is read', async () => {
    const fetch = serveFetch({ 'GET /api/auth/status': authStatus(member) })
    renderAt('/admin/system')

    expect(await screen.findByRole('heading', { name: 'Admins only' })).toBeTruthy()
    expect(fetch.calls('GET /api/system/jobs')).toHaveLength(0)
  })
})
