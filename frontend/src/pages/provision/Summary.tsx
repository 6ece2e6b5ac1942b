// The Provision form's summary card: what will be built, updated as the form is filled in,
// with the form's submit button under it (the mockup's right-hand column).
import { type ReactNode, useId } from 'react'
import type { CatalogOs, CatalogTier, SshKey } from '../../api/types'
import { primaryButton } from '../../ui/styles'
import { formatMemory } from '../machine/vmState'
import type { KeyChoiceState } from './KeyChoice'

interface SummaryProps {
  hostname: string
  tier: CatalogTier | undefined
  os: CatalogOs | undefined
  keyChoice: KeyChoiceState
  keys: SshKey[]
  tunnel: boolean | null
  busy: boolean
}

function keyWords({ mode, keyId, keep }: KeyChoiceState, keys: SshKey[]): string {
  if (mode === 'saved') return keys.find((key) => key.id === keyId)?.name ?? '—'
  if (mode === 'paste') return 'pasted key'
  return keep ? 'new key, kept' : 'new key, shown once'
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-4 border-b border-line py-2.5 last:border-b-0">
      <dt className="text-ink-3">{term}</dt>
      <dd className="min-w-0 text-right font-mono text-[12.5px] break-all text-ink">{children}</dd>
    </div>
  )
}

export function Summary({ hostname, tier, os, keyChoice, keys, tunnel, busy }: SummaryProps) {
  const titleId = useId()
  const dash = <span aria-label="not chosen yet">—</span>
  return (
    <section aria-labelledby={titleId} className="glass p-6 lg:sticky lg:top-24">
      <h2 id={titleId} className="text-xl font-semibold">
        Summary
      </h2>
      <dl className="mt-3 text-[13px]">
        <Row term="Hostname">{hostname.trim() || dash}</Row>
        <Row term="Tier">{tier?.name ?? dash}</Row>
        <Row term="vCPU / RAM">{tier ? `${tier.vcpus} / ${formatMemory(tier.memory_mib)}` : dash}</Row>
        <Row term="Disk">{tier ? `${tier.disk_gib} GiB` : dash}</Row>
        <Row term="OS">{os?.label ?? dash}</Row>
        <Row term="SSH key">{keyWords(keyChoice, keys)}</Row>
        {tunnel !== null && <Row term="Public SSH">{tunnel ? 'yes' : 'no'}</Row>}
      </dl>
      <button type="submit" disabled={busy} className={`${primaryButton} mt-5 w-full`}>
        {busy ? (
          'Provisioning…'
        ) : (
          <>
            Provision machine <span aria-hidden="true">→</span>
          </>
        )}
      </button>
      <p className="mt-3 text-center text-[12px] text-ink-3">Usually ready in about a minute.</p>
    </section>
  )
}
