// A status word as a small coloured badge with a dot (a VM's, its public SSH's, a tunnel's): green
// when running, connected or active, red when it failed, a breathing dot while something is under way.
import { badge } from '../ui/styles'

type Tone = 'good' | 'warn' | 'bad' | 'neutral'

const TONES: Record<string, Tone> = {
  running: 'good',
  provisioning: 'neutral',
  pending_approval: 'warn',
  starting: 'neutral',
  stopping: 'neutral',
  rebooting: 'neutral',
  deleting: 'neutral',
  stopped: 'neutral',
  unknown: 'warn',
  failed: 'bad',
  denied: 'bad',
  // Public SSH and tunnels.
  waiting: 'neutral',
  exposing: 'neutral',
  connected: 'good',
  active: 'good',
}

const BUSY = new Set(['provisioning', 'starting', 'stopping', 'rebooting', 'deleting', 'exposing'])

const DOTS: Record<Tone, string> = {
  good: 'bg-good',
  warn: 'bg-warn',
  bad: 'bg-bad',
  neutral: 'bg-ink-3',
}

export function StatusBadge({ status }: { status: string }) {
  const tone = TONES[status] ?? 'neutral'
  return (
    <span data-status={status} className={`${badge(tone)} gap-1.5`}>
      <span
        aria-hidden="true"
        className={`size-1.5 rounded-full ${DOTS[tone]} ${BUSY.has(status) ? 'motion-safe:animate-breathe' : ''}`}
      />
      {status.replace(/_/g, ' ')}
    </span>
  )
}
