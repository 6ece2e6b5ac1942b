// The Provision form's summary card: what will be built (and for whom), updated as the form is
// filled in, with the form's submit button under it (the mockup's right-hand column). A size that
// needs approval turns the button into "Request approval"; a quota refusal is shown right above it.
import { type ReactNode, useId } from 'react'
import type { ApiFailure } from '../../api/failure'
import type { CatalogOs, CatalogTier, SshKey } from '../../api/types'
import { FailureAlert } from '../../ui/FailureAlert'
import { primaryButton } from '../../ui/styles'
import { formatMemory } from '../../vm/vmState'
import type { KeyChoiceState } from './KeyChoice'

interface SummaryProps {
  hostname: string
  tier: CatalogTier | undefined
  os: CatalogOs | undefined
  keyChoice: KeyChoiceState
  keys: SshKey[]
  tunnel: boolean | null
  /** The machine is for someone else: their name. */
  forName: string | null
  /** The size needs an admin's approval: the form sends a request. */
  approval: boolean
  /** Nimbus refused for lack of quota: said next to the button. */
  refusal: ApiFailure | null
  busy: boolean
}

function keyWords({ mode, keyId, keep }: KeyChoiceState, keys: SshKey[], forName: string | null, approval: boolean): string {
  if (mode === 'owner') return 'their default key'
  if (mode === 'saved') return keys.find((key) => key.id === keyId)?.name ?? '—'
  if (mode === 'paste') return 'pasted key'
  if (forName !== null) return 'new key, kept for them'
  return keep || approval ? 'new key, kept' : 'new key, shown once'
}

function SubmitLabel({ busy, approval }: { busy: boolean; approval: boolean }) {
  if (busy) return <>{approval ? 'Sending the request…' : 'Provisioning…'}</>
  return (
    <>
      {approval ? 'Request approval' : 'Provision machine'} <span aria-hidden="true">→</span>
    </>
  )
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-4 border-b border-line py-2.5 last:border-b-0">
      <dt className="text-ink-3">{term}</dt>
      <dd className="min-w-0 text-right font-mono text-[12.5px] break-all text-ink">{children}</dd>
    </div>
  )
}

export function Summary({ hostname, tier, os, keyChoice, keys, tunnel, forName, approval, refusal, busy }: SummaryProps) {
  const titleId = useId()
  const dash = <span aria-label="not chosen yet">—</span>
  return (
    <section aria-labelledby={titleId} className="glass p-6 lg:sticky lg:top-24">
      <h2 id={titleId} className="text-xl font-semibold">
        Summary
      </h2>
      <dl className="mt-3 text-[13px]">
        {forName !== null && <Row term="For">{forName}</Row>}
        <Row term="Hostname">{hostname.trim() || dash}</Row>
        <Row term="Tier">{tier?.name ?? dash}</Row>
        <Row term="vCPU / RAM">{tier ? `${tier.vcpus} / ${formatMemory(tier.memory_mib)}` : dash}</Row>
        <Row term="Disk">{tier ? `${tier.disk_gib} GiB` : dash}</Row>
        <Row term="OS">{os?.label ?? dash}</Row>
        <Row term="SSH key">{keyWords(keyChoice, keys, forName, approval)}</Row>
        {tunnel !== null && <Row term="Public SSH">{tunnel ? 'yes' : 'no'}</Row>}
      </dl>
      {refusal && (
        <div className="mt-5">
          <FailureAlert failure={refusal} lead="Over the quota" />
        </div>
      )}
      <button type="submit" disabled={busy} className={`${primaryButton} mt-5 w-full`}>
        <SubmitLabel busy={busy} approval={approval} />
      </button>
      <p className="mt-3 text-center text-[12px] text-ink-3">
        {approval
          ? 'An admin reviews the request; the machine is built once they approve it.'
          : 'Usually ready in about a minute.'}
      </p>
    </section>
  )
}
