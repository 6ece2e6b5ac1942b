// A small modal dialog (role="dialog", aria-modal) over a dimmed page: focus moves into it (to
// `initialFocus`, else its first control), Tab stays inside, Escape closes it, and focus goes
// back to whatever opened it. For a question that needs an answer typed in (why a request is
// denied); a plain yes/no stays an in-page Confirm.
import { type ReactNode, type RefObject, useEffect, useId, useRef } from 'react'

interface DialogProps {
  title: string
  children: ReactNode
  onClose: () => void
  /** Closing is refused while something is being sent. */
  busy?: boolean
  initialFocus?: RefObject<HTMLElement | null>
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

export function Dialog({ title, children, onClose, busy = false, initialFocus }: DialogProps) {
  const titleId = useId()
  const ref = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const first = initialFocus?.current ?? ref.current?.querySelector<HTMLElement>(FOCUSABLE)
    first?.focus()
    return () => {
      if (opener?.isConnected) opener.focus()
    }
  }, [initialFocus])

  return (
    <div className="fixed inset-0 z-40 grid place-items-center bg-ink/25 p-4 backdrop-blur-[2px]">
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && !busy) {
            event.stopPropagation()
            onClose()
            return
          }
          if (event.key !== 'Tab') return
          const controls = Array.from(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])
          const first = controls[0]
          const last = controls.at(-1)
          if (event.shiftKey && document.activeElement === first) {
            event.preventDefault()
            last?.focus()
          } else if (!event.shiftKey && document.activeElement === last) {
            event.preventDefault()
            first?.focus()
          }
        }}
        className="glass w-full max-w-[460px] p-6"
      >
        <h2 id={titleId} className="text-xl font-semibold">
          {title}
        </h2>
        <div className="mt-3">{children}</div>
      </div>
    </div>
  )
}
