// One machine in the Fleet page's table: hostname (linked to its page; the whole row opens it
// too), owner, size, address, node, status, public SSH and URLs, and age, and the actions its status allows, the risky
// ones confirmed in a row of their own underneath.
import { Fragment, type MouseEvent, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import type { ClusterVm, Vm } from '../../api/types'
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
} from '../../vm/actions'
import { StatusBadge } from '../../vm/StatusBadge'
import { PublicCell } from './PublicCell'

/** Columns of the table, for the confirmation row's span. */
export const FLEET_COLUMNS = ['Hostname', 'Owner', 'Tier', 'IP', 'Node', 'Status', 'Public', 'Age'] as const

interface FleetRowProps {
  vm: Vm
  /** The machine in the cluster's list of guests (its public SSH and URLs), when that was read. */
  guest: ClusterVm | undefined
  onChanged: (vm: Vm) => void
  onFailure: (failure: ActionFailure | null) => void
}

/** Requests are decided in the approval queue, not here. */
function rowActions(vm: Vm): MachineAction[] {
  return vm.status === 'pending_approval' ? [] : actionsFor(vm)
}

export function FleetRow({ vm, guest, onChanged, onFailure }: FleetRowProps) {
  const navigate = useNavigate()
  const [confirming, setConfirming] = useState<MachineAction | null>(null)
  const [busy, setBusy] = useState<MachineAction | null>(null)
  const page = `/machines/${encodeURIComponent(vm.id)}`

  async function run(action: MachineAction) {
    setBusy(action)
    onFailure(null)
    const outcome = action === 'delete' ? await deleteVm(vm.id) : await powerVm(vm.id, action)
    setBusy(null)
    setConfirming(null)
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

  // The hostname is the link for the keyboard; a click anywhere else on the row (but on a button) opens it too.
  function open(event: MouseEvent<HTMLTableRowElement>) {
    if (event.target instanceof Element && event.target.closest('a, button')) return
    void navigate(page)
  }

  const confirmation = confirming ? confirmationFor(confirming, vm) : null
  return (
    <Fragment>
      <tr data-machine={vm.id} onClick={open} className="cursor-pointer border-b border-line transition-colors hover:bg-white/60">
        <th scope="row" className="py-3 pr-4 text-left font-semibold">
          <Link to={page} className="text-ink underline-offset-2 hover:underline">
            {vm.hostname}
          </Link>
        </th>
        <td className="py-3 pr-4 font-mono text-[12px] text-ink-2" title={vm.owner_email}>
          {vm.owner_name ?? vm.owner_email ?? '—'}
        </td>
        <td className="py-3 pr-4">
          <span className={badge('neutral')}>{vm.tier}</span>
        </td>
        <td className="py-3 pr-4 font-mono text-[12px] text-ink-2">{vm.ip ?? '—'}</td>
        <td className="py-3 pr-4 font-mono text-[12px] text-ink-2">{vm.node ?? '—'}</td>
        <td className="py-3 pr-4">
          <StatusBadge status={vm.status} />
        </td>
        <PublicCell vm={vm} guest={guest} />
        <td className="py-3 pr-4 whitespace-nowrap text-ink-2">
          <Time iso={vm.requested_at} />
        </td>
        <td className="py-3 text-right whitespace-nowrap">
          <span className="inline-flex gap-1.5">
            {rowActions(vm).map((action) => (
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
          </span>
        </td>
      </tr>
      {confirming && confirmation && (
        <tr>
          <td colSpan={FLEET_COLUMNS.length + 1} className="py-3">
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
          </td>
        </tr>
      )}
    </Fragment>
  )
}
