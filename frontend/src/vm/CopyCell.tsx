// A machine's credentials as the pages show them: a labelled value (hostname, address, the ssh
// command) with its own Copy button, and the ssh command itself.
import { useId, useRef } from 'react'
import { CopyButton } from '../ui/CopyButton'
import { chipButton } from '../ui/styles'

/** `ssh ubuntu@10.0.0.7`, or with `-i ~/.ssh/<key>` when the key file has a known name. */
export function sshCommand(username: string, ip: string, keyName?: string | null): string {
  return keyName ? `ssh -i ~/.ssh/${keyName} ${username}@${ip}` : `ssh ${username}@${ip}`
}

interface CopyCellProps {
  label: string
  value: string
  /** Names the Copy button: "Copy the IP address". */
  copyLabel: string
  wide?: boolean
}

/** A labelled value in mono with a Copy chip; the label names the value for screen readers. */
export function CopyCell({ label, value, copyLabel, wide = false }: CopyCellProps) {
  const labelId = useId()
  const shown = useRef<HTMLElement>(null)
  return (
    <div className={`min-w-0 rounded-xl border border-line-2 bg-white/70 px-4 py-3 ${wide ? 'sm:col-span-full' : ''}`}>
      <p id={labelId} className="eyebrow text-[10.5px]">
        {label}
      </p>
      <div className="mt-1 flex items-center justify-between gap-3">
        <code ref={shown} aria-labelledby={labelId} className="min-w-0 font-mono text-[13.5px] break-all text-ink">
          {value}
        </code>
        <div className="flex shrink-0 items-center gap-2">
          <CopyButton key={value} text={value} shown={shown} label={copyLabel} className={chipButton} />
        </div>
      </div>
    </div>
  )
}
