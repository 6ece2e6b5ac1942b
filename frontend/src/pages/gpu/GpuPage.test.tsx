import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { admin, authStatus, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { gpuJob, gpuSettings, planeOff, planeOn, runningJob, succeededJob } from '../../test/gpu'
import { runningVm } from '../../test/vms'

const queued = gpuJob({ id: 8, position: 2, command: ['python', 'train.py', '--epochs', '1000'] })
const running = runningJob()
const done = succeededJob({ id: 6 })

function gpuPage(as: typeof member, extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(as),
    'GET /api/gpu/jobs': () => ok({ plane: planeOn, jobs: [queued, running, done] }),
    ...extra,
  })
}

function jobRow(id: number) {
  const row = screen.getByRole('table', { name: 'GPU jobs' }).querySelector(`[data-job="${id}"]`)
  if (!(row instanceof HTMLElement)) throw new Error(`no job ${id}`)
  return row
}

async function submitForm() {
  return screen.findByRole('form', { name: 'Submit a job' })
}

afterEach(() => {
  vi.useRealTimers()
})

describe('the GPU page', () => {
  it('is in the main navigation and lists the jobs with status in words, queue place and duration', async () => {
    gpuPage(member)
    renderAt('/gpu')

    await screen.findByRole('table', { name: 'GPU jobs' })
    const nav = screen.getByRole('navigation', { name: 'Primary' })
    expect(within(nav).getByRole('link', { name: 'GPU' }).getAttribute('href')).toBe('/gpu')
    expect(screen.getByText('Stand-in GX10 (demo): no real GPU')).toBeTruthy()
    expect(screen.getByText('1 worker online')).toBeTruthy()

    const waiting = jobRow(8)
    expect(within(waiting).getByRole('link', { name: '#8' }).getAttribute('href')).toBe('/gpu/jobs/8')
    expect(waiting.querySelector('[data-status]')?.textContent).toBe('Queued')
    expect(waiting.textContent).toContain('#2 in queue')
    expect(waiting.textContent).toContain('python train.py --epochs 1000')
    expect(jobRow(7).querySelector('[data-status]')?.textContent).toBe('Running')
    expect(jobRow(7).textContent).toContain('1 min 5 s')
    expect(jobRow(6).querySelector('[data-status]')?.textContent).toBe('Succeeded')
    expect(jobRow(6).textContent).toContain('3 min')

    // Members see neither the everyone switch nor the workers.
    expect(screen.queryByRole('switch')).toBeNull()
    expect(screen.queryByRole('table', { name: 'GPU workers' })).toBeNull()
  })

  it('submits a job with the command split like a shell, its environment and machine', async () => {
    const user = userEvent.setup()
    const created = gpuJob({ id: 9, position: 3 })
    const fetch = gpuPage(member, {
      'GET /api/vms': () => ok([runningVm()]),
      'POST /api/gpu/jobs': () => ok(created, 201),
    })
    renderAt('/gpu')

    const form = await submitForm()
    await user.type(within(form).getByLabelText('Image'), 'nimbus/stand-in:latest')
    await user.type(within(form).getByLabelText('Command'), `python train.py --name "my run" 'a\\b'`)
    const args = within(form).getByRole('list', { name: 'Arguments' })
    expect(within(args).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'python',
      'train.py',
      '--name',
      'my run',
      'a\\b',
    ])
    await user.click(within(form).getByRole('button', { name: 'Add variable' }))
    await user.click(within(form).getByRole('button', { name: 'Add variable' }))
    await user.type(within(form).getByLabelText('Name of variable 1'), 'EPOCHS')
    await user.type(within(form).getByLabelText('Value of variable 1'), '5')
    await user.click(within(form).getByRole('button', { name: 'Remove variable 2' }))
    expect(within(form).queryByLabelText('Name of variable 2')).toBeNull()
    await user.selectOptions(await within(form).findByLabelText('Machine'), 'web-1')
    await user.click(within(form).getByRole('button', { name: 'Submit job' }))

    const status = await screen.findByText(/is queued\./)
    expect(within(status).getByRole('link', { name: '#9' }).getAttribute('href')).toBe('/gpu/jobs/9')
    expect(fetch.calls('POST /api/gpu/jobs')[0]?.body).toEqual({
      image: 'nimbus/stand-in:latest',
      command: ['python', 'train.py', '--name', 'my run', 'a\\b'],
      env: [{ name: 'EPOCHS', value: '5' }],
      vm_id: 'vm-1',
    })
    await waitFor(() => {
      expect(fetch.calls('GET /api/gpu/jobs')).toHaveLength(2)
    })
    expect(within(await submitForm()).getByLabelText<HTMLInputElement>('Image').value).toBe('')
  })

  it('checks the form before sending, and shows a refusal under the field Nimbus names', async () => {
    const user = userEvent.setup()
    const fetch = gpuPage(member, {
      'POST /api/gpu/jobs': [
        () => refusal(400, 'validation_failed', 'image "Bad Image" is not an image reference.', { field: 'image' }),
        () => refusal(409, 'too_many_queued', 'You have 5 jobs queued, the most a member may: wait for one to start.'),
      ],
    })
    renderAt('/gpu')

    const form = await submitForm()
    const command = within(form).getByLabelText('Command')
    await user.type(command, `python -c 'print(1)`)
    expect(form.textContent).toContain("A single quote (') is not closed: add the closing '.")
    await user.click(within(form).getByRole('button', { name: 'Submit job' }))
    expect(within(form).getByLabelText('Image').getAttribute('aria-invalid')).toBe('true')
    expect(command.getAttribute('aria-invalid')).toBe('true')
    expect(fetch.calls('POST /api/gpu/jobs')).toHaveLength(0)

    await user.type(command, "'")
    const image = within(form).getByLabelText('Image')
    await user.type(image, 'Bad Image')
    await user.click(within(form).getByRole('button', { name: 'Submit job' }))
    await waitFor(() => {
      expect(image.getAttribute('aria-invalid')).toBe('true')
    })
    expect(form.textContent).toContain('image "Bad Image" is not an image reference.')

    await user.click(within(form).getByRole('button', { name: 'Submit job' }))
    const alert = await within(form).findByRole('alert')
    expect(alert.textContent).toContain('You have 5 jobs queued, the most a member may: wait for one to start.')
  })

  it('says the plane is off, with the link for admins, and disables the form', async () => {
    gpuPage(admin, {
      'GET /api/gpu/jobs': () => ok({ plane: planeOff, jobs: [] }),
      'GET /api/settings/gpu': () => ok(gpuSettings),
    })
    renderAt('/gpu')

    const form = await submitForm()
    expect(screen.getByText('GPU jobs are off.')).toBeTruthy()
    expect(screen.getByText('GPU jobs are turned off on this Nimbus.')).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Admin → Settings → GPU' }).getAttribute('href')).toBe('/admin/settings/gpu')
    expect(within(form).getByRole<HTMLButtonElement>('button', { name: 'Submit job' }).disabled).toBe(true)
    expect(within(form).getByLabelText<HTMLInputElement>('Image').disabled).toBe(true)
    expect(screen.getByText('No jobs yet.')).toBeTruthy()
  })

  it('reads the list again every 3 seconds while a job is queued or running, and stops after', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const fetch = gpuPage(member, {
      'GET /api/gpu/jobs': [
        () => ok({ plane: planeOn, jobs: [running] }),
        () => ok({ plane: planeOn, jobs: [succeededJob()] }),
      ],
    })
    renderAt('/gpu')

    await screen.findByRole('table', { name: 'GPU jobs' })
    expect(jobRow(7).querySelector('[data-status]')?.textContent).toBe('Running')
    await act(() => vi.advanceTimersByTimeAsync(3_000))
    await waitFor(() => {
      expect(jobRow(7).querySelector('[data-status]')?.textContent).toBe('Succeeded')
    })
    await act(() => vi.advanceTimersByTimeAsync(10_000))
    expect(fetch.calls('GET /api/gpu/jobs')).toHaveLength(2)
  })

  it("gives admins everyone's jobs with their owners, and the workers", async () => {
    const user = userEvent.setup()
    const theirs = gpuJob({ id: 12, owner_id: 'u-eve', owner_email: 'eve@example.com' })
    const fetch = gpuPage(admin, {
      'GET /api/gpu/jobs': [() => ok({ plane: planeOn, jobs: [] }), () => ok({ plane: planeOn, jobs: [theirs] })],
      'GET /api/settings/gpu': () => ok(gpuSettings),
    })
    renderAt('/gpu')

    const workers = await screen.findByRole('table', { name: 'GPU workers' })
    const worker = workers.querySelector('[data-worker="gx10-demo"]')
    if (!(worker instanceof HTMLElement)) throw new Error('no worker row')
    expect(worker.textContent).toContain('Stand-in')
    expect(worker.textContent).toContain('Online')
    expect(within(worker).getByRole('link', { name: 'Job 7' }).getAttribute('href')).toBe('/gpu/jobs/7')

    await user.click(screen.getByRole('switch', { name: "Everyone's jobs" }))
    await screen.findByRole('table', { name: 'GPU jobs' })
    expect(jobRow(12).textContent).toContain('eve@example.com')
    expect(screen.getByRole('columnheader', { name: 'Owner' })).toBeTruthy()
    const asked = fetch.calls('GET /api/gpu/jobs').map((call) => new URL(call.request.url).searchParams.get('all'))
    expect(asked).toEqual([null, 'true'])
  })
})
