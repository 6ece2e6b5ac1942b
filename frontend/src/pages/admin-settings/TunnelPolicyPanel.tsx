// Settings → Gopher's "Subdomain policy": the subdomains no member may take (typed as a list
// separated by commas, spaces or lines) and how many tunnels each member may have.
import { type SubmitEvent, useState } from 'react'
import { loadTunnelPolicy, saveTunnelPolicy } from '../../api/tunnels'
import type { TunnelPolicy } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { TextAreaField } from '../../ui/TextAreaField'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = ['reserved', 'per_member_quota'] as const

/** "www, admin  mail\nstatus," → ["www", "admin", "mail", "status"], each once. */
export function reservedNames(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((name) => name !== ''))]
}

function PolicyForm({ policy }: { policy: TunnelPolicy }) {
  const form = useFormErrors(FIELDS)
  const [reserved, setReserved] = useState(policy.reserved.join(', '))
  const [quota, setQuota] = useState(String(policy.per_member_quota))
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState(false)

  const edit = (set: (value: string) => void) => (value: string) => {
    set(value)
    setSaved(false)
  }

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const wholeNumber = /^\d+$/.test(quota.trim())
    if (form.reject({ per_member_quota: !wholeNumber && 'Enter a whole number of tunnels, 0 or more.' })) return
    setBusy(true)
    form.reset()
    const outcome = await saveTunnelPolicy({ reserved: reservedNames(reserved), per_member_quota: Number(quota.trim()) })
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    setReserved(outcome.data.reserved.join(', '))
    setQuota(String(outcome.data.per_member_quota))
    setSaved(true)
  }

  return (
    <form noValidate aria-label="Subdomain policy" className="space-y-4" onSubmit={(event) => void handleSubmit(event)}>
      <TextAreaField
        {...form.bind('reserved', reserved, edit(setReserved))}
        label="Reserved subdomains"
        name="reserved"
        rows={3}
        spellCheck={false}
        autoCapitalize="none"
        placeholder="www, admin, mail"
        hint="No member may take these. Separate them with commas, spaces or new lines."
      />
      <Field
        {...form.bind('per_member_quota', quota, edit(setQuota))}
        label="Tunnels per member"
        name="per_member_quota"
        inputMode="numeric"
        autoComplete="off"
        mono
        className="max-w-[220px]"
      />
      {form.failure && <FailureAlert failure={form.failure} lead="Could not save the policy" />}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={busy} className={`${primaryButton} h-10`}>
          {busy ? 'Saving…' : 'Save policy'}
        </button>
        <p role="status" className="text-[13px] text-good empty:hidden">
          {saved ? 'Saved the subdomain policy.' : ''}
        </p>
      </div>
    </form>
  )
}

export function TunnelPolicyPanel() {
  const { state, reload } = useLoad(loadTunnelPolicy)
  return (
    <Panel title="Subdomain policy" description="Applies to tunnels added from now on.">
      <LoadStatus state={state} what="the subdomain policy" onRetry={reload} />
      {state.phase === 'ok' && <PolicyForm policy={state.data} />}
    </Panel>
  )
}
