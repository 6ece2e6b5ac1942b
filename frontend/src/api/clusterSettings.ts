// The calls of Admin → Settings → Cluster: the Proxmox connection, the VM network and the placement
// knobs after setup, checked the same way as in the wizard and applied without a restart.
import { settle } from './call'
import { api } from './client'
import type { ClusterSettingsUpdate, NetworkForm, ProxmoxConnect } from './types'

export const loadClusterSettings = (signal: AbortSignal) => settle(api.GET('/settings/cluster', { signal }))

export const fetchClusterFingerprint = (url: string) =>
  settle(api.POST('/settings/cluster/proxmox/fingerprint', { body: { url } }))

/** Checks a connection without saving it (`token_secret` empty: with the current secret). */
export const checkClusterConnection = (connect: ProxmoxConnect) =>
  settle(api.POST('/settings/cluster/proxmox/check', { body: connect }))

export const reviewClusterNetwork = (network: NetworkForm) =>
  settle(api.POST('/settings/cluster/network/review', { body: network }))

export const probeClusterNetwork = (network: NetworkForm) =>
  settle(api.POST('/settings/cluster/network/probe', { body: network }))

/** Saves, rewrites the env file and applies at once; answers the settings and notes for the admin.
 * 409 `pool_shrink_blocked` names the holders, `other_cluster` refuses another cluster while
 * machines exist. */
export const saveClusterSettings = (update: ClusterSettingsUpdate) => settle(api.PUT('/settings/cluster', { body: update }))
