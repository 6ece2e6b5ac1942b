// Denying a request: a small dialog asking why (required, up to 500 characters), because the
// member reads the reason on their request. A refusal from Nimbus is shown in the dialog.
import { type SubmitEvent, useRef, useState } from 'react'
import { denyRequest } from '../../api/admin'
import type { Vm } from '../../api/types'
import { Dialog } from '../../ui/Dialog'
import { FailureAlert } from '../../ui/FailureAlert'
import { dangerButton, ghostButton } from '../../ui/styles'
import { TextAreaField } from '../../ui/TextAreaField'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = ['reason'] as const
const REASON_MAX = 500

interface DenyDialogProps {
  vm: Vm
  onDenied: (vm: Vm) => void
  onClose: () => void
}

export function DenyDialog({ vm, onDenied, onClose }: DenyDialogProps) {
  const form = useFormErrors(FIELDS)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const field = useRef<HTMLTextAreaElement>(null)
  const owner = vm.owner_name ?? 'The member'

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    const text = reason.trim()
    const rejected = form.reject({
      reason:
        text === ''
          ? `Say why: ${owner} reads this on the request.`
          : text.length > REASON_MAX
            ? `Keep it to ${REASON_MAX} characters; this is ${text.length}.`
            : null,
    })
    if (rejected) return
    setBusy(true)
    const outcome = await denyRequest(vm.id, text)
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    onDenied(outcome.data)
  }

  const bound = form.bind('reason', reason, setReason)
  return (
    <Dialog title={`Deny ${vm.hostname}?`} onClose={onClose} busy={busy} initialFocus={field}>
      <form noValidate aria-label={`Deny ${vm.hostname}`} onSubmit={(event) => void submit(event)} className="space-y-4">
        <p className="text-[13px] text-ink-2">
          {owner} asked for a {vm.tier} machine. Nothing is built; they see your reason on the request.
        </p>
        <TextAreaField
          {...bound}
          ref={(element) => {
            field.current = element
            bound.ref(element)
          }}
          label="Reason"
          name="reason"
          rows={3}
          required
          maxLength={REASON_MAX + 100}
          placeholder="e.g. The cluster is short of memory this week: try a large machine."
          hint={`Required, up to ${REASON_MAX} characters.`}
        />
        {form.failure && <FailureAlert failure={form.failure} lead="Could not deny the request" />}
        <div className="flex flex-wrap justify-end gap-2">
          <button type="button" onClick={onClose} disabled={busy} className={`${ghostButton} h-9 px-4 text-[13px]`}>
            Cancel
          </button>
          <button type="submit" disabled={busy} className={`${dangerButton} h-9 px-4 text-[13px]`}>
            {busy ? 'Denying…' : 'Deny request'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
