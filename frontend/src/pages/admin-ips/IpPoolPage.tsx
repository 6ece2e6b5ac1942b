// Admin → IP pool: how full the pool is (one bar, with the counts), reconcile (the last report,
// and a button to run one now), and the addresses with their holders: the ones in use unless the
// filter (in the page's address as `status`: allocated, reserved, free or all) says otherwise.
import { useSearchParams } from 'react-router'
import { loadPool } from '../../api/admin'
import type { PoolAddress, PoolCounts } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { LoadStatus } from '../../ui/LoadStatus'
import { SegmentedBar } from '../../ui/Meter'
import { PageHeader, Panel } from '../../ui/Panel'
import { SelectField } from '../../ui/SelectField'
import { poolSegments } from '../../vm/pool'
import { AddressTable } from './AddressTable'
import { ReconcilePanel } from './ReconcilePanel'

/** The filter's choices; no `status` in the address means the addresses in use. */
const FILTERS: [string, string][] = [
  ['', 'In use'],
  ['allocated', 'Allocated only'],
  ['reserved', 'Reserved only'],
  ['free', 'Free only'],
  ['all', 'Every address'],
]

function shownBy(status: string) {
  return (address: PoolAddress) =>
    status === 'all' || (status === '' ? address.status !== 'free' : address.status === status)
}

export function countPool(addresses: PoolAddress[]): PoolCounts {
  const count = (status: string) => addresses.filter((address) => address.status === status).length
  return { total: addresses.length, allocated: count('allocated'), reserved: count('reserved'), free: count('free') }
}

export function IpPoolPage() {
  const [params, setParams] = useSearchParams()
  const status = params.get('status') ?? ''
  const { state, reload } = useLoad(loadPool)
  const addresses = state.phase === 'ok' ? state.data : []
  const counts = countPool(addresses)
  const shown = addresses.filter(shownBy(status))

  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · IP pool"
        title={
          <>
            Every address, <em className="italic">accounted for.</em>
          </>
        }
        lead="The addresses Nimbus hands to machines: which are taken, by whom, and what the last reconcile found."
      />
      <Panel
        title="Pool"
        description={
          state.phase === 'ok'
            ? `${counts.allocated} allocated · ${counts.reserved} reserved · ${counts.free} free, of ${counts.total}.`
            : undefined
        }
      >
        <LoadStatus state={state} what="the pool" onRetry={reload} />
        {state.phase === 'ok' && <SegmentedBar label="IP pool" segments={poolSegments(counts)} />}
      </Panel>
      <ReconcilePanel onReconciled={reload} />
      {state.phase === 'ok' && (
        <Panel title="Addresses" description="Who holds each address, since when, and when reconcile last saw it.">
          <div className="space-y-5">
            <SelectField
              label="Show"
              className="w-full sm:w-[220px]"
              value={status}
              onChange={(event) => {
                setParams(event.target.value ? { status: event.target.value } : {}, { replace: true })
              }}
            >
              {FILTERS.map(([value, words]) => (
                <option key={value} value={value}>
                  {words}
                </option>
              ))}
            </SelectField>
            {shown.length === 0 ? (
              <p className="text-[13px] text-ink-3">No address matches.</p>
            ) : (
              <AddressTable addresses={shown} />
            )}
          </div>
        </Panel>
      )}
    </div>
  )
}
