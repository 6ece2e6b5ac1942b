// The IP pool the machines take their addresses from, as the admin pages draw it: one bar split
// into allocated, reserved and free addresses (the Fleet page's card and the IP pool page).
import type { PoolCounts } from '../api/types'
import type { Segment } from '../ui/Meter'

/** The pool's parts in the bar's order and colours. */
export function poolSegments(pool: PoolCounts): Segment[] {
  return [
    { label: 'Allocated', value: pool.allocated, tone: 'peach' },
    { label: 'Reserved', value: pool.reserved, tone: 'grey' },
    { label: 'Free', value: pool.free, tone: 'free' },
  ]
}
