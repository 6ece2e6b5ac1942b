// What the Keys page knows about SSH key text before Nimbus sees it: the name rule, a name
// suggested from a file name or a key's comment, and friendly words for the usual mix-ups
// (a private key in the public field, a public key in the private one, a passphrase, PuTTY).
// Nimbus checks everything again; these only save a round trip and explain the fix.
import type { SshKey } from '../api/types'

/** 1–64 characters: lower-case letters, digits, '.', '_', '-', starting and ending with a letter or digit. */
const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/

export const NAME_RULE =
  'Lower-case letters, digits, “.”, “_” and “-”, starting and ending with a letter or digit; up to 64 characters.'

export function isKeyName(name: string): boolean {
  return NAME_PATTERN.test(name)
}

/** What is wrong with a (trimmed) name, in words, or null. */
export function nameProblem(name: string): string | null {
  if (name === '') return 'Give the key a name, e.g. “laptop”.'
  return isKeyName(name) ? null : `“${name}” cannot be a key name. ${NAME_RULE}`
}

/** "Ada@Laptop" → "ada-laptop", "id_ed25519.pub" → "id_ed25519": the nearest name the rule allows. */
export function toKeyName(raw: string): string {
  return raw
    .trim()
    .replace(/\.pub$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[._-]{2,}/g, (run) => (run.includes('-') ? '-' : run.charAt(0)))
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[^a-z0-9]+$/, '')
}

/** Public key types Nimbus takes, in the words people know them by. */
const ALGORITHMS: Record<string, string> = {
  'ssh-ed25519': 'Ed25519',
  'ssh-rsa': 'RSA',
  'ecdsa-sha2-nistp256': 'ECDSA P-256',
  'ecdsa-sha2-nistp384': 'ECDSA P-384',
  'ecdsa-sha2-nistp521': 'ECDSA P-521',
}

const PUBLIC_LINE = /^(?:ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+)\s+[A-Za-z0-9+/]+=*(?:\s|$)/

function isPrivateKeyText(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|^PuTTY-User-Key-File-/m.test(text)
}

/** Windows line ends and stray blank lines gone, as an OpenSSH file would have it. */
export function normaliseKeyText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim()
}

/** The comment after the key material (`ada@laptop`), if the line has one. */
export function keyComment(publicKey: string): string {
  const line = normaliseKeyText(publicKey).split('\n')[0] ?? ''
  return PUBLIC_LINE.test(line) ? line.split(/\s+/).slice(2).join(' ') : ''
}

/** What is wrong with the public-key field, in words, or null when it looks like a public key. */
export function publicKeyProblem(text: string): string | null {
  const key = normaliseKeyText(text)
  if (key === '') return 'Paste your public key, or upload its .pub file.'
  if (isPrivateKeyText(key)) {
    return 'This is a private key: keep it out of this field. The public half is the one-line .pub file next to it (ssh-keygen -y -f <private key file> prints it). Put the private key in the field below if Nimbus should keep it.'
  }
  if (key.startsWith('---- BEGIN SSH2 PUBLIC KEY ----')) {
    return 'This is an SSH2 (RFC 4716) public key, the PuTTY kind. Convert it to a one-line OpenSSH key with ssh-keygen -i -f <file>, then paste that.'
  }
  const lines = key.split('\n').filter((line) => line.trim() !== '')
  if (lines.length > 1 && lines.every((line) => PUBLIC_LINE.test(line.trim()))) {
    return `This holds ${lines.length} keys. Add one key at a time.`
  }
  if (!PUBLIC_LINE.test(key) || lines.length > 1) {
    return 'This does not look like an OpenSSH public key: one line that starts with ssh-ed25519, ssh-rsa or ecdsa-sha2-…, as in a .pub file.'
  }
  const type = key.split(/\s+/)[0] ?? ''
  if (type === 'ssh-dss') return 'DSA keys (ssh-dss) are too weak to use any more. Make an Ed25519 key: ssh-keygen -t ed25519.'
  if (!Object.hasOwn(ALGORITHMS, type)) {
    return `Nimbus takes Ed25519, RSA (3072 bits or more) and ECDSA keys; this one is ${type}.`
  }
  return null
}

/** "openssh-key-v1\0" then the cipher name: "none" unless a passphrase protects the key. */
function opensshCipher(key: string): string | null {
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(key)?.[1]
  if (body === undefined) return null
  try {
    const bytes = atob(body.replace(/\s+/g, ''))
    const magic = 'openssh-key-v1\0'
    if (!bytes.startsWith(magic)) return null
    const at = magic.length
    const length =
      ((bytes.charCodeAt(at) << 24) | (bytes.charCodeAt(at + 1) << 16) | (bytes.charCodeAt(at + 2) << 8) | bytes.charCodeAt(at + 3)) >>> 0
    if (length > 64) return null
    return bytes.slice(at + 4, at + 4 + length)
  } catch {
    return null
  }
}

const REMOVE_PASSPHRASE =
  'Nimbus cannot keep a key protected by a passphrase. Remove the passphrase from a copy (ssh-keygen -p -N "" -f <copy>) and use that, or leave this field empty.'

/** What is wrong with a private-key field, in words, or null when it is empty or looks usable. */
export function privateKeyProblem(text: string): string | null {
  const key = normaliseKeyText(text)
  if (key === '') return null
  if (PUBLIC_LINE.test(key)) {
    return 'This is a public key. The private half is the file without .pub; it starts with -----BEGIN OPENSSH PRIVATE KEY-----.'
  }
  if (key.startsWith('PuTTY-User-Key-File-')) {
    return 'This is a PuTTY key. In PuTTYgen, load it and choose Conversions → Export OpenSSH key (force new file format), then use that file.'
  }
  if (/Proc-Type: 4,ENCRYPTED|-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(key)) return REMOVE_PASSPHRASE
  if (key.includes('-----BEGIN OPENSSH PRIVATE KEY-----')) {
    const cipher = opensshCipher(key)
    return cipher !== null && cipher !== 'none' ? REMOVE_PASSPHRASE : null
  }
  if (/-----BEGIN (?:RSA |EC |DSA )?PRIVATE KEY-----/.test(key)) {
    return 'Nimbus takes private keys in the OpenSSH format (-----BEGIN OPENSSH PRIVATE KEY-----). ssh-keygen -p -N "" -f <copy> rewrites a copy of this one in that format.'
  }
  return null
}

/** "Ed25519 · 256 bits"; a type this build has no words for shows as its code. */
export function describeType(key: Pick<SshKey, 'algorithm' | 'bits'>): string {
  return `${ALGORITHMS[key.algorithm] ?? key.algorithm} · ${key.bits} bits`
}

/** Default first, then newest: the order Nimbus lists them in. */
export function sortKeys(keys: SshKey[]): SshKey[] {
  return [...keys].sort(
    (a, b) => Number(b.is_default) - Number(a.is_default) || Date.parse(b.created_at) - Date.parse(a.created_at),
  )
}
