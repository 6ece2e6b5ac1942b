import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Tunnel } from '../../api/types'
import { authStatus, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { runningVm } from '../../test/vms'

const connected = runningVm({
  public_ssh: { state: 'connected', command: 'ssh -p 40022 ubuntu@gopher.example.com', can_retry: false },
})

const blog: Tunnel = {
  id: 't-1',
  subdomain: 'blog',
  url: 'https://blog.tunnels.example.com',
  target_port: 8080,
  private: false,
  tls: true,
  status: 'active',
}

const grafana: Tunnel = {
  id: 't-2',
  subdomain: 'grafana',
  target_port: 3000,
  private: true,
  tls: false,
  status: 'failed',
  error: 'Gopher could not bind the port.',
}

const info = (used: number) => ({ enabled: true, host: 'gopher.example.com', domain: 'tunnels.example.com', quota: 5, used })

function tunnelsPage(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(member),
    'GET /api/vms/vm-1': () => ok(connected),
    'GET /api/vms/vm-1/tunnels': () => ok({ items: [blog, grafana] }),
    'GET /api/tunnels/info': () => ok(info(2)),
    ...extra,
  })
}

async function panel() {
  return screen.findByRole('region', { name: 'Tunnels' })
}

function row(subdomain: string) {
  const item = screen.getByRole('list', { name: 'Tunnels of web-1' }).querySelector(`[data-tunnel="${subdomain}"]`)
  if (!(item instanceof HTMLElement)) throw new Error(`no tunnel ${subdomain}`)
  return item
}

function addForm() {
  return screen.getByRole('form', { name: 'Add a tunnel' })
}

afterEach(() => {
  vi.useRealTimers()
})

