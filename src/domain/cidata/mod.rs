//! The `cidata` seed of a template bake: an in-process ISO 9660 + Joliet writer (`iso9660.rs`,
//! its field encodings in `iso_fields.rs`), a reader for one file of such an image (`iso_read.rs`,
//! used by the simulated guest), the bake recipe (`recipe.rs`: meta-data, user-data installing the
//! guest agent, a static network-config) and the check of whether a user-data brings the guest
//! agent up (`agent_check.rs`).
//!
//! Proxmox's API cannot upload cloud-init snippets but can upload ISOs, so a bake boots its
//! imported cloud image once with this ISO attached; cloud-init's NoCloud datasource finds it by
//! its `cidata` label.

mod agent_check;
mod iso9660;
mod iso_fields;
mod iso_read;
mod recipe;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

pub use iso_read::read_iso_file;
pub use iso9660::{MAX_FILE_BYTES, MAX_FILES, MAX_LABEL_CHARS, MAX_NAME_CHARS, WriteIsoError, write_iso};
pub use recipe::{
    BAKE_VERSION, BakeNetwork, CIDATA_LABEL, GUEST_AGENT_PACKAGE, bake_files, bake_iso, bake_iso_name,
    installs_guest_agent,
};
