import { renderHook } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BootstrapStatus, TemplateCell } from '../api/types'
import { ageWords, anythingMissing, canRebuild, detailWords, stateTone, stateWords } from './cells'
import { usePoll } from './usePoll'

const cell = (over: Partial<TemplateCell>): TemplateCell => ({ node: 'pve1', os: 'debian-12', state: 'present', shared: false, ...over })

const status = (cells: TemplateCell[], running = false): BootstrapStatus => ({
  running,
  bake_version: 2,
  nodes: [{ name: 'pve1', online: true }],
  oses: [{ key: 'debian-12', label: 'Debian 12' }],
  cells,
  retired: [],
  partial: false,
})

describe('template cells', () => {
  it('says each state in words, with a tone', () => {
    expect(stateWords('present')).toBe('Present')
    expect(stateWords('missing')).toBe('Missing')
    expect(stateWords('queued')).toBe('Queued')
    expect(stateWords('baking')).toBe('Baking')
    expect(stateWords('failed')).toBe('Failed')
    expect(stateTone(cell({}))).toBe('good')
    expect(stateTone(cell({ rebuild: 'Baked without the guest agent' }))).toBe('warn')
    expect(stateTone(cell({ state: 'failed' }))).toBe('bad')
  })

  it('shows the phase and percent while baking, and the reason of a failure', () => {
    expect(detailWords(cell({ state: 'baking', words: 'Downloading the image', percent: 42 }))).toBe('Downloading the image · 42 %')
    expect(detailWords(cell({ state: 'failed', reason: 'checksum mismatch' }))).toBe('checksum mismatch')
    expect(detailWords(cell({ state: 'queued' }))).toBe('Waiting its turn')
    expect(detailWords(cell({}))).toBeNull()
  })

  it('says how old a template is', () => {
    expect(ageWords(undefined)).toBeNull()
    expect(ageWords(0)).toBe('baked today')
    expect(ageWords(1)).toBe('baked yesterday')
    expect(ageWords(3)).toBe('baked 3 days ago')
  })

  it('offers a rebuild only when nothing runs and the cell is not being baked', () => {
    expect(canRebuild(status([cell({})]), cell({}))).toBe(true)
    expect(canRebuild(status([cell({})], true), cell({}))).toBe(false)
    expect(canRebuild(status([cell({ state: 'baking' })]), cell({ state: 'baking' }))).toBe(false)
    expect(anythingMissing(status([cell({})]))).toBe(false)
    expect(anythingMissing(status([cell({ state: 'failed' })]))).toBe(true)
  })
})

describe('polling', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('asks again every interval while running and stops when not', () => {
    vi.useFakeTimers()
    const tick = vi.fn()
    const { rerender, unmount } = renderHook(({ active, answer }) => { usePoll(active, 2000, tick, answer) }, {
      initialProps: { active: true, answer: 1 },
    })
    vi.advanceTimersByTime(1999)
    expect(tick).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(tick).toHaveBeenCalledTimes(1)
    // The next answer schedules the next ask.
    rerender({ active: true, answer: 2 })
    vi.advanceTimersByTime(2000)
    expect(tick).toHaveBeenCalledTimes(2)
    // Not running any more: no more asks.
    rerender({ active: false, answer: 3 })
    vi.advanceTimersByTime(10_000)
    expect(tick).toHaveBeenCalledTimes(2)
    unmount()
  })
})
