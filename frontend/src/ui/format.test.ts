import { describe, expect, it } from 'vitest'
import { formatElapsed, formatRelative, shortUserAgent } from './format'

describe('shortUserAgent', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox 128 on Linux'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87',
      'Edge 126 on Windows',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari 17 on iOS',
    ],
    ['curl/8.5.0', 'curl 8.5.0'],
    [undefined, 'Unknown device'],
    ['SomeRobot/1.0 (a very long description that goes on and on)', 'SomeRobot/1.0 (a very long description…'],
  ])('%s → %s', (userAgent, expected) => {
    expect(shortUserAgent(userAgent)).toBe(expected)
  })
})

describe('formatElapsed', () => {
  it.each([
    [12, '12 ms'],
    [3100, '3.1 s'],
    [42_400, '42 s'],
    [65_000, '1 min 5 s'],
    [120_000, '2 min'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text)
  })
})

describe('formatRelative', () => {
  const now = Date.parse('2025-03-01T12:00:00Z')
  it('reads like speech, past and future', () => {
    expect(formatRelative('2025-03-01T11:59:30Z', now)).toBe('just now')
    expect(formatRelative('2025-03-01T09:00:00Z', now)).toBe('3 hours ago')
    expect(formatRelative('2025-03-31T12:00:00Z', now)).toBe('next month')
    expect(formatRelative('2025-03-08T12:00:00Z', now)).toBe('in 7 days')
    expect(formatRelative('not a date', now)).toBe('not a date')
  })
})
