// The Provision form (the mockup's "What are we spinning up today?"): a hostname checked as it is
// typed, a size, a system, an SSH key and public access, with a summary of what will be built next
// to it. Mistakes found here, and the ones Nimbus finds, are shown under their field; a quota
// refusal next to the submit button. Sizes over the quota are disabled; a size that needs an
// admin's approval asks why, and the form then sends a request instead. Admins may provision for
// someone else (the machine is theirs, and gets their key).
import { type SubmitEvent, useState } from 'react'
import type { Catalog, CatalogTier, Me, NewVm, QuotaStatus, SshKey, TunnelsInfo, User } from '../../api/types'
import { normaliseKeyText, publicKeyProblem } from '../../keys/keyText'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { PageHeader } from '../../ui/Panel'
import { TextAreaField } from '../../ui/TextAreaField'
import { useFormErrors } from '../../ui/useFormErrors'
import { HOSTNAME_RULE, hostnameProblem } from './hostname'
import { KeyChoice, type KeyChoiceState } from './KeyChoice'
import { OneTimeProvision } from './OneTimeProvision'
import { OwnerPicker } from './OwnerPicker'
import { PublicSshChoice } from './PublicSshChoice'
import { headroomWords, tierFits } from './quota'
import { OsPicker, type TierOffer, TierPicker } from './SizeAndSystem'
import { Summary } from './Summary'
import { useProvisionRun } from './useProvisionRun'

const FIELDS = ['owner_id', 'hostname', 'tier', 'reason', 'os_template', 'ssh_key_id', 'ssh_pubkey', 'public_tunnel'] as const

const REASON_MAX = 500
const MUST_KEEP =
  'A machine that waits for approval keeps its generated key, encrypted, so you can download it once it is built.'

export interface ProvisionChoices {
  catalog: Catalog
  keys: SshKey[]
  /** The caller's quota; null when it could not be read (Nimbus checks it anyway). */
  quota: QuotaStatus | null
  /** Admins: the accounts a machine can be made for. */
  accounts: User[] | null
  /** Admins: each account's quota, by account id. */
  quotas: Map<string, QuotaStatus> | null
  /** Whether public tunnels are on, and through which gateway; null when it could not be read. */
  tunnels: TunnelsInfo | null
}

/** The key to start from: the catalog's default, else the one marked default, else the first. */
function defaultKeyId(catalog: Catalog, keys: SshKey[]): string {
  const named = keys.find((key) => key.id === catalog.default_key_id)
  return (named ?? keys.find((key) => key.is_default) ?? keys[0])?.id ?? ''
}

function keyFields({ mode, keyId, pubkey, keep }: KeyChoiceState, mustKeep: boolean): Partial<NewVm> {
  if (mode === 'owner') return {}
  if (mode === 'saved') return { ssh_key_id: keyId }
  if (mode === 'paste') return { ssh_pubkey: normaliseKeyText(pubkey) }
  return { generate_key: true, keep_private_key: mustKeep || keep }
}

