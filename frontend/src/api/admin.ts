// The calls the admin pages make: the fleet's figures, every owner's machines, the approval
// queue and its decisions, the nodes as placement sees them, the IP pool and its reconcile,
// the users and their role and status, the audit log, and the quota settings. (Power actions
// and delete are the same calls as a member's: vms.ts; Settings → Authentication: settings.ts.)
import { settle } from './call'
import { api } from './client'
import type { AuditQuery, NewInvitation, QuotaLimits, UserUpdate } from './types'

export const loadFleetStats = (signal: AbortSignal) => settle(api.GET('/cluster/stats', { signal }))

/** Provisioning outcomes and step timings over the last week. */
export const loadProvisionMetrics = (signal: AbortSignal) =>
  settle(api.GET('/metrics/provisions', { params: { query: { days: 7 } }, signal }))

/** Every owner's machines, each with its owner's name and email. */
export const loadAllVms = (signal: AbortSignal) => settle(api.GET('/vms', { params: { query: { all: true } }, signal }))

/** Every guest on the cluster; Nimbus's own carry their id, public SSH and public URLs. */
export const loadClusterVms = (signal: AbortSignal) => settle(api.GET('/cluster/vms', { signal }))

/** Requests waiting for an admin, oldest first. */
export const loadApprovals = (signal: AbortSignal) => settle(api.GET('/approvals', { signal }))

/** Approves a request: answered at once (202) with the machine, now being built. */
export const approveRequest = (id: string) =>
  settle(api.POST('/approvals/{id}/approve', { params: { path: { id } } }))

/** Denies a request; the member sees `reason` on the machine. */
export const denyRequest = (id: string, reason: string) =>
  settle(api.POST('/approvals/{id}/deny', { params: { path: { id } }, body: { reason } }))

/** The nodes, scored for placing a machine of `tier` with `os` (the server's defaults when absent). */
export const loadNodes = (query: { tier?: string; os?: string }, signal: AbortSignal) =>
  settle(api.GET('/nodes', { params: { query }, signal }))

export const loadPool = (signal: AbortSignal) => settle(api.GET('/ips', { signal }))

export const loadLastReconcile = (signal: AbortSignal) => settle(api.GET('/ips/reconcile', { signal }))

/** Runs one reconcile pass now and answers its report. */
export const reconcileNow = () => settle(api.POST('/ips/reconcile'))

export const loadUsers = (signal: AbortSignal) => settle(api.GET('/users', { signal }))

/** Changes one user's role or status; refused (409 `last_admin`) when no active admin would be left. */
export const updateUser = (id: string, change: UserUpdate) =>
  settle(api.PATCH('/users/{id}', { params: { path: { id } }, body: change }))

/** Takes a member's address off their account (a placeholder replaces it, their sessions end);
 * refused (409 `admin_email`) for an admin. */
export const releaseEmail = (id: string) =>
  settle(api.POST('/users/{id}/release-email', { params: { path: { id } } }))

/** Every invitation with its state (pending, used, expired, revoked), newest first. */
export const loadInvitations = (signal: AbortSignal) => settle(api.GET('/users/invitations', { signal }))

/** Makes an invitation; the answer's link (with its token) is shown this once. */
export const createInvitation = (invitation: NewInvitation) =>
  settle(api.POST('/users/invitations', { body: invitation }))

/** Revokes a pending invitation; refused (409 `invitation_not_pending`) once used, expired or revoked. */
export const revokeInvitation = (id: string) =>
  settle(api.POST('/users/invitations/{id}/revoke', { params: { path: { id } } }))

/** One page of the audit log, newest first; `before` is the previous page's `next_before`. */
export const loadAuditPage = (query: AuditQuery, signal?: AbortSignal) =>
  settle(api.GET('/audit', { params: { query }, signal }))

export const loadQuotas = (signal: AbortSignal) => settle(api.GET('/quotas', { signal }))

export const saveQuotaDefaults = (limits: QuotaLimits) => settle(api.PUT('/quotas/defaults', { body: limits }))

export const saveMemberQuota = (id: string, limits: QuotaLimits) =>
  settle(api.PUT('/quotas/users/{id}', { params: { path: { id } }, body: limits }))

/** Puts a member back on the defaults. */
export const resetMemberQuota = (id: string) => settle(api.DELETE('/quotas/users/{id}', { params: { path: { id } } }))
