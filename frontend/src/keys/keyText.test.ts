import { describe, expect, it } from 'vitest'
import { describeType, isKeyName, keyComment, nameProblem, privateKeyProblem, publicKeyProblem, toKeyName } from './keyText'

const ED25519_PUB = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdU7tW0Xj7qQ2zv1cJmJ4mW9o2p0Wc3yW5YwM1bS2nX ada@Laptop'

/** An OpenSSH private key's armour around `openssh-key-v1\0` and the given cipher name. */
function opensshKey(cipher: string): string {
  const length = String.fromCharCode(0, 0, 0, cipher.length)
  const body = btoa(`openssh-key-v1\0${length}${cipher}${length}${cipher === 'none' ? 'none' : 'bcrypt'}`)
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`
}

describe('key names', () => {
  it.each([
    ['laptop', true],
    ['id_ed25519', true],
    ['lab.pc', true],
    ['a', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['Laptop', false],
    ['-laptop', false],
    ['laptop.', false],
    ['my laptop', false],
    ['', false],
  ])('%s → %s', (name, valid) => {
    expect(isKeyName(name)).toBe(valid)
  })

  it.each([
    ['ada@Laptop', 'ada-laptop'],
    ['id_ed25519.pub', 'id_ed25519'],
    ['Ada Lovelace’s MacBook Pro', 'ada-lovelace-s-macbook-pro'],
    ['--weird__..name--', 'weird_name'],
    ['@@@', ''],
    [`x${'y'.repeat(70)}`, `x${'y'.repeat(63)}`],
  ])('suggests %s → %s', (raw, name) => {
    expect(toKeyName(raw)).toBe(name)
    if (name !== '') expect(isKeyName(name)).toBe(true)
  })

  it('explains the rule when a name breaks it', () => {
    expect(nameProblem('')).toBe('Give the key a name, e.g. “laptop”.')
    expect(nameProblem('My Laptop')).toContain('“My Laptop” cannot be a key name. Lower-case letters')
    expect(nameProblem('laptop')).toBeNull()
  })
})

describe('public key field', () => {
  it('takes an OpenSSH public key line and reads its comment', () => {
    expect(publicKeyProblem(`  ${ED25519_PUB}\r\n`)).toBeNull()
    expect(keyComment(ED25519_PUB)).toBe('ada@Laptop')
    expect(keyComment('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdU7tW0')).toBe('')
  })

  it('recognises a private key pasted where the public one goes', () => {
    expect(publicKeyProblem(opensshKey('none'))).toMatch(/^This is a private key/)
    expect(publicKeyProblem('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).toMatch(
      /^This is a private key/,
    )
  })

  it('names the other usual mistakes', () => {
    expect(publicKeyProblem('')).toBe('Paste your public key, or upload its .pub file.')
    expect(publicKeyProblem('ssh-dss AAAAB3NzaC1kc3MAAACBAP')).toMatch(/^DSA keys/)
    expect(publicKeyProblem('sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5')).toBe(
      'Nimbus takes Ed25519, RSA (3072 bits or more) and ECDSA keys; this one is sk-ssh-ed25519@openssh.com.',
    )
    expect(publicKeyProblem(`${ED25519_PUB}\n${ED25519_PUB}`)).toBe('This holds 2 keys. Add one key at a time.')
    expect(publicKeyProblem('---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----')).toMatch(/SSH2/)
    expect(publicKeyProblem('hello')).toMatch(/^This does not look like an OpenSSH public key/)
  })
})

describe('private key field', () => {
  it('is happy with nothing, or an OpenSSH key without a passphrase', () => {
    expect(privateKeyProblem('')).toBeNull()
    expect(privateKeyProblem(opensshKey('none'))).toBeNull()
  })

  it('recognises a public key pasted where the private one goes', () => {
    expect(privateKeyProblem(ED25519_PUB)).toMatch(/^This is a public key/)
  })

  it('sees a passphrase, in the OpenSSH format and in PEM', () => {
    expect(privateKeyProblem(opensshKey('aes256-ctr'))).toMatch(/^Nimbus cannot keep a key protected by a passphrase/)
    expect(
      privateKeyProblem('-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----'),
    ).toMatch(/passphrase/)
  })

  it('asks for the OpenSSH format instead of PEM or PuTTY', () => {
    expect(privateKeyProblem('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).toMatch(
      /OpenSSH format/,
    )
    expect(privateKeyProblem('PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none')).toMatch(/PuTTYgen/)
  })
})

describe('describeType', () => {
  it('says the algorithm as people know it, with its size', () => {
    expect(describeType({ algorithm: 'ssh-ed25519', bits: 256 })).toBe('Ed25519 · 256 bits')
    expect(describeType({ algorithm: 'ecdsa-sha2-nistp384', bits: 384 })).toBe('ECDSA P-384 · 384 bits')
    expect(describeType({ algorithm: 'ssh-new-thing', bits: 512 })).toBe('ssh-new-thing · 512 bits')
  })
})
