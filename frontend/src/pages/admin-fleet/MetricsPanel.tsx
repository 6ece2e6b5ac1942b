// "Provisioning" on the Fleet page: how last week's requests turned out (success rate, counts),
// and how long a provision takes, in total and per step, as p50 bars with the p95 behind them.
import type { ReactNode } from 'react'
import type { ProvisionMetrics } from '../../api/types'
import type { LoadState } from '../../api/useLoad'
import { formatElapsed } from '../../ui/format'
import { LoadStatus } from '../../ui/LoadStatus'
import { Meter } from '../../ui/Meter'
import { Panel } from '../../ui/Panel'
import { formatPercent } from '../../ui/units'
import { stepLabel } from '../../vm/steps'

function Figure({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-4 border-b border-line py-2">
      <dt className="text-ink-3">{term}</dt>
      <dd className="font-mono text-[12.5px] text-ink">{children}</dd>
    </div>
  )
}

function Metrics({ metrics }: { metrics: ProvisionMetrics }) {
  const rate = metrics.success_rate
  const total = metrics.total
  const slowest = Math.max(1, ...metrics.steps.map((step) => step.p95_ms))
  return (
    <div className="grid gap-8 lg:grid-cols-[280px_minmax(0,1fr)]">
      <div>
        <p className="eyebrow text-[10.5px]">Success rate</p>
        <p data-field="success-rate" className="mt-1 font-serif text-[34px] leading-none text-ink">
          {typeof rate === 'number' ? formatPercent(rate) : '—'}
        </p>
        <dl className="mt-4 text-[13px]">
          <Figure term="Requested">{metrics.requested}</Figure>
          <Figure term="Succeeded">{metrics.succeeded}</Figure>
          <Figure term="Failed">{metrics.failed}</Figure>
          <Figure term="Denied">{metrics.denied}</Figure>
          <Figure term="Waiting for approval">{metrics.pending}</Figure>
          <Figure term="Being built">{metrics.in_progress}</Figure>
          <Figure term="Total time">
            {total ? `p50 ${formatElapsed(total.p50_ms)} · p95 ${formatElapsed(total.p95_ms)}` : '—'}
          </Figure>
        </dl>
      </div>
      <div>
        <p className="eyebrow text-[10.5px]">Time per step (p50, with p95 behind it)</p>
        {metrics.steps.length === 0 ? (
          <p className="mt-3 text-[13px] text-ink-3">No provision finished a step in these days.</p>
        ) : (
          <ul aria-label="Time per step" className="mt-3 space-y-3">
            {metrics.steps.map((step) => (
              <li key={step.step}>
                <Meter
                  label={`${stepLabel(step.step)} (${step.count})`}
                  value={step.p50_ms}
                  marker={step.p95_ms}
                  max={slowest}
                  tone="ink"
                  text={`p50 ${formatElapsed(step.p50_ms)} · p95 ${formatElapsed(step.p95_ms)}`}
                />
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  )
}

export function MetricsPanel({ state, onRetry }: { state: LoadState<ProvisionMetrics>; onRetry: () => void }) {
  return (
    <Panel title="Provisioning" description="How the last 7 days’ requests went, and how long each step takes.">
      <LoadStatus state={state} what="the provisioning figures" onRetry={onRetry} />
      {state.phase === 'ok' && <Metrics metrics={state.data} />}
    </Panel>
  )
}
