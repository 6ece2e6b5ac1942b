//! The provision form: every field checked before anything is reserved, and the digest that
//! tells a retried request (same `Idempotency-Key`) from a different one.

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::provision_error::ProvisionError;
use crate::domain::hostname::Hostname;
use crate::domain::os_image::{OsCatalog, OsImage};
use crate::domain::tier::{Tier, TierCatalog};

/// The form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProvisionForm {
    pub hostname: String,
    pub tier: String,
    pub os_template: String,
    pub ssh_key_id: Option<String>,
    pub ssh_pubkey: Option<String>,
    pub generate_key: Option<bool>,
    pub keep_private_key: Option<bool>,
    pub public_tunnel: Option<bool>,
    /// Why the machine is needed (shown to the admin who reviews a request).
    pub reason: Option<String>,
}

/// Longest request reason accepted.
pub const MAX_REASON: usize = 500;

/// How the VM gets its SSH key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChoice {
    /// The owner's default key.
    Default,
    Saved(Uuid),
    Pasted(String),
    Generate {
        keep: bool,
    },
}

/// A checked form.
#[derive(Debug, Clone)]
pub struct Request {
    pub hostname: Hostname,
    pub tier: Tier,
    pub os: OsImage,
    pub key: KeyChoice,
    pub public_tunnel: bool,
    pub reason: Option<String>,
}

/// Longest `Idempotency-Key` accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 128;

/// Checks an `Idempotency-Key` header value.
pub fn idempotency_key(raw: &str) -> Result<String, ProvisionError> {
    let key = raw.trim();
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ProvisionError::invalid(
            "Idempotency-Key",
            format!(
                "The Idempotency-Key header must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters (a UUID is a good choice)."
            ),
        ));
    }
    Ok(key.to_owned())
}

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

impl ProvisionForm {
    /// Checks every field; the first problem found is reported with its field.
    pub fn check(&self, tiers: &TierCatalog, images: &OsCatalog) -> Result<Request, ProvisionError> {
        let hostname = Hostname::parse(&self.hostname).map_err(|e| ProvisionError::invalid("hostname", e))?;
        let tier = tiers
            .find(&self.tier)
            .map_err(|e| ProvisionError::invalid("tier", e))?
            .clone();
        let os = images
            .find(&self.os_template)
            .map_err(|e| ProvisionError::invalid("os_template", e))?
            .clone();
        let generate = self.generate_key.unwrap_or(false);
        let chosen = [
            text(&self.ssh_key_id).is_some(),
            text(&self.ssh_pubkey).is_some(),
            generate,
        ];
        if chosen.iter().filter(|c| **c).count() > 1 {
            return Err(ProvisionError::invalid(
                "ssh_key_id",
                "Choose one way to get a key: a saved key, a pasted public key, or a generated one.",
            ));
        }
        if self.keep_private_key.is_some() && !generate {
            return Err(ProvisionError::invalid(
                "keep_private_key",
                "keep_private_key only applies to a generated key (generate_key: true).",
            ));
        }
        let key = if let Some(id) = text(&self.ssh_key_id) {
            KeyChoice::Saved(Uuid::parse_str(id).map_err(|_| {
                ProvisionError::invalid("ssh_key_id", "This is not a key id. Pick one of your saved keys.")
            })?)
        } else if let Some(line) = text(&self.ssh_pubkey) {
            KeyChoice::Pasted(line.to_owned())
        } else if generate {
            KeyChoice::Generate {
                keep: self.keep_private_key.unwrap_or(true),
            }
        } else {
            KeyChoice::Default
        };
        let reason = text(&self.reason).map(str::to_owned);
        if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_REASON) {
            return Err(ProvisionError::invalid(
                "reason",
                format!("Keep the reason to {MAX_REASON} characters or fewer."),
            ));
        }
        Ok(Request {
            hostname,
            tier,
            os,
            key,
            public_tunnel: self.public_tunnel.unwrap_or(false),
            reason,
        })
    }

    /// A digest of the request as the server understood it (trimmed, defaults applied), so a
    /// retry that differs only in spacing still matches.
    pub fn digest(&self) -> String {
        let mut canonical = serde_json::json!({
            "hostname": self.hostname.trim().to_ascii_lowercase(),
            "tier": self.tier.trim(),
            "os_template": self.os_template.trim(),
            "ssh_key_id": text(&self.ssh_key_id),
            "ssh_pubkey": text(&self.ssh_pubkey),
            "generate_key": self.generate_key.unwrap_or(false),
            "keep_private_key": self.keep_private_key.unwrap_or(true),
            "public_tunnel": self.public_tunnel.unwrap_or(false),
        });
        // Added only when present, so digests of requests from before reasons existed still match.
        if let Some(reason) = text(&self.reason) {
            canonical["reason"] = serde_json::Value::from(reason);
        }
        let hash = Sha256::digest(canonical.to_string().as_bytes());
        hash.iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProvisionForm {
        ProvisionForm {
            hostname: "web-1".into(),
            tier: "small".into(),
            os_template: "debian-12".into(),
            ..Default::default()
        }
    }

    fn field(f: ProvisionForm) -> &'static str {
        f.check(&TierCatalog::builtin(), &OsCatalog::builtin())
            .unwrap_err()
            .field()
            .unwrap()
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(
            field(ProvisionForm {
                hostname: "Web_1".into(),
                ..form()
            }),
            "hostname"
        );
        assert_eq!(
            field(ProvisionForm {
                tier: "huge".into(),
                ..form()
            }),
            "tier"
        );
        assert_eq!(
            field(ProvisionForm {
                os_template: "arch".into(),
                ..form()
            }),
            "os_template"
        );
        let two = ProvisionForm {
            ssh_pubkey: Some("ssh-ed25519 AAAA".into()),
            generate_key: Some(true),
            ..form()
        };
        assert_eq!(field(two), "ssh_key_id");
        let bad_id = ProvisionForm {
            ssh_key_id: Some("nope".into()),
            ..form()
        };
        assert_eq!(field(bad_id), "ssh_key_id");
        let keep = ProvisionForm {
            keep_private_key: Some(false),
            ..form()
        };
        assert_eq!(field(keep), "keep_private_key");
    }

    #[test]
    fn the_key_choice_follows_the_form() {
        let check = |f: ProvisionForm| f.check(&TierCatalog::builtin(), &OsCatalog::builtin()).unwrap().key;
        assert_eq!(check(form()), KeyChoice::Default);
        let g = ProvisionForm {
            generate_key: Some(true),
            ..form()
        };
        assert_eq!(check(g), KeyChoice::Generate { keep: true });
        let pasted = ProvisionForm {
            ssh_pubkey: Some("  ssh-ed25519 AAAA x ".into()),
            ssh_key_id: Some("  ".into()),
            ..form()
        };
        assert_eq!(check(pasted), KeyChoice::Pasted("ssh-ed25519 AAAA x".into()));
    }

    #[test]
    fn digests_ignore_spacing_but_not_meaning() {
        let a = form().digest();
        let spaced = ProvisionForm {
            hostname: " web-1 ".into(),
            ..form()
        };
        assert_eq!(a, spaced.digest());
        let other = ProvisionForm {
            tier: "medium".into(),
            ..form()
        };
        assert_ne!(a, other.digest());
    }

    #[test]
    fn idempotency_keys_are_short_visible_ascii() {
        assert_eq!(idempotency_key(" abc-1 ").unwrap(), "abc-1");
        assert!(idempotency_key("").is_err());
        assert!(idempotency_key("a b").is_err());
        assert!(idempotency_key(&"x".repeat(129)).is_err());
    }
}
