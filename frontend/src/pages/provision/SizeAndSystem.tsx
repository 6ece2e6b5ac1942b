// The size (tier) and operating system choices of the Provision form, as cards. What the
// catalog offers but cannot be had is shown disabled with the reason: a tier over the quota, a
// system with no template on the cluster yet (admins get a link to set the templates up; members
// are told an admin must). A tier that needs an admin's approval carries the
// mono APPROVAL tag.
import { type ReactNode, type Ref, useId } from 'react'
import { Link } from 'react-router'
import type { CatalogOs, CatalogTier } from '../../api/types'
import { useAuth } from '../../auth/AuthProvider'
import { label as labelClass } from '../../ui/styles'
import { formatMemory, tierName } from '../../vm/vmState'
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

/** How a size is on offer to whoever the machine is for. */
export interface TierOffer {
  /** It fits in the quota's room (or there is no quota). */
  fits: boolean
  /** It is built only once an admin approves the request. */
  approval: boolean
}

interface TierPickerProps extends PickerProps<CatalogTier> {
  offer: (tier: CatalogTier) => TierOffer
  /** "your" or "their" quota, in the words under a size that does not fit. */
  whose: 'your' | 'their'
  hint?: ReactNode
}

export function TierPicker({ options, value, onChange, error, register, offer, whose, hint }: TierPickerProps) {
  return (
    <ChoiceGroup legend="Size" error={error} hint={hint}>
      <div className="grid gap-2.5 sm:grid-cols-2">
        {options.map((tier) => {
          const { fits, approval } = offer(tier)
          return (
            <RadioCard
              key={tier.name}
              ref={tier.name === value ? register : undefined}
              name="tier"
              value={tier.name}
              checked={tier.name === value}
              disabled={!fits}
              onSelect={onChange}
              title={
                <span className="flex items-center justify-between gap-2">
                  <span className="font-serif text-[17px]">{tierName(tier.name)}</span>
                  {approval && (
                    <span
                      aria-hidden="true"
                      className="rounded-md border border-warn/25 bg-warn/[0.08] px-1.5 py-0.5 font-mono text-[9.5px] font-medium tracking-[0.14em] text-warn uppercase"
                    >
                      Approval
                    </span>
                  )}
                </span>
              }
              description={
                <>
                  <span className="font-mono text-[11px]">{tierSpecs(tier)}</span>
                  {!fits && <span className="mt-0.5 block font-medium text-bad">Over {whose} quota</span>}
                  {fits && approval && <span className="mt-0.5 block">Needs an admin’s approval</span>}
                </>
              }
            />
          )
        })}
      </div>
    </ChoiceGroup>
  )
}

/** What to do about systems without a template: admins set them up, members ask an admin. */
function MissingTemplates({ missing, none }: { missing: CatalogOs[]; none: boolean }) {
  const { user } = useAuth()
  const names = missing.map((os) => os.label).join(', ')
  const what = none ? 'No system has a template on the cluster yet' : `${names} ${missing.length === 1 ? 'has' : 'have'} no template yet`
  if (user?.role === 'admin') {
    return (
      <>
        {what}.{' '}
        <Link to="/admin/templates" className="font-medium text-ink underline underline-offset-2">
          Set up templates
        </Link>
      </>
    )
  }
  return <>{what}: an admin must set up the templates for {none ? 'them' : missing.length === 1 ? 'it' : 'them'} first.</>
}

export function OsPicker({ options, value, onChange, error, register }: PickerProps<CatalogOs>) {
  const missing = options.filter((os) => !os.available)
  const none = missing.length === options.length
  return (
    <ChoiceGroup
      legend="Operating system"
      error={error}
      hint={missing.length > 0 ? <MissingTemplates missing={missing} none={none} /> : undefined}
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
