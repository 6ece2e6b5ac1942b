// Catch-all screen for client routes that do not exist.
import { useId } from 'react'
import { Link, useLocation } from 'react-router'
import { BrandMark } from '../../layout/BrandMark'

export function NotFoundPage() {
  const { pathname } = useLocation()
  const titleId = useId()
  return (
    <section
      aria-labelledby={titleId}
      className="glass mx-auto mt-6 flex max-w-[440px] flex-col items-center px-8 py-10 text-center"
    >
      <BrandMark size="lg" />
      <p className="eyebrow mt-7">Error 404</p>
      <h1 id={titleId} className="mt-3 text-[40px] leading-[1.05]">
        Page not found
      </h1>
      <p className="mt-4 text-ink-2">
        Nothing lives at{' '}
        <code className="rounded-md bg-ink/[0.05] px-1.5 py-0.5 font-mono text-[12px] text-ink break-all">
          {pathname}
        </code>
        . It may have drifted off, or the link has a typo.
      </p>
      <Link
        to="/"
        className="mt-7 inline-flex h-11 items-center rounded-control bg-ink px-5 text-sm font-medium text-white shadow-primary transition hover:-translate-y-px"
      >
        Back to home
      </Link>
    </section>
  )
}
