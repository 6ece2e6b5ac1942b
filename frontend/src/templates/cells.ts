// What a node × OS cell of Admin → Templates says: its state in words, its tone, how old its
// template is, and when the page should ask again.
import type { BootstrapStatus, TemplateCell, TemplateCellState } from '../api/types'

/** How often the page asks for the status while a bootstrap runs. */
export const POLL_MS = 2_000

const STATE_WORDS: Record<TemplateCellState, string> = {
  present: 'Present',
  missing: 'Missing',
  queued: 'Queued',
  baking: 'Baking',
  failed: 'Failed',
}

export function stateWords(state: TemplateCellState): string {
  return STATE_WORDS[state]
}

export type CellTone = 'good' | 'neutral' | 'ink' | 'warn' | 'bad'

export function stateTone(cell: TemplateCell): CellTone {
  switch (cell.state) {
    case 'present':
      return cell.rebuild ? 'warn' : 'good'
    case 'missing':
      return 'neutral'
    case 'queued':
    case 'baking':
      return 'ink'
    case 'failed':
      return 'bad'
  }
}

/** "baked today", "baked yesterday", "baked 3 days ago"; null when the age is not known. */
export function ageWords(days: number | undefined | null): string | null {
  if (days === undefined || days === null) return null
  if (days <= 0) return 'baked today'
  if (days === 1) return 'baked yesterday'
  return `baked ${days} days ago`
}

/** The line under the state: the phase and percent while baking, the reason of a failure. */
export function detailWords(cell: TemplateCell): string | null {
  switch (cell.state) {
    case 'baking':
      return `${cell.words ?? 'Working'}${cell.percent !== undefined ? ` · ${cell.percent} %` : ''}`
    case 'failed':
      return cell.reason ?? 'The last bake failed.'
    case 'queued':
      return 'Waiting its turn'
    default:
      return null
  }
}

/** Whether a cell may be rebuilt on its own now (nothing runs, and it is not being baked). */
export function canRebuild(status: BootstrapStatus, cell: TemplateCell): boolean {
  return !status.running && cell.state !== 'queued' && cell.state !== 'baking'
}

/** Whether any template is missing or failed, so "Bootstrap" has something to do. */
export function anythingMissing(status: BootstrapStatus): boolean {
  return status.cells.some((cell) => cell.state === 'missing' || cell.state === 'failed')
}

/** The cell of `node` and `os`, if the status has it. */
export function cellAt(status: BootstrapStatus, node: string, os: string): TemplateCell | undefined {
  return status.cells.find((cell) => cell.node === node && cell.os === os)
}
