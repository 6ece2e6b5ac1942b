// Typed client for the Nimbus HTTP API. Request and response types come from
// `schema.d.ts`, which `npm run gen:api` generates from openapi/nimbus.json.
import createClient from 'openapi-fetch'
import type { paths } from './schema'

export type { paths }

export const api = createClient<paths>({
  baseUrl: new URL('/api', window.location.origin).toString(),
  credentials: 'same-origin',
  // Late-bound on purpose: openapi-fetch captures the fetch it is given when the
  // client is created, so passing globalThis.fetch directly would make
  // vi.spyOn(globalThis, 'fetch') in tests a no-op.
  fetch: (request: Request) => globalThis.fetch(request),
})
