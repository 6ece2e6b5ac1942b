import { describe, expect, it } from 'vitest'
import { draftFrom, limitsFrom } from './quotaDraft'

describe('quota drafts', () => {
  it('shows limits with memory in GiB and absent or null limits as empty fields', () => {
    expect(draftFrom({ max_vms: 10, max_vcpus: 16, max_memory_mib: 32768, max_disk_gib: 500 })).toEqual({
      max_vms: '10',
      max_vcpus: '16',
      max_memory_mib: '32',
      max_disk_gib: '500',
      max_pending: '',
      approval_above: '',
    })
    expect(draftFrom({ max_memory_mib: 1536, approval_above: 'medium', max_vms: null } as never)).toMatchObject({
      max_vms: '',
      max_memory_mib: '1.5',
      approval_above: 'medium',
    })
  })

  it('sends memory in MiB and leaves empty fields out (no limit)', () => {
    expect(
      limitsFrom({
        max_vms: ' 3 ',
        max_vcpus: '',
        max_memory_mib: '0.5',
        max_disk_gib: '200',
        max_pending: '2',
        approval_above: 'large',
      }),
    ).toEqual({ ok: true, limits: { max_vms: 3, max_memory_mib: 512, max_disk_gib: 200, max_pending: 2, approval_above: 'large' } })
    expect(limitsFrom({ max_vms: '', max_vcpus: '', max_memory_mib: '', max_disk_gib: '', max_pending: '', approval_above: '' })).toEqual({
      ok: true,
      limits: {},
    })
  })

  it('says which fields are not numbers', () => {
    const outcome = limitsFrom({ max_vms: '2.5', max_vcpus: '-1', max_memory_mib: 'lots', max_disk_gib: '10', max_pending: 'x', approval_above: '' })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(Object.keys(outcome.errors)).toEqual(['max_vms', 'max_vcpus', 'max_memory_mib', 'max_pending'])
  })
})
