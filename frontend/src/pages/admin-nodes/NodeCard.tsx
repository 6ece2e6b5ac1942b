// One Proxmox node as placement sees it: online or not, CPU, memory (with what its guests are
// promised) and disk as bars, its guests (and the machines being built on it), the templates it can clone, and either its score for
// the size asked about (with its rank: "next VM goes here") or, in red, why it is passed over.
import { useId } from 'react'
import type { NodeReport } from '../../api/types'
import { Meter } from '../../ui/Meter'
import { badge } from '../../ui/styles'
import { formatBytes, formatPercent } from '../../ui/units'

/** "0.82 · mem 0.90 · cpu 0.70 · disk 0.80". */
export function scoreWords(score: NonNullable<NodeReport['score']>): string {
  const parts = [score.total.toFixed(2), `mem ${score.mem.toFixed(2)}`, `cpu ${score.cpu.toFixed(2)}`]
  if (typeof score.disk === 'number') parts.push(`disk ${score.disk.toFixed(2)}`)
  return parts.join(' · ')
}

function Rank({ node }: { node: NodeReport }) {
  if (!node.accepted) return <span className={badge('bad')}>passed over</span>
  if (node.preference === 1) return <span className={badge('good')}>next VM goes here</span>
  if (typeof node.preference === 'number') return <span className={badge('neutral')}>choice #{node.preference}</span>
  return null
}

export function NodeCard({ node }: { node: NodeReport }) {
  const titleId = useId()
  const online = node.status === 'online'
  const hasDisk = typeof node.disk_total === 'number' && typeof node.disk_used === 'number'
  return (
    <li aria-labelledby={titleId} data-node={node.name} className={`glass space-y-4 p-5 ${node.accepted ? '' : 'opacity-90'}`}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id={titleId} className="flex items-center gap-2.5 text-[22px] leading-none">
          <span
            aria-hidden="true"
            className={`size-2.5 rounded-full ${online ? 'bg-good' : 'bg-bad'}`}
          />
          {node.name}
          <span className="font-mono text-[11px] tracking-normal text-ink-3">{node.status}</span>
        </h2>
        <Rank node={node} />
      </div>
      <div className="space-y-3">
        <Meter label="CPU" value={node.cpu} max={1} text={`${formatPercent(node.cpu)} of ${node.max_cpu} cores`} />
        <Meter
          label="Memory"
          value={node.mem_used}
          max={node.mem_total}
          marker={node.mem_allocated}
          text={`${formatBytes(node.mem_used)} of ${formatBytes(node.mem_total)} · ${node.mem_allocated > 0 ? formatBytes(node.mem_allocated) : 'none'} allocated`}
        />
        {hasDisk && (
          <Meter
            label="Disk"
            value={node.disk_used ?? 0}
            max={node.disk_total ?? 0}
            text={`${formatBytes(node.disk_used ?? 0)} of ${formatBytes(node.disk_total ?? 0)}`}
          />
        )}
      </div>
      <dl className="text-[12.5px]">
        <div className="flex items-baseline justify-between gap-3 border-b border-line py-1.5">
          <dt className="text-ink-3">VMs</dt>
          <dd className="font-mono text-ink">
            {node.vm_count} running / {node.vm_count_total}
            {node.building > 0 && ` · ${node.building} being built`}
          </dd>
        </div>
        <div className="flex items-baseline justify-between gap-3 border-b border-line py-1.5">
          <dt className="text-ink-3">Score</dt>
          <dd data-field="score" className="text-right font-mono text-ink">
            {node.score ? scoreWords(node.score) : '—'}
          </dd>
        </div>
        <div className="flex items-baseline justify-between gap-3 border-b border-line py-1.5">
          <dt className="text-ink-3">Templates</dt>
          <dd className="flex flex-wrap justify-end gap-1">
            {node.templates.length === 0 ? (
              <span className="text-ink-3">none</span>
            ) : (
              node.templates.map((os) => (
                <span key={os} className={badge('neutral')}>
                  {os}
                </span>
              ))
            )}
          </dd>
        </div>
      </dl>
      {node.rejections.length > 0 && (
        <ul aria-label={`Why ${node.name} is passed over`} className="space-y-1 text-[12.5px] text-bad">
          {node.rejections.map((rejection) => (
            <li key={rejection.code} data-code={rejection.code}>
              {rejection.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  )
}
