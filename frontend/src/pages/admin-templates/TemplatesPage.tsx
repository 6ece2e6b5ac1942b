// Admin → Templates: the OS templates on every node, and the bootstrap that bakes them (the cloud
// image, one boot that installs the guest agent, then a template). "Bootstrap" bakes everything
// missing; a cell's Rebuild and "Force rebuild all" replace templates after a confirmation. While a
// bootstrap runs, the page asks for its progress every two seconds, and stops when it ends.
import { useState } from 'react'
import type { ApiFailure } from '../../api/failure'
import { loadBootstrapStatus, startBootstrap } from '../../api/templates'
import type { BootstrapRequest, TemplateCell } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { Confirm } from '../../ui/Confirm'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { ghostButton, primaryButton } from '../../ui/styles'
import { anythingMissing, POLL_MS } from '../../templates/cells'
import { TemplateGrid } from '../../templates/TemplateGrid'
import { usePoll } from '../../templates/usePoll'

/** What a confirmation is about: one node and OS, or every template. */
type Pending = { kind: 'one'; cell: TemplateCell; label: string } | { kind: 'all' }

const RETIRE_WORDS =
  'A new template is baked first; the old one is renamed “retired” and deleted once no machine depends on it, so provisioning never goes without a template.'

export function TemplatesPage() {
  const { state, reload } = useLoad(loadBootstrapStatus)
  const status = state.phase === 'ok' ? state.data : null
  usePoll(status?.running ?? false, POLL_MS, reload, status)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [pending, setPending] = useState<Pending | null>(null)

  async function start(request: BootstrapRequest) {
    setBusy(true)
    setFailure(null)
    setMessage(null)
    const outcome = await startBootstrap(request)
    setBusy(false)
    setPending(null)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    setMessage(outcome.data.message)
    reload()
  }

  const running = status?.running ?? false
  const labelOf = (cell: TemplateCell) =>
    `${status?.oses.find((os) => os.key === cell.os)?.label ?? cell.os} on ${cell.node}`

  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · Templates"
        title={
          <>
            Every system, <em className="italic">ready to clone.</em>
          </>
        }
        lead="The OS templates machines are cloned from, per node: baked here from the distributions’ cloud images with the guest agent installed."
      />
      <Panel
        title="Templates"
        description={
          status
            ? running
              ? 'A bootstrap is running; this page follows it.'
              : `New templates get bake recipe v${status.bake_version}.`
            : undefined
        }
        aside={
          status && (
            <div className="flex flex-wrap gap-2">
              <button
                type="button"
                disabled={busy || running}
                onClick={() => void start({})}
                className={`${primaryButton} h-9 px-4 text-[13px]`}
                title={anythingMissing(status) ? undefined : 'Every template is there; Bootstrap will change nothing.'}
              >
                {running ? 'Bootstrap running…' : 'Bootstrap'}
              </button>
              <button
                type="button"
                disabled={busy || running}
                onClick={() => {
                  setPending({ kind: 'all' })
                }}
                className={`${ghostButton} h-9 px-4 text-[13px]`}
              >
                Force rebuild all
              </button>
            </div>
          )
        }
      >
        <div className="space-y-4">
          {message && (
            <p role="status" className="rounded-xl border border-line-2 bg-white/70 px-4 py-3 text-[13px] text-ink-2">
              {message}
            </p>
          )}
          {failure && <FailureAlert failure={failure} lead="Could not start the bootstrap" />}
          {pending && (
            <Confirm
              title={pending.kind === 'all' ? 'Rebuild every template?' : `Rebuild ${pending.label}?`}
              confirmLabel={pending.kind === 'all' ? 'Rebuild all' : 'Rebuild'}
              tone="default"
              busy={busy}
              onCancel={() => {
                setPending(null)
              }}
              onConfirm={() =>
                void start(
                  pending.kind === 'all' ? { force: true } : { force: true, os: [pending.cell.os], nodes: [pending.cell.node] },
                )
              }
            >
              {RETIRE_WORDS}
            </Confirm>
          )}
          {status?.partial && (
            <p role="note" className="rounded-xl border border-warn/25 bg-warn/[0.07] px-4 py-3 text-[13px] text-ink-2">
              <span className="font-medium text-warn">Partial:</span> Proxmox could not be read just now, so templates are
              shown as last known.
            </p>
          )}
          <LoadStatus state={state} what="the templates" onRetry={reload} />
          {status && (
            <TemplateGrid
              status={status}
              onRebuild={(cell) => {
                setPending({ kind: 'one', cell, label: labelOf(cell) })
              }}
            />
          )}
          {status && status.retired.length > 0 && (
            <p className="text-[13px] text-ink-3">
              Retired templates kept while machines depend on them: {status.retired.join(', ')}.
            </p>
          )}
        </div>
      </Panel>
    </div>
  )
}
