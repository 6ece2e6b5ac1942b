// /provision: ask for a new machine. Loads what can be asked for (the catalog: sizes, systems,
// whether public tunnels exist), the person's saved keys, their quota and whether public SSH is on
// (and through which gateway), then shows the form.
// Admins also get the accounts they can provision for (`?for=<id>` picks one) and their quotas.
import { useSearchParams } from 'react-router'
import { loadQuotas, loadUsers } from '../../api/admin'
import type { Outcome } from '../../api/call'
import { loadKeys } from '../../api/keys'
import { loadTunnelsInfo } from '../../api/tunnels'
import { useLoad } from '../../api/useLoad'
import { loadCatalog, loadMyQuota } from '../../api/vms'
import { useAuth } from '../../auth/AuthProvider'
import { LoadStatus } from '../../ui/LoadStatus'
import { type ProvisionChoices, ProvisionForm, ProvisionHeader } from './ProvisionForm'

/**
 * The catalog and keys are needed; the quota only informs the form (Nimbus checks it anyway), and
 * whether tunnels are on decides the public SSH choice (the catalog says so too, when it is missing).
 */
async function loadMemberChoices(signal: AbortSignal): Promise<Outcome<ProvisionChoices>> {
  const [catalog, keys, quota, tunnels] = await Promise.all([
    loadCatalog(signal),
    loadKeys(signal),
    loadMyQuota(signal),
    loadTunnelsInfo(signal),
  ])
  if (!catalog.ok) return catalog
  if (!keys.ok) return keys
  return {
    ok: true,
    data: {
      catalog: catalog.data,
      keys: keys.data,
      quota: quota.ok ? quota.data : null,
      accounts: null,
      quotas: null,
      tunnels: tunnels.ok ? tunnels.data : null,
    },
  }
}

/** A member's choices, plus who else the machine can be for and how much room each has. */
async function loadAdminChoices(signal: AbortSignal): Promise<Outcome<ProvisionChoices>> {
  const [mine, users, quotas] = await Promise.all([loadMemberChoices(signal), loadUsers(signal), loadQuotas(signal)])
  if (!mine.ok) return mine
  const byUser = quotas.ok ? new Map(quotas.data.members.map((member) => [member.user_id, member.quota])) : null
  return { ok: true, data: { ...mine.data, accounts: users.ok ? users.data : null, quotas: byUser } }
}

export function ProvisionPage() {
  const { user } = useAuth()
  const [params] = useSearchParams()
  const { state, reload } = useLoad(user?.role === 'admin' ? loadAdminChoices : loadMemberChoices)
  // The form draws the header itself: it gives way to the timeline of a one-time-key machine.
  if (state.phase === 'ok' && user) {
    return <ProvisionForm choices={state.data} me={user} initialOwner={params.get('for') ?? ''} />
  }
  return (
    <div className="space-y-8">
      <ProvisionHeader />
      <LoadStatus
        state={state}
        what="the sizes and systems on offer"
        failedLead="Could not load the form"
        onRetry={reload}
        card
      />
    </div>
  )
}
