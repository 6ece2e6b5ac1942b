// The VM network's fields, the same in the setup wizard and Admin → Settings → Cluster: the pool,
// gateway, prefix, reserved addresses and DNS. A field the process environment sets is read-only
// and says which variable sets it.
import type { ChangeEvent, ReactNode } from 'react'
import { Field } from '../ui/Field'
import type { NetworkField } from './networkDraft'

/** What `useFormErrors().bind` gives a field. */
export interface FieldBinding {
  ref: (element: HTMLInputElement | null) => void
  value: string
  error: string | undefined
  onChange: (event: ChangeEvent<HTMLInputElement>) => void
}

interface NetworkFieldsProps {
  bind: (name: NetworkField) => FieldBinding
  /** The variable that sets a field in Nimbus's environment, if one does. */
  lockedBy?: (name: NetworkField) => string | undefined
}

const LABELS: Record<NetworkField, { label: string; hint?: string; placeholder: string }> = {
  pool_start: { label: 'Pool start', placeholder: '10.0.0.100', hint: 'The first address Nimbus gives a machine.' },
  pool_end: { label: 'Pool end', placeholder: '10.0.0.199', hint: 'The last one; keep it clear of your DHCP range.' },
  gateway: { label: 'Gateway', placeholder: '10.0.0.1' },
  prefix: { label: 'Prefix length', placeholder: '24', hint: '24 for a 255.255.255.0 netmask.' },
  reserved: {
    label: 'Reserved addresses',
    placeholder: '10.0.0.120-10.0.0.129, 10.0.0.140',
    hint: 'Addresses inside the pool Nimbus never gives out: ranges and single addresses, comma separated.',
  },
  nameservers: { label: 'DNS servers', placeholder: '10.0.0.1, 1.1.1.1', hint: 'Comma separated.' },
  search_domain: { label: 'Search domain', placeholder: 'lab.example.com', hint: 'Optional.' },
}

/** "Set by PROXMOX_HOST in Nimbus's environment." */
export function lockedHint(variable: string): ReactNode {
  return (
    <>
      Set by <code className="font-mono text-[11.5px] text-ink-2">{variable}</code> in Nimbus’s environment.
    </>
  )
}

export function NetworkFields({ bind, lockedBy }: NetworkFieldsProps) {
  const field = (name: NetworkField, className?: string) => {
    const { label, hint, placeholder } = LABELS[name]
    const variable = lockedBy?.(name)
    return (
      <Field
        {...bind(name)}
        label={label}
        name={name}
        placeholder={placeholder}
        hint={variable ? lockedHint(variable) : hint}
        readOnly={variable !== undefined}
        inputMode={name === 'prefix' ? 'numeric' : undefined}
        spellCheck={false}
        autoComplete="off"
        mono
        className={className}
      />
    )
  }
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {field('pool_start')}
      {field('pool_end')}
      {field('gateway')}
      {field('prefix')}
      {field('reserved', 'sm:col-span-2')}
      {field('nameservers')}
      {field('search_domain')}
    </div>
  )
}
