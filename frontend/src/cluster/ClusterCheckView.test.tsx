import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { MissingPrivilege } from '../api/types'
import { consoleMissing, lackingCheck } from '../test/setup.fixtures'
import { ClusterCheckView } from './ClusterCheckView'

const monitor = (reason: string): MissingPrivilege => ({
  privilege: 'VM.Monitor on /vms',
  feature: 'templates',
  reason,
  pveum: 'pveum acl modify /vms --tokens x --roles NimbusProvisioner',
  ui: 'Datacenter → Permissions',
})

function privileges() {
  return Array.from(document.querySelectorAll('[data-privilege]')).map((el) => el.getAttribute('data-privilege'))
}

describe('the connection check', () => {
  it('lists each missing privilege, and a later check replaces the list (one privilege may be needed twice for one feature)', () => {
    const before = { ...lackingCheck, missing: [monitor('run the bake’s commands'), monitor('write files into the bake VM'), consoleMissing] }
    const { rerender } = render(<ClusterCheckView check={before} />)
    expect(privileges()).toEqual(['VM.Monitor on /vms', 'VM.Monitor on /vms', 'VM.Console on /vms'])
    rerender(<ClusterCheckView check={{ ...lackingCheck, missing: [consoleMissing] }} />)
    expect(privileges()).toEqual(['VM.Console on /vms'])
    expect(screen.getByRole('alert').textContent).toContain('lacks a privilege')
  })
})
