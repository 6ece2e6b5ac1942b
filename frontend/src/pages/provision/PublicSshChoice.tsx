// The Provision form's "Public access" choice: SSH from anywhere through Gopher. Offered when
// Nimbus says tunnels are on (naming the gateway the machine will be reached through); otherwise
// disabled, and an admin is pointed to where Gopher is set up.
import type { Ref } from 'react'
import { Link } from 'react-router'
import { CheckboxField } from '../../ui/CheckboxField'

interface PublicSshChoiceProps {
  /** Tunnels are on. */
  enabled: boolean
  /** The Gopher gateway's host, when Nimbus knows it. */
  host: string | undefined
  isAdmin: boolean
  checked: boolean
  onChange: (checked: boolean) => void
  error: string | undefined
  register: Ref<HTMLInputElement>
}

function Description({ enabled, host, isAdmin }: Pick<PublicSshChoiceProps, 'enabled' | 'host' | 'isAdmin'>) {
  if (enabled) {
    return (
      <>
        Opens a public tunnel to port 22{host ? <> through <span className="font-mono">{host}</span></> : null}, so you
        can reach the machine from outside this network.
      </>
    )
  }
  if (!isAdmin) return <>Public tunnels are not set up on this Nimbus.</>
  return (
    <>
      Public tunnels are off: connect Gopher in{' '}
      <Link to="/admin/settings/gopher" className="font-medium text-ink underline decoration-line-strong underline-offset-2">
        Admin → Settings → Gopher
      </Link>{' '}
      to offer them.
    </>
  )
}

export function PublicSshChoice({ enabled, host, isAdmin, checked, onChange, error, register }: PublicSshChoiceProps) {
  return (
    <div>
      <p className="text-[13px] font-medium text-ink">Public access</p>
      <div className="mt-1.5">
        <CheckboxField
          ref={register}
          label="Expose SSH publicly"
          checked={enabled && checked}
          disabled={!enabled}
          error={error}
          onChange={onChange}
          description={<Description enabled={enabled} host={host} isAdmin={isAdmin} />}
        />
      </div>
    </div>
  )
}
