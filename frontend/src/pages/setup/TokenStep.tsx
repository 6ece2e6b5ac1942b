// The wizard's door: the one-time setup token Nimbus printed to its log. Checked at once (a wrong
// one is said under the field; too many wrong ones are refused for a while, and the page says how
// long), then kept for this tab so a reload does not ask again.
import { type SubmitEvent, useState } from 'react'
import type { ApiFailure } from '../../api/failure'
import { checkSetupToken, rememberSetupToken } from '../../api/setup'
import type { SetupState } from '../../api/types'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { Panel } from '../../ui/Panel'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = ['setup_token'] as const

interface TokenStepProps {
  /** Why the token is asked for again (it was refused mid-way), if it is. */
  refused: ApiFailure | null
  onAccepted: (state: SetupState) => void
}

export function TokenStep({ refused, onAccepted }: TokenStepProps) {
  const [token, setToken] = useState('')
  const [busy, setBusy] = useState(false)
  const form = useFormErrors(FIELDS)

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const typed = token.trim()
    if (form.reject({ setup_token: typed === '' && 'Enter the setup token from the Nimbus log.' })) return
    setBusy(true)
    form.reset()
    const outcome = await checkSetupToken(typed)
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure.code?.startsWith('setup_token') ? { ...outcome.failure, field: 'setup_token' } : outcome.failure)
      return
    }
    rememberSetupToken(typed)
    onAccepted(outcome.data)
  }

  return (
    <Panel title="Start with the setup token" description="So that only the person who installed Nimbus can set it up.">
      <form noValidate onSubmit={(event) => void handleSubmit(event)} className="space-y-4">
        {refused && !form.failure && Object.keys(form.errors).length === 0 && (
          <FailureAlert failure={refused} lead="Enter the setup token again" focus={false} />
        )}
        <Field
          {...form.bind('setup_token', token, setToken)}
          label="Setup token"
          name="setup-token"
          autoComplete="off"
          spellCheck={false}
          required
          mono
          hint={
            <>
              The one-time setup token Nimbus printed to its log:{' '}
              <code className="font-mono text-[11.5px] text-ink-2">journalctl -u nimbus | grep 'setup token'</code>
            </>
          }
        />
        {form.failure && <FailureAlert failure={form.failure} lead="Could not check the token" />}
        <button type="submit" disabled={busy} className={primaryButton}>
          {busy ? 'Checking…' : 'Continue'}
        </button>
      </form>
    </Panel>
  )
}
