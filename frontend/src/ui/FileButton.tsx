// "Upload a file" as a button-looking label over a visually hidden file input: the input keeps
// the keyboard focus and the native picker, the label gives it a name people can find. The file
// is read as text here (bounded); the caller gets its name and contents, or a sentence to show.
import { useState } from 'react'
import { readTextFile } from './files'
import { chipButton } from './styles'

interface FileButtonProps {
  label: string
  /** Largest file accepted, in bytes. */
  limit: number
  /** What the file is, for the too-large message: "a public key file". */
  what: string
  onText: (text: string, fileName: string) => void
  onError: (message: string) => void
  disabled?: boolean
}

export function FileButton({ label, limit, what, onText, onError, disabled = false }: FileButtonProps) {
  const [reading, setReading] = useState(false)
  return (
    <label
      className={`${chipButton} cursor-pointer has-disabled:cursor-not-allowed has-disabled:opacity-50 has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-ink`}
    >
      <input
        type="file"
        className="sr-only"
        disabled={disabled || reading}
        onChange={(event) => {
          const input = event.currentTarget
          const file = input.files?.[0]
          if (!file) return
          setReading(true)
          void readTextFile(file, limit, what).then((outcome) => {
            setReading(false)
            // Picking the same file again (after fixing it on disk) fires onChange again.
            input.value = ''
            if (outcome.ok) onText(outcome.text, file.name)
            else onError(outcome.message)
          })
        }}
      />
      {reading ? 'Reading…' : label}
    </label>
  )
}
