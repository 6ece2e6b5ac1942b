// Test doubles for the machine pages: a catalog, saved keys and VMs to answer with, an NDJSON
// response the test feeds line by line, a stand-in for EventSource (happy-dom has none), and a
// catcher for the files the page asks the browser to save.
import { act } from '@testing-library/react'
import { vi } from 'vitest'
import type { Catalog, QuotaStatus, SshKey, Vm } from '../api/types'

export const PRIVATE_KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  '-----END OPENSSH PRIVATE KEY-----',
  '',
].join('\n')

export const catalog: Catalog = {
  tiers: [
    { name: 'small', vcpus: 1, memory_mib: 1024, disk_gib: 15, needs_approval: false },
    { name: 'medium', vcpus: 2, memory_mib: 2048, disk_gib: 30, needs_approval: false },
    { name: 'large', vcpus: 4, memory_mib: 4096, disk_gib: 60, needs_approval: false },
    { name: 'xl', vcpus: 8, memory_mib: 8192, disk_gib: 120, needs_approval: true },
  ],
  os: [
    { key: 'ubuntu-24.04', label: 'Ubuntu 24.04 LTS', username: 'ubuntu', available: true },
    { key: 'ubuntu-22.04', label: 'Ubuntu 22.04 LTS', username: 'ubuntu', available: true },
    { key: 'debian-12', label: 'Debian 12', username: 'debian', available: false },
  ],
  tunnels_enabled: false,
  default_key_id: 'k-laptop',
}

/** A quota with no limits at all (what the harness answers GET /api/quota with by default). */
export const unlimitedQuota: QuotaStatus = {
  exempt: false,
  custom: false,
  limits: {},
  usage: { vms: 0, vcpus: 0, memory_mib: 0, disk_gib: 0 },
  headroom: {},
}

/** A member's quota: room for 3 more machines, 6 vCPU, 10 GiB and 200 GB. */
export const memberQuota: QuotaStatus = {
  exempt: false,
  custom: false,
  limits: { max_vms: 5, max_vcpus: 8, max_memory_mib: 12288, max_disk_gib: 250 },
  usage: { vms: 2, vcpus: 2, memory_mib: 2048, disk_gib: 50 },
  headroom: { vms: 3, vcpus: 6, memory_mib: 10240, disk_gib: 200 },
}

const key = (fields: Partial<SshKey> & Pick<SshKey, 'id' | 'name'>): SshKey => ({
  public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdU7tW0Xj7qQ2zv1cJmJ4mW9o2p0Wc3yW5YwM1bS2nX',
  fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
  algorithm: 'ssh-ed25519',
  bits: 256,
  is_default: false,
  has_private_key: false,
  source: 'imported',
  created_at: '2025-03-01T08:00:00Z',
  ...fields,
})

export const desktopKey = key({ id: 'k-desktop', name: 'desktop' })
export const laptopKey = key({ id: 'k-laptop', name: 'laptop', is_default: true })

/**
 * A VM as Nimbus sends it: fields the schema marks optional may also come as null (poem writes
 * `None` as null), which the generated types do not say.
 */
type Wire<T> = { [K in keyof T]: undefined extends T[K] ? T[K] | null : T[K] }

/** A VM three steps into its build (address, node and clone done; configuring). */
export function buildingVm(fields: Partial<Wire<Vm>> = {}): Vm {
  const vm: Wire<Vm> = {
    id: 'vm-1',
    hostname: 'web-1',
    tier: 'medium',
    os: 'ubuntu-24.04',
    vcpus: 2,
    memory_mib: 2048,
    disk_gib: 30,
    status: 'provisioning',
    phase: 'configuring',
    current_step: 'configure',
    ip: '10.0.0.7',
    node: 'atlas',
    vmid: 104,
    username: 'ubuntu',
    key_name: 'web-1',
    key_origin: 'generated',
    private_key_available: true,
    unconfirmed: false,
    warning: null,
    notes: [],
    failure: null,
    steps: [
      { step: 'reserve_ip', at: '2025-03-01T10:00:00.012Z', elapsed_ms: 12, ip: '10.0.0.7' },
      { step: 'place_vm', at: '2025-03-01T10:00:00.042Z', elapsed_ms: 30, node: 'atlas' },
      { step: 'clone', at: '2025-03-01T10:00:03.142Z', elapsed_ms: 3100, node: 'atlas', vmid: 104 },
    ],
    requested_at: '2025-03-01T10:00:00Z',
    finished_at: null,
    can_retry: false,
    owner_id: 'u-bob',
    ...fields,
  }
  return vm as Vm
}

