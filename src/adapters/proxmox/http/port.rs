//! The `Proxmox` port over HTTP: each method is one endpoint — its method, path and parameters —
//! and the reader for its answer.

use async_trait::async_trait;

use super::HttpProxmox;
use super::shapes;
use super::transport::{Call, FilePart};
use super::wire::{Params, config_params, power_params, segment, size_param};
use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::*;

fn node_path(node: &NodeName, rest: &str) -> String {
    format!("/nodes/{}{rest}", segment(node.as_str()))
}

fn vm_path(node: &NodeName, vmid: VmId, rest: &str) -> String {
    node_path(node, &format!("/qemu/{vmid}{rest}"))
}

fn storage_path(node: &NodeName, storage: &str, rest: &str) -> String {
    node_path(node, &format!("/storage/{}{rest}", segment(storage)))
}

/// Task calls go to the node inside the UPID, which may differ from the node that was asked.
fn task_path(upid: &Upid, rest: &str) -> String {
    node_path(upid.node(), &format!("/tasks/{}{rest}", segment(upid.as_str())))
}

impl HttpProxmox {
    async fn upid_of(&self, call: Call) -> ProxmoxResult<Upid> {
        shapes::task_upid(&self.send(call).await?.data)
    }
}

#[async_trait]
impl Proxmox for HttpProxmox {
    async fn version(&self) -> ProxmoxResult<PveVersion> {
        shapes::version(&self.send(Call::get("/version".into())).await?.data)
    }

    async fn nodes(&self) -> ProxmoxResult<Vec<NodeInfo>> {
        shapes::nodes(&self.send(Call::get("/nodes".into())).await?.data)
    }

    async fn node_status(&self, node: &NodeName) -> ProxmoxResult<NodeStatus> {
        let call = Call::get(node_path(node, "/status")).on(node);
        shapes::node_status(&self.send(call).await?.data)
    }

    async fn cluster_resources(&self, kind: Option<ResourceKind>) -> ProxmoxResult<Vec<ClusterResource>> {
        let kind = kind.map(|k| match k {
            ResourceKind::Vm => "vm",
            ResourceKind::Node => "node",
            ResourceKind::Storage => "storage",
        });
        let call = Call::get("/cluster/resources".into()).params(Params::new().maybe("type", kind));
        shapes::cluster_resources(&self.send(call).await?.data)
    }

    async fn next_vmid(&self, wanted: Option<VmId>) -> ProxmoxResult<VmId> {
        let call = Call::get("/cluster/nextid".into()).params(Params::new().maybe("vmid", wanted));
        shapes::vmid(&self.send(call).await?.data)
    }

    async fn vms(&self, node: &NodeName) -> ProxmoxResult<Vec<VmStatus>> {
        let call = Call::get(node_path(node, "/qemu")).on(node);
        shapes::vm_statuses(&self.send(call).await?.data)
    }

