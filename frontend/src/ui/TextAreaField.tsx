// A labelled multi-line input, wired like Field: hint and error describe it, an error marks
// it invalid and is announced.
import { type Ref, type TextareaHTMLAttributes, type ReactNode, useId } from 'react'
import { input, label as labelClass } from './styles'

interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'className'> {
  label: string
  hint?: ReactNode
  error?: string | null
  ref?: Ref<HTMLTextAreaElement>
}

export function TextAreaField({ label, hint, error, ref, ...textareaProps }: TextAreaFieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ')
  return (
    <div>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <textarea
        ref={ref}
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        className={`${input} mt-1.5 h-auto min-h-[76px] resize-y py-2.5 font-mono text-[13px] leading-relaxed`}
        {...textareaProps}
      />
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
