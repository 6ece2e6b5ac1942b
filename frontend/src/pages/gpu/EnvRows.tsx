// A job's environment as rows of name and value, each removable, with "Add variable" below. The
// first name field is where an `env` refusal from Nimbus is shown and where focus goes.
import type { Ref } from 'react'
import { chipButton, dangerChipButton, input } from '../../ui/styles'

export interface EnvRow {
  /** Stable across edits and removals, for React's keys. */
  key: number
  name: string
  value: string
}

interface EnvRowsProps {
  rows: EnvRow[]
  onChange: (rows: EnvRow[]) => void
  error?: string | undefined
  firstRef: Ref<HTMLInputElement>
  disabled: boolean
}

let nextKey = 0

export function newEnvRow(): EnvRow {
  nextKey += 1
  return { key: nextKey, name: '', value: '' }
}

export function EnvRows({ rows, onChange, error, firstRef, disabled }: EnvRowsProps) {
  const edit = (key: number, change: Partial<EnvRow>) => {
    onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)))
  }
  return (
    <fieldset className="space-y-2">
      <legend className="block text-[13px] font-medium text-ink">Environment</legend>
      {rows.length === 0 && <p className="text-[12.5px] text-ink-3">No variables.</p>}
      <ul aria-label="Environment variables" className="space-y-2">
        {rows.map((row, index) => (
          <li key={row.key} className="grid grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)_auto] items-center gap-2">
            <input
              ref={index === 0 ? firstRef : undefined}
              aria-label={`Name of variable ${index + 1}`}
              aria-invalid={index === 0 && error ? true : undefined}
              value={row.name}
              placeholder="NAME"
              autoComplete="off"
              disabled={disabled}
              spellCheck={false}
              className={`${input} h-10 font-mono text-[13px]`}
              onChange={(event) => {
                edit(row.key, { name: event.target.value })
              }}
            />
            <input
              aria-label={`Value of variable ${index + 1}`}
              value={row.value}
              placeholder="value"
              autoComplete="off"
              disabled={disabled}
              spellCheck={false}
              className={`${input} h-10 font-mono text-[13px]`}
              onChange={(event) => {
                edit(row.key, { value: event.target.value })
              }}
            />
            <button
              type="button"
              aria-label={`Remove variable ${index + 1}`}
              disabled={disabled}
              className={dangerChipButton}
              onClick={() => {
                onChange(rows.filter((other) => other.key !== row.key))
              }}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="text-[12.5px] font-medium text-bad">
          {error}
        </p>
      )}
      <button
        type="button"
        disabled={disabled}
        className={chipButton}
        onClick={() => {
          onChange([...rows, newEnvRow()])
        }}
      >
        Add variable
      </button>
    </fieldset>
  )
}
