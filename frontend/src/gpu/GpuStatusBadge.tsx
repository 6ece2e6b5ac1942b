// A GPU job's status as a coloured badge that always says it in words ("Running", "Failed").
import { badge } from '../ui/styles'
import { statusLook } from './jobStatus'

const DOTS = { good: 'bg-good', warn: 'bg-warn', bad: 'bg-bad', neutral: 'bg-ink-3' } as const

export function GpuStatusBadge({ status }: { status: string }) {
  const look = statusLook(status)
  return (
    <span data-status={status} className={`${badge(look.tone)} gap-1.5`}>
      <span aria-hidden="true" className={`size-1.5 rounded-full ${DOTS[look.tone]} ${look.busy ? 'motion-safe:animate-breathe' : ''}`} />
      {look.words}
    </span>
  )
}
