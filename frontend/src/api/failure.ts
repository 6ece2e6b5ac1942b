// Turns whatever an API call failed with into one message a person can act on.
// The backend answers errors as `{ success: false, error, code, field?, request_id? }`;
// anything else (a proxy's HTML page, a dropped connection) still gets a sentence.

export interface ApiFailure {
  /** `unreachable`: no HTTP answer at all; `refused`: an HTTP answer that is not a success. */
  kind: 'unreachable' | 'refused'
  message: string
  /** Stable machine code from the error body, e.g. `dependency_down`. */
  code?: string
  /** Request id to quote when reporting the problem. */
  requestId?: string
  /** The request field the error is about (`email`, `new_password`, …), when the server names one. */
  field?: string
  /** Seconds to wait before trying again, from a `Retry-After` header (429 answers). */
  retryAfter?: number
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

// Only the delay-seconds form: Nimbus never sends an HTTP date here.
function retryAfterSeconds(response: Response): number | undefined {
  const raw = response.headers.get('retry-after')?.trim()
  if (!raw || !/^\d+$/.test(raw)) return undefined
  return Number(raw)
}

/** The sentence to show for a failure; a rate limit says how long to wait. */
export function describeFailure(failure: ApiFailure): string {
  const { message, retryAfter } = failure
  if (retryAfter === undefined || /try again/i.test(message)) return message
  const wait = `Try again in ${retryAfter} ${retryAfter === 1 ? 'second' : 'seconds'}.`
  return /[.!?]$/.test(message) ? `${message} ${wait}` : `${message}. ${wait}`
}

/** A non-2xx answer: `error` is the parsed JSON body, or its raw text when it was not JSON. */
export function failureFromResponse(error: unknown, response: Response): ApiFailure {
  const statusLine = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
  if (isRecord(error)) {
    const failure: ApiFailure = { kind: 'refused', message: nonEmpty(error.error) ?? statusLine }
    const code = nonEmpty(error.code)
    const requestId = nonEmpty(error.request_id)
    const field = nonEmpty(error.field)
    const retryAfter = retryAfterSeconds(response)
    if (code) failure.code = code
    if (requestId) failure.requestId = requestId
    if (field) failure.field = field
    if (retryAfter !== undefined) failure.retryAfter = retryAfter
    return failure
  }
  const text = nonEmpty(error)
  const isHtml = response.headers.get('content-type')?.includes('html') ?? false
  // A short plain-text body is usually a useful proxy message; an HTML page is not.
  if (text && !isHtml && text.length <= 200) return { kind: 'refused', message: text }
  return { kind: 'refused', message: statusLine }
}

/** fetch itself threw (connection refused, DNS, CORS) or the success body was unreadable. */
export function failureFromException(exception: unknown): ApiFailure {
  if (exception instanceof SyntaxError) {
    return { kind: 'refused', message: 'the answer was not valid JSON' }
  }
  const message = exception instanceof Error ? exception.message : String(exception)
  return { kind: 'unreachable', message: message || 'network error' }
}
