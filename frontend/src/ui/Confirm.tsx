// A small in-page confirmation (role="alertdialog") instead of window.confirm: it
// names what will happen, starts on Cancel (the safe choice), closes on Escape, and
// gives focus back to whatever opened it.
import { type ReactNode, useEffect, useId, useRef } from 'react'
import { dangerButton, ghostButton, primaryButton } from './styles'

interface ConfirmProps {
  title: string
  children?: ReactNode
  confirmLabel: string
  tone?: 'danger' | 'default'
  busy?: boolean
  onConfirm: () => void
  onCancel: () => void
}

export function Confirm({
  title,
  children,
  confirmLabel,
  tone = 'danger',
  busy = false,
  onConfirm,
  onCancel,
}: ConfirmProps) {
  const titleId = useId()
  const bodyId = useId()
  const cancelRef = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    cancelRef.current?.focus()
    return () => {
      if (opener?.isConnected) opener.focus()
    }
  }, [])

  return (
    <div
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={children ? bodyId : undefined}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) {
          event.stopPropagation()
          onCancel()
        }
      }}
      className="rounded-xl border border-line-2 bg-white/90 p-4 text-left shadow-[0_8px_28px_-14px_rgb(20_18_28/0.3)]"
    >
      <p id={titleId} className="text-[14px] font-medium text-ink">
        {title}
      </p>
      {children && (
        <div id={bodyId} className="mt-1 text-[13px] text-ink-2">
          {children}
        </div>
      )}
      <div className="mt-3.5 flex flex-wrap gap-2">
        <button
          ref={cancelRef}
          type="button"
          onClick={onCancel}
          disabled={busy}
          className={`${ghostButton} h-9 px-4 text-[13px]`}
        >
          Cancel
        </button>
        <button
          type="button"
          onClick={onConfirm}
          disabled={busy}
          className={`${tone === 'danger' ? dangerButton : primaryButton} h-9 px-4 text-[13px]`}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </div>
  )
}
