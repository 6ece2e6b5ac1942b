// The VM network form as typed (every field text) and as sent (the prefix a number), with the
// checks the browser can make before asking Nimbus, which checks the rest (pool inside the
// subnet, gateway outside the pool, no node's address in it).
import type { NetworkForm } from '../api/types'

export const NETWORK_FIELDS = ['pool_start', 'pool_end', 'gateway', 'prefix', 'reserved', 'nameservers', 'search_domain'] as const

export type NetworkField = (typeof NETWORK_FIELDS)[number]

export type NetworkDraft = Record<NetworkField, string>

/** The form as saved, or empty with a /24 prefix. */
export function networkDraft(saved?: NetworkForm): NetworkDraft {
  return {
    pool_start: saved?.pool_start ?? '',
    pool_end: saved?.pool_end ?? '',
    gateway: saved?.gateway ?? '',
    prefix: saved ? String(saved.prefix) : '24',
    reserved: saved?.reserved ?? '',
    nameservers: saved?.nameservers ?? '',
    search_domain: saved?.search_domain ?? '',
  }
}

/** What to change before sending, per field (nothing when the draft can be sent). */
export function networkProblems(draft: NetworkDraft): Partial<Record<NetworkField, string>> {
  const problems: Partial<Record<NetworkField, string>> = {}
  if (draft.pool_start.trim() === '') problems.pool_start = 'Enter the first address of the pool, like 10.0.0.100.'
  if (draft.pool_end.trim() === '') problems.pool_end = 'Enter the last address of the pool, like 10.0.0.199.'
  if (draft.gateway.trim() === '') problems.gateway = 'Enter the gateway machines use, like 10.0.0.1.'
  const prefix = draft.prefix.trim()
  if (!/^\d{1,2}$/.test(prefix) || Number(prefix) < 8 || Number(prefix) > 30) {
    problems.prefix = 'Enter the prefix length, a whole number from 8 to 30 (24 for a 255.255.255.0 netmask).'
  }
  return problems
}

/** The body to send; call only once `networkProblems` found nothing. */
export function networkForm(draft: NetworkDraft): NetworkForm {
  return {
    pool_start: draft.pool_start.trim(),
    pool_end: draft.pool_end.trim(),
    gateway: draft.gateway.trim(),
    prefix: Number(draft.prefix.trim()),
    reserved: draft.reserved.trim(),
    nameservers: draft.nameservers.trim(),
    search_domain: draft.search_domain.trim(),
  }
}
