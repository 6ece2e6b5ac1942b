//! Why a provision failed, as the machine code the API sends and the store keeps, with its words:
//! what the code means and what the user can do about it, so messages about a code are written
//! in one place.

use std::fmt;

/// The machine code of a failed provision (or of a request refused for the same reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureCode {
    /// Anything without a code of its own: Proxmox refused or failed a step, the record lost
    /// something it needs, the tier is gone.
    ProvisionFailed,
    /// No node has room for the tier.
    NoCapacity,
    /// The IP pool has no address to give (or every one tried is in use on the network).
    PoolExhausted,
    /// No node has a template for the chosen OS.
    NoTemplate,
    /// The machine's SSH key could not be saved, so it cannot be built with it.
    KeyNotSaved,
}

impl FailureCode {
    /// Every code, for tests and listings.
    pub const ALL: [Self; 5] = [
        Self::ProvisionFailed,
        Self::NoCapacity,
        Self::PoolExhausted,
        Self::NoTemplate,
        Self::KeyNotSaved,
    ];

    /// The code as sent in the API's `code` fields and kept in the store. Never change one: old
    /// records and API clients hold these strings.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProvisionFailed => "provision_failed",
            Self::NoCapacity => "no_capacity",
            Self::PoolExhausted => "pool_exhausted",
            Self::NoTemplate => "no_template",
            Self::KeyNotSaved => "key_not_saved",
        }
    }

    /// The code written as `text` by [`FailureCode::as_str`]; `None` for any other text (a
    /// reader of stored text falls back to [`FailureCode::ProvisionFailed`] and says so).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// What the code means, as a sentence for the user.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::ProvisionFailed => "Nimbus could not build the machine.",
            Self::NoCapacity => "There is no room for the machine on the cluster right now.",
            Self::PoolExhausted => "Every address in the IP pool is in use.",
            Self::NoTemplate => "No node has a template for the chosen OS.",
            Self::KeyNotSaved => "The SSH key for this machine could not be saved.",
        }
    }

    /// What the user can do about it.
    pub fn remedy(self) -> &'static str {
        match self {
            Self::ProvisionFailed | Self::KeyNotSaved => "Try again.",
            Self::NoCapacity => "Choose a smaller tier or ask an admin to free capacity.",
            Self::PoolExhausted => "Delete a machine you no longer need, or ask an admin to widen the pool.",
            Self::NoTemplate => "Choose another OS, or ask an admin to run the template bootstrap.",
        }
    }

    /// The message when nothing more specific is known: what it means, then what to do.
    pub fn message(self) -> String {
        self.message_for(self.meaning())
    }

    /// The message for a failure whose cause the caller knows (one or more sentences naming
    /// the node, tier or OS concerned), followed by what to do.
    pub fn message_for(self, cause: &str) -> String {
        format!("{cause} {}", self.remedy())
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::FailureCode;

    #[test]
    fn every_code_reads_back_from_its_own_text() {
        for code in FailureCode::ALL {
            assert_eq!(FailureCode::parse(code.as_str()), Some(code));
        }
    }

    #[test]
    fn the_wire_strings_are_the_ones_clients_and_old_records_hold() {
        let words: Vec<_> = FailureCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            words,
            [
                "provision_failed",
                "no_capacity",
                "pool_exhausted",
                "no_template",
                "key_not_saved"
            ]
        );
    }

    #[test]
    fn unknown_text_is_no_code() {
        assert_eq!(FailureCode::parse("quota_exceeded"), None);
        assert_eq!(FailureCode::parse(""), None);
        assert_eq!(FailureCode::parse("No_Capacity"), None);
    }

    #[test]
    fn every_message_says_what_to_do_after_what_happened() {
        for code in FailureCode::ALL {
            let message = code.message();
            assert!(message.starts_with(code.meaning()), "{code}: {message}");
            assert!(message.ends_with(code.remedy()), "{code}: {message}");
        }
        assert_eq!(
            FailureCode::KeyNotSaved.message_for("The key was lost in a restart."),
            "The key was lost in a restart. Try again."
        );
    }
}
