// Step 1, Proxmox: the address (prefilled when Nimbus runs on a Proxmox node), the certificate's
// fingerprint to compare and pin, a token pasted or made from the root password, then the live
// check — version, cluster, nodes, storages and every privilege the token lacks. Next only once
// the check says Nimbus has everything it needs.
import { type SubmitEvent, useState } from 'react'
import type { ApiFailure } from '../../api/failure'
import { connectProxmox, fetchSetupFingerprint } from '../../api/setup'
import type { ClusterCheck, ProxmoxConnect, SetupState } from '../../api/types'
import { ClusterCheckView } from '../../cluster/ClusterCheckView'
import { FingerprintCheck } from '../../cluster/FingerprintCheck'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { Panel } from '../../ui/Panel'
import { ghostButton, primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'
import { type CredentialTab, CredentialTabs } from './CredentialTabs'

const FIELDS = ['url', 'fingerprint', 'token_id', 'token_secret', 'root_user', 'root_password'] as const

type Saved = NonNullable<SetupState['proxmox']>

interface ProxmoxStepProps {
  saved: SetupState
  onDone: (proxmox: Saved) => void
}

export function ProxmoxStep({ saved, onDone }: ProxmoxStepProps) {
  const before = saved.proxmox
  const [url, setUrl] = useState(before?.url ?? saved.detected_url ?? '')
  const [fingerprint, setFingerprint] = useState<string | null>(before?.fingerprint ?? null)
  const [matches, setMatches] = useState(before !== undefined)
  const [tab, setTab] = useState<CredentialTab>('paste')
  const [tokenId, setTokenId] = useState(before?.token_id ?? '')
  const [tokenSecret, setTokenSecret] = useState('')
  const [rootUser, setRootUser] = useState('root@pam')
  const [rootPassword, setRootPassword] = useState('')
  const [check, setCheck] = useState<ClusterCheck | null>(before?.check ?? null)
  const [secondFactor, setSecondFactor] = useState<ApiFailure | null>(null)
  const [busy, setBusy] = useState<'fingerprint' | 'check' | null>(null)
  const form = useFormErrors(FIELDS)

  function changeUrl(value: string) {
    setUrl(value)
    setFingerprint(null)
    setMatches(false)
    setCheck(null)
  }

  async function readFingerprint() {
    if (busy) return
    if (form.reject({ url: url.trim() === '' && 'Enter the Proxmox address, like https://10.0.0.2:8006.' })) return
    setBusy('fingerprint')
    form.reset()
    const outcome = await fetchSetupFingerprint(url.trim())
    setBusy(null)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    setUrl(outcome.data.url)
    setFingerprint(outcome.data.fingerprint)
    setMatches(false)
    setCheck(null)
  }

  function connection(): ProxmoxConnect | null {
    const rejected = form.reject({
      fingerprint: (!fingerprint || !matches) && 'Compare the fingerprint with Proxmox’s, then tick the box.',
      ...(tab === 'paste'
        ? {
            token_id: tokenId.trim() === '' && 'Enter the token’s ID, like nimbus@pve!nimbus.',
            token_secret: tokenSecret === '' && 'Paste the token’s secret.',
          }
        : {
            root_user: rootUser.trim() === '' && 'Enter the root user, like root@pam.',
            root_password: rootPassword === '' && 'Enter the root password.',
          }),
    })
    if (rejected || !fingerprint) return null
    const base = { url: url.trim(), fingerprint, token_id: '', token_secret: '', root_user: '', root_password: '' }
    if (tab === 'root') return { ...base, root_user: rootUser.trim(), root_password: rootPassword }
    return { ...base, token_id: tokenId.trim(), token_secret: tokenSecret }
  }

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const body = connection()
    if (!body) return
    setBusy('check')
    form.reset()
    setSecondFactor(null)
    const outcome = await connectProxmox(body)
    setBusy(null)
    setRootPassword('')
    if (!outcome.ok) {
      if (outcome.failure.code === 'second_factor_required') {
        setTab('paste')
        setSecondFactor(outcome.failure)
      } else {
        form.fail(outcome.failure)
      }
      return
    }
    // "Check again" sends the same token (the secret stays typed; a root password is asked again).
    setCheck(outcome.data)
  }

  return (
    <Panel title="Proxmox" description="Where your cluster is, and the API token Nimbus uses to run it.">
      <form noValidate aria-label="Proxmox" onSubmit={(event) => void handleSubmit(event)} className="space-y-5">
        <div className="flex flex-wrap items-end gap-3">
          <Field
            {...form.bind('url', url, changeUrl)}
            label="Proxmox address"
            name="proxmox-url"
            placeholder="https://10.0.0.2:8006"
            autoComplete="off"
            spellCheck={false}
            mono
            className="min-w-[260px] flex-1"
            hint={
              saved.detected_url && url === saved.detected_url
                ? 'Found on this machine: Nimbus runs on a Proxmox node.'
                : 'Any node of the cluster, with the port (8006).'
            }
          />
          <button type="button" disabled={busy !== null} onClick={() => void readFingerprint()} className={`${ghostButton} mb-[26px]`}>
            {busy === 'fingerprint' ? 'Reading…' : fingerprint ? 'Read it again' : 'Read the certificate'}
          </button>
        </div>
        {fingerprint && (
          <FingerprintCheck
            ref={form.register('fingerprint')}
            fingerprint={fingerprint}
            matches={matches}
            onMatches={(value) => {
              setMatches(value)
              form.clear('fingerprint')
            }}
            error={form.errors.fingerprint}
          />
        )}
        {fingerprint && matches && (
          <CredentialTabs
            tab={tab}
            onTab={setTab}
            bind={(name) =>
              ({
                token_id: form.bind('token_id', tokenId, setTokenId),
                token_secret: form.bind('token_secret', tokenSecret, setTokenSecret),
                root_user: form.bind('root_user', rootUser, setRootUser),
                root_password: form.bind('root_password', rootPassword, setRootPassword),
              })[name]
            }
            notice={
              secondFactor && (
                <FailureAlert failure={secondFactor} lead="The root password cannot be used">
                  <p className="mt-1">
                    This root account signs in with a second factor, which Nimbus cannot complete. Make a token in
                    Proxmox (Datacenter → Permissions → API Tokens) and paste it here.
                  </p>
                </FailureAlert>
              )
            }
          />
        )}
        {form.failure && <FailureAlert failure={form.failure} lead="Could not connect to Proxmox" />}
        {fingerprint && matches && (
          <button type="submit" disabled={busy !== null} className={check ? ghostButton : primaryButton}>
            {busy === 'check' ? 'Checking…' : check ? 'Check again' : 'Connect and check'}
          </button>
        )}
        {check && <ClusterCheckView check={check} />}
        {check && (
          <div className="flex justify-end border-t border-line pt-5">
            <button
              type="button"
              disabled={!check.ready || busy !== null}
              onClick={() => {
                onDone({ url: url.trim(), fingerprint: fingerprint ?? '', token_id: check.token_id, check })
              }}
              className={primaryButton}
            >
              Next: network
            </button>
          </div>
        )}
      </form>
    </Panel>
  )
}
