// The IP pool on the Fleet page: one bar split into allocated, reserved and free addresses, with
// the counts, and the way to the IP pool page (every address, reconcile).
import { Link } from 'react-router'
import type { PoolCounts } from '../../api/types'
import { SegmentedBar } from '../../ui/Meter'
import { Panel } from '../../ui/Panel'
import { ghostButton } from '../../ui/styles'
import { poolSegments } from '../../vm/pool'

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
