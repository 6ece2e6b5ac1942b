// The provisioning steps as a list: a check and what each finished step took and produced,
// a spinner on the one under way, a cross on the one that failed, the rest greyed. A polite live
// region, so a screen reader hears each step finish without leaving what it was reading.
import { formatElapsed } from '../ui/format'
import { detailParts, type StepState, type TimelineStep } from './steps'

const SPOKEN: Record<StepState, string> = {
  done: 'done',
  current: 'in progress',
  failed: 'failed',
  pending: 'not started',
}

function StepIcon({ state }: { state: StepState }) {
  const ring = 'grid size-[18px] shrink-0 place-items-center rounded-full'
  switch (state) {
    case 'done':
      return (
        <span aria-hidden="true" className={`${ring} bg-ink text-white`}>
          <svg viewBox="0 0 12 12" className="size-2.5" fill="none" stroke="currentColor" strokeWidth="2">
            <path d="M2.5 6.2 5 8.6l4.5-5" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </span>
      )
    case 'current':
      return (
        <span
          aria-hidden="true"
          className={`${ring} border-2 border-ink/15 border-t-ink motion-safe:animate-spin motion-reduce:border-ink/60`}
        >
          <span className="size-1.5 rounded-full bg-ink" />
        </span>
      )
    case 'failed':
      return (
        <span aria-hidden="true" className={`${ring} bg-bad text-white`}>
          <svg viewBox="0 0 12 12" className="size-2.5" fill="none" stroke="currentColor" strokeWidth="2">
            <path d="m3.5 3.5 5 5m0-5-5 5" strokeLinecap="round" />
          </svg>
        </span>
      )
    case 'pending':
      return <span aria-hidden="true" className={`${ring} border border-line-strong`} />
  }
}

const LABEL_TONE: Record<StepState, string> = {
  done: 'text-ink',
  current: 'font-medium text-ink',
  failed: 'font-medium text-bad',
  pending: 'text-ink-3',
}

export function Timeline({ steps, label = 'Provisioning steps' }: { steps: TimelineStep[]; label?: string }) {
  return (
    <ol aria-label={label} aria-live="polite" className="divide-y divide-line border-y border-line">
      {steps.map((step) => {
        const parts = step.state === 'done' ? detailParts(step.detail) : []
        return (
          <li key={step.step} data-step={step.step} data-state={step.state} className="flex items-center gap-3 py-3">
            <StepIcon state={step.state} />
            <span className={`min-w-0 flex-1 text-[13.5px] ${LABEL_TONE[step.state]}`}>
              {step.label}
              <span className="sr-only">: {SPOKEN[step.state]}</span>
            </span>
            {(parts.length > 0 || step.elapsedMs !== undefined) && (
              <span className="flex shrink-0 flex-wrap items-baseline justify-end gap-x-2 text-right font-mono text-[11.5px]">
                {parts.length > 0 && <span className="text-ink-2">{parts.join(' · ')}</span>}
                {step.elapsedMs !== undefined && (
                  <span className="text-ink-3">{formatElapsed(step.elapsedMs)}</span>
                )}
              </span>
            )}
          </li>
        )
      })}
    </ol>
  )
}
