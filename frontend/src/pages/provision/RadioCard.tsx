// One choice of a radio group drawn as a card (a tier, an OS, a way to get an SSH key). The
// whole card picks it; a disabled card says why underneath. `dot`: show the radio circle (for
// choices that read as options) rather than only the card's outline (for sizes and systems).
import { type ReactNode, type Ref, useId } from 'react'

interface RadioCardProps {
  name: string
  value: string
  checked: boolean
  onSelect: (value: string) => void
  title: ReactNode
  description?: ReactNode
  disabled?: boolean
  dot?: boolean
  ref?: Ref<HTMLInputElement> | undefined
}

export function RadioCard({ name, value, checked, onSelect, title, description, disabled = false, dot = false, ref }: RadioCardProps) {
  const titleId = useId()
  const descriptionId = useId()
  return (
    <label
      className={`flex items-start gap-3 rounded-xl border bg-white/85 px-4 py-3 transition-colors has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-ink ${
        disabled
          ? 'cursor-not-allowed border-line bg-white/45'
          : checked
            ? 'cursor-pointer border-ink shadow-[0_0_0_1px_var(--color-ink)]'
            : 'cursor-pointer border-line-2 hover:border-line-strong'
      }`}
    >
      <input
        ref={ref}
        type="radio"
        name={name}
        value={value}
        checked={checked}
        disabled={disabled}
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        onChange={() => {
          onSelect(value)
        }}
        className={dot ? 'mt-1 accent-ink focus-visible:outline-none' : 'sr-only'}
      />
      <span className="min-w-0">
        <span id={titleId} className={`block text-[14px] font-medium ${disabled ? 'text-ink-3' : 'text-ink'}`}>
          {title}
        </span>
        {description && (
          <span id={descriptionId} className="mt-0.5 block text-[12px] leading-snug text-ink-3">
            {description}
          </span>
        )}
      </span>
    </label>
  )
}
