import { describe, expect, it } from 'vitest'
import { splitCommand } from './splitCommand'

const args = (line: string) => {
  const split = splitCommand(line)
  if (!split.ok) throw new Error(split.error)
  return split.args
}

describe('splitCommand', () => {
  it('splits on runs of blanks, ignoring them at the ends', () => {
    expect(args('  python   train.py\t--epochs 5 ')).toEqual(['python', 'train.py', '--epochs', '5'])
    expect(args('')).toEqual([])
    expect(args('   ')).toEqual([])
  })

  it('keeps single-quoted text exactly, backslashes included', () => {
    expect(args(`echo 'a  b' 'c\\d' '$HOME'`)).toEqual(['echo', 'a  b', 'c\\d', '$HOME'])
  })

  it('keeps double-quoted text, where a backslash escapes only " and \\', () => {
    expect(args(`sh -c "echo \\"hi there\\" \\\\ \\n"`)).toEqual(['sh', '-c', 'echo "hi there" \\ \\n'])
  })

  it('joins quoted and plain parts of one argument, and keeps empty quoted arguments', () => {
    expect(args(`--name="my run"x '' ""`)).toEqual(['--name=my runx', '', ''])
  })

  it('lets a backslash outside quotes keep the next character', () => {
    expect(args('ls my\\ file \\"q\\" a\\\\b')).toEqual(['ls', 'my file', '"q"', 'a\\b'])
  })

  it('treats shell operators and variables as plain characters', () => {
    expect(args('echo $HOME | grep *.py')).toEqual(['echo', '$HOME', '|', 'grep', '*.py'])
  })

  it('says what to fix for an unclosed quote or a trailing backslash', () => {
    expect(splitCommand(`python -c 'print(1)`)).toEqual({
      ok: false,
      error: "A single quote (') is not closed: add the closing '.",
    })
    expect(splitCommand('echo "hi')).toEqual({ ok: false, error: 'A double quote (") is not closed: add the closing ".' })
    expect(splitCommand('echo \\')).toEqual({
      ok: false,
      error: 'The command ends with a lone backslash: remove it, or write \\\\ for a backslash.',
    })
  })
})
