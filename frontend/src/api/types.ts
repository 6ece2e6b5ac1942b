// Names for the API's bodies, read off the generated paths (not the schema names,
// which are the server's business) so a renamed DTO cannot break the SPA.
import type { paths } from './schema'

type SuccessOf<Operation> = Operation extends { responses: infer R }
  ? R extends { 200: infer A }
    ? A
    : R extends { 201: infer B }
      ? B
      : R extends { 202: infer C }
        ? C
        : never
  : never
type BodyOf<Response> = Response extends { content: infer C } ? C[keyof C] : never
/** The `data` of an operation's success envelope. */
export type DataOf<Operation> = BodyOf<SuccessOf<Operation>> extends { data: infer D } ? D : never

/** The JSON body an operation takes. */
type RequestOf<Operation> = Operation extends { requestBody?: { content: infer C } } ? C[keyof C] : never

export type Health = DataOf<paths['/health']['get']>
export type AuthStatus = DataOf<paths['/auth/status']['get']>
export type NewAccount = RequestOf<paths['/auth/register']['post']>
export type Me = DataOf<paths['/me']['get']>
export type User = DataOf<paths['/users']['get']>[number]
export type SessionInfo = DataOf<paths['/me/sessions']['get']>[number]
export type ApiToken = DataOf<paths['/tokens']['get']>[number]
export type CreatedToken = DataOf<paths['/tokens']['post']>
export type NewToken = RequestOf<paths['/tokens']['post']>
export type TokenScope = ApiToken['scope']
export type Role = User['role']
export type UserUpdate = RequestOf<paths['/users/{id}']['patch']>
export type UserStatus = User['status']
export type AuditPage = DataOf<paths['/audit']['get']>
export type AuditEntry = AuditPage['entries'][number]
export type AuditAction = AuditEntry['action']
export type AuditQuery = NonNullable<paths['/audit']['get']['parameters']['query']>
export type Invitation = DataOf<paths['/users/invitations']['get']>[number]
export type InvitationState = Invitation['state']
export type CreatedInvitation = DataOf<paths['/users/invitations']['post']>
export type NewInvitation = RequestOf<paths['/users/invitations']['post']>
export type InviteCheck = DataOf<paths['/auth/invitations/{token}']['get']>
export type Signups = DataOf<paths['/settings/signups']['get']>
export type SignupMode = Signups['mode']
export type AccessCodeSettings = DataOf<paths['/settings/access-code']['get']>
export type Providers = DataOf<paths['/auth/providers']['get']>
export type Identity = DataOf<paths['/me/identities']['get']>[number]
export type Provider = Identity['provider']
export type OAuthSettings = DataOf<paths['/settings/oauth']['get']>
export type OAuthSettingsUpdate =
  paths['/settings/oauth']['put']['requestBody']['content']['application/json; charset=utf-8']
export type GopherSettings = DataOf<paths['/settings/gopher']['get']>
export type GopherSettingsUpdate = RequestOf<paths['/settings/gopher']['put']>
export type GopherTestRequest = RequestOf<paths['/settings/gopher/test']['post']>
export type GopherTestResult = DataOf<paths['/settings/gopher/test']['post']>
export type SshKey = DataOf<paths['/keys']['get']>[number]
export type CreatedKey = DataOf<paths['/keys']['post']>
export type NewKey = paths['/keys']['post']['requestBody']['content']['application/json; charset=utf-8']
export type KeyUpdate = RequestOf<paths['/keys/{id}']['patch']>
export type PrivateKeyFile = DataOf<paths['/keys/{id}/private-key']['get']>

export type Catalog = DataOf<paths['/catalog']['get']>
export type CatalogTier = Catalog['tiers'][number]
export type CatalogOs = Catalog['os'][number]
export type Vm = DataOf<paths['/vms/{id}']['get']>
export type VmStep = Vm['steps'][number]
/** What a finished step had in hand: the address, the node, the VMID. */
export type VmStepDetail = Pick<VmStep, 'ip' | 'node' | 'vmid'>
export type VmResult = DataOf<paths['/vms']['post']>
export type NewVm = paths['/vms']['post']['requestBody']['content']['application/json; charset=utf-8']
export type VmPrivateKey = DataOf<paths['/vms/{id}/private-key']['get']>

