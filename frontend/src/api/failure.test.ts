import { describe, expect, it } from 'vitest'
import { describeFailure, failureFromResponse } from './failure'

describe('failureFromResponse', () => {
  it('keeps the field and the Retry-After seconds of an API error', () => {
    const response = new Response(null, { status: 429, headers: { 'Retry-After': '30' } })
    const failure = failureFromResponse(
      { success: false, error: 'Too many attempts.', code: 'rate_limited', field: 'email' },
      response,
    )
    expect(failure).toMatchObject({ code: 'rate_limited', field: 'email', retryAfter: 30 })
    expect(describeFailure(failure)).toBe('Too many attempts. Try again in 30 seconds.')
  })

  it('does not repeat the wait when the message already says it', () => {
    const response = new Response(null, { status: 429, headers: { 'Retry-After': '1' } })
    const failure = failureFromResponse(
      { error: 'Slow down. Try again in a second.', code: 'rate_limited' },
      response,
    )
    expect(describeFailure(failure)).toBe('Slow down. Try again in a second.')
  })
})
