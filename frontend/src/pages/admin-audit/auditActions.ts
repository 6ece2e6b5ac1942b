// Words for the audit log's action codes. Typed as a full record of the API's enum, so a new
// action in the spec fails the typecheck here until it has a label.
import type { AuditAction } from '../../api/types'

export const auditActionLabels: Record<AuditAction, string> = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Sign-in refused',
  'auth.signed_out_everywhere': 'Signed out everywhere',
  'account.created': 'Account created',
  'account.password_changed': 'Password changed',
  'account.role_changed': 'Role changed',
  'account.status_changed': 'Account enabled or disabled',
  'account.email_conflict': 'Sign-in met an unproven address',
  'account.email_released': 'Email address released',
  'account.promoted_at_boot': 'Made admin at start-up',
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
  'invitation.created': 'Invitation made',
  'invitation.revoked': 'Invitation revoked',
  'invitation.redeemed': 'Signed up with an invitation',
  'settings.changed': 'Setting changed',
  'access_code.rotated': 'Access code renewed',
  'access_code.failed': 'Wrong access code',
  'identity.linked': 'Sign-in provider linked',
  'identity.unlinked': 'Sign-in provider unlinked',
  'key.created': 'SSH key added',
  'key.deleted': 'SSH key deleted',
  'key.private_key_read': 'Private key downloaded',
  'quota.changed': 'Quota changed',
  'vm.approved': 'Machine request approved',
  'vm.denied': 'Machine request denied',
  'vm.created_on_behalf': 'Machine provisioned for a member',
  'templates.bootstrap': 'Template bootstrap started',
  'templates.rebuild': 'Templates rebuilt',
  'templates.bootstrap_finished': 'Template bootstrap finished',
  'tunnel.created': 'Tunnel added',
  'tunnel.deleted': 'Tunnel removed',
  'tunnel.public_ssh_retried': 'Public access retried',
  'gpu.worker_added': 'GPU worker added',
  'gpu.worker_revoked': 'GPU worker revoked',
  'gpu.job_cancelled': 'GPU job cancelled',
}

/** Every action, in the order the filter lists them. */
export const auditActions = Object.keys(auditActionLabels) as AuditAction[]

/** Actions that record something refused: drawn in red so they stand out. */
const refusals = new Set<string>(['auth.sign_in_failed', 'access_code.failed', 'account.email_conflict'])

export function isRefusal(action: string): boolean {
  return refusals.has(action)
}

export function isAuditAction(value: string | null): value is AuditAction {
  return value !== null && Object.hasOwn(auditActionLabels, value)
}

/** The label for a code; an action this build does not know yet shows as its code. */
export function auditActionLabel(action: string): string {
  return isAuditAction(action) ? auditActionLabels[action] : action
}
