// The frame of a machine being built (the mockup's loading screen): the brand blob, glowing
// while work is under way, an eyebrow, the hostname in the title and one line under it. The
// progress page and the Provision page's one-time-key flow both draw their timeline inside it.
import { type ReactNode, useId } from 'react'

export type BuildOutcome = 'building' | 'ready' | 'failed'

const EYEBROW: Record<BuildOutcome, string> = {
  building: 'Provisioning',
  ready: 'Machine ready',
  failed: 'Provisioning failed',
}

function Title({ hostname, outcome }: { hostname: string; outcome: BuildOutcome }) {
  const name = (
    <code className="rounded-lg bg-ink/[0.05] px-2 py-0.5 font-mono text-[0.72em] tracking-normal break-all">
      {hostname}
    </code>
  )
  if (outcome === 'ready') return <>{name} is live.</>
  if (outcome === 'failed') return <>Could not build {name}</>
  return <>Hatching {name}</>
}

interface BuildCardProps {
  hostname: string
  outcome: BuildOutcome
  lead: ReactNode
  children: ReactNode
}

export function BuildCard({ hostname, outcome, lead, children }: BuildCardProps) {
  const titleId = useId()
  return (
    <section aria-labelledby={titleId} className="glass mx-auto max-w-[560px] px-7 py-9 sm:px-9">
      <div className="flex flex-col items-center text-center">
        <span
          aria-hidden="true"
          className={`brand-mark size-14 rounded-2xl ${outcome === 'building' ? 'motion-safe:animate-halo' : ''}`}
        />
        <p className={`eyebrow mt-6 ${outcome === 'failed' ? 'text-bad' : outcome === 'ready' ? 'text-good' : ''}`}>
          {EYEBROW[outcome]}
        </p>
        <h1 id={titleId} className="mt-2.5 text-[32px] leading-[1.15]">
          <Title hostname={hostname} outcome={outcome} />
        </h1>
        <p className="mt-2.5 text-[14.5px] text-ink-2">{lead}</p>
      </div>
      <div className="mt-7 space-y-5">{children}</div>
    </section>
  )
}
