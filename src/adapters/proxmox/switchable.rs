//! A Proxmox connection that can be replaced while Nimbus runs: the setup wizard connects the
//! first cluster, and Admin → Settings → Cluster a new address, token or certificate, without a
//! restart. Every part that talks to Proxmox holds this one handle; each call goes to the
//! connection current when it starts (a call under way finishes on the connection it began on).
//! Before any cluster is configured, every call fails with [`ProxmoxError::Unavailable`] saying so.

use std::sync::{Arc, RwLock};

use async_trait::async_trait;

use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::*;

/// Why a call fails before a cluster is configured.
pub const NOT_CONFIGURED: &str =
    "no Proxmox cluster is configured yet: an admin sets it up in the setup wizard or Settings → Cluster";

/// The current connection, replaceable.
#[derive(Default)]
pub struct SwitchableProxmox {
    current: RwLock<Option<Arc<dyn Proxmox>>>,
}

impl SwitchableProxmox {
    pub fn new(initial: Option<Arc<dyn Proxmox>>) -> Self {
        Self {
            current: RwLock::new(initial),
        }
    }

    /// Replaces the connection for every call that starts from now on.
    pub fn switch_to(&self, next: Arc<dyn Proxmox>) {
        *self.current.write().expect("proxmox switch lock") = Some(next);
    }

    fn current(&self) -> ProxmoxResult<Arc<dyn Proxmox>> {
        self.current
            .read()
            .expect("proxmox switch lock")
            .clone()
            .ok_or_else(|| ProxmoxError::Unavailable(NOT_CONFIGURED.into()))
    }
}

#[async_trait]
impl Proxmox for SwitchableProxmox {
    fn is_configured(&self) -> bool {
        self.current.read().expect("proxmox switch lock").is_some()
    }

    async fn version(&self) -> ProxmoxResult<PveVersion> {
        self.current()?.version().await
    }

    async fn nodes(&self) -> ProxmoxResult<Vec<NodeInfo>> {
        self.current()?.nodes().await
    }

    async fn node_status(&self, node: &NodeName) -> ProxmoxResult<NodeStatus> {
        self.current()?.node_status(node).await
    }

    async fn cluster_resources(&self, kind: Option<ResourceKind>) -> ProxmoxResult<Vec<ClusterResource>> {
        self.current()?.cluster_resources(kind).await
    }

    async fn next_vmid(&self, wanted: Option<VmId>) -> ProxmoxResult<VmId> {
        self.current()?.next_vmid(wanted).await
    }

    async fn vms(&self, node: &NodeName) -> ProxmoxResult<Vec<VmStatus>> {
        self.current()?.vms(node).await
    }

    async fn vm_status(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<VmStatus> {
        self.current()?.vm_status(node, vmid).await
    }

    async fn vm_config(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<VmConfig> {
        self.current()?.vm_config(node, vmid).await
    }

    async fn update_config(&self, node: &NodeName, vmid: VmId, change: &ConfigChange) -> ProxmoxResult<Upid> {
        self.current()?.update_config(node, vmid, change).await
    }

    async fn update_config_sync(&self, node: &NodeName, vmid: VmId, change: &ConfigChange) -> ProxmoxResult<()> {
        self.current()?.update_config_sync(node, vmid, change).await
    }

    async fn create_vm(&self, node: &NodeName, vmid: VmId, config: &[(String, String)]) -> ProxmoxResult<Upid> {
        self.current()?.create_vm(node, vmid, config).await
    }

    async fn clone_vm(&self, request: &CloneRequest) -> ProxmoxResult<Upid> {
        self.current()?.clone_vm(request).await
    }

    async fn resize_disk(&self, node: &NodeName, vmid: VmId, disk: &str, size: DiskSize) -> ProxmoxResult<Upid> {
        self.current()?.resize_disk(node, vmid, disk, size).await
    }

    async fn power(&self, node: &NodeName, vmid: VmId, op: PowerOp) -> ProxmoxResult<Upid> {
        self.current()?.power(node, vmid, op).await
    }

    async fn delete_vm(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Upid> {
        self.current()?.delete_vm(node, vmid).await
    }

    async fn convert_to_template(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Upid> {
        self.current()?.convert_to_template(node, vmid).await
    }

    async fn agent_interfaces(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Vec<AgentInterface>> {
        self.current()?.agent_interfaces(node, vmid).await
    }

    async fn agent_exec(
        &self,
        node: &NodeName,
        vmid: VmId,
        command: &[String],
        input: Option<String>,
    ) -> ProxmoxResult<u32> {
        self.current()?.agent_exec(node, vmid, command, input).await
    }

    async fn agent_exec_status(&self, node: &NodeName, vmid: VmId, pid: u32) -> ProxmoxResult<ExecStatus> {
        self.current()?.agent_exec_status(node, vmid, pid).await
    }

    async fn agent_file_write(&self, node: &NodeName, vmid: VmId, path: &str, content: &str) -> ProxmoxResult<()> {
        self.current()?.agent_file_write(node, vmid, path, content).await
    }

    async fn storages(&self, node: &NodeName) -> ProxmoxResult<Vec<StorageStatus>> {
        self.current()?.storages(node).await
    }

    async fn storage_status(&self, node: &NodeName, storage: &str) -> ProxmoxResult<StorageStatus> {
        self.current()?.storage_status(node, storage).await
    }

    async fn storage_content(
        &self,
        node: &NodeName,
        storage: &str,
        content: Option<String>,
    ) -> ProxmoxResult<Vec<StorageItem>> {
        self.current()?.storage_content(node, storage, content).await
    }

    async fn download_url(&self, node: &NodeName, storage: &str, request: &DownloadRequest) -> ProxmoxResult<Upid> {
        self.current()?.download_url(node, storage, request).await
    }

    async fn upload_iso(&self, node: &NodeName, storage: &str, filename: &str, bytes: Vec<u8>) -> ProxmoxResult<Upid> {
        self.current()?.upload_iso(node, storage, filename, bytes).await
    }

    async fn delete_volume(&self, node: &NodeName, storage: &str, volid: &str) -> ProxmoxResult<Upid> {
        self.current()?.delete_volume(node, storage, volid).await
    }

    async fn task_status(&self, upid: &Upid) -> ProxmoxResult<TaskStatus> {
        self.current()?.task_status(upid).await
    }

    async fn task_log(&self, upid: &Upid, start: u32, limit: u32) -> ProxmoxResult<TaskLog> {
        self.current()?.task_log(upid, start, limit).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::proxmox::sim::{Profile, Scenario, SimCluster};

    #[tokio::test]
    async fn before_a_cluster_every_call_says_none_is_configured() {
        let switch = SwitchableProxmox::new(None);
        assert!(!switch.is_configured());
        match switch.nodes().await {
            Err(ProxmoxError::Unavailable(words)) => assert!(words.contains("no Proxmox cluster is configured")),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn calls_go_to_the_cluster_switched_to() {
        let clock = std::sync::Arc::new(crate::adapters::clock::ManualClock::new(chrono::Utc::now()));
        let two = SimCluster::new(Scenario::default_cluster(2), Profile::Instant, 1, clock.clone());
        let five = SimCluster::new(Scenario::default_cluster(5), Profile::Instant, 1, clock);
        let switch = SwitchableProxmox::new(Some(Arc::new(two.proxmox())));
        assert_eq!(switch.nodes().await.unwrap().len(), 2);
        switch.switch_to(Arc::new(five.proxmox()));
        assert!(switch.is_configured());
        assert_eq!(switch.nodes().await.unwrap().len(), 5);
    }
}
