import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import type { BootstrapStatus } from '../../api/types'
import { admin, authStatus, ok, refusal, renderAt, serveFetch } from '../../test/harness'
import { atAccess, network, setupRequired } from '../../test/setup.fixtures'
import { incompleteStep } from './AdminStep'

afterEach(() => {
  sessionStorage.clear()
})

const atNetwork = { ...atAccess, step: 'network' as const, network: undefined, network_warnings: [] }
const atAdmin = { ...atAccess, step: 'admin' as const, access: { signup_mode: 'open' as const, github: false, google: false } }

function opened(state: unknown, extra: Parameters<typeof serveFetch>[0] = {}) {
  sessionStorage.setItem('nimbus.setup-token', 'tok')
  return serveFetch({ 'GET /api/auth/status': setupRequired, 'GET /api/setup': () => ok(state), ...extra })
}

async function fillNetwork(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Pool start'), network.pool_start)
  await user.type(screen.getByLabelText('Pool end'), network.pool_end)
  await user.type(screen.getByLabelText('Gateway'), network.gateway)
  await user.type(screen.getByLabelText('Reserved addresses'), network.reserved)
  await user.type(screen.getByLabelText('DNS servers'), network.nameservers)
  await user.type(screen.getByLabelText('Search domain'), network.search_domain)
}

describe('the network step', () => {
  it('checks the form, probes the LAN, shows the warnings of a save, then goes on to Access', async () => {
    const user = userEvent.setup()
    const { calls } = opened(atNetwork, {
      'POST /api/setup/network/probe': [() => ok({ probed: 100, answering: ['10.0.0.150'] }), () => ok({ probed: 100, answering: [] })],
      'POST /api/setup/network': [
        () => refusal(400, 'validation_failed', 'The gateway 10.0.0.150 is inside the pool: pick one outside it.', { field: 'gateway' }),
        () => ok({ addresses: 90, warnings: ['pve1’s address 10.0.0.2 is outside the pool: fine.'] }),
      ],
    })
    renderAt('/setup')
    await screen.findByRole('form', { name: 'Network' })
    await user.click(screen.getByRole('button', { name: 'Save and continue' }))
    expect(screen.getByLabelText('Pool start').getAttribute('aria-invalid')).toBe('true')
    expect(calls('POST /api/setup/network')).toHaveLength(0)

    await fillNetwork(user)
    await user.clear(screen.getByLabelText('Prefix length'))
    await user.type(screen.getByLabelText('Prefix length'), '24')
    await user.click(screen.getByRole('button', { name: 'Check the LAN' }))
    expect(calls('POST /api/setup/network/probe')[0]?.body).toEqual(network)
    const probe = await screen.findByRole('status', { name: 'LAN check' })
    expect(probe.textContent).toContain('100 addresses probed: 1 already answers and will be skipped.')
    expect(probe.textContent).toContain('10.0.0.150')
    await user.click(screen.getByRole('button', { name: 'Check the LAN' }))
    expect((await screen.findByText(/none answer/)).textContent).toBe('100 addresses probed: none answer.')

    await user.click(screen.getByRole('button', { name: 'Save and continue' }))
    expect(await screen.findByText('The gateway 10.0.0.150 is inside the pool: pick one outside it.')).toBeTruthy()
    expect(screen.getByLabelText('Gateway').getAttribute('aria-invalid')).toBe('true')
    await user.click(screen.getByRole('button', { name: 'Save and continue' }))
    expect(await screen.findByText('Saved: 90 addresses for machines.')).toBeTruthy()
    expect(screen.getByRole('list', { name: 'Warnings' }).textContent).toContain('outside the pool: fine.')
    await user.click(screen.getByRole('button', { name: 'Next: access' }))
    expect(await screen.findByRole('form', { name: 'Access' })).toBeTruthy()
  })
})

describe('the access step', () => {
  it('sends the choice and an optional GitHub app', async () => {
    const user = userEvent.setup()
    const { calls } = opened(atAccess, {
      'POST /api/setup/access': () => ok({ signup_mode: 'invite_only', github: true, google: false }),
    })
    renderAt('/setup')
    const form = await screen.findByRole('form', { name: 'Access' })
    expect(within(form).getByRole('radio', { name: /Anyone who can reach Nimbus/ })).toHaveProperty('checked', true)
    await user.click(within(form).getByRole('radio', { name: /Only people an admin invites/ }))
    await user.click(within(form).getByText(/Sign in with GitHub/))
    await user.type(within(form).getByLabelText('GitHub client ID'), 'Iv1.abc')
    await user.click(within(form).getByRole('button', { name: 'Save and continue' }))
    expect(within(form).getByLabelText('GitHub client secret').getAttribute('aria-invalid')).toBe('true')
    await user.type(within(form).getByLabelText('GitHub client secret'), 'gh-secret')
    await user.click(within(form).getByRole('button', { name: 'Save and continue' }))
    expect(calls('POST /api/setup/access')[0]?.body).toEqual({
      signup_mode: 'invite_only',
      github_client_id: 'Iv1.abc',
      github_client_secret: 'gh-secret',
      google_client_id: '',
      google_client_secret: '',
    })
    expect(await screen.findByRole('form', { name: 'Admin account' })).toBeTruthy()
  })
})

