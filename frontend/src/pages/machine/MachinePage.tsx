// /machines/:id: a machine's credentials (the mockup's "is live" card): where it is, how big,
// the ssh command to paste (on the LAN, and from anywhere when it has public SSH through Gopher,
// watched while that is being opened, and then its tunnels), and its private key when Nimbus keeps one. A machine still being
// built, or one that failed, points to its timeline instead. A request waiting for an admin's
// approval says so (and is watched until it is decided); a denied one says why.
import { type ReactNode, useCallback, useId } from 'react'
import { Link, useParams } from 'react-router'
import type { Vm } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { loadVm } from '../../api/vms'
import { useAuth } from '../../auth/AuthProvider'
import { LoadStatus } from '../../ui/LoadStatus'
import { ghostButton, primaryButton } from '../../ui/styles'
import { Time } from '../../ui/Time'
import { CopyCell, sshCommand } from '../../vm/CopyCell'
import { PublicAccess } from '../../vm/PublicAccess'
import { StatusBadge } from '../../vm/StatusBadge'
import { TunnelsPanel } from '../../vm/TunnelsPanel'
import { formatSpecs, isBuilding, isFailed, isRequest, tierName } from '../../vm/vmState'
import { MachineNotFound } from './MachineNotFound'
import { PrivateKeySection } from './PrivateKeySection'
import { DeniedNotice, PendingNotice } from './RequestNotice'
import { usePublicSshWatch } from './usePublicSshWatch'
import { useRequestWatch } from './useRequestWatch'

function Facts({ vm }: { vm: Vm }) {
  const rows: [string, ReactNode][] = [
    ['Size', `${tierName(vm.tier)} · ${formatSpecs(vm)}`],
    ['Node', vm.node ?? '—'],
    ['VMID', vm.vmid ?? '—'],
    ['OS', vm.os],
    ['Created', <Time key="created" iso={vm.requested_at} />],
  ]
  return (
    <dl className="grid gap-x-6 text-[13px] sm:grid-cols-2">
      {rows.map(([term, value], index) => (
        <div
          key={term}
          className={`flex items-baseline justify-between gap-4 border-b border-line py-2.5 ${index === 0 ? 'sm:col-span-2' : ''}`}
        >
          <dt className="text-ink-3">{term}</dt>
          <dd className="text-right font-mono text-[12.5px] text-ink">{value}</dd>
        </div>
      ))}
    </dl>
  )
}

/** Being built, or failed: the timeline is where the story is. */
function NotReady({ vm }: { vm: Vm }) {
  const progress = `/machines/${encodeURIComponent(vm.id)}/progress`
  return (
    <div
      className={`rounded-xl border px-4 py-3 text-[13px] text-ink-2 ${
        isFailed(vm) ? 'border-bad/20 bg-bad/[0.06]' : 'border-line-2 bg-white/70'
      }`}
    >
      {isFailed(vm) ? (
        <p>
          <span className="font-medium text-bad">This machine could not be built.</span>{' '}
          {vm.failure?.reason ?? ''}
        </p>
      ) : (
        <p>This machine is still being built; its address and login appear here once it is up.</p>
      )}
      <Link to={progress} className={`${primaryButton} mt-3 h-9 px-4 text-[13px]`}>
        {isFailed(vm) ? 'See what happened' : 'Follow its progress'}
      </Link>
    </div>
  )
}

function Body({ vm, mine, onChanged }: { vm: Vm; mine: boolean; onChanged: (vm: Vm) => void }) {
  if (vm.status === 'pending_approval') return <PendingNotice vm={vm} mine={mine} />
  if (vm.status === 'denied') return <DeniedNotice vm={vm} mine={mine} />
  if (isBuilding(vm) || isFailed(vm)) return <NotReady vm={vm} />
  return <Ready vm={vm} onChanged={onChanged} />
}

