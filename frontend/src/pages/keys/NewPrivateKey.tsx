// The private half of a key Nimbus just generated, handed over: the browser has already been
// asked to save it (named after the key), and here it is on screen with Copy, a way to save it
// again, and how to use it. What the note says depends on the choice made: a kept key can be
// downloaded again from this page; one Nimbus did not keep exists only here and in that file.
import { useEffect, useId, useRef } from 'react'
import type { SshKey } from '../../api/types'
import { CopyButton } from '../../ui/CopyButton'
import { saveTextFile } from '../../ui/files'
import { ghostButton, primaryButton } from '../../ui/styles'

export interface Generated {
  key: SshKey
  privateKey: string
  kept: boolean
}

export function NewPrivateKey({ generated, onDone }: { generated: Generated; onDone: () => void }) {
  const { key, privateKey, kept } = generated
  const titleId = useId()
  const keyLabelId = useId()
  const titleRef = useRef<HTMLHeadingElement>(null)
  const shownRef = useRef<HTMLPreElement>(null)
  const path = `~/.ssh/${key.name}`

  // Bring the hand-over into view and announce it, so nobody scrolls past it.
  useEffect(() => {
    titleRef.current?.focus()
  }, [generated])

  return (
    <section
      aria-labelledby={titleId}
      className="rounded-xl border border-blob-2/50 bg-[linear-gradient(135deg,rgb(248_175_130/0.14),rgb(244_150_180/0.12),rgb(210_170_240/0.14))] p-5"
    >
      <h3 id={titleId} ref={titleRef} tabIndex={-1} className="text-[17px] font-semibold outline-none">
        Key “{key.name}” created
      </h3>
      <p className="mt-1 text-[13px] text-ink-2">
        Your browser is saving the private key as a file called <code className="font-mono text-[12px]">{key.name}</code>.
      </p>
      {kept ? (
        <p className="mt-3 rounded-lg border border-good/20 bg-good/[0.06] px-3.5 py-2.5 text-[13px] text-ink-2">
          <span className="font-medium text-good">A copy is in the Nimbus vault, encrypted.</span> You can download it
          again from this page.
        </p>
      ) : (
        <p className="mt-3 rounded-lg border border-warn/25 bg-warn/[0.07] px-3.5 py-2.5 text-[13px] text-ink-2">
          <span className="font-medium text-warn">Nimbus did not keep it: this is the only copy.</span> Save it before you
          leave this page; if it is lost, make a new key.
        </p>
      )}
      <p id={keyLabelId} className="eyebrow mt-4">
        Private key ({key.name}, Ed25519)
      </p>
      <pre
        ref={shownRef}
        aria-labelledby={keyLabelId}
        tabIndex={0}
        className="mt-1.5 max-h-72 overflow-auto rounded-lg bg-ink px-3.5 py-3 font-mono text-[12px] leading-relaxed text-white/90"
      >
        <code>{privateKey}</code>
      </pre>
      <div className="mt-2.5 flex flex-wrap items-center gap-2">
        <CopyButton text={privateKey} shown={shownRef} label="Copy the private key" />
        <button
          type="button"
          onClick={() => {
            saveTextFile(key.name, privateKey)
          }}
          className={`${ghostButton} h-9 px-4 text-[13px]`}
        >
          Save the file again
        </button>
      </div>
      <p className="mt-4 text-[13px] text-ink-2">
        Move it to <code className="font-mono text-[12px]">{path}</code>, readable only by you, and connect with it:
      </p>
      <pre className="mt-1.5 overflow-x-auto rounded-lg bg-ink px-3.5 py-3 font-mono text-[12px] leading-relaxed text-white/90">
        <code>
          {`mv ~/Downloads/${key.name} ${path} && chmod 600 ${path}\nssh -i ${path} user@host`}
        </code>
      </pre>
      <button type="button" onClick={onDone} className={`${primaryButton} mt-4 h-9 px-4 text-[13px]`}>
        {kept ? 'Done' : 'I have saved it'}
      </button>
    </section>
  )
}
