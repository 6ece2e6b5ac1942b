import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { gpuSettings, standIn } from '../../test/gpu'

function gpuSettingsPage(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(admin),
    'GET /api/settings/gpu': () => ok(gpuSettings),
    ...extra,
  })
}

async function limitsForm() {
  return screen.findByRole('form', { name: 'GPU limits' })
}

function workerRow(id: string) {
  const row = screen.getByRole('table', { name: 'GPU workers' }).querySelector(`[data-worker="${id}"]`)
  if (!(row instanceof HTMLElement)) throw new Error(`no worker ${id}`)
  return row
}

describe('GPU settings', () => {
  it('is a Settings tab, and turns the plane off at once with the switch', async () => {
    const user = userEvent.setup()
    const fetch = gpuSettingsPage({ 'PUT /api/settings/gpu': () => ok({ ...gpuSettings, enabled: false }) })
    renderAt('/admin/settings/gpu')

    await limitsForm()
    const tabs = screen.getByRole('navigation', { name: 'Settings' })
    expect(within(tabs).getByRole('link', { name: 'GPU' }).getAttribute('href')).toBe('/admin/settings/gpu')
    const plane = screen.getByRole('switch', { name: 'GPU jobs' })
    expect(plane.getAttribute('aria-checked')).toBe('true')
    await user.click(plane)
    await waitFor(() => {
      expect(plane.getAttribute('aria-checked')).toBe('false')
    })
    expect(fetch.calls('PUT /api/settings/gpu')[0]?.body).toEqual({ enabled: false })
    expect(screen.getByText('Off: no new jobs are taken; queued ones wait.')).toBeTruthy()
  })

  it('saves the limits edited, checks them first, and shows a refusal under its field', async () => {
    const user = userEvent.setup()
    const fetch = gpuSettingsPage({
      'PUT /api/settings/gpu': [
        () => refusal(400, 'validation_failed', 'heartbeat_seconds must be shorter than the lease.', { field: 'heartbeat_seconds' }),
        () => ok({ ...gpuSettings, heartbeat_seconds: 15, log_cap_mib: 32 }),
      ],
    })
    renderAt('/admin/settings/gpu')

    const form = await limitsForm()
    expect(within(form).getByLabelText<HTMLInputElement>('Queued jobs per member').value).toBe('5')
    expect(within(form).getByLabelText<HTMLInputElement>('Keep logs (days)').value).toBe('14')
    const cap = within(form).getByLabelText('Log cap (MiB)')
    await user.clear(cap)
    await user.type(cap, 'lots')
    await user.click(within(form).getByRole('button', { name: 'Save' }))
    expect(cap.getAttribute('aria-invalid')).toBe('true')
    expect(form.textContent).toContain('Enter a whole number of MiB.')
    expect(fetch.calls('PUT /api/settings/gpu')).toHaveLength(0)

    await user.clear(cap)
    await user.type(cap, '32')
    const heartbeat = within(form).getByLabelText('Heartbeat (seconds)')
    await user.clear(heartbeat)
    await user.type(heartbeat, '90')
    await user.click(within(form).getByRole('button', { name: 'Save' }))
    await waitFor(() => {
      expect(heartbeat.getAttribute('aria-invalid')).toBe('true')
    })
    expect(form.textContent).toContain('heartbeat_seconds must be shorter than the lease.')

    await user.clear(heartbeat)
    await user.type(heartbeat, '15')
    await user.click(within(form).getByRole('button', { name: 'Save' }))
    expect(await within(form).findByText('Saved the GPU limits.')).toBeTruthy()
    expect(fetch.calls('PUT /api/settings/gpu')[1]?.body).toEqual({ heartbeat_seconds: 15, log_cap_mib: 32 })
  })

  it('adds a worker and shows its token and environment lines once, in a dialog Escape closes', async () => {
    const user = userEvent.setup()
    const created = {
      worker: { id: 'gx10-2', created_at: '2026-12-07T11:00:00Z', online: false, stand_in: false },
      token: 'gxw_secret_token',
      env: 'NIMBUS_URL=http://127.0.0.1:8080\nNIMBUS_WORKER_TOKEN=gxw_secret_token\nGX10_WORKER_ID=gx10-2',
    }
    const fetch = gpuSettingsPage({
      'POST /api/settings/gpu/workers': [
        () => refusal(409, 'worker_exists', 'A worker gx10-demo exists already: pick another id.', { field: 'id' }),
        () => ok(created, 201),
      ],
    })
    renderAt('/admin/settings/gpu')

    const form = await screen.findByRole('form', { name: 'Add worker' })
    const id = within(form).getByLabelText('Worker id')
    await user.type(id, 'bad id!')
    await user.click(within(form).getByRole('button', { name: 'Add worker' }))
    expect(id.getAttribute('aria-invalid')).toBe('true')
    expect(fetch.calls('POST /api/settings/gpu/workers')).toHaveLength(0)

    await user.clear(id)
    await user.type(id, 'gx10-demo')
    await user.click(within(form).getByRole('button', { name: 'Add worker' }))
    await waitFor(() => {
      expect(form.textContent).toContain('A worker gx10-demo exists already: pick another id.')
    })

    await user.clear(id)
    await user.type(id, 'gx10-2')
    await user.click(within(form).getByRole('button', { name: 'Add worker' }))
    const dialog = await screen.findByRole('dialog', { name: 'Worker gx10-2 added' })
    expect(dialog.textContent).toContain('This token is shown only now')
    expect(within(dialog).getByLabelText<HTMLInputElement>('Token').value).toBe('gxw_secret_token')
    expect(within(dialog).getByLabelText('Environment lines').textContent).toBe(created.env)
    expect(within(dialog).getByRole('button', { name: 'Copy the worker token' })).toBeTruthy()
    expect(within(dialog).getByRole('button', { name: 'Copy the environment lines' })).toBeTruthy()
    expect(fetch.calls('POST /api/settings/gpu/workers')[1]?.body).toEqual({ id: 'gx10-2' })

    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(workerRow('gx10-2').textContent).toContain('Offline')
    expect(workerRow('gx10-2').textContent).toContain('Never')
  })

  it('revokes a worker only after a confirmation that Escape dismisses', async () => {
    const user = userEvent.setup()
    const fetch = gpuSettingsPage({
      'DELETE /api/settings/gpu/workers/gx10-demo': () => new Response(null, { status: 204 }),
    })
    renderAt('/admin/settings/gpu')

    await limitsForm()
    expect(workerRow('gx10-demo').textContent).toContain('Stand-in')
    await user.click(within(workerRow('gx10-demo')).getByRole('button', { name: `Revoke ${standIn.id}` }))
    expect(screen.getByRole('alertdialog', { name: 'Revoke gx10-demo?' }).textContent).toContain(
      'Job #7, which it runs, goes back to the queue.',
    )
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(fetch.calls('DELETE /api/settings/gpu/workers/gx10-demo')).toHaveLength(0)

    await user.click(within(workerRow('gx10-demo')).getByRole('button', { name: 'Revoke gx10-demo' }))
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Revoke' }))
    await waitFor(() => {
      expect(screen.queryByRole('table', { name: 'GPU workers' })).toBeNull()
    })
    expect(fetch.calls('DELETE /api/settings/gpu/workers/gx10-demo')).toHaveLength(1)
  })
})
