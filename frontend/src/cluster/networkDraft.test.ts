import { describe, expect, it } from 'vitest'
import { network } from '../test/setup.fixtures'
import { networkDraft, networkForm, networkProblems } from './networkDraft'

describe('the network draft', () => {
  it('starts empty with a /24, or from what was saved, and sends the same form back', () => {
    expect(networkDraft()).toMatchObject({ pool_start: '', prefix: '24' })
    expect(networkForm(networkDraft(network))).toEqual(network)
  })

  it('names each field to fill in, and a prefix Nimbus would refuse (8 to 30)', () => {
    const problems = networkProblems({ ...networkDraft(), prefix: '31' })
    expect(Object.keys(problems).sort()).toEqual(['gateway', 'pool_end', 'pool_start', 'prefix'])
    expect(problems.prefix).toContain('from 8 to 30')
    expect(networkProblems({ ...networkDraft(network), prefix: ' 16 ' })).toEqual({})
    expect(networkProblems({ ...networkDraft(network), prefix: '7' }).prefix).toBeDefined()
  })
})
