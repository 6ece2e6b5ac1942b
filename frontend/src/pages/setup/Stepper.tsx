// The wizard's steps in a row — Proxmox · Network · Access · Admin · Templates — with the current
// one marked. Steps already reached can be opened again (their forms keep what was saved).
export const STEPS = [
  { key: 'proxmox', label: 'Proxmox' },
  { key: 'network', label: 'Network' },
  { key: 'access', label: 'Access' },
  { key: 'admin', label: 'Admin' },
  { key: 'templates', label: 'Templates' },
] as const

export type StepKey = (typeof STEPS)[number]['key']

interface StepperProps {
  current: StepKey
  /** The furthest step that may be opened; none when absent. */
  reachable?: StepKey
  onOpen?: (step: StepKey) => void
}

export function stepIndex(step: StepKey): number {
  return STEPS.findIndex((s) => s.key === step)
}

export function Stepper({ current, reachable, onOpen }: StepperProps) {
  const last = reachable ? stepIndex(reachable) : -1
  return (
    <nav aria-label="Setup steps">
      <ol className="flex flex-wrap items-center gap-x-2 gap-y-2 font-mono text-[11px] font-medium tracking-[0.14em] uppercase">
        {STEPS.map((step, index) => {
          const isCurrent = step.key === current
          const done = index < stepIndex(current)
          const tone = isCurrent ? 'border-ink bg-ink text-white' : done ? 'border-line-2 bg-white/80 text-ink' : 'border-line bg-white/40 text-ink-3'
          const content = (
            <>
              <span aria-hidden="true">{index + 1}</span> {step.label}
            </>
          )
          return (
            <li key={step.key} className="flex items-center gap-2">
              {index > 0 && (
                <span aria-hidden="true" className="text-ink-3">
                  ·
                </span>
              )}
              {onOpen && !isCurrent && index <= last ? (
                <button type="button" onClick={() => { onOpen(step.key) }} className={`rounded-lg border px-2.5 py-1 hover:border-ink ${tone}`}>
                  {content}
                </button>
              ) : (
                <span aria-current={isCurrent ? 'step' : undefined} className={`block rounded-lg border px-2.5 py-1 ${tone}`}>
                  {content}
                </span>
              )}
            </li>
          )
        })}
      </ol>
    </nav>
  )
}
