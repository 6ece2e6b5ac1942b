// Glass card on the home page answering "is Nimbus up, and which version is it?".
import { useId } from 'react'
import { useAuth } from '../../auth/AuthProvider'
import { LoadFailed } from '../../ui/LoadStatus'
import { type HealthState, useHealth } from './useHealth'

type Tone = 'good' | 'warn' | 'bad' | 'idle'

const toneStyles: Record<Tone, { dot: string; text: string }> = {
  good: { dot: 'bg-good shadow-[0_0_0_3px_rgb(31_122_77/0.14)]', text: 'text-good' },
  warn: { dot: 'bg-warn shadow-[0_0_0_3px_rgb(168_90_10/0.14)]', text: 'text-warn' },
  bad: { dot: 'bg-bad shadow-[0_0_0_3px_rgb(184_58_58/0.14)]', text: 'text-bad' },
  idle: { dot: 'bg-ink-3 motion-safe:animate-breathe', text: 'text-ink-3' },
}

function statusOf(state: HealthState): { label: string; tone: Tone } {
  switch (state.phase) {
    case 'checking':
      return { label: 'Checking…', tone: 'idle' }
    case 'ok': {
      // Widened on purpose: the spec may list only "ok" today, but any other word a
      // newer server sends (e.g. "degraded") must read as a warning, not as healthy.
      const status: string = state.health.status
      return { label: status, tone: status === 'ok' ? 'good' : 'warn' }
    }
    case 'failed':
      return state.retrying
        ? { label: 'Checking…', tone: 'idle' }
        : { label: 'unavailable', tone: 'bad' }
  }
}

function StatusValue({ state }: { state: HealthState }) {
  const { label, tone } = statusOf(state)
  const style = toneStyles[tone]
  return (
    <span data-tone={tone} className={`inline-flex items-center gap-2 font-mono text-[13px] ${style.text}`}>
      <span aria-hidden="true" className={`size-2 rounded-full ${style.dot}`} />
      <span>{label}</span>
    </span>
  )
}

// The cluster as the health probe saw it. Sent to admins only; an admin whose server
// sent none (older server, or still checking) sees it as unknown.
function ProxmoxValue({ state }: { state: HealthState }) {
  const proxmox = state.phase === 'ok' ? state.health.proxmox : undefined
  if (!proxmox) {
    return (
      <span className="font-mono text-ink">
        <span aria-hidden="true" className="text-ink-3">—</span>
        <span className="sr-only">unknown</span>
      </span>
    )
  }
  const [label, tone]: [string, Tone] =
    proxmox.state === 'reachable'
      ? [`VE ${proxmox.version ?? '?'} · reachable`, 'good']
      : proxmox.state === 'not_configured'
        ? ['not configured', 'warn']
        : ['unreachable', 'bad']
  const style = toneStyles[tone]
  return (
    <span
      data-tone={tone}
      title={proxmox.message ?? undefined}
      className={`inline-flex items-center gap-2 font-mono text-[13px] ${style.text}`}
    >
      <span aria-hidden="true" className={`size-2 rounded-full ${style.dot}`} />
      <span>{label}</span>
    </span>
  )
}

// Shown to admins when the server accepts any certificate from Proxmox (PROXMOX_TLS_INSECURE=true).
function InsecureTlsNote() {
  return (
    <p className="mt-4 rounded-lg border border-warn/30 bg-warn/5 px-3 py-2 text-[12.5px] leading-relaxed text-warn">
      <strong className="font-semibold">Proxmox’s certificate is not checked</strong> (PROXMOX_TLS_INSECURE=true):
      anyone who can answer for its address could read Nimbus’s API token. Pin it with{' '}
      <code className="font-mono">PROXMOX_TLS_FINGERPRINT</code> (<code className="font-mono">nimbus proxmox-fingerprint HOST</code>{' '}
      prints it) or set <code className="font-mono">PROXMOX_CA_FILE</code>.
    </p>
  )
}

export function PortalStatusCard() {
  const titleId = useId()
  const { state, retry } = useHealth()
  const { user } = useAuth()
  const version = state.phase === 'ok' ? state.health.version : undefined
  // Members are not told about the cluster (the server leaves `proxmox` out for them).
  const showProxmox = user?.role === 'admin' || (state.phase === 'ok' && state.health.proxmox !== undefined)

  return (
    <section aria-labelledby={titleId} className="glass p-6 sm:p-7">
      <div className="flex min-h-7 items-center justify-between gap-4">
        <h2 id={titleId} className="text-xl font-semibold">
          Portal status
        </h2>
        {state.phase !== 'failed' && (
          <button
            type="button"
            // Stays in place (aria-disabled, not removed) while checking so keyboard focus survives.
            aria-disabled={state.phase === 'checking'}
            onClick={() => {
              if (state.phase === 'ok') retry()
            }}
            className="rounded-md border border-line-2 bg-white/85 px-2 py-1 font-mono text-[10.5px] font-medium tracking-[0.14em] text-ink-2 uppercase transition-colors hover:border-line-strong hover:text-ink aria-disabled:cursor-progress aria-disabled:opacity-50"
          >
            Check again
          </button>
        )}
      </div>

      <dl aria-live="polite" aria-busy={statusOf(state).tone === 'idle'} className="mt-4 text-[13px]">
        <div className="flex items-center justify-between gap-4 border-b border-line py-3">
          <dt className="text-ink-3">Status</dt>
          <dd>
            <StatusValue state={state} />
          </dd>
        </div>
        <div
          className={`flex items-center justify-between gap-4 py-3 ${showProxmox ? 'border-b border-line' : ''}`}
        >
          <dt className="text-ink-3">Version</dt>
          <dd className="font-mono text-ink">
            {version ?? (
              <>
                <span aria-hidden="true" className="text-ink-3">—</span>
                <span className="sr-only">unknown</span>
              </>
            )}
          </dd>
        </div>
        {showProxmox && (
          <div className="flex items-center justify-between gap-4 py-3">
            <dt className="text-ink-3">Proxmox</dt>
            <dd>
              <ProxmoxValue state={state} />
            </dd>
          </div>
        )}
      </dl>

      {state.phase === 'ok' && state.health.proxmox?.insecure_tls === true && <InsecureTlsNote />}

      {state.phase === 'failed' && (
        <div className="mt-5">
          <LoadFailed
            failure={state.failure}
            // Unreachable: FailureAlert says "Nimbus did not answer".
            lead={state.failure.kind === 'refused' ? 'Nimbus reported a problem' : undefined}
            retrying={state.retrying}
            onRetry={retry}
          />
        </div>
      )}
    </section>
  )
}
