//! SSH keys at provision time. A saved key must be the caller's; a pasted key is checked before
//! anything is recorded and saved to the caller's vault under the VM's name once the request is
//! accepted (or the vault key with the same fingerprint is reused); a generated key is made and
//! named after the VM, kept sealed or shown once. Names are made unique, so a key left behind by
//! an earlier VM never blocks re-using a hostname.

use super::ProvisionPorts;
use super::provision_error::ProvisionError;
use super::provision_form::KeyChoice;
use super::shared::Shared;
use crate::app::accounts::Caller;
use crate::app::keys::{KeyError, NewKey};
use crate::domain::keys::check_strength;
use crate::ports::provisions::{KeyOrigin, KeyUse};

/// A key resolved before the request is recorded, and what remains to save afterwards.
pub(super) struct Prepared {
    pub key: KeyUse,
    pub save: Option<Save>,
}

pub(super) enum Save {
    Pasted,
    Generate { keep: bool },
}

fn vault_error(e: KeyError) -> ProvisionError {
    match e {
        KeyError::NotFound => ProvisionError::KeyNotFound,
        KeyError::Invalid { message, .. } => ProvisionError::invalid("ssh_pubkey", message),
        other => ProvisionError::Internal(other.to_string()),
    }
}

/// The first of `base`, `base-2`, `base-3`, ... not among `taken`.
pub(super) fn free_name(base: &str, taken: &[String]) -> String {
    (1..)
        .map(|n| if n == 1 { base.to_owned() } else { format!("{base}-{n}") })
        .find(|name| !taken.iter().any(|t| t == name))
        .expect("an unbounded range always yields a free name")
}

/// Resolves the key choice without writing anything.
pub(super) async fn prepare_key(s: &Shared, caller: &Caller, choice: &KeyChoice) -> Result<Prepared, ProvisionError> {
    let ProvisionPorts { vault, codec, .. } = &s.ports;
    let saved = |k: crate::ports::ssh_keys::KeyRecord, origin| Prepared {
        key: KeyUse {
            origin,
            key_id: Some(k.id),
            key_name: Some(k.name),
            public_key: k.public.line,
            kept: k.has_private_key,
        },
        save: None,
    };
    match choice {
        KeyChoice::Saved(id) => Ok(saved(
            vault.get(caller, *id).await.map_err(vault_error)?,
            KeyOrigin::Saved,
        )),
        KeyChoice::Default => {
            let keys = vault.list(caller).await.map_err(vault_error)?;
            let default = keys.into_iter().find(|k| k.is_default).ok_or_else(|| {
                ProvisionError::invalid(
                    "ssh_key_id",
                    "You have no default key. Pick a saved key, paste a public key or generate one.",
                )
            })?;
            Ok(saved(default, KeyOrigin::Saved))
        }
        KeyChoice::Pasted(line) => {
            let public = codec
                .parse_public(line)
                .map_err(|e| ProvisionError::invalid("ssh_pubkey", e))?;
            check_strength(public.algorithm, public.bits).map_err(|e| ProvisionError::invalid("ssh_pubkey", e))?;
            let keys = vault.list(caller).await.map_err(vault_error)?;
            if let Some(same) = keys.into_iter().find(|k| k.public.fingerprint == public.fingerprint) {
                return Ok(saved(same, KeyOrigin::Pasted));
            }
            Ok(Prepared {
                key: KeyUse {
                    origin: KeyOrigin::Pasted,
                    key_id: None,
                    key_name: None,
                    public_key: public.line,
                    kept: false,
                },
                save: Some(Save::Pasted),
            })
        }
        KeyChoice::Generate { keep } => Ok(Prepared {
            key: KeyUse {
                origin: KeyOrigin::Generated,
                key_id: None,
                key_name: None,
                public_key: String::new(),
                kept: *keep,
            },
            save: Some(Save::Generate { keep: *keep }),
        }),
    }
}

/// Saves a pasted or generated key to the vault, named after the VM. Returns the key and,
/// for a generated key, its private half.
pub(super) async fn save_key(
    s: &Shared,
    caller: &Caller,
    hostname: &str,
    key: &mut KeyUse,
    save: Save,
) -> Result<Option<String>, ProvisionError> {
    let vault = &s.ports.vault;
    let taken: Vec<String> = vault
        .list(caller)
        .await
        .map_err(vault_error)?
        .into_iter()
        .map(|k| k.name)
        .collect();
    let name = free_name(hostname, &taken);
    let form = match save {
        Save::Pasted => NewKey {
            name,
            label: Some(format!("Added for the machine {hostname}")),
            public_key: Some(key.public_key.clone()),
            ..NewKey::default()
        },
        Save::Generate { keep } => NewKey {
            name,
            label: Some(format!("Generated for the machine {hostname}")),
            generate: true,
            keep_private_key: keep,
            ..NewKey::default()
        },
    };
    let (record, private) = vault.create(caller, form).await.map_err(vault_error)?;
    key.key_id = Some(record.id);
    key.key_name = Some(record.name);
    key.public_key = record.public.line;
    key.kept = record.has_private_key;
    Ok(private)
}

#[cfg(test)]
mod tests {
    use super::free_name;

    #[test]
    fn a_key_name_already_taken_gets_a_number() {
        assert_eq!(free_name("web", &[]), "web");
        assert_eq!(free_name("web", &["web".into()]), "web-2");
        assert_eq!(
            free_name("web", &["web".into(), "web-2".into(), "web-4".into()]),
            "web-3"
        );
    }
}
