// Whether new people may create accounts on their own (with a password or with GitHub/Google).
// Closing sign-ups does not touch existing accounts.
import { useId, useState } from 'react'
import { loadSignups, saveSignups } from '../../api/settings'
import type { ApiFailure } from '../../api/failure'
import { useLoad } from '../../api/useLoad'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { Switch } from '../../ui/Switch'

export function SignupsPanel() {
  const labelId = useId()
  const hintId = useId()
  const { state, reload, update } = useLoad(loadSignups)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)
  const [done, setDone] = useState<string | null>(null)

  async function toggle(open: boolean) {
    setBusy(true)
    setFailure(null)
    setDone(null)
    const outcome = await saveSignups(open)
    setBusy(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    update(() => outcome.data)
    setDone(outcome.data.open ? 'Sign-ups are open.' : 'Sign-ups are closed: only existing accounts can sign in.')
  }

  return (
    <Panel title="New accounts" description="Whether people can create their own accounts on this Nimbus.">
      <LoadStatus state={state} what="the sign-up setting" onRetry={reload} />
      {state.phase === 'ok' && (
        <div className="space-y-4">
          <div className="flex items-start justify-between gap-4 rounded-xl border border-line bg-white/50 px-4 py-3.5">
            <div>
              <p id={labelId} className="text-[14px] font-medium text-ink">
                Let people sign up
              </p>
              <p id={hintId} className="mt-0.5 text-[13px] text-ink-3">
                {state.data.open
                  ? 'Open: anyone who can reach Nimbus can create an account (with a password, or with GitHub or Google when set up).'
                  : 'Closed: nobody can create an account; existing accounts sign in as usual.'}
              </p>
            </div>
            <Switch
              checked={state.data.open}
              disabled={busy}
              labelledBy={labelId}
              describedBy={hintId}
              onChange={(open) => void toggle(open)}
            />
          </div>
          {failure && <FailureAlert failure={failure} lead="Could not change the sign-up setting" />}
          <p role="status" className="text-[13px] text-good empty:hidden">
            {done ?? ''}
          </p>
        </div>
      )}
    </Panel>
  )
}
