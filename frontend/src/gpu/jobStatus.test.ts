import { describe, expect, it } from 'vitest'
import { canCancel, formatDuration, isActive, queuePlace, statusLook } from './jobStatus'

describe('GPU job status', () => {
  it('names every status in words with a colour', () => {
    expect(statusLook('queued')).toEqual({ words: 'Queued', tone: 'neutral', busy: false })
    expect(statusLook('running').words).toBe('Running')
    expect(statusLook('succeeded').tone).toBe('good')
    expect(statusLook('failed').tone).toBe('bad')
    expect(statusLook('some_new_state').words).toBe('some new state')
  })

  it('knows which jobs may still change and which can be cancelled', () => {
    expect(['queued', 'running', 'cancelling'].map((status) => isActive({ status }))).toEqual([true, true, true])
    expect(['succeeded', 'failed', 'cancelled'].map((status) => isActive({ status }))).toEqual([false, false, false])
    expect(canCancel({ status: 'cancelling' })).toBe(false)
    expect(canCancel({ status: 'queued' })).toBe(true)
  })

  it('gives a queued job its place, and nothing once it runs', () => {
    expect(queuePlace({ status: 'queued', position: 2 })).toBe('#2 in queue')
    expect(queuePlace({ status: 'running', position: 1 })).toBeNull()
  })

  it('formats durations the way people read them', () => {
    expect(formatDuration(0)).toBe('0 s')
    expect(formatDuration(59.6)).toBe('1 min')
    expect(formatDuration(185)).toBe('3 min 5 s')
    expect(formatDuration(7440)).toBe('2 h 4 min')
    expect(formatDuration(7200)).toBe('2 h')
  })
})
