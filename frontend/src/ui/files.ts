// Text files in and out of the browser: reading one the person picked (bounded, so a wrong
// pick of a photo fails with a sentence, not a frozen tab) and saving one they asked for.

/** "16 KiB", "1.5 KiB", "900 bytes". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`
  const kib = bytes / 1024
  return `${Number.isInteger(kib) ? kib : kib.toFixed(1)} KiB`
}

export type ReadOutcome = { ok: true; text: string } | { ok: false; message: string }

/** Reads `file` as UTF-8 text with FileReader, refusing anything over `limit` bytes before reading. */
export function readTextFile(file: File, limit: number, what: string): Promise<ReadOutcome> {
  if (file.size > limit) {
    return Promise.resolve({
      ok: false,
      message: `“${file.name}” is ${formatSize(file.size)}; ${what} is at most ${formatSize(limit)}. Is it the right file?`,
    })
  }
  return new Promise((resolve) => {
    const reader = new FileReader()
    reader.onload = () => {
      resolve(
        typeof reader.result === 'string'
          ? { ok: true, text: reader.result }
          : { ok: false, message: `Could not read “${file.name}” as text.` },
      )
    }
    reader.onerror = () => {
      resolve({ ok: false, message: `Could not read “${file.name}”: ${reader.error?.message ?? 'the browser refused'}.` })
    }
    reader.readAsText(file)
  })
}

/**
 * Has the browser save `text` as a file called `name` (a Blob behind a temporary link), ending
 * in a newline as text files do. Octet-stream, so no browser adds ".txt" to a name like "laptop".
 */
export function saveTextFile(name: string, text: string): void {
  const blob = new Blob([text.endsWith('\n') ? text : `${text}\n`], { type: 'application/octet-stream' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
  // Some browsers start reading the Blob only after the click returns.
  setTimeout(() => {
    URL.revokeObjectURL(url)
  }, 60_000)
}
