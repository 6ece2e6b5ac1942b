import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { admin, authStatus, definition, member, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { buildingVm, catchDownloads, desktopKey, laptopKey, PRIVATE_KEY, runningVm } from '../../test/vms'

function card() {
  return screen.getByRole('region', { name: /^web-1/ })
}

/** The value shown under a credential's label (the <code> it names). */
function credential(label: string): string {
  return screen.getByLabelText(label, { selector: 'code' }).textContent
}

describe('machine page', () => {
  it('shows where the machine is, how big, and the ssh commands to copy', async () => {
    const user = userEvent.setup()
    serveFetch({ 'GET /api/auth/status': authStatus(member), 'GET /api/vms/vm-1': () => ok(runningVm()) })
    renderAt('/machines/vm-1')

    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('web-1 is live.')
    expect(within(card()).getByText('running').closest('[data-status]')?.getAttribute('data-status')).toBe('running')
    expect(credential('Hostname')).toBe('web-1')
    expect(credential('IP address')).toBe('10.0.0.7')
    expect(credential('Username')).toBe('ubuntu')
    expect(credential('SSH command')).toBe('ssh ubuntu@10.0.0.7')
    expect(credential('With the downloaded key')).toBe('ssh -i ~/.ssh/web-1 ubuntu@10.0.0.7')
    expect(definition(card(), 'Node')).toBe('atlas')
    expect(definition(card(), 'VMID')).toBe('104')
    expect(definition(card(), 'Size')).toBe('Medium · 2 vCPU · 2 GiB RAM · 30 GiB disk')
    expect(definition(card(), 'OS')).toBe('ubuntu-24.04')
    expect(screen.queryByRole('note')).toBeNull()

    await user.click(screen.getByRole('button', { name: 'Copy the SSH command' }))
    expect(await navigator.clipboard.readText()).toBe('ssh ubuntu@10.0.0.7')
    await user.click(screen.getByRole('button', { name: 'Copy the SSH command with the key file' }))
    expect(await navigator.clipboard.readText()).toBe('ssh -i ~/.ssh/web-1 ubuntu@10.0.0.7')
    expect(screen.getByRole('button', { name: 'Copy the SSH command with the key file' }).textContent).toBe('Copied')
  })

  it('downloads the private key Nimbus keeps, named after the key, and says to chmod it', async () => {
    const user = userEvent.setup()
    const saved = catchDownloads()
    const fetch = serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-1': () => ok(runningVm()),
      'GET /api/vms/vm-1/private-key': () => ok({ key_name: 'web-1', private_key: PRIVATE_KEY }),
    })
    renderAt('/machines/vm-1')

    await user.click(await screen.findByRole('button', { name: 'Download private key' }))
    await waitFor(() => {
      expect(saved.map((file) => file.name)).toEqual(['web-1'])
    })
    expect(await saved[0]?.blob.text()).toBe(PRIVATE_KEY)
    expect(fetch.calls('GET /api/vms/vm-1/private-key')).toHaveLength(1)
    const said = screen.getAllByRole('status').find((status) => status.textContent.startsWith('Saved as'))
    expect(said?.textContent).toBe(
      'Saved as “web-1”. Move it to ~/.ssh/web-1 and keep it readable only by you: chmod 600 ~/.ssh/web-1',
    )
  })

  it('says a key that was not kept was shown once, and warns when the machine was not confirmed', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-1': () =>
        ok(
          runningVm({
            private_key_available: false,
            unconfirmed: true,
            warning: 'The guest agent did not answer: check that qemu-guest-agent runs in the VM.',
          }),
        ),
      // The vault says where the key came from: generated, private half not kept.
      'GET /api/keys': () => ok([{ ...laptopKey, id: 'k-web-1', name: 'web-1', source: 'generated', is_default: false }]),
    })
    renderAt('/machines/vm-1')

    await screen.findByRole('heading', { level: 1 })
    await waitFor(() => {
      expect(card().textContent).toContain('The private key was shown once when the machine was created and is not stored.')
    })
    expect(screen.queryByRole('button', { name: 'Download private key' })).toBeNull()
    expect(screen.queryByLabelText('With the downloaded key')).toBeNull()
    expect(credential('SSH command')).toBe('ssh ubuntu@10.0.0.7')
    expect(screen.getByRole('note').textContent).toContain(
      'The guest agent did not answer: check that qemu-guest-agent runs in the VM.',
    )
  })

  it('says where the private half of a saved key is', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-1': () => ok(runningVm({ key_name: 'laptop', key_origin: 'saved', private_key_available: false })),
      'GET /api/vms/vm-2': () => ok(runningVm({ id: 'vm-2', key_name: 'desktop', key_origin: 'pasted', private_key_available: false })),
      'GET /api/keys': () => ok([{ ...laptopKey, has_private_key: true }, desktopKey]),
    })
    const { router } = renderAt('/machines/vm-1')

    await waitFor(() => {
      expect(card().textContent).toContain('The machine has your key laptop. Nimbus keeps its private half: download it from the Keys page.')
    })
    expect(screen.getByRole('link', { name: 'Keys page' }).getAttribute('href')).toBe('/keys')
    expect(credential('SSH command')).toBe('ssh ubuntu@10.0.0.7')

    await router.navigate('/machines/vm-2')
    await waitFor(() => {
      expect(card().textContent).toContain(
        'The machine has your key desktop. Nimbus does not keep its private half: connect with your own copy.',
      )
    })
  })

  it('tells an admin looking at someone else’s machine that its key is the owner’s to download', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(admin),
      'GET /api/vms/vm-1': () => ok(runningVm({ owner_name: 'Bob Member', created_by: admin.id })),
    })
    renderAt('/machines/vm-1')

    await screen.findByRole('heading', { level: 1 })
    expect(card().textContent).toContain(
      'Nimbus keeps this machine’s private key, encrypted, for Bob Member: only they can download it, from this page.',
    )
    expect(screen.queryByRole('button', { name: 'Download private key' })).toBeNull()
  })

  it('points to the timeline of a machine still being built, or one that failed', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/vm-1': () => ok(buildingVm()),
      'GET /api/vms/vm-2': () =>
        ok(buildingVm({ id: 'vm-2', status: 'failed', phase: 'rolled_back', failure: { step: 'clone', reason: 'No space left.', code: 'failed' } })),
    })
    const { router } = renderAt('/machines/vm-1')

    const follow = await screen.findByRole('link', { name: 'Follow its progress' })
    expect(follow.getAttribute('href')).toBe('/machines/vm-1/progress')
    expect(screen.queryByRole('button', { name: 'Download private key' })).toBeNull()

    await router.navigate('/machines/vm-2')
    const see = await screen.findByRole('link', { name: 'See what happened' })
    expect(see.getAttribute('href')).toBe('/machines/vm-2/progress')
    expect(card().textContent).toContain('This machine could not be built. No space left.')
  })

  it('says so when there is no such machine', async () => {
    serveFetch({
      'GET /api/auth/status': authStatus(member),
      'GET /api/vms/nope': () => refusal(404, 'not_found', 'No such machine.'),
    })
    renderAt('/machines/nope')

    expect(await screen.findByRole('heading', { name: 'No such machine' })).toBeTruthy()
  })
})
