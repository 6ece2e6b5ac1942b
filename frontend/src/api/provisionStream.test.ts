import { describe, expect, it, vi } from 'vitest'
import { newIdempotencyKey, ndjson, startProvision } from './provisionStream'

function bytes(...chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
      controller.close()
    },
  })
}

async function all<T>(lines: AsyncGenerator<T, void>): Promise<T[]> {
  const seen: T[] = []
  for await (const line of lines) seen.push(line)
  return seen
}

describe('ndjson', () => {
  it('yields one object per line however the bytes are cut, blank lines skipped', async () => {
    const snowman = new TextEncoder().encode('{"t":"☃"}\n')
    const stream = bytes('{"a":', '1}\n\n{"b":2}\n', snowman.slice(0, 7), snowman.slice(7), '{"c":3}')
    expect(await all(ndjson(stream))).toEqual([{ a: 1 }, { b: 2 }, { t: '☃' }, { c: 3 }])
  })

  it('throws on a line that is not JSON', async () => {
    await expect(all(ndjson(bytes('{"a":1}\n<html>\n')))).rejects.toThrow(SyntaxError)
  })
})

describe('startProvision', () => {
  it('answers a refusal before the VM exists as a failure with its field', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(JSON.stringify({ success: false, error: 'Taken.', code: 'hostname_taken', field: 'hostname' }), {
        status: 409,
        headers: { 'Content-Type': 'application/json' },
      }),
    )
    const start = await startProvision({ hostname: 'web-1', tier: 'small', os_template: 'ubuntu-24.04' }, 'k-1')
    expect(start).toEqual({
      ok: false,
      failure: { kind: 'refused', message: 'Taken.', code: 'hostname_taken', field: 'hostname' },
    })
  })

  it('reads a plain JSON answer (a proxy that dropped the Accept header) as accepted then result', async () => {
    const result = { id: 'vm-1', hostname: 'web-1' }
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(JSON.stringify({ success: true, data: result }), {
        status: 201,
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
      }),
    )
    const start = await startProvision({ hostname: 'web-1', tier: 'small', os_template: 'ubuntu-24.04' }, 'k-1')
    if (!start.ok) throw new Error('refused')
    expect(await all(start.lines)).toEqual([
      { type: 'accepted', id: 'vm-1' },
      { type: 'result', data: result },
    ])
  })
})

describe('newIdempotencyKey', () => {
  it('makes a fresh version-4 UUID each time', () => {
    const a = newIdempotencyKey()
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(newIdempotencyKey()).not.toBe(a)
  })
})
