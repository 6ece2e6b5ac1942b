import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Vm } from '../../api/types'
import { authStatus, definition, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { buildingVm, pendingVm, runningVm } from '../../test/vms'

/** An ISO time `seconds` before now. */
function ago(seconds: number): string {
  return new Date(Date.now() - seconds * 1000).toISOString()
}

function web1(fields: Parameters<typeof runningVm>[0] = {}): Vm {
  return runningVm({ status_at: ago(5), ...fields })
}

function db1(fields: Parameters<typeof runningVm>[0] = {}): Vm {
  return runningVm({
    id: 'vm-2',
    hostname: 'db-1',
    ip: '10.0.0.8',
    tier: 'small',
    vcpus: 1,
    memory_mib: 1024,
    disk_gib: 15,
    status: 'stopped',
    status_at: ago(150),
    ...fields,
  })
}

function row(hostname: string): HTMLElement {
  return screen.getByRole('listitem', { name: hostname })
}

function statusOf(hostname: string): string | null | undefined {
  return row(hostname).querySelector('[data-status]')?.textContent
}

/** The names of a row's buttons, in order. */
function buttonsOf(hostname: string): (string | null)[] {
  return within(row(hostname))
    .queryAllByRole('button')
    .map((button) => button.getAttribute('aria-label'))
}

afterEach(() => {
  vi.useRealTimers()
})

describe('my machines page', () => {
  it('lists each machine with its address, size, status and how fresh that status is', async () => {
    // Read before the page opens, so its clock is at least as late as the fixtures'.
    const vms = [
      buildingVm({ id: 'vm-4', hostname: 'api-2', ip: null }),
      runningVm({ id: 'vm-3', hostname: 'ml-box', status: 'unknown', status_at: null }),
      db1(),
      web1(),
    ]
    serveFetch({ 'GET /api/auth/status': authStatus(member), 'GET /api/vms': () => ok(vms) })
    renderAt('/machines')

    const list = await screen.findByRole('list', { name: 'My machines' })
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('My machines.')
    expect(within(list).getAllByRole('listitem').map((item) => item.getAttribute('data-machine'))).toEqual([
      'vm-4',
      'vm-3',
      'vm-2',
      'vm-1',
    ])
    expect(within(row('web-1')).getByRole('link', { name: 'web-1' }).getAttribute('href')).toBe('/machines/vm-1')
    expect(within(row('api-2')).getByRole('link', { name: 'api-2' }).getAttribute('href')).toBe('/machines/vm-4/progress')

    expect(row('web-1').querySelector('[data-field="status"]')?.textContent).toBe('running · checked 5 s ago')
    expect(row('db-1').querySelector('[data-field="status"]')?.textContent).toBe('stopped · checked 2 min ago')
    expect(row('ml-box').querySelector('[data-field="status"]')?.textContent).toBe('unknown · Proxmox did not answer')
    expect(statusOf('api-2')).toBe('provisioning')

    expect(row('web-1').textContent).toContain('10.0.0.7 · 2 vCPU · 2 GiB RAM · 30 GiB disk · created')
    expect(row('db-1').textContent).toContain('10.0.0.8 · 1 vCPU · 1 GiB RAM · 15 GiB disk')
    expect(row('api-2').textContent).toContain('no address yet')
    expect(within(row('db-1')).getByText('small')).toBeTruthy()
    expect(screen.getByText('Yours · 4 machines')).toBeTruthy()
  })

  it('offers the actions each status allows', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms': () =>
        ok([
          web1(),
          db1(),
          runningVm({ id: 'vm-3', hostname: 'ml-box', status: 'unknown' }),
          buildingVm({ id: 'vm-4', hostname: 'api-2' }),
          runningVm({ id: 'vm-5', hostname: 'old-1', status: 'deleting' }),
          runningVm({ id: 'vm-6', hostname: 'cache-1', status: 'rebooting' }),
        ]),
    })
    renderAt('/machines')

    await screen.findByRole('list', { name: 'My machines' })
    expect(buttonsOf('web-1')).toEqual([
      'Shut down: web-1',
      'Reboot: web-1',
      'Stop: web-1',
      'Delete: web-1',
      'Details: web-1',
    ])
    expect(buttonsOf('db-1')).toEqual(['Start: db-1', 'Delete: db-1', 'Details: db-1'])
    expect(buttonsOf('ml-box')).toEqual(['Delete: ml-box', 'Details: ml-box'])
    expect(buttonsOf('api-2')).toEqual(['Details: api-2'])
    expect(buttonsOf('old-1')).toEqual(['Details: old-1'])
    expect(buttonsOf('cache-1')).toEqual(['Delete: cache-1', 'Details: cache-1'])
  })

  it('asks before stopping, sends the stop and shows the machine stopping at once', async () => {
    const user = userEvent.setup()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms': () => ok([web1()]),
      'POST /api/vms/vm-1/stop': () => ok(web1({ status: 'stopping' }), 202),
    })
    renderAt('/machines')

    await user.click(await screen.findByRole('button', { name: 'Stop: web-1' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Stop web-1?' })
    expect(dialog.textContent).toContain('like pulling the plug')
    expect(fetch.calls('POST /api/vms/vm-1/stop')).toHaveLength(0)

    // Cancel closes it and sends nothing; asking again and confirming sends the stop.
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(fetch.calls('POST /api/vms/vm-1/stop')).toHaveLength(0)

    await user.click(screen.getByRole('button', { name: 'Stop: web-1' }))
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Stop' }))

    await waitFor(() => {
      expect(statusOf('web-1')).toBe('stopping')
    })
    expect(fetch.calls('POST /api/vms/vm-1/stop')).toHaveLength(1)
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(buttonsOf('web-1')).toEqual(['Delete: web-1', 'Details: web-1'])
    expect(document.activeElement).toBe(within(row('web-1')).getByRole('link', { name: 'web-1' }))
  })

  it('deletes after a confirmation that says what goes, and drops the machine once it is gone', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) })
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms': [() => ok([web1(), db1()]), () => ok([web1({ status: 'deleting' }), db1()]), () => ok([db1()])],
      'DELETE /api/vms/vm-1': () => ok(web1({ status: 'deleting' }), 202),
    })
    renderAt('/machines')

    await user.click(await screen.findByRole('button', { name: 'Delete: web-1' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Delete web-1?' })
    expect(dialog.textContent).toContain(
      'The VM is removed from Proxmox with its disk, its address 10.0.0.7 is released and its generated key “web-1” is removed. This cannot be undone.',
    )
    await user.click(within(dialog).getByRole('button', { name: 'Delete web-1' }))

    await waitFor(() => {
      expect(statusOf('web-1')).toBe('deleting')
    })
    expect(fetch.calls('DELETE /api/vms/vm-1')).toHaveLength(1)
    expect(buttonsOf('web-1')).toEqual(['Details: web-1'])

    await act(() => vi.advanceTimersByTimeAsync(2_000))
    expect(statusOf('web-1')).toBe('deleting')
    await act(() => vi.advanceTimersByTimeAsync(2_000))
    await waitFor(() => {
      expect(screen.queryByRole('listitem', { name: 'web-1' })).toBeNull()
    })
    expect(row('db-1')).toBeTruthy()
    expect(screen.getAllByRole('status').some((status) => status.textContent === 'Deleted web-1.')).toBe(true)
  })

  it('shows why Nimbus refused an action, in its words', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms': () => ok([db1()]),
      'POST /api/vms/vm-2/start': () => refusal(409, 'conflict', 'db-1 is already running.'),
    })
    renderAt('/machines')

    await user.click(await screen.findByRole('button', { name: 'Start: db-1' }))

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not start db-1: db-1 is already running.')
    expect(alert.textContent).toContain('conflict · request req-1')
    expect(statusOf('db-1')).toBe('stopped')
  })

  it('keeps refreshing while a machine is changing, and stops once none is', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const stopping = web1({ status: 'stopping' })
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms': [() => ok([stopping]), () => ok([stopping]), () => ok([web1({ status: 'stopped' })])],
    })
    renderAt('/machines')

    await waitFor(() => {
      expect(statusOf('web-1')).toBe('stopping')
    })
    expect(fetch.calls('GET /api/vms')).toHaveLength(1)

    await act(() => vi.advanceTimersByTimeAsync(2_000))
    expect(fetch.calls('GET /api/vms')).toHaveLength(2)
    await act(() => vi.advanceTimersByTimeAsync(2_000))
    expect(fetch.calls('GET /api/vms')).toHaveLength(3)
    await waitFor(() => {
      expect(statusOf('web-1')).toBe('stopped')
    })

    // Nothing is changing any more: no more reads, however long the page stays open.
    await act(() => vi.advanceTimersByTimeAsync(20_000))
    expect(fetch.calls('GET /api/vms')).toHaveLength(3)
  })

  it('does not let a read begun before an action put back the status from before it', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) })
    let answer!: (response: Response) => void
    const starting = db1({ status: 'starting' })
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms': [
        () => ok([web1(), starting]),
        () => new Promise<Response>((resolve) => (answer = resolve)),
        () => ok([web1({ status: 'stopped' }), db1({ status: 'running' })]),
      ],
      'POST /api/vms/vm-1/stop': () => ok(web1({ status: 'stopping' }), 202),
    })
    renderAt('/machines')

    await screen.findByRole('list', { name: 'My machines' })
    await act(() => vi.advanceTimersByTimeAsync(2_000))
    await user.click(screen.getByRole('button', { name: 'Stop: web-1' }))
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Stop' }))
    await waitFor(() => {
      expect(statusOf('web-1')).toBe('stopping')
    })

    // The read sent before the stop answers now, with the machine still running: it is dropped.
    await act(async () => {
      answer(ok([web1(), starting]))
      await Promise.resolve()
    })
    expect(statusOf('web-1')).toBe('stopping')

    await act(() => vi.advanceTimersByTimeAsync(2_000))
    await waitFor(() => {
      expect(statusOf('web-1')).toBe('stopped')
    })
    expect(statusOf('db-1')).toBe('running')
  })

  it('shows requests waiting for approval and denied ones, to withdraw or dismiss', async () => {
    const user = userEvent.setup()
    const denied = pendingVm({ id: 'vm-8', hostname: 'gpu-box', status: 'denied', phase: 'denied', denied_reason: 'Not this week.' })
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms': () => ok([pendingVm(), denied]),
      'DELETE /api/vms/vm-8': () => ok({ ...denied, status: 'deleting' }, 202),
    })
    renderAt('/machines')

    await screen.findByRole('list', { name: 'My machines' })
    expect(statusOf('llm-box')).toBe('pending approval')
    expect(statusOf('gpu-box')).toBe('denied')
    expect(row('llm-box').textContent).toContain('Waiting for an admin’s approval. You said: “Fine-tuning a model')
    expect(row('gpu-box').textContent).toContain('Denied: Not this week.')
    expect(within(row('llm-box')).getByRole('link', { name: 'llm-box' }).getAttribute('href')).toBe('/machines/vm-9')
    expect(buttonsOf('llm-box')).toEqual(['Withdraw: llm-box', 'Details: llm-box'])
    expect(buttonsOf('gpu-box')).toEqual(['Dismiss: gpu-box', 'Details: gpu-box'])

    // Withdrawing asks first; dismissing a denied request does not.
    await user.click(screen.getByRole('button', { name: 'Withdraw: llm-box' }))
    expect(screen.getByRole('alertdialog', { name: 'Withdraw the request for llm-box?' })).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    await user.click(screen.getByRole('button', { name: 'Dismiss: gpu-box' }))
    await waitFor(() => {
      expect(fetch.calls('DELETE /api/vms/vm-8')).toHaveLength(1)
    })
  })

  it('shows the latest note under the row and the rest in the details', async () => {
    const user = userEvent.setup()
    const note = 'The guest did not shut down within two minutes; it is still running. Use Stop to power it off.'
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms': () => ok([web1({ notes: ['An older note.', note] })]),
    })
    renderAt('/machines')

    expect((await screen.findByRole('note')).textContent).toBe(note)

    const details = within(row('web-1')).getByRole('button', { name: 'Details: web-1' })
    expect(details.getAttribute('aria-expanded')).toBe('false')
    await user.click(details)
    expect(details.getAttribute('aria-expanded')).toBe('true')
    const panel = document.getElementById(details.getAttribute('aria-controls') ?? '')
    if (!panel) throw new Error('Details controls nothing')

    expect(within(panel).getByLabelText('SSH command', { selector: 'code' }).textContent).toBe('ssh ubuntu@10.0.0.7')
    expect(definition(panel, 'Node')).toBe('atlas')
    expect(definition(panel, 'VMID')).toBe('104')
    const notes = within(panel).getByRole('list', { name: 'Notes on web-1' })
    expect(within(notes).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['An older note.', note])
    const steps = within(panel).getByRole('list', { name: 'Provisioning steps of web-1' })
    expect(steps.querySelectorAll('li[data-state="done"]')).toHaveLength(7)

    await user.click(details)
    expect(details.getAttribute('aria-expanded')).toBe('false')
    expect(within(row('web-1')).queryByRole('list', { name: 'Provisioning steps of web-1' })).toBeNull()
  })

  it('says why a failed machine failed in its details', async () => {
    const user = userEvent.setup()
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms': () =>
        ok([
          buildingVm({
            status: 'failed',
            phase: 'rolled_back',
            failure: { step: 'clone', reason: 'No space left on the storage.', code: 'failed' },
          }),
        ]),
    })
    renderAt('/machines')

    await user.click(await screen.findByRole('button', { name: 'Details: web-1' }))
    expect(row('web-1').textContent).toContain('Clone the template failed: No space left on the storage.')
    expect(within(row('web-1')).getByRole('link', { name: 'web-1' }).getAttribute('href')).toBe('/machines/vm-1/progress')
  })

  it('offers to provision when there is no machine yet, and is in the nav', async () => {
    const user = userEvent.setup()
    serveFetch({ 'GET /api/auth/status': authStatus(member), 'GET /api/keys': () => ok([]) })
    const { router } = renderAt('/machines')

    expect(await screen.findByRole('heading', { name: 'No machines yet' })).toBeTruthy()
    expect(screen.queryByRole('list', { name: 'My machines' })).toBeNull()
    const nav = screen.getByRole('navigation', { name: 'Primary' })
    expect(within(nav).getAllByRole('link').map((link) => link.textContent)).toEqual([
      'Home',
      'Provision',
      'My machines',
      'Keys',
      'GPU',
    ])
    expect(within(nav).getByRole('link', { name: 'My machines' }).getAttribute('aria-current')).toBe('page')

    await user.click(screen.getByRole('link', { name: 'Provision a machine' }))
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/provision')
    })
  })
})
