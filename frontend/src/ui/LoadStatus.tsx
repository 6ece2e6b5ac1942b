// What a page shows while something it reads is on its way or could not be read: "Loading …",
// or the failure with a Retry button. Nothing once it has arrived: the page draws that itself.
// Reads `useLoad`'s state (or anything shaped like it), so every page says it the same way.
import type { ReactNode } from 'react'
import type { ApiFailure } from '../api/failure'
import { FailureAlert } from './FailureAlert'
import { Loading } from './Panel'
import { primaryButton } from './styles'

/** The part of a load's state this needs; `LoadState<T>` is one. */
export type LoadPhase = { phase: 'loading' } | { phase: 'failed'; failure: ApiFailure } | { phase: 'ok' }

interface LoadStatusProps {
  state: LoadPhase
  /** What is loading, as in "Loading your keys…". */
  what: string
  /** The failure's bold words; "Could not load <what>" when absent. */
  failedLead?: string
  onRetry: () => void
  /** Loading in a frosted card of its own, for a page whose content is not drawn in a card yet. */
  card?: boolean
  /** What a failure means for this page, between the failure and Retry. */
  children?: ReactNode
}

export function LoadStatus({ state, what, failedLead, onRetry, card = false, children }: LoadStatusProps) {
  if (state.phase === 'loading') {
    return card ? (
      <div className="glass px-6 py-4">
        <Loading what={what} />
      </div>
    ) : (
      <Loading what={what} />
    )
  }
  if (state.phase === 'failed') {
    return (
      <LoadFailed failure={state.failure} lead={failedLead ?? `Could not load ${what}`} onRetry={onRetry}>
        {children}
      </LoadFailed>
    )
  }
  return null
}

interface LoadFailedProps {
  failure: ApiFailure
  /** Bold words before the message; FailureAlert's own when absent. */
  lead?: string | undefined
  onRetry: () => void
  /** A retry is under way: the button says so and ignores presses, but keeps its focus. */
  retrying?: boolean
  /** Move focus to the failure when it appears (a load's failure does not: nobody asked for it). */
  focus?: boolean
  children?: ReactNode
}

/** A failed read and the Retry button that reads again. */
export function LoadFailed({ failure, lead, onRetry, retrying = false, focus = false, children }: LoadFailedProps) {
  return (
    <FailureAlert failure={failure} lead={lead} focus={focus}>
      {children}
      <button
        type="button"
        // aria-disabled, not disabled: a disabled button drops the keyboard focus it has.
        aria-disabled={retrying || undefined}
        onClick={() => {
          if (!retrying) onRetry()
        }}
        className={`${primaryButton} mt-3 h-9 px-4 text-[13px] aria-disabled:cursor-progress aria-disabled:opacity-70 aria-disabled:hover:translate-y-0`}
      >
        {retrying ? 'Retrying…' : 'Retry'}
      </button>
    </FailureAlert>
  )
}
