// /machines/:id/progress: a machine being built, step by step, live. When it comes up the page
// moves on to its credentials; when it fails it says which step and why, that what was done has
// been undone (or is being undone), and offers to try again with the same request. A request
// still waiting for an admin, or denied, has no build to follow: its own page says where it stands.
import { useEffect, useRef, useState } from 'react'
import { Link, Navigate, useNavigate, useParams } from 'react-router'
import type { ApiFailure } from '../../api/failure'
import type { Vm } from '../../api/types'
import { retryVm } from '../../api/vms'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { ghostButton, primaryButton } from '../../ui/styles'
import { BuildCard, type BuildOutcome } from '../../vm/BuildCard'
import { stepLabel, timelineFromVm } from '../../vm/steps'
import { Timeline } from '../../vm/Timeline'
import { isBuilding, isBuilt, isCleaningUp, isFailed, isRequest } from '../../vm/vmState'
import { MachineNotFound } from './MachineNotFound'
import { useVmWatch } from './useVmWatch'

function outcomeOf(vm: Vm): BuildOutcome {
  if (isFailed(vm)) return 'failed'
  return isBuilt(vm) ? 'ready' : 'building'
}

function leadOf(vm: Vm): string {
  if (isFailed(vm)) return isCleaningUp(vm) ? 'Nimbus is undoing what it had done.' : 'Nimbus undid everything it had done.'
  if (isBuilt(vm)) return 'Every step is done.'
  if (vm.status === 'pending_approval') return 'Waiting for an admin to approve it.'
  return 'Hold tight: your machine is on its way.'
}

function FailedNotice({ vm }: { vm: Vm }) {
  const navigate = useNavigate()
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)
  const step = vm.failure?.step

  async function retry() {
    setBusy(true)
    setFailure(null)
    const outcome = await retryVm(vm.id)
    setBusy(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    void navigate(`/machines/${encodeURIComponent(outcome.data.id)}/progress`)
  }

  return (
    <div className="space-y-4">
      <div role="alert" className="rounded-xl border border-bad/20 bg-bad/[0.06] px-4 py-3 text-[13px] text-ink-2">
        <p>
          <span className="font-medium text-bad">{step ? `${stepLabel(step)} failed` : 'The provision failed'}:</span>{' '}
          {vm.failure?.reason ?? 'Nimbus did not say why.'}
        </p>
        <p className="mt-1.5">
          {isCleaningUp(vm) ? (
            <span className="inline-flex items-center gap-2">
              <span aria-hidden="true" className="size-1.5 rounded-full bg-ink-3 motion-safe:animate-breathe" />
              Cleaning up…
            </span>
          ) : (
            'Everything was rolled back. The address was released and nothing was left on the cluster.'
          )}
        </p>
      </div>
      {failure && <FailureAlert failure={failure} lead="Could not try again" />}
      <div className="flex flex-wrap justify-center gap-2">
        <Link to="/provision" className={ghostButton}>
          Change the request
        </Link>
        {vm.can_retry && (
          <button type="button" onClick={() => void retry()} disabled={busy} className={primaryButton}>
            {busy ? 'Starting again…' : 'Try again'}
          </button>
        )}
      </div>
    </div>
  )
}

function ProgressView({ id, onRetry }: { id: string; onRetry: () => void }) {
  const state = useVmWatch(id)
  const navigate = useNavigate()
  // Seen still building: when it comes up, go on to its credentials. (Opened on a machine that
  // was already built, the page stays, showing how it went.)
  const sawBuilding = useRef(false)
  useEffect(() => {
    if (state.phase !== 'ok') return
    if (isBuilding(state.vm)) sawBuilding.current = true
    else if (sawBuilding.current && isBuilt(state.vm)) {
      void navigate(`/machines/${encodeURIComponent(id)}`, { replace: true })
    }
  }, [state, id, navigate])

  if (state.phase !== 'ok') {
    if (state.phase === 'failed' && state.failure.code === 'not_found') return <MachineNotFound />
    return (
      <div className="mx-auto max-w-[560px]">
        <LoadStatus state={state} what="the machine" onRetry={onRetry} card />
      </div>
    )
  }

  const { vm, reconnecting } = state
  if (isRequest(vm)) return <Navigate to={`/machines/${encodeURIComponent(vm.id)}`} replace />
  return (
    <BuildCard hostname={vm.hostname} outcome={outcomeOf(vm)} lead={leadOf(vm)}>
      <Timeline steps={timelineFromVm(vm)} />
      {vm.status === 'provisioning' && (
        <p className="text-center text-[12.5px] text-ink-3">
          {reconnecting
            ? 'Lost touch with Nimbus; reconnecting… The machine keeps building meanwhile.'
            : 'Usually ready in about a minute. You can leave this page: the machine keeps building.'}
        </p>
      )}
      {isFailed(vm) && <FailedNotice vm={vm} />}
      {isBuilt(vm) && (
        <div className="flex justify-center">
          <Link to={`/machines/${encodeURIComponent(vm.id)}`} className={primaryButton}>
            Open {vm.hostname}
          </Link>
        </div>
      )}
    </BuildCard>
  )
}

export function ProgressPage() {
  const { id = '' } = useParams()
  // Retrying after a failed first read starts the page over.
  const [attempt, setAttempt] = useState(0)
  return (
    <ProgressView
      key={`${id}:${attempt}`}
      id={id}
      onRetry={() => {
        setAttempt((n) => n + 1)
      }}
    />
  )
}
