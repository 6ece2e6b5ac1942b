//! Nimbus's `NimbusProvisioner` role is enough for everything Nimbus asks of a cluster: contract
//! functions that provision, bake templates and transfer images run unchanged with a
//! privilege-separated token holding exactly that role, where every call is permission-checked.

use std::net::IpAddr;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Duration;
use nimbus::adapters::proxmox::sim::{Fault, FaultId, FaultScope};
use nimbus::ports::proxmox::{Proxmox, ProxmoxAccess};

use super::{Harness, PROVISIONER_TOKEN};

/// `inner`'s cluster, called with [`PROVISIONER_TOKEN`].
struct AsProvisioner<'a> {
    inner: &'a dyn Harness,
    proxmox: Arc<dyn Proxmox>,
    access: Arc<dyn ProxmoxAccess>,
}

impl<'a> AsProvisioner<'a> {
    async fn new(inner: &'a dyn Harness) -> Self {
        let (proxmox, access) = inner.as_token(PROVISIONER_TOKEN.0, PROVISIONER_TOKEN.1).await;
        Self { inner, proxmox, access }
    }
}

#[async_trait]
impl Harness for AsProvisioner<'_> {
    fn proxmox(&self) -> &dyn Proxmox {
        self.proxmox.as_ref()
    }

    fn access(&self) -> &dyn ProxmoxAccess {
        self.access.as_ref()
    }

    async fn as_token(&self, full_id: &str, secret: &str) -> (Arc<dyn Proxmox>, Arc<dyn ProxmoxAccess>) {
        self.inner.as_token(full_id, secret).await
    }

    async fn advance(&self, by: Duration) {
        self.inner.advance(by).await;
    }

    async fn inject(&self, fault: Fault, scope: FaultScope) -> FaultId {
        self.inner.inject(fault, scope).await
    }

    async fn clear(&self, id: FaultId) {
        self.inner.clear(id).await;
    }

    async fn lan_answers(&self, ip: IpAddr, port: u16) -> bool {
        self.inner.lan_answers(ip, port).await
    }
}

pub async fn for_a_vm_s_whole_life(h: &dyn Harness) {
    let t = AsProvisioner::new(h).await;
    super::journey::a_vm_goes_from_template_to_reachable_and_back_to_nothing(&t).await;
}

pub async fn for_a_vm_made_from_an_imported_cloud_image(h: &dyn Harness) {
    let t = AsProvisioner::new(h).await;
    super::storage::create_vm_makes_a_vm_from_an_imported_cloud_image(&t).await;
}

pub async fn for_downloading_an_image(h: &dyn Harness) {
    let t = AsProvisioner::new(h).await;
    super::transfers::download_url_verifies_a_checksum_and_shows_progress_as_time_passes(&t).await;
}

pub async fn for_uploading_and_deleting_an_iso(h: &dyn Harness) {
    let t = AsProvisioner::new(h).await;
    super::transfers::upload_iso_stores_an_iso_that_delete_volume_removes(&t).await;
}

pub async fn for_the_bake_iso_and_the_cloud_init_drive(h: &dyn Harness) {
    let t = AsProvisioner::new(h).await;
    super::transfers::a_cdrom_holds_an_uploaded_iso_but_never_replaces_a_cloud_init_drive(&t).await;
}

pub async fn for_a_bake_s_agent(h: &dyn Harness) {
    let t = AsProvisioner::new(h).await;
    super::guest_ops::a_cidata_iso_asking_for_the_agent_installs_it_during_the_boot(&t).await;
}

pub async fn for_commands_through_the_agent(h: &dyn Harness) {
    let t = AsProvisioner::new(h).await;
    super::agent::agent_exec_runs_a_command_that_exits_zero_by_default(&t).await;
}

pub async fn for_files_through_the_agent(h: &dyn Harness) {
    let t = AsProvisioner::new(h).await;
    super::agent::agent_file_write_needs_a_running_agent(&t).await;
}

pub async fn for_making_a_template(h: &dyn Harness) {
    let t = AsProvisioner::new(h).await;
    super::vm::convert_to_template_makes_a_stopped_vm_a_template_once(&t).await;
}
