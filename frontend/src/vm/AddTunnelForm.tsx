// The form that publishes one more port of a machine: the port, an optional subdomain (checked
// as it is typed), private (only on the gateway itself) and HTTPS (on unless unticked). Mistakes
// are shown under their field, the ones Nimbus names too; other refusals (quota, tunnels off,
// Gopher down) as one alert.
import { type SubmitEvent, useState } from 'react'
import { describeFailure } from '../api/failure'
import { createTunnel } from '../api/tunnels'
import type { Tunnel } from '../api/types'
import { CheckboxField } from '../ui/CheckboxField'
import { FailureAlert } from '../ui/FailureAlert'
import { Field } from '../ui/Field'
import { primaryButton } from '../ui/styles'
import { useFormErrors } from '../ui/useFormErrors'
import { type SubdomainCheckState, useSubdomainCheck } from './useSubdomainCheck'

const FIELDS = ['target_port', 'subdomain'] as const

/** A TCP port, or what to type instead. */
export function portProblem(text: string): string | null {
  const port = Number(text.trim())
  return /^\d+$/.test(text.trim()) && port >= 1 && port <= 65535 ? null : 'Enter a port from 1 to 65535.'
}

/** What the availability check says: a hint (free, checking) or an error (taken, bad name). */
function checkNotes(check: SubdomainCheckState, domain: string | undefined): { hint?: string; error?: string } {
  const full = (name: string) => (domain ? `${name}.${domain}` : name)
  if (check.phase === 'idle') {
    return { hint: domain ? `Leave empty for a generated name under ${domain}.` : 'Leave empty for a generated name.' }
  }
  if (check.phase === 'checking') return { hint: 'Checking whether it is free…' }
  const { outcome } = check
  if (!outcome.ok) {
    return outcome.failure.field === 'subdomain'
      ? { error: describeFailure(outcome.failure) }
      : { hint: 'Could not check it now; Nimbus checks again when you add it.' }
  }
  if (outcome.data.available) return { hint: `${full(outcome.data.subdomain)} is available.` }
  return { error: outcome.data.reason ?? `${full(outcome.data.subdomain)} is taken.` }
}

interface AddTunnelFormProps {
  vmId: string
  /** Tunnels are `<sub>.<domain>`, when Nimbus knows the domain. */
  domain: string | undefined
  onAdded: (tunnel: Tunnel) => void
}

export function AddTunnelForm({ vmId, domain, onAdded }: AddTunnelFormProps) {
  const form = useFormErrors(FIELDS)
  const [port, setPort] = useState('')
  const [subdomain, setSubdomain] = useState('')
  const [isPrivate, setPrivate] = useState(false)
  const [tls, setTls] = useState(true)
  const [busy, setBusy] = useState(false)
  const check = useSubdomainCheck(subdomain)
  const notes = checkNotes(check, domain)

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    if (form.reject({ target_port: portProblem(port) })) return
    setBusy(true)
    form.reset()
    const name = subdomain.trim()
    const outcome = await createTunnel(vmId, {
      target_port: Number(port.trim()),
      ...(name !== '' ? { subdomain: name } : {}),
      private: isPrivate,
      tls,
    })
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    onAdded(outcome.data)
  }

  return (
    <form noValidate aria-label="Add a tunnel" className="space-y-4" onSubmit={(event) => void handleSubmit(event)}>
      <div className="grid gap-4 sm:grid-cols-[160px_minmax(0,1fr)]">
        <Field
          {...form.bind('target_port', port, setPort)}
          label="Port on the machine"
          name="target_port"
          inputMode="numeric"
          autoComplete="off"
          mono
          placeholder="8080"
        />
        <Field
          {...form.bind('subdomain', subdomain, setSubdomain)}
          error={form.errors.subdomain ?? notes.error}
          // Announced as it changes: checking, then free (a taken name is an error, announced anyway).
          hint={notes.hint && <span role="status">{notes.hint}</span>}
          label="Subdomain"
          name="subdomain"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          mono
          placeholder="e.g. blog"
        />
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <CheckboxField
          label="HTTPS"
          checked={tls}
          onChange={setTls}
          description="Served over HTTPS; unticked, plain http://."
        />
        <CheckboxField
          label="Private"
          checked={isPrivate}
          onChange={setPrivate}
          description="Only reachable on the Gopher gateway itself, not from the internet."
        />
      </div>
      {form.failure && <FailureAlert failure={form.failure} lead="Could not add the tunnel" />}
      <button type="submit" disabled={busy} className={`${primaryButton} h-10`}>
        {busy ? 'Adding…' : 'Add tunnel'}
      </button>
    </form>
  )
}