describe('tunnels on the machine page', () => {
  it('lists the tunnels with their link, port, badges and status in words, and the quota', async () => {
    tunnelsPage()
    renderAt('/machines/vm-1')

    const region = await panel()
    await waitFor(() => {
      expect(region.textContent).toContain('2 of 5 used')
    })
    const first = row('blog')
    expect(within(first).getByRole('link', { name: 'https://blog.tunnels.example.com' }).getAttribute('href')).toBe(
      'https://blog.tunnels.example.com',
    )
    expect(first.textContent).toContain('port 8080')
    expect(first.textContent).toContain('HTTPS')
    expect(first.textContent).not.toContain('Private')
    expect(first.querySelector('[data-status]')?.textContent).toBe('active')

    const second = row('grafana')
    expect(within(second).queryByRole('link')).toBeNull()
    expect(second.textContent).toContain('port 3000')
    expect(second.textContent).toContain('Private')
    expect(second.textContent).toContain('HTTP only')
    expect(second.querySelector('[data-status]')?.textContent).toBe('failed')
    expect(second.textContent).toContain('Gopher could not bind the port.')
  })

  it('checks the subdomain 300 ms after typing stops, and says whether it is free', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const user = userEvent.setup({ delay: null })
    const fetch = tunnelsPage({
      'GET /api/tunnels/check': [
        () => ok({ subdomain: 'blog2', available: true }),
        () => ok({ subdomain: 'admin', available: false, reason: 'That name is reserved on this Nimbus.' }),
      ],
    })
    renderAt('/machines/vm-1')

    await panel()
    const subdomain = await within(addForm()).findByLabelText('Subdomain')
    await user.type(subdomain, 'Blog2')
    expect(fetch.calls('GET /api/tunnels/check')).toHaveLength(0)
    await act(() => vi.advanceTimersByTimeAsync(300))
    await waitFor(() => {
      expect(addForm().textContent).toContain('blog2.tunnels.example.com is available.')
    })
    expect(fetch.calls('GET /api/tunnels/check')).toHaveLength(1)
    expect(new URL(fetch.calls('GET /api/tunnels/check')[0]?.request.url ?? '').searchParams.get('subdomain')).toBe('Blog2')

    await user.clear(subdomain)
    await user.type(subdomain, 'admin')
    await act(() => vi.advanceTimersByTimeAsync(300))
    await waitFor(() => {
      expect(subdomain.getAttribute('aria-invalid')).toBe('true')
    })
    expect(addForm().textContent).toContain('That name is reserved on this Nimbus.')
    expect(fetch.calls('GET /api/tunnels/check')).toHaveLength(2)
  })

  it('adds a tunnel with HTTPS on by default, and counts it', async () => {
    const user = userEvent.setup()
    const created: Tunnel = { ...blog, id: 't-3', subdomain: 'api', url: 'https://api.tunnels.example.com', target_port: 9000 }
    const fetch = tunnelsPage({
      'GET /api/tunnels/check': () => ok({ subdomain: 'api', available: true }),
      'POST /api/vms/vm-1/tunnels': () => ok(created, 201),
    })
    renderAt('/machines/vm-1')

    await panel()
    const form = addForm()
    expect(within(form).getByRole<HTMLInputElement>('checkbox', { name: 'HTTPS' }).checked).toBe(true)
    expect(within(form).getByRole<HTMLInputElement>('checkbox', { name: 'Private' }).checked).toBe(false)
    await user.type(within(form).getByLabelText('Port on the machine'), '9000')
    await user.type(within(form).getByLabelText('Subdomain'), 'api')
    await user.click(within(form).getByRole('button', { name: 'Add tunnel' }))

    await waitFor(() => {
      expect(row('api').textContent).toContain('port 9000')
    })
    expect(fetch.calls('POST /api/vms/vm-1/tunnels')[0]?.body).toEqual({
      target_port: 9000,
      subdomain: 'api',
      private: false,
      tls: true,
    })
    expect((await panel()).textContent).toContain('3 of 5 used')
    expect(within(addForm()).getByLabelText<HTMLInputElement>('Port on the machine').value).toBe('')
  })

  it('checks the port before sending, and shows a refusal under the field it names or as an alert', async () => {
    const user = userEvent.setup()
    const fetch = tunnelsPage({
      'GET /api/tunnels/check': () => ok({ subdomain: 'blog', available: true }),
      'POST /api/vms/vm-1/tunnels': [
        () => refusal(409, 'subdomain_taken', 'blog is taken: pick another subdomain.', { field: 'subdomain' }),
        () => refusal(409, 'tunnel_quota_reached', 'You have 5 tunnels, the most a member may have: remove one first.'),
      ],
    })
    renderAt('/machines/vm-1')

    await panel()
    const form = addForm()
    const port = within(form).getByLabelText('Port on the machine')
    await user.type(port, '70000')
    await user.click(within(form).getByRole('button', { name: 'Add tunnel' }))
    expect(port.getAttribute('aria-invalid')).toBe('true')
    expect(form.textContent).toContain('Enter a port from 1 to 65535.')
    expect(fetch.calls('POST /api/vms/vm-1/tunnels')).toHaveLength(0)

    await user.clear(port)
    await user.type(port, '8080')
    const subdomain = within(form).getByLabelText('Subdomain')
    await user.type(subdomain, 'blog')
    await user.click(within(form).getByRole('button', { name: 'Add tunnel' }))
    await waitFor(() => {
      expect(subdomain.getAttribute('aria-invalid')).toBe('true')
    })
    expect(form.textContent).toContain('blog is taken: pick another subdomain.')

    await user.click(within(form).getByRole('button', { name: 'Add tunnel' }))
    const alert = await within(form).findByRole('alert')
    expect(alert.textContent).toContain('You have 5 tunnels, the most a member may have: remove one first.')
  })

  it('removes a tunnel only after a confirmation that Escape dismisses', async () => {
    const user = userEvent.setup()
    const fetch = tunnelsPage({ 'DELETE /api/vms/vm-1/tunnels/t-1': () => new Response(null, { status: 204 }) })
    renderAt('/machines/vm-1')

    await screen.findByRole('list', { name: 'Tunnels of web-1' })
    await user.click(within(row('blog')).getByRole('button', { name: 'Remove blog' }))
    expect(screen.getByRole('alertdialog', { name: 'Remove blog?' })).toBeTruthy()
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(fetch.calls('DELETE /api/vms/vm-1/tunnels/t-1')).toHaveLength(0)

    await user.click(within(row('blog')).getByRole('button', { name: 'Remove blog' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Remove blog?' })
    expect(dialog.textContent).toContain('https://blog.tunnels.example.com stops answering.')
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }))
    await waitFor(() => {
      expect(screen.getByRole('list', { name: 'Tunnels of web-1' }).querySelector('[data-tunnel="blog"]')).toBeNull()
    })
    expect(fetch.calls('DELETE /api/vms/vm-1/tunnels/t-1')).toHaveLength(1)
    expect((await panel()).textContent).toContain('1 of 5 used')
  })

  it('is not shown until public SSH is connected', async () => {
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-1': () => ok(runningVm({ public_ssh: { state: 'failed', error: 'No answer.', can_retry: false } })),
    })
    renderAt('/machines/vm-1')

    await screen.findByRole('region', { name: 'Public SSH' })
    expect(screen.queryByRole('region', { name: 'Tunnels' })).toBeNull()
    expect(fetch.calls('GET /api/vms/vm-1/tunnels')).toHaveLength(0)
  })
})
