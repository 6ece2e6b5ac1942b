// A labelled text input with an optional hint and error, wired for screen readers:
// the error is announced (role="alert"), marks the input invalid and describes it.
import { type InputHTMLAttributes, type ReactNode, type Ref, useId } from 'react'
import { input, label as labelClass } from './styles'

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'> {
  label: string
  hint?: ReactNode
  error?: string | null
  ref?: Ref<HTMLInputElement>
  /** Drawn after the input, inside the same row (e.g. a "Show" toggle). */
  addon?: ReactNode
  /** Set the value in the mono face (tokens, secrets). */
  mono?: boolean
}

export function Field({ label, hint, error, ref, addon, mono = false, ...inputProps }: FieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ')
  return (
    <div>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <div className="mt-1.5 flex gap-2">
        <input
          ref={ref}
          id={id}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          className={mono ? `${input} font-mono text-[13px]` : input}
          {...inputProps}
        />
        {addon}
      </div>
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
    </div>
  )
}
