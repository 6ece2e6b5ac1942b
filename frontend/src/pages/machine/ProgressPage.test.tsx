import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { authStatus, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { buildingVm, runningVm, stubEventSource } from '../../test/vms'

function steps() {
  return screen.getByRole('list', { name: 'Provisioning steps' })
}

function step(label: string) {
  const item = within(steps())
    .getAllByRole('listitem')
    .find((li) => li.textContent.startsWith(label))
  if (!item) throw new Error(`no step “${label}”`)
  return item
}

const failedVm = buildingVm({
  status: 'failed',
  phase: 'rolled_back',
  current_step: null,
  vmid: null,
  node: null,
  failure: { step: 'clone', reason: 'The template ubuntu-24.04 is missing on atlas.', code: 'no_template' },
  steps: buildingVm().steps.slice(0, 2),
  can_retry: true,
})

describe('progress page', () => {
  it('draws the timeline: done steps with what they produced, the one under way, the rest to come', async () => {
    const events = stubEventSource()
    serveFetch({ 'GET /api/auth/status': authStatus(member), 'GET /api/vms/vm-1': () => ok(buildingVm()) })
    const { router } = renderAt('/machines/vm-1/progress')

    await screen.findByRole('list', { name: 'Provisioning steps' })
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Hatching web-1')
    expect(steps().getAttribute('aria-live')).toBe('polite')
    const labels = within(steps())
      .getAllByRole('listitem')
      .map((li) => [li.getAttribute('data-step'), li.getAttribute('data-state')])
    expect(labels).toEqual([
      ['reserve_ip', 'done'],
      ['place_vm', 'done'],
      ['clone', 'done'],
      ['configure', 'current'],
      ['resize', 'pending'],
      ['start', 'pending'],
      ['wait_ready', 'pending'],
    ])
    expect(step('Reserve an address').textContent).toBe('Reserve an address: done10.0.0.712 ms')
    expect(step('Pick a node').textContent).toContain('atlas')
    expect(step('Clone the template').textContent).toContain('atlas · VMID 104')
    expect(step('Clone the template').textContent).toContain('3.1 s')
    expect(step('Configure cloud-init and hardware').textContent).toContain('in progress')

    // Followed live: one EventSource on the VM's events.
    expect(events.instances.map((source) => source.url)).toEqual(['/api/vms/vm-1/events'])
    const source = events.instances[0]
    if (!source) throw new Error('no EventSource')
    source.send(buildingVm({ phase: 'starting', current_step: 'start', steps: runningVm().steps.slice(0, 5) }))
    expect(step('Resize the disk').getAttribute('data-state')).toBe('done')
    expect(step('Start the VM').getAttribute('data-state')).toBe('current')

    // Up: the stream is closed and the page moves on to the credentials.
    source.send(runningVm())
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/machines/vm-1')
    })
    expect(source.closed).toBe(true)
  })

  it('stays on a machine that was already built when opened, with a way to its credentials', async () => {
    const events = stubEventSource()
    serveFetch({ 'GET /api/auth/status': authStatus(member), 'GET /api/vms/vm-1': () => ok(runningVm()) })
    const { router } = renderAt('/machines/vm-1/progress')

    const open = await screen.findByRole('link', { name: 'Open web-1' })
    expect(open.getAttribute('href')).toBe('/machines/vm-1')
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('web-1 is live.')
    expect(within(steps()).getAllByRole('listitem').every((li) => li.getAttribute('data-state') === 'done')).toBe(true)
    expect(step('Wait until it answers').textContent).toContain('5.0 s')
    expect(events.instances).toEqual([])
    expect(router.state.location.pathname).toBe('/machines/vm-1/progress')
  })

  it('says which step failed and why, that it was rolled back, and Try again starts over', async () => {
    const user = userEvent.setup()
    const events = stubEventSource()
    const retried = buildingVm({ id: 'vm-2', phase: 'requested', current_step: null, steps: [], ip: null, node: null, vmid: null })
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-1': () => ok(failedVm),
      'POST /api/vms/vm-1/retry': () => ok(retried, 202),
      'GET /api/vms/vm-2': () => ok(retried),
    })
    const { router } = renderAt('/machines/vm-1/progress')

    const alert = await screen.findByRole('alert')
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Could not build web-1')
    expect(alert.textContent).toContain('Clone the template failed: The template ubuntu-24.04 is missing on atlas.')
    expect(alert.textContent).toContain('The address was released and nothing was left on the cluster')
    expect(step('Clone the template').getAttribute('data-state')).toBe('failed')
    expect(step('Configure cloud-init and hardware').getAttribute('data-state')).toBe('pending')
    // Settled: nothing to follow.
    expect(events.instances).toEqual([])

    await user.click(screen.getByRole('button', { name: 'Try again' }))
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/machines/vm-2/progress')
    })
    expect(fetch.calls('POST /api/vms/vm-1/retry')).toHaveLength(1)
    await waitFor(() => {
      expect(step('Reserve an address').getAttribute('data-state')).toBe('current')
    })
    expect(events.instances.map((source) => source.url)).toEqual(['/api/vms/vm-2/events'])
  })

  it('says it is cleaning up while the rollback runs, and offers no retry Nimbus would refuse', async () => {
    const events = stubEventSource()
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-1': () => ok({ ...failedVm, phase: 'rolling_back', can_retry: false }),
    })
    renderAt('/machines/vm-1/progress')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Cleaning up…')
    expect(alert.textContent).not.toContain('nothing was left')
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull()

    const source = events.instances[0]
    source?.send({ ...failedVm, can_retry: false })
    expect(screen.getByRole('alert').textContent).toContain('The address was released and nothing was left on the cluster')
    expect(source?.closed).toBe(true)
  })

  it('reads the VM again when the event stream is refused, and shows a machine that is gone as not found', async () => {
    const events = stubEventSource()
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-1': [() => ok(buildingVm()), () => refusal(404, 'not_found', 'No such machine.')],
    })
    renderAt('/machines/vm-1/progress')

    await screen.findByRole('list', { name: 'Provisioning steps' })
    events.instances[0]?.refuse()
    expect(await screen.findByRole('heading', { name: 'No such machine' }, { timeout: 3000 })).toBeTruthy()
  })

  it('stops following when Nimbus sends an error event, and reads the VM again', async () => {
    const events = stubEventSource()
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-1': [() => ok(buildingVm()), () => ok(failedVm)],
    })
    renderAt('/machines/vm-1/progress')

    await screen.findByRole('list', { name: 'Provisioning steps' })
    const source = events.instances[0]
    source?.tell('internal', 'Something broke.')
    expect(source?.closed).toBe(true)
    expect((await screen.findByRole('alert')).textContent).toContain('Clone the template failed')
    expect(events.instances).toHaveLength(1)
  })

  it('offers to try again when the machine could not be read', async () => {
    const user = userEvent.setup()
    stubEventSource()
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-1': [() => refusal(500, 'internal', 'Something went wrong.'), () => ok(runningVm())],
    })
    renderAt('/machines/vm-1/progress')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not load the machine: Something went wrong.')
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await screen.findByRole('link', { name: 'Open web-1' })).toBeTruthy()
  })

  it('says so when there is no such machine', async () => {
    stubEventSource()
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/nope': () => refusal(404, 'not_found', 'No such machine.'),
    })
    renderAt('/machines/nope/progress')

    expect(await screen.findByRole('heading', { name: 'No such machine' })).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Back to home' }).getAttribute('href')).toBe('/')
  })
})
