// A job's command typed as one line, split into its argument list the way a POSIX shell would
// split it (the job runs without a shell, so this is the only splitting there is): blanks
// separate arguments; '…' keeps everything inside as it is; "…" keeps it too but a backslash
// still escapes " and \ there; a backslash outside quotes keeps the next character as it is.
// No variables, globs or pipes: $, * and | are plain characters.

export type SplitCommand = { ok: true; args: string[] } | { ok: false; error: string }

const BLANK = /\s/

export function splitCommand(line: string): SplitCommand {
  const args: string[] = []
  let current = ''
  // An argument has started, even if it is still empty ('' is an empty argument).
  let started = false
  let quote: "'" | '"' | null = null
  for (let i = 0; i < line.length; i++) {
    const char = line.charAt(i)
    if (quote === "'") {
      if (char === "'") quote = null
      else current += char
      continue
    }
    if (quote === '"') {
      if (char === '"') {
        quote = null
      } else if (char === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
        current += line.charAt(i + 1)
        i++
      } else {
        current += char
      }
      continue
    }
    if (BLANK.test(char)) {
      if (started) args.push(current)
      current = ''
      started = false
    } else if (char === "'" || char === '"') {
      quote = char
      started = true
    } else if (char === '\\') {
      if (i + 1 >= line.length) {
        return { ok: false, error: 'The command ends with a lone backslash: remove it, or write \\\\ for a backslash.' }
      }
      current += line.charAt(i + 1)
      started = true
      i++
    } else {
      current += char
      started = true
    }
  }
  if (quote) {
    return { ok: false, error: `A ${quote === "'" ? 'single' : 'double'} quote (${quote}) is not closed: add the closing ${quote}.` }
  }
  if (started) args.push(current)
  return { ok: true, args }
}
