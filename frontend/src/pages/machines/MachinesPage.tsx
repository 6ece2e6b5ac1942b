// /machines: everything the person has spun up (the mockup's "Your machines"), newest first, each
// with its status and the actions it allows: start, shut down, reboot, stop, delete. The list
// refreshes itself while anything is changing, and says what Nimbus refused and why at the top.
import { useEffect, useState } from 'react'
import { Link } from 'react-router'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader } from '../../ui/Panel'
import { primaryButton } from '../../ui/styles'
import { type ActionFailure } from '../../vm/actions'
import { useMachines } from '../../vm/useMachines'
import { MachineRow } from './MachineRow'

/** How often the "checked 5 s ago" words are brought up to date. */
const TICK_MS = 1_000

function useNow(): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now())
    }, TICK_MS)
    return () => {
      clearInterval(timer)
    }
  }, [])
  return now
}

function Empty() {
  return (
    <div className="glass flex flex-col items-center px-8 py-12 text-center">
      <span aria-hidden="true" className="brand-mark size-12 rounded-2xl" />
      <h2 className="mt-5 text-xl font-semibold">No machines yet</h2>
      <p className="mt-1.5 max-w-[380px] text-[13.5px] text-ink-2">
        Ask for one and it is yours in about a minute, with its address and SSH login.
      </p>
      <Link to="/provision" className={`${primaryButton} mt-6`}>
        Provision a machine
      </Link>
    </div>
  )
}

export function MachinesPage() {
  const { state, reload, replace, stale, gone } = useMachines()
  const [failure, setFailure] = useState<ActionFailure | null>(null)
  const now = useNow()
  const count = state.phase === 'ok' ? state.data.length : null

  return (
    <div className="mx-auto max-w-[960px] space-y-7">
      <div className="flex flex-wrap items-end justify-between gap-6">
        <PageHeader
          eyebrow={count === null ? 'Yours' : `Yours · ${count} ${count === 1 ? 'machine' : 'machines'}`}
          title={
            <>
              My <em className="italic">machines.</em>
            </>
          }
          lead="Everything you have spun up. Open a machine for its login, or Details for how it was built."
        />
        <Link to="/provision" className={primaryButton}>
          <span aria-hidden="true">+</span> New machine
        </Link>
      </div>

      {failure && <FailureAlert failure={failure.failure} lead={failure.lead} />}
      {stale && (
        <p role="status" className="text-[12.5px] text-ink-3">
          Lost touch with Nimbus ({stale.message}); trying again…
        </p>
      )}
      <p role="status" className="sr-only">
        {gone.length > 0 && `Deleted ${gone.join(', ')}.`}
      </p>

      <LoadStatus state={state} what="your machines" onRetry={reload} card />
      {state.phase === 'ok' && state.data.length === 0 && <Empty />}
      {state.phase === 'ok' && state.data.length > 0 && (
        <ul aria-label="My machines" className="space-y-3">
          {state.data.map((vm) => (
            <MachineRow key={vm.id} vm={vm} now={now} onChanged={replace} onFailure={setFailure} />
          ))}
        </ul>
      )}
    </div>
  )
}
