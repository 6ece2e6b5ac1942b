import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, definition, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { gpuJob, runningJob, succeededJob } from '../../test/gpu'
import { stubEventSource } from '../../test/vms'

function jobPage(job: ReturnType<typeof gpuJob>, extra: Parameters<typeof serveFetch>[0] = {}, as = member) {
  return serveFetch({
    'GET /api/auth/status': authStatus(as),
    [`GET /api/gpu/jobs/${job.id}`]: () => ok(job),
    ...extra,
  })
}

async function details() {
  return screen.findByRole('region', { name: 'Details' })
}

function output() {
  return screen.getByRole('log', { name: 'Output' })
}

/** The words saying whether the output is followed live. */
function following() {
  return document.querySelector('[data-following]')?.textContent
}

describe('a GPU job page', () => {
  it("shows the job's details and follows its output live until it ends", async () => {
    const events = stubEventSource()
    jobPage(runningJob({ env: [{ name: 'EPOCHS', value: '5' }], vm_id: 'vm-1' }))
    renderAt('/gpu/jobs/7')

    const facts = await details()
    expect(definition(facts, 'Status')).toBe('Running')
    expect(definition(facts, 'Image')).toBe('nimbus/stand-in:latest')
    expect(definition(facts, 'Command')).toBe('pythontrain.py')
    expect(definition(facts, 'Environment')).toBe('EPOCHS=5')
    expect(definition(facts, 'Worker')).toBe('gx10-demo')
    expect(definition(facts, 'Exit code')).toBe('—')
    expect(within(facts).getByRole('link', { name: 'vm-1' }).getAttribute('href')).toBe('/machines/vm-1')
    const download = screen.getByRole('link', { name: 'Download log' })
    expect(download.getAttribute('href')).toBe('/api/gpu/jobs/7/logs')
    expect(download.getAttribute('download')).toBe('gpu-job-7.log')

    const source = events.instances[0]
    if (!source) throw new Error('no stream opened')
    expect(source.url).toBe('/api/gpu/jobs/7/logs/stream')
    source.emit('log', { seq: 0, text: 'epoch 1/5 loss=0.91\n' }, '0')
    // A large chunk comes in pieces with the same seq: all of them are shown.
    source.emit('log', { seq: 1, text: 'epoch 2/5 ' }, '1')
    source.emit('log', { seq: 1, text: 'loss=0.62\n' }, '1')
    // An older chunk sent again is shown once.
    source.emit('log', { seq: 0, text: 'epoch 1/5 loss=0.91\n' }, '0')
    expect(output().textContent).toBe('epoch 1/5 loss=0.91\nepoch 2/5 loss=0.62\n')
    expect(following()).toBe('Following live')

    source.emit('end', succeededJob())
    await waitFor(() => {
      expect(definition(facts, 'Status')).toBe('Succeeded')
    })
    expect(following()).toBe('Finished')
    expect(definition(facts, 'Exit code')).toBe('0')
    expect(definition(facts, 'Artifact')).toBe('/var/lib/gx10/jobs/7/out')
    expect(source.closed).toBe(true)
    expect(screen.queryByRole('button', { name: 'Cancel job' })).toBeNull()
  })

  it('keeps only the newest output on screen when there is a lot, pointing to the download', async () => {
    const events = stubEventSource()
    jobPage(runningJob())
    renderAt('/gpu/jobs/7')

    await details()
    const line = `${'x'.repeat(1023)}\n`
    const source = events.instances[0]
    for (let seq = 1; seq <= 600; seq++) source?.emit('log', { seq, text: seq === 600 ? 'last line\n' : line }, String(seq))
    const shown = output().textContent
    expect(shown.length).toBeLessThanOrEqual(512 * 1024)
    expect(shown.endsWith('last line\n')).toBe(true)
    expect(screen.getByText('Showing the newest 512 KiB of the output: Download log has all of it.')).toBeTruthy()
  })

  it('updates the status from job events', async () => {
    const events = stubEventSource()
    jobPage(gpuJob({ position: 2 }))
    renderAt('/gpu/jobs/7')

    const facts = await details()
    expect(definition(facts, 'Status')).toBe('Queued#2 in queue')
    events.instances[0]?.emit('job', runningJob())
    await waitFor(() => {
      expect(definition(facts, 'Status')).toBe('Running')
    })
    expect(definition(facts, 'Worker')).toBe('gx10-demo')
  })

  it('cancels a running job only after a confirmation that Escape dismisses', async () => {
    const user = userEvent.setup()
    const events = stubEventSource()
    const fetch = jobPage(runningJob(), {
      'POST /api/gpu/jobs/7/cancel': () => ok(runningJob({ status: 'cancelling' })),
    })
    renderAt('/gpu/jobs/7')

    const facts = await details()
    await user.click(screen.getByRole('button', { name: 'Cancel job' }))
    expect(screen.getByRole('alertdialog', { name: 'Cancel job #7?' }).textContent).toContain(
      'Its worker stops the container at its next heartbeat.',
    )
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(fetch.calls('POST /api/gpu/jobs/7/cancel')).toHaveLength(0)

    await user.click(screen.getByRole('button', { name: 'Cancel job' }))
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Cancel job' }))
    await waitFor(() => {
      expect(definition(facts, 'Status')).toBe('Cancelling')
    })
    expect(fetch.calls('POST /api/gpu/jobs/7/cancel')).toHaveLength(1)
    expect(screen.queryByRole('button', { name: 'Cancel job' })).toBeNull()

    events.instances[0]?.emit('end', runningJob({ status: 'cancelled', reason: 'Cancelled by its owner.' }))
    await waitFor(() => {
      expect(definition(facts, 'Status')).toBe('Cancelled')
    })
    expect(definition(facts, 'Reason')).toBe('Cancelled by its owner.')
  })

  it('says why a cancel was refused', async () => {
    const user = userEvent.setup()
    stubEventSource()
    jobPage(gpuJob(), {
      'POST /api/gpu/jobs/7/cancel': () => refusal(409, 'job_finished', 'Job 7 already finished: nothing to cancel.'),
    })
    renderAt('/gpu/jobs/7')

    await details()
    await user.click(screen.getByRole('button', { name: 'Cancel job' }))
    expect(screen.getByRole('alertdialog').textContent).toContain('It leaves the queue at once.')
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Cancel job' }))
    expect((await screen.findByRole('alert')).textContent).toContain('Job 7 already finished: nothing to cancel.')
  })

  it('closes the stream when leaving the page, and offers to follow again when it is lost', async () => {
    const user = userEvent.setup()
    const events = stubEventSource()
    jobPage(runningJob(), { 'GET /api/gpu/jobs': () => ok({ plane: { enabled: true, workers_online: 1, stand_in: false }, jobs: [] }) })
    const { router } = renderAt('/gpu/jobs/7')

    await details()
    const first = events.instances[0]
    first?.emit('log', { seq: 1, text: 'epoch 1/5\n' }, '1')
    first?.refuse()
    await waitFor(() => {
      expect(following()).toBe('Not following')
    })
    await user.click(screen.getByRole('button', { name: 'Follow again' }))
    await waitFor(() => {
      expect(events.instances).toHaveLength(2)
    })
    const second = events.instances[1]
    second?.emit('log', { seq: 1, text: 'epoch 1/5\n' }, '1')
    expect(output().textContent).toBe('epoch 1/5\n')

    await router.navigate('/gpu')
    await screen.findByRole('form', { name: 'Submit a job' })
    expect(second?.closed).toBe(true)
  })

  it('shows the owner to admins and says plainly when there is no such job', async () => {
    stubEventSource()
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/gpu/jobs/7': () => ok(gpuJob({ owner_email: 'bob@example.com' })),
      'GET /api/gpu/jobs/8': () => refusal(404, 'not_found', 'No GPU job 8.'),
    })
    const { router } = renderAt('/gpu/jobs/7')
    expect(definition(await details(), 'Owner')).toBe('bob@example.com')

    await router.navigate('/gpu/jobs/8')
    expect(await screen.findByRole('heading', { name: 'No such job' })).toBeTruthy()
  })
})
