//! Template discovery: which template each node clones for each OS. A template is recognised by
//! its name `nimbus-<os>` (or the Go version's `<os>-template`, so a migrated cluster keeps
//! working), by the tag `nimbus-template` with the OS in its name, or by its VMID
//! (base + the OS's offset). A template on shared storage serves every node; one on local storage
//! serves only its own node. Discovery runs at boot and periodically, and feeds the `no_template`
//! gate of node scoring.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::bootstrap::TemplateHealth;
use crate::domain::cluster::NodeName;
use crate::domain::os_image::{OsCatalog, OsImage};
use crate::domain::vmid::VmId;
use crate::ports::proxmox::ClusterResource;
use crate::ports::{Proxmox, ProxmoxResult};

/// One template found on the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSource {
    pub os: String,
    /// The node whose config holds the template (clones are issued there).
    pub node: NodeName,
    pub vmid: VmId,
    /// Its boot disk: the config slot and the storage.
    pub disk: String,
    pub storage: String,
    pub shared: bool,
    /// What its config says: baked, agent, cloud-init drive, serial console, tags, age.
    pub health: TemplateHealth,
}

/// The templates found by the last discovery.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templates {
    sources: Vec<TemplateSource>,
    online: BTreeSet<NodeName>,
}

impl Templates {
    /// The template a VM of `os` placed on `node` is cloned from: the node's own, else a shared one.
    pub fn for_node(&self, os: &str, node: &NodeName) -> Option<&TemplateSource> {
        let of_os = || self.sources.iter().filter(move |t| t.os == os);
        of_os().find(|t| &t.node == node).or_else(|| of_os().find(|t| t.shared))
    }

    /// Nodes that can clone `os`.
    pub fn nodes_for(&self, os: &str) -> BTreeSet<NodeName> {
        self.online
            .iter()
            .filter(|n| self.for_node(os, n).is_some())
            .cloned()
            .collect()
    }

    /// Whether any node can clone `os`.
    pub fn available(&self, os: &str) -> bool {
        self.sources.iter().any(|t| t.os == os)
    }

    pub fn sources(&self) -> &[TemplateSource] {
        &self.sources
    }

