// A machine built with a generated key Nimbus does not keep: the timeline follows the provision
// stream on this page, and when the machine is up its private key is handed over here, once
// (the browser is asked to save it too). Nimbus never stores it, and the page says so.
import { useEffect, useId, useRef } from 'react'
import { Link } from 'react-router'
import { CopyButton } from '../../ui/CopyButton'
import { FailureAlert } from '../../ui/FailureAlert'
import { saveTextFile } from '../../ui/files'
import { ghostButton, primaryButton } from '../../ui/styles'
import { BuildCard, type BuildOutcome } from '../../vm/BuildCard'
import { CopyCell, sshCommand } from '../../vm/CopyCell'
import { stepLabel, timelineFromStream } from '../../vm/steps'
import { Timeline } from '../../vm/Timeline'
import { keyFileName, type OneTimeRun } from './useProvisionRun'

function KeyHandOver({ run }: { run: OneTimeRun & { result: NonNullable<OneTimeRun['result']> } }) {
  const { result } = run
  const privateKey = result.ssh_private_key ?? ''
  const file = keyFileName(result)
  const path = `~/.ssh/${file}`
  const labelId = useId()
  const noticeRef = useRef<HTMLDivElement>(null)
  const shownRef = useRef<HTMLPreElement>(null)

  // Land on the warning, so nobody tabs past the only copy.
  useEffect(() => {
    noticeRef.current?.focus()
  }, [])

  return (
    <div className="space-y-4">
      <div
        ref={noticeRef}
        tabIndex={-1}
        role="alert"
        className="rounded-xl border border-warn/25 bg-warn/[0.07] px-4 py-3 text-[13px] text-ink-2 outline-none"
      >
        <span className="font-medium text-warn">This is the only time you will see the private key.</span> Your browser is
        saving it as <code className="font-mono text-[12px]">{file}</code>; Nimbus does not keep it anywhere.
      </div>
      {result.unconfirmed && (
        <p role="note" className="rounded-xl border border-warn/25 bg-warn/[0.07] px-4 py-3 text-[13px] text-ink-2">
          <span className="font-medium text-warn">Nimbus could not confirm the machine answers.</span>{' '}
          {result.warning ?? 'It was started and kept; it may still be booting.'}
        </p>
      )}
      <div>
        <p id={labelId} className="eyebrow text-[10.5px]">
          Private key ({file}, Ed25519)
        </p>
        <pre
          ref={shownRef}
          aria-labelledby={labelId}
          tabIndex={0}
          className="mt-1.5 max-h-64 overflow-auto rounded-lg bg-ink px-3.5 py-3 font-mono text-[12px] leading-relaxed text-white/90"
        >
          <code>{privateKey}</code>
        </pre>
        <div className="mt-2.5 flex flex-wrap items-center gap-2">
          <CopyButton text={privateKey} shown={shownRef} label="Copy the private key" />
          <button
            type="button"
            onClick={() => {
              saveTextFile(file, privateKey)
            }}
            className={`${ghostButton} h-9 px-4 text-[13px]`}
          >
            Download private key
          </button>
        </div>
      </div>
      {result.ip && (
        <div className="grid gap-3 sm:grid-cols-2">
          <CopyCell label="IP address" value={result.ip} copyLabel="Copy the IP address" />
          <CopyCell label="Username" value={result.username} copyLabel="Copy the username" />
          <CopyCell
            label="SSH command"
            value={sshCommand(result.username, result.ip, file)}
            copyLabel="Copy the SSH command"
            wide
          />
          {result.public_ssh && (
            <CopyCell
              label="SSH from anywhere"
              value={`${result.public_ssh} -i ${path}`}
              copyLabel="Copy the public SSH command"
              wide
            />
          )}
        </div>
      )}
      {result.tunnel_error && (
        <p role="note" className="rounded-xl border border-warn/25 bg-warn/[0.07] px-4 py-3 text-[13px] text-ink-2">
          <span className="font-medium text-warn">Public SSH is not working yet.</span> {result.tunnel_error} The
          machine’s page offers Retry public access.
        </p>
      )}
      <p className="text-[12.5px] text-ink-3">
        Move the file to <code className="font-mono text-[11.5px]">{path}</code> and make it readable only by you:{' '}
        <code className="font-mono text-[11.5px]">chmod 600 {path}</code>
      </p>
      <div className="flex flex-wrap justify-end gap-2">
        <Link to={`/machines/${encodeURIComponent(result.id)}`} className={ghostButton}>
          Open the machine’s page
        </Link>
        <Link to="/" className={primaryButton}>
          I have saved it
        </Link>
      </div>
    </div>
  )
}

export function OneTimeProvision({ run, onBack }: { run: OneTimeRun; onBack: () => void }) {
  const finished = run.result !== null || run.error !== null || run.lost !== null
  const outcome: BuildOutcome = run.result ? 'ready' : run.error ? 'failed' : 'building'
  const steps = timelineFromStream(run.steps, { expect: run.expect, failed: run.error?.step ?? null, finished })
  const progress = run.id ? `/machines/${encodeURIComponent(run.id)}/progress` : null
  const lead = run.result
    ? 'Save the private key now: it is not shown again.'
    : run.error
      ? 'Nimbus is undoing what it had done.'
      : 'Keep this page open: the private key appears here, once, when the machine is ready.'

  return (
    <BuildCard hostname={run.hostname} outcome={outcome} lead={lead}>
      <Timeline steps={steps} />
      {run.result && <KeyHandOver run={{ ...run, result: run.result }} />}
      {run.error && (
        <div className="space-y-4">
          <div role="alert" className="rounded-xl border border-bad/20 bg-bad/[0.06] px-4 py-3 text-[13px] text-ink-2">
            <span className="font-medium text-bad">
              {run.error.step ? `${stepLabel(run.error.step)} failed` : 'The provision failed'}:
            </span>{' '}
            {run.error.message}
          </div>
          <div className="flex flex-wrap justify-center gap-2">
            {progress && (
              <Link to={progress} className={ghostButton}>
                Follow the clean-up
              </Link>
            )}
            <button type="button" onClick={onBack} className={primaryButton}>
              Back to the form
            </button>
          </div>
        </div>
      )}
      {run.lost && (
        <FailureAlert failure={run.lost} lead="Lost the connection before the machine was ready">
          <p className="mt-2">
            It keeps building without this page, but its private key was to be shown only here and cannot be shown
            again. Follow the machine on its progress page; if it comes up, you will need a new machine or another key
            to reach it.
          </p>
          {progress && (
            <Link to={progress} className={`${primaryButton} mt-3 h-9 px-4 text-[13px]`}>
              Follow its progress
            </Link>
          )}
        </FailureAlert>
      )}
    </BuildCard>
  )
}
