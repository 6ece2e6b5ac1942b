//! Contract tests for the `Proxmox` port: what any face of a Proxmox cluster must do, written once
//! against a `Harness` and run by every face (the in-process simulator now, its REST face later).
//!
//! A face builds one fresh harness per contract function over `Scenario::default_cluster(3)`
//! (`HarnessKind::DefaultCluster`) or, where the function's entry in [`contracts!`] says
//! `SharedTemplates`, over `Scenario::default_cluster(3).shared_templates()`, with the `Bench`
//! profile and a `ManualClock`. Nothing here may reach the simulator except through `Harness` and
//! the fault types, so the same functions run unchanged over HTTP.

mod access;
mod agent;
mod agent_faults;
mod cluster;
mod config;
mod faults;
mod fidelity;
mod file_server;
mod guest_ops;
mod http_face;
mod journey;
mod offline;
mod power;
mod role_suffices;
mod scopes;
mod sim_face;
mod storage;
mod tasks;
mod transfers;
mod vm;
mod wire;

use std::net::IpAddr;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Duration;
use nimbus::adapters::proxmox::sim::{Fault, FaultId, FaultScope};
use nimbus::domain::cluster::NodeName;
use nimbus::domain::upid::Upid;
use nimbus::domain::vmid::VmId;
use nimbus::ports::proxmox::{
    AgentInterface, CloneRequest, ConfigChange, ExitStatus, PowerOp, Proxmox, ProxmoxAccess, ProxmoxResult, TaskState,
};

/// A Proxmox face under test plus the knobs a test needs: the clock, faults, and the simulated LAN.
#[async_trait]
pub trait Harness: Send + Sync {
    fn proxmox(&self) -> &dyn Proxmox;
    /// The same cluster's access control, called by the same root token.
    fn access(&self) -> &dyn ProxmoxAccess;
    /// Both faces of the cluster called with an API token made in the simulator.
    async fn as_token(&self, full_id: &str, secret: &str) -> (Arc<dyn Proxmox>, Arc<dyn ProxmoxAccess>);
    /// Moves simulated time forward; tasks, the agent and statistics only progress through this.
    async fn advance(&self, by: Duration);
    async fn inject(&self, fault: Fault, scope: FaultScope) -> FaultId;
    async fn clear(&self, id: FaultId);
    /// Whether `ip:port` accepts a TCP connection on the simulated LAN right now.
    async fn lan_answers(&self, ip: IpAddr, port: u16) -> bool;
}

/// The cluster a contract function expects to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HarnessKind {
    /// Three nodes, each with its own copies of the four templates on `local-lvm`.
    DefaultCluster,
    /// Three nodes; templates 9000..=9003 on the shared `ceph-pool`, living on pve1.
    SharedTemplates,
    /// `DefaultCluster` on PVE 8.2.4, before the `import` content type.
    OlderRelease,
    /// `DefaultCluster` where `root@pam` signs in with [`ROOT_PASSWORD`], the token
    /// [`LIMITED_TOKEN`] holds Nimbus's privileges without `VM.Clone` and [`PROVISIONER_TOKEN`]
    /// exactly Nimbus's `NimbusProvisioner` role.
    Access,
    /// `Access`, but `root@pam` has two-factor authentication.
    SecondFactor,
}

/// `root@pam`'s password in the `Access` clusters.
pub const ROOT_PASSWORD: &str = "correct horse battery staple";
/// A privilege-separated token of `nimbus@pve` with `NimbusProvisioner` minus `VM.Clone`.
pub const LIMITED_TOKEN: (&str, &str) = ("nimbus@pve!limited", "0c9d3f4e-limited-secret");
/// A privilege-separated token of `provisioner@pve` with exactly `NimbusProvisioner`.
pub const PROVISIONER_TOKEN: (&str, &str) = ("provisioner@pve!nimbus", "7e21a0b6-provisioner-secret");

