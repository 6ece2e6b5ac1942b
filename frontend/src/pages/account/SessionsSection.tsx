// Where you are signed in: one row per browser session, newest first. Any other
// session can be ended on its own; "Sign out everywhere" ends all of them, this one
// included, and so returns to the sign-in page.
import { useState } from 'react'
import { loadSessions, signOutSession } from '../../api/account'
import { signOutEverywhere } from '../../api/auth'
import type { ApiFailure } from '../../api/failure'
import type { SessionInfo } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { useAuth } from '../../auth/AuthProvider'
import { Confirm } from '../../ui/Confirm'
import { FailureAlert } from '../../ui/FailureAlert'
import { shortUserAgent } from '../../ui/format'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { badge, chipButton, ghostButton } from '../../ui/styles'
import { Time } from '../../ui/Time'

function SessionRow({
  session,
  ending,
  onEnd,
}: {
  session: SessionInfo
  ending: boolean
  onEnd: () => void
}) {
  const device = shortUserAgent(session.user_agent)
  return (
    <li className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2 border-b border-line py-3.5 last:border-b-0">
      <div className="min-w-0">
        <p className="flex flex-wrap items-center gap-2 text-[14px] font-medium text-ink">
          <span title={session.user_agent ?? undefined}>{device}</span>
          {session.current && <span className={badge('good')}>This session</span>}
        </p>
        <p className="mt-0.5 font-mono text-[11.5px] text-ink-3">
          {session.ip ?? 'unknown address'} · signed in <Time iso={session.created_at} /> · last active{' '}
          <Time iso={session.last_used_at} />
        </p>
      </div>
      {!session.current && (
        <button
          type="button"
          disabled={ending}
          onClick={onEnd}
          aria-label={`Sign out ${device}, ${session.ip ?? 'unknown address'}`}
          className={chipButton}
        >
          {ending ? 'Signing out…' : 'Sign out'}
        </button>
      )}
    </li>
  )
}

export function SessionsSection({ version }: { version: number }) {
  const { forget } = useAuth()
  const { state, reload, update } = useLoad(loadSessions, version)
  const [ending, setEnding] = useState<string | null>(null)
  const [confirmingAll, setConfirmingAll] = useState(false)
  const [endingAll, setEndingAll] = useState(false)
  const [failure, setFailure] = useState<{ lead: string; failure: ApiFailure } | null>(null)

  async function endSession(session: SessionInfo) {
    setEnding(session.id)
    setFailure(null)
    const outcome = await signOutSession(session.id)
    setEnding(null)
    if (!outcome.ok) {
      setFailure({ lead: 'Could not sign out that session', failure: outcome.failure })
      return
    }
    update((sessions) => sessions.filter((s) => s.id !== session.id))
  }

  async function endEverywhere() {
    setEndingAll(true)
    setFailure(null)
    const outcome = await signOutEverywhere()
    setEndingAll(false)
    if (!outcome.ok) {
      setConfirmingAll(false)
      setFailure({ lead: 'Could not sign out everywhere', failure: outcome.failure })
      return
    }
    // This session is gone too: the guard now sends us to the sign-in page.
    forget('You signed out everywhere. Sign in again to continue.')
  }

  return (
    <Panel
      title="Sessions"
      description="Browsers signed in to your account. Sign out any you do not recognise."
      aside={
        !confirmingAll && (
          <button
            type="button"
            onClick={() => {
              setConfirmingAll(true)
            }}
            className={`${ghostButton} h-9 px-4 text-[13px]`}
          >
            Sign out everywhere
          </button>
        )
      }
    >
      {confirmingAll && (
        <div className="mb-4">
          <Confirm
            title="Sign out everywhere?"
            confirmLabel="Sign out everywhere"
            busy={endingAll}
            onConfirm={() => void endEverywhere()}
            onCancel={() => {
              setConfirmingAll(false)
            }}
          >
            Every session ends, this one included. API tokens keep working.
          </Confirm>
        </div>
      )}
      {failure && (
        <div className="mb-4">
          <FailureAlert failure={failure.failure} lead={failure.lead} />
        </div>
      )}
      <LoadStatus state={state} what="sessions" failedLead="Could not load your sessions" onRetry={reload} />
      {state.phase === 'ok' && (
        <ul aria-label="Sessions">
          {state.data.map((session) => (
            <SessionRow
              key={session.id}
              session={session}
              ending={ending === session.id}
              onEnd={() => void endSession(session)}
            />
          ))}
        </ul>
      )}
    </Panel>
  )
}
