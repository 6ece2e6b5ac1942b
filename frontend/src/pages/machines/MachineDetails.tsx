// The details under a machine's row, opened by its Details button: the ssh command to copy, where
// it runs (node, VMID), its key, why it failed or what Nimbus noted about it, and how it was built.
import type { ReactNode } from 'react'
import type { Vm } from '../../api/types'
import { Time } from '../../ui/Time'
import { CopyCell, sshCommand } from '../../vm/CopyCell'
import { stepLabel, timelineFromVm } from '../../vm/steps'
import { Timeline } from '../../vm/Timeline'

const ORIGINS: Record<string, string> = {
  generated: 'generated for it',
  saved: 'from your vault',
  pasted: 'pasted with the request',
}

function Facts({ vm }: { vm: Vm }) {
  const rows: [string, ReactNode][] = [
    ['Node', vm.node ?? '—'],
    ['VMID', vm.vmid ?? '—'],
    ['OS', vm.os],
    ['Login', vm.username],
    ['Key', vm.key_name ? `${vm.key_name} (${ORIGINS[vm.key_origin] ?? vm.key_origin})` : '—'],
    ['Requested', <Time key="requested" iso={vm.requested_at} />],
  ]
  if (vm.finished_at) rows.push(['Built', <Time key="built" iso={vm.finished_at} />])
  return (
    <dl className="grid gap-x-6 text-[13px] sm:grid-cols-2">
      {rows.map(([term, value]) => (
        <div key={term} className="flex items-baseline justify-between gap-4 border-b border-line py-2">
          <dt className="text-ink-3">{term}</dt>
          <dd className="text-right font-mono text-[12.5px] break-all text-ink">{value}</dd>
        </div>
      ))}
    </dl>
  )
}

export function MachineDetails({ vm, id }: { vm: Vm; id: string }) {
  const ip = vm.ip
  return (
    <div id={id} className="mt-4 space-y-4 border-t border-line pt-4">
      {vm.failure && (
        <div className="rounded-xl border border-bad/20 bg-bad/[0.06] px-4 py-3 text-[13px] text-ink-2">
          <p>
            <span className="font-medium text-bad">{stepLabel(vm.failure.step)} failed:</span> {vm.failure.reason}
          </p>
        </div>
      )}
      {vm.unconfirmed && vm.warning && (
        <div className="rounded-xl border border-warn/25 bg-warn/[0.07] px-4 py-3 text-[13px] text-ink-2">
          <p>
            <span className="font-medium text-warn">Nimbus could not confirm the machine answers.</span> {vm.warning}
          </p>
        </div>
      )}
      {ip && (
        <div className="grid gap-3">
          <CopyCell
            label="SSH command"
            value={sshCommand(vm.username, ip)}
            copyLabel={`Copy the SSH command for ${vm.hostname}`}
            wide
          />
          {vm.private_key_available && vm.key_name && (
            <CopyCell
              label="With the downloaded key"
              value={sshCommand(vm.username, ip, vm.key_name)}
              copyLabel={`Copy the SSH command with the key file for ${vm.hostname}`}
              wide
            />
          )}
        </div>
      )}
      <Facts vm={vm} />
      {vm.notes.length > 0 && (
        <div>
          <p className="eyebrow text-[10.5px]">Notes</p>
          <ul aria-label={`Notes on ${vm.hostname}`} className="mt-1.5 list-disc space-y-1 pl-5 text-[13px] text-ink-2">
            {vm.notes.map((note, index) => (
              <li key={`${index}:${note}`}>{note}</li>
            ))}
          </ul>
        </div>
      )}
      <div>
        <p className="eyebrow text-[10.5px]">How it was built</p>
        <div className="mt-1.5">
          <Timeline steps={timelineFromVm(vm)} label={`Provisioning steps of ${vm.hostname}`} />
        </div>
      </div>
    </div>
  )
}
