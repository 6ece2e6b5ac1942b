// Dates, durations and user agents the way people read them.

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
// Dates follow the reader's locale; the words around them are English like the rest of the UI.
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
]

/** "12 Mar 2025, 14:02"; the raw text when it is not a date. */
export function formatDateTime(iso: string): string {
  const time = Date.parse(iso)
  return Number.isNaN(time) ? iso : dateTimeFormat.format(time)
}

/** "12 Mar 2025". */
export function formatDate(iso: string): string {
  const time = Date.parse(iso)
  return Number.isNaN(time) ? iso : dateFormat.format(time)
}

/** "3 minutes ago", "in 29 days", "just now". */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return iso
  const seconds = (time - now) / 1000
  if (Math.abs(seconds) < 60) return seconds <= 0 ? 'just now' : 'in a minute'
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit)
  }
  return relativeFormat.format(Math.round(seconds / 60), 'minute')
}

/** "12 ms", "3.1 s", "42 s", "1 min 5 s". */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const seconds = ms / 1000
  if (seconds < 10) return `${seconds.toFixed(1)} s`
  if (seconds < 60) return `${Math.round(seconds)} s`
  const whole = Math.round(seconds)
  const rest = whole % 60
  return rest === 0 ? `${whole / 60} min` : `${Math.floor(whole / 60)} min ${rest} s`
}

const browsers: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bFxiOS\/(\d+)/, 'Firefox'],
  [/\bCriOS\/(\d+)/, 'Chrome'],
  [/\bHeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/\bChrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  [/^curl\/([\d.]+)/, 'curl'],
  [/^python-requests\/([\d.]+)/, 'python-requests'],
  [/^node(?:-fetch)?\/?([\d.]*)/i, 'Node.js'],
]

const systems: [RegExp, string][] = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
]

/** "Firefox 128 on Linux", "curl 8.5.0"; the first 40 characters of anything unknown. */
export function shortUserAgent(userAgent: string | undefined | null): string {
  const ua = userAgent?.trim()
  if (!ua) return 'Unknown device'
  const browser = browsers.find(([pattern]) => pattern.test(ua))
  const system = systems.find(([pattern]) => pattern.test(ua))?.[1]
  if (!browser) return ua.length > 40 ? `${ua.slice(0, 39).trimEnd()}…` : ua
  const version = browser[0].exec(ua)?.[1]
  const name = version ? `${browser[1]} ${version}` : browser[1]
  return system ? `${name} on ${system}` : name
}
