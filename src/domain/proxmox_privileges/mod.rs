//! Every Proxmox VE privilege Nimbus needs, on which ACL path and why, the role Nimbus creates
//! with exactly those privileges, and the pure check of a token's effective permissions against
//! them ([`check::missing`]).
//!
//! Derived from the permission checks in Proxmox's own sources (pve-manager, qemu-server,
//! pve-storage, pve-access-control) for every endpoint the `Proxmox` port calls:
//!
//! | Endpoint | Proxmox's check |
//! |---|---|
//! | `GET /version`, `GET /nodes`, `GET /cluster/nextid` | any user (`/nodes` shows figures only with `Sys.Audit` on `/nodes/{node}`) |
//! | `GET /cluster/resources` | any user; rows filtered: `VM.Audit` on `/vms/{vmid}`, `Sys.Audit` on `/nodes/{node}`, `Datastore.Audit` on `/storage/{storage}` |
//! | `GET /cluster/status` (the setup check) | `Sys.Audit` on `/` |
//! | `GET /nodes/{node}/status` | `Sys.Audit` on `/nodes/{node}` |
//! | `GET …/tasks/{upid}/status`, `…/log` | the task's owner, or `Sys.Audit` on `/nodes/{node}` |
//! | `GET /nodes/{node}/qemu` | any user; lists VMs with `VM.Audit` on `/vms/{vmid}` |
//! | `GET …/qemu/{vmid}/status/current`, `…/config` | `VM.Audit` on `/vms/{vmid}` |
//! | `POST`/`PUT …/qemu/{vmid}/config` | one of `VM.Config.*`, then per key: `cores`/`cpu` `VM.Config.CPU`, `memory` `VM.Config.Memory`, `name`/`description`/`agent`/`ostype`/`tags` `VM.Config.Options`, `ciuser`/`sshkeys`/`nameserver`/`searchdomain`/`ipconfigN` `VM.Config.Cloudinit` (or `VM.Config.Network`), `netN` `VM.Config.Network` and `SDN.Use` on `/sdn/zones/localnetwork/{bridge}`, `serialN=socket`/`vga`/`scsihw` `VM.Config.HWType`, a CD-ROM `VM.Config.CDROM`, a cloud-init drive `VM.Config.Cloudinit` and `VM.Config.CDROM`, a disk or `boot` `VM.Config.Disk` |
//! | `POST /nodes/{node}/qemu` (create) | `VM.Allocate` on `/vms/{vmid}`, the config keys as above, `Datastore.AllocateSpace` on the disk's storage, `import-from` a volume: `Datastore.AllocateSpace` or `Datastore.Audit` on its storage |
//! | `POST …/qemu/{vmid}/clone` | `VM.Clone` on `/vms/{vmid}` and `VM.Allocate` on `/vms/{newid}`, `Datastore.AllocateSpace` on each disk's storage, `SDN.Use` on each bridge |
//! | `PUT …/qemu/{vmid}/resize` | `VM.Config.Disk` on `/vms/{vmid}`, `Datastore.AllocateSpace` on the storage |
//! | `POST …/qemu/{vmid}/status/{start,stop,shutdown,reboot}` | `VM.PowerMgmt` on `/vms/{vmid}` |
//! | `DELETE …/qemu/{vmid}`, `POST …/qemu/{vmid}/template` | `VM.Allocate` on `/vms/{vmid}` |
//! | `GET …/agent/network-get-interfaces` | `VM.GuestAgent.Audit` or `VM.GuestAgent.Unrestricted` (before PVE 9: `VM.Monitor`) |
//! | `POST …/agent/exec`, `GET …/agent/exec-status` | `VM.GuestAgent.Unrestricted` (before PVE 9: `VM.Monitor`) |
//! | `POST …/agent/file-write` | `VM.GuestAgent.FileWrite` or `VM.GuestAgent.Unrestricted` (before PVE 9: `VM.Monitor`) |
//! | `GET /nodes/{node}/storage` | any user; lists storages with `Datastore.Audit` or `Datastore.AllocateSpace` |
//! | `GET …/storage/{storage}/status`, `…/content` | `Datastore.Audit` or `Datastore.AllocateSpace` on `/storage/{storage}` |
//! | `POST …/storage/{storage}/download-url` | `Datastore.AllocateTemplate` on `/storage/{storage}`, and `Sys.AccessNetwork` on `/nodes/{node}` (or `Sys.Audit` + `Sys.Modify` on `/`; before PVE 8.1 only the latter) |
//! | `POST …/storage/{storage}/upload` | `Datastore.AllocateTemplate` on `/storage/{storage}` |
//! | `DELETE …/storage/{storage}/content/{volume}` | `Datastore.Allocate` on `/storage/{storage}` |
//! | the serial console (`…/termproxy`, `…/vncwebsocket`) | `VM.Console` on `/vms/{vmid}` |
//!
//! Nimbus asks for each privilege on the top of its tree (`/vms`, `/storage`, `/nodes`,
//! `/sdn/zones/localnetwork`), propagated, because the VMs, storages and nodes it will touch are
//! not known when the token is made.

