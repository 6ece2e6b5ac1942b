import { describe, expect, it } from 'vitest'
import { safeNext, signInPath, verifyPath } from './next'

describe('safeNext', () => {
  it('keeps a path inside the portal', () => {
    expect(safeNext('/account?tab=tokens')).toBe('/account?tab=tokens')
  })

  it.each([
    null,
    '',
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    'account',
    '/signin?next=%2F',
    '/verify?next=%2Faccount',
  ])('sends %j home instead', (raw) => {
    expect(safeNext(raw)).toBe('/')
  })

  it('builds the sign-in path, leaving out home', () => {
    expect(signInPath('/')).toBe('/signin')
    expect(signInPath(null)).toBe('/signin')
    expect(signInPath('/admin/users')).toBe('/signin?next=%2Fadmin%2Fusers')
  })

  it('builds the access-code path the same way', () => {
    expect(verifyPath('/')).toBe('/verify')
    expect(verifyPath('/account?tab=tokens')).toBe('/verify?next=%2Faccount%3Ftab%3Dtokens')
  })
})
