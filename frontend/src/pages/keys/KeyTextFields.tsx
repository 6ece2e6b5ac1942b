// Pieces the Keys page's forms share: the name rule under every name field, and a key textarea
// that can also be filled from a file (read here, size-checked, never uploaded as a file).
import type { ReactNode, Ref } from 'react'
import { NAME_RULE } from '../../keys/keyText'
import { FileButton } from '../../ui/FileButton'
import { TextAreaField } from '../../ui/TextAreaField'

/** Public key files are one line; 16 KiB is far above any real one. */
export const PUBLIC_KEY_LIMIT = 16 * 1024
/** An OpenSSH private key file, RSA 16384 included, fits well inside 64 KiB. */
export const PRIVATE_KEY_LIMIT = 64 * 1024

export function NameHint() {
  return (
    <>
      {NAME_RULE} It is also the file name, as in{' '}
      <code className="font-mono text-[11.5px]">ssh -i ~/.ssh/&lt;name&gt;</code>.
    </>
  )
}

interface KeyTextAreaProps {
  label: string
  name: string
  value: string
  hint?: ReactNode
  error?: string | undefined
  placeholder: string
  rows: number
  ref?: Ref<HTMLTextAreaElement>
  upload: { label: string; limit: number; what: string }
  onText: (text: string, fileName?: string) => void
  onFileError: (message: string) => void
}

export function KeyTextArea({ upload, onText, onFileError, ref, ...field }: KeyTextAreaProps) {
  return (
    <div className="relative">
      <TextAreaField
        ref={ref}
        spellCheck={false}
        autoCapitalize="none"
        autoComplete="off"
        {...field}
        onChange={(event) => {
          onText(event.target.value)
        }}
      />
      <div className="absolute top-0 right-0">
        <FileButton
          label={upload.label}
          limit={upload.limit}
          what={upload.what}
          onText={onText}
          onError={onFileError}
        />
      </div>
    </div>
  )
}
