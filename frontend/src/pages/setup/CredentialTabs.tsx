// How Nimbus gets a Proxmox API token: paste one made in Proxmox, or let Nimbus make a dedicated
// user, a least-privilege role and a token with the root password (used once, never stored).
import type { ReactNode } from 'react'
import { Field } from '../../ui/Field'
import type { FieldBinding } from '../../cluster/NetworkFields'

export type CredentialTab = 'paste' | 'root'
export type CredentialField = 'token_id' | 'token_secret' | 'root_user' | 'root_password'

interface CredentialTabsProps {
  tab: CredentialTab
  onTab: (tab: CredentialTab) => void
  bind: (name: CredentialField) => FieldBinding
  /** Said above the paste tab (why the root password could not be used). */
  notice?: ReactNode
}

const TABS: { key: CredentialTab; label: string }[] = [
  { key: 'paste', label: 'Paste an API token' },
  { key: 'root', label: 'Create one with the root password' },
]

export function CredentialTabs({ tab, onTab, bind, notice }: CredentialTabsProps) {
  return (
    <div className="space-y-4">
      <div role="tablist" aria-label="Proxmox credentials" className="inline-flex flex-wrap gap-1 rounded-xl border border-line bg-white/50 p-1">
        {TABS.map((item) => (
          <button
            key={item.key}
            type="button"
            role="tab"
            id={`credentials-${item.key}`}
            aria-selected={tab === item.key}
            aria-controls="credentials-panel"
            onClick={() => {
              onTab(item.key)
            }}
            className={`rounded-lg px-3 py-1.5 text-[13px] font-medium transition-colors ${
              tab === item.key ? 'bg-white text-ink shadow-[0_0_0_1px_var(--color-line-2)]' : 'text-ink-3 hover:text-ink'
            }`}
          >
            {item.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="credentials-panel" aria-labelledby={`credentials-${tab}`} className="space-y-4">
        {tab === 'paste' ? (
          <>
            {notice}
            <Field
              {...bind('token_id')}
              label="Token ID"
              name="token-id"
              placeholder="nimbus@pve!nimbus"
              autoComplete="off"
              spellCheck={false}
              mono
              hint="In Proxmox: Datacenter → Permissions → API Tokens → Add. The ID is user@realm!name."
            />
            <Field
              {...bind('token_secret')}
              label="Token secret"
              name="token-secret"
              type="password"
              autoComplete="off"
              spellCheck={false}
              mono
              hint="Shown once by Proxmox when the token is made. A privilege-separated token needs its own permissions: the check below says which are missing."
            />
          </>
        ) : (
          <>
            <p className="rounded-xl border border-line bg-white/60 px-4 py-3 text-[13px] text-ink-2">
              Nimbus signs in as root once to create a dedicated user, a role with only the privileges it needs, and a
              token for that user. The password is used once and never stored.
            </p>
            <Field {...bind('root_user')} label="Root user" name="root-user" autoComplete="off" spellCheck={false} mono />
            <Field
              {...bind('root_password')}
              label="Root password"
              name="root-password"
              type="password"
              autoComplete="off"
              hint="A root account with two-factor sign-in cannot be used here: paste a token instead."
            />
          </>
        )}
      </div>
    </div>
  )
}
