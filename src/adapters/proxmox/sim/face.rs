//! The simulator's in-memory face: the `Proxmox` port answered straight from the model, with the
//! same errors the REST face and a real cluster give, for a caller: the built-in root token
//! (which may do anything, as before), an API token made in the simulator, or a signed-in
//! session — whose privileges each call checks first, as Proxmox does.

use async_trait::async_trait;

use super::SimCluster;
use super::faults::{Fault, Op};
use super::model::Model;
use super::permits::{any, perm};
use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::*;

/// Who calls the simulator.
#[derive(Clone, PartialEq, Eq)]
pub enum Caller {
    /// The built-in root token: no permission checks, tasks owned by `root@pam!nimbus`.
    Root,
    /// An API token made in the simulator (`user@realm!id`), checked against its secret.
    Token { id: String, secret: String },
    /// A ticket from a password sign-in.
    Ticket(String),
}

/// Leaves the secret and the ticket out.
impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::domain::redact::Redacted;
        match self {
            Self::Root => f.write_str("Root"),
            Self::Token { id, secret } => f
                .debug_struct("Token")
                .field("id", id)
                .field("secret", &Redacted(secret))
                .finish(),
            Self::Ticket(ticket) => f.debug_tuple("Ticket").field(&Redacted(ticket)).finish(),
        }
    }
}

/// `Proxmox` over a [`SimCluster`], without any wire in between.
#[derive(Clone)]
pub struct SimProxmox {
    sim: SimCluster,
    caller: Caller,
}

impl SimProxmox {
    pub(super) fn new(sim: SimCluster, caller: Caller) -> Self {
        Self { sim, caller }
    }

    pub(super) fn cluster(&self) -> &SimCluster {
        &self.sim
    }

    /// Runs one call: the slow-answer fault, the token and injected API errors, then `f`.
    pub(super) async fn call<T>(&self, op: Op, f: impl FnOnce(&mut Model) -> ProxmoxResult<T>) -> ProxmoxResult<T> {
        let delay = {
            let m = self.sim.at_now();
            m.faults.iter().filter(|x| x.live(m.now)).find_map(|x| match x.fault {
                Fault::Slow { delay } => Some(delay),
                _ => None,
            })
        };
        if let Some(d) = delay {
            tokio::time::sleep(d).await;
        }
        let mut m = self.sim.at_now();
        m.gate(op)?;
        m.acting = m.resolve(&self.caller)?;
        let result = f(&mut m);
        m.acting = None;
        if let Err(e) = &result {
            m.event(format!("{op:?} refused: {e}"));
        }
        result
    }

    /// The second half of a call that already passed [`SimProxmox::call`]'s gate (a download
    /// after its fetch).
    fn resume<T>(&self, op: Op, f: impl FnOnce(&mut Model) -> ProxmoxResult<T>) -> ProxmoxResult<T> {
        let mut m = self.sim.at_now();
        m.acting = m.resolve(&self.caller)?;
        let result = f(&mut m);
        m.acting = None;
        if let Err(e) = &result {
            m.event(format!("{op:?} refused: {e}"));
        }
        result
    }
}

#[async_trait]
impl Proxmox for SimProxmox {
    async fn version(&self) -> ProxmoxResult<PveVersion> {
        self.call(Op::Read, |m| Ok(m.version())).await
    }

    async fn nodes(&self) -> ProxmoxResult<Vec<NodeInfo>> {
        self.call(Op::Read, |m| Ok(m.node_infos())).await
    }

    async fn node_status(&self, node: &NodeName) -> ProxmoxResult<NodeStatus> {
        self.call(Op::Read, |m| {
            m.permit(&perm(format!("/nodes/{node}"), &["Sys.Audit"]))?;
            m.node_status(node)
        })
        .await
    }

    async fn cluster_resources(&self, kind: Option<ResourceKind>) -> ProxmoxResult<Vec<ClusterResource>> {
        self.call(Op::Read, |m| {
            *m.asked.entry("cluster/resources").or_default() += 1;
            let mut rows = m.resources(kind);
            rows.retain(|row| match row {
                ClusterResource::Guest(g) => m.may(&perm(format!("/vms/{}", g.vmid), &["VM.Audit"])),
                ClusterResource::Storage(s) => m.may(&perm(format!("/storage/{}", s.storage), &["Datastore.Audit"])),
                ClusterResource::Node(_) => true,
            });
            Ok(rows)
        })
        .await
    }

