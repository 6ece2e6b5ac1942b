// A machine's tunnels (its ports published as subdomains through Gopher), shown on its page once
// public SSH is connected: the list, how many of the member's quota are used, and the add form.
import { useCallback, useId, useState } from 'react'
import { loadTunnelsInfo, loadVmTunnels } from '../api/tunnels'
import type { Tunnel, Vm } from '../api/types'
import { useLoad } from '../api/useLoad'
import { LoadStatus } from '../ui/LoadStatus'
import { AddTunnelForm } from './AddTunnelForm'
import { TunnelItem } from './TunnelItem'

export function TunnelsPanel({ vm }: { vm: Vm }) {
  const titleId = useId()
  const load = useCallback((signal: AbortSignal) => loadVmTunnels(vm.id, signal), [vm.id])
  const tunnels = useLoad(load)
  const info = useLoad(loadTunnelsInfo)
  // A tunnel added starts the form over.
  const [added, setAdded] = useState(0)
  const known = info.state.phase === 'ok' ? info.state.data : null

  function count(change: number) {
    info.update((data) => ({ ...data, used: Math.max(0, data.used + change) }))
  }

  function onAdded(tunnel: Tunnel) {
    tunnels.update((list) => ({ items: [...list.items, tunnel] }))
    count(1)
    setAdded((n) => n + 1)
  }

  function onRemoved(tunnel: Tunnel) {
    tunnels.update((list) => ({ items: list.items.filter((t) => t.id !== tunnel.id) }))
    count(-1)
  }

  return (
    <section
      aria-labelledby={titleId}
      className="space-y-3 rounded-xl border border-line-2 bg-white/60 px-4 py-3 text-[13px] text-ink-2"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id={titleId} className="eyebrow text-[10.5px]">
          Tunnels
        </h2>
        {known && (
          <p className="font-mono text-[12px] text-ink-3">
            {known.used} of {known.quota} used
          </p>
        )}
      </div>
      <p>Publish a port of this machine at its own subdomain.</p>
      <LoadStatus state={tunnels.state} what="the tunnels" onRetry={tunnels.reload} />
      {tunnels.state.phase === 'ok' &&
        (tunnels.state.data.items.length === 0 ? (
          <p className="text-ink-3">No tunnels yet.</p>
        ) : (
          <ul aria-label={`Tunnels of ${vm.hostname}`}>
            {tunnels.state.data.items.map((tunnel) => (
              <TunnelItem key={tunnel.id} vmId={vm.id} tunnel={tunnel} onRemoved={onRemoved} />
            ))}
          </ul>
        ))}
      {known && !known.enabled ? (
        <p>Public tunnels are off on this Nimbus, so no new one can be added.</p>
      ) : (
        <AddTunnelForm key={added} vmId={vm.id} domain={known?.domain} onAdded={onAdded} />
      )}
    </section>
  )
}