pub mod check;
mod permissions;
#[cfg(test)]
mod tests;

pub use check::{Grantee, Missing, MissingReason, missing};
pub use permissions::{EffectivePermissions, Held, normalise_path};

/// The role Nimbus creates and grants its token.
pub const ROLE_NAME: &str = "NimbusProvisioner";

/// What stops working without a privilege.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    /// The setup check: the cluster's name and members.
    Setup,
    /// Making, configuring, watching, powering and deleting VMs.
    Provisioning,
    /// The template bootstrap: downloading images, building and converting the template VMs.
    Templates,
    /// The serial console of a VM.
    Console,
}

impl Feature {
    pub fn label(self) -> &'static str {
        match self {
            Self::Setup => "setup check",
            Self::Provisioning => "provisioning",
            Self::Templates => "templates",
            Self::Console => "serial console",
        }
    }
}

/// A Proxmox VE release, as far as privileges differ between releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PveRelease {
    pub major: u32,
    pub minor: u32,
}

impl PveRelease {
    pub const fn new(major: u32, minor: u32) -> Self {
        Self { major, minor }
    }

    /// Reads `8.4.1` or `9.0` (`/version`'s `version`); `None` when it does not start with
    /// `major.minor`.
    pub fn parse(version: &str) -> Option<Self> {
        let mut parts = version.trim().split(['.', '-', '~']);
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        Some(Self { major, minor })
    }

    /// PVE 9 replaced `VM.Monitor` with the `VM.GuestAgent.*` privileges.
    pub fn has_guest_agent_privileges(self) -> bool {
        self.major >= 9
    }

    /// `Sys.AccessNetwork` came with PVE 8.1 (pve-access-control 8.1.2).
    pub fn has_access_network(self) -> bool {
        self >= Self::new(8, 1)
    }
}

/// One privilege Nimbus needs: any one of `privileges` on `path`, propagated to everything below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// Alternatives Proxmox accepts; the first is the one Nimbus's role grants.
    pub privileges: Vec<&'static str>,
    /// The ACL path, e.g. `/vms`.
    pub path: &'static str,
    pub feature: Feature,
    /// The calls that check it, in words an admin recognises.
    pub why: &'static str,
}

impl Requirement {
    fn new(privileges: &[&'static str], path: &'static str, feature: Feature, why: &'static str) -> Self {
        Self {
            privileges: privileges.to_vec(),
            path,
            feature,
            why,
        }
    }

    /// The privilege the role grants.
    pub fn privilege(&self) -> &'static str {
        self.privileges[0]
    }
}