    /// How many OSes have at least one template.
    pub fn os_count(&self) -> usize {
        self.sources
            .iter()
            .map(|t| t.os.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// Which OS a template is for, if it is one of Nimbus's.
fn os_of<'a>(images: &'a OsCatalog, name: &str, tags: &[String], vmid: VmId, base: VmId) -> Option<&'a OsImage> {
    let lowered = name.to_ascii_lowercase();
    let by_name = images.images().iter().find(|i| {
        // `<os>-template` is the Go version's name, so a cluster migrated from it keeps working.
        name == i.template_name() || lowered.strip_suffix("-template") == Some(i.key())
    });
    let tagged = tags.iter().any(|t| t == "nimbus-template");
    let by_tag = || {
        tagged
            .then(|| images.images().iter().find(|i| name.contains(i.key())))
            .flatten()
    };
    let by_vmid = || {
        images
            .images()
            .iter()
            .find(|i| i.suggested_template_vmid(base) == Some(vmid))
    };
    by_name.or_else(by_tag).or_else(by_vmid)
}

/// The first disk slot of a config and its storage (`scsi0` → `local-lvm`).
fn boot_disk(entries: &BTreeMap<String, String>) -> Option<(String, String)> {
    ["scsi", "virtio", "sata", "ide"].iter().find_map(|bus| {
        (0..16).find_map(|n| {
            let slot = format!("{bus}{n}");
            let value = entries.get(&slot)?;
            if value.contains("media=cdrom") {
                return None;
            }
            let storage = value.split(',').next()?.split_once(':')?.0;
            Some((slot, storage.to_owned()))
        })
    })
}

/// Finds the templates among the cluster's `resources` (reading each candidate's config).
pub async fn discover(proxmox: &dyn Proxmox, resources: &[ClusterResource], base: VmId) -> ProxmoxResult<Templates> {
    let images = OsCatalog::builtin();
    let mut shared = BTreeSet::new();
    let mut online = BTreeSet::new();
    for r in resources {
        match r {
            ClusterResource::Storage(st) if st.shared => {
                shared.insert(st.storage.clone());
            }
            ClusterResource::Node(n) if n.state == crate::ports::proxmox::NodeState::Online => {
                online.insert(n.name.clone());
            }
            _ => {}
        }
    }
    // Each online node's own list is live, where `/cluster/resources` lags a statistics cycle: a
    // template converted a moment ago (by the bootstrap) is offered at once.
    let mut candidates = Vec::new();
    for node in &online {
        let vms = match proxmox.vms(node).await {
            Ok(vms) => vms,
            Err(e) => {
                tracing::warn!(node = %node, error = %e, "cannot list a node's VMs for templates; skipping it");
                continue;
            }
        };
        for vm in vms.into_iter().filter(|v| v.template) {
            // A replaced template waiting to be destroyed is never cloned again.
            if vm.name.ends_with("-retired") {
                continue;
            }
            if let Some(image) = os_of(&images, &vm.name, &vm.tags, vm.vmid, base) {
                candidates.push((image.key().to_owned(), node.clone(), vm.vmid));
            }
        }
    }
    let mut sources = Vec::new();
    for (os, node, vmid) in candidates {
        let config = match proxmox.vm_config(&node, vmid).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(vmid = vmid.get(), node = %node, error = %e, "cannot read a template's config; skipping it");
                continue;
            }
        };
        let Some((disk, storage)) = boot_disk(&config.entries) else {
            tracing::warn!(vmid = vmid.get(), node = %node, "template has no disk; skipping it");
            continue;
        };
        sources.push(TemplateSource {
            os,
            node,
            vmid,
            disk,
            shared: shared.contains(&storage),
            storage,
            health: TemplateHealth::read(&config.entries),
        });
    }
    // Where a node has several templates of one OS, the highest bake version comes first (then
    // the lowest VMID: the one in use until a replacement is swapped in), so `for_node` picks it.
    sources.sort_by(|a, b| {
        (a.os.as_str(), std::cmp::Reverse(a.health.bake_version), a.vmid).cmp(&(
            b.os.as_str(),
            std::cmp::Reverse(b.health.bake_version),
            b.vmid,
        ))
    });
    Ok(Templates { sources, online })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_is_known_by_name_tag_or_vmid() {
        let images = OsCatalog::builtin();
        let base = VmId::new(9000).unwrap();
        let v = |n| VmId::new(n).unwrap();
        let os = |name: &str, tags: &[&str], vmid| {
            let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
            os_of(&images, name, &tags, v(vmid), base).map(|i| i.key())
        };
        assert_eq!(os("nimbus-debian-12", &[], 120), Some("debian-12"));
        assert_eq!(
            os("golden-ubuntu-22.04", &["nimbus-template"], 300),
            Some("ubuntu-22.04")
        );
        assert_eq!(os("golden-ubuntu-22.04", &[], 300), None);
        assert_eq!(os("whatever", &[], 9003), Some("debian-11"));
        assert_eq!(os("whatever", &[], 9100), None);
        // A cluster migrated from the Go version keeps its `<os>-template` templates.
        assert_eq!(os("ubuntu-24.04-template", &[], 301), Some("ubuntu-24.04"));
        assert_eq!(os("Debian-12-Template", &[], 302), Some("debian-12"));
        assert_eq!(os("debian-12-template-old", &[], 303), None);
        assert_eq!(os("my-debian-12-template", &[], 304), None);
    }

    #[test]
    fn the_boot_disk_is_the_first_non_cdrom_disk() {
        let entries: BTreeMap<String, String> = [
            ("ide2", "local-lvm:vm-9000-cloudinit,media=cdrom"),
            ("scsi0", "ceph-pool:base-9000-disk-0,size=3584M"),
            ("net0", "virtio=AA:BB,bridge=vmbr0"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(boot_disk(&entries), Some(("scsi0".into(), "ceph-pool".into())));
    }
}
