// What Nimbus found at a Proxmox address with a token (the setup wizard and Admin → Settings →
// Cluster): the version, cluster, nodes and storages, and every privilege the token lacks, each
// with the feature that needs it, why, and the `pveum` command or web UI step that grants it.
import type { ClusterCheck, MissingPrivilege } from '../api/types'
import { CopyButton } from '../ui/CopyButton'
import { badge } from '../ui/styles'

/** The feature a privilege is for, as a badge; an unknown one is shown as Nimbus words it. */
const FEATURES: Record<string, string> = {
  provisioning: 'Provisioning',
  templates: 'Templates',
  console: 'Console',
  'serial console': 'Console',
  'setup check': 'Setup check',
}

function Missing({ item }: { item: MissingPrivilege }) {
  return (
    <li data-privilege={item.privilege} className="space-y-2 rounded-xl border border-bad/20 bg-bad/[0.04] px-4 py-3">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-[13px] font-medium text-bad">{item.privilege}</span>
        <span className={badge('neutral')}>{FEATURES[item.feature] ?? item.feature}</span>
      </div>
      <p className="text-[13px] text-ink-2">{item.reason}</p>
      <div className="flex items-start gap-2">
        <code className="min-w-0 flex-1 rounded-lg border border-line bg-white/80 px-3 py-2 font-mono text-[12px] break-all text-ink">
          {item.pveum}
        </code>
        <CopyButton text={item.pveum} label={`Copy the command granting ${item.privilege}`} />
      </div>
      <p className="text-[12.5px] text-ink-3">
        Or in the web UI: <span className="text-ink-2">{item.ui}</span>
      </p>
    </li>
  )
}

export function ClusterCheckView({ check }: { check: ClusterCheck }) {
  return (
    <section aria-label="Connection check" className="space-y-4">
      <dl className="grid gap-x-6 gap-y-2 text-[13px] sm:grid-cols-[max-content_1fr]">
        <dt className="text-ink-3">Proxmox VE</dt>
        <dd className="text-ink">{check.version}</dd>
        <dt className="text-ink-3">Cluster</dt>
        <dd className="text-ink">{check.cluster_name ?? 'a single node, not a cluster'}</dd>
        <dt className="text-ink-3">Token</dt>
        <dd className="font-mono text-[12.5px] text-ink">
          {check.token_id}
          {check.created_token && <span className="ml-2 font-sans text-ink-3">(made by Nimbus)</span>}
        </dd>
        <dt className="text-ink-3">Nodes</dt>
        <dd>
          <ul className="flex flex-wrap gap-1.5">
            {check.nodes.map((node) => (
              <li key={node.name} className={badge(node.online ? 'good' : 'bad')}>
                {node.name} · {node.online ? 'online' : 'offline'}
              </li>
            ))}
          </ul>
        </dd>
        <dt className="text-ink-3">Storages</dt>
        <dd>
          <ul className="flex flex-wrap gap-1.5">
            {check.storages.map((storage) => (
              <li key={storage.name} className={badge('neutral')}>
                {storage.name} · {storage.kind}
                {storage.shared ? ' · shared' : ''}
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      {check.missing.length > 0 ? (
        <div className="space-y-2.5">
          <p role="alert" className="text-[13px] font-medium text-bad">
            The token lacks {check.missing.length === 1 ? 'a privilege' : `${check.missing.length} privileges`} Nimbus
            needs. Grant {check.missing.length === 1 ? 'it' : 'them'}, then check again.
          </p>
          <ul aria-label="Missing privileges" className="space-y-2.5">
            {check.missing.map((item) => (
              // One privilege can be needed for several things of one feature: the reason tells them apart.
              <Missing key={`${item.privilege}/${item.feature}/${item.reason}`} item={item} />
            ))}
          </ul>
        </div>
      ) : check.ready ? (
        <p role="status" className="text-[13px] font-medium text-good">
          Every privilege Nimbus needs is granted.
        </p>
      ) : (
        <p role="alert" className="text-[13px] font-medium text-bad">
          Nimbus cannot use this cluster yet; check again once it is reachable.
        </p>
      )}
    </section>
  )
}
