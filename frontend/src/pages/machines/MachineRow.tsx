// One machine in the list (the mockup's card): its name, linked to its credentials (or its
// timeline while it is built or if it failed), address, size and age; its status and how fresh
// that is; the actions its status allows, the risky ones confirmed first; its latest note (or, for
// a request, that it waits for an admin or why it was denied); and a Details button that opens
// the rest in place.
import { useEffect, useId, useRef, useState } from 'react'
import { Link } from 'react-router'
import type { Vm } from '../../api/types'
import { deleteVm, powerVm } from '../../api/vms'
import { Confirm } from '../../ui/Confirm'
import { badge, chipButton, dangerChipButton } from '../../ui/styles'
import { Time } from '../../ui/Time'
import {
  type ActionFailure,
  actionLabel,
  actionsFor,
  actionVerb,
  confirmationFor,
  type MachineAction,
  statusAge,
} from '../../vm/actions'
import { StatusBadge } from '../../vm/StatusBadge'
import { formatSpecs, machinePath } from '../../vm/vmState'
import { MachineDetails } from './MachineDetails'

interface MachineRowProps {
  vm: Vm
  /** The page's clock, for "checked 5 s ago". */
  now: number
  /** The machine as an action's 202 answer has it. */
  onChanged: (vm: Vm) => void
  /** An action was refused (shown at the top of the page), or a new one started (null). */
  onFailure: (failure: ActionFailure | null) => void
}

/** A request's state in words: waiting for an admin (with the reason given), or denied and why. */
function RequestNote({ vm }: { vm: Vm }) {
  if (vm.status === 'pending_approval') {
    return (
      <p className="mt-3 rounded-lg border border-line-2 bg-white/60 px-3 py-2 text-[12.5px] text-ink-2">
        Waiting for an admin’s approval.{vm.reason ? ` You said: “${vm.reason}”` : ''}
      </p>
    )
  }
  if (vm.status === 'denied') {
    return (
      <p className="mt-3 rounded-lg border border-bad/20 bg-bad/[0.06] px-3 py-2 text-[12.5px] text-ink-2">
        <span className="font-medium text-bad">Denied:</span> {vm.denied_reason ?? 'the admin gave no reason.'}
      </p>
    )
  }
  return null
}

export function MachineRow({ vm, now, onChanged, onFailure }: MachineRowProps) {
  const titleId = useId()
  const detailsId = useId()
  const titleRef = useRef<HTMLAnchorElement>(null)
  const [confirming, setConfirming] = useState<MachineAction | null>(null)
  const [busy, setBusy] = useState<MachineAction | null>(null)
  const [open, setOpen] = useState(false)
  /** An action just finished: its button may be gone, so focus goes back to the machine's name. */
  const refocus = useRef(false)

  useEffect(() => {
    if (!refocus.current) return
    refocus.current = false
    const active = document.activeElement
    if (active === null || active === document.body) titleRef.current?.focus()
  })

  async function run(action: MachineAction) {
    setBusy(action)
    onFailure(null)
    const outcome = action === 'delete' ? await deleteVm(vm.id) : await powerVm(vm.id, action)
    setBusy(null)
    setConfirming(null)
    refocus.current = true
    if (!outcome.ok) {
      onFailure({ lead: `Could not ${actionVerb(action, vm)} ${vm.hostname}`, failure: outcome.failure })
      return
    }
    onChanged(outcome.data)
  }

  function choose(action: MachineAction) {
    if (confirmationFor(action, vm)) setConfirming(action)
    else void run(action)
  }

  const age = statusAge(vm, now)
  const latestNote = vm.notes.at(-1)
  const confirmation = confirming ? confirmationFor(confirming, vm) : null
  const actions = actionsFor(vm)

  return (
    <li aria-labelledby={titleId} data-machine={vm.id} className="glass px-5 py-4 sm:px-6">
      <div className="flex flex-wrap items-center justify-between gap-x-6 gap-y-3">
        <div className="min-w-0">
          <Link
            id={titleId}
            ref={titleRef}
            to={machinePath(vm)}
            className="font-serif text-[19px] break-all text-ink underline-offset-2 hover:underline"
          >
            {vm.hostname}
          </Link>
          <p className="mt-0.5 font-mono text-[11.5px] text-ink-3">
            <span data-field="address">{vm.ip ?? 'no address yet'}</span> · {formatSpecs(vm)} · created{' '}
            <Time iso={vm.requested_at} />
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 sm:justify-end">
          <span className={badge('neutral')}>{vm.tier}</span>
          <p data-field="status" className="flex flex-col items-start gap-0.5 sm:items-end">
            {/* Polite: a status that changes (stopping → stopped) is read out; the ticking age is not. */}
            <span aria-live="polite">
              <StatusBadge status={vm.status} />
            </span>
            {age && (
              <span data-field="age" className="font-mono text-[10.5px] text-ink-3">
                <span className="sr-only"> · </span>
                {age}
              </span>
            )}
          </p>
          <div className="flex flex-wrap gap-1.5">
            {actions.map((action) => (
              <button
                key={action}
                type="button"
                aria-label={`${actionLabel(action, vm)}: ${vm.hostname}`}
                disabled={busy !== null}
                onClick={() => {
                  choose(action)
                }}
                className={action === 'delete' || action === 'stop' ? dangerChipButton : chipButton}
              >
                {busy === action ? 'Working…' : actionLabel(action, vm)}
              </button>
            ))}
            <button
              type="button"
              aria-label={`Details: ${vm.hostname}`}
              aria-expanded={open}
              aria-controls={open ? detailsId : undefined}
              onClick={() => {
                setOpen((shown) => !shown)
              }}
              className={chipButton}
            >
              Details
            </button>
          </div>
        </div>
      </div>
      <RequestNote vm={vm} />
      {latestNote && (
        <p role="note" className="mt-3 rounded-lg border border-warn/20 bg-warn/[0.06] px-3 py-2 text-[12.5px] text-ink-2">
          {latestNote}
        </p>
      )}
      {confirming && confirmation && (
        <div className="mt-3">
          <Confirm
            title={confirmation.title}
            confirmLabel={confirmation.confirmLabel}
            tone={confirmation.tone}
            busy={busy !== null}
            onConfirm={() => void run(confirming)}
            onCancel={() => {
              setConfirming(null)
            }}
          >
            {confirmation.body}
          </Confirm>
        </div>
      )}
      {open && <MachineDetails vm={vm} id={detailsId} />}
    </li>
  )
}
