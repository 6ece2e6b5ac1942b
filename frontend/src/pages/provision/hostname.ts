// The hostname rule (one RFC 1123 label, as Proxmox, cloud-init and DNS all want it) and what is
// wrong with a name, in words, so the form can say so while it is typed. Nimbus checks again.

export const HOSTNAME_RULE =
  'Lowercase letters, digits and hyphens, up to 63 characters, starting and ending with a letter or digit.'

function describe(char: string): string {
  if (char === ' ') return 'a space'
  if (/\s/.test(char)) return 'a blank'
  return `“${char}”`
}

/** "My_Project" → "my-project": the nearest name the rule allows. */
export function toHostname(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '')
}

function tryInstead(name: string): string {
  const suggestion = toHostname(name)
  return suggestion === '' ? '' : ` Try “${suggestion}”.`
}

/**
 * What is wrong with `raw` (surrounding blanks do not count), or null. `typing`: the person is
 * still in the field, so an empty name or a hyphen at the end is not a mistake yet.
 */
export function hostnameProblem(raw: string, { typing = false }: { typing?: boolean } = {}): string | null {
  const name = raw.trim()
  if (name === '') return typing ? null : 'Give the machine a hostname, e.g. “web-1”.'
  const upper = /[A-Z]/.exec(name)
  if (upper) return `Use lowercase letters: “${upper[0]}” is uppercase.${tryInstead(name)}`
  const bad = /[^a-z0-9-]/.exec(name)
  if (bad) return `Only lowercase letters, digits and “-” can be in a hostname, not ${describe(bad[0])}.${tryInstead(name)}`
  if (name.length > 63) return `A hostname has at most 63 characters; this one has ${name.length}.`
  if (name.startsWith('-')) return 'Start the hostname with a letter or digit, not “-”.'
  if (name.endsWith('-') && !typing) return 'End the hostname with a letter or digit, not “-”.'
  return null
}
