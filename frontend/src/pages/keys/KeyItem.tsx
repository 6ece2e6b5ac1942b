// One key in the list: what it is (type, fingerprint, where it came from), whether it is the
// default and whether Nimbus keeps its private half, and what can be done with it. Rename, add
// the private half and delete open in place under the key; download and make default act at once.
import { useId, useRef, useState } from 'react'
import type { ApiFailure } from '../../api/failure'
import { deleteKey, loadKeyPrivateKey, makeDefaultKey } from '../../api/keys'
import type { SshKey } from '../../api/types'
import { describeType } from '../../keys/keyText'
import { Confirm } from '../../ui/Confirm'
import { FailureAlert } from '../../ui/FailureAlert'
import { saveTextFile } from '../../ui/files'
import { badge, chipButton, dangerChipButton } from '../../ui/styles'
import { Time } from '../../ui/Time'
import { AttachPrivateKeyForm } from './AttachPrivateKeyForm'
import { RenameKeyForm } from './RenameKeyForm'

type Mode = 'idle' | 'rename' | 'attach' | 'delete'

function deleteWarning(sshKey: SshKey): string {
  const parts = ['Machines that already have this key keep working: deleting it here does not take it off them.']
  if (sshKey.has_private_key) parts.push('Nimbus’s copy of the private half is deleted too, so make sure you have your own.')
  if (sshKey.is_default) parts.push('You will have no default key until you choose another.')
  return parts.join(' ')
}

interface KeyItemProps {
  sshKey: SshKey
  /** A key Nimbus answered with after a change (rename, private half, made default). */
  onChanged: (key: SshKey) => void
  onDeleted: (key: SshKey) => void
}

