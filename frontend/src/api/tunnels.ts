// The calls behind public access through Gopher: whether tunnels are on (and the caller's quota),
// a subdomain's availability, a machine's tunnels (list, add, remove), retrying its public SSH,
// and for admins what Gopher holds and the subdomain policy.
import { settle, settleEmpty } from './call'
import { api } from './client'
import type { NewTunnel, TunnelPolicyChange } from './types'

/** Whether tunnels are on, the gateway's host, and how many tunnels the caller has of how many. */
export const loadTunnelsInfo = (signal: AbortSignal) => settle(api.GET('/tunnels/info', { signal }))

/** Whether `subdomain` could be had (normalised), and why not; 400 `subdomain` for a bad label. */
export const checkSubdomain = (subdomain: string, signal: AbortSignal) =>
  settle(api.GET('/tunnels/check', { params: { query: { subdomain } }, signal }))

export const loadVmTunnels = (id: string, signal: AbortSignal) =>
  settle(api.GET('/vms/{id}/tunnels', { params: { path: { id } }, signal }))

/** Publishes one more port; refused with `subdomain_taken`, `tunnel_quota_reached`, `tunnels_off`, … */
export const createTunnel = (id: string, tunnel: NewTunnel) =>
  settle(api.POST('/vms/{id}/tunnels', { params: { path: { id } }, body: tunnel }))

/** Removes a tunnel (204). */
export const removeTunnel = (id: string, tunnelId: string) =>
  settleEmpty(api.DELETE('/vms/{id}/tunnels/{tunnel_id}', { params: { path: { id, tunnel_id: tunnelId } } }))

/** Tries public SSH again; answers the machine (202) with its public SSH under way. */
export const retryPublicSsh = (id: string) =>
  settle(api.POST('/vms/{id}/public-ssh/retry', { params: { path: { id } } }))

/** Admins: every machine Gopher holds, with its Nimbus machine and tunnels. */
export const loadGatewayOverview = (signal: AbortSignal) => settle(api.GET('/tunnels', { signal }))

/** Admins: reserved subdomains and tunnels per member. */
export const loadTunnelPolicy = (signal: AbortSignal) => settle(api.GET('/settings/tunnels', { signal }))

export const saveTunnelPolicy = (change: TunnelPolicyChange) => settle(api.PUT('/settings/tunnels', { body: change }))