    async fn vm_status(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<VmStatus> {
        let call = Call::get(vm_path(node, vmid, "/status/current")).on(node);
        shapes::vm_status_of(&self.send(call).await?.data, vmid)
    }

    async fn vm_config(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<VmConfig> {
        let call = Call::get(vm_path(node, vmid, "/config")).on(node);
        shapes::vm_config(&self.send(call).await?.data)
    }

    async fn update_config(&self, node: &NodeName, vmid: VmId, change: &ConfigChange) -> ProxmoxResult<Upid> {
        let call = Call::post(vm_path(node, vmid, "/config"))
            .on(node)
            .params(config_params(change));
        self.upid_of(call).await
    }

    async fn update_config_sync(&self, node: &NodeName, vmid: VmId, change: &ConfigChange) -> ProxmoxResult<()> {
        let call = Call::put(vm_path(node, vmid, "/config"))
            .on(node)
            .params(config_params(change));
        self.send(call).await.map(|_| ())
    }

    async fn create_vm(&self, node: &NodeName, vmid: VmId, config: &[(String, String)]) -> ProxmoxResult<Upid> {
        let call = Call::post(node_path(node, "/qemu"))
            .on(node)
            .params(Params::new().add("vmid", vmid).pairs(config));
        self.upid_of(call).await
    }

    async fn clone_vm(&self, request: &CloneRequest) -> ProxmoxResult<Upid> {
        let mut params = Params::new()
            .add("newid", request.newid)
            .maybe("name", request.name.as_deref())
            .maybe("description", request.description.as_deref());
        if let Some(full) = request.full {
            params = params.flag("full", full);
        }
        let params = params
            .maybe("target", request.target.as_ref())
            .maybe("storage", request.storage.as_deref());
        let call = Call::post(vm_path(&request.node, request.vmid, "/clone"))
            .on(&request.node)
            .params(params);
        self.upid_of(call).await
    }

    async fn resize_disk(&self, node: &NodeName, vmid: VmId, disk: &str, size: DiskSize) -> ProxmoxResult<Upid> {
        let params = Params::new().add("disk", disk).add("size", size_param(size));
        let call = Call::put(vm_path(node, vmid, "/resize")).on(node).params(params);
        self.upid_of(call).await
    }

    async fn power(&self, node: &NodeName, vmid: VmId, op: PowerOp) -> ProxmoxResult<Upid> {
        let call = Call::post(vm_path(node, vmid, &format!("/status/{}", op.as_str())))
            .on(node)
            .params(power_params(op));
        self.upid_of(call).await
    }

    async fn delete_vm(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Upid> {
        let params = Params::new()
            .flag("purge", true)
            .flag("destroy-unreferenced-disks", true);
        let call = Call::delete(vm_path(node, vmid, "")).on(node).params(params);
        self.upid_of(call).await
    }

    async fn convert_to_template(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Upid> {
        self.upid_of(Call::post(vm_path(node, vmid, "/template")).on(node))
            .await
    }

    async fn agent_interfaces(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Vec<AgentInterface>> {
        let call = Call::get(vm_path(node, vmid, "/agent/network-get-interfaces"))
            .on(node)
            .agent();
        shapes::agent_interfaces(&self.send(call).await?.data)
    }

    async fn agent_exec(
        &self,
        node: &NodeName,
        vmid: VmId,
        command: &[String],
        input: Option<String>,
    ) -> ProxmoxResult<u32> {
        let params = Params::new().repeated("command", command).maybe("input-data", input);
        let call = Call::post(vm_path(node, vmid, "/agent/exec"))
            .on(node)
            .agent()
            .params(params);
        shapes::exec_pid(&self.send(call).await?.data)
    }

    async fn agent_exec_status(&self, node: &NodeName, vmid: VmId, pid: u32) -> ProxmoxResult<ExecStatus> {
        let call = Call::get(vm_path(node, vmid, "/agent/exec-status"))
            .on(node)
            .agent()
            .params(Params::new().add("pid", pid));
        shapes::exec_status(&self.send(call).await?.data)
    }

    async fn agent_file_write(&self, node: &NodeName, vmid: VmId, path: &str, content: &str) -> ProxmoxResult<()> {
        let call = Call::post(vm_path(node, vmid, "/agent/file-write"))
            .on(node)
            .agent()
            .params(Params::new().add("file", path).add("content", content));
        self.send(call).await.map(|_| ())
    }

    async fn storages(&self, node: &NodeName) -> ProxmoxResult<Vec<StorageStatus>> {
        let call = Call::get(node_path(node, "/storage")).on(node);
        shapes::storages(&self.send(call).await?.data)
    }

    async fn storage_status(&self, node: &NodeName, storage: &str) -> ProxmoxResult<StorageStatus> {
        let call = Call::get(storage_path(node, storage, "/status")).on(node);
        let reply = self.send(call).await?;
        shapes::storage_status(super::decode::Obj::new(&reply.data, "storage status")?, Some(storage))
    }

    async fn storage_content(
        &self,
        node: &NodeName,
        storage: &str,
        content: Option<String>,
    ) -> ProxmoxResult<Vec<StorageItem>> {
        let call = Call::get(storage_path(node, storage, "/content"))
            .on(node)
            .params(Params::new().maybe("content", content));
        shapes::storage_items(&self.send(call).await?.data)
    }

    async fn download_url(&self, node: &NodeName, storage: &str, request: &DownloadRequest) -> ProxmoxResult<Upid> {
        let checksum = request.checksum.as_ref();
        let params = Params::new()
            .add("url", &request.url)
            .add("content", &request.content)
            .add("filename", &request.filename)
            .maybe("checksum", checksum.map(|c| c.value.as_str()))
            .maybe("checksum-algorithm", checksum.map(|c| c.algorithm.as_str()));
        let call = Call::post(storage_path(node, storage, "/download-url"))
            .on(node)
            .params(params);
        self.upid_of(call).await
    }

    async fn upload_iso(&self, node: &NodeName, storage: &str, filename: &str, bytes: Vec<u8>) -> ProxmoxResult<Upid> {
        let file = FilePart {
            field: "filename",
            file_name: filename.to_owned(),
            bytes,
        };
        let call = Call::post(storage_path(node, storage, "/upload"))
            .on(node)
            .params(Params::new().add("content", "iso"))
            .file(file);
        self.upid_of(call).await
    }

    async fn delete_volume(&self, node: &NodeName, storage: &str, volid: &str) -> ProxmoxResult<Upid> {
        let call = Call::delete(storage_path(node, storage, &format!("/content/{}", segment(volid)))).on(node);
        self.upid_of(call).await
    }

    async fn task_status(&self, upid: &Upid) -> ProxmoxResult<TaskStatus> {
        let call = Call::get(task_path(upid, "/status")).on(upid.node());
        shapes::task_status(&self.send(call).await?.data, upid)
    }

    async fn task_log(&self, upid: &Upid, start: u32, limit: u32) -> ProxmoxResult<TaskLog> {
        let call = Call::get(task_path(upid, "/log"))
            .on(upid.node())
            .params(Params::new().add("start", start).add("limit", limit));
        let reply = self.send(call).await?;
        shapes::task_log(&reply.data, reply.total)
    }
}
