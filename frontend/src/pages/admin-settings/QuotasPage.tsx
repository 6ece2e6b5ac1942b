// Admin → Settings → Quotas: the limits every member gets unless they have their own (machines,
// vCPUs, memory, disk, and the size after which requests need approval), and each account's use
// against its limits, with its own limits to edit or reset.
import { loadQuotas, saveQuotaDefaults } from '../../api/admin'
import { useLoad } from '../../api/useLoad'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { MemberQuotas } from './MemberQuotas'
import { QuotaForm } from './QuotaForm'

export function QuotasPage() {
  const { state, reload, update } = useLoad(loadQuotas)
  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · Settings · Quotas"
        title={
          <>
            Room for <em className="italic">everyone.</em>
          </>
        }
        lead="How much each member may run at once, and which sizes need an admin’s approval. Admins are not limited."
      />
      <LoadStatus state={state} what="the quotas" onRetry={reload} card />
      {state.phase === 'ok' && (
        <>
          <Panel title="Defaults" description="What every member gets unless they have limits of their own.">
            <QuotaForm
              name="Default quota"
              initial={state.data.defaults}
              submitLabel="Save defaults"
              save={saveQuotaDefaults}
              // Members on the defaults now have new limits and room: read them again.
              onSaved={reload}
            />
          </Panel>
          <Panel
            title="Members"
            description={`${state.data.members.length} ${state.data.members.length === 1 ? 'account' : 'accounts'}: what their machines use against their limits.`}
          >
            <MemberQuotas
              members={state.data.members}
              defaults={state.data.defaults}
              onChanged={(member) => {
                update((data) => ({
                  ...data,
                  members: data.members.map((m) => (m.user_id === member.user_id ? member : m)),
                }))
              }}
            />
          </Panel>
        </>
      )}
    </div>
  )
}
