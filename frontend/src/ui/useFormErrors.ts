// Error bookkeeping shared by the portal's forms: client-side checks and API failures
// land under the field they are about (the API names it in `field`), anything else in
// one alert for the form; focus goes to the first field in error.
import { type ChangeEvent, useCallback, useRef, useState } from 'react'
import { type ApiFailure, describeFailure } from '../api/failure'

/** A control an error can be shown under and focus can go to. */
type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement

export function useFormErrors<F extends string>(fields: readonly F[]) {
  const inputs = useRef(new Map<F, Control>())
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({})
  const [failure, setFailure] = useState<ApiFailure | null>(null)

  /** `ref={register('email')}` on the field's input, so errors can focus it. */
  const register = useCallback(
    (name: F) => (element: Control | null) => {
      if (element) inputs.current.set(name, element)
      else inputs.current.delete(name)
    },
    [],
  )

  const focusFirst = useCallback(
    (found: Partial<Record<F, string>>) => {
      const first = fields.find((name) => found[name])
      if (first) inputs.current.get(first)?.focus()
    },
    [fields],
  )

  /** Shows client-side problems; returns true when there were any (so the caller stops). */
  const reject = useCallback(
    (found: Partial<Record<F, string | null | false | undefined>>): boolean => {
      const messages: Partial<Record<F, string>> = {}
      for (const name of fields) {
        const message = found[name]
        if (typeof message === 'string' && message !== '') messages[name] = message
      }
      if (Object.keys(messages).length === 0) return false
      setErrors(messages)
      setFailure(null)
      focusFirst(messages)
      return true
    },
    [fields, focusFirst],
  )

  /** Shows an API failure under its field when the form has that field, else as the form's alert. */
  const fail = useCallback(
    (apiFailure: ApiFailure) => {
      const field = fields.find((name) => name === apiFailure.field)
      if (field && inputs.current.has(field)) {
        const messages = { [field]: describeFailure(apiFailure) } as Partial<Record<F, string>>
        setErrors(messages)
        setFailure(null)
        focusFirst(messages)
      } else {
        setErrors({})
        setFailure(apiFailure)
      }
    },
    [fields, focusFirst],
  )

  const reset = useCallback(() => {
    setErrors({})
    setFailure(null)
  }, [])

  /** Drops one field's error once the user edits it. */
  const clear = useCallback((name: F) => {
    setErrors((current) => {
      if (!(name in current)) return current
      const next: Partial<Record<F, string>> = {}
      for (const key of fields) {
        const message = current[key]
        if (key !== name && message) next[key] = message
      }
      return next
    })
  }, [fields])

  /**
   * The props a plain text field needs: `{...bind('email', email, setEmail)}` registers it,
   * shows its error, and on each edit stores the value and drops the error.
   */
  const bind = useCallback(
    (name: F, value: string, set: (value: string) => void) => ({
      ref: register(name),
      value,
      error: errors[name],
      onChange: (event: ChangeEvent<Control>) => {
        set(event.target.value)
        clear(name)
      },
    }),
    [register, errors, clear],
  )

  return { register, bind, errors, failure, reject, fail, reset, clear }
}
