// An on/off switch (role="switch"): a setting that takes effect the moment it is flipped.
// Named by the visible label it points at, described by the line saying what "on" means.

interface SwitchProps {
  checked: boolean
  onChange: (checked: boolean) => void
  labelledBy: string
  describedBy?: string
  disabled?: boolean
}

export function Switch({ checked, onChange, labelledBy, describedBy, disabled = false }: SwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      disabled={disabled}
      onClick={() => {
        onChange(!checked)
      }}
      className={`relative inline-flex h-6 w-11 shrink-0 cursor-pointer items-center rounded-full border transition-colors disabled:cursor-progress disabled:opacity-60 ${
        checked ? 'border-ink bg-ink' : 'border-line-2 bg-ink/10 hover:bg-ink/15'
      }`}
    >
      <span
        aria-hidden="true"
        className={`inline-block size-[18px] rounded-full bg-white shadow-[0_1px_3px_rgb(20_18_28/0.3)] transition-transform ${
          checked ? 'translate-x-[22px]' : 'translate-x-[2px]'
        }`}
      />
    </button>
  )
}
