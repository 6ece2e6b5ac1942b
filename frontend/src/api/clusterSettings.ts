// The calls of Admin → Settings → Cluster: the Proxmox connection, the VM network and the placement
// knobs after setup, checked the same way as in the wizard and applied without a restart.
// The types are written by hand to the settings contract until the server's spec has these routes.
import { settle } from './call'
import { plainCall } from './plainCall'
import type { ClusterCheck, Fingerprint, NetworkForm, NetworkProbe, NetworkReview, ProxmoxConnect } from './setup'

export type ProxmoxTrust = 'fingerprint' | 'ca_file' | 'insecure'

export interface Placement {
  excluded_nodes: string[]
  mem_buffer_mib: number
  cpu_load_factor: number
  clone_concurrency_per_node: number
  disk_storage?: string
}

export interface ClusterSettings {
  proxmox: { url: string; fingerprint?: string; token_id: string; trust: ProxmoxTrust }
  network: NetworkForm
  placement: Placement
  /** Values the process environment sets (it outranks the env file): shown read-only. */
  locked: { field: string; variable: string }[]
  /** The env file saving writes. */
  env_file?: string
  /** Machines Nimbus holds: another cluster is refused while there are any. */
  machines: number
}

export interface ClusterSettingsUpdate {
  /** Absent: the connection stays; `token_secret` empty: the current secret stays. */
  proxmox?: ProxmoxConnect
  network: NetworkForm
  placement: Placement
}

export type SavedClusterSettings = ClusterSettings & { notes: string[] }

interface Routes {
  'GET /settings/cluster': ClusterSettings
  'POST /settings/cluster/proxmox/fingerprint': Fingerprint
  'POST /settings/cluster/proxmox/check': ClusterCheck
  'POST /settings/cluster/network/review': NetworkReview
  'POST /settings/cluster/network/probe': NetworkProbe
  'PUT /settings/cluster': SavedClusterSettings
}

const call = <K extends keyof Routes>(route: K, body?: unknown, signal?: AbortSignal) =>
  settle(plainCall<Routes, K>(route, { body, signal }))

export const loadClusterSettings = (signal: AbortSignal) => call('GET /settings/cluster', undefined, signal)

export const fetchClusterFingerprint = (url: string) =>
  call('POST /settings/cluster/proxmox/fingerprint', { url })

/** Checks a connection without saving it (`token_secret` empty: with the current secret). */
export const checkClusterConnection = (connect: ProxmoxConnect) =>
  call('POST /settings/cluster/proxmox/check', connect)

export const reviewClusterNetwork = (network: NetworkForm) =>
  call('POST /settings/cluster/network/review', network)

export const probeClusterNetwork = (network: NetworkForm) =>
  call('POST /settings/cluster/network/probe', network)

/** Saves, rewrites the env file and applies at once. 409 `pool_shrink_blocked` names the holders,
 * `other_cluster` refuses another cluster while machines exist. */
export const saveClusterSettings = (update: ClusterSettingsUpdate) =>
  call('PUT /settings/cluster', update)
