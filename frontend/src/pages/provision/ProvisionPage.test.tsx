import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, definition, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import {
  buildingVm,
  catalog,
  catchDownloads,
  desktopKey,
  laptopKey,
  ndjsonAnswer,
  PRIVATE_KEY,
  stubEventSource,
} from '../../test/vms'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

function provisionPage(extra: Parameters<typeof serveFetch>[0] = {}) {
  return serveFetch({
    'GET /api/auth/status': authStatus(member),
    'GET /api/catalog': () => ok(catalog),
    'GET /api/keys': () => ok([laptopKey, desktopKey]),
    ...extra,
  })
}

async function theForm() {
  return screen.findByRole('form', { name: 'New machine' })
}

function radio(name: string) {
  return screen.getByRole<HTMLInputElement>('radio', { name })
}

function hostnameField() {
  return screen.getByLabelText<HTMLInputElement>('Hostname')
}

describe('provision page', () => {
  it('offers the catalog, with what cannot be had disabled and why', async () => {
    provisionPage()
    renderAt('/provision')

    const form = await theForm()
    expect(radio('Small').checked).toBe(true)
    // XL can be asked for: an admin approves it.
    expect(radio('XL').disabled).toBe(false)
    expect(radio('XL').getAttribute('aria-describedby')).toBeTruthy()
    expect(document.getElementById(radio('XL').getAttribute('aria-describedby') ?? '')?.textContent).toContain(
      'Needs an admin’s approval',
    )
    expect(radio('XL').closest('label')?.textContent).toContain('Approval')
    expect(radio('Large').closest('label')?.textContent).not.toContain('Approval')
    expect(form.querySelector('[data-field="quota"]')?.textContent).toBe('Your quota: No limits.')
    expect(radio('Medium').disabled).toBe(false)
    expect(radio('Ubuntu 24.04 LTS').checked).toBe(true)
    expect(radio('Debian 12').disabled).toBe(true)
    expect(document.getElementById(radio('Debian 12').getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'No template on the cluster yet',
    )
    const tunnel = within(form).getByRole<HTMLInputElement>('checkbox', { name: 'Expose SSH publicly' })
    expect(tunnel.disabled).toBe(true)
    expect(form.textContent).toContain('Public tunnels are not set up on this Nimbus.')

    // The saved default key is picked.
    expect(radio('Use a saved key').checked).toBe(true)
    expect(within(form).getByLabelText<HTMLSelectElement>('Key').value).toBe('k-laptop')

    // In the nav, current.
    const nav = screen.getByRole('navigation', { name: 'Primary' })
    expect(within(nav).getByRole('link', { name: 'Provision' }).getAttribute('aria-current')).toBe('page')
  })

  it('tells a member an admin must set up the templates of a system without one', async () => {
    provisionPage()
    renderAt('/provision')
    await theForm()
    const group = screen.getByRole('group', { name: 'Operating system' })
    expect(group.textContent).toContain('Debian 12 has no template yet: an admin must set up the templates for it first.')
    expect(within(group).queryByRole('link', { name: 'Set up templates' })).toBeNull()
  })

  it('offers an admin "Set up templates" for a system without one', async () => {
    provisionPage({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/users': () => ok([]),
      'GET /api/quotas': () => ok({ defaults: {}, members: [] }),
    })
    renderAt('/provision')
    await theForm()
    const group = screen.getByRole('group', { name: 'Operating system' })
    expect(group.textContent).toContain('Debian 12 has no template yet.')
    expect(within(group).getByRole('link', { name: 'Set up templates' }).getAttribute('href')).toBe('/admin/templates')
  })

  it('keeps a summary of what will be built', async () => {
    const user = userEvent.setup()
    provisionPage()
    renderAt('/provision')

    await theForm()
    await user.type(hostnameField(), 'web-1')
    await user.click(radio('Medium'))
    await user.click(radio('Ubuntu 22.04 LTS'))
    const summary = screen.getByRole('region', { name: 'Summary' })
    expect(definition(summary, 'Hostname')).toBe('web-1')
    expect(definition(summary, 'Tier')).toBe('medium')
    expect(definition(summary, 'vCPU / RAM')).toBe('2 / 2 GiB')
    expect(definition(summary, 'Disk')).toBe('30 GiB')
    expect(definition(summary, 'OS')).toBe('Ubuntu 22.04 LTS')
    expect(definition(summary, 'SSH key')).toBe('laptop')
    await user.click(radio('Generate a new Ed25519 key'))
    expect(definition(summary, 'SSH key')).toBe('new key, kept')
  })

  it('says what is wrong with the hostname as it is typed, and sends nothing until the form is right', async () => {
    const user = userEvent.setup()
    const fetch = provisionPage()
    renderAt('/provision')

    await theForm()
    await user.type(hostnameField(), 'My_Project')
    expect(hostnameField().getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByRole('alert').textContent).toBe('Use lowercase letters: “M” is uppercase. Try “my-project”.')
    await user.clear(hostnameField())
    await user.type(hostnameField(), 'my_project')
    expect(screen.getByRole('alert').textContent).toBe(
      'Only lowercase letters, digits and “-” can be in a hostname, not “_”. Try “my-project”.',
    )
    // A hyphen at the end may be a name still being typed: said once the field is left.
    await user.clear(hostnameField())
    await user.type(hostnameField(), 'web-')
    expect(screen.queryByRole('alert')).toBeNull()
    await user.tab()
    expect(screen.getByRole('alert').textContent).toBe('End the hostname with a letter or digit, not “-”.')

    await user.clear(hostnameField())
    await user.click(radio('Paste a public key'))
    await user.click(screen.getByRole('button', { name: 'Provision machine' }))
    expect(hostnameField().getAttribute('aria-invalid')).toBe('true')
    await waitFor(() => {
      expect(document.activeElement).toBe(hostnameField())
    })
    const publicKey = screen.getByLabelText('Public key')
    expect(publicKey.getAttribute('aria-invalid')).toBe('true')
    expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toEqual([
      'Give the machine a hostname, e.g. “web-1”.',
      'Paste your public key, or upload its .pub file.',
    ])
    expect(fetch.calls('POST /api/vms')).toEqual([])
  })

  it('sends the request with an Idempotency-Key and moves to the progress page once Nimbus accepts it', async () => {
    const user = userEvent.setup()
    stubEventSource()
    const answer = ndjsonAnswer()
    const fetch = provisionPage({
      'POST /api/vms': () => answer.response(),
      'GET /api/vms/vm-1': () => ok(buildingVm({ phase: 'requested', current_step: null, steps: [] })),
    })
    const { router } = renderAt('/provision')

    await theForm()
    await user.type(hostnameField(), '  web-1 ')
    await user.click(radio('Generate a new Ed25519 key'))
    await user.click(screen.getByRole('button', { name: 'Provision machine' }))
    expect(await screen.findByRole('button', { name: 'Provisioning…' })).toHaveProperty('disabled', true)

    const [call] = fetch.calls('POST /api/vms')
    expect(call?.body).toEqual({
      hostname: 'web-1',
      tier: 'small',
      os_template: 'ubuntu-24.04',
      generate_key: true,
      keep_private_key: true,
    })
    expect(call?.request.headers.get('Accept')).toBe('application/x-ndjson')
    expect(call?.request.headers.get('Content-Type')).toBe('application/json')
    expect(call?.request.headers.get('Idempotency-Key')).toMatch(UUID)
    expect(router.state.location.pathname).toBe('/provision')

    answer.send({ type: 'accepted', id: 'vm-1' })
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/machines/vm-1/progress')
    })
    expect(await screen.findByRole('heading', { name: 'Hatching web-1' })).toBeTruthy()
  })

  it('puts Nimbus’s refusal under its field, and other refusals in an alert', async () => {
    const user = userEvent.setup()
    const fetch = provisionPage({
      'POST /api/vms': [
        () => refusal(409, 'hostname_taken', 'Another machine is called web-1.', { field: 'hostname' }),
        () => refusal(503, 'no_capacity', 'No node has room for a medium machine right now.'),
      ],
    })
    const { router } = renderAt('/provision')

    await theForm()
    await user.type(hostnameField(), 'web-1')
    await user.click(screen.getByRole('button', { name: 'Provision machine' }))
    await waitFor(() => {
      expect(hostnameField().getAttribute('aria-invalid')).toBe('true')
    })
    expect(screen.getByRole('alert').textContent).toBe('Another machine is called web-1.')
    await waitFor(() => {
      expect(document.activeElement).toBe(hostnameField())
    })
    expect(fetch.calls('POST /api/vms')[0]?.body).toMatchObject({ hostname: 'web-1', ssh_key_id: 'k-laptop' })

    await user.clear(hostnameField())
    await user.type(hostnameField(), 'web-2')
    await user.click(radio('Medium'))
    await user.click(screen.getByRole('button', { name: 'Provision machine' }))
    const alert = await screen.findByText(/No node has room/)
    expect(alert.closest('[role="alert"]')?.textContent).toContain(
      'Could not provision the machine: No node has room for a medium machine right now.',
    )
    expect(router.state.location.pathname).toBe('/provision')
    // Two different requests, two keys.
    const keys = fetch.calls('POST /api/vms').map((c) => c.request.headers.get('Idempotency-Key'))
    expect(new Set(keys).size).toBe(2)
  })

  it('sends the same Idempotency-Key again after the connection dropped, so it attaches to the same VM', async () => {
    const user = userEvent.setup()
    stubEventSource()
    const answer = ndjsonAnswer()
    const fetch = provisionPage({
      'POST /api/vms': [() => new TypeError('Failed to fetch'), () => answer.response()],
      'GET /api/vms/vm-1': () => ok(buildingVm()),
    })
    const { router } = renderAt('/provision')

    await theForm()
    await user.type(hostnameField(), 'web-1')
    await user.click(screen.getByRole('button', { name: 'Provision machine' }))
    expect((await screen.findByRole('alert')).textContent).toContain('Could not provision the machine: Failed to fetch')

    await user.click(screen.getByRole('button', { name: 'Provision machine' }))
    answer.send({ type: 'accepted', id: 'vm-1' })
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/machines/vm-1/progress')
    })
    const [first, second] = fetch.calls('POST /api/vms').map((c) => c.request.headers.get('Idempotency-Key'))
    expect(first).toMatch(UUID)
    expect(second).toBe(first)
  })

  it('with a generated key that is not kept, follows the build here and hands the key over once', async () => {
    const user = userEvent.setup()
    const saved = catchDownloads()
    const answer = ndjsonAnswer()
    const fetch = provisionPage({ 'POST /api/vms': () => answer.response() })
    const { router } = renderAt('/provision')

    await theForm()
    await user.type(hostnameField(), 'web-1')
    await user.click(radio('Generate a new Ed25519 key'))
    const keep = screen.getByRole<HTMLInputElement>('checkbox', { name: 'Keep an encrypted copy so I can download it again' })
    expect(keep.checked).toBe(true)
    expect(screen.getByText(/Kept in the Nimbus vault, encrypted/)).toBeTruthy()
    await user.click(keep)
    expect(screen.getByText(/Shown once, on this page, when the machine is ready, and never stored/)).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Provision machine' }))

    answer.send(
      { type: 'accepted', id: 'vm-1' },
      { type: 'step', step: 'reserve_ip', status: 'done', detail: { ip: '10.0.0.7', elapsed_ms: 12 } },
      { type: 'step', step: 'place_vm', status: 'done', detail: { node: 'atlas', elapsed_ms: 30 } },
    )
    const steps = await screen.findByRole('list', { name: 'Provisioning steps' })
    await waitFor(() => {
      expect(within(steps).getAllByRole('listitem').map((li) => li.getAttribute('data-state'))).toEqual(
        ['done', 'done', 'current', 'pending', 'pending', 'pending', 'pending'],
      )
    })
    expect(within(steps).getAllByRole('listitem')[0]?.textContent).toContain('10.0.0.7')
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Hatching web-1')
    expect(fetch.calls('POST /api/vms')[0]?.body).toMatchObject({ generate_key: true, keep_private_key: false })

    answer.send({
      type: 'result',
      data: {
        id: 'vm-1', vmid: 104, hostname: 'web-1', ip: '10.0.0.7', username: 'ubuntu', os: 'ubuntu-24.04',
        tier: 'small', node: 'atlas', ssh_private_key: PRIVATE_KEY, key_name: 'web-1', key_kept: false,
        unconfirmed: false, warning: null, public_ssh: 'ssh -p 22001 ubuntu@gw.example.org',
      },
    })
    answer.end()
    const warning = await screen.findByText('This is the only time you will see the private key.')
    expect(screen.getByLabelText('SSH from anywhere', { selector: 'code' }).textContent).toBe(
      'ssh -p 22001 ubuntu@gw.example.org -i ~/.ssh/web-1',
    )
    await waitFor(() => {
      expect(document.activeElement).toBe(warning.closest('[role="alert"]'))
    })
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('web-1 is live.')
    expect(screen.getByLabelText('Private key (web-1, Ed25519)').textContent).toBe(PRIVATE_KEY)
    expect(screen.getByLabelText('SSH command', { selector: 'code' }).textContent).toBe('ssh -i ~/.ssh/web-1 ubuntu@10.0.0.7')
    // The browser was asked to save it at once.
    expect(saved.map((file) => file.name)).toEqual(['web-1'])
    expect(await saved[0]?.blob.text()).toBe(PRIVATE_KEY)

    await user.click(screen.getByRole('button', { name: 'Copy the private key' }))
    expect(await navigator.clipboard.readText()).toBe(PRIVATE_KEY)
    await user.click(screen.getByRole('button', { name: 'Download private key' }))
    expect(saved.map((file) => file.name)).toEqual(['web-1', 'web-1'])
    expect(screen.getByRole('link', { name: 'Open the machine’s page' }).getAttribute('href')).toBe('/machines/vm-1')
    expect(router.state.location.pathname).toBe('/provision')
  })

  it('with a key that is not kept, says which step failed and goes back to the form', async () => {
    const user = userEvent.setup()
    const answer = ndjsonAnswer()
    provisionPage({ 'POST /api/vms': () => answer.response() })
    renderAt('/provision')

    await theForm()
    await user.type(hostnameField(), 'web-1')
    await user.click(radio('Generate a new Ed25519 key'))
    await user.click(screen.getByRole('checkbox', { name: 'Keep an encrypted copy so I can download it again' }))
    await user.click(screen.getByRole('button', { name: 'Provision machine' }))
    answer.send(
      { type: 'accepted', id: 'vm-1' },
      { type: 'step', step: 'reserve_ip', status: 'done', detail: { ip: '10.0.0.7', elapsed_ms: 12 } },
      { type: 'error', code: 'no_capacity', message: 'No node has room for it.', step: 'place_vm' },
    )
    answer.end()

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toBe('Pick a node failed: No node has room for it.')
    expect(screen.getByRole('link', { name: 'Follow the clean-up' }).getAttribute('href')).toBe('/machines/vm-1/progress')
    await user.click(screen.getByRole('button', { name: 'Back to the form' }))
    expect(hostnameField().value).toBe('web-1')
  })

  it('offers public SSH through the gateway when tunnels are on, and sends public_tunnel', async () => {
    const user = userEvent.setup()
    stubEventSource()
    const answer = ndjsonAnswer()
    const fetch = provisionPage({
      'GET /api/tunnels/info': () => ok({ enabled: true, host: 'gopher.example.com', quota: 5, used: 0 }),
      'POST /api/vms': () => answer.response(),
      'GET /api/vms/vm-1': () => ok(buildingVm()),
    })
    renderAt('/provision')

    const form = await theForm()
    const tunnel = within(form).getByRole<HTMLInputElement>('checkbox', { name: 'Expose SSH publicly' })
    expect(tunnel.disabled).toBe(false)
    expect(form.textContent).toContain('through gopher.example.com')
    await user.type(hostnameField(), 'web-1')
    await user.click(radio('Paste a public key'))
    await user.click(screen.getByLabelText('Public key'))
    await user.paste(`${laptopKey.public_key} ada@laptop`)
    await user.click(tunnel)
    await user.click(screen.getByRole('button', { name: 'Provision machine' }))
    await waitFor(() => {
      expect(fetch.calls('POST /api/vms')).toHaveLength(1)
    })
    expect(fetch.calls('POST /api/vms')[0]?.body).toEqual({
      hostname: 'web-1',
      tier: 'small',
      os_template: 'ubuntu-24.04',
      ssh_pubkey: `${laptopKey.public_key} ada@laptop`,
      public_tunnel: true,
    })
    answer.send({ type: 'accepted', id: 'vm-1' })
    expect(await screen.findByRole('heading', { name: 'Hatching web-1' })).toBeTruthy()
  })

  it('tells an admin where to turn public access on when tunnels are off', async () => {
    provisionPage({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/users': () => ok([]),
      'GET /api/quotas': () => ok({ defaults: {}, members: [] }),
    })
    renderAt('/provision')

    const form = await theForm()
    const tunnel = within(form).getByRole<HTMLInputElement>('checkbox', { name: 'Expose SSH publicly' })
    expect(tunnel.disabled).toBe(true)
    const link = within(form).getByRole('link', { name: 'Admin → Settings → Gopher' })
    expect(link.getAttribute('href')).toBe('/admin/settings/gopher')
    expect(form.textContent).not.toContain('Public tunnels are not set up on this Nimbus.')
  })

  it('keeps public SSH off when the tunnels answer says off, whatever the catalog says', async () => {
    provisionPage({ 'GET /api/catalog': () => ok({ ...catalog, tunnels_enabled: true }) })
    renderAt('/provision')

    const form = await theForm()
    expect(within(form).getByRole<HTMLInputElement>('checkbox', { name: 'Expose SSH publicly' }).disabled).toBe(true)
    expect(form.textContent).toContain('Public tunnels are not set up on this Nimbus.')
    expect(within(form).queryByRole('link', { name: 'Admin → Settings → Gopher' })).toBeNull()
  })
})
