// A call to a route the generated client does not know yet (its types written by hand in the area
// module), answered in the same shape as openapi-fetch's so `settle` unwraps it the same way.
// Writes are labelled JSON, like every write through the client (part of the CSRF defence).

/** `Routes` maps "METHOD /path" to the `data` its success envelope holds. */
export async function plainCall<Routes, K extends keyof Routes & string>(
  route: K,
  options: { body?: unknown; signal?: AbortSignal | undefined; headers?: Record<string, string> } = {},
): Promise<{ data?: { data: Routes[K] }; error?: unknown; response: Response }> {
  const [method = 'GET', path = ''] = route.split(' ')
  const headers = new Headers(options.headers)
  if (method !== 'GET') headers.set('Content-Type', 'application/json')
  const response = await globalThis.fetch(new URL(`/api${path}`, window.location.origin), {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    // Not JSON (a proxy's page): failureFromResponse makes a sentence of the text.
  }
  return response.ok ? { data: parsed as { data: Routes[K] }, response } : { error: parsed, response }
}
