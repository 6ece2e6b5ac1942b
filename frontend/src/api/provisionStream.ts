// POST /api/vms as a stream: Nimbus answers one JSON object per line (NDJSON) while it builds
// the machine: `accepted` with the VM's id, a `step` line per finished step, and one `result`
// (or `error`) at the end. A request that needs an admin's approval gets `accepted`, then
// `pending_approval` with the waiting machine, and nothing more. Problems found before the VM
// exists (a taken hostname, a bad key, no room in the quota) come back as an ordinary error
// envelope instead, so the form can put them under their field.
import { api } from './client'
import { type ApiFailure, failureFromException, failureFromResponse } from './failure'
import type { NewVm, Vm, VmResult, VmStepDetail } from './types'

export interface StreamStepDetail extends VmStepDetail {
  elapsed_ms?: number
  unconfirmed?: boolean
}

export type ProvisionLine =
  | { type: 'accepted'; id: string }
  | { type: 'step'; step: string; status: string; detail?: StreamStepDetail | null }
  | { type: 'result'; data: VmResult }
  | { type: 'pending_approval'; data: Vm }
  | { type: 'error'; code: string; message: string; step?: string | null }

export type ProvisionStart =
  | { ok: true; lines: AsyncGenerator<ProvisionLine, void>; stop: () => void }
  | { ok: false; failure: ApiFailure }

function isLine(value: unknown): value is ProvisionLine {
  return typeof value === 'object' && value !== null && 'type' in value && typeof value.type === 'string'
}

/** The JSON objects of an NDJSON body, one per non-blank line, as they arrive. */
export async function* ndjson(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown, void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  try {
    for (;;) {
      const { done, value } = await reader.read()
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true })
      const lines = buffered.split('\n')
      buffered = done ? '' : (lines.pop() ?? '')
      for (const line of lines) {
        if (line.trim() !== '') yield JSON.parse(line) as unknown
      }
      if (done) return
    }
  } finally {
    reader.releaseLock()
  }
}

async function* provisionLines(body: ReadableStream<Uint8Array>): AsyncGenerator<ProvisionLine, void> {
  for await (const value of ndjson(body)) {
    // Line types a newer server adds are skipped, not fatal.
    if (isLine(value)) yield value
  }
}

function isPending(data: VmResult | Vm): data is Vm {
  return 'status' in data && data.status === 'pending_approval'
}

/**
 * A server (or proxy) that answered plain JSON: the finished machine in one go, or (202) the
 * machine waiting for an admin's approval.
 */
async function* plainLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<ProvisionLine, void> {
  const body = (await new Response(stream).json()) as { data?: VmResult | Vm }
  if (!body.data) throw new SyntaxError('not the API envelope')
  yield { type: 'accepted', id: body.data.id }
  yield isPending(body.data) ? { type: 'pending_approval', data: body.data } : { type: 'result', data: body.data }
}

/**
 * A random UUID to send as `Idempotency-Key`. `crypto.randomUUID` exists only in secure
 * contexts, and Nimbus is often reached over plain http on a LAN; getRandomValues works there.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * Sends the request. A refusal before the VM exists is `{ ok: false }`; otherwise `lines` yields
 * the stream's lines as they come (it throws if the connection drops or a line is not JSON), and
 * `stop()` hangs up without waiting for the rest (the machine is built either way).
 */
export async function startProvision(body: NewVm, idempotencyKey: string): Promise<ProvisionStart> {
  const controller = new AbortController()
  let answer: Awaited<ReturnType<typeof send>>
  async function send() {
    return api.POST('/vms', {
      body,
      params: { header: { Accept: 'application/x-ndjson', 'Idempotency-Key': idempotencyKey } },
      parseAs: 'stream',
      signal: controller.signal,
    })
  }
  try {
    answer = await send()
  } catch (exception) {
    return { ok: false, failure: failureFromException(exception) }
  }
  const { data: stream, error, response } = answer
  if (!response.ok) return { ok: false, failure: failureFromResponse(error, response) }
  if (!stream) return { ok: false, failure: failureFromException(new SyntaxError('empty answer')) }
  const type = response.headers.get('content-type') ?? ''
  return {
    ok: true,
    lines: type.includes('application/json') ? plainLines(stream) : provisionLines(stream),
    stop: () => {
      controller.abort()
    },
  }
}
