import { describe, expect, it } from 'vitest'
import { hostnameProblem } from './hostname'

describe('hostnameProblem', () => {
  it.each(['a', 'web-1', '0', 'a--b', '123', 'x'.repeat(63), '  db  '])('accepts %j', (name) => {
    expect(hostnameProblem(name)).toBeNull()
  })

  it.each([
    ['', 'Give the machine a hostname, e.g. “web-1”.'],
    ['Web', 'Use lowercase letters: “W” is uppercase. Try “web”.'],
    ['My_Project', 'Use lowercase letters: “M” is uppercase. Try “my-project”.'],
    ['web 1', 'Only lowercase letters, digits and “-” can be in a hostname, not a space. Try “web-1”.'],
    ['web.lan', 'Only lowercase letters, digits and “-” can be in a hostname, not “.”. Try “web-lan”.'],
    ['___', 'Only lowercase letters, digits and “-” can be in a hostname, not “_”.'],
    ['x'.repeat(64), 'A hostname has at most 63 characters; this one has 64.'],
    ['-web', 'Start the hostname with a letter or digit, not “-”.'],
    ['web-', 'End the hostname with a letter or digit, not “-”.'],
  ])('refuses %j: %s', (name, problem) => {
    expect(hostnameProblem(name)).toBe(problem)
  })

  it('lets an empty name or a trailing hyphen be while the person is still typing', () => {
    expect(hostnameProblem('', { typing: true })).toBeNull()
    expect(hostnameProblem('web-', { typing: true })).toBeNull()
    expect(hostnameProblem('-web', { typing: true })).not.toBeNull()
  })
})