impl HarnessKind {
    /// The scenario a harness of this kind starts from.
    pub fn scenario(self) -> nimbus::adapters::proxmox::sim::Scenario {
        use nimbus::adapters::proxmox::sim::Scenario;
        match self {
            Self::DefaultCluster => Scenario::default_cluster(3),
            Self::SharedTemplates => Scenario::default_cluster(3).shared_templates(),
            Self::OlderRelease => Scenario::default_cluster(3).with_pve_version("8.2.4"),
            Self::Access | Self::SecondFactor => {
                use nimbus::adapters::proxmox::sim::TokenSpec;
                use nimbus::domain::proxmox_privileges::PveRelease;
                let release = PveRelease::parse(nimbus::adapters::proxmox::sim::DEFAULT_PVE_VERSION).expect("release");
                let limited = TokenSpec::provisioner(LIMITED_TOKEN.0, LIMITED_TOKEN.1, release, &["VM.Clone"]);
                let full = TokenSpec::provisioner(PROVISIONER_TOKEN.0, PROVISIONER_TOKEN.1, release, &[]);
                let scenario = Scenario::default_cluster(3)
                    .with_root_password(ROOT_PASSWORD)
                    .with_token(limited)
                    .with_token(full);
                if self == Self::SecondFactor {
                    scenario.with_second_factor()
                } else {
                    scenario
                }
            }
        }
    }
}

