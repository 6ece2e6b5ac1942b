// Admin → Settings → GPU: the GPU plane on or off (at once), its limits, and its workers (revoke;
// add one, whose token is shown once).
import { useId, useState } from 'react'
import type { ApiFailure } from '../../api/failure'
import { loadGpuSettings, saveGpuSettings } from '../../api/gpu'
import type { GpuSettings } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { Switch } from '../../ui/Switch'
import { GpuLimitsForm } from './GpuLimitsForm'
import { GpuWorkersPanel } from './GpuWorkersPanel'

function PlaneSwitch({ settings, onSaved }: { settings: GpuSettings; onSaved: (next: GpuSettings) => void }) {
  const labelId = useId()
  const descriptionId = useId()
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)

  async function flip(enabled: boolean) {
    setBusy(true)
    setFailure(null)
    const outcome = await saveGpuSettings({ enabled })
    setBusy(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    onSaved(outcome.data)
  }

  return (
    <div className="space-y-3">
      <div className="flex items-start justify-between gap-4">
        <div>
          <p id={labelId} className="text-[14px] font-medium text-ink">
            GPU jobs
          </p>
          <p id={descriptionId} className="text-[13px] text-ink-3">
            {settings.enabled
              ? 'On: members can submit jobs and workers claim them.'
              : 'Off: no new jobs are taken; queued ones wait.'}
          </p>
        </div>
        <Switch
          checked={settings.enabled}
          disabled={busy}
          labelledBy={labelId}
          describedBy={descriptionId}
          onChange={(enabled) => void flip(enabled)}
        />
      </div>
      {failure && <FailureAlert failure={failure} lead="Could not switch the GPU plane" />}
    </div>
  )
}

export function GpuSettingsPage() {
  const { state, reload, update } = useLoad(loadGpuSettings)
  const settings = state.phase === 'ok' ? state.data : null
  const replace = (next: GpuSettings) => {
    update(() => next)
  }
  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · Settings · GPU"
        title={
          <>
            GPU <em className="italic">plane.</em>
          </>
        }
        lead="Training jobs run one at a time on the GPU box, oldest first. Changes apply at once, without a restart."
      />
      <LoadStatus state={state} what="the GPU settings" onRetry={reload} card />
      {settings && (
        <>
          <Panel title="GPU plane">
            <PlaneSwitch settings={settings} onSaved={replace} />
          </Panel>
          <Panel title="Limits">
            <GpuLimitsForm settings={settings} onSaved={replace} />
          </Panel>
          <GpuWorkersPanel
            workers={settings.workers}
            onChange={(workers) => {
              update((current) => ({ ...current, workers }))
            }}
          />
        </>
      )}
    </div>
  )
}
