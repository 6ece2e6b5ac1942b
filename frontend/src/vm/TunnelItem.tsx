// One tunnel in a machine's list: its subdomain and link, the port it forwards to, Private and
// HTTPS in words, its status with words, and Remove behind a confirmation.
import { useState } from 'react'
import type { ApiFailure } from '../api/failure'
import { removeTunnel } from '../api/tunnels'
import type { Tunnel } from '../api/types'
import { Confirm } from '../ui/Confirm'
import { FailureAlert } from '../ui/FailureAlert'
import { badge, dangerChipButton } from '../ui/styles'
import { StatusBadge } from './StatusBadge'

interface TunnelItemProps {
  vmId: string
  tunnel: Tunnel
  onRemoved: (tunnel: Tunnel) => void
}

export function TunnelItem({ vmId, tunnel, onRemoved }: TunnelItemProps) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)

  async function remove() {
    setBusy(true)
    setFailure(null)
    const outcome = await removeTunnel(vmId, tunnel.id)
    setBusy(false)
    setConfirming(false)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    onRemoved(tunnel)
  }

  return (
    <li data-tunnel={tunnel.subdomain} className="space-y-2 border-b border-line py-3 last:border-b-0">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="font-mono text-[13px] text-ink">{tunnel.subdomain}</p>
          {tunnel.url && (
            <a
              href={tunnel.url}
              target="_blank"
              rel="noreferrer"
              className="font-mono text-[12.5px] break-all text-ink underline decoration-line-strong underline-offset-2"
            >
              {tunnel.url}
            </a>
          )}
          <p className="text-[12px] text-ink-3">port {tunnel.target_port}</p>
          {tunnel.error && <p className="text-[12.5px] text-bad">{tunnel.error}</p>}
        </div>
        <div className="flex flex-wrap items-center gap-1.5">
          {tunnel.private && <span className={badge('ink')}>Private</span>}
          <span className={badge(tunnel.tls ? 'good' : 'warn')}>{tunnel.tls ? 'HTTPS' : 'HTTP only'}</span>
          <StatusBadge status={tunnel.status} />
          <button
            type="button"
            aria-label={`Remove ${tunnel.subdomain}`}
            disabled={busy}
            onClick={() => {
              setConfirming(true)
            }}
            className={dangerChipButton}
          >
            Remove
          </button>
        </div>
      </div>
      {confirming && (
        <Confirm
          title={`Remove ${tunnel.subdomain}?`}
          confirmLabel="Remove"
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={() => {
            setConfirming(false)
          }}
        >
          {tunnel.url ?? tunnel.subdomain} stops answering. The machine itself is not touched.
        </Confirm>
      )}
      {failure && <FailureAlert failure={failure} lead={`Could not remove ${tunnel.subdomain}`} />}
    </li>
  )
}
