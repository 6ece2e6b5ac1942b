// Admin → Tunnels: what the Gopher gateway holds, read live from it. Each machine with its Nimbus
// machine and owner (or marked as not Nimbus's), whether it carries public SSH, and its tunnels.
// When Gopher does not answer the page says so; Refresh reads it again.
import { loadGatewayOverview } from '../../api/tunnels'
import type { GatewayOverview } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { ghostButton } from '../../ui/styles'
import { GATEWAY_COLUMNS, GatewayRow } from './GatewayRow'

function Overview({ overview }: { overview: GatewayOverview }) {
  if (!overview.reachable) {
    return (
      <div role="alert" className="rounded-xl border border-bad/20 bg-bad/[0.06] px-4 py-3 text-[13px] text-ink-2">
        <span className="font-medium text-bad">Gopher did not answer: </span>
        {overview.error ?? 'check Admin → Settings → Gopher, then refresh.'}
      </div>
    )
  }
  if (overview.machines.length === 0) return <p className="text-[13px] text-ink-3">Gopher holds no machines.</p>
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[760px] text-[13px]">
        <caption className="sr-only">Machines on Gopher</caption>
        <thead>
          <tr className="border-b border-line text-left">
            {GATEWAY_COLUMNS.map((heading) => (
              <th key={heading} scope="col" className="eyebrow pr-4 pb-2.5 text-[10.5px] font-medium">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {overview.machines.map((machine) => (
            <GatewayRow key={machine.id} machine={machine} />
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function TunnelsPage() {
  const { state, reload } = useLoad(loadGatewayOverview)
  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · Tunnels"
        title={
          <>
            Through the <em className="italic">gateway.</em>
          </>
        }
        lead="Every machine Gopher holds, the Nimbus machine behind it, and the addresses it publishes."
      />
      <Panel
        title="Gopher machines"
        description="Read from Gopher when the page opens."
        aside={
          <button type="button" onClick={reload} className={`${ghostButton} h-9 px-4 text-[13px]`}>
            Refresh
          </button>
        }
      >
        <LoadStatus state={state} what="what Gopher holds" onRetry={reload} />
        {state.phase === 'ok' && <Overview overview={state.data} />}
      </Panel>
    </div>
  )
}
