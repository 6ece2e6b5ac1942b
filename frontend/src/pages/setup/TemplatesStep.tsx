// The wizard's last step, once the admin is signed in: "set up templates now?" starts the same
// template bootstrap as Admin → Templates and shows its live per-node progress in the same grid;
// or skip it and go to the portal (Admin → Templates can run it any time).
import { useState } from 'react'
import { Link } from 'react-router'
import type { ApiFailure } from '../../api/failure'
import { loadBootstrapStatus, startBootstrap } from '../../api/templates'
import { useLoad } from '../../api/useLoad'
import { POLL_MS } from '../../templates/cells'
import { TemplateGrid } from '../../templates/TemplateGrid'
import { usePoll } from '../../templates/usePoll'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { ghostButton, primaryButton } from '../../ui/styles'
import { Stepper } from './Stepper'

export function TemplatesStep() {
  const { state, reload } = useLoad(loadBootstrapStatus)
  const status = state.phase === 'ok' ? state.data : null
  const running = status?.running ?? false
  usePoll(running, POLL_MS, reload, status)
  const [started, setStarted] = useState<string | null>(null)
  // The status on screen when the bootstrap was started: only a later answer can say it ended.
  const [before, setBefore] = useState<typeof status>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)
  const finished = started !== null && status !== null && status !== before && !running

  async function start() {
    setBusy(true)
    setFailure(null)
    const outcome = await startBootstrap({})
    setBusy(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    setBefore(status)
    setStarted(outcome.data.message)
    reload()
  }

  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Setup"
        title={
          <>
            Nimbus is <em className="italic">set up.</em>
          </>
        }
        lead="You are signed in as the admin. One more thing: machines are cloned from OS templates on each node."
      />
      <Stepper current="templates" />
      <Panel
        title="Templates"
        description="Set up templates now? Nimbus downloads each system’s cloud image, boots it once to install the guest agent, and keeps it as a template on every node. It takes a few minutes per node."
      >
        <div className="space-y-4">
          <div className="flex flex-wrap items-center gap-3">
            {started === null && (
              <button type="button" disabled={busy || running} onClick={() => void start()} className={primaryButton}>
                {busy ? 'Starting…' : 'Set up templates'}
              </button>
            )}
            <Link to="/" className={finished ? primaryButton : ghostButton}>
              {finished ? 'Go to the portal' : started === null ? 'Skip, go to the portal' : 'Go to the portal now'}
            </Link>
          </div>
          {started !== null && (
            <p role="status" className="rounded-xl border border-line-2 bg-white/70 px-4 py-3 text-[13px] text-ink-2">
              {finished ? 'The bootstrap has finished.' : started}
            </p>
          )}
          {failure && <FailureAlert failure={failure} lead="Could not start the bootstrap" />}
          <LoadStatus state={state} what="the templates" onRetry={reload} />
          {status && <TemplateGrid status={status} />}
        </div>
      </Panel>
    </div>
  )
}