/// Every privilege Nimbus needs on `release`, grouped by feature.
pub fn requirements(release: PveRelease) -> Vec<Requirement> {
    use Feature::*;
    let (audit_agent, run_agent, write_agent): (&[&str], &[&str], &[&str]) = if release.has_guest_agent_privileges() {
        (
            &["VM.GuestAgent.Audit", "VM.GuestAgent.Unrestricted"],
            &["VM.GuestAgent.Unrestricted"],
            &["VM.GuestAgent.FileWrite", "VM.GuestAgent.Unrestricted"],
        )
    } else {
        (&["VM.Monitor"], &["VM.Monitor"], &["VM.Monitor"])
    };
    let mut list = vec![
        Requirement::new(
            &["Sys.Audit"],
            "/",
            Setup,
            "read the cluster's name and members (GET /cluster/status)",
        ),
        Requirement::new(
            &["VM.Audit"],
            "/vms",
            Provisioning,
            "see VMs and templates: their status, config and rows in /cluster/resources",
        ),
        Requirement::new(&["VM.Clone"], "/vms", Provisioning, "clone a template (POST …/clone)"),
        Requirement::new(
            &["VM.Allocate"],
            "/vms",
            Provisioning,
            "give a clone its VMID and delete VMs (clone, DELETE …/qemu/{vmid})",
        ),
        Requirement::new(&["VM.Config.CPU"], "/vms", Provisioning, "set cores and CPU type"),
        Requirement::new(&["VM.Config.Memory"], "/vms", Provisioning, "set memory"),
        Requirement::new(
            &["VM.Config.Cloudinit", "VM.Config.Network"],
            "/vms",
            Provisioning,
            "set the user, SSH key, address and DNS for cloud-init",
        ),
        Requirement::new(
            &["VM.Config.Options"],
            "/vms",
            Provisioning,
            "set the agent flag, name and tags",
        ),
        Requirement::new(
            &["VM.Config.Disk"],
            "/vms",
            Provisioning,
            "grow the disk (PUT …/resize)",
        ),
        Requirement::new(
            &["VM.PowerMgmt"],
            "/vms",
            Provisioning,
            "start, stop, shut down and reboot",
        ),
        Requirement::new(
            audit_agent,
            "/vms",
            Provisioning,
            "read the guest's addresses through the agent",
        ),
        Requirement::new(
            &["Datastore.AllocateSpace"],
            "/storage",
            Provisioning,
            "put clones' disks on a storage and grow them",
        ),
        Requirement::new(
            &["Datastore.Audit"],
            "/storage",
            Provisioning,
            "see storages and their free space in /cluster/resources",
        ),
        Requirement::new(
            &["Sys.Audit"],
            "/nodes",
            Provisioning,
            "read node figures for placement and follow tasks (node status, task status)",
        ),
        Requirement::new(
            &["SDN.Use"],
            "/sdn/zones/localnetwork",
            Provisioning,
            "attach a VM's network card to its bridge (clone and create check each bridge)",
        ),
        Requirement::new(
            &["Datastore.AllocateTemplate"],
            "/storage",
            Templates,
            "download cloud images and upload the bake ISO (download-url, upload)",
        ),
    ];
    if release.has_access_network() {
        list.push(Requirement::new(
            &["Sys.AccessNetwork"],
            "/nodes",
            Templates,
            "let a node fetch an image from a URL (download-url)",
        ));
    } else {
        list.push(Requirement::new(
            &["Sys.Modify"],
            "/",
            Templates,
            "let a node fetch an image from a URL (download-url needs Sys.Audit and Sys.Modify on / before PVE 8.1)",
        ));
    }
    list.extend([
        Requirement::new(
            &["Datastore.Allocate"],
            "/storage",
            Templates,
            "remove the downloaded image and the bake ISO (DELETE …/content/{volume})",
        ),
        Requirement::new(
            &["VM.Config.HWType"],
            "/vms",
            Templates,
            "give the template a serial console and a SCSI controller",
        ),
        Requirement::new(
            &["VM.Config.CDROM"],
            "/vms",
            Templates,
            "attach the bake ISO and the cloud-init drive",
        ),
        Requirement::new(
            &["VM.Config.Network"],
            "/vms",
            Templates,
            "give the template VM its network card",
        ),
        Requirement::new(
            run_agent,
            "/vms",
            Templates,
            "run the bake's commands through the agent",
        ),
        Requirement::new(
            write_agent,
            "/vms",
            Templates,
            "write files into the bake VM through the agent",
        ),
        Requirement::new(&["VM.Console"], "/vms", Console, "open a VM's serial console"),
    ]);
    list
}

/// The privileges of [`ROLE_NAME`] on `release`: the first alternative of every requirement,
/// once each, sorted.
pub fn provisioner_privileges(release: PveRelease) -> Vec<&'static str> {
    let mut privs: Vec<&'static str> = requirements(release).iter().map(Requirement::privilege).collect();
    privs.sort_unstable();
    privs.dedup();
    privs
}
