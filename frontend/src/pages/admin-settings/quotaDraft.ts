// The quota form's fields as typed (text) and the limits they mean: an empty field is no limit,
// memory is typed in GiB and sent in MiB, disk in GB. What cannot be a limit is said per field,
// under the API's own field names so Nimbus's refusals land in the same places.
import type { QuotaLimits } from '../../api/types'

export const QUOTA_FIELDS = [
  'max_vms',
  'max_vcpus',
  'max_memory_mib',
  'max_disk_gib',
  'max_pending',
  'approval_above',
] as const
export type QuotaField = (typeof QUOTA_FIELDS)[number]

/** What the form shows: `max_memory_mib` holds GiB, as the person types it. */
export type QuotaDraft = Record<QuotaField, string>

/** Sizes after which approval can start; xl always needs it, so it is not offered. */
export const APPROVAL_TIERS = ['small', 'medium', 'large'] as const

type Limit = number | null | undefined

function shown(value: Limit): string {
  return typeof value === 'number' ? String(value) : ''
}

/** 32768 MiB → "32", 512 → "0.5", 1536 → "1.5". */
export function gibFromMib(mib: number): string {
  return String(Math.round((mib / 1024) * 1000) / 1000)
}

export function draftFrom(limits: QuotaLimits | null | undefined): QuotaDraft {
  const l = (limits ?? {}) as Record<keyof QuotaLimits, Limit | string>
  const memory = l.max_memory_mib
  return {
    max_vms: shown(l.max_vms as Limit),
    max_vcpus: shown(l.max_vcpus as Limit),
    max_memory_mib: typeof memory === 'number' ? gibFromMib(memory) : '',
    max_disk_gib: shown(l.max_disk_gib as Limit),
    max_pending: shown(l.max_pending as Limit),
    approval_above: typeof l.approval_above === 'string' ? l.approval_above : '',
  }
}

const WHOLE = /^\d+$/
const DECIMAL = /^\d+(\.\d+)?$/

export type DraftOutcome = { ok: true; limits: QuotaLimits } | { ok: false; errors: Partial<Record<QuotaField, string>> }

/** The limits a draft means, or what is wrong with each field. */
export function limitsFrom(draft: QuotaDraft): DraftOutcome {
  const errors: Partial<Record<QuotaField, string>> = {}
  const limits: QuotaLimits = {}
  const whole = (field: 'max_vms' | 'max_vcpus' | 'max_disk_gib' | 'max_pending', what: string) => {
    const text = draft[field].trim()
    if (text === '') return
    if (WHOLE.test(text)) limits[field] = Number(text)
    else errors[field] = `Use a whole number of ${what}, or leave it empty for no limit.`
  }
  whole('max_vms', 'machines')
  whole('max_vcpus', 'vCPUs')
  const memory = draft.max_memory_mib.trim()
  if (memory !== '') {
    if (DECIMAL.test(memory)) limits.max_memory_mib = Math.round(Number(memory) * 1024)
    else errors.max_memory_mib = 'Use a number of GiB (like 32 or 0.5), or leave it empty for no limit.'
  }
  whole('max_disk_gib', 'GB')
  whole('max_pending', 'requests')
  if (draft.approval_above !== '') limits.approval_above = draft.approval_above
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, limits }
}
