// Step 3, Access: who may sign up — anyone who can reach Nimbus, only with the access code, or
// only people an admin invites — and, optionally, sign-in with GitHub or Google.
import { type SubmitEvent, useId, useState } from 'react'
import { saveSetupAccess } from '../../api/setup'
import type { AccessChoice, AccessState, SetupState, SignupMode } from '../../api/types'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { Panel } from '../../ui/Panel'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = ['signup_mode', 'github_client_id', 'github_client_secret', 'google_client_id', 'google_client_secret'] as const

export const ACCESS_CHOICES: { mode: SignupMode; title: string; sentence: string }[] = [
  { mode: 'open', title: 'Anyone', sentence: 'Anyone who can reach Nimbus can create an account.' },
  { mode: 'access_code', title: 'With the access code', sentence: 'Only people who enter the access code you share can use Nimbus.' },
  { mode: 'invite_only', title: 'Only invited people', sentence: 'Only people an admin invites (Admin → Users → Invite) can sign up.' },
]

type Provider = 'github' | 'google'
const PROVIDERS: { key: Provider; name: string; where: string }[] = [
  { key: 'github', name: 'GitHub', where: 'GitHub → Settings → Developer settings → OAuth Apps' },
  { key: 'google', name: 'Google', where: 'Google Cloud console → APIs & Services → Credentials' },
]

interface AccessStepProps {
  saved: SetupState
  onDone: (access: AccessState) => void
}

export function AccessStep({ saved, onDone }: AccessStepProps) {
  const radioName = useId()
  const [mode, setMode] = useState<SignupMode>(saved.access?.signup_mode ?? 'open')
  const [values, setValues] = useState<Record<(typeof FIELDS)[number], string>>({
    signup_mode: '',
    github_client_id: '',
    github_client_secret: '',
    google_client_id: '',
    google_client_secret: '',
  })
  const [busy, setBusy] = useState(false)
  const form = useFormErrors(FIELDS)
  const configured = (provider: Provider) => saved.access?.[provider] ?? false

  const bind = (name: (typeof FIELDS)[number]) =>
    form.bind(name, values[name], (value) => {
      setValues((current) => ({ ...current, [name]: value }))
    })

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const problems: Partial<Record<(typeof FIELDS)[number], string>> = {}
    // Empty fields leave a provider off.
    const choice: AccessChoice = {
      signup_mode: mode,
      github_client_id: '',
      github_client_secret: '',
      google_client_id: '',
      google_client_secret: '',
    }
    for (const { key, name } of PROVIDERS) {
      const id = values[`${key}_client_id`].trim()
      const secret = values[`${key}_client_secret`].trim()
      if (id === '' && secret === '') continue
      if (id === '') problems[`${key}_client_id`] = `Enter the ${name} app’s client ID too, or clear the secret.`
      else if (secret === '') problems[`${key}_client_secret`] = `Enter the ${name} app’s client secret too.`
      choice[`${key}_client_id`] = id
      choice[`${key}_client_secret`] = secret
    }
    if (form.reject(problems)) return
    setBusy(true)
    form.reset()
    const outcome = await saveSetupAccess(choice)
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    onDone(outcome.data)
  }

  return (
    <Panel title="Access" description="Who may create an account. You can change this later in Admin → Settings.">
      <form noValidate aria-label="Access" onSubmit={(event) => void handleSubmit(event)} className="space-y-5">
        <fieldset className="space-y-2.5" disabled={busy}>
          <legend className="sr-only">Who may sign up</legend>
          {ACCESS_CHOICES.map((choice) => (
            <label
              key={choice.mode}
              className={`flex cursor-pointer items-start gap-3 rounded-xl border bg-white/50 px-4 py-3.5 has-focus-visible:outline-2 has-focus-visible:outline-ink ${
                mode === choice.mode ? 'border-ink' : 'border-line'
              }`}
            >
              <input
                type="radio"
                name={radioName}
                value={choice.mode}
                checked={mode === choice.mode}
                onChange={() => {
                  setMode(choice.mode)
                }}
                className="mt-1 accent-ink"
              />
              <span>
                <span className="block text-[14px] font-medium text-ink">{choice.title}</span>
                <span className="mt-0.5 block text-[13px] text-ink-3">{choice.sentence}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {PROVIDERS.map(({ key, name, where }) => (
          <details key={key} open={configured(key)} className="rounded-xl border border-line bg-white/50 px-4 py-3">
            <summary className="cursor-pointer text-[14px] font-medium text-ink">
              Sign in with {name} (optional){configured(key) ? ' · set up' : ''}
            </summary>
            <div className="mt-4 space-y-4">
              {configured(key) && (
                <p className="text-[12.5px] text-ink-2">
                  Saved already. Saving this step again replaces it: enter both again to keep it, or leave both empty to
                  turn it off.
                </p>
              )}
              <p className="text-[12.5px] text-ink-3">
                Make an OAuth app in {where} with the callback URL{' '}
                <span className="font-mono break-all text-ink-2">{`${window.location.origin}/api/auth/${key}/callback`}</span>.
              </p>
              <Field {...bind(`${key}_client_id`)} label={`${name} client ID`} autoComplete="off" spellCheck={false} mono />
              <Field
                {...bind(`${key}_client_secret`)}
                label={`${name} client secret`}
                type="password"
                autoComplete="off"
                spellCheck={false}
                mono
              />
            </div>
          </details>
        ))}
        {form.failure && <FailureAlert failure={form.failure} lead="Could not save who may sign up" />}
        <div className="flex justify-end border-t border-line pt-5">
          <button type="submit" disabled={busy} className={primaryButton}>
            {busy ? 'Saving…' : 'Save and continue'}
          </button>
        </div>
      </form>
    </Panel>
  )
}
