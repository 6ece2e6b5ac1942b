// A machine that is only a request so far: waiting for an admin's approval (with the reason its
// owner gave, and a way to withdraw it), or denied (with the admin's reason, and a way to dismiss
// it). Withdrawing and dismissing both delete the request and go back to My machines. An admin
// looking at someone else's request is pointed to the approval queue instead.
import { useState } from 'react'
import { Link, useNavigate } from 'react-router'
import type { ApiFailure } from '../../api/failure'
import type { Vm } from '../../api/types'
import { deleteVm } from '../../api/vms'
import { Confirm } from '../../ui/Confirm'
import { FailureAlert } from '../../ui/FailureAlert'
import { ghostButton, primaryButton } from '../../ui/styles'
import { Time } from '../../ui/Time'

function useDelete(vm: Vm) {
  const navigate = useNavigate()
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)
  async function run() {
    setBusy(true)
    setFailure(null)
    const outcome = await deleteVm(vm.id)
    setBusy(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    void navigate('/machines', { replace: true })
  }
  return { busy, failure, run }
}

export function PendingNotice({ vm, mine }: { vm: Vm; mine: boolean }) {
  const [asking, setAsking] = useState(false)
  const withdraw = useDelete(vm)
  return (
    <div className="space-y-3 rounded-xl border border-line-2 bg-white/70 px-4 py-3.5 text-[13px] text-ink-2">
      <p className="flex items-center gap-2 text-[14px] font-medium text-ink">
        <span aria-hidden="true" className="size-2 rounded-full bg-warn motion-safe:animate-breathe" />
        Waiting for an admin’s approval
      </p>
      <p>
        {mine
          ? 'This size is built once an admin approves it. This page moves on by itself when they do; you can leave it meanwhile.'
          : `${vm.owner_name ?? 'Its owner'} asked for this machine. Approve or deny it in the approval queue.`}{' '}
        Requested <Time iso={vm.requested_at} />.
      </p>
      {vm.reason && (
        <figure>
          <figcaption className="eyebrow text-[10.5px]">{mine ? 'Your reason' : 'Their reason'}</figcaption>
          <blockquote className="mt-1 border-l-2 border-line-strong pl-3 text-ink">{vm.reason}</blockquote>
        </figure>
      )}
      {withdraw.failure && <FailureAlert failure={withdraw.failure} lead="Could not withdraw the request" />}
      {asking ? (
        <Confirm
          title={`Withdraw the request for ${vm.hostname}?`}
          confirmLabel="Withdraw request"
          tone="default"
          busy={withdraw.busy}
          onConfirm={() => void withdraw.run()}
          onCancel={() => {
            setAsking(false)
          }}
        >
          The admins no longer see it. Nothing was built for it, so nothing else changes.
        </Confirm>
      ) : mine ? (
        <button
          type="button"
          onClick={() => {
            setAsking(true)
          }}
          className={`${ghostButton} h-9 px-4 text-[13px]`}
        >
          Withdraw request
        </button>
      ) : (
        <Link to="/admin/fleet" className={`${primaryButton} h-9 px-4 text-[13px]`}>
          Open the approval queue
        </Link>
      )}
    </div>
  )
}

export function DeniedNotice({ vm, mine }: { vm: Vm; mine: boolean }) {
  const dismiss = useDelete(vm)
  return (
    <div className="space-y-3 rounded-xl border border-bad/20 bg-bad/[0.06] px-4 py-3.5 text-[13px] text-ink-2">
      <p>
        <span className="font-medium text-bad">Denied:</span> {vm.denied_reason ?? 'the admin gave no reason.'}
      </p>
      <p>
        Nothing was built.{' '}
        {mine ? 'Dismiss the request to clear it from your machines, or ask for another size.' : 'Its owner can dismiss it.'}
      </p>
      {dismiss.failure && <FailureAlert failure={dismiss.failure} lead="Could not dismiss the request" />}
      {mine && (
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            onClick={() => void dismiss.run()}
            disabled={dismiss.busy}
            className={`${primaryButton} h-9 px-4 text-[13px]`}
          >
            {dismiss.busy ? 'Dismissing…' : 'Dismiss'}
          </button>
          <Link to="/provision" className={`${ghostButton} h-9 px-4 text-[13px]`}>
            Ask for another size
          </Link>
        </div>
      )}
    </div>
  )
}
