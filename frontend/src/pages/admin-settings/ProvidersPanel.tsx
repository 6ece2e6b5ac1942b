// Settings → Authentication → Sign-in providers: the GitHub and Google OAuth apps Nimbus signs
// people in with, and who may use them (GitHub organisations, Google email domains). Secrets
// are write-only: Nimbus never sends them back, and an empty secret field keeps the stored one.
// Each provider needs the callback URL shown here registered on its side.
import { type SubmitEvent, useRef, useState } from 'react'
import type { OAuthSettings, OAuthSettingsUpdate, Provider } from '../../api/types'
import { loadOAuthSettings, saveOAuthSettings } from '../../api/settings'
import { useLoad } from '../../api/useLoad'
import { ProviderIcon, providerName } from '../../auth/providers'
import { CopyButton } from '../../ui/CopyButton'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { LoadStatus } from '../../ui/LoadStatus'
import { Panel } from '../../ui/Panel'
import { badge, primaryButton } from '../../ui/styles'
import { TextAreaField } from '../../ui/TextAreaField'
import { useFormErrors } from '../../ui/useFormErrors'

const FIELDS = [
  'github_client_id',
  'github_client_secret',
  'github_orgs',
  'google_client_id',
  'google_client_secret',
  'google_domains',
] as const

const STORED_SECRET = 'stored — leave empty to keep'

/** Where the provider sends people back; registered in the provider's OAuth app. */
export function callbackUrl(provider: Provider): string {
  return `${window.location.origin}/api/auth/${provider}/callback`
}

/** "acme, widgets\nother" → ["acme", "widgets", "other"]: commas or lines, no blanks or repeats. */
export function parseList(text: string, normalise: (item: string) => string = (item) => item): string[] {
  const items = text
    .split(/[\s,;]+/)
    .map((item) => normalise(item.trim()))
    .filter((item) => item !== '')
  return [...new Set(items)]
}

const domain = (item: string) => item.replace(/^@/, '').toLowerCase()
const org = (item: string) => item.replace(/^@/, '')

function CallbackUrl({ provider, hint }: { provider: Provider; hint: string }) {
  const field = useRef<HTMLInputElement>(null)
  const url = callbackUrl(provider)
  return (
    <Field
      ref={field}
      label="Callback URL"
      mono
      readOnly
      value={url}
      hint={hint}
      spellCheck={false}
      onFocus={(event) => {
        event.currentTarget.select()
      }}
      addon={<CopyButton text={url} shown={field} label={`Copy the ${providerName(provider)} callback URL`} />}
    />
  )
}

function ProviderHeading({ provider, configured }: { provider: Provider; configured: boolean }) {
  return (
    <legend className="flex w-full items-center gap-2.5">
      <ProviderIcon provider={provider} />
      <span className="font-serif text-[19px] font-medium tracking-[-0.02em] text-ink">{providerName(provider)}</span>
      <span className={badge(configured ? 'good' : 'neutral')}>{configured ? 'configured' : 'not set up'}</span>
    </legend>
  )
}

interface ProvidersFormProps {
  settings: OAuthSettings
  onSaved: (next: OAuthSettings) => void
  /** Any edit (so "Saved." does not outlive what it was about). */
  onEdit: () => void
}

