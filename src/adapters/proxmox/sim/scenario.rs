//! Starting states for a simulated cluster: nodes, storages and templates.

use crate::domain::cluster::{GIB, NodeName};
use crate::domain::os_image::OsCatalog;

pub use super::access_setup::{AccessSpec, TokenSpec};

/// One simulated node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    pub name: NodeName,
    pub cores: u32,
    pub mem_bytes: u64,
    /// Size of the node's `local-lvm` thin pool.
    pub lvm_bytes: u64,
    /// Size of the node's `local` directory storage.
    pub dir_bytes: u64,
    /// Background CPU load, 0..1.
    pub load: f64,
    /// Memory used by the host itself.
    pub base_mem_used: u64,
}

/// Where the OS templates live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplatePlacement {
    None,
    /// Each node has its own copies on `local-lvm`.
    PerNode,
    /// One set on the shared `ceph-pool`, owned by the first node.
    Shared,
}

/// A cluster to start from.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub nodes: Vec<NodeSpec>,
    /// Size of a shared `ceph-pool` seen by every node, if any.
    pub shared_bytes: Option<u64>,
    pub templates: TemplatePlacement,
    /// VMID of the first template; later ones follow.
    pub template_base: u32,
    /// Size of each template's disk.
    pub template_disk_bytes: u64,
    /// Existing guests spread over the nodes (half of them running), VMIDs from 100.
    pub guests: usize,
    /// The PVE release the cluster runs (`/version`, node status); before 8.3 there is no
    /// `import` content type.
    pub pve_version: String,
    /// Users, tokens, roles, `root@pam`'s password and the cluster's name.
    pub access: AccessSpec,
}

/// The release a simulated cluster runs unless a scenario says otherwise.
pub const DEFAULT_PVE_VERSION: &str = "8.4.1";

fn node(name: &str, cores: u32, mem_gib: u64, lvm_gib: u64, load: f64) -> NodeSpec {
    NodeSpec {
        name: NodeName::parse(name).expect("scenario node name"),
        cores,
        mem_bytes: mem_gib * GIB,
        lvm_bytes: lvm_gib * GIB,
        dir_bytes: 100 * GIB,
        load,
        base_mem_used: 2 * GIB,
    }
}

impl Scenario {
    /// `nodes` nodes `pve1..`, of a few different sizes, each with its own templates.
    pub fn default_cluster(nodes: usize) -> Self {
        let shapes = [
            (16, 64, 1024, 0.08),
            (8, 32, 512, 0.12),
            (12, 48, 768, 0.05),
            (8, 32, 512, 0.2),
        ];
        Self {
            nodes: (0..nodes)
                .map(|i| {
                    let (cores, mem, lvm, load) = shapes[i % shapes.len()];
                    node(&format!("pve{}", i + 1), cores, mem, lvm, load)
                })
                .collect(),
            shared_bytes: None,
            templates: TemplatePlacement::PerNode,
            template_base: 9000,
            template_disk_bytes: 3584 * 1024 * 1024,
            guests: 0,
            pve_version: DEFAULT_PVE_VERSION.to_owned(),
            access: AccessSpec {
                cluster_name: (nodes > 1).then(|| "pve-cluster".to_owned()),
                ..AccessSpec::default()
            },
        }
    }

    /// Five homelab machines of different sizes, as `nimbus demo` shows them.
    pub fn demo() -> Self {
        Self {
            nodes: vec![
                node("atlas", 16, 64, 1024, 0.10),
                node("borealis", 12, 48, 768, 0.06),
                node("cirrus", 8, 32, 512, 0.15),
                node("drift", 8, 16, 256, 0.04),
                node("ember", 4, 16, 256, 0.22),
            ],
            access: AccessSpec {
                cluster_name: Some("homelab".to_owned()),
                ..AccessSpec::default()
            },
            ..Self::default_cluster(0)
        }
    }

    /// Nodes and storages only.
    pub fn empty(nodes: usize) -> Self {
        Self {
            templates: TemplatePlacement::None,
            ..Self::default_cluster(nodes)
        }
    }

    /// Templates on a shared storage instead of on every node.
    pub fn shared_templates(mut self) -> Self {
        self.shared_bytes = Some(4096 * GIB);
        self.templates = TemplatePlacement::Shared;
        self
    }

    /// Adds `guests` existing VMs spread over the nodes.
    pub fn with_guests(mut self, guests: usize) -> Self {
        self.guests = guests;
        self
    }

    /// Runs another PVE release, e.g. `8.2.4` (`major.minor.patch`).
    pub fn with_pve_version(mut self, version: &str) -> Self {
        self.pve_version = version.to_owned();
        self
    }

    /// `root@pam` signs in with `password`.
    pub fn with_root_password(mut self, password: &str) -> Self {
        self.access.root_password = Some(password.to_owned());
        self
    }

    /// `root@pam` has two-factor authentication.
    pub fn with_second_factor(mut self) -> Self {
        self.access.root_second_factor = true;
        self
    }

    /// A token made before the start (see [`TokenSpec::provisioner`]).
    pub fn with_token(mut self, token: TokenSpec) -> Self {
        self.access.tokens.push(token);
        self
    }

    /// OS keys in template order.
    pub(super) fn template_keys() -> Vec<&'static str> {
        OsCatalog::builtin().images().iter().map(|i| i.key()).collect()
    }
}
