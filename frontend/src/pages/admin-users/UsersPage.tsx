// Admin → Users: everyone with an account, and the switches an admin has over them:
// role (admin/member), status (active/disabled) and, for a member's address nobody has
// proven, releasing it. Each change is confirmed first; Nimbus refuses one that would
// leave no active admin (409 last_admin). An address a GitHub or Google sign-in showed
// to be someone else's carries a "conflict" badge. Below, the invitations (InvitationsPanel).
import { Fragment, useState } from 'react'
import { loadUsers, releaseEmail, updateUser } from '../../api/admin'
import type { ApiFailure } from '../../api/failure'
import type { Role, User, UserStatus } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { useAuth } from '../../auth/AuthProvider'
import { Confirm } from '../../ui/Confirm'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { badge, chipButton, dangerChipButton } from '../../ui/styles'
import { Time } from '../../ui/Time'
import { InvitationsPanel } from './InvitationsPanel'

type Change = { role: Role } | { status: UserStatus } | { release: 'email' }

interface Pending {
  user: User
  change: Change
}

/** A member's address that nobody proved and that is not already a released placeholder. */
function releasable(user: User): boolean {
  return user.role === 'member' && !user.email_verified && !user.email.endsWith('.invalid')
}

/** What the confirmation says for a change, and whether it takes something away. */
function describe({ user, change }: Pending, isSelf: boolean) {
  const who = isSelf ? 'yourself' : user.name
  if ('release' in change) {
    return {
      title: `Release ${user.email} from ${user.name}?`,
      body: 'The account gets a placeholder address and is signed out everywhere: it can no longer sign in with this address and its password. Whoever proves the address with GitHub or Google then gets their own account. The account keeps its machines and API tokens; disable it too if it should not be used.',
      confirm: 'Release email',
      tone: 'danger' as const,
    }
  }
  if ('role' in change) {
    return change.role === 'admin'
      ? {
          title: `Make ${who} an admin?`,
          body: 'Admins manage every user and every machine on this Nimbus.',
          confirm: 'Make admin',
          tone: 'default' as const,
        }
      : {
          title: `Make ${who} a member?`,
          body: isSelf
            ? 'You lose access to the admin pages, this one included.'
            : 'They lose access to the admin pages and keep only their own machines.',
          confirm: 'Make member',
          tone: 'danger' as const,
        }
  }
  return change.status === 'disabled'
    ? {
        title: `Disable ${who}?`,
        body: isSelf
          ? 'You are signed out at once and cannot sign in again until another admin enables you.'
          : 'They are signed out at once, and neither they nor their API tokens get in until you enable them again.',
        confirm: 'Disable',
        tone: 'danger' as const,
      }
    : {
        title: `Enable ${who}?`,
        body: 'They can sign in again, with the role they had.',
        confirm: 'Enable',
        tone: 'default' as const,
      }
}

