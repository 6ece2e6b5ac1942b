// What a quota leaves room for, for the Provision form: whether a size still fits, and the room
// left in words ("Room for 3 more machines · 6 vCPU · 10 GiB · 200 GB"). A limit the API leaves
// out (or sends as null) is no limit.
import type { CatalogTier, QuotaHeadroom, QuotaStatus } from '../../api/types'
import { formatMemory } from '../../vm/vmState'

type Room = number | null | undefined

const limited = (room: Room): room is number => typeof room === 'number'

/** The size fits in what is left: one more machine, its vCPUs, memory and disk. */
export function tierFits(tier: CatalogTier, headroom: QuotaHeadroom | null | undefined): boolean {
  if (!headroom) return true
  const { vms, vcpus, memory_mib: memory, disk_gib: disk } = headroom as Record<keyof QuotaHeadroom, Room>
  return (
    (!limited(vms) || vms >= 1) &&
    (!limited(vcpus) || vcpus >= tier.vcpus) &&
    (!limited(memory) || memory >= tier.memory_mib) &&
    (!limited(disk) || disk >= tier.disk_gib)
  )
}

/** The room left in words, or "No limits". */
export function headroomWords(quota: QuotaStatus): string {
  if (quota.exempt) return 'No limits'
  const { vms, vcpus, memory_mib: memory, disk_gib: disk } = quota.headroom as Record<keyof QuotaHeadroom, Room>
  if (vms === 0) {
    const max = (quota.limits as { max_vms?: Room } | undefined)?.max_vms
    return `No room for another machine: ${quota.usage.vms} of ${limited(max) ? max : quota.usage.vms} in use`
  }
  const parts: string[] = []
  if (limited(vms)) parts.push(`${vms} more ${vms === 1 ? 'machine' : 'machines'}`)
  if (limited(vcpus)) parts.push(`${vcpus} vCPU`)
  if (limited(memory)) parts.push(formatMemory(memory))
  if (limited(disk)) parts.push(`${disk} GB`)
  return parts.length > 0 ? `Room for ${parts.join(' · ')}` : 'No limits'
}
