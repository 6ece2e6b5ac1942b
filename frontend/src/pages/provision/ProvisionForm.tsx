// The Provision form (the mockup's "What are we spinning up today?"): a hostname checked as it is
// typed, a size, a system, an SSH key and public access, with a summary of what will be built next
// to it. Mistakes found here, and the ones Nimbus finds, are shown under their field.
import { type SubmitEvent, useState } from 'react'
import type { Catalog, NewVm, SshKey } from '../../api/types'
import { CheckboxField } from '../../ui/CheckboxField'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { PageHeader } from '../../ui/Panel'
import { useFormErrors } from '../../ui/useFormErrors'
import { normaliseKeyText, publicKeyProblem } from '../keys/keyText'
import { HOSTNAME_RULE, hostnameProblem } from './hostname'
import { KeyChoice, type KeyChoiceState } from './KeyChoice'
import { OneTimeProvision } from './OneTimeProvision'
import { OsPicker, TierPicker } from './SizeAndSystem'
import { Summary } from './Summary'
import { useProvisionRun } from './useProvisionRun'

const FIELDS = ['hostname', 'tier', 'os_template', 'ssh_key_id', 'ssh_pubkey', 'public_tunnel'] as const

/** The key to start from: the catalog's default, else the one marked default, else the first. */
function defaultKeyId(catalog: Catalog, keys: SshKey[]): string {
  const named = keys.find((key) => key.id === catalog.default_key_id)
  return (named ?? keys.find((key) => key.is_default) ?? keys[0])?.id ?? ''
}

function keyFields({ mode, keyId, pubkey, keep }: KeyChoiceState): Partial<NewVm> {
  if (mode === 'saved') return { ssh_key_id: keyId }
  if (mode === 'paste') return { ssh_pubkey: normaliseKeyText(pubkey) }
  return { generate_key: true, keep_private_key: keep }
}

export function ProvisionHeader() {
  return (
    <PageHeader
      eyebrow="New machine"
      title={
        <>
          What are we spinning up <em className="italic">today?</em>
        </>
      }
      lead="Pick a name, a size and a key. Nimbus builds the machine on the cluster in about a minute."
    />
  )
}

export function ProvisionForm({ catalog, keys }: { catalog: Catalog; keys: SshKey[] }) {
  const form = useFormErrors(FIELDS)
  const provision = useProvisionRun(form.fail)
  const [hostname, setHostname] = useState('')
  const [typing, setTyping] = useState(false)
  const [tier, setTier] = useState(() => catalog.tiers.find((t) => !t.needs_approval)?.name ?? '')
  const [os, setOs] = useState(() => catalog.os.find((o) => o.available)?.key ?? '')
  const [keyChoice, setKeyChoice] = useState<KeyChoiceState>(() => ({
    mode: keys.length > 0 ? 'saved' : 'generate',
    keyId: defaultKeyId(catalog, keys),
    pubkey: '',
    keep: true,
  }))
  const [tunnel, setTunnel] = useState(false)

  const chosenTier = catalog.tiers.find((t) => t.name === tier && !t.needs_approval)
  const chosenOs = catalog.os.find((o) => o.key === os && o.available)
  // Said while typing; an empty field or a trailing hyphen waits until the field is left.
  const liveProblem = hostname.trim() === '' ? null : hostnameProblem(hostname, { typing })

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (provision.busy) return
    const name = hostname.trim()
    const rejected = form.reject({
      hostname: hostnameProblem(name),
      tier: chosenTier ? null : 'Pick a size.',
      os_template: chosenOs ? null : 'Pick an operating system.',
      ssh_key_id: keyChoice.mode === 'saved' && !keys.some((k) => k.id === keyChoice.keyId) ? 'Pick one of your keys.' : null,
      ssh_pubkey: keyChoice.mode === 'paste' ? publicKeyProblem(keyChoice.pubkey) : null,
    })
    if (rejected) return
    form.reset()
    await provision.submit({
      hostname: name,
      tier,
      os_template: os,
      ...keyFields(keyChoice),
      ...(catalog.tunnels_enabled ? { public_tunnel: tunnel } : {}),
    })
  }

  if (provision.run) return <OneTimeProvision run={provision.run} onBack={provision.dismiss} />

  return (
    <div className="space-y-8">
      <ProvisionHeader />
      <form
        noValidate
        aria-label="New machine"
        onSubmit={(event) => void handleSubmit(event)}
        className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_340px]"
      >
        <div className="glass space-y-6 p-6 sm:p-7">
          <Field
            ref={form.register('hostname')}
            label="Hostname"
            name="hostname"
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="none"
            mono
            placeholder="e.g. my-project"
            maxLength={80}
            value={hostname}
            error={form.errors.hostname ?? liveProblem}
            hint={`${HOSTNAME_RULE} No other machine may have it.`}
            onFocus={() => {
              setTyping(true)
            }}
            onBlur={() => {
              setTyping(false)
            }}
            onChange={(event) => {
              setHostname(event.target.value)
              form.clear('hostname')
            }}
          />
          <TierPicker
            options={catalog.tiers}
            value={tier}
            onChange={(value) => {
              setTier(value)
              form.clear('tier')
            }}
            error={form.errors.tier}
            register={form.register('tier')}
          />
          <OsPicker
            options={catalog.os}
            value={os}
            onChange={(value) => {
              setOs(value)
              form.clear('os_template')
            }}
            error={form.errors.os_template}
            register={form.register('os_template')}
          />
          <KeyChoice
            keys={keys}
            value={keyChoice}
            onChange={(change) => {
              setKeyChoice((current) => ({ ...current, ...change }))
              form.clear('ssh_key_id')
              form.clear('ssh_pubkey')
            }}
            errors={{ ssh_key_id: form.errors.ssh_key_id, ssh_pubkey: form.errors.ssh_pubkey }}
            register={form.register}
          />
          <div>
            <p className="text-[13px] font-medium text-ink">Public access</p>
            <div className="mt-1.5">
              <CheckboxField
                ref={form.register('public_tunnel')}
                label="Expose SSH publicly"
                checked={catalog.tunnels_enabled && tunnel}
                disabled={!catalog.tunnels_enabled}
                error={form.errors.public_tunnel}
                onChange={(checked) => {
                  setTunnel(checked)
                  form.clear('public_tunnel')
                }}
                description={
                  catalog.tunnels_enabled
                    ? 'Opens a public tunnel to port 22, so you can reach the machine from outside this network.'
                    : 'Public tunnels are not set up on this Nimbus.'
                }
              />
            </div>
          </div>
          {form.failure && <FailureAlert failure={form.failure} lead="Could not provision the machine" />}
        </div>
        <Summary
          hostname={hostname}
          tier={chosenTier}
          os={chosenOs}
          keyChoice={keyChoice}
          keys={keys}
          tunnel={catalog.tunnels_enabled ? tunnel : null}
          busy={provision.busy}
        />
      </form>
    </div>
  )
}
