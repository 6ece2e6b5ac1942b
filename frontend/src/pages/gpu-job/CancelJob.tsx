// Cancel, behind a confirmation: a queued job leaves the queue at once, a running one is stopped
// by its worker at the next heartbeat (the job shows `cancelling` until then).
import { useState } from 'react'
import type { ApiFailure } from '../../api/failure'
import { cancelGpuJob } from '../../api/gpu'
import type { GpuJob } from '../../api/types'
import { Confirm } from '../../ui/Confirm'
import { FailureAlert } from '../../ui/FailureAlert'
import { dangerChipButton } from '../../ui/styles'

export function CancelJob({ job, onCancelled }: { job: GpuJob; onCancelled: (job: GpuJob) => void }) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)

  async function cancel() {
    setBusy(true)
    setFailure(null)
    const outcome = await cancelGpuJob(job.id)
    setBusy(false)
    setConfirming(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    onCancelled(outcome.data)
  }

  return (
    <div className="space-y-3">
      {!confirming && (
        <button
          type="button"
          className={dangerChipButton}
          onClick={() => {
            setConfirming(true)
          }}
        >
          Cancel job
        </button>
      )}
      {confirming && (
        <Confirm
          title={`Cancel job #${job.id}?`}
          confirmLabel="Cancel job"
          busy={busy}
          onConfirm={() => void cancel()}
          onCancel={() => {
            setConfirming(false)
          }}
        >
          {job.status === 'queued'
            ? 'It leaves the queue at once.'
            : 'Its worker stops the container at its next heartbeat. The output so far is kept.'}
        </Confirm>
      )}
      {failure && <FailureAlert failure={failure} lead="Could not cancel the job" />}
    </div>
  )
}