function Ready({ vm, onChanged }: { vm: Vm; onChanged: (vm: Vm) => void }) {
  const ip = vm.ip
  return (
    <>
      {vm.unconfirmed && (
        <div role="note" className="rounded-xl border border-warn/25 bg-warn/[0.07] px-4 py-3 text-[13px] text-ink-2">
          <p>
            <span className="font-medium text-warn">Nimbus could not confirm the machine answers.</span>{' '}
            {vm.warning ?? 'It was started and kept; it may still be booting.'}
          </p>
        </div>
      )}
      <div className="grid gap-3 sm:grid-cols-3">
        <CopyCell label="Hostname" value={vm.hostname} copyLabel="Copy the hostname" />
        {ip && <CopyCell label="IP address" value={ip} copyLabel="Copy the IP address" />}
        <CopyCell label="Username" value={vm.username} copyLabel="Copy the username" />
        {ip &&
          (vm.public_ssh ? (
            <CopyCell label="SSH on the LAN" value={sshCommand(vm.username, ip)} copyLabel="Copy the LAN SSH command" wide />
          ) : (
            <CopyCell label="SSH command" value={sshCommand(vm.username, ip)} copyLabel="Copy the SSH command" wide />
          ))}
        {ip && vm.private_key_available && vm.key_name && (
          <CopyCell
            label="With the downloaded key"
            value={sshCommand(vm.username, ip, vm.key_name)}
            copyLabel="Copy the SSH command with the key file"
            wide
          />
        )}
      </div>
      <PublicAccess vm={vm} onChanged={onChanged} />
      {vm.public_ssh?.state === 'connected' && <TunnelsPanel vm={vm} />}
      <PrivateKeySection vm={vm} />
    </>
  )
}

function MachineView({ id }: { id: string }) {
  const load = useCallback((signal: AbortSignal) => loadVm(id, signal), [id])
  const { state, reload, update } = useLoad(load)
  const { user } = useAuth()
  const titleId = useId()
  useRequestWatch(state.phase === 'ok' ? state.data : null, update)
  usePublicSshWatch(state.phase === 'ok' ? state.data : null, update)
  const replace = useCallback((next: Vm) => {
    update(() => next)
  }, [update])

  if (state.phase !== 'ok') {
    if (state.phase === 'failed' && state.failure.code === 'not_found') return <MachineNotFound />
    return (
      <div className="mx-auto max-w-[720px]">
        <LoadStatus state={state} what="the machine" onRetry={reload} card />
      </div>
    )
  }

  const vm = state.data
  const live = vm.status === 'running'
  return (
    <section aria-labelledby={titleId} className="glass mx-auto max-w-[720px] px-7 py-8 sm:px-9">
      <StatusBadge status={vm.status} />
      <h1 id={titleId} className="mt-3 text-[34px] leading-[1.1] break-all">
        {vm.hostname}
        {live && ' is live.'}
      </h1>
      <p className="mt-2 text-[14.5px] text-ink-2">
        {isBuilding(vm) || isFailed(vm) || isRequest(vm)
          ? `${tierName(vm.tier)} · ${formatSpecs(vm)} · ${vm.os}`
          : 'Connect with the command below. Copy any value with its button.'}
      </p>
      <div className="mt-6 space-y-5">
        <Body vm={vm} mine={user?.id === vm.owner_id} onChanged={replace} />
        <Facts vm={vm} />
        {vm.notes.length > 0 && (
          <ul aria-label="Notes" className="list-disc space-y-1 pl-5 text-[13px] text-ink-2">
            {vm.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        )}
      </div>
      <div className="mt-7 flex flex-wrap justify-end gap-2">
        <Link to="/" className={ghostButton}>
          Back to home
        </Link>
        <Link to="/provision" className={primaryButton}>
          Provision another
        </Link>
      </div>
    </section>
  )
}

export function MachinePage() {
  const { id = '' } = useParams()
  return <MachineView key={id} id={id} />
}
