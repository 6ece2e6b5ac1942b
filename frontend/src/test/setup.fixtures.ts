// API answers the setup wizard and Admin → Settings → Cluster tests share.
import type { ClusterCheck, MissingPrivilege, NetworkForm, SetupState } from '../api/types'
import { refusal } from './harness'

/** What /api/auth/status (and every route but the wizard's) answers in setup mode. */
export const setupRequired = () => refusal(503, 'setup_required', 'Nimbus is not set up yet: open /setup.')

export const consoleMissing: MissingPrivilege = {
  privilege: 'VM.Console on /vms',
  feature: 'console',
  reason: 'Opening a machine’s console needs VM.Console on its VM.',
  pveum: 'pveum acl modify /vms --tokens nimbus@pve!nimbus --roles NimbusProvisioner',
  ui: 'Datacenter → Permissions → Add → API Token Permission: path /vms, role NimbusProvisioner',
}

export const readyCheck: ClusterCheck = {
  version: '8.3.2',
  cluster_name: 'lab',
  nodes: [
    { name: 'pve1', online: true },
    { name: 'pve2', online: false },
  ],
  storages: [{ name: 'local-lvm', kind: 'lvmthin', shared: false }],
  token_id: 'nimbus@pve!nimbus',
  created_token: true,
  missing: [],
  ready: true,
}

export const lackingCheck: ClusterCheck = { ...readyCheck, created_token: false, missing: [consoleMissing], ready: false }

export const network: NetworkForm = {
  pool_start: '10.0.0.100',
  pool_end: '10.0.0.199',
  gateway: '10.0.0.1',
  prefix: 24,
  reserved: '10.0.0.120-10.0.0.129',
  nameservers: '10.0.0.1',
  search_domain: 'lab.example.com',
}

export const fresh: SetupState = { step: 'proxmox', detected_url: 'https://10.0.0.2:8006', network_warnings: [] }

export const atAccess: SetupState = {
  step: 'access',
  proxmox: { url: 'https://10.0.0.2:8006', fingerprint: 'AB:CD:EF', token_id: 'nimbus@pve!nimbus', check: readyCheck },
  network,
  network_warnings: ['The pool has 8 addresses: fewer than 10.'],
}
