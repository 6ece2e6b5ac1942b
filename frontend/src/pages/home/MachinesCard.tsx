// The home page's short list of the person's machines (newest first), so a machine can be found
// again: its name links to its credentials, or to its timeline while it is built or if it failed.
import { Link } from 'react-router'
import { useLoad } from '../../api/useLoad'
import { loadVms } from '../../api/vms'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { chipButton } from '../../ui/styles'
import { Time } from '../../ui/Time'
import { StatusBadge } from '../../vm/StatusBadge'
import { machinePath } from '../../vm/vmState'

export function MachinesCard() {
  const { state, reload } = useLoad(loadVms)
  const count = state.phase === 'ok' ? state.data.length : null
  return (
    <Panel
      title="Your machines"
      description={count === null ? 'Everything you have spun up.' : `${count} ${count === 1 ? 'machine' : 'machines'}.`}
      aside={
        <Link to="/machines" aria-label="See all your machines" className={chipButton}>
          See all
        </Link>
      }
    >
      <LoadStatus state={state} what="your machines" onRetry={reload} />
      {state.phase === 'ok' && state.data.length === 0 && (
        <p className="text-[13px] text-ink-3">
          No machines yet.{' '}
          <Link to="/provision" className="font-medium text-ink underline decoration-line-strong underline-offset-2">
            Provision your first one
          </Link>
          .
        </p>
      )}
      {state.phase === 'ok' && state.data.length > 0 && (
        <ul aria-label="Your machines" className="divide-y divide-line border-y border-line">
          {state.data.map((vm) => (
            <li key={vm.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 py-3">
              <div className="min-w-0">
                <Link
                  to={machinePath(vm)}
                  className="font-serif text-[17px] text-ink underline-offset-2 hover:underline"
                >
                  {vm.hostname}
                </Link>
                <p className="font-mono text-[11.5px] text-ink-3">
                  {vm.ip ?? 'no address yet'} · {vm.tier} · <Time iso={vm.requested_at} />
                </p>
              </div>
              <StatusBadge status={vm.status} />
            </li>
          ))}
        </ul>
      )}
    </Panel>
  )
}
