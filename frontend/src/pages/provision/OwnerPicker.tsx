// "Provision for" on the Provision form, for admins: themselves (the default) or any active
// account. A machine made for someone else is theirs, counts toward their quota and needs no
// approval; the hint says so.
import type { User } from '../../api/types'
import { SelectField } from '../../ui/SelectField'

interface OwnerPickerProps {
  me: { id: string; name: string }
  accounts: User[]
  value: string
  onChange: (id: string) => void
  error?: string | undefined
  register: (element: HTMLSelectElement | null) => void
}

export function OwnerPicker({ me, accounts, value, onChange, error, register }: OwnerPickerProps) {
  const others = accounts
    .filter((account) => account.id !== me.id && account.status === 'active')
    .sort((a, b) => a.name.localeCompare(b.name))
  const chosen = others.find((account) => account.id === value)
  return (
    <SelectField
      ref={register}
      label="Provision for"
      name="owner_id"
      value={chosen ? chosen.id : me.id}
      error={error}
      onChange={(event) => {
        onChange(event.target.value)
      }}
      hint={
        chosen
          ? `The machine is ${chosen.name}’s: it counts toward their quota, needs no approval, and they see it under My machines.`
          : 'Yourself, or anyone with an account: the machine is then theirs.'
      }
    >
      <option value={me.id}>Myself ({me.name})</option>
      {others.map((account) => (
        <option key={account.id} value={account.id}>
          {account.name} · {account.email}
        </option>
      ))}
    </SelectField>
  )
}
