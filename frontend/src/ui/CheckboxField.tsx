// A checkbox with its label and a line saying what ticking it means, in the portal's card style
// (the same frame as the token scope choices). The whole card toggles it; the checkbox is named
// by its label alone and described by the line below (and by an error under it, if any).
import { type ReactNode, type Ref, useId } from 'react'
import { FieldNotes, useFieldNotes } from './FieldNotes'

interface CheckboxFieldProps {
  label: string
  description?: ReactNode
  checked: boolean
  onChange: (checked: boolean) => void
  name?: string
  /** Greyed and not toggleable; the description should say why. */
  disabled?: boolean
  /** Shown under the card, announced, and describing the checkbox. */
  error?: string | null | undefined
  ref?: Ref<HTMLInputElement>
}

export function CheckboxField({ label, description, checked, onChange, name, disabled = false, error, ref }: CheckboxFieldProps) {
  const labelId = useId()
  // The description is the hint, drawn inside the card; only the error goes under it.
  const { notes, describedBy, invalid } = useFieldNotes(description, error)
  const card = (
    <label className="flex cursor-pointer items-start gap-3 rounded-control border border-line-2 bg-white/85 px-3.5 py-3 transition-colors hover:border-line-strong has-checked:border-ink/60 has-focus-visible:outline-2 has-focus-visible:outline-ink has-disabled:cursor-not-allowed has-disabled:bg-white/50 has-disabled:hover:border-line-2">
      <input
        ref={ref}
        type="checkbox"
        name={name}
        checked={checked}
        disabled={disabled}
        aria-labelledby={labelId}
        aria-describedby={describedBy}
        aria-invalid={invalid}
        onChange={(event) => {
          onChange(event.target.checked)
        }}
        className="mt-1 accent-ink focus-visible:outline-none"
      />
      <span>
        <span id={labelId} className={`block text-[13.5px] font-medium ${disabled ? 'text-ink-3' : 'text-ink'}`}>
          {label}
        </span>
        {description && (
          <span id={notes.hintId} className="block text-[12.5px] text-ink-3">
            {description}
          </span>
        )}
      </span>
    </label>
  )
  // Always the same wrapper, so the checkbox (and its focus) survives an error appearing.
  return (
    <div>
      {card}
      <FieldNotes errorId={notes.errorId} hintId={notes.hintId} error={error} />
    </div>
  )
}
