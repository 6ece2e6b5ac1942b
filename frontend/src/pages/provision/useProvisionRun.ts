// Submitting the Provision form: POST /api/vms as a stream. A refusal before the VM exists goes
// back to the form (under its field). Once Nimbus accepts, the page normally moves to the VM's
// progress page, which follows it from there. A request that waits for an admin's approval moves
// to the machine's page instead, which says so. A generated key that is not kept is different: its
// private half exists only in this stream's last line, so the page stays and follows the stream.
//
// The same Idempotency-Key is sent again for the same request until Nimbus has answered it, so a
// second press after a dropped connection attaches to the VM the first one may have started.
import { useEffect, useRef, useState } from 'react'
import { useNavigate } from 'react-router'
import { type ApiFailure, failureFromException } from '../../api/failure'
import { newIdempotencyKey, startProvision } from '../../api/provisionStream'
import type { NewVm, VmResult } from '../../api/types'
import { saveTextFile } from '../../ui/files'
import type { StreamedStep } from '../../vm/steps'

export interface OneTimeRun {
  hostname: string
  /** Optional steps the request asked for (the public tunnel). */
  expect: string[]
  id: string | null
  steps: StreamedStep[]
  result: VmResult | null
  error: { code: string; message: string; step: string | null } | null
  /** The connection broke before the last line. */
  lost: ApiFailure | null
}

/** The file name a one-time private key is saved under. */
export function keyFileName(result: VmResult): string {
  return result.key_name ?? result.hostname
}

export function useProvisionRun(onRefused: (failure: ApiFailure) => void) {
  const navigate = useNavigate()
  const [busy, setBusy] = useState(false)
  const [run, setRun] = useState<OneTimeRun | null>(null)
  const idempotency = useRef<{ body: string; key: string } | null>(null)
  const hangUp = useRef<(() => void) | null>(null)

  // Leaving the page mid-stream hangs up; the machine is built either way.
  useEffect(
    () => () => {
      hangUp.current?.()
    },
    [],
  )

  function update(change: Partial<OneTimeRun> | ((run: OneTimeRun) => Partial<OneTimeRun>)) {
    setRun((current) => (current ? { ...current, ...(typeof change === 'function' ? change(current) : change) } : current))
  }

  /** `approval`: the chosen size needs an admin's approval, so Nimbus may answer that it waits. */
  async function submit(body: NewVm, { approval = false }: { approval?: boolean } = {}) {
    const text = JSON.stringify(body)
    if (idempotency.current?.body !== text) idempotency.current = { body: text, key: newIdempotencyKey() }
    const oneTime = body.generate_key === true && body.keep_private_key === false
    setBusy(true)
    const start = await startProvision(body, idempotency.current.key)
    if (!start.ok) {
      setBusy(false)
      // Nimbus answered: this request is settled, and a changed one is a new request anyway.
      if (start.failure.kind === 'refused') idempotency.current = null
      onRefused(start.failure)
      return
    }
    hangUp.current = start.stop
    const machinePage = (id: string) => `/machines/${encodeURIComponent(id)}`
    /** The VM's id once Nimbus accepted the request. */
    let accepted: string | null = null
    try {
      for await (const line of start.lines) {
        if (line.type === 'accepted') {
          accepted = line.id
          idempotency.current = null
          // A request that may wait for an admin: the next line says whether it does.
          if (approval) continue
          if (!oneTime) {
            start.stop()
            void navigate(`${machinePage(line.id)}/progress`, { replace: true })
            return
          }
          setRun({
            hostname: body.hostname,
            expect: body.public_tunnel ? ['expose_tunnel'] : [],
            id: line.id,
            steps: [],
            result: null,
            error: null,
            lost: null,
          })
        } else if (accepted === null) {
          // Nimbus promises `accepted` first; an error line before it is a refusal like any other.
          if (line.type === 'error') {
            onRefused({ kind: 'refused', message: line.message, code: line.code })
            return
          }
        } else if (line.type === 'pending_approval') {
          // Waiting for an admin: the machine's page says so and notices the decision.
          start.stop()
          void navigate(machinePage(accepted), { replace: true })
          return
        } else if (approval) {
          // It did not wait after all (the quota changed meanwhile): follow the build as usual.
          start.stop()
          void navigate(`${machinePage(accepted)}/progress`, { replace: true })
          return
        } else if (line.type === 'step') {
          update((current) => ({ steps: [...current.steps, { step: line.step, detail: line.detail ?? null }] }))
        } else if (line.type === 'result') {
          if (line.data.ssh_private_key) saveTextFile(keyFileName(line.data), line.data.ssh_private_key)
          update({ result: line.data })
          return
        } else {
          update({ error: { code: line.code, message: line.message, step: line.step ?? null } })
          return
        }
      }
      if (approval && accepted !== null) {
        void navigate(machinePage(accepted), { replace: true })
        return
      }
      throw new Error('the answer ended before the machine was ready')
    } catch (exception) {
      const failure = failureFromException(exception)
      // A request is kept whether or not this page heard the end: its page tells how it stands.
      if (approval && accepted !== null) void navigate(machinePage(accepted), { replace: true })
      else if (accepted !== null) update({ lost: failure })
      else onRefused(failure)
    } finally {
      hangUp.current = null
      setBusy(false)
    }
  }

  return {
    busy,
    run,
    submit,
    /** Back to the form (after a failed one-time run). */
    dismiss: () => {
      setRun(null)
    },
  }
}
