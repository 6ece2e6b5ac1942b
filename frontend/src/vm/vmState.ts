// What a VM's status and phase words mean for the pages: still being built, failed (and whether
// the clean-up is still running), settled (nothing more will happen on its own), and how big it is.
import type { Vm } from '../api/types'

/** Phases of a failed provision before everything it did has been undone. */
const CLEANING_UP = new Set(['failed', 'rolling_back', 'rollback_pending'])
/** Statuses of a VM that does not exist (yet, or any more). */
const NO_MACHINE = new Set(['provisioning', 'pending_approval', 'failed', 'denied', 'deleting', 'deleted'])

type VmWords = Pick<Vm, 'status' | 'phase'>

export function isBuilding(vm: VmWords): boolean {
  return vm.status === 'provisioning' || vm.status === 'pending_approval'
}

export function isFailed(vm: VmWords): boolean {
  return vm.status === 'failed'
}

/** Failed, and Nimbus is still taking back what it did (the address, the half-made VM). */
export function isCleaningUp(vm: VmWords): boolean {
  return isFailed(vm) && CLEANING_UP.has(vm.phase)
}

/**
 * Nothing more will change on its own: built, failed and cleaned up, or waiting for an admin.
 * (The server ends a VM's event stream at these, so following stops here too.)
 */
export function isSettled(vm: VmWords): boolean {
  return vm.status !== 'provisioning' && !isCleaningUp(vm)
}

/** The machine exists: running, stopped, or of unknown power state. */
export function isBuilt(vm: VmWords): boolean {
  return !NO_MACHINE.has(vm.status)
}

/** A request an admin has not decided yet, or has denied: there is no machine, only the request. */
export function isRequest(vm: Pick<Vm, 'status'>): boolean {
  return vm.status === 'pending_approval' || vm.status === 'denied'
}

/**
 * Where a VM's own link goes: its timeline while it is being built or when it failed; its page
 * otherwise (a request waiting for approval, or denied, says so there).
 */
export function machinePath(vm: Pick<Vm, 'id' | 'status' | 'phase'>): string {
  const base = `/machines/${encodeURIComponent(vm.id)}`
  return vm.status === 'provisioning' || isFailed(vm) ? `${base}/progress` : base
}

/** "1 GiB", "1.5 GiB", "512 MiB". */
export function formatMemory(mib: number): string {
  if (mib < 1024) return `${mib} MiB`
  const gib = mib / 1024
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`
}

/** "2 vCPU · 2 GiB RAM · 30 GiB disk". */
export function formatSpecs(size: { vcpus: number; memory_mib: number; disk_gib: number }): string {
  return `${size.vcpus} vCPU · ${formatMemory(size.memory_mib)} RAM · ${size.disk_gib} GiB disk`
}

/** "medium" → "Medium", "xl" → "XL". */
export function tierName(name: string): string {
  return name.length <= 2 ? name.toUpperCase() : name.charAt(0).toUpperCase() + name.slice(1)
}
