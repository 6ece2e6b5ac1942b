// A labelled text input with an optional hint and error, wired for screen readers:
// the error is announced (role="alert"), marks the input invalid and describes it.
import type { InputHTMLAttributes, ReactNode, Ref } from 'react'
import { FieldNotes, useFieldNotes } from './FieldNotes'
import { input, label as labelClass } from './styles'

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'> {
  label: string
  hint?: ReactNode
  error?: string | null | undefined
  ref?: Ref<HTMLInputElement>
  /** Drawn after the input, inside the same row (e.g. a "Show" toggle). */
  addon?: ReactNode
  /** Set the value in the mono face (tokens, secrets). */
  mono?: boolean
  /** Classes for the wrapper (its width in a row of filters). */
  className?: string
}

export function Field({ label, hint, error, ref, addon, mono = false, className, ...inputProps }: FieldProps) {
  const { id, notes, describedBy, invalid } = useFieldNotes(hint, error)
  return (
    <div className={className}>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <div className="mt-1.5 flex items-center gap-2">
        <input
          ref={ref}
          id={id}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          className={mono ? `${input} font-mono text-[13px]` : input}
          {...inputProps}
        />
        {addon}
      </div>
      <FieldNotes {...notes} />
    </div>
  )
}
