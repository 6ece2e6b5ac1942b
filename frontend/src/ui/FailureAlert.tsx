// An API failure shown where it happened: the server's sentence, its code and request
// id for a bug report. Takes focus when it appears so keyboard and screen-reader users
// land on it instead of on a button that was just disabled.
import { type ReactNode, useEffect, useRef } from 'react'
import { type ApiFailure, describeFailure } from '../api/failure'

interface FailureAlertProps {
  failure: ApiFailure
  /** Bold words before the message, e.g. "Could not sign in". */
  lead?: string
  /** Move focus here when the failure appears (default true). */
  focus?: boolean
  children?: ReactNode
}

export function FailureAlert({ failure, lead, focus = true, children }: FailureAlertProps) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (focus) ref.current?.focus()
  }, [failure, focus])
  const heading = lead ?? (failure.kind === 'unreachable' ? 'Nimbus did not answer' : null)
  const details = [failure.code, failure.requestId && `request ${failure.requestId}`].filter(Boolean)
  return (
    <div
      ref={ref}
      role="alert"
      tabIndex={-1}
      className="rounded-xl border border-bad/20 bg-bad/[0.06] px-4 py-3 text-[13px] text-ink-2 outline-none focus-visible:ring-2 focus-visible:ring-bad/30"
    >
      <p>
        {heading && <span className="font-medium text-bad">{heading}: </span>}
        {describeFailure(failure)}
      </p>
      {details.length > 0 && (
        <p className="mt-1 font-mono text-[11px] text-ink-3">{details.join(' · ')}</p>
      )}
      {children}
    </div>
  )
}
