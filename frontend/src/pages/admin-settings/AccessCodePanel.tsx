// Settings → Authentication → Access code: the optional gate members pass before using
// Nimbus. The switch takes effect at once (turning it on the first time makes an 8-digit
// code); "New code" replaces the code and "Ask everyone again" keeps it, and both raise the
// version, so every member enters the code again. Admins never have to.
import { useId, useRef, useState } from 'react'
import type { Outcome } from '../../api/call'
import type { ApiFailure } from '../../api/failure'
import type { AccessCodeSettings } from '../../api/types'
import { askForAccessCodeAgain, loadAccessCode, rotateAccessCode, saveAccessCodeEnabled } from '../../api/settings'
import { useLoad } from '../../api/useLoad'
import { Confirm } from '../../ui/Confirm'
import { CopyButton } from '../../ui/CopyButton'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { ghostButton } from '../../ui/styles'
import { Switch } from '../../ui/Switch'

type Action = 'toggle' | 'rotate' | 'bump'

const confirmations = {
  rotate: {
    title: 'Make a new access code?',
    body: 'The current code stops working at once: every member must enter the new code before going on. Share it with them.',
    confirm: 'Make new code',
  },
  bump: {
    title: 'Ask everyone for the code again?',
    body: 'The code stays the same, but every member must enter it again before going on.',
    confirm: 'Ask everyone again',
  },
} as const

const failureLeads: Record<Action, string> = {
  toggle: 'Could not change the access code setting',
  rotate: 'Could not make a new code',
  bump: 'Could not ask everyone again',
}

function doneMessage(action: Action, gate: AccessCodeSettings): string {
  if (action === 'rotate') return 'New code made. Share it with your members.'
  if (action === 'bump') return 'Every member must enter the code again.'
  return gate.enabled
    ? 'Turned on: members must enter the code before going on.'
    : 'Turned off: members go straight in.'
}

export function AccessCodePanel({ onChanged }: { onChanged?: () => void }) {
  const switchLabelId = useId()
  const switchHintId = useId()
  const codeRef = useRef<HTMLElement>(null)
  const { state, reload, update } = useLoad(loadAccessCode)
  const [busy, setBusy] = useState<Action | null>(null)
  const [confirming, setConfirming] = useState<'rotate' | 'bump' | null>(null)
  const [failure, setFailure] = useState<{ action: Action; failure: ApiFailure } | null>(null)
  const [done, setDone] = useState<string | null>(null)

  async function run(action: Action, call: () => Promise<Outcome<AccessCodeSettings>>) {
    setBusy(action)
    setFailure(null)
    setDone(null)
    const outcome = await call()
    setBusy(null)
    setConfirming(null)
    if (!outcome.ok) {
      setFailure({ action, failure: outcome.failure })
      return
    }
    update(() => outcome.data)
    setDone(doneMessage(action, outcome.data))
    if (action === 'toggle') onChanged?.()
  }

  function toggle(enabled: boolean) {
    void run('toggle', () => saveAccessCodeEnabled(enabled))
  }

  function confirmed(action: 'rotate' | 'bump') {
    void run(action, action === 'rotate' ? rotateAccessCode : askForAccessCodeAgain)
  }

  return (
    <Panel
      title="Access code"
      description="A code you share with your members. They enter it once before using Nimbus, and again whenever you ask. Admins never need it."
    >
      <LoadStatus state={state} what="the access code" onRetry={reload} />
      {state.phase === 'ok' && (
        <div className="space-y-5">
          <div className="flex items-start justify-between gap-4 rounded-xl border border-line bg-white/50 px-4 py-3.5">
            <div>
              <p id={switchLabelId} className="text-[14px] font-medium text-ink">
                Require an access code
              </p>
              <p id={switchHintId} className="mt-0.5 text-[13px] text-ink-3">
                {state.data.enabled
                  ? 'On: members must enter the current code before anything else works.'
                  : state.data.code
                    ? 'Off: members go straight in. The code below is kept for when you turn it on again.'
                    : 'Off: members go straight in. Turning it on makes an 8-digit code to share.'}
              </p>
            </div>
            <Switch
              checked={state.data.enabled}
              disabled={busy !== null}
              labelledBy={switchLabelId}
              describedBy={switchHintId}
              onChange={toggle}
            />
          </div>

          {state.data.code && (
            <div className="flex flex-wrap items-end justify-between gap-4">
              <dl className="flex flex-wrap items-end gap-x-10 gap-y-4">
                <div>
                  <dt className="eyebrow">Current code</dt>
                  <dd
                    ref={codeRef}
                    className={`mt-2 font-mono text-[36px] leading-none font-medium tracking-[0.16em] ${
                      state.data.enabled ? 'text-ink' : 'text-ink-3'
                    }`}
                  >
                    {state.data.code}
                  </dd>
                </div>
                <div>
                  <dt className="eyebrow">Version</dt>
                  <dd className="mt-2 font-mono text-[20px] leading-none text-ink-2">{state.data.version}</dd>
                </div>
              </dl>
              <div className="flex flex-wrap items-center gap-2">
                <CopyButton key={state.data.code} text={state.data.code} shown={codeRef} label="Copy the access code" />
              </div>
            </div>
          )}
          {state.data.code && (
            <p className="text-[12.5px] text-ink-3">
              The version goes up each time members must enter the code again.
            </p>
          )}

          {state.data.code && confirming === null && (
            <div className="flex flex-wrap gap-2">
              <button
                type="button"
                disabled={busy !== null}
                onClick={() => {
                  setDone(null)
                  setConfirming('rotate')
                }}
                className={`${ghostButton} h-9 px-4 text-[13px]`}
              >
                New code
              </button>
              {state.data.enabled && (
                <button
                  type="button"
                  disabled={busy !== null}
                  onClick={() => {
                    setDone(null)
                    setConfirming('bump')
                  }}
                  className={`${ghostButton} h-9 px-4 text-[13px]`}
                >
                  Ask everyone again
                </button>
              )}
            </div>
          )}
          {confirming && (
            <Confirm
              title={confirmations[confirming].title}
              confirmLabel={confirmations[confirming].confirm}
              tone="default"
              busy={busy === confirming}
              onConfirm={() => {
                confirmed(confirming)
              }}
              onCancel={() => {
                setConfirming(null)
              }}
            >
              {confirmations[confirming].body}
            </Confirm>
          )}
          {failure && <FailureAlert failure={failure.failure} lead={failureLeads[failure.action]} />}
          <p role="status" className="text-[13px] text-good empty:hidden">
            {done}
          </p>
        </div>
      )}
    </Panel>
  )
}
