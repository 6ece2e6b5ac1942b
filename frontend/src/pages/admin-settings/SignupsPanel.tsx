// Who may create an account on their own: anyone, anyone with the access code (the gate in the
// panel below turns on with it), or only people an admin invites (Admin → Users → Invite).
// Invited people always may, and a change does not touch existing accounts.
import { useId, useState } from 'react'
import { loadSignups, saveSignups } from '../../api/settings'
import type { ApiFailure } from '../../api/failure'
import type { SignupMode } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'

export const signupChoices: { mode: SignupMode; title: string; sentence: string }[] = [
  {
    mode: 'open',
    title: 'Anyone',
    sentence: 'Anyone who can reach Nimbus can create an account (with a password, or with GitHub or Google when set up).',
  },
  {
    mode: 'access_code',
    title: 'Anyone with the access code',
    sentence: 'Anyone can sign up, but members enter the access code below before they can use Nimbus.',
  },
  {
    mode: 'invite_only',
    title: 'Only invited people',
    sentence: 'Nobody can sign up on their own: send invitation links from Admin → Users.',
  },
]

export function SignupsPanel({ onChanged }: { onChanged?: () => void }) {
  const name = useId()
  const { state, reload, update } = useLoad(loadSignups)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)
  const [done, setDone] = useState<string | null>(null)

  async function choose(mode: SignupMode) {
    setBusy(true)
    setFailure(null)
    setDone(null)
    const outcome = await saveSignups(mode)
    setBusy(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    update(() => outcome.data)
    const chosen = signupChoices.find((c) => c.mode === outcome.data.mode)
    setDone(`Saved: ${chosen?.title.toLowerCase() ?? outcome.data.mode} may sign up.`)
    onChanged?.()
  }

  return (
    <Panel title="Who may sign up" description="Invited people always may; existing accounts are not affected.">
      <LoadStatus state={state} what="the sign-up setting" onRetry={reload} />
      {state.phase === 'ok' && (
        <div className="space-y-4">
          <fieldset className="space-y-2.5" disabled={busy}>
            <legend className="sr-only">Who may sign up</legend>
            {signupChoices.map((choice) => {
              const checked = state.data.mode === choice.mode
              return (
                <label
                  key={choice.mode}
                  className={`flex cursor-pointer items-start gap-3 rounded-xl border bg-white/50 px-4 py-3.5 has-focus-visible:outline-2 has-focus-visible:outline-ink ${
                    checked ? 'border-ink' : 'border-line'
                  }`}
                >
                  <input
                    type="radio"
                    name={name}
                    value={choice.mode}
                    checked={checked}
                    onChange={() => void choose(choice.mode)}
                    className="mt-1 accent-ink"
                  />
                  <span>
                    <span className="block text-[14px] font-medium text-ink">{choice.title}</span>
                    <span className="mt-0.5 block text-[13px] text-ink-3">{choice.sentence}</span>
                  </span>
                </label>
              )
            })}
          </fieldset>
          {failure && <FailureAlert failure={failure} lead="Could not change the sign-up setting" />}
          <p role="status" className="text-[13px] text-good empty:hidden">
            {done ?? ''}
          </p>
        </div>
      )}
    </Panel>
  )
}