function UserRow({
  user,
  isSelf,
  onChange,
}: {
  user: User
  isSelf: boolean
  onChange: (change: Change) => void
}) {
  const disabled = user.status === 'disabled'
  return (
    <tr className="border-b border-line last:border-b-0">
      <th scope="row" className="py-3 pr-4 text-left font-medium text-ink">
        <span className="flex flex-wrap items-center gap-2">
          {user.name}
          {isSelf && <span className={badge('good')}>you</span>}
        </span>
      </th>
      <td className="py-3 pr-4 font-mono text-[12px] text-ink-2">
        <span className="flex flex-wrap items-center gap-2">
          {user.email}
          {user.email_conflict && (
            <span
              className={badge('bad')}
              title="A GitHub or Google sign-in proved this address is someone's, and this account only typed it at sign-up. If its owner cannot link that sign-in, release the address."
            >
              conflict
            </span>
          )}
        </span>
      </td>
      <td className="py-3 pr-4">
        <span className={badge(user.role === 'admin' ? 'ink' : 'neutral')}>{user.role}</span>
      </td>
      <td className="py-3 pr-4">
        <span className={badge(disabled ? 'bad' : 'good')}>{user.status}</span>
      </td>
      <td className="py-3 pr-4 text-ink-2">
        <Time iso={user.created_at} style="date" />
      </td>
      <td className="py-3 pr-4 text-ink-2">
        {user.last_seen_at ? <Time iso={user.last_seen_at} /> : <span className="text-ink-3">never</span>}
      </td>
      <td className="py-3 text-right whitespace-nowrap">
        <span className="inline-flex gap-1.5">
          <button
            type="button"
            aria-label={`${user.role === 'admin' ? 'Make member' : 'Make admin'}: ${user.name}`}
            onClick={() => {
              onChange({ role: user.role === 'admin' ? 'member' : 'admin' })
            }}
            className={chipButton}
          >
            {user.role === 'admin' ? 'Make member' : 'Make admin'}
          </button>
          <button
            type="button"
            aria-label={`${disabled ? 'Enable' : 'Disable'}: ${user.name}`}
            onClick={() => {
              onChange({ status: disabled ? 'active' : 'disabled' })
            }}
            className={disabled ? chipButton : dangerChipButton}
          >
            {disabled ? 'Enable' : 'Disable'}
          </button>
          {releasable(user) && (
            <button
              type="button"
              aria-label={`Release email: ${user.name}`}
              onClick={() => {
                onChange({ release: 'email' })
              }}
              className={user.email_conflict ? dangerChipButton : chipButton}
            >
              Release email
            </button>
          )}
        </span>
      </td>
    </tr>
  )
}

export function UsersPage() {
  const auth = useAuth()
  const { state, reload, update } = useLoad(loadUsers)
  const [pending, setPending] = useState<Pending | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<{ name: string; failure: ApiFailure } | null>(null)
  const myId = auth.user?.id

  async function apply({ user, change }: Pending) {
    setBusy(true)
    setFailure(null)
    const outcome = 'release' in change ? await releaseEmail(user.id) : await updateUser(user.id, change)
    setBusy(false)
    setPending(null)
    if (!outcome.ok) {
      setFailure({ name: user.name, failure: outcome.failure })
      return
    }
    update((users) => users.map((u) => (u.id === outcome.data.id ? outcome.data : u)))
    // Demoting yourself changes what this browser may show: re-read who we are.
    if (user.id === myId) await auth.refresh()
  }

  const count = state.phase === 'ok' ? state.data.length : null

  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · Users"
        title={
          <>
            Everyone on <em className="italic">board.</em>
          </>
        }
        lead="Every account on this Nimbus. Admins manage users and every machine; members see only their own."
      />
      <Panel
        title="Users"
        description={count === null ? undefined : `${count} ${count === 1 ? 'account' : 'accounts'}, oldest first.`}
      >
        {failure && (
          <div className="mb-4">
            <FailureAlert failure={failure.failure} lead={`Could not change ${failure.name}`} />
          </div>
        )}
        <LoadStatus state={state} what="users" failedLead="Could not load the users" onRetry={reload} />
        {state.phase === 'ok' && (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[820px] text-[13px]">
              <caption className="sr-only">Users</caption>
              <thead>
                <tr className="border-b border-line text-left">
                  {['Name', 'Email', 'Role', 'Status', 'Created', 'Last seen'].map((heading) => (
                    <th key={heading} scope="col" className="eyebrow pr-4 pb-2.5 font-medium">
                      {heading}
                    </th>
                  ))}
                  <th scope="col" className="pb-2.5">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.data.map((user) => {
                  const isSelf = user.id === myId
                  const text = pending?.user.id === user.id ? describe(pending, isSelf) : null
                  return (
                    <Fragment key={user.id}>
                      <UserRow
                        user={user}
                        isSelf={isSelf}
                        onChange={(change) => {
                          setFailure(null)
                          setPending({ user, change })
                        }}
                      />
                      {pending && text && (
                        <tr>
                          <td colSpan={7} className="pb-3">
                            <Confirm
                              title={text.title}
                              confirmLabel={text.confirm}
                              tone={text.tone}
                              busy={busy}
                              onConfirm={() => void apply(pending)}
                              onCancel={() => {
                                setPending(null)
                              }}
                            >
                              {text.body}
                            </Confirm>
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  )
                })}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      <InvitationsPanel />
    </div>
  )
}
