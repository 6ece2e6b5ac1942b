// The size (tier) and operating system choices of the Provision form, as cards. What the
// catalog offers but cannot be had is shown disabled with the reason: a tier that needs an
// admin's approval, a system with no template on the cluster yet.
import { type ReactNode, type Ref, useId } from 'react'
import type { CatalogOs, CatalogTier } from '../../api/types'
import { label as labelClass } from '../../ui/styles'
import { formatMemory, tierName } from '../machine/vmState'
import { RadioCard } from './RadioCard'

interface GroupProps {
  legend: string
  hint?: ReactNode
  error?: string | undefined
  children: ReactNode
}

/** A labelled radio group whose error is announced and describes the group. */
export function ChoiceGroup({ legend, hint, error, children }: GroupProps) {
  const hintId = useId()
  const errorId = useId()
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ')
  return (
    <fieldset aria-describedby={describedBy || undefined}>
      <legend className={labelClass}>{legend}</legend>
      <div className="mt-1.5">{children}</div>
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
    </fieldset>
  )
}

/** "1 vCPU · 1 GiB RAM · 15 GiB". */
export function tierSpecs(tier: CatalogTier): string {
  return `${tier.vcpus} vCPU · ${formatMemory(tier.memory_mib)} RAM · ${tier.disk_gib} GiB`
}

interface PickerProps<T> {
  options: T[]
  value: string
  onChange: (value: string) => void
  error?: string | undefined
  /** Registers the chosen card's radio so an error can focus it. */
  register: Ref<HTMLInputElement>
}

export function TierPicker({ options, value, onChange, error, register }: PickerProps<CatalogTier>) {
  const anyApproval = options.some((tier) => tier.needs_approval)
  return (
    <ChoiceGroup
      legend="Size"
      error={error}
      hint={anyApproval ? 'Bigger sizes need an admin’s approval; requesting one is coming soon.' : undefined}
    >
      <div className="grid gap-2.5 sm:grid-cols-2">
        {options.map((tier) => (
          <RadioCard
            key={tier.name}
            ref={tier.name === value ? register : undefined}
            name="tier"
            value={tier.name}
            checked={tier.name === value}
            disabled={tier.needs_approval}
            onSelect={onChange}
            title={<span className="font-serif text-[17px]">{tierName(tier.name)}</span>}
            description={
              <>
                <span className="font-mono text-[11px]">{tierSpecs(tier)}</span>
                {tier.needs_approval && <span className="mt-0.5 block">Needs an admin’s approval (coming soon)</span>}
              </>
            }
          />
        ))}
      </div>
    </ChoiceGroup>
  )
}

export function OsPicker({ options, value, onChange, error, register }: PickerProps<CatalogOs>) {
  const none = options.every((os) => !os.available)
  return (
    <ChoiceGroup
      legend="Operating system"
      error={error}
      hint={none ? 'No system has a template on the cluster yet: an admin needs to install the templates first.' : undefined}
    >
      <div className="grid gap-2.5 sm:grid-cols-2">
        {options.map((os) => (
          <RadioCard
            key={os.key}
            ref={os.key === value ? register : undefined}
            name="os_template"
            value={os.key}
            checked={os.key === value}
            disabled={!os.available}
            onSelect={onChange}
            title={os.label}
            description={
              os.available ? (
                <>
                  Log in as <span className="font-mono text-[11px]">{os.username}</span>
                </>
              ) : (
                'No template on the cluster yet'
              )
            }
          />
        ))}
      </div>
    </ChoiceGroup>
  )
}
