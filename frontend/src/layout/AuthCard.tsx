// The frosted card the sign-in and sign-up screens are built on (the login mockup):
// small brand, mono eyebrow, serif headline, a line of copy, then the form.
import { type ReactNode, useId } from 'react'
import { BrandMark } from './BrandMark'

interface AuthCardProps {
  title: ReactNode
  lead: ReactNode
  children: ReactNode
  footer?: ReactNode
}

export function AuthCard({ title, lead, children, footer }: AuthCardProps) {
  const titleId = useId()
  return (
    <section aria-labelledby={titleId} className="glass px-7 pt-8 pb-7 sm:px-9">
      <div className="flex items-center justify-center gap-2">
        <BrandMark />
        <span className="font-serif text-[19px] font-medium tracking-[-0.02em] text-ink">Nimbus</span>
      </div>
      <p className="eyebrow mt-6 text-center">Self-service compute</p>
      <h1 id={titleId} className="mx-auto mt-3 max-w-[300px] text-center text-[40px] leading-[1.04]">
        {title}
      </h1>
      <p className="mx-auto mt-3 max-w-[340px] text-center text-[14.5px] leading-[1.55] text-ink-2">{lead}</p>
      <div className="mt-7">{children}</div>
      {footer && <div className="mt-6 border-t border-line pt-5 text-center text-[13px] text-ink-3">{footer}</div>}
    </section>
  )
}

/** Inline link style on the signed-out screens. */
export const authLink =
  'font-medium text-ink underline decoration-line-strong underline-offset-4 transition-colors hover:decoration-ink'