export type QuotaStatus = DataOf<paths['/quota']['get']>
export type QuotaLimits = DataOf<paths['/quotas/defaults']['put']>
export type QuotaHeadroom = QuotaStatus['headroom']
export type QuotaOverview = DataOf<paths['/quotas']['get']>
export type MemberQuota = QuotaOverview['members'][number]
export type NodesReport = DataOf<paths['/nodes']['get']>
export type NodeReport = NodesReport['nodes'][number]
export type PoolAddress = DataOf<paths['/ips']['get']>[number]
export type ReconcileReport = DataOf<paths['/ips/reconcile']['get']>
export type FleetStats = DataOf<paths['/cluster/stats']['get']>
export type PoolCounts = FleetStats['pool']
export type ProvisionMetrics = DataOf<paths['/metrics/provisions']['get']>
export type JobsReport = DataOf<paths['/system/jobs']['get']>
export type Job = JobsReport['jobs'][number]
export type JobOutcome = NonNullable<Job['outcome']>
export type BootstrapStatus = DataOf<paths['/admin/bootstrap-status']['get']>
export type TemplateCell = BootstrapStatus['cells'][number]
export type TemplateCellState = TemplateCell['state']
export type BootstrapRequest = NonNullable<RequestOf<paths['/admin/bootstrap-templates']['post']>>
export type BootstrapStarted = DataOf<paths['/admin/bootstrap-templates']['post']>

export type SetupState = DataOf<paths['/setup']['get']>
export type SetupStep = SetupState['step']
export type ClusterCheck = DataOf<paths['/setup/proxmox']['post']>
export type MissingPrivilege = ClusterCheck['missing'][number]
export type ProxmoxConnect = RequestOf<paths['/setup/proxmox']['post']>
export type CertificateFingerprint = DataOf<paths['/setup/proxmox/fingerprint']['post']>
export type NetworkForm = RequestOf<paths['/setup/network']['post']>
export type NetworkReview = DataOf<paths['/setup/network']['post']>
export type NetworkProbe = DataOf<paths['/setup/network/probe']['post']>
export type AccessChoice = RequestOf<paths['/setup/access']['post']>
export type AccessState = DataOf<paths['/setup/access']['post']>
export type AdminAccount = RequestOf<paths['/setup/finish']['post']>
export type ClusterSettings = DataOf<paths['/settings/cluster']['get']>
export type ClusterSettingsUpdate = RequestOf<paths['/settings/cluster']['put']>
export type SavedClusterSettings = DataOf<paths['/settings/cluster']['put']>
export type Placement = ClusterSettings['placement']

export type PublicSsh = NonNullable<Vm['public_ssh']>
export type TunnelsInfo = DataOf<paths['/tunnels/info']['get']>
export type SubdomainCheck = DataOf<paths['/tunnels/check']['get']>
export type Tunnel = DataOf<paths['/vms/{id}/tunnels']['post']>
export type NewTunnel = RequestOf<paths['/vms/{id}/tunnels']['post']>
export type GatewayOverview = DataOf<paths['/tunnels']['get']>
export type GatewayMachine = GatewayOverview['machines'][number]
export type TunnelPolicy = DataOf<paths['/settings/tunnels']['get']>
export type TunnelPolicyChange = RequestOf<paths['/settings/tunnels']['put']>
export type ClusterVm = DataOf<paths['/cluster/vms']['get']>[number]

export type GpuJobList = DataOf<paths['/gpu/jobs']['get']>
export type GpuJob = GpuJobList['jobs'][number]
export type GpuPlane = GpuJobList['plane']
export type GpuEnvVar = GpuJob['env'][number]
export type NewGpuJob = RequestOf<paths['/gpu/jobs']['post']>
export type GpuSettings = DataOf<paths['/settings/gpu']['get']>
export type GpuSettingsChange = RequestOf<paths['/settings/gpu']['put']>
export type GpuWorker = GpuSettings['workers'][number]
export type GpuWorkerCreated = DataOf<paths['/settings/gpu/workers']['post']>
