// Admin → Settings → Gopher: the reverse-tunnel gateway that gives machines public SSH and HTTPS
// subdomains. The URL and API key apply at once (no restart); the key is write-only (an empty
// field keeps the stored one) and clearing the settings turns tunnels off. "Test connection"
// calls Gopher with what the form holds (or what is stored) and shows its answer in words. Below,
// the subdomain policy: reserved names and tunnels per member.
import { type SubmitEvent, useState } from 'react'
import {
  clearGopherSettings,
  loadGopherSettings,
  saveGopherSettings,
  testGopherSettings,
} from '../../api/gopherSettings'
import type { GopherSettings, GopherTestResult } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { badge, dangerChipButton, ghostButton, primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'
import { TunnelPolicyPanel } from './TunnelPolicyPanel'

const FIELDS = ['url', 'api_key'] as const

interface GopherFormProps {
  settings: GopherSettings
  onSaved: (next: GopherSettings, word: string) => void
}

function GopherForm({ settings, onSaved }: GopherFormProps) {
  const [url, setUrl] = useState(settings.url ?? '')
  const [apiKey, setApiKey] = useState('')
  const [busy, setBusy] = useState<'save' | 'test' | 'clear' | null>(null)
  const [answer, setAnswer] = useState<GopherTestResult | null>(null)
  const form = useFormErrors(FIELDS)

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const rejected = form.reject({
      url: url.trim() === '' && "Enter Gopher's address, e.g. https://router.example.com.",
      api_key: !settings.key_configured && apiKey.trim() === '' && "Enter an API key from Gopher's Access Control page.",
    })
    if (rejected) return
    setBusy('save')
    form.reset()
    const outcome = await saveGopherSettings({ url: url.trim(), api_key: apiKey.trim() })
    setBusy(null)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    onSaved(outcome.data, 'Saved: tunnels are on.')
  }

  async function handleTest() {
    if (busy) return
    setBusy('test')
    setAnswer(null)
    form.reset()
    const outcome = await testGopherSettings({ url: url.trim(), api_key: apiKey.trim() })
    setBusy(null)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    setAnswer(outcome.data)
  }

  async function handleClear() {
    if (busy) return
    setBusy('clear')
    form.reset()
    const outcome = await clearGopherSettings()
    setBusy(null)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    onSaved(outcome.data, 'Cleared: tunnels are off.')
  }

  const fieldProps = (name: (typeof FIELDS)[number], set: (value: string) => void) => ({
    ref: form.register(name),
    error: form.errors[name],
    onChange: (event: { target: { value: string } }) => {
      set(event.target.value)
      form.clear(name)
      setAnswer(null)
    },
  })

  return (
    <form noValidate aria-label="Gopher" className="space-y-4" onSubmit={(event) => void handleSubmit(event)}>
      <p>
        <span className={badge(settings.enabled ? 'good' : 'neutral')}>
          {settings.enabled ? 'tunnels on' : 'tunnels off'}
        </span>
      </p>
      <Field
        label="Gopher URL"
        name="gopher-url"
        autoComplete="off"
        spellCheck={false}
        mono
        placeholder="https://router.example.com"
        value={url}
        {...fieldProps('url', setUrl)}
      />
      <Field
        label="API key"
        name="gopher-api-key"
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        mono
        placeholder={settings.key_configured ? 'configured — leave empty to keep' : undefined}
        hint={settings.key_configured ? undefined : "Create one on Gopher's Access Control page."}
        value={apiKey}
        {...fieldProps('api_key', setApiKey)}
      />
      {answer && (
        <p role="status" className={`text-[13px] ${answer.ok ? 'text-good' : 'text-bad'}`}>
          {answer.message}
        </p>
      )}
      {form.failure && <FailureAlert failure={form.failure} lead="Gopher settings" />}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={busy !== null} className={`${primaryButton} h-10`}>
          {busy === 'save' ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          disabled={busy !== null}
          className={`${ghostButton} h-10`}
          onClick={() => void handleTest()}
        >
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        {(settings.url !== undefined || settings.key_configured) && (
          <button
            type="button"
            disabled={busy !== null}
            className={dangerChipButton}
            onClick={() => void handleClear()}
          >
            Clear (turn tunnels off)
          </button>
        )}
      </div>
    </form>
  )
}

export function GopherSettingsPage() {
  const { state, reload, update } = useLoad(loadGopherSettings)
  const [saves, setSaves] = useState(0)
  const [saved, setSaved] = useState('')
  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · Settings · Gopher"
        title={
          <>
            Public <em className="italic">tunnels.</em>
          </>
        }
        lead="Gopher gives machines a public SSH address and HTTPS subdomains. Changes apply at once, without a restart."
      />
      <Panel title="Gopher gateway" description="The key is never shown again once saved.">
        <LoadStatus state={state} what="the Gopher settings" onRetry={reload} />
        {state.phase === 'ok' && (
          <GopherForm
            // A save starts the form over from what Nimbus stored (the key emptied).
            key={saves}
            settings={state.data}
            onSaved={(next, word) => {
              update(() => next)
              setSaves((n) => n + 1)
              setSaved(word)
            }}
          />
        )}
        <p role="status" className="mt-3 text-[13px] text-good empty:hidden">
          {saved}
        </p>
      </Panel>
      <TunnelPolicyPanel />
    </div>
  )
}
