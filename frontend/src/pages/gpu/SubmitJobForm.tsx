// The form that queues a training job: the container image, the command as one line (split the
// way a shell would; the arguments it makes are shown under it), environment rows, and optionally
// the machine the job is for. Mistakes are shown under their field, the ones Nimbus names too;
// other refusals (the plane is off, too many queued) as one alert.
import { type SubmitEvent, useState } from 'react'
import { submitGpuJob } from '../../api/gpu'
import type { GpuJob, Vm } from '../../api/types'
import { splitCommand } from '../../gpu/splitCommand'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { SelectField } from '../../ui/SelectField'
import { primaryButton } from '../../ui/styles'
import { useFormErrors } from '../../ui/useFormErrors'
import { type EnvRow, EnvRows } from './EnvRows'

const FIELDS = ['image', 'command', 'env', 'vm_id'] as const

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

function envProblem(rows: EnvRow[]): string | null {
  for (const row of rows) {
    if (row.name.trim() === '' && row.value === '') continue
    if (!ENV_NAME.test(row.name.trim())) {
      return `"${row.name.trim()}" is not a variable name: use letters, digits and _, not starting with a digit.`
    }
  }
  return null
}

/** The arguments the command line makes, shown under it as they will be passed. */
function ArgumentList({ args }: { args: string[] }) {
  if (args.length === 0) return <>Typed as in a shell: quotes and backslashes group words.</>
  return (
    <span>
      {args.length} {args.length === 1 ? 'argument' : 'arguments'}:{' '}
      <span aria-label="Arguments" className="inline-flex flex-wrap gap-1 align-middle" role="list">
        {args.map((arg, index) => (
          <code key={index} role="listitem" className="rounded bg-ink/[0.06] px-1.5 py-0.5 font-mono text-[12px] text-ink">
            {arg === '' ? '(empty)' : arg}
          </code>
        ))}
      </span>
    </span>
  )
}

interface SubmitJobFormProps {
  /** The caller's machines, for "Machine"; empty when none (or not loaded). */
  machines: Vm[]
  /** The plane takes no jobs: the form is shown but disabled. */
  disabled: boolean
  onSubmitted: (job: GpuJob) => void
}

export function SubmitJobForm({ machines, disabled, onSubmitted }: SubmitJobFormProps) {
  const form = useFormErrors(FIELDS)
  const [image, setImage] = useState('')
  const [command, setCommand] = useState('')
  const [env, setEnv] = useState<EnvRow[]>([])
  const [vmId, setVmId] = useState('')
  const [busy, setBusy] = useState(false)
  const split = splitCommand(command)

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy || disabled) return
    const rejected = form.reject({
      image: image.trim() === '' && 'Enter a container image, e.g. nimbus/stand-in:latest.',
      command: !split.ok ? split.error : split.args.length === 0 && 'Enter the command to run, e.g. python train.py.',
      env: envProblem(env),
    })
    if (rejected || !split.ok) return
    setBusy(true)
    form.reset()
    const vars = env.filter((row) => row.name.trim() !== '').map((row) => ({ name: row.name.trim(), value: row.value }))
    const outcome = await submitGpuJob({
      image: image.trim(),
      command: split.args,
      env: vars,
      ...(vmId !== '' ? { vm_id: vmId } : {}),
    })
    setBusy(false)
    if (!outcome.ok) {
      form.fail(outcome.failure)
      return
    }
    onSubmitted(outcome.data)
  }

  return (
    <form noValidate aria-label="Submit a job" className="space-y-4" onSubmit={(event) => void handleSubmit(event)}>
      <Field
        {...form.bind('image', image, setImage)}
        label="Image"
        name="image"
        autoComplete="off"
        spellCheck={false}
        mono
        placeholder="nimbus/stand-in:latest"
        disabled={disabled}
      />
      <Field
        {...form.bind('command', command, setCommand)}
        hint={split.ok ? <ArgumentList args={split.args} /> : split.error}
        label="Command"
        name="command"
        autoComplete="off"
        spellCheck={false}
        mono
        placeholder="python train.py --epochs 5"
        disabled={disabled}
      />
      <EnvRows
        rows={env}
        onChange={(rows) => {
          setEnv(rows)
          form.clear('env')
        }}
        error={form.errors.env}
        firstRef={form.register('env')}
        disabled={disabled}
      />
      {machines.length > 0 && (
        <SelectField
          ref={form.register('vm_id')}
          label="Machine"
          hint="Optional: the machine of yours the job belongs to."
          error={form.errors.vm_id}
          value={vmId}
          disabled={disabled}
          onChange={(event) => {
            setVmId(event.target.value)
            form.clear('vm_id')
          }}
        >
          <option value="">None</option>
          {machines.map((vm) => (
            <option key={vm.id} value={vm.id}>
              {vm.hostname}
            </option>
          ))}
        </SelectField>
      )}
      {form.failure && <FailureAlert failure={form.failure} lead="Could not submit the job" />}
      <button type="submit" disabled={busy || disabled} className={`${primaryButton} h-10`}>
        {busy ? 'Submitting…' : 'Submit job'}
      </button>
    </form>
  )
}
