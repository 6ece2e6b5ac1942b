// A titled glass card: one section of a page (profile, sessions, tokens, …).
import { type ReactNode, useId } from 'react'

interface PanelProps {
  title: string
  description?: ReactNode
  /** Drawn at the right of the title row (a count, a button). */
  aside?: ReactNode
  children: ReactNode
  className?: string
}

export function Panel({ title, description, aside, children, className = '' }: PanelProps) {
  const titleId = useId()
  return (
    <section aria-labelledby={titleId} className={`glass p-6 sm:p-7 ${className}`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id={titleId} className="text-xl font-semibold">
            {title}
          </h2>
          {description && <p className="mt-1 text-[13px] text-ink-3">{description}</p>}
        </div>
        {aside}
      </div>
      <div className="mt-5">{children}</div>
    </section>
  )
}

/** A page's heading block: mono eyebrow, serif title, one line of copy. */
export function PageHeader({ eyebrow, title, lead }: { eyebrow: string; title: ReactNode; lead?: ReactNode }) {
  return (
    <header className="max-w-[680px]">
      <p className="eyebrow">{eyebrow}</p>
      <h1 className="mt-3 text-[40px] leading-[1.05] sm:text-[48px]">{title}</h1>
      {lead && <p className="mt-3 text-base leading-[1.55] text-ink-2">{lead}</p>}
    </header>
  )
}

/** "Loading sessions…" while a list is on its way. */
export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="flex items-center gap-2.5 py-3 text-[13px] text-ink-3">
      <span aria-hidden="true" className="size-2 rounded-full bg-ink-3 motion-safe:animate-breathe" />
      Loading {what}…
    </p>
  )
}
