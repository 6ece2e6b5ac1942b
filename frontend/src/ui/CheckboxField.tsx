// A checkbox with its label and a line saying what ticking it means, in the portal's card style
// (the same frame as the token scope choices). The whole card toggles it; the checkbox is named
// by its label alone and described by the line below.
import { type ReactNode, useId } from 'react'

interface CheckboxFieldProps {
  label: string
  description?: ReactNode
  checked: boolean
  onChange: (checked: boolean) => void
  name?: string
}

export function CheckboxField({ label, description, checked, onChange, name }: CheckboxFieldProps) {
  const labelId = useId()
  const descriptionId = useId()
  return (
    <label className="flex cursor-pointer items-start gap-3 rounded-control border border-line-2 bg-white/85 px-3.5 py-3 transition-colors hover:border-line-strong has-checked:border-ink/60 has-focus-visible:outline-2 has-focus-visible:outline-ink">
      <input
        type="checkbox"
        name={name}
        checked={checked}
        aria-labelledby={labelId}
        aria-describedby={description ? descriptionId : undefined}
        onChange={(event) => {
          onChange(event.target.checked)
        }}
        className="mt-1 accent-ink focus-visible:outline-none"
      />
      <span>
        <span id={labelId} className="block text-[13.5px] font-medium text-ink">
          {label}
        </span>
        {description && (
          <span id={descriptionId} className="block text-[12.5px] text-ink-3">
            {description}
          </span>
        )}
      </span>
    </label>
  )
}
