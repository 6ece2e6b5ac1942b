// /provision: ask for a new machine. Loads what can be asked for (the catalog: sizes, systems,
// whether public tunnels exist) and the person's saved keys, then shows the form.
import { settle } from '../../api/call'
import { api } from '../../api/client'
import type { Outcome } from '../../api/call'
import type { Catalog, SshKey } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { loadCatalog } from '../../api/vms'
import { FailureAlert } from '../../ui/FailureAlert'
import { Loading } from '../../ui/Panel'
import { primaryButton } from '../../ui/styles'
import { ProvisionForm, ProvisionHeader } from './ProvisionForm'

async function loadChoices(signal: AbortSignal): Promise<Outcome<{ catalog: Catalog; keys: SshKey[] }>> {
  const [catalog, keys] = await Promise.all([loadCatalog(signal), settle(api.GET('/keys', { signal }))])
  if (!catalog.ok) return catalog
  if (!keys.ok) return keys
  return { ok: true, data: { catalog: catalog.data, keys: keys.data } }
}

export function ProvisionPage() {
  const { state, reload } = useLoad(loadChoices)
  // The form draws the header itself: it gives way to the timeline of a one-time-key machine.
  if (state.phase === 'ok') return <ProvisionForm catalog={state.data.catalog} keys={state.data.keys} />
  return (
    <div className="space-y-8">
      <ProvisionHeader />
      {state.phase === 'loading' && (
        <div className="glass p-6">
          <Loading what="the sizes and systems on offer" />
        </div>
      )}
      {state.phase === 'failed' && (
        <FailureAlert failure={state.failure} lead="Could not load the form" focus={false}>
          <button type="button" onClick={reload} className={`${primaryButton} mt-3 h-9 px-4 text-[13px]`}>
            Retry
          </button>
        </FailureAlert>
      )}
    </div>
  )
}