function ProvidersForm({ settings, onSaved, onEdit }: ProvidersFormProps) {
  const [githubClientId, setGithubClientId] = useState(settings.github_client_id ?? '')
  const [githubSecret, setGithubSecret] = useState('')
  const [githubOrgs, setGithubOrgs] = useState(settings.github_orgs.join('\n'))
  const [googleClientId, setGoogleClientId] = useState(settings.google_client_id ?? '')
  const [googleSecret, setGoogleSecret] = useState('')
  const [googleDomains, setGoogleDomains] = useState(settings.google_domains.join('\n'))
  const [saving, setSaving] = useState(false)
  const form = useFormErrors(FIELDS)

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (saving) return
    const github = githubClientId.trim()
    const google = googleClientId.trim()
    const rejected = form.reject({
      github_client_id: github === '' && githubSecret.trim() !== '' && 'Enter the client ID that goes with this secret.',
      google_client_id: google === '' && googleSecret.trim() !== '' && 'Enter the client ID that goes with this secret.',
    })
    if (rejected) return
    // Client IDs only when they changed (an emptied one is sent, to clear it); secrets only
    // when typed (empty keeps the stored one); the allow-lists always.
    const body: OAuthSettingsUpdate = {
      github_orgs: parseList(githubOrgs, org),
      google_domains: parseList(googleDomains, domain),
    }
    if (github !== (settings.github_client_id ?? '')) body.github_client_id = github
    if (google !== (settings.google_client_id ?? '')) body.google_client_id = google
    if (githubSecret.trim() !== '') body.github_client_secret = githubSecret.trim()
    if (googleSecret.trim() !== '') body.google_client_secret = googleSecret.trim()
    setSaving(true)
    form.reset()
    const outcome = await saveOAuthSettings(body)
    setSaving(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    onSaved(outcome.data)
  }

  const fieldProps = (name: (typeof FIELDS)[number], set: (value: string) => void) => ({
    ref: form.register(name),
    error: form.errors[name],
    onChange: (event: { target: { value: string } }) => {
      set(event.target.value)
      form.clear(name)
    },
  })

  return (
    <form noValidate aria-label="Sign-in providers" onChange={onEdit} onSubmit={(event) => void handleSubmit(event)}>
      <div className="grid gap-6 lg:grid-cols-2">
        <div className="rounded-xl border border-line bg-white/50 p-5">
          <fieldset className="space-y-4">
            <ProviderHeading provider="github" configured={settings.github_configured} />
            <CallbackUrl
              provider="github"
              hint="Create an OAuth app at GitHub (Settings → Developer settings → OAuth Apps) with this as its authorization callback URL."
            />
            <Field
              label="GitHub client ID"
              name="github-client-id"
              autoComplete="off"
              spellCheck={false}
              mono
              value={githubClientId}
              {...fieldProps('github_client_id', setGithubClientId)}
            />
            <Field
              label="GitHub client secret"
              name="github-client-secret"
              type="password"
              autoComplete="new-password"
              spellCheck={false}
              mono
              placeholder={settings.github_configured ? STORED_SECRET : undefined}
              hint={settings.github_configured ? undefined : 'Shown once by GitHub when you generate it.'}
              value={githubSecret}
              {...fieldProps('github_client_secret', setGithubSecret)}
            />
            <TextAreaField
              label="Allowed GitHub organisations"
              name="github-orgs"
              rows={3}
              spellCheck={false}
              hint="One per line, or separated by commas. Empty: any GitHub account may sign in."
              value={githubOrgs}
              {...fieldProps('github_orgs', setGithubOrgs)}
            />
          </fieldset>
        </div>

        <div className="rounded-xl border border-line bg-white/50 p-5">
          <fieldset className="space-y-4">
            <ProviderHeading provider="google" configured={settings.google_configured} />
            <CallbackUrl
              provider="google"
              hint="Create an OAuth client (web application) in the Google Cloud console and add this as an authorised redirect URI."
            />
            <Field
              label="Google client ID"
              name="google-client-id"
              autoComplete="off"
              spellCheck={false}
              mono
              value={googleClientId}
              {...fieldProps('google_client_id', setGoogleClientId)}
            />
            <Field
              label="Google client secret"
              name="google-client-secret"
              type="password"
              autoComplete="new-password"
              spellCheck={false}
              mono
              placeholder={settings.google_configured ? STORED_SECRET : undefined}
              value={googleSecret}
              {...fieldProps('google_client_secret', setGoogleSecret)}
            />
            <TextAreaField
              label="Allowed Google domains"
              name="google-domains"
              rows={3}
              spellCheck={false}
              placeholder="example.com"
              hint="Google Workspace domains, one per line or separated by commas: only accounts of these organisations may sign in, not personal Google accounts that merely use an address there. Empty: any Google account with a verified email may sign in."
              value={googleDomains}
              {...fieldProps('google_domains', setGoogleDomains)}
            />
          </fieldset>
        </div>
      </div>
      {form.failure && (
        <div className="mt-5">
          <FailureAlert failure={form.failure} lead="Could not save the providers" />
        </div>
      )}
      <button type="submit" disabled={saving} className={`${primaryButton} mt-5 h-10`}>
        {saving ? 'Saving…' : 'Save providers'}
      </button>
    </form>
  )
}

export function ProvidersPanel() {
  const { state, reload, update } = useLoad(loadOAuthSettings)
  // Bumped after a save so the form starts again from what Nimbus stored (secrets emptied).
  const [saves, setSaves] = useState(0)
  const [saved, setSaved] = useState(false)

  return (
    <Panel
      title="Sign-in providers"
      description="Let people sign in with GitHub or Google as well as a password. Changes apply at once."
    >
      <LoadStatus state={state} what="the providers" onRetry={reload} />
      {state.phase === 'ok' && (
        <>
          <ProvidersForm
            key={saves}
            settings={state.data}
            onSaved={(next) => {
              update(() => next)
              setSaves((n) => n + 1)
              setSaved(true)
            }}
            onEdit={() => {
              setSaved(false)
            }}
          />
          <p role="status" className="mt-3 text-[13px] text-good empty:hidden">
            {saved ? 'Saved.' : ''}
          </p>
        </>
      )}
    </Panel>
  )
}
