// GitHub and Google accounts linked to yours, so either signs you in. Linking is a trip to the
// provider (a real navigation to /api/auth/{provider}?link=true) that comes back to this page
// through /auth/callback; unlinking is confirmed first, and Nimbus refuses to unlink the last
// way you have to sign in (409 last_sign_in_method).
import { Fragment, useState } from 'react'
import { useLocation } from 'react-router'
import { loadIdentities, unlinkIdentity } from '../../api/account'
import { loadProviders } from '../../api/auth'
import type { ApiFailure } from '../../api/failure'
import type { Identity, Provider } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { PROVIDERS, ProviderIcon, linkUrl, providerName } from '../../auth/providers'
import { Confirm } from '../../ui/Confirm'
import { FailureAlert } from '../../ui/FailureAlert'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { dangerChipButton, ghostButton } from '../../ui/styles'
import { Time } from '../../ui/Time'

/** The 409 in words: what it means and what to do about it. */
function explain(failure: ApiFailure, provider: Provider): ApiFailure {
  if (failure.code !== 'last_sign_in_method') return failure
  const name = providerName(provider)
  return {
    ...failure,
    message: `${name} is the only way you have to sign in: this account has no password and no other linked sign-in. Link the other provider first, then unlink ${name}.`,
  }
}

/** `linked` in the router state: /auth/callback just linked a provider. */
function linkedNotice(state: unknown): string | null {
  if (typeof state !== 'object' || state === null || !('linked' in state)) return null
  const { linked } = state
  if (linked !== 'github' && linked !== 'google') return null
  return `${providerName(linked)} is linked: you can sign in with it from now on.`
}

function IdentityRow({ identity, onUnlink }: { identity: Identity; onUnlink: () => void }) {
  const name = providerName(identity.provider)
  return (
    <li className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2 border-b border-line py-3.5 last:border-b-0">
      <div className="flex min-w-0 items-center gap-3">
        <span className="grid size-9 shrink-0 place-items-center rounded-lg border border-line-2 bg-white/85">
          <ProviderIcon provider={identity.provider} />
        </span>
        <div className="min-w-0">
          <p className="text-[14px] font-medium text-ink">
            {name} <span className="font-mono text-[12.5px] font-normal text-ink-2">{identity.login}</span>
          </p>
          <p className="mt-0.5 font-mono text-[11.5px] text-ink-3">
            {identity.email ? `${identity.email} · ` : ''}linked <Time iso={identity.linked_at} />
          </p>
        </div>
      </div>
      <button type="button" onClick={onUnlink} aria-label={`Unlink ${name}`} className={dangerChipButton}>
        Unlink
      </button>
    </li>
  )
}

export function LinkedSignInsSection() {
  const location = useLocation()
  const notice = linkedNotice(location.state)
  const { state, reload, update } = useLoad(loadIdentities)
  const { state: providers } = useLoad(loadProviders)
  const [unlinking, setUnlinking] = useState<Provider | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)
  const [done, setDone] = useState<string | null>(null)

  async function unlink(provider: Provider) {
    setBusy(true)
    setFailure(null)
    setDone(null)
    const outcome = await unlinkIdentity(provider)
    setBusy(false)
    setUnlinking(null)
    if (!outcome.ok) {
      setFailure(explain(outcome.failure, provider))
      // Gone already (another tab): show the list as it is now.
      if (outcome.failure.code === 'not_found') reload()
      return
    }
    update((identities) => identities.filter((identity) => identity.provider !== provider))
    setDone(`${providerName(provider)} unlinked.`)
  }

  const linked = state.phase === 'ok' ? new Set(state.data.map((identity) => identity.provider)) : null
  const linkable =
    linked && providers.phase === 'ok'
      ? PROVIDERS.filter((provider) => providers.data[provider] && !linked.has(provider))
      : []

  return (
    <Panel
      title="Linked sign-ins"
      description="GitHub or Google accounts that sign you in here, besides your email and password."
    >
      {notice && !done && (
        <p
          role="status"
          className="mb-4 rounded-xl border border-good/20 bg-good/[0.07] px-4 py-3 text-[13px] text-ink-2"
        >
          {notice}
        </p>
      )}
      {failure && (
        <div className="mb-4">
          <FailureAlert failure={failure} lead="Could not unlink" />
        </div>
      )}
      <LoadStatus state={state} what="linked sign-ins" failedLead="Could not load your linked sign-ins" onRetry={reload} />
      {state.phase === 'ok' && state.data.length === 0 && (
        <p className="text-[13px] text-ink-3">
          {providers.phase === 'ok' && !PROVIDERS.some((provider) => providers.data[provider])
            ? 'None. GitHub and Google sign-in are not set up on this Nimbus.'
            : 'None yet.'}
        </p>
      )}
      {state.phase === 'ok' && state.data.length > 0 && (
        <ul aria-label="Linked sign-ins">
          {state.data.map((identity) => (
            <Fragment key={identity.provider}>
              <IdentityRow
                identity={identity}
                onUnlink={() => {
                  setFailure(null)
                  setDone(null)
                  setUnlinking(identity.provider)
                }}
              />
              {unlinking === identity.provider && (
                <li className="pb-3">
                  <Confirm
                    title={`Unlink ${providerName(identity.provider)}?`}
                    confirmLabel="Unlink"
                    busy={busy}
                    onConfirm={() => void unlink(identity.provider)}
                    onCancel={() => {
                      setUnlinking(null)
                    }}
                  >
                    You can no longer sign in with the {providerName(identity.provider)} account {identity.login}. You
                    can link it again later.
                  </Confirm>
                </li>
              )}
            </Fragment>
          ))}
        </ul>
      )}
      {linkable.length > 0 && (
        <div className="mt-4 flex flex-wrap gap-2">
          {linkable.map((provider) => (
            // A real navigation: the API answers with a redirect to the provider.
            <a key={provider} href={linkUrl(provider)} className={`${ghostButton} h-10 text-[13px]`}>
              <ProviderIcon provider={provider} className="size-4" />
              Link {providerName(provider)}
            </a>
          ))}
        </div>
      )}
      <p role="status" className="mt-3 text-[13px] text-good empty:hidden">
        {done}
      </p>
    </Panel>
  )
}
