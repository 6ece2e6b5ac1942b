// The secret of a token just created, shown this once: Nimbus keeps only its hash.
// Copy uses the Clipboard API where the page is a secure context; on plain http over
// the LAN (no clipboard API) it selects the text so Ctrl+C finishes the job.
import { useEffect, useId, useRef, useState } from 'react'
import type { CreatedToken } from '../../api/types'
import { type CopyState, copyMessage, copyText } from '../../ui/clipboard'
import { ghostButton, input, primaryButton } from '../../ui/styles'

export function NewTokenSecret({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const titleId = useId()
  const secretId = useId()
  const fieldRef = useRef<HTMLInputElement>(null)
  const [copy, setCopy] = useState<CopyState>('idle')
  const example = `curl -H "Authorization: Bearer ${created.secret}" ${window.location.origin}/api/me`

  // Bring the secret into view and focus, so nobody scrolls past it.
  useEffect(() => {
    fieldRef.current?.focus()
    fieldRef.current?.select()
  }, [created])

  return (
    <section
      aria-labelledby={titleId}
      className="rounded-xl border border-blob-2/50 bg-[linear-gradient(135deg,rgb(248_175_130/0.14),rgb(244_150_180/0.12),rgb(210_170_240/0.14))] p-5"
    >
      <h3 id={titleId} className="text-[17px] font-semibold">
        Token “{created.token.name}” created
      </h3>
      <p className="mt-1 text-[13px] font-medium text-ink-2">
        Copy it now: Nimbus stores only a hash and cannot show it again.
      </p>
      <label htmlFor={secretId} className="eyebrow mt-4 block">
        Secret
      </label>
      <div className="mt-1.5 flex flex-wrap gap-2 sm:flex-nowrap">
        <input
          ref={fieldRef}
          id={secretId}
          readOnly
          value={created.secret}
          spellCheck={false}
          onFocus={(event) => {
            event.currentTarget.select()
          }}
          className={`${input} font-mono text-[13px] read-only:bg-white/90 read-only:text-ink`}
        />
        <button
          type="button"
          onClick={() => void copyText(created.secret, fieldRef.current).then(setCopy)}
          className={`${primaryButton} h-11 shrink-0`}
        >
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p role="status" className="mt-1.5 text-[12.5px] text-ink-3 empty:hidden">
        {copyMessage(copy)}
      </p>
      <p className="mt-4 text-[13px] text-ink-2">Try it:</p>
      <pre className="mt-1.5 overflow-x-auto rounded-lg bg-ink px-3.5 py-3 font-mono text-[12px] leading-relaxed text-white/90">
        <code>{example}</code>
      </pre>
      <button type="button" onClick={onDone} className={`${ghostButton} mt-4 h-9 px-4 text-[13px]`}>
        I have copied it
      </button>
    </section>
  )
}
