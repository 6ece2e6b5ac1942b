// A "Copy" button for text shown next to it (the access code, a callback URL). Says
// "Copied" once done, or selects the shown text where the browser has no clipboard API
// (plain http), and tells screen readers which happened. Key it by the text so a new
// value starts over at "Copy".
import { type RefObject, useState } from 'react'
import { type CopyState, copyMessage, copyText } from './clipboard'
import { ghostButton } from './styles'

interface CopyButtonProps {
  text: string
  /** The element showing `text`, selected when copying is not possible. */
  shown?: RefObject<HTMLElement | null>
  /** Accessible name when "Copy" alone would be ambiguous, e.g. "Copy the GitHub callback URL". */
  label?: string
  className?: string
}

export function CopyButton({ text, shown, label, className = `${ghostButton} h-9 px-4 text-[13px]` }: CopyButtonProps) {
  const [state, setState] = useState<CopyState>('idle')
  return (
    <>
      <button
        type="button"
        aria-label={label}
        onClick={() => void copyText(text, shown?.current ?? null).then(setState)}
        className={`${className} shrink-0`}
      >
        {state === 'copied' ? 'Copied' : 'Copy'}
      </button>
      {/* "Copied" is on the button already; the selection hint is for everyone. */}
      <span role="status" className={state === 'select' ? 'text-[12.5px] text-ink-3' : 'sr-only'}>
        {copyMessage(state)}
      </span>
    </>
  )
}
