// What the sign-up page says about an invitation link (`/signup?invite=…`): "You are invited to
// join as a member (expires …)", or why the link cannot be used. The public check tells the
// state, the role and the expiry, and nothing else.
import { useCallback } from 'react'
import { checkInvitation } from '../../api/auth'
import type { Outcome } from '../../api/call'
import type { InviteCheck } from '../../api/types'
import { type LoadState, useLoad } from '../../api/useLoad'
import { LoadStatus } from '../../ui/LoadStatus'

const noInvitation: Outcome<InviteCheck | null> = { ok: true, data: null }

/** The check of `token` (no call without one). */
export function useInviteCheck(token: string | null): LoadState<InviteCheck | null> & { retry: () => void } {
  const load = useCallback(
    (signal: AbortSignal): Promise<Outcome<InviteCheck | null>> =>
      token ? checkInvitation(token, signal) : Promise.resolve(noInvitation),
    [token],
  )
  const { state, reload } = useLoad(load)
  return { ...state, retry: reload }
}

/** Whether the checked invitation lets its holder sign up. */
export function usable(check: LoadState<InviteCheck | null>): boolean {
  return check.phase === 'ok' && check.data?.state === 'pending'
}

export function InviteBanner({ check }: { check: LoadState<InviteCheck | null> & { retry: () => void } }) {
  if (check.phase !== 'ok') {
    return <LoadStatus state={check} what="the invitation" failedLead="This invitation link cannot be used" onRetry={check.retry} />
  }
  const invite = check.data
  if (!invite) return null
  if (invite.state !== 'pending') {
    return (
      <p role="alert" className="rounded-xl border border-bad/30 bg-bad/[0.06] px-4 py-3 text-[13px] text-ink-2">
        {invite.reason ?? 'This invitation cannot be used: ask your admin for a new invitation.'}
      </p>
    )
  }
  return (
    <p role="status" className="rounded-xl border border-blob-2/40 bg-blob-2/[0.09] px-4 py-3 text-[13px] text-ink-2">
      You are invited to join as {invite.role === 'admin' ? 'an admin' : 'a member'} (expires{' '}
      {new Date(invite.expires_at).toLocaleString()}).
      {invite.email_bound && ' Sign up with the address the invitation was sent to.'}
    </p>
  )
}
