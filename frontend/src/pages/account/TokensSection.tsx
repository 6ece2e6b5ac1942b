// Personal API tokens: for scripts and OpenAPI clients that cannot hold a cookie.
// Each has a scope and an expiry; the secret is shown once, right after creation.
import { type SubmitEvent, Fragment, useId, useState } from 'react'
import { createToken, loadTokens, revokeToken } from '../../api/account'
import type { ApiFailure } from '../../api/failure'
import type { ApiToken, CreatedToken, TokenScope } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { Confirm } from '../../ui/Confirm'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { SelectField } from '../../ui/SelectField'
import { badge, dangerChipButton, label, primaryButton } from '../../ui/styles'
import { Time } from '../../ui/Time'
import { useFormErrors } from '../../ui/useFormErrors'
import { NewTokenSecret } from './NewTokenSecret'

const FIELDS = ['name'] as const
const EXPIRY_DAYS = [7, 30, 90, 365] as const
const scopes: { value: TokenScope; title: string; description: string }[] = [
  { value: 'read_write', title: 'Read & write', description: 'Everything you can do in the portal.' },
  { value: 'read_only', title: 'Read only', description: 'Can look; any change is refused.' },
]

export function scopeLabel(scope: TokenScope): string {
  return scope === 'read_only' ? 'read-only' : 'read-write'
}

function CreateTokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const scopeLegendId = useId()
  const [name, setName] = useState('')
  const [scope, setScope] = useState<TokenScope>('read_write')
  const [days, setDays] = useState<number>(30)
  const [creating, setCreating] = useState(false)
  const form = useFormErrors(FIELDS)

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (creating) return
    if (form.reject({ name: name.trim() === '' && 'Give the token a name, e.g. “laptop scripts”.' })) return
    setCreating(true)
    form.reset()
    const outcome = await createToken({ name: name.trim(), scope, expires_in_days: days })
    setCreating(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    setName('')
    onCreated(outcome.data)
  }

  return (
    <form
      noValidate
      aria-label="New API token"
      onSubmit={(event) => void handleSubmit(event)}
      className="rounded-xl border border-line bg-white/50 p-5"
    >
      <h3 className="text-[17px] font-semibold">New token</h3>
      <div className="mt-4 grid gap-4 md:grid-cols-[minmax(0,1fr)_180px]">
        <Field
          {...form.bind('name', name, setName)}
          label="Name"
          name="token-name"
          autoComplete="off"
          placeholder="e.g. laptop scripts"
          required
        />
        <SelectField
          label="Expires after"
          value={days}
          onChange={(event) => {
            setDays(Number(event.target.value))
          }}
        >
          {EXPIRY_DAYS.map((n) => (
            <option key={n} value={n}>
              {n} days
            </option>
          ))}
        </SelectField>
      </div>
      <fieldset className="mt-4" aria-labelledby={scopeLegendId}>
        <legend id={scopeLegendId} className={label}>
          Scope
        </legend>
        <div className="mt-1.5 grid gap-2 sm:grid-cols-2">
          {scopes.map((option) => (
            <label
              key={option.value}
              className="flex cursor-pointer items-start gap-3 rounded-control border border-line-2 bg-white/85 px-3.5 py-3 transition-colors hover:border-line-strong has-checked:border-ink has-checked:shadow-[0_0_0_3px_rgb(20_18_28/0.06)] has-focus-visible:outline-2 has-focus-visible:outline-ink"
            >
              <input
                type="radio"
                name="token-scope"
                value={option.value}
                checked={scope === option.value}
                onChange={() => {
                  setScope(option.value)
                }}
                className="mt-1 accent-ink focus-visible:outline-none"
              />
              <span>
                <span className="block text-[13.5px] font-medium text-ink">{option.title}</span>
                <span className="block text-[12.5px] text-ink-3">{option.description}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {form.failure && (
        <div className="mt-4">
          <FailureAlert failure={form.failure} lead="Could not create the token" />
        </div>
      )}
      <button type="submit" disabled={creating} className={`${primaryButton} mt-5 h-10`}>
        {creating ? 'Creating…' : 'Create token'}
      </button>
    </form>
  )
}

function TokenRow({ token, onRevoke }: { token: ApiToken; onRevoke: () => void }) {
  return (
    <tr className="border-b border-line last:border-b-0">
      <th scope="row" className="py-3 pr-4 text-left font-medium text-ink">
        <span className="flex flex-wrap items-center gap-2">
          {token.name}
          {token.expired && <span className={badge('bad')}>expired</span>}
        </span>
      </th>
      <td className="py-3 pr-4 font-mono text-[12px] text-ink-2">{token.prefix}…</td>
      <td className="py-3 pr-4">
        <span className={badge(token.scope === 'read_only' ? 'neutral' : 'warn')}>{scopeLabel(token.scope)}</span>
      </td>
      <td className="py-3 pr-4 text-ink-2">
        <Time iso={token.expires_at} />
      </td>
      <td className="py-3 pr-4 text-ink-2">
        {token.last_used_at ? <Time iso={token.last_used_at} /> : <span className="text-ink-3">never</span>}
      </td>
      <td className="py-3 text-right">
        <button type="button" onClick={onRevoke} aria-label={`Revoke ${token.name}`} className={dangerChipButton}>
          Revoke
        </button>
      </td>
    </tr>
  )
}

export function TokensSection() {
  const { state, reload, update } = useLoad(loadTokens)
  const [created, setCreated] = useState<CreatedToken | null>(null)
  const [revoking, setRevoking] = useState<ApiToken | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)

  async function revoke(token: ApiToken) {
    setBusy(true)
    setFailure(null)
    const outcome = await revokeToken(token.id)
    setBusy(false)
    setRevoking(null)
    if (!outcome.ok) {
      setFailure(outcome.failure)
      return
    }
    update((tokens) => tokens.filter((t) => t.id !== token.id))
    if (created?.token.id === token.id) setCreated(null)
  }

  return (
    <Panel
      title="API tokens"
      description={
        <>
          For scripts and API clients: send <code className="font-mono text-[12px]">Authorization: Bearer &lt;token&gt;</code>.
          A token acts as you, within its scope.
        </>
      }
    >
      <div className="space-y-5">
        {created && (
          <NewTokenSecret
            created={created}
            onDone={() => {
              setCreated(null)
            }}
          />
        )}
        {failure && <FailureAlert failure={failure} lead="Could not revoke the token" />}
        <LoadStatus state={state} what="tokens" failedLead="Could not load your tokens" onRetry={reload} />
        {state.phase === 'ok' && state.data.length === 0 && (
          <p className="text-[13px] text-ink-3">No tokens yet. Create one below.</p>
        )}
        {state.phase === 'ok' && state.data.length > 0 && (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[640px] text-[13px]">
              <caption className="sr-only">Your API tokens</caption>
              <thead>
                <tr className="border-b border-line text-left">
                  {['Name', 'Token', 'Scope', 'Expires', 'Last used'].map((heading) => (
                    <th key={heading} scope="col" className="eyebrow pr-4 pb-2.5 font-medium">
                      {heading}
                    </th>
                  ))}
                  <th scope="col" className="pb-2.5">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.data.map((token) => (
                  <Fragment key={token.id}>
                    <TokenRow
                      token={token}
                      onRevoke={() => {
                        setRevoking(token)
                      }}
                    />
                    {revoking?.id === token.id && (
                      <tr>
                        <td colSpan={6} className="pb-3">
                          <Confirm
                            title={`Revoke “${token.name}”?`}
                            confirmLabel="Revoke token"
                            busy={busy}
                            onConfirm={() => void revoke(token)}
                            onCancel={() => {
                              setRevoking(null)
                            }}
                          >
                            Anything using it is refused from now on. This cannot be undone.
                          </Confirm>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <CreateTokenForm
          onCreated={(next) => {
            setCreated(next)
            update((tokens) => [next.token, ...tokens.filter((t) => t.id !== next.token.id)])
          }}
        />
      </div>
    </Panel>
  )
}
