import { describe, expect, it } from 'vitest'
import { buildingVm } from '../test/vms'
import { timelineFromStream, timelineFromVm } from './steps'

const states = (steps: { step: string; state: string }[]) => steps.map(({ step, state }) => `${step}:${state}`)

describe('timeline', () => {
  it('adds the optional steps a VM has, and any step this build does not know, in order', () => {
    const vm = buildingVm({
      current_step: 'expose_tunnel',
      steps: [...buildingVm().steps, { step: 'new_thing', at: '2025-03-01T10:00:04Z', elapsed_ms: 5 }],
    })
    const steps = timelineFromVm(vm)
    expect(states(steps)).toEqual([
      'reserve_ip:done',
      'place_vm:done',
      'clone:done',
      'configure:pending',
      'resize:pending',
      'start:pending',
      'wait_ready:pending',
      'expose_tunnel:current',
      'new_thing:done',
    ])
    expect(steps.at(-1)?.label).toBe('New thing')
  })

  it('from the stream: the next step is under way until the end, the failed one marked', () => {
    const lines = [{ step: 'reserve_ip', detail: { ip: '10.0.0.7', elapsed_ms: 12 } }]
    expect(states(timelineFromStream(lines, { expect: ['expose_tunnel'] })).slice(0, 2)).toEqual([
      'reserve_ip:done',
      'place_vm:current',
    ])
    expect(timelineFromStream(lines, {}).map((s) => s.step)).not.toContain('expose_tunnel')
    expect(timelineFromStream(lines, { expect: ['expose_tunnel'] }).at(-1)?.step).toBe('expose_tunnel')
    const failed = timelineFromStream(lines, { failed: 'place_vm', finished: true })
    expect(states(failed).slice(0, 3)).toEqual(['reserve_ip:done', 'place_vm:failed', 'clone:pending'])
    expect(failed[0]).toMatchObject({ elapsedMs: 12, detail: { ip: '10.0.0.7' } })
  })
})