export function KeyItem({ sshKey, onChanged, onDeleted }: KeyItemProps) {
  const titleId = useId()
  const titleRef = useRef<HTMLSpanElement>(null)
  const [mode, setMode] = useState<Mode>('idle')
  const [busy, setBusy] = useState<'download' | 'default' | 'delete' | null>(null)
  const [failure, setFailure] = useState<{ lead: string; failure: ApiFailure } | null>(null)
  const [notice, setNotice] = useState('')
  const label = (action: string) => `${action}: ${sshKey.name}`

  function open(next: Mode) {
    setFailure(null)
    setNotice('')
    setMode(next)
  }

  /** Back to the plain row; focus goes to the key's name (the button that opened it may be gone). */
  function close(message = '') {
    setMode('idle')
    setNotice(message)
    titleRef.current?.focus()
  }

  async function download() {
    open('idle')
    setBusy('download')
    const outcome = await loadKeyPrivateKey(sshKey.id)
    setBusy(null)
    if (!outcome.ok) {
      setFailure({ lead: 'Could not download the private key', failure: outcome.failure })
      return
    }
    saveTextFile(outcome.data.key_name, outcome.data.private_key)
    setNotice(`Saved as “${outcome.data.key_name}”. Keep it readable only by you: chmod 600 ~/.ssh/${outcome.data.key_name}.`)
  }

  async function makeDefault() {
    open('idle')
    setBusy('default')
    const outcome = await makeDefaultKey(sshKey.id)
    setBusy(null)
    if (!outcome.ok) {
      setFailure({ lead: 'Could not make it the default', failure: outcome.failure })
      return
    }
    onChanged(outcome.data)
    close('This is now your default key: new machines get it unless you pick another.')
  }

  async function remove() {
    setBusy('delete')
    setFailure(null)
    const outcome = await deleteKey(sshKey.id)
    setBusy(null)
    if (!outcome.ok) {
      setMode('idle')
      setFailure({ lead: 'Could not delete the key', failure: outcome.failure })
      return
    }
    onDeleted(sshKey)
  }

  return (
    <li aria-labelledby={titleId} className="border-b border-line py-4 first:pt-0 last:border-b-0 last:pb-0">
      <div className="flex flex-wrap items-start justify-between gap-x-6 gap-y-3">
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-2">
            <span
              id={titleId}
              ref={titleRef}
              tabIndex={-1}
              className="font-mono text-[14px] font-medium text-ink outline-none"
            >
              {sshKey.name}
            </span>
            {sshKey.is_default && <span className={badge('ink')}>Default</span>}
            {sshKey.has_private_key ? (
              <span className={badge('good')}>Private half kept</span>
            ) : (
              <span className={badge('neutral')}>Public half only</span>
            )}
          </p>
          {sshKey.label && <p className="mt-0.5 text-[13px] text-ink-2">{sshKey.label}</p>}
          <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-0.5 text-[12.5px]">
            <dt className="text-ink-3">Type</dt>
            <dd className="text-ink-2">{describeType(sshKey)}</dd>
            <dt className="text-ink-3">Fingerprint</dt>
            <dd className="font-mono text-[12px] break-all text-ink-2">{sshKey.fingerprint}</dd>
            <dt className="text-ink-3">Source</dt>
            <dd className="text-ink-2">{sshKey.source === 'generated' ? 'Generated by Nimbus' : 'Added by you'}</dd>
            <dt className="text-ink-3">Added</dt>
            <dd className="text-ink-2">
              <Time iso={sshKey.created_at} />
            </dd>
          </dl>
        </div>
        <div className="flex flex-wrap gap-1.5 sm:max-w-[460px] sm:justify-end">
          {sshKey.has_private_key && (
            <button
              type="button"
              aria-label={label('Download private key')}
              disabled={busy !== null}
              onClick={() => void download()}
              className={chipButton}
            >
              {busy === 'download' ? 'Downloading…' : 'Download private key'}
            </button>
          )}
          {!sshKey.is_default && (
            <button
              type="button"
              aria-label={label('Make default')}
              disabled={busy !== null}
              onClick={() => void makeDefault()}
              className={chipButton}
            >
              {busy === 'default' ? 'Working…' : 'Make default'}
            </button>
          )}
          <button
            type="button"
            aria-label={label('Rename')}
            aria-expanded={mode === 'rename'}
            disabled={busy !== null}
            onClick={() => {
              open(mode === 'rename' ? 'idle' : 'rename')
            }}
            className={chipButton}
          >
            Rename
          </button>
          {!sshKey.has_private_key && (
            <button
              type="button"
              aria-label={label('Add private half')}
              aria-expanded={mode === 'attach'}
              disabled={busy !== null}
              onClick={() => {
                open(mode === 'attach' ? 'idle' : 'attach')
              }}
              className={chipButton}
            >
              Add private half
            </button>
          )}
          <button
            type="button"
            aria-label={label('Delete')}
            disabled={busy !== null}
            onClick={() => {
              open('delete')
            }}
            className={dangerChipButton}
          >
            Delete
          </button>
        </div>
      </div>
      <p role="status" className="mt-2 text-[12.5px] text-good empty:hidden">
        {notice}
      </p>
      {failure && (
        <div className="mt-3">
          <FailureAlert failure={failure.failure} lead={failure.lead} />
        </div>
      )}
      {mode === 'rename' && (
        <RenameKeyForm
          sshKey={sshKey}
          onCancel={() => {
            close()
          }}
          onSaved={(key) => {
            onChanged(key)
            close('Saved.')
          }}
        />
      )}
      {mode === 'attach' && (
        <AttachPrivateKeyForm
          sshKey={sshKey}
          onCancel={() => {
            close()
          }}
          onSaved={(key) => {
            onChanged(key)
            close('Nimbus keeps the private half now: you can download it from here.')
          }}
        />
      )}
      {mode === 'delete' && (
        <div className="mt-3">
          <Confirm
            title={`Delete the key “${sshKey.name}”?`}
            confirmLabel="Delete key"
            busy={busy === 'delete'}
            onConfirm={() => void remove()}
            onCancel={() => {
              setMode('idle')
            }}
          >
            {deleteWarning(sshKey)}
          </Confirm>
        </div>
      )}
    </li>
  )
}