const LATER_STEPS = [
  { step: 'configure', at: '2025-03-01T10:00:03.600Z', elapsed_ms: 458 },
  { step: 'resize', at: '2025-03-01T10:00:03.800Z', elapsed_ms: 200 },
  { step: 'start', at: '2025-03-01T10:00:04.400Z', elapsed_ms: 600 },
  { step: 'wait_ready', at: '2025-03-01T10:00:09.400Z', elapsed_ms: 5000, ip: '10.0.0.7' },
]

/** The same VM, built and running. */
export function runningVm(fields: Partial<Wire<Vm>> = {}): Vm {
  const building = buildingVm()
  return buildingVm({
    status: 'running',
    phase: 'ready',
    current_step: null,
    steps: [...building.steps, ...LATER_STEPS],
    finished_at: '2025-03-01T10:00:09.400Z',
    ...fields,
  })
}

/** An XL machine asked for by a member, waiting for an admin's approval (nothing built yet). */
export function pendingVm(fields: Partial<Wire<Vm>> = {}): Vm {
  return buildingVm({
    id: 'vm-9',
    hostname: 'llm-box',
    tier: 'xl',
    vcpus: 8,
    memory_mib: 8192,
    disk_gib: 120,
    status: 'pending_approval',
    phase: 'pending_approval',
    current_step: null,
    ip: null,
    node: null,
    vmid: null,
    steps: [],
    owner_name: 'Bob Member',
    owner_email: 'bob@example.com',
    reason: 'Fine-tuning a model for the hackathon, needs 8 GB of RAM.',
    ...fields,
  })
}

/** An NDJSON answer whose lines the test sends when it wants them. */
export function ndjsonAnswer() {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
  })
  const encoder = new TextEncoder()
  return {
    response: () => new Response(body, { status: 200, headers: { 'Content-Type': 'application/x-ndjson' } }),
    send: (...lines: object[]) => {
      controller.enqueue(encoder.encode(lines.map((line) => `${JSON.stringify(line)}\n`).join('')))
    },
    end: () => {
      controller.close()
    },
  }
}

type Listener = (event: Event) => void

/** Stands in for the browser's EventSource; each one made is kept in `instances`. */
export class FakeEventSource {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSED = 2
  static instances: FakeEventSource[] = []

  readonly url: string
  readyState = FakeEventSource.CONNECTING
  private readonly listeners = new Map<string, Set<Listener>>()

  constructor(url: string | URL) {
    this.url = String(url)
    FakeEventSource.instances.push(this)
  }

  addEventListener(type: string, listener: Listener) {
    const set = this.listeners.get(type) ?? new Set<Listener>()
    set.add(listener)
    this.listeners.set(type, set)
  }

  removeEventListener(type: string, listener: Listener) {
    this.listeners.get(type)?.delete(listener)
  }

  close() {
    this.readyState = FakeEventSource.CLOSED
  }

  get closed(): boolean {
    return this.readyState === FakeEventSource.CLOSED
  }

  private dispatch(event: Event) {
    act(() => {
      for (const listener of this.listeners.get(event.type) ?? []) listener(event)
    })
  }

  /** The server sends the VM as it now is. */
  send(vm: Vm) {
    if (this.closed) throw new Error(`sent a vm event on a closed EventSource (${this.url})`)
    this.readyState = FakeEventSource.OPEN
    this.dispatch(new MessageEvent('vm', { data: JSON.stringify(vm) }))
  }

  /** The server sends any named event (`data` as JSON), with its `id:` when given. */
  emit(type: string, data: unknown, lastEventId?: string) {
    if (this.closed) throw new Error(`sent a ${type} event on a closed EventSource (${this.url})`)
    this.readyState = FakeEventSource.OPEN
    this.dispatch(new MessageEvent(type, { data: JSON.stringify(data), ...(lastEventId ? { lastEventId } : {}) }))
  }

  /** The server sends an `error` event (`{code, message}`) and ends the stream. */
  tell(code: string, message: string) {
    this.dispatch(new MessageEvent('error', { data: JSON.stringify({ code, message }) }))
  }

  /** The server refuses the stream (an HTTP error): EventSource gives up. */
  refuse() {
    this.readyState = FakeEventSource.CLOSED
    this.dispatch(new Event('error'))
  }
}

/** Installs FakeEventSource as the global EventSource (vitest unstubs it after the test). */
export function stubEventSource(): typeof FakeEventSource {
  FakeEventSource.instances = []
  vi.stubGlobal('EventSource', FakeEventSource)
  return FakeEventSource
}

/** Stands in for the browser's download: what was saved, under which name. */
export function catchDownloads() {
  const saved: { name: string; blob: Blob }[] = []
  const blobs = new Map<string, Blob>()
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    const url = `blob:http://localhost:3000/${blobs.size}`
    blobs.set(url, blob as Blob)
    return url
  })
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    const blob = blobs.get(this.href)
    if (this.download && blob) saved.push({ name: this.download, blob })
  })
  return saved
}
