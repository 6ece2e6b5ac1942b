//! Identifiers Nimbus assigns to its own records. They are opaque wrappers so a user id can never
//! be passed where a VM id is expected; generating fresh ones is the application's job.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Uuid);

        impl $name {
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

uuid_id!(
    /// A Nimbus account.
    UserId
);

uuid_id!(
    /// Nimbus's own id for a VM, assigned when it is requested and kept for its whole life. The
    /// provision that builds the VM shares this id, and the clone's description carries it as the
    /// ownership marker. Never the Proxmox VMID.
    InstanceId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_stay_distinct_types() {
        let raw = Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0);
        let user = UserId::from_uuid(raw);
        assert_eq!(user.to_string().parse::<UserId>().unwrap(), user);
        let vm: InstanceId = " 12345678-9abc-def0-1234-56789abcdef0 ".parse().unwrap();
        assert_eq!(vm.as_uuid(), raw);
        assert!("not-a-uuid".parse::<InstanceId>().is_err());
    }
}
