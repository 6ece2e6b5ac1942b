// Admin → Users → Invitations: the Invite button (InviteDialog) and every invitation with its
// state; a pending one can be revoked after confirming. Tokens are never listed: a link is
// shown only once, when it is made.
import { useState } from 'react'
import { loadInvitations, revokeInvitation } from '../../api/admin'
import type { ApiFailure } from '../../api/failure'
import type { Invitation, InvitationState } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { Confirm } from '../../ui/Confirm'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { badge, dangerChipButton, primaryButton } from '../../ui/styles'
import { Time } from '../../ui/Time'
import { InviteDialog } from './InviteDialog'

const stateTone: Record<InvitationState, Parameters<typeof badge>[0]> = {
  pending: 'good',
  used: 'ink',
  expired: 'neutral',
  revoked: 'bad',
}

export function InvitationsPanel() {
  const { state, reload, update } = useLoad(loadInvitations)
  const [inviting, setInviting] = useState(false)
  const [revoking, setRevoking] = useState<Invitation | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)

  async function revoke(invitation: Invitation) {
    setBusy(true)
    setFailure(null)
    const outcome = await revokeInvitation(invitation.id)
    setBusy(false)
    setRevoking(null)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    update((all) => all.map((i) => (i.id === outcome.data.id ? outcome.data : i)))
  }

  return (
    <Panel
      title="Invitations"
      description="One-time links that let one person sign up, whoever may sign up on their own."
    >
      <div className="mb-4">
        <button
          type="button"
          onClick={() => {
            setInviting(true)
          }}
          className={`${primaryButton} h-10 px-4 text-[13px]`}
        >
          Invite
        </button>
      </div>
      {inviting && (
        <InviteDialog
          onCreated={(created) => {
            update((all) => [created.invitation, ...all])
          }}
          onClose={() => {
            setInviting(false)
          }}
        />
      )}
      {failure && (
        <div className="mb-4">
          <FailureAlert failure={failure} lead="Could not revoke the invitation" />
        </div>
      )}
      <LoadStatus state={state} what="invitations" failedLead="Could not load the invitations" onRetry={reload} />
      {state.phase === 'ok' &&
        (state.data.length === 0 ? (
          <p className="text-[13px] text-ink-3">No invitations yet.</p>
        ) : (
          <ul className="divide-y divide-line" aria-label="Invitations">
            {state.data.map((invitation) => (
              <li key={invitation.id} className="py-3">
                <div className="flex flex-wrap items-center gap-3 text-[13px]">
                  <span className={badge(stateTone[invitation.state])}>{invitation.state}</span>
                  <span className="font-medium text-ink">{invitation.role}</span>
                  <span className="font-mono text-[12px] text-ink-2">{invitation.email ?? 'anyone with the link'}</span>
                  <span className="text-ink-3">
                    {invitation.state === 'used' && invitation.used_at ? (
                      <>
                        used <Time iso={invitation.used_at} />
                      </>
                    ) : (
                      <>
                        {invitation.state === 'expired' ? 'expired' : 'expires'} <Time iso={invitation.expires_at} />
                      </>
                    )}
                  </span>
                  {invitation.state === 'pending' && (
                    <button
                      type="button"
                      aria-label={`Revoke the invitation for ${invitation.email ?? 'anyone'}`}
                      onClick={() => {
                        setFailure(null)
                        setRevoking(invitation)
                      }}
                      className={`${dangerChipButton} ml-auto`}
                    >
                      Revoke
                    </button>
                  )}
                </div>
                {revoking?.id === invitation.id && (
                  <div className="mt-3">
                    <Confirm
                      title="Revoke this invitation?"
                      confirmLabel="Revoke"
                      busy={busy}
                      onConfirm={() => void revoke(invitation)}
                      onCancel={() => {
                        setRevoking(null)
                      }}
                    >
                      Its link stops working at once. You can invite the person again with a new link.
                    </Confirm>
                  </div>
                )}
              </li>
            ))}
          </ul>
        ))}
    </Panel>
  )
}