/// Every contract function with the cluster it starts from. A face passes the name of a macro
/// that takes `module::function: Kind` entries and turns each into a test.
macro_rules! contracts {
    ($face:ident) => {
        $face! {
            cluster::version_names_a_pve_release: DefaultCluster,
            cluster::nodes_lists_every_member_online_with_its_capacity: DefaultCluster,
            cluster::node_status_describes_a_node_and_refuses_an_unknown_one: DefaultCluster,
            cluster::cluster_resources_lists_nodes_storages_and_guests_by_kind: DefaultCluster,
            cluster::cluster_resources_lists_a_shared_storage_once_per_node: SharedTemplates,
            cluster::a_new_vm_shows_unknown_without_a_name_until_the_next_statistics_refresh: DefaultCluster,
            cluster::next_vmid_gives_the_lowest_free_id_and_checks_a_wanted_one: DefaultCluster,
            cluster::vmids_are_unique_across_the_whole_cluster: DefaultCluster,
            cluster::vms_lists_only_the_vms_whose_config_lives_on_the_node: DefaultCluster,
            cluster::vm_status_and_vm_config_describe_a_template: DefaultCluster,
            vm::a_clone_exists_at_once_locked_and_named_after_its_id_until_it_finishes: DefaultCluster,
            vm::starting_a_vm_that_is_still_being_cloned_fails_inside_the_start_task: DefaultCluster,
            vm::a_template_clone_is_linked_and_a_vm_clone_is_full_by_default: DefaultCluster,
            vm::a_linked_clone_refuses_a_target_storage: DefaultCluster,
            vm::cloning_to_another_node_is_refused_when_the_template_is_on_local_storage: DefaultCluster,
            vm::cloning_to_another_node_works_from_shared_storage: SharedTemplates,
            vm::cloning_refuses_an_unknown_source_and_a_source_that_is_locked: DefaultCluster,
            vm::convert_to_template_makes_a_stopped_vm_a_template_once: DefaultCluster,
            power::a_template_cannot_be_started: DefaultCluster,
            power::start_reboot_shutdown_and_stop_change_the_live_status: DefaultCluster,
            power::deleting_a_running_vm_is_refused_and_a_stopped_one_goes_when_its_task_ends: DefaultCluster,
            config::update_config_applies_its_change_in_a_qmconfig_task: DefaultCluster,
            config::update_config_sync_applies_at_once_and_deletes_keys: DefaultCluster,
            config::a_stale_digest_is_refused: DefaultCluster,
            config::sshkeys_must_be_url_encoded: DefaultCluster,
            config::update_config_refuses_a_key_proxmox_does_not_know: DefaultCluster,
            config::resize_grows_a_disk_and_refuses_to_shrink_inside_the_task: DefaultCluster,
            agent::the_agent_answers_with_proxmox_errors_until_it_is_up: DefaultCluster,
            agent::the_agent_reports_the_address_of_ipconfig0_on_ens18_and_lo: DefaultCluster,
            agent::agent_exec_runs_a_command_that_exits_zero_by_default: DefaultCluster,
            agent::agent_file_write_needs_a_running_agent: DefaultCluster,
            storage::storages_lists_local_and_local_lvm_with_their_content_types: DefaultCluster,
            storage::a_full_clone_takes_space_on_local_lvm_and_shows_in_its_content: DefaultCluster,
            storage::download_url_puts_an_import_image_on_local_once: DefaultCluster,
            storage::download_url_refuses_wrong_file_names_and_storages: DefaultCluster,
            storage::create_vm_makes_a_vm_from_an_imported_cloud_image: DefaultCluster,
            tasks::a_task_runs_until_the_clock_reaches_its_end: DefaultCluster,
            tasks::an_unknown_but_well_formed_task_is_not_found: DefaultCluster,
            tasks::task_log_numbers_lines_from_one_and_ends_with_the_task_status: DefaultCluster,
            faults::an_api_error_fails_only_its_kind_of_call_before_any_task: DefaultCluster,
            faults::a_task_error_fails_the_next_task_of_its_kind: DefaultCluster,
            faults::a_lock_timeout_times_out_sync_config_and_fails_the_start_task: DefaultCluster,
            faults::a_config_lock_refuses_changes_with_its_lock_name: DefaultCluster,
            faults::a_full_storage_fails_a_full_clone_inside_its_task: DefaultCluster,
            faults::a_next_id_collision_takes_the_id_right_after_it_is_given_out: DefaultCluster,
            faults::a_slow_cluster_still_answers_correctly: DefaultCluster,
            faults::a_wrong_token_is_unauthorized_everywhere: DefaultCluster,
            faults::a_lost_quorum_refuses_writes_and_serves_reads: DefaultCluster,
            faults::a_guest_ignoring_acpi_fails_shutdown_unless_forced: DefaultCluster,
            faults::a_worker_spawn_failure_is_unavailable_and_creates_nothing: DefaultCluster,
            offline::a_node_refusing_connections_fails_its_calls_with_595: DefaultCluster,
            offline::a_node_without_route_fails_its_calls_with_595: DefaultCluster,
            offline::a_node_timing_out_fails_its_calls_with_596: DefaultCluster,
            agent_faults::a_late_agent_answers_only_after_its_delay: DefaultCluster,
            agent_faults::an_agent_that_never_answers_stays_unavailable_for_that_vm_only: DefaultCluster,
            agent_faults::a_hanging_agent_fails_with_a_guest_ping_timeout: DefaultCluster,
            agent_faults::a_silent_vm_answers_neither_agent_nor_network: DefaultCluster,
            scopes::a_once_fault_fires_exactly_once: DefaultCluster,
            scopes::a_times_fault_fires_that_many_times: DefaultCluster,
            scopes::a_for_fault_expires_with_simulated_time: DefaultCluster,
            scopes::an_until_cleared_fault_lasts_until_it_is_cleared: DefaultCluster,
            journey::a_vm_goes_from_template_to_reachable_and_back_to_nothing: DefaultCluster,
            transfers::download_url_verifies_a_checksum_and_shows_progress_as_time_passes: DefaultCluster,
            transfers::download_url_fails_off_loopback_and_on_an_http_error: DefaultCluster,
            transfers::import_content_needs_pve_8_3_or_later: OlderRelease,
            transfers::upload_iso_stores_an_iso_that_delete_volume_removes: DefaultCluster,
            transfers::a_cdrom_holds_an_uploaded_iso_but_never_replaces_a_cloud_init_drive: DefaultCluster,
            guest_ops::a_guest_cleans_cloud_init_and_powers_itself_off: DefaultCluster,
            guest_ops::a_vm_created_from_a_cloud_image_runs_but_has_no_agent: DefaultCluster,
            guest_ops::a_download_failure_fault_fails_the_download_task: DefaultCluster,
            guest_ops::a_corrupted_download_fails_its_checksum: DefaultCluster,
            guest_ops::a_full_storage_fails_downloads_and_uploads_with_no_space: DefaultCluster,
            guest_ops::a_cidata_iso_asking_for_the_agent_installs_it_during_the_boot: DefaultCluster,
            guest_ops::an_iso_without_the_agent_in_its_user_data_leaves_the_guest_without_one: DefaultCluster,
            guest_ops::a_bake_whose_agent_never_comes_up_stays_unavailable: DefaultCluster,
            access::cluster_identity_names_the_cluster_and_its_members_online_or_not: DefaultCluster,
            access::a_new_user_role_and_token_are_made_once_each: DefaultCluster,
            access::a_privilege_separated_token_holds_what_both_it_and_its_user_are_granted: DefaultCluster,
            access::a_token_without_privilege_separation_holds_what_its_user_holds: DefaultCluster,
            access::grants_and_roles_refuse_unknown_names_and_privileges: DefaultCluster,
            access::a_restricted_token_is_refused_a_clone_naming_the_privilege: Access,
            access::a_restricted_token_sees_only_what_it_may_and_follows_its_own_tasks: Access,
            access::root_signs_in_with_its_password_and_the_session_makes_users: Access,
            access::a_wrong_password_is_unauthorized: Access,
            access::a_root_account_with_two_factor_needs_a_second_factor: SecondFactor,
            role_suffices::for_a_vm_s_whole_life: Access,
            role_suffices::for_a_vm_made_from_an_imported_cloud_image: Access,
            role_suffices::for_downloading_an_image: Access,
            role_suffices::for_uploading_and_deleting_an_iso: Access,
            role_suffices::for_the_bake_iso_and_the_cloud_init_drive: Access,
            role_suffices::for_a_bake_s_agent: Access,
            role_suffices::for_commands_through_the_agent: Access,
            role_suffices::for_files_through_the_agent: Access,
            role_suffices::for_making_a_template: Access,
        }
    };
}
pub(crate) use contracts;

