// Settings → Cluster → Proxmox: the address, its pinned certificate, and the token. A new address
// needs its certificate read and compared; "Check the connection" runs the same live check as the
// wizard (an empty secret checks with the stored one). Saving switches the running client.
import { useState } from 'react'
import { checkClusterConnection, fetchClusterFingerprint } from '../../api/clusterSettings'
import type { ClusterSettings } from '../../api/types'
import type { ApiFailure } from '../../api/failure'
import type { ClusterCheck } from '../../api/types'
import { ClusterCheckView } from '../../cluster/ClusterCheckView'
import { FingerprintCheck } from '../../cluster/FingerprintCheck'
import { type FieldBinding, lockedHint } from '../../cluster/NetworkFields'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { Panel } from '../../ui/Panel'
import { ghostButton } from '../../ui/styles'
import { type ClusterField, connectionOf, type ProxmoxDraft, proxmoxConnect } from './clusterDraft'

const TRUST: Record<string, string> = {
  fingerprint: 'Nimbus talks only to a server showing the pinned certificate below.',
  ca_file: 'The certificate is checked against the CA file Nimbus was given.',
  insecure: 'The certificate is not checked (PROXMOX_TLS_INSECURE): pin its fingerprint to fix that.',
}

interface ProxmoxSettingsProps {
  settings: ClusterSettings
  draft: ProxmoxDraft
  onDraft: (change: Partial<ProxmoxDraft>) => void
  bind: (name: ClusterField, value: string, set: (value: string) => void) => FieldBinding
  register: (name: ClusterField) => (element: HTMLInputElement | null) => void
  errors: Partial<Record<ClusterField, string>>
  /** A field-level failure of a read or check goes under its field. */
  onFieldFailure: (failure: ApiFailure) => boolean
  lockedBy: (name: ClusterField) => string | undefined
  /** A refusal about the connection as a whole (another cluster while machines exist). */
  failure: ApiFailure | null
}

export function ProxmoxSettings(props: ProxmoxSettingsProps) {
  const { settings, draft, onDraft, bind, register, errors, onFieldFailure, lockedBy, failure } = props
  const current = connectionOf(settings)
  const [busy, setBusy] = useState<'fingerprint' | 'check' | null>(null)
  const [check, setCheck] = useState<ClusterCheck | null>(null)
  const [problem, setProblem] = useState<ApiFailure | null>(null)
  const newFingerprint = draft.fingerprint !== null && draft.fingerprint !== (current.fingerprint ?? '')

  async function readFingerprint() {
    setBusy('fingerprint')
    setProblem(null)
    const outcome = await fetchClusterFingerprint(draft.url.trim())
    setBusy(null)
    if (!outcome.ok) {
      if (!onFieldFailure(outcome.failure)) setProblem(outcome.failure)
      return
    }
    onDraft({ url: outcome.data.url, fingerprint: outcome.data.fingerprint, matches: outcome.data.fingerprint === current.fingerprint })
  }

  async function runCheck() {
    setBusy('check')
    setProblem(null)
    setCheck(null)
    const outcome = await checkClusterConnection(proxmoxConnect(draft))
    setBusy(null)
    if (outcome.ok) setCheck(outcome.data)
    else if (!onFieldFailure(outcome.failure)) setProblem(outcome.failure)
  }

  const field = (name: 'url' | 'token_id' | 'token_secret', value: string, set: (value: string) => void) => {
    const variable = lockedBy(`proxmox.${name}`)
    return { ...bind(`proxmox.${name}`, value, set), readOnly: variable !== undefined, ...(variable ? { hint: lockedHint(variable) } : {}) }
  }

  return (
    <Panel title="Proxmox" description={current.url === '' ? 'No connection yet.' : TRUST[current.trust]}>
      <div className="space-y-5">
        {failure && <FailureAlert failure={failure} lead="Not saved" />}
        <div className="flex flex-wrap items-end gap-3">
          <Field
            label="Proxmox address"
            hint="Any node of the cluster, with the port."
            mono
            spellCheck={false}
            autoComplete="off"
            className="min-w-[260px] flex-1"
            {...field('url', draft.url, (url) => {
              const same = url.trim() === current.url
              onDraft({ url, fingerprint: same ? (current.fingerprint ?? '') : null, matches: same })
              setCheck(null)
            })}
          />
          <button type="button" disabled={busy !== null || draft.url.trim() === ''} onClick={() => void readFingerprint()} className={`${ghostButton} mb-[26px]`}>
            {busy === 'fingerprint' ? 'Reading…' : 'Read the certificate'}
          </button>
        </div>
        {draft.fingerprint !== null && draft.fingerprint !== '' &&
          (newFingerprint ? (
            <FingerprintCheck
              ref={register('proxmox.fingerprint')}
              fingerprint={draft.fingerprint}
              matches={draft.matches}
              onMatches={(matches) => {
                onDraft({ matches })
              }}
              error={errors['proxmox.fingerprint']}
            />
          ) : (
            <p className="text-[13px] text-ink-3">
              Pinned certificate: <span data-field="fingerprint" className="font-mono text-[12px] break-all text-ink-2">{draft.fingerprint}</span>
            </p>
          ))}
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Token ID" mono spellCheck={false} autoComplete="off" {...field('token_id', draft.token_id, (token_id) => { onDraft({ token_id }) })} />
          <Field
            label="Token secret"
            type="password"
            mono
            autoComplete="off"
            placeholder="stored — leave empty to keep"
            {...field('token_secret', draft.token_secret, (token_secret) => { onDraft({ token_secret }) })}
          />
        </div>
        <button type="button" disabled={busy !== null || draft.fingerprint === null} onClick={() => void runCheck()} className={`${ghostButton} h-9 px-4 text-[13px]`}>
          {busy === 'check' ? 'Checking…' : 'Check the connection'}
        </button>
        {problem && <FailureAlert failure={problem} lead="Could not check the connection" />}
        {check && <ClusterCheckView check={check} />}
        {settings.machines > 0 && (
          <p className="text-[12.5px] text-ink-3">
            Nimbus holds {settings.machines} {settings.machines === 1 ? 'machine' : 'machines'}: another cluster is refused
            unless it reports the same cluster name and nodes.
          </p>
        )}
      </div>
    </Panel>
  )
}
