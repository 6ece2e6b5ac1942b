//! The placement knobs as the forms carry them, saved as the variables `serve` reads.

use std::collections::BTreeMap;

/// The placement knobs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlacementForm {
    pub excluded_nodes: Vec<String>,
    pub mem_buffer_mib: u64,
    pub cpu_load_factor: f64,
    pub clone_concurrency_per_node: u32,
    /// `None`: the disk check is off.
    pub disk_storage: Option<String>,
}

impl PlacementForm {
    /// The knobs as the running settings show them.
    pub fn of(settings: &crate::app::provisioning::ProvisionSettings) -> Self {
        let scoring = &settings.scoring;
        Self {
            excluded_nodes: scoring.excluded.iter().map(|n| n.to_string()).collect(),
            mem_buffer_mib: scoring.mem_buffer_mib,
            cpu_load_factor: scoring.cpu_load_factor.get(),
            clone_concurrency_per_node: settings.clone_per_node,
            disk_storage: scoring.disk_storage.clone(),
        }
    }

    /// The variables this form sets.
    pub fn values(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("NIMBUS_EXCLUDED_NODES", self.excluded_nodes.join(",")),
            ("NIMBUS_MEM_BUFFER_MIB", self.mem_buffer_mib.to_string()),
            ("NIMBUS_CPU_LOAD_FACTOR", self.cpu_load_factor.to_string()),
            (
                "NIMBUS_CLONE_CONCURRENCY_PER_NODE",
                self.clone_concurrency_per_node.to_string(),
            ),
            (
                "NIMBUS_VM_DISK_STORAGE",
                self.disk_storage.clone().unwrap_or_else(|| "off".into()),
            ),
        ])
    }
}
