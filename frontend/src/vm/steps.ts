// The provisioning timeline as the pages draw it: the steps in order with their words, each
// done (with how long it took and what it produced), under way, failed or still to come. Built
// either from a VM (the progress page) or from the lines of the provision stream (the Provision
// page, when the private key exists only in that stream).
import type { StreamStepDetail } from '../api/provisionStream'
import type { Vm, VmStepDetail } from '../api/types'
import { isBuilding, isFailed } from './vmState'

export type StepState = 'done' | 'current' | 'failed' | 'pending'

export interface TimelineStep {
  step: string
  label: string
  state: StepState
  elapsedMs?: number
  detail: VmStepDetail
}

const LABELS: Record<string, string> = {
  reserve_ip: 'Reserve an address',
  place_vm: 'Pick a node',
  clone: 'Clone the template',
  configure: 'Configure cloud-init and hardware',
  resize: 'Resize the disk',
  start: 'Start the VM',
  wait_ready: 'Wait until it answers',
  expose_tunnel: 'Open the public SSH tunnel',
  inject_gpu_env: 'Connect the GPU',
}

/** Every provision goes through these, in this order. */
const USUAL = ['reserve_ip', 'place_vm', 'clone', 'configure', 'resize', 'start', 'wait_ready']
/** Shown only when the provision has them. */
const OPTIONAL = ['expose_tunnel', 'inject_gpu_env']

/** A step's words; a step this build does not know reads as its code, unsnaked. */
export function stepLabel(step: string): string {
  const known = LABELS[step]
  if (known) return known
  const words = step.replace(/_/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** The usual steps, the optional ones that are `present`, then any unknown ones in the order seen. */
function order(present: readonly string[]): string[] {
  const steps = [...USUAL, ...OPTIONAL.filter((step) => present.includes(step))]
  for (const step of present) if (!steps.includes(step)) steps.push(step)
  return steps
}

interface Done {
  elapsedMs?: number
  detail: VmStepDetail
}

function build(done: Map<string, Done>, extra: readonly (string | null)[], failed: string | null, running: boolean): TimelineStep[] {
  const steps = order([...done.keys(), ...extra.filter((step): step is string => step !== null)])
  // Under way: the step the server names, else the first one not done yet.
  const named = extra[0] ?? null
  const current = running ? (named && !done.has(named) ? named : steps.find((step) => !done.has(step))) : undefined
  return steps.map((step) => {
    const finished = done.get(step)
    const state: StepState = finished ? 'done' : step === failed ? 'failed' : step === current ? 'current' : 'pending'
    return { step, label: stepLabel(step), state, ...finished, detail: finished?.detail ?? {} }
  })
}

/** A VM's timeline: its finished steps, the one under way, the one that failed. */
export function timelineFromVm(vm: Vm): TimelineStep[] {
  const done = new Map<string, Done>()
  for (const { step, elapsed_ms: elapsedMs, ip, node, vmid } of vm.steps) {
    done.set(step, { elapsedMs, detail: { ip, node, vmid } })
  }
  const failed = isFailed(vm) ? (vm.failure?.step ?? null) : null
  return build(done, [vm.current_step ?? null, failed], failed, isBuilding(vm))
}

export interface StreamedStep {
  step: string
  detail?: StreamStepDetail | null
}

/**
 * The timeline so far from the stream's `step` lines. `expect`: optional steps the request asked
 * for (the tunnel), shown as to come before they start; `failed`: the step an `error` line named;
 * `finished`: a `result` or `error` line arrived, so nothing is under way.
 */
export function timelineFromStream(
  lines: readonly StreamedStep[],
  { expect = [], failed = null, finished = false }: { expect?: readonly string[]; failed?: string | null; finished?: boolean },
): TimelineStep[] {
  const done = new Map<string, Done>()
  for (const { step, detail } of lines) {
    const { elapsed_ms: elapsedMs, ip, node, vmid } = detail ?? {}
    done.set(step, { ...(elapsedMs === undefined ? {} : { elapsedMs }), detail: { ip, node, vmid } })
  }
  return build(done, [null, failed, ...expect], failed, !finished)
}

/** What a finished step produced, in the order people read it: "10.0.0.7", "atlas", "VMID 100". */
export function detailParts(detail: VmStepDetail): string[] {
  const parts: string[] = []
  if (detail.ip) parts.push(detail.ip)
  if (detail.node) parts.push(detail.node)
  if (typeof detail.vmid === 'number') parts.push(`VMID ${detail.vmid}`)
  return parts
}
