// The fleet as a CSV file (RFC 4180: comma-separated, CRLF between records, a field with a comma,
// quote or line break quoted, its quotes doubled). A field that a spreadsheet would run as a
// formula (=, +, -, @ first) gets a leading apostrophe, so an owner named "=HYPERLINK(…)" stays text.
import type { Vm } from '../../api/types'

export const CSV_COLUMNS = ['hostname', 'owner', 'owner_email', 'tier', 'status', 'ip', 'node', 'vmid', 'os', 'created'] as const

type Cell = string | number | null | undefined

/** One field, quoted when it has to be. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** Rows of fields as CSV text, each record ended by CRLF. */
export function toCsv(rows: readonly (readonly Cell[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('')
}

/** The machines, in the order given, under a header row naming the columns. */
export function machinesCsv(vms: readonly Vm[]): string {
  return toCsv([
    CSV_COLUMNS,
    ...vms.map((vm) => [
      vm.hostname,
      vm.owner_name,
      vm.owner_email,
      vm.tier,
      vm.status,
      vm.ip,
      vm.node,
      vm.vmid,
      vm.os,
      vm.requested_at,
    ]),
  ])
}

/** "nimbus-machines-2025-03-01.csv", dated in the reader's own time zone. */
export function csvFileName(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `nimbus-machines-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.csv`
}
