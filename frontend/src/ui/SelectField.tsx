// A labelled drop-down in the portal's input style (the chevron drawn over a plain <select>, so
// the browser's own keyboard handling and picker stay). An error is announced and describes it.
import type { ReactNode, Ref, SelectHTMLAttributes } from 'react'
import { FieldNotes, useFieldNotes } from './FieldNotes'
import { input, label as labelClass } from './styles'

interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'className'> {
  label: string
  hint?: ReactNode
  error?: string | null | undefined
  ref?: Ref<HTMLSelectElement>
  /** Set the options in the mono face (codes, addresses). */
  mono?: boolean
  /** Classes for the wrapper (its width in a row of filters). */
  className?: string
  children: ReactNode
}

export function SelectField({ label, hint, error, ref, mono = false, className = '', children, ...selectProps }: SelectFieldProps) {
  const { id, notes, describedBy, invalid } = useFieldNotes(hint, error)
  return (
    <div className={className}>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <div className="relative mt-1.5">
        <select
          ref={ref}
          id={id}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          className={`${input} appearance-none pr-9 ${mono ? 'font-mono text-[12.5px]' : ''}`}
          {...selectProps}
        >
          {children}
        </select>
        <svg
          aria-hidden="true"
          viewBox="0 0 12 12"
          className="pointer-events-none absolute top-1/2 right-3.5 size-3 -translate-y-1/2 text-ink-3"
        >
          <path d="M3 4.5 6 7.5 9 4.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
      </div>
      <FieldNotes {...notes} />
    </div>
  )
}
