// Admin → Settings → Cluster: the settings the setup wizard wrote — the Proxmox connection, the VM
// network and placement — edited after setup. Saving re-validates, rewrites the env file and
// applies at once (no restart); what it means for running machines is said up front and in the
// notes the save answers. A value set in Nimbus's environment is read-only, naming its variable.
import { type SubmitEvent, useState } from 'react'
import { loadClusterSettings, saveClusterSettings } from '../../api/clusterSettings'
import type { ClusterSettings } from '../../api/types'
import type { ApiFailure } from '../../api/failure'
import { useLoad } from '../../api/useLoad'
import type { NetworkField } from '../../cluster/networkDraft'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader } from '../../ui/Panel'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'
import {
  type ClusterDraft,
  type ClusterField,
  clusterDraft,
  clusterProblems,
  clusterUpdate,
  FIELDS,
  type PlacementField,
  qualifiedField,
  type Section,
  sectionOf,
} from './clusterDraft'
import { NetworkSettings } from './NetworkSettings'
import { PlacementSettings } from './PlacementSettings'
import { ProxmoxSettings } from './ProxmoxSettings'

export function ClusterSettingsPage() {
  const { state, reload, update } = useLoad(loadClusterSettings)
  const [saves, setSaves] = useState(0)
  const [notes, setNotes] = useState<string[]>([])
  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · Settings · Cluster"
        title={
          <>
            Where machines <em className="italic">live.</em>
          </>
        }
        lead="The Proxmox cluster, the addresses machines get and how nodes are picked. Saving applies at once, without a restart. Gateway, prefix and DNS changes apply to new machines only."
      />
      <LoadStatus state={state} what="the cluster settings" onRetry={reload} card />
      {state.phase === 'ok' && (
        <ClusterForm
          // A save starts the form over from what Nimbus now uses.
          key={saves}
          settings={state.data}
          notes={notes}
          onSaved={(saved, savedNotes) => {
            update(() => saved)
            setNotes(savedNotes)
            setSaves((n) => n + 1)
          }}
        />
      )}
    </div>
  )
}

interface ClusterFormProps {
  settings: ClusterSettings
  notes: string[]
  onSaved: (settings: ClusterSettings, notes: string[]) => void
}

function ClusterForm({ settings, notes, onSaved }: ClusterFormProps) {
  const [draft, setDraft] = useState<ClusterDraft>(() => clusterDraft(settings))
  const [busy, setBusy] = useState(false)
  const [refusal, setRefusal] = useState<{ section: Section; failure: ApiFailure } | null>(null)
  const form = useFormErrors(FIELDS)
  // Nimbus names a locked field with or without its section ("network.gateway", "gateway").
  const lockedBy = (name: ClusterField) => settings.locked.find((lock) => qualifiedField(lock.field) === name)?.variable

  /** Puts a failure naming a field under that field; false when it names none the form has. */
  function onFieldFailure(failure: ApiFailure, section?: Section): boolean {
    const field = qualifiedField(failure.field, section)
    if (!field) return false
    form.fail({ ...failure, field })
    return true
  }

  function change<S extends Section>(section: S, values: Partial<ClusterDraft[S]>) {
    setDraft((current) => ({ ...current, [section]: { ...current[section], ...values } }))
  }

  const bind = (name: ClusterField, value: string, set: (value: string) => void) => form.bind(name, value, set)

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    setRefusal(null)
    if (form.reject(clusterProblems(draft, settings))) return
    setBusy(true)
    form.reset()
    const outcome = await saveClusterSettings(clusterUpdate(draft, settings))
    setBusy(false)
    if (outcome.ok) {
      onSaved(outcome.data.settings, outcome.data.notes)
      return
    }
    const section = sectionOf(outcome.failure)
    if (section) setRefusal({ section, failure: outcome.failure })
    else if (!onFieldFailure(outcome.failure)) form.fail(outcome.failure)
  }

  return (
    <form noValidate aria-label="Cluster settings" onSubmit={(event) => void handleSubmit(event)} className="space-y-8">
      {notes.length > 0 && (
        <div role="status" aria-label="Saved" className="rounded-xl border border-good/25 bg-good/[0.06] px-4 py-3 text-[13px] text-ink-2">
          <p className="font-medium text-good">Saved and applied.</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </div>
      )}
      <ProxmoxSettings
        settings={settings}
        draft={draft.proxmox}
        onDraft={(values) => {
          change('proxmox', values)
          form.clear('proxmox.fingerprint')
        }}
        bind={bind}
        register={form.register}
        errors={form.errors}
        onFieldFailure={(failure) => onFieldFailure(failure, 'proxmox')}
        lockedBy={lockedBy}
        failure={refusal?.section === 'proxmox' ? refusal.failure : null}
      />
      <NetworkSettings
        draft={draft.network}
        bind={(name: NetworkField) =>
          form.bind(`network.${name}`, draft.network[name], (value) => {
            change('network', { [name]: value })
          })
        }
        lockedBy={lockedBy}
        reject={form.reject}
        onFieldFailure={(failure) => onFieldFailure(failure, 'network')}
        failure={refusal?.section === 'network' ? refusal.failure : null}
      />
      <PlacementSettings
        bind={(name: PlacementField) =>
          form.bind(`placement.${name}`, draft.placement[name], (value) => {
            change('placement', { [name]: value })
          })
        }
        lockedBy={(name) => lockedBy(`placement.${name}`)}
      />
      {form.failure && <FailureAlert failure={form.failure} lead="Could not save the cluster settings" />}
      <div className="flex flex-wrap items-center justify-end gap-4">
        {settings.env_file && (
          <p className="text-[12.5px] text-ink-3">
            Saved to <span className="font-mono">{settings.env_file}</span>
          </p>
        )}
        <button type="submit" disabled={busy} className={primaryButton}>
          {busy ? 'Saving…' : 'Save and apply'}
        </button>
      </div>
    </form>
  )
}