/// Polling step for tasks, and how many steps a task may take before the test gives up.
pub const STEP: Duration = Duration::milliseconds(500);
pub const MAX_STEPS: u32 = 2_000;

/// The first template on pve1 (`nimbus-ubuntu-24.04`).
pub const UBUNTU: u32 = 9000;

pub const GIB: u64 = 1024 * 1024 * 1024;
pub const MIB: u64 = 1024 * 1024;

/// A structurally valid ed25519 public key (fixed bytes, no private half anywhere).
pub const SSH_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g nimbus@test";

pub fn node(name: &str) -> NodeName {
    NodeName::parse(name).expect("node name")
}

pub fn pve1() -> NodeName {
    node("pve1")
}

pub fn id(n: u32) -> VmId {
    VmId::new(n).expect("vmid")
}

pub fn ip(text: &str) -> IpAddr {
    text.parse().expect("ip address")
}

/// A change that sets these keys.
pub fn set(pairs: &[(&str, &str)]) -> ConfigChange {
    ConfigChange {
        set: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        ..ConfigChange::default()
    }
}

/// Encodes `sshkeys` the way Proxmox's `urlencoded` format wants it (`%20` for a space, never `+`).
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `POST clone` of `src` on `node` to `newid`, with Proxmox's defaults for the rest.
pub fn clone_request(node_name: &str, src: u32, newid: u32, name: &str) -> CloneRequest {
    CloneRequest {
        node: node(node_name),
        vmid: id(src),
        newid: id(newid),
        name: Some(name.to_owned()),
        description: None,
        full: None,
        target: None,
        storage: None,
    }
}

/// The error of a call that must fail.
pub fn expect_err<T: std::fmt::Debug, E>(result: Result<T, E>, what: &str) -> E {
    match result {
        Ok(v) => panic!("{what}: expected an error, got Ok({v:?})"),
        Err(e) => e,
    }
}

