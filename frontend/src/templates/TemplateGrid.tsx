// The nodes × OSes grid of Admin → Templates and of the setup wizard's last step: one row per
// node, one column per OS; each cell says whether the template is there, being baked (phase words
// and a bar) or failed (the reason), with its VMID, bake version, age, the last run, an amber
// "Rebuild" nudge when it should be rebuilt, and (on Admin → Templates) a Rebuild button.
import type { BootstrapStatus, TemplateCell } from '../api/types'
import { Meter } from '../ui/Meter'
import { badge, chipButton } from '../ui/styles'
import { Time } from '../ui/Time'
import { ageWords, canRebuild, cellAt, detailWords, stateTone, stateWords } from './cells'

interface GridProps {
  status: BootstrapStatus
  /** Offers a Rebuild button per cell; without it the grid only shows progress (the setup wizard). */
  onRebuild?: ((cell: TemplateCell) => void) | undefined
}

function Cell({ status, cell, label, onRebuild }: { status: BootstrapStatus; cell: TemplateCell; label: string; onRebuild: GridProps['onRebuild'] }) {
  const detail = detailWords(cell)
  const age = ageWords(cell.age_days)
  return (
    <div className="space-y-1.5 text-[12.5px] text-ink-2" data-cell={`${cell.node}/${cell.os}`}>
      <div className="flex flex-wrap items-center gap-1.5">
        <span className={badge(stateTone(cell))} data-field="state">
          {stateWords(cell.state)}
        </span>
        {cell.rebuild && cell.state === 'present' && (
          <span className={badge('warn')} title={cell.rebuild}>
            Rebuild
          </span>
        )}
      </div>
      {cell.state === 'baking' && (
        <Meter label={`${label} bake`} value={cell.percent ?? 0} max={100} text={`${cell.percent ?? 0} %`} tone="ink" />
      )}
      {detail && (
        <p data-field="detail" className={cell.state === 'failed' ? 'text-bad' : undefined}>
          {detail}
        </p>
      )}
      {cell.rebuild && cell.state === 'present' && <p className="text-warn">{cell.rebuild}</p>}
      {cell.vmid !== undefined && (
        <p className="font-mono text-[11.5px]">
          VMID {cell.vmid}
          {cell.bake_version !== undefined ? ` · bake v${cell.bake_version}` : ' · unbaked'}
          {cell.shared ? ' · shared' : ''}
        </p>
      )}
      {age && <p>{age}</p>}
      {cell.last_run_at && (
        <p className="text-ink-3">
          Last run <Time iso={cell.last_run_at} />
        </p>
      )}
      {onRebuild && canRebuild(status, cell) && (
        <button type="button" className={chipButton} aria-label={`Rebuild ${label}`} onClick={() => { onRebuild(cell) }}>
          Rebuild
        </button>
      )}
    </div>
  )
}

export function TemplateGrid({ status, onRebuild }: GridProps) {
  return (
    <div className="overflow-x-auto">
      <table aria-label="Templates" className="w-full min-w-[640px] border-collapse text-left">
        <thead>
          <tr className="border-b border-line font-mono text-[10.5px] tracking-[0.14em] text-ink-3 uppercase">
            <th scope="col" className="py-2 pr-4 font-medium">
              Node
            </th>
            {status.oses.map((os) => (
              <th key={os.key} scope="col" className="py-2 pr-4 font-medium">
                {os.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {status.nodes.map((node) => (
            <tr key={node.name} className="border-b border-line align-top">
              <th scope="row" className="py-3 pr-4 text-[13px] font-medium text-ink">
                {node.name}
                {!node.online && <span className={`${badge('bad')} ml-2`}>offline</span>}
              </th>
              {status.oses.map((os) => {
                const cell = cellAt(status, node.name, os.key)
                return (
                  <td key={os.key} className="py-3 pr-4">
                    {cell ? (
                      <Cell status={status} cell={cell} label={`${os.label} on ${node.name}`} onRebuild={onRebuild} />
                    ) : (
                      <span className="text-[12.5px] text-ink-3">—</span>
                    )}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
