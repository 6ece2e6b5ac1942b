// A point in time as relative words ("3 hours ago") with the exact time on hover
// and in the machine-readable `dateTime`.
import { formatDate, formatDateTime, formatRelative } from './format'

export function Time({ iso, style = 'relative' }: { iso: string; style?: 'relative' | 'date' }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {style === 'date' ? formatDate(iso) : formatRelative(iso)}
    </time>
  )
}
