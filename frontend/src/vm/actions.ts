// What can be done to a machine in each status, how each action is named, and what its
// confirmation says (deleting a request waiting for approval withdraws it; deleting a denied one
// dismisses it); which statuses are on their way somewhere (the list keeps refreshing while any
// machine is in one); and how long ago a status was read from Proxmox.
import type { ApiFailure } from '../api/failure'
import type { Vm } from '../api/types'
import type { PowerAction } from '../api/vms'
import { formatRelative } from '../ui/format'
import { isBuilt } from './vmState'

export type MachineAction = PowerAction | 'delete'

/** An action Nimbus refused, as the list pages show it above the list. */
export interface ActionFailure {
  lead: string
  failure: ApiFailure
}

/** Statuses that change on their own: the page asks again until none is left. */
const TRANSITIONAL = new Set(['provisioning', 'starting', 'stopping', 'rebooting', 'deleting'])

export function isTransitional(vm: Pick<Vm, 'status'>): boolean {
  return TRANSITIONAL.has(vm.status)
}

/** Waiting for an admin's decision: it changes only when someone acts, so it is read less often. */
export function isWaiting(vm: Pick<Vm, 'status'>): boolean {
  return vm.status === 'pending_approval'
}

/** Start when stopped; shut down, reboot and stop when running; delete unless it is being built or deleted. */
export function actionsFor(vm: Pick<Vm, 'status'>): MachineAction[] {
  const actions: MachineAction[] = []
  if (vm.status === 'stopped') actions.push('start')
  if (vm.status === 'running') actions.push('shutdown', 'reboot', 'stop')
  if (vm.status !== 'deleting' && vm.status !== 'provisioning') actions.push('delete')
  return actions
}

export const ACTION_LABELS: Record<MachineAction, string> = {
  start: 'Start',
  shutdown: 'Shut down',
  reboot: 'Reboot',
  stop: 'Stop',
  delete: 'Delete',
}

/** "Could not <verb> web-1". */
export const ACTION_VERBS: Record<MachineAction, string> = {
  start: 'start',
  shutdown: 'shut down',
  reboot: 'reboot',
  stop: 'stop',
  delete: 'delete',
}

/** The action's button word for this machine: deleting a request withdraws or dismisses it. */
export function actionLabel(action: MachineAction, vm: Pick<Vm, 'status'>): string {
  if (action === 'delete' && vm.status === 'pending_approval') return 'Withdraw'
  if (action === 'delete' && vm.status === 'denied') return 'Dismiss'
  return ACTION_LABELS[action]
}

/** The verb for "Could not <verb> web-1". */
export function actionVerb(action: MachineAction, vm: Pick<Vm, 'status'>): string {
  if (action === 'delete' && vm.status === 'pending_approval') return 'withdraw the request for'
  if (action === 'delete' && vm.status === 'denied') return 'dismiss'
  return ACTION_VERBS[action]
}

export interface Confirmation {
  title: string
  body: string
  confirmLabel: string
  tone: 'danger' | 'default'
}

/** What the Confirm dialog says before an action; Start needs none. */
export function confirmationFor(action: MachineAction, vm: Vm): Confirmation | null {
  const name = vm.hostname
  switch (action) {
    case 'start':
      return null
    case 'shutdown':
      return {
        title: `Shut down ${name}?`,
        body: 'Nimbus asks its operating system to shut down cleanly. If it has not within two minutes, the machine stays running and you can Stop it.',
        confirmLabel: 'Shut down',
        tone: 'default',
      }
    case 'reboot':
      return {
        title: `Reboot ${name}?`,
        body: 'The machine restarts: open SSH sessions drop, and it answers again after a short while.',
        confirmLabel: 'Reboot',
        tone: 'default',
      }
    case 'stop':
      return {
        title: `Stop ${name}?`,
        body: 'Powers it off at once, like pulling the plug: anything not saved on the machine is lost.',
        confirmLabel: 'Stop',
        tone: 'danger',
      }
    case 'delete': {
      // A denied request is only a line in the list: dismissing it needs no second thought.
      if (vm.status === 'denied') return null
      if (vm.status === 'pending_approval') {
        return {
          title: `Withdraw the request for ${name}?`,
          body: 'The admins no longer see it. Nothing was built for it, so nothing else changes.',
          confirmLabel: 'Withdraw request',
          tone: 'default',
        }
      }
      if (!isBuilt(vm)) {
        return {
          title: `Delete ${name}?`,
          body: 'No machine was built for this request; it is removed from your list. This cannot be undone.',
          confirmLabel: `Delete ${name}`,
          tone: 'danger',
        }
      }
      const address = vm.ip ? `its address ${vm.ip} is released` : 'its address is released'
      const key =
        vm.key_origin === 'generated'
          ? ` and its generated key${vm.key_name ? ` “${vm.key_name}”` : ''} is removed`
          : ''
      return {
        title: `Delete ${name}?`,
        body: `The VM is removed from Proxmox with its disk, ${address}${key}. This cannot be undone.`,
        confirmLabel: `Delete ${name}`,
        tone: 'danger',
      }
    }
  }
}

/** "5 s ago", "3 min ago", then "2 hours ago" and so on; "just now" for a moment or the future. */
export function formatAgo(iso: string, now: number): string {
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return iso
  const seconds = Math.floor((now - time) / 1000)
  if (seconds < 1) return 'just now'
  if (seconds < 60) return `${seconds} s ago`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  return formatRelative(iso, now)
}

/** The words beside the status: how fresh it is, or that Proxmox could not say. */
export function statusAge(vm: Pick<Vm, 'status' | 'status_at' | 'drift'>, now: number): string | null {
  if (vm.drift === 'vanished') return 'gone from Proxmox'
  if (vm.status === 'unknown') {
    return vm.status_at ? `Proxmox did not answer · last read ${formatAgo(vm.status_at, now)}` : 'Proxmox did not answer'
  }
  return vm.status_at ? `checked ${formatAgo(vm.status_at, now)}` : null
}
