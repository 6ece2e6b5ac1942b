//! The `BakeStore` port: each node × OS's last template bootstrap, as it stands. A bake writes
//! its slot before every step it awaits, so a restart finds what it held (VM, address, ISO,
//! task) and resumes or cleans up.

use async_trait::async_trait;

use super::store::StoreError;
use crate::domain::bootstrap::BakeSlot;

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait BakeStore: Send + Sync {
    /// Saves the slot, replacing the node × OS's previous one.
    ///
    /// Errors: [`StoreError::Unavailable`].
    async fn save_bake(&self, slot: &BakeSlot) -> Result<(), StoreError>;

    /// Every node × OS's slot, ordered by node then OS.
    ///
    /// Errors: [`StoreError`] (`Corrupt` when a saved slot cannot be read back).
    async fn bakes(&self) -> Result<Vec<BakeSlot>, StoreError>;
}
