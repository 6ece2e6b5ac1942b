// A worker just registered: its token and the lines for its environment file, shown this once
// (Nimbus keeps only a hash of the token), each with a Copy button.
import { useRef } from 'react'
import type { GpuWorkerCreated } from '../../api/types'
import { CopyButton } from '../../ui/CopyButton'
import { Dialog } from '../../ui/Dialog'
import { ghostButton, input } from '../../ui/styles'

export function NewWorkerDialog({ created, onClose }: { created: GpuWorkerCreated; onClose: () => void }) {
  const tokenRef = useRef<HTMLInputElement>(null)
  const envRef = useRef<HTMLPreElement>(null)
  return (
    <Dialog title={`Worker ${created.worker.id} added`} onClose={onClose} initialFocus={tokenRef}>
      <p className="text-[13px] font-medium text-ink-2">
        This token is shown only now: copy it to the GPU box. Nimbus keeps only a hash of it.
      </p>
      <label htmlFor="gpu-worker-token" className="eyebrow mt-4 block">
        Token
      </label>
      <div className="mt-1.5 flex flex-wrap gap-2 sm:flex-nowrap">
        <input
          ref={tokenRef}
          id="gpu-worker-token"
          readOnly
          value={created.token}
          spellCheck={false}
          onFocus={(event) => {
            event.currentTarget.select()
          }}
          className={`${input} font-mono text-[12.5px] read-only:bg-white/90 read-only:text-ink`}
        />
        <CopyButton text={created.token} shown={tokenRef} label="Copy the worker token" />
      </div>
      <p className="eyebrow mt-4">Environment file</p>
      <p className="mt-1 text-[13px] text-ink-3">Put these lines in the worker's environment file, then start it.</p>
      <div className="mt-1.5 flex items-start gap-2">
        <pre
          ref={envRef}
          aria-label="Environment lines"
          className="min-w-0 flex-1 rounded-lg bg-ink px-3.5 py-3 font-mono text-[12px] leading-relaxed break-all whitespace-pre-wrap text-white/90"
        >
          <code>{created.env}</code>
        </pre>
        <CopyButton text={created.env} shown={envRef} label="Copy the environment lines" />
      </div>
      <button type="button" onClick={onClose} className={`${ghostButton} mt-4 h-9 px-4 text-[13px]`}>
        Done
      </button>
    </Dialog>
  )
}
