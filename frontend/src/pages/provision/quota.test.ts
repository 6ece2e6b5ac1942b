import { describe, expect, it } from 'vitest'
import type { QuotaStatus } from '../../api/types'
import { catalog } from '../../test/vms'
import { headroomWords, tierFits } from './quota'

const [small, medium, large, xl] = catalog.tiers as [
  (typeof catalog.tiers)[number],
  (typeof catalog.tiers)[number],
  (typeof catalog.tiers)[number],
  (typeof catalog.tiers)[number],
]

function quota(headroom: QuotaStatus['headroom'], fields: Partial<QuotaStatus> = {}): QuotaStatus {
  return {
    exempt: false,
    custom: false,
    limits: { max_vms: 5, max_vcpus: 8, max_memory_mib: 12288, max_disk_gib: 250 },
    usage: { vms: 2, vcpus: 2, memory_mib: 2048, disk_gib: 50 },
    headroom,
    ...fields,
  }
}

describe('tierFits', () => {
  it('needs room for one more machine and for each of its resources', () => {
    const headroom = { vms: 3, vcpus: 6, memory_mib: 10240, disk_gib: 200 }
    expect([small, medium, large, xl].map((tier) => tierFits(tier, headroom))).toEqual([true, true, true, false])
    expect(tierFits(small, { ...headroom, vms: 0 })).toBe(false)
    expect(tierFits(large, { ...headroom, disk_gib: 59 })).toBe(false)
    expect(tierFits(medium, { ...headroom, memory_mib: 2047 })).toBe(false)
  })

  it('reads an absent or null limit as no limit', () => {
    expect(tierFits(xl, {})).toBe(true)
    expect(tierFits(xl, { vms: null, vcpus: null } as unknown as QuotaStatus['headroom'])).toBe(true)
    expect(tierFits(xl, null)).toBe(true)
  })
})

describe('headroomWords', () => {
  it('says what is left under each limit', () => {
    expect(headroomWords(quota({ vms: 3, vcpus: 6, memory_mib: 10240, disk_gib: 200 }))).toBe(
      'Room for 3 more machines · 6 vCPU · 10 GiB · 200 GB',
    )
    expect(headroomWords(quota({ vms: 1, memory_mib: 512 }))).toBe('Room for 1 more machine · 512 MiB')
  })

  it('says when there is no room for another machine, and when there are no limits', () => {
    expect(headroomWords(quota({ vms: 0, vcpus: 6 }))).toBe('No room for another machine: 2 of 5 in use')
    expect(headroomWords(quota({}, { exempt: true }))).toBe('No limits')
    expect(headroomWords(quota({}))).toBe('No limits')
  })
})