    async fn next_vmid(&self, wanted: Option<VmId>) -> ProxmoxResult<VmId> {
        self.call(Op::NextId, |m| m.next_vmid(wanted)).await
    }

    async fn vms(&self, node: &NodeName) -> ProxmoxResult<Vec<VmStatus>> {
        self.call(Op::Read, |m| {
            let mut rows = m.vm_statuses(node)?;
            rows.retain(|vm| m.may(&perm(format!("/vms/{}", vm.vmid), &["VM.Audit"])));
            Ok(rows)
        })
        .await
    }

    async fn vm_status(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<VmStatus> {
        self.call(Op::Read, |m| {
            m.permit(&perm(format!("/vms/{vmid}"), &["VM.Audit"]))?;
            m.reach(node)?;
            m.vm_on(node, vmid)?;
            Ok(m.status_of(vmid))
        })
        .await
    }

    async fn vm_config(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<VmConfig> {
        self.call(Op::Read, |m| {
            m.permit(&perm(format!("/vms/{vmid}"), &["VM.Audit"]))?;
            m.vm_config(node, vmid)
        })
        .await
    }

    async fn update_config(&self, node: &NodeName, vmid: VmId, change: &ConfigChange) -> ProxmoxResult<Upid> {
        self.call(Op::Config, |m| {
            m.permit(&m.config_check(vmid, &change.set, &change.delete))?;
            m.update_config(node, vmid, change, false)
                .map(|u| u.expect("an async config change always has a task"))
        })
        .await
    }

    async fn update_config_sync(&self, node: &NodeName, vmid: VmId, change: &ConfigChange) -> ProxmoxResult<()> {
        self.call(Op::Config, |m| {
            m.permit(&m.config_check(vmid, &change.set, &change.delete))?;
            m.update_config(node, vmid, change, true).map(|_| ())
        })
        .await
    }

    async fn create_vm(&self, node: &NodeName, vmid: VmId, config: &[(String, String)]) -> ProxmoxResult<Upid> {
        self.call(Op::Create, |m| {
            m.permit(&m.create_check(vmid, config))?;
            m.create_vm(node, vmid, config)
        })
        .await
    }

    async fn clone_vm(&self, request: &CloneRequest) -> ProxmoxResult<Upid> {
        self.call(Op::Clone, |m| {
            m.permit(&m.clone_check(request.vmid, request.newid, request.storage.as_deref()))?;
            m.clone_vm(request)
        })
        .await
    }

    async fn resize_disk(&self, node: &NodeName, vmid: VmId, disk: &str, size: DiskSize) -> ProxmoxResult<Upid> {
        self.call(Op::Resize, |m| {
            m.permit(&m.resize_check(vmid, disk))?;
            m.resize(node, vmid, disk, size)
        })
        .await
    }

    async fn power(&self, node: &NodeName, vmid: VmId, op: PowerOp) -> ProxmoxResult<Upid> {
        let kind = match op {
            PowerOp::Start => Op::Start,
            PowerOp::Stop => Op::Stop,
            PowerOp::Shutdown { .. } => Op::Shutdown,
            PowerOp::Reboot => Op::Reboot,
        };
        self.call(kind, |m| {
            m.permit(&perm(format!("/vms/{vmid}"), &["VM.PowerMgmt"]))?;
            m.power(node, vmid, op)
        })
        .await
    }

    async fn delete_vm(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Upid> {
        self.call(Op::Delete, |m| {
            m.permit(&perm(format!("/vms/{vmid}"), &["VM.Allocate"]))?;
            m.delete_vm(node, vmid)
        })
        .await
    }

    async fn convert_to_template(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Upid> {
        self.call(Op::Template, |m| {
            m.permit(&perm(format!("/vms/{vmid}"), &["VM.Allocate"]))?;
            m.convert_to_template(node, vmid)
        })
        .await
    }

    async fn agent_interfaces(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Vec<AgentInterface>> {
        self.call(Op::Agent, |m| {
            m.permit(&m.agent_check(vmid, Some("VM.GuestAgent.Audit")))?;
            m.agent_interfaces(node, vmid)
        })
        .await
    }

    async fn agent_exec(
        &self,
        node: &NodeName,
        vmid: VmId,
        command: &[String],
        _input: Option<String>,
    ) -> ProxmoxResult<u32> {
        let (pid, run) = self
            .call(Op::Agent, |m| {
                m.permit(&m.agent_check(vmid, None))?;
                m.agent_exec(node, vmid, command)
            })
            .await?;
        if let Some(run) = run {
            self.sim.start_guest_run(run);
        }
        Ok(pid)
    }

    async fn agent_exec_status(&self, node: &NodeName, vmid: VmId, pid: u32) -> ProxmoxResult<ExecStatus> {
        self.call(Op::Agent, |m| {
            m.permit(&m.agent_check(vmid, None))?;
            m.agent_exec_status(node, vmid, pid)
        })
        .await
    }

    async fn agent_file_write(&self, node: &NodeName, vmid: VmId, path: &str, content: &str) -> ProxmoxResult<()> {
        self.call(Op::Agent, |m| {
            m.permit(&m.agent_check(vmid, Some("VM.GuestAgent.FileWrite")))?;
            m.agent_file_write(node, vmid, path, content)
        })
        .await
    }

    async fn storages(&self, node: &NodeName) -> ProxmoxResult<Vec<StorageStatus>> {
        self.call(Op::Read, |m| {
            let mut rows = m.storages_of(node)?;
            rows.retain(|s| {
                m.may(&any(
                    format!("/storage/{}", s.storage),
                    &["Datastore.Audit", "Datastore.AllocateSpace"],
                ))
            });
            Ok(rows)
        })
        .await
    }

    async fn storage_status(&self, node: &NodeName, storage: &str) -> ProxmoxResult<StorageStatus> {
        self.call(Op::Read, |m| {
            m.permit(&any(
                format!("/storage/{storage}"),
                &["Datastore.Audit", "Datastore.AllocateSpace"],
            ))?;
            m.storage_status(node, storage)
        })
        .await
    }

    async fn storage_content(
        &self,
        node: &NodeName,
        storage: &str,
        content: Option<String>,
    ) -> ProxmoxResult<Vec<StorageItem>> {
        self.call(Op::Read, |m| {
            m.permit(&any(
                format!("/storage/{storage}"),
                &["Datastore.Audit", "Datastore.AllocateSpace"],
            ))?;
            m.storage_content(node, storage, content.as_deref())
        })
        .await
    }

    async fn download_url(&self, node: &NodeName, storage: &str, request: &DownloadRequest) -> ProxmoxResult<Upid> {
        // Refuse what Proxmox refuses before fetching anything, then fetch without holding the
        // model: other calls go on meanwhile, as on a real node.
        self.call(Op::Download, |m| {
            m.permit(&m.download_check(node, storage))?;
            m.check_download(node, storage, request)
        })
        .await?;
        let fetched = super::fetch::fetch(&request.url).await;
        self.resume(Op::Download, |m| m.download_url(node, storage, request, fetched))
    }

    async fn upload_iso(&self, node: &NodeName, storage: &str, filename: &str, bytes: Vec<u8>) -> ProxmoxResult<Upid> {
        self.call(Op::Upload, |m| {
            m.permit(&perm(format!("/storage/{storage}"), &["Datastore.AllocateTemplate"]))?;
            m.upload_iso(node, storage, filename, bytes)
        })
        .await
    }

    async fn delete_volume(&self, node: &NodeName, storage: &str, volid: &str) -> ProxmoxResult<Upid> {
        self.call(Op::VolumeDelete, |m| {
            m.permit(&perm(format!("/storage/{storage}"), &["Datastore.Allocate"]))?;
            m.delete_volume(node, storage, volid)
        })
        .await
    }

    async fn task_status(&self, upid: &Upid) -> ProxmoxResult<TaskStatus> {
        self.call(Op::Read, |m| {
            m.permit(&m.task_check(upid.node(), upid.user()))?;
            m.task_status(upid)
        })
        .await
    }

    async fn task_log(&self, upid: &Upid, start: u32, limit: u32) -> ProxmoxResult<TaskLog> {
        self.call(Op::Read, |m| {
            m.permit(&m.task_check(upid.node(), upid.user()))?;
            m.task_log(upid, start, limit)
        })
        .await
    }
}
