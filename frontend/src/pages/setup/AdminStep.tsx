// Step 4, Admin: the first administrator's account. Saving it saves everything (the env file,
// written atomically), leaves setup mode without a restart and signs the admin in. Nimbus answers
// 409 `setup_incomplete` naming a step still to do: the page says so and offers to go there.
import { type SubmitEvent, useState } from 'react'
import { finishSetup } from '../../api/setup'
import type { SetupStep } from '../../api/types'
import { PasswordRules, passwordProblem } from '../../auth/passwordRules'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { Panel } from '../../ui/Panel'
import { ghostButton, primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = ['display_name', 'email', 'password', 'confirm'] as const
const STEPS: SetupStep[] = ['proxmox', 'network', 'access', 'admin']

interface AdminStepProps {
  onIncomplete: (step: SetupStep) => void
  /** The admin is made and signed in. */
  onDone: () => void
}

/** The step a `setup_incomplete` refusal names (in its field, or else in its sentence). */
export function incompleteStep(field: string | undefined, message: string): SetupStep | null {
  const named = STEPS.find((step) => step === field)
  return named ?? STEPS.find((step) => new RegExp(`\\b${step}\\b`, 'i').test(message)) ?? null
}

export function AdminStep({ onIncomplete, onDone }: AdminStepProps) {
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [busy, setBusy] = useState(false)
  const form = useFormErrors(FIELDS)
  const missing = form.failure?.code === 'setup_incomplete' ? incompleteStep(form.failure.field, form.failure.message) : null

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const rejected = form.reject({
      email: !email.includes('@') && 'Enter an email address, like ada@example.com.',
      password: passwordProblem(password),
      confirm: confirm !== password && 'The two passwords differ.',
    })
    if (rejected) return
    setBusy(true)
    form.reset()
    const outcome = await finishSetup({
      email: email.trim(),
      password,
      // Empty: Nimbus names the admin after their email.
      display_name: name.trim(),
    })
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    // Nimbus answers where its own flow goes next (Admin → Templates); the wizard shows its
    // templates step in place instead.
    onDone()
  }

  return (
    <Panel title="Admin account" description="The first administrator. Saving it saves the whole setup and opens the portal.">
      <form noValidate aria-label="Admin account" onSubmit={(event) => void handleSubmit(event)} className="space-y-4">
        <Field {...form.bind('display_name', name, setName)} label="Name" name="name" autoComplete="name" hint="Optional." />
        <Field
          {...form.bind('email', email, setEmail)}
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          inputMode="email"
          spellCheck={false}
          required
        />
        <Field
          {...form.bind('password', password, setPassword)}
          label="Password"
          type="password"
          name="new-password"
          autoComplete="new-password"
          required
          hint={<PasswordRules password={password} />}
        />
        <Field
          {...form.bind('confirm', confirm, setConfirm)}
          label="Confirm password"
          type="password"
          name="confirm-password"
          autoComplete="new-password"
          required
        />
        {form.failure && (
          <FailureAlert failure={form.failure} lead="Could not finish the setup">
            {missing && (
              <button
                type="button"
                onClick={() => {
                  onIncomplete(missing)
                }}
                className={`${ghostButton} mt-3 h-9 px-4 text-[13px]`}
              >
                Go to the {missing} step
              </button>
            )}
          </FailureAlert>
        )}
        <div className="flex justify-end border-t border-line pt-5">
          <button type="submit" disabled={busy} className={primaryButton}>
            {busy ? 'Saving the setup…' : 'Create the admin and finish'}
          </button>
        </div>
      </form>
    </Panel>
  )
}
