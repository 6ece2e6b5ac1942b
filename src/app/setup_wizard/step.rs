//! The setup wizard's steps.

/// The wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Proxmox,
    Network,
    Access,
    Admin,
}

impl Step {
    pub fn word(self) -> &'static str {
        match self {
            Self::Proxmox => "proxmox",
            Self::Network => "network",
            Self::Access => "access",
            Self::Admin => "admin",
        }
    }
}