/** The size to start from: the first that fits and needs no approval, else the first that fits. */
function defaultTier(tiers: CatalogTier[], offer: (tier: CatalogTier) => TierOffer): string {
  const open = tiers.filter((tier) => offer(tier).fits)
  return (open.find((tier) => !offer(tier).approval) ?? open[0])?.name ?? ''
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

interface ProvisionFormProps {
  choices: ProvisionChoices
  me: Me
  /** An account id to provision for (admins, from `?for=`). */
  initialOwner: string
}

export function ProvisionForm({ choices, me, initialOwner }: ProvisionFormProps) {
  const { catalog, keys, quota, accounts, quotas, tunnels } = choices
  // The tunnels answer decides; the catalog's flag stands in when it could not be read.
  const tunnelsOn = tunnels ? tunnels.enabled : catalog.tunnels_enabled
  const form = useFormErrors(FIELDS)
  const provision = useProvisionRun(form.fail)
  const ownerFor = (id: string) => accounts?.find((account) => account.id === id && id !== me.id) ?? null
  const [owner, setOwner] = useState(() => (ownerFor(initialOwner) ? initialOwner : me.id))
  const forUser = ownerFor(owner)
  const ownerQuota = forUser ? (quotas?.get(forUser.id) ?? null) : quota
  const offerFor = (other: User | null, q: QuotaStatus | null) => (tier: CatalogTier): TierOffer => ({
    fits: tierFits(tier, q && !q.exempt ? q.headroom : null),
    // Admins need no approval; neither does a machine they make for someone.
    approval: other === null && tier.needs_approval,
  })
  const offer = offerFor(forUser, ownerQuota)

  const [hostname, setHostname] = useState('')
  const [typing, setTyping] = useState(false)
  const [tier, setTier] = useState(() => defaultTier(catalog.tiers, offer))
  const [reason, setReason] = useState('')
  const [os, setOs] = useState(() => catalog.os.find((o) => o.available)?.key ?? '')
  const selfKeys = (): KeyChoiceState => ({
    mode: keys.length > 0 ? 'saved' : 'generate',
    keyId: defaultKeyId(catalog, keys),
    pubkey: '',
    keep: true,
  })
  const [keyChoice, setKeyChoice] = useState<KeyChoiceState>(() =>
    forUser ? { ...selfKeys(), mode: 'owner' } : selfKeys(),
  )
  const [tunnel, setTunnel] = useState(false)

  const chosenTier = catalog.tiers.find((t) => t.name === tier && offer(t).fits)
  const approval = chosenTier ? offer(chosenTier).approval : false
  const chosenOs = catalog.os.find((o) => o.key === os && o.available)
  // Said while typing; an empty field or a trailing hyphen waits until the field is left.
  const liveProblem = hostname.trim() === '' ? null : hostnameProblem(hostname, { typing })
  const quotaRefusal = form.failure?.code === 'quota_exceeded' ? form.failure : null

  function chooseOwner(id: string) {
    const other = ownerFor(id)
    setOwner(id)
    const nextOffer = offerFor(other, other ? (quotas?.get(other.id) ?? null) : quota)
    const current = catalog.tiers.find((t) => t.name === tier)
    if (!current || !nextOffer(current).fits) setTier(defaultTier(catalog.tiers, nextOffer))
    setKeyChoice(other ? { ...selfKeys(), mode: 'owner' } : selfKeys())
    form.reset()
  }

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (provision.busy) return
    const name = hostname.trim()
    const why = reason.trim()
    const rejected = form.reject({
      hostname: hostnameProblem(name),
      tier: chosenTier ? null : 'Pick a size.',
      reason: approval && why.length > REASON_MAX ? `Keep it to ${REASON_MAX} characters; this is ${why.length}.` : null,
      os_template: chosenOs ? null : 'Pick an operating system.',
      ssh_key_id: keyChoice.mode === 'saved' && !keys.some((k) => k.id === keyChoice.keyId) ? 'Pick one of your keys.' : null,
      ssh_pubkey: keyChoice.mode === 'paste' ? publicKeyProblem(keyChoice.pubkey) : null,
    })
    if (rejected) return
    form.reset()
    await provision.submit(
      {
        hostname: name,
        tier,
        os_template: os,
        ...keyFields(keyChoice, approval || forUser !== null),
        ...(tunnelsOn ? { public_tunnel: tunnel } : {}),
        ...(approval && why !== '' ? { reason: why } : {}),
        ...(forUser ? { owner_id: forUser.id } : {}),
      },
      { approval },
    )
  }

  if (provision.run) return <OneTimeProvision run={provision.run} onBack={provision.dismiss} />

  const whose = forUser ? `${forUser.name}’s quota` : 'Your quota'
  const anyApproval = catalog.tiers.some((t) => offer(t).approval)
  const sizeHint =
    ownerQuota || anyApproval ? (
      <>
        {ownerQuota && (
          <span data-field="quota" className="block">
            {whose}: {headroomWords(ownerQuota)}.
          </span>
        )}
        {anyApproval && <span className="block">Sizes marked APPROVAL are built once an admin approves your request.</span>}
      </>
    ) : undefined

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
          {accounts && (
            <OwnerPicker
              me={me}
              accounts={accounts}
              value={owner}
              onChange={chooseOwner}
              error={form.errors.owner_id}
              register={form.register('owner_id')}
            />
          )}
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
            offer={offer}
            whose={forUser ? 'their' : 'your'}
            hint={sizeHint}
            onChange={(value) => {
              setTier(value)
              form.clear('tier')
            }}
            error={form.errors.tier}
            register={form.register('tier')}
          />
          {approval && (
            <TextAreaField
              {...form.bind('reason', reason, setReason)}
              label="Why do you need it?"
              name="reason"
              rows={3}
              maxLength={REASON_MAX + 100}
              placeholder="e.g. Fine-tuning a model for the hackathon: it needs 8 GB of RAM."
              hint={`The admin who reviews the request reads this. Up to ${REASON_MAX} characters.`}
            />
          )}
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
            forName={forUser?.name ?? null}
            mustKeep={approval ? MUST_KEEP : null}
            value={keyChoice}
            onChange={(change) => {
              setKeyChoice((current) => ({ ...current, ...change }))
              form.clear('ssh_key_id')
              form.clear('ssh_pubkey')
            }}
            errors={{ ssh_key_id: form.errors.ssh_key_id, ssh_pubkey: form.errors.ssh_pubkey }}
            register={form.register}
          />
          <PublicSshChoice
            enabled={tunnelsOn}
            host={tunnels?.host}
            isAdmin={me.role === 'admin'}
            checked={tunnel}
            onChange={(checked) => {
              setTunnel(checked)
              form.clear('public_tunnel')
            }}
            error={form.errors.public_tunnel}
            register={form.register('public_tunnel')}
          />
          {form.failure && !quotaRefusal && <FailureAlert failure={form.failure} lead="Could not provision the machine" />}
        </div>
        <Summary
          hostname={hostname}
          tier={chosenTier}
          os={chosenOs}
          keyChoice={keyChoice}
          keys={keys}
          tunnel={tunnelsOn ? tunnel : null}
          forName={forUser?.name ?? null}
          approval={approval}
          refusal={quotaRefusal}
          busy={provision.busy}
        />
      </form>
    </div>
  )
}
