// Admin → Settings → Cluster's form as typed, and what it sends: the Proxmox connection only when
// it changed (an empty secret keeps the stored one), the network and the placement knobs. Errors
// come back naming a field with or without its section ("gateway", "network.gateway"); both land
// under the field, and the two refusals about a whole section land at that section.
import type { ClusterSettings, ClusterSettingsUpdate, Placement } from '../../api/types'
import type { ApiFailure } from '../../api/failure'
import type { ProxmoxConnect } from '../../api/types'
import { NETWORK_FIELDS, type NetworkDraft, networkDraft, networkForm, networkProblems } from '../../cluster/networkDraft'

export const PROXMOX_FIELDS = ['url', 'fingerprint', 'token_id', 'token_secret'] as const
export const PLACEMENT_FIELDS = ['excluded_nodes', 'mem_buffer_mib', 'cpu_load_factor', 'clone_concurrency_per_node', 'disk_storage'] as const

export type ProxmoxField = (typeof PROXMOX_FIELDS)[number]
export type PlacementField = (typeof PLACEMENT_FIELDS)[number]
export type Section = 'proxmox' | 'network' | 'placement'

export const FIELDS = [
  ...PROXMOX_FIELDS.map((f) => `proxmox.${f}` as const),
  ...NETWORK_FIELDS.map((f) => `network.${f}` as const),
  ...PLACEMENT_FIELDS.map((f) => `placement.${f}` as const),
]
export type ClusterField = (typeof FIELDS)[number]

export interface ProxmoxDraft {
  url: string
  /** Null after the address changed and before its certificate was read. */
  fingerprint: string | null
  /** The admin compared a newly read fingerprint with Proxmox's. */
  matches: boolean
  token_id: string
  token_secret: string
}

export type PlacementDraft = Record<PlacementField, string>

export interface ClusterDraft {
  proxmox: ProxmoxDraft
  network: NetworkDraft
  placement: PlacementDraft
}

/** The connection in use; empty while none is configured. */
export function connectionOf(settings: ClusterSettings): NonNullable<ClusterSettings['proxmox']> {
  return settings.proxmox ?? { url: '', token_id: '', trust: 'fingerprint' }
}

export function clusterDraft(settings: ClusterSettings): ClusterDraft {
  const { placement } = settings
  const proxmox = connectionOf(settings)
  return {
    proxmox: { url: proxmox.url, fingerprint: proxmox.fingerprint ?? '', matches: true, token_id: proxmox.token_id, token_secret: '' },
    network: networkDraft(settings.network),
    placement: {
      excluded_nodes: placement.excluded_nodes.join(', '),
      mem_buffer_mib: String(placement.mem_buffer_mib),
      cpu_load_factor: String(placement.cpu_load_factor),
      clone_concurrency_per_node: String(placement.clone_concurrency_per_node),
      disk_storage: placement.disk_storage ?? '',
    },
  }
}

/** Whether the connection differs from the one in use (so saving switches to it). */
export function proxmoxChanged(draft: ProxmoxDraft, settings: ClusterSettings): boolean {
  const now = connectionOf(settings)
  return (
    draft.url.trim() !== now.url ||
    draft.fingerprint !== (now.fingerprint ?? '') ||
    draft.token_id.trim() !== now.token_id ||
    draft.token_secret !== ''
  )
}

export function proxmoxConnect(draft: ProxmoxDraft): ProxmoxConnect {
  return {
    url: draft.url.trim(),
    fingerprint: draft.fingerprint ?? '',
    token_id: draft.token_id.trim(),
    // Empty keeps the current secret.
    token_secret: draft.token_secret,
    root_user: '',
    root_password: '',
  }
}

export function proxmoxProblems(draft: ProxmoxDraft): Partial<Record<ClusterField, string>> {
  return {
    ...(draft.url.trim() === '' ? { 'proxmox.url': 'Enter the Proxmox address, like https://10.0.0.2:8006.' } : {}),
    ...(draft.fingerprint === null
      ? { 'proxmox.url': 'Read the new address’s certificate and compare its fingerprint before saving.' }
      : !draft.matches
        ? { 'proxmox.fingerprint': 'Compare the fingerprint with Proxmox’s, then tick the box.' }
        : {}),
    ...(draft.token_id.trim() === '' ? { 'proxmox.token_id': 'Enter the token’s ID, like nimbus@pve!nimbus.' } : {}),
  }
}

const wholeNumber = (text: string) => /^\d+$/.test(text.trim())

export function placementProblems(draft: PlacementDraft): Partial<Record<ClusterField, string>> {
  const problems: Partial<Record<ClusterField, string>> = {}
  if (!wholeNumber(draft.mem_buffer_mib)) problems['placement.mem_buffer_mib'] = 'Enter a whole number of MiB, like 1024.'
  if (!/^\d+(\.\d+)?$/.test(draft.cpu_load_factor.trim())) problems['placement.cpu_load_factor'] = 'Enter a number, like 1.5.'
  if (!wholeNumber(draft.clone_concurrency_per_node) || Number(draft.clone_concurrency_per_node) < 1) {
    problems['placement.clone_concurrency_per_node'] = 'Enter a whole number of at least 1.'
  }
  return problems
}

export function placement(draft: PlacementDraft): Placement {
  const storage = draft.disk_storage.trim()
  return {
    excluded_nodes: [...new Set(draft.excluded_nodes.split(/[\s,]+/).filter((n) => n !== ''))],
    mem_buffer_mib: Number(draft.mem_buffer_mib.trim()),
    cpu_load_factor: Number(draft.cpu_load_factor.trim()),
    clone_concurrency_per_node: Number(draft.clone_concurrency_per_node.trim()),
    ...(storage === '' ? {} : { disk_storage: storage }),
  }
}

/** Every problem to fix before saving (the connection's only when it changed). */
export function clusterProblems(draft: ClusterDraft, settings: ClusterSettings): Partial<Record<ClusterField, string>> {
  const network = Object.fromEntries(Object.entries(networkProblems(draft.network)).map(([f, m]) => [`network.${f}`, m]))
  return {
    ...(proxmoxChanged(draft.proxmox, settings) ? proxmoxProblems(draft.proxmox) : {}),
    ...network,
    ...placementProblems(draft.placement),
  }
}

export function clusterUpdate(draft: ClusterDraft, settings: ClusterSettings): ClusterSettingsUpdate {
  return {
    ...(proxmoxChanged(draft.proxmox, settings) ? { proxmox: proxmoxConnect(draft.proxmox) } : {}),
    network: networkForm(draft.network),
    placement: placement(draft.placement),
  }
}

/** The form's name for the field a failure names (`gateway` or `network.gateway`), if it has one. */
export function qualifiedField(field: string | undefined, section?: Section): ClusterField | undefined {
  if (!field) return undefined
  const candidates = field.includes('.') ? [field] : section ? [`${section}.${field}`] : FIELDS.filter((f) => f.endsWith(`.${field}`))
  return FIELDS.find((f) => candidates.includes(f))
}

/** The section a refusal is about as a whole: a blocked pool shrink, or another cluster. */
export function sectionOf(failure: ApiFailure): Section | null {
  if (failure.code === 'pool_shrink_blocked') return 'network'
  if (failure.code === 'other_cluster') return 'proxmox'
  return null
}
