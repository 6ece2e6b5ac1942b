// The hint and the error under a form control, and the ids that tie them to it: the hint
// describes the control; an error is announced (role="alert"), marks the control invalid and
// describes it too. Every field component (Field, TextAreaField, SelectField, CheckboxField)
// draws its notes with this, so they look and read the same everywhere.
import { type ReactNode, useId } from 'react'

interface Notes {
  hintId: string
  errorId: string
  hint?: ReactNode
  error?: string | null | undefined
}

/**
 * Ids for a control and its notes: `id` for the control (its <label htmlFor>), `notes` for
 * <FieldNotes>, and `describedBy` / `invalid` for the control's ARIA attributes.
 */
export function useFieldNotes(hint: ReactNode, error: string | null | undefined) {
  const id = useId()
  const notes: Notes = { hintId: `${id}-hint`, errorId: `${id}-error`, hint, error }
  const describedBy = [hint ? notes.hintId : null, error ? notes.errorId : null].filter(Boolean).join(' ')
  return { id, notes, describedBy: describedBy || undefined, invalid: error ? true : undefined }
}

export function FieldNotes({ hintId, errorId, hint, error }: Notes) {
  return (
    <>
      {hint && (
        <div id={hintId} className="mt-1.5 text-[12.5px] leading-normal text-ink-3">
          {hint}
        </div>
      )}
      {error && (
        <p id={errorId} role="alert" className="mt-1.5 text-[12.5px] leading-normal font-medium text-bad">
          {error}
        </p>
      )}
    </>
  )
}
