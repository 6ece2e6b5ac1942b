// What the GPU plane is doing, above the form: off (with Nimbus's words, and for admins where to
// turn it on), or on with how many workers are online; the demo's stand-in worker is named as such.
import { Link } from 'react-router'
import type { GpuPlane } from '../../api/types'
import { badge } from '../../ui/styles'

export function PlaneBanner({ plane, admin }: { plane: GpuPlane; admin: boolean }) {
  if (!plane.enabled) {
    return (
      <div role="status" className="rounded-xl border border-warn/25 bg-warn/[0.07] px-4 py-3 text-[13.5px] text-ink-2">
        <p className="font-medium text-warn">GPU jobs are off.</p>
        <p className="mt-1">{plane.message ?? 'This Nimbus takes no GPU jobs right now.'}</p>
        {admin && (
          <p className="mt-1">
            Turn them on in{' '}
            <Link to="/admin/settings/gpu" className="font-medium text-ink underline underline-offset-2">
              Admin → Settings → GPU
            </Link>
            .
          </p>
        )}
      </div>
    )
  }
  return (
    <div className="flex flex-wrap items-center gap-2 text-[13px] text-ink-2">
      <span className={badge(plane.workers_online > 0 ? 'good' : 'warn')}>
        {plane.workers_online} {plane.workers_online === 1 ? 'worker' : 'workers'} online
      </span>
      {plane.stand_in && <span className={badge('ink')}>Stand-in GX10 (demo): no real GPU</span>}
      {plane.workers_online === 0 && <span>Jobs wait in the queue until a worker comes online.</span>}
    </div>
  )
}