const bootstrap = (running: boolean, state: 'missing' | 'baking' | 'present'): BootstrapStatus => ({
  running,
  bake_version: 2,
  nodes: [{ name: 'pve1', online: true }],
  oses: [{ key: 'debian-12', label: 'Debian 12' }],
  cells: [{ node: 'pve1', os: 'debian-12', state, shared: false, ...(state === 'baking' ? { words: 'Downloading the image', percent: 30 } : {}), ...(state === 'present' ? { vmid: 9001, bake_version: 2 } : {}) }],
  retired: [],
  partial: false,
})

describe('the admin step and the templates', () => {
  it('a step still to do is named with a way there; finishing signs in and offers the bootstrap with its progress', async () => {
    const user = userEvent.setup()
    let answerRunning: (response: Response) => void = () => undefined
    const running = new Promise<Response>((resolve) => {
      answerRunning = resolve
    })
    const { calls } = opened(atAdmin, {
      'GET /api/auth/status': [setupRequired, authStatus(admin)],
      'POST /api/setup/finish': [
        () => refusal(409, 'setup_incomplete', 'Save the network step first.', { field: 'network' }),
        () => ok({ redirect: '/admin/templates' }, 201),
      ],
      'GET /api/admin/bootstrap-status': [() => ok(bootstrap(false, 'missing')), () => running, () => ok(bootstrap(false, 'present'))],
      'POST /api/admin/bootstrap-templates': () => ok({ queued: [{ node: 'pve1', os: 'debian-12' }], offline: [], shared: false, message: 'Template bootstrap started: 1 bake queued.' }, 202),
    })
    const { router } = renderAt('/setup')
    const form = await screen.findByRole('form', { name: 'Admin account' })
    await user.type(within(form).getByLabelText('Email'), 'ada@example.com')
    await user.type(within(form).getByLabelText('Password'), 'short')
    await user.click(within(form).getByRole('button', { name: 'Create the admin and finish' }))
    expect(within(form).getByLabelText('Password').getAttribute('aria-invalid')).toBe('true')
    await user.type(within(form).getByLabelText('Password'), '-but-long-now')
    await user.type(within(form).getByLabelText('Confirm password'), 'short-but-long-now')
    await user.click(within(form).getByRole('button', { name: 'Create the admin and finish' }))
    expect(calls('POST /api/setup/finish')[0]?.body).toEqual({ email: 'ada@example.com', password: 'short-but-long-now', display_name: '' })
    expect((await screen.findByRole('alert')).textContent).toContain('Save the network step first.')
    await user.click(screen.getByRole('button', { name: 'Go to the network step' }))
    expect(screen.getByRole('form', { name: 'Network' })).toBeTruthy()

    await user.click(screen.getByRole('button', { name: /Admin/ }))
    const again = screen.getByRole('form', { name: 'Admin account' })
    await user.type(within(again).getByLabelText('Email'), 'ada@example.com')
    await user.type(within(again).getByLabelText('Password'), 'short-but-long-now')
    await user.type(within(again).getByLabelText('Confirm password'), 'short-but-long-now')
    await user.click(within(again).getByRole('button', { name: 'Create the admin and finish' }))

    expect(await screen.findByRole('heading', { name: /set up\./ })).toBeTruthy()
    expect(router.state.location.pathname).toBe('/setup')
    expect(screen.getByRole('navigation', { name: 'Setup steps' }).querySelector('[aria-current="step"]')?.textContent).toContain('Templates')
    expect(screen.getByRole('link', { name: 'Skip, go to the portal' }).getAttribute('href')).toBe('/')
    await screen.findByRole('table', { name: 'Templates' })
    await user.click(screen.getByRole('button', { name: 'Set up templates' }))
    expect(calls('POST /api/admin/bootstrap-templates')[0]?.body).toEqual({})
    // Until Nimbus answers again, the page still holds the status from before the start: not "finished".
    expect(await screen.findByText('Template bootstrap started: 1 bake queued.')).toBeTruthy()
    expect(screen.queryByText('The bootstrap has finished.')).toBeNull()
    expect(screen.queryByRole('link', { name: 'Go to the portal' })).toBeNull()
    answerRunning(ok(bootstrap(true, 'baking')))
    await waitFor(() => {
      expect(document.querySelector('[data-cell="pve1/debian-12"]')?.textContent).toContain('Downloading the image · 30 %')
    })
    // The progress is shown, not a Rebuild button.
    expect(screen.queryByRole('button', { name: /Rebuild/ })).toBeNull()
    await waitFor(
      () => {
        expect(screen.getByRole('link', { name: 'Go to the portal' })).toBeTruthy()
      },
      { timeout: 4000 },
    )
    expect(document.querySelector('[data-cell="pve1/debian-12"]')?.textContent).toContain('VMID 9001')
    expect(calls('GET /api/auth/status')).toHaveLength(2)
  }, 10_000)

  it('reads the step a setup_incomplete names', () => {
    expect(incompleteStep('network', 'x')).toBe('network')
    expect(incompleteStep(undefined, 'Complete the Access step first.')).toBe('access')
    expect(incompleteStep(undefined, 'Something else.')).toBeNull()
  })
})
