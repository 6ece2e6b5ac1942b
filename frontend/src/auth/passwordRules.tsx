// The password rules the server enforces, shown where people choose a password. The
// length is checked as they type; "not a common password" only Nimbus can check.
import { useId } from 'react'

export const MIN_PASSWORD_LENGTH = 10

export function passwordProblem(password: string): string | null {
  return password.length < MIN_PASSWORD_LENGTH
    ? `Use at least ${MIN_PASSWORD_LENGTH} characters (${password.length} so far).`
    : null
}

export function PasswordRules({ password }: { password: string }) {
  const longEnough = password.length >= MIN_PASSWORD_LENGTH
  const labelId = useId()
  return (
    <div>
      <span id={labelId} className="sr-only">
        Password rules:
      </span>
      <ul aria-labelledby={labelId} className="space-y-0.5">
        <li className={longEnough ? 'text-good' : undefined}>
          <span aria-hidden="true" className="inline-block w-4 font-mono">
            {longEnough ? '✓' : '·'}
          </span>
          At least {MIN_PASSWORD_LENGTH} characters
          {longEnough && <span className="sr-only"> (done)</span>}
        </li>
        <li>
          <span aria-hidden="true" className="inline-block w-4 font-mono">
            ·
          </span>
          Not a common password
        </li>
      </ul>
    </div>
  )
}
