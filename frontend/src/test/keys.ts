// Test doubles for the Keys page: two saved keys (a generated default whose private half Nimbus
// keeps, and an imported RSA key with the public half only), a fetch answering with them, and
// ways to find a key in the list.
import { screen, within } from '@testing-library/react'
import type { SshKey } from '../api/types'
import { admin, authStatus, ok, serveFetch } from './harness'

export const laptop: SshKey = {
  id: 'k-laptop',
  name: 'laptop',
  label: 'Work laptop',
  public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdU7tW0Xj7qQ2zv1cJmJ4mW9o2p0Wc3yW5YwM1bS2nX',
  fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
  algorithm: 'ssh-ed25519',
  bits: 256,
  is_default: true,
  has_private_key: true,
  source: 'generated',
  created_at: '2025-03-01T08:00:00Z',
}

export const desktop: SshKey = {
  id: 'k-desktop',
  name: 'desktop',
  public_key: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC7 ada@desktop',
  fingerprint: 'SHA256:Vt4y0yZkQ2o1sXz8c5pUu3aB2lqf1Qy0rRkL9mWnE1c',
  algorithm: 'ssh-rsa',
  bits: 4096,
  is_default: false,
  has_private_key: false,
  source: 'imported',
  created_at: '2025-02-01T08:00:00Z',
}

/** The Keys page's calls, signed in as `who`, with `extra` answered too. */
export function keysPage(extra: Parameters<typeof serveFetch>[0] = {}, who = admin) {
  return serveFetch({
    'GET /api/auth/status': authStatus(who),
    'GET /api/keys': () => ok([laptop, desktop]),
    ...extra,
  })
}

/** A key's item in the list, named by the key's name. */
export function keyItem(name: string) {
  return screen.getByRole('listitem', { name })
}

/** Whether a key carries the "Default" badge (not the "Make default" button). */
export function isDefault(name: string): boolean {
  return within(keyItem(name)).queryByText('Default', { exact: true }) !== null
}

/** The keys' names in the order listed. */
export function listedNames(): string[] {
  return within(screen.getByRole('list', { name: 'Your keys' }))
    .getAllByRole('listitem')
    .map((item) => document.getElementById(item.getAttribute('aria-labelledby') ?? '')?.textContent ?? '')
}
