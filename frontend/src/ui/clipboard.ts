// Copying text people have to paste elsewhere (a token, the access code, a callback URL).
// The Clipboard API exists only in secure contexts; on plain http over the LAN the text is
// selected instead so Ctrl+C finishes the job.

export type CopyState = 'idle' | 'copied' | 'select'

/** Copies `text`, or selects it in `shown` (an input, or any element showing it) when it cannot. */
export async function copyText(text: string, shown: HTMLElement | null): Promise<CopyState> {
  try {
    // `clipboard` is missing outside secure contexts, whatever the DOM types say.
    if ('clipboard' in navigator && typeof navigator.clipboard.writeText === 'function') {
      await navigator.clipboard.writeText(text)
      return 'copied'
    }
  } catch {
    // Permission denied or no secure context: fall through to selecting the text.
  }
  if (shown instanceof HTMLInputElement || shown instanceof HTMLTextAreaElement) {
    shown.focus()
    shown.select()
  } else if (shown) {
    window.getSelection()?.selectAllChildren(shown)
  }
  return 'select'
}

/** What to say after a copy attempt. */
export function copyMessage(state: CopyState): string {
  if (state === 'copied') return 'Copied to the clipboard.'
  if (state === 'select') return 'Selected: press Ctrl+C (⌘C on a Mac) to copy it.'
  return ''
}
