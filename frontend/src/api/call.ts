// One shape for every API call's outcome, so pages never juggle data/error/exception.
import { type ApiFailure, failureFromException, failureFromResponse } from './failure'

export type Outcome<T> = { ok: true; data: T } | { ok: false; failure: ApiFailure }

/** Awaits an openapi-fetch call and unwraps the `{ success, data }` envelope. */
export async function settle<T>(
  pending: Promise<{ data?: { data: T }; error?: unknown; response: Response }>,
): Promise<Outcome<T>> {
  try {
    const { data, error, response } = await pending
    if (data) return { ok: true, data: data.data }
    return { ok: false, failure: failureFromResponse(error, response) }
  } catch (exception) {
    return { ok: false, failure: failureFromException(exception) }
  }
}

/** For a call that answers 204 with no body (removing a tunnel): success carries nothing. */
export async function settleEmpty(
  pending: Promise<{ error?: unknown; response: Response }>,
): Promise<Outcome<null>> {
  try {
    const { error, response } = await pending
    if (response.ok) return { ok: true, data: null }
    return { ok: false, failure: failureFromResponse(error, response) }
  } catch (exception) {
    return { ok: false, failure: failureFromException(exception) }
  }
}
