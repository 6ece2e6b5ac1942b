// A labelled multi-line input, wired like Field: hint and error describe it, an error marks
// it invalid and is announced.
import type { ReactNode, Ref, TextareaHTMLAttributes } from 'react'
import { FieldNotes, useFieldNotes } from './FieldNotes'
import { input, label as labelClass } from './styles'

interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'className'> {
  label: string
  hint?: ReactNode
  error?: string | null | undefined
  ref?: Ref<HTMLTextAreaElement>
}

export function TextAreaField({ label, hint, error, ref, ...textareaProps }: TextAreaFieldProps) {
  const { id, notes, describedBy, invalid } = useFieldNotes(hint, error)
  return (
    <div>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <textarea
        ref={ref}
        id={id}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        className={`${input} mt-1.5 h-auto min-h-[76px] resize-y py-2.5 font-mono text-[13px] leading-relaxed`}
        {...textareaProps}
      />
      <FieldNotes {...notes} />
    </div>
  )
}
