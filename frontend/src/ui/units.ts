// Sizes and shares the way the admin pages show them: bytes in binary units, fractions as
// percentages, and how full something is in one word.

const BYTE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** "512 MiB", "12.5 GiB", "1 TiB": one decimal below 10, none above. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes))} bytes`
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value)
  return `${shown} ${BYTE_UNITS[unit] ?? ''}`
}

/** 0.366 → "36.6%", 1 → "100%", 0.05 → "5%". */
export function formatPercent(fraction: number): string {
  const percent = Math.round(fraction * 1000) / 10
  return `${percent}%`
}

/** `part` of `whole` as 0..1 (0 when there is no whole). */
export function share(part: number, whole: number): number {
  return whole > 0 ? Math.min(1, Math.max(0, part / whole)) : 0
}

/** How full the IP pool is, in a word: healthy below 70 %, filling below 90 %, then nearly full. */
export function fullness(fraction: number): 'healthy' | 'filling' | 'nearly full' | 'full' {
  if (fraction >= 1) return 'full'
  if (fraction >= 0.9) return 'nearly full'
  if (fraction >= 0.7) return 'filling'
  return 'healthy'
}