/// Advances the clock in `STEP`s until the task stops; panics if it never does.
pub async fn wait_task(h: &dyn Harness, upid: &Upid) -> ExitStatus {
    for _ in 0..MAX_STEPS {
        match h.proxmox().task_status(upid).await {
            Ok(status) => {
                if let TaskState::Stopped(exit) = status.state {
                    return exit;
                }
            }
            Err(e) => panic!("task_status({upid}) failed while waiting: {e:?}"),
        }
        h.advance(STEP).await;
    }
    panic!("task {upid} was still running after {MAX_STEPS} steps of {STEP}")
}

/// Waits for the task and panics with its log unless it succeeded.
pub async fn wait_ok(h: &dyn Harness, upid: &Upid, what: &str) {
    let exit = wait_task(h, upid).await;
    if !exit.is_success() {
        let log = h.proxmox().task_log(upid, 0, 0).await;
        panic!("{what}: task {upid} failed with {exit:?}; log: {log:?}");
    }
}

/// Waits for the task and returns its error text; panics if it succeeded.
pub async fn wait_error(h: &dyn Harness, upid: &Upid, what: &str) -> String {
    match wait_task(h, upid).await {
        ExitStatus::Error(text) => text,
        other => panic!("{what}: task {upid} was expected to fail but ended {other:?}"),
    }
}

/// Clones `src` on pve1 to `newid` (Proxmox's default mode) and waits for the clone.
pub async fn cloned(h: &dyn Harness, src: u32, newid: u32, name: &str) -> VmId {
    let upid = h
        .proxmox()
        .clone_vm(&clone_request("pve1", src, newid, name))
        .await
        .unwrap_or_else(|e| panic!("clone {src} -> {newid}: {e:?}"));
    wait_ok(h, &upid, "clone").await;
    id(newid)
}

/// A stopped linked clone of the Ubuntu template on pve1 whose `ipconfig0` is `address/24`.
pub async fn vm_with_ip(h: &dyn Harness, newid: u32, name: &str, address: &str) -> VmId {
    let vmid = cloned(h, UBUNTU, newid, name).await;
    let ipconfig = format!("ip={address}/24,gw=127.77.0.1");
    h.proxmox()
        .update_config_sync(&pve1(), vmid, &set(&[("ipconfig0", &ipconfig)]))
        .await
        .expect("set ipconfig0");
    vmid
}

/// Runs a power operation on a pve1 VM and waits for it to succeed.
pub async fn power_ok(h: &dyn Harness, vmid: VmId, op: PowerOp) {
    let upid = h
        .proxmox()
        .power(&pve1(), vmid, op)
        .await
        .unwrap_or_else(|e| panic!("{} {vmid}: {e:?}", op.as_str()));
    wait_ok(h, &upid, op.as_str()).await;
}

/// Polls the guest agent of a pve1 VM once a simulated second for up to `seconds`; the last error
/// if it never answered.
pub async fn wait_agent(h: &dyn Harness, vmid: VmId, seconds: u32) -> ProxmoxResult<Vec<AgentInterface>> {
    let mut last = h.proxmox().agent_interfaces(&pve1(), vmid).await;
    for _ in 0..seconds {
        if last.is_ok() {
            break;
        }
        h.advance(Duration::seconds(1)).await;
        last = h.proxmox().agent_interfaces(&pve1(), vmid).await;
    }
    last
}

/// Whether the agent's interfaces show `address` on an interface other than `lo`.
pub fn shows_address(interfaces: &[AgentInterface], address: IpAddr) -> bool {
    interfaces
        .iter()
        .any(|i| i.name != "lo" && i.addresses.iter().any(|(a, _)| *a == address))
}

/// One key of a VM's config; panics with the whole config when it is missing.
pub async fn config_value(h: &dyn Harness, on: &NodeName, vmid: VmId, key: &str) -> String {
    let config = h.proxmox().vm_config(on, vmid).await.expect("vm config");
    match config.get(key) {
        Some(v) => v.to_owned(),
        None => panic!("VM {vmid} has no `{key}` in its config: {:?}", config.entries),
    }
}
