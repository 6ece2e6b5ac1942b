// Which of the fleet's machines the All machines table shows: a search over hostname, owner
// (name or email) and address, a status, an owner. The filters live in the page's address
// (`q`, `status`, `owner`), so a filtered view can be shared and Export CSV takes what is shown.
import type { Vm } from '../../api/types'

export interface MachineFilters {
  q: string
  status: string
  /** An owner's account id; empty for everyone. */
  owner: string
}

/** The VM status vocabulary, in the order the status filter offers it. */
export const STATUSES = [
  'running',
  'stopped',
  'provisioning',
  'pending_approval',
  'starting',
  'stopping',
  'rebooting',
  'unknown',
  'failed',
  'denied',
  'deleting',
] as const

export function filtersFrom(params: URLSearchParams): MachineFilters {
  return { q: params.get('q') ?? '', status: params.get('status') ?? '', owner: params.get('owner') ?? '' }
}

/** The search params for `filters`, leaving out the empty ones. */
export function filtersToParams(filters: MachineFilters): URLSearchParams {
  const params = new URLSearchParams()
  for (const key of ['q', 'status', 'owner'] as const) if (filters[key].trim() !== '') params.set(key, filters[key])
  return params
}

function matches(vm: Vm, words: string[]): boolean {
  const haystack = [vm.hostname, vm.owner_name, vm.owner_email, vm.ip]
    .filter((text): text is string => typeof text === 'string')
    .join(' ')
    .toLowerCase()
  return words.every((word) => haystack.includes(word))
}

/** The machines that pass every filter, in the order given. */
export function filterMachines(vms: readonly Vm[], filters: MachineFilters): Vm[] {
  const words = filters.q.trim().toLowerCase().split(/\s+/).filter(Boolean)
  return vms.filter(
    (vm) =>
      (filters.status === '' || vm.status === filters.status) &&
      (filters.owner === '' || vm.owner_id === filters.owner) &&
      matches(vm, words),
  )
}

export interface Owner {
  id: string
  name: string
}

/** Everyone who owns a machine, by name, for the owner filter. */
export function ownersOf(vms: readonly Vm[]): Owner[] {
  const owners = new Map<string, string>()
  for (const vm of vms) owners.set(vm.owner_id, vm.owner_name ?? vm.owner_email ?? vm.owner_id)
  return [...owners].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name))
}
