// Admin → Settings → GPU's workers: the list (online or not, last heartbeat, the job each runs)
// with Revoke behind a confirmation, and "Add worker", whose answer (the token, once) opens in a
// dialog.
import { type SubmitEvent, useState } from 'react'
import type { ApiFailure } from '../../api/failure'
import { addGpuWorker, revokeGpuWorker } from '../../api/gpu'
import type { GpuWorker, GpuWorkerCreated } from '../../api/types'
import { WorkersList } from '../../gpu/WorkersList'
import { Confirm } from '../../ui/Confirm'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { Panel } from '../../ui/Panel'
import { dangerChipButton, primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'
import { NewWorkerDialog } from './NewWorkerDialog'

const WORKER_ID = /^[A-Za-z0-9._-]{1,64}$/
const FIELDS = ['id'] as const

function AddWorkerForm({ onAdded }: { onAdded: (created: GpuWorkerCreated) => void }) {
  const form = useFormErrors(FIELDS)
  const [id, setId] = useState('')
  const [busy, setBusy] = useState(false)

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const rejected = form.reject({
      id: !WORKER_ID.test(id.trim()) && 'Enter 1 to 64 letters, digits, dots, underscores or hyphens, e.g. gx10-1.',
    })
    if (rejected) return
    setBusy(true)
    form.reset()
    const outcome = await addGpuWorker(id.trim())
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    setId('')
    onAdded(outcome.data)
  }

  return (
    <form noValidate aria-label="Add worker" className="space-y-3" onSubmit={(event) => void handleSubmit(event)}>
      <div className="flex flex-wrap items-start gap-3">
        <Field
          {...form.bind('id', id, setId)}
          label="Worker id"
          name="worker-id"
          autoComplete="off"
          spellCheck={false}
          mono
          placeholder="gx10-1"
          className="min-w-[240px] flex-1"
        />
        <button type="submit" disabled={busy} className={`${primaryButton} mt-[26px] h-11`}>
          {busy ? 'Adding…' : 'Add worker'}
        </button>
      </div>
      {form.failure && <FailureAlert failure={form.failure} lead="Could not add the worker" />}
    </form>
  )
}

function RevokeWorker({ worker, onRevoked }: { worker: GpuWorker; onRevoked: (id: string) => void }) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)

  async function revoke() {
    setBusy(true)
    setFailure(null)
    const outcome = await revokeGpuWorker(worker.id)
    setBusy(false)
    setConfirming(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    onRevoked(worker.id)
  }

  return (
    <div className="space-y-2 text-left">
      <button
        type="button"
        aria-label={`Revoke ${worker.id}`}
        disabled={busy}
        className={dangerChipButton}
        onClick={() => {
          setConfirming(true)
        }}
      >
        Revoke
      </button>
      {confirming && (
        <Confirm
          title={`Revoke ${worker.id}?`}
          confirmLabel="Revoke"
          busy={busy}
          onConfirm={() => void revoke()}
          onCancel={() => {
            setConfirming(false)
          }}
        >
          Its token stops working at once.
          {worker.current_job !== undefined && ` Job #${worker.current_job}, which it runs, goes back to the queue.`}
        </Confirm>
      )}
      {failure && <FailureAlert failure={failure} lead={`Could not revoke ${worker.id}`} />}
    </div>
  )
}

interface GpuWorkersPanelProps {
  workers: GpuWorker[]
  onChange: (workers: GpuWorker[]) => void
}

export function GpuWorkersPanel({ workers, onChange }: GpuWorkersPanelProps) {
  const [created, setCreated] = useState<GpuWorkerCreated | null>(null)
  return (
    <Panel title="Workers" description="Each GPU box runs gx10-worker with its own token.">
      <div className="space-y-6">
        <WorkersList
          workers={workers}
          action={(worker) => (
            <RevokeWorker
              worker={worker}
              onRevoked={(id) => {
                onChange(workers.filter((other) => other.id !== id))
              }}
            />
          )}
        />
        <AddWorkerForm
          onAdded={(next) => {
            setCreated(next)
            onChange([...workers, next.worker])
          }}
        />
      </div>
      {created && (
        <NewWorkerDialog
          created={created}
          onClose={() => {
            setCreated(null)
          }}
        />
      )}
    </Panel>
  )
}
