// The IP pool on the Fleet page: one bar split into allocated, reserved and free addresses, with
// the counts, and the way to the IP pool page (every address, reconcile).
import { Link } from 'react-router'
import type { PoolCounts } from '../../api/types'
import { type Segment, SegmentedBar } from '../../ui/Meter'
import { Panel } from '../../ui/Panel'
import { ghostButton } from '../../ui/styles'

/** The pool's parts in the bar's order and colours. */
export function poolSegments(pool: PoolCounts): Segment[] {
  return [
    { label: 'Allocated', value: pool.allocated, tone: 'peach' },
    { label: 'Reserved', value: pool.reserved, tone: 'grey' },
    { label: 'Free', value: pool.free, tone: 'free' },
  ]
}

export function PoolCard({ pool }: { pool: PoolCounts }) {
  return (
    <Panel
      title={pool.first && pool.last ? `IP pool · ${pool.first} — ${pool.last}` : 'IP pool'}
      description={`${pool.allocated} allocated · ${pool.reserved} reserved · ${pool.free} free, of ${pool.total} addresses.`}
      aside={
        <Link to="/admin/ips" className={`${ghostButton} h-9 px-4 text-[13px]`}>
          Open the IP pool
        </Link>
      }
    >
      <SegmentedBar label="IP pool" segments={poolSegments(pool)} />
    </Panel>
  )
}
