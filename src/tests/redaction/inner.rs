//! Samples of the ports', use cases', configuration's and Proxmox client's types that hold a
//! secret, each with the secret planted.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::{SECRET, at, public_key, secret, token_view, user};
use crate::adapters::proxmox::http::HttpProxmoxOptions;
use crate::adapters::proxmox::rest::ApiToken;
use crate::adapters::proxmox::sim::{AccessSpec, Caller, TokenSpec};
use crate::app::access_code::GateState;
use crate::app::accounts::{BootReport, CreatedToken, Credential, PasswordChanged, Registration};
use crate::app::cli::SimProxmoxArgs;
use crate::app::config::{Config, Mode, Sources};
use crate::app::invitations::{CreatedInvitation, InvitationView};
use crate::app::keys::NewKey;
use crate::app::maintenance::Rotation;
use crate::app::oauth::SettingsUpdate;
use crate::app::provisioning::VmResult;
use crate::domain::account::Email;
use crate::domain::account::InvitationState;
use crate::domain::ids::{InstanceId, UserId};
use crate::domain::role::Role;
use crate::ports::accounts::{NewUser, UserCredentials};
use crate::ports::invitations::InvitationRecord;
use crate::ports::oauth::{Authorization, ProviderApp};
use crate::ports::proxmox::{NewToken, PveSession, SignInPassword};
use crate::ports::ssh_keys::PrivateKeyInfo;

/// The result of a provision with its generated private key.
pub(super) fn vm_result() -> VmResult {
    VmResult {
        id: InstanceId::from_uuid(Uuid::from_u128(3)),
        vmid: None,
        hostname: "web".into(),
        ip: None,
        username: "ada".into(),
        os: "debian-12".into(),
        tier: "small".into(),
        node: None,
        ssh_private_key: Some(secret()),
        key_name: None,
        key_kept: false,
        unconfirmed: false,
        warning: None,
        public_ssh: None,
        tunnel_error: None,
    }
}

pub(super) fn samples() -> Vec<(&'static str, String)> {
    let app_token = CreatedToken {
        token: token_view(),
        secret: secret(),
    };
    vec![
        // Ports.
        (
            "UserCredentials",
            format!(
                "{:?}",
                UserCredentials {
                    user: user(),
                    password_hash: Some(secret())
                }
            ),
        ),
        (
            "NewUser",
            format!(
                "{:?}",
                NewUser {
                    id: UserId::from_uuid(Uuid::from_u128(1)),
                    email: Email::parse("ada@lab.example").unwrap(),
                    name: "Ada".into(),
                    password_hash: Some(secret()),
                    email_verified: false,
                    now: at(),
                }
            ),
        ),
        (
            "Authorization",
            format!(
                "{:?}",
                Authorization {
                    url: "https://github.example/authorize".into(),
                    pkce_verifier: secret()
                }
            ),
        ),
        (
            "ProviderApp",
            format!(
                "{:?}",
                ProviderApp {
                    client_id: "id".into(),
                    client_secret: secret()
                }
            ),
        ),
        (
            "PrivateKeyInfo",
            format!(
                "{:?}",
                PrivateKeyInfo {
                    public: public_key(),
                    openssh: secret()
                }
            ),
        ),
        // Use cases.
        (
            "Registration",
            format!(
                "{:?}",
                Registration {
                    email: "ada@lab.example".into(),
                    name: "Ada".into(),
                    password: secret(),
                    setup_token: Some(secret()),
                }
            ),
        ),
        ("Credential::Session", format!("{:?}", Credential::Session(secret()))),
        ("Credential::Bearer", format!("{:?}", Credential::Bearer(secret()))),
        ("CreatedToken", format!("{app_token:?}")),
        (
            "CreatedInvitation",
            format!(
                "{:?}",
                CreatedInvitation {
                    invitation: InvitationView {
                        record: InvitationRecord {
                            id: Uuid::from_u128(3),
                            role: Role::Member,
                            email: None,
                            created_by: user().id,
                            created_at: at(),
                            expires_at: at(),
                            used_at: None,
                            used_by: None,
                            revoked_at: None,
                        },
                        state: InvitationState::Pending,
                    },
                    token: secret(),
                }
            ),
        ),
        (
            "PasswordChanged",
            format!(
                "{:?}",
                PasswordChanged {
                    sessions_ended: 2,
                    tokens_revoked: 1,
                    secret: secret(),
                }
            ),
        ),
        (
            "BootReport",
            format!(
                "{:?}",
                BootReport {
                    promoted: None,
                    setup_token: Some(secret())
                }
            ),
        ),
        (
            "GateState",
            format!(
                "{:?}",
                GateState {
                    enabled: true,
                    code: Some(secret()),
                    version: 1
                }
            ),
        ),
        (
            "NewKey",
            format!(
                "{:?}",
                NewKey {
                    name: "laptop".into(),
                    private_key: Some(secret()),
                    ..NewKey::default()
                }
            ),
        ),
        (
            "Rotation",
            format!(
                "{:?}",
                Rotation {
                    resealed: 3,
                    new_env_key: Some(secret()),
                    key_file: None
                }
            ),
        ),
        (
            "SettingsUpdate",
            format!(
                "{:?}",
                SettingsUpdate {
                    github_client_secret: Some(secret()),
                    google_client_secret: Some(secret()),
                    ..SettingsUpdate::default()
                }
            ),
        ),
        ("VmResult", format!("{:?}", vm_result())),
        (
            "SimProxmoxArgs",
            format!(
                "{:?}",
                SimProxmoxArgs {
                    listen: "127.0.0.1:8006".parse().unwrap(),
                    profile: crate::adapters::proxmox::sim::Profile::Instant,
                    nodes: 1,
                    seed: 1,
                    token: Some(format!("root@pam!nimbus={SECRET}")),
                    empty: false,
                    http: false,
                    legacy_errors: false,
                    root_password: Some(secret()),
                    second_factor: false,
                    gopher: None,
                }
            ),
        ),
        ("Config", config_debug()),
        // Proxmox.
        (
            "ApiToken",
            format!(
                "{:?}",
                ApiToken {
                    token_id: "root@pam!nimbus".into(),
                    secret: secret()
                }
            ),
        ),
        (
            "HttpProxmoxOptions",
            format!(
                "{:?}",
                HttpProxmoxOptions::new("https://127.0.0.1:8006".parse().unwrap(), "root@pam!nimbus", secret())
            ),
        ),
        (
            "HttpProxmoxOptions signed in",
            format!(
                "{:?}",
                HttpProxmoxOptions::new("https://127.0.0.1:8006".parse().unwrap(), "x@pve!y", "z")
                    .with_session(pve_session())
            ),
        ),
        // Proxmox access control.
        ("PveSession", format!("{:?}", pve_session())),
        (
            "NewToken",
            format!(
                "{:?}",
                NewToken {
                    full_id: "nimbus@pve!nimbus".into(),
                    secret: secret()
                }
            ),
        ),
        ("SignInPassword", format!("{:?}", SignInPassword::new(secret()))),
        (
            "Caller",
            format!(
                "{:?} {:?}",
                Caller::Token {
                    id: "nimbus@pve!nimbus".into(),
                    secret: secret()
                },
                Caller::Ticket(secret())
            ),
        ),
        ("AccessSpec", format!("{:?}", access_spec())),
    ]
}

fn pve_session() -> PveSession {
    PveSession {
        username: "root@pam".into(),
        ticket: secret(),
        csrf_token: secret(),
    }
}

/// A root password and a token, both secret.
fn access_spec() -> AccessSpec {
    AccessSpec {
        root_password: Some(secret()),
        tokens: vec![TokenSpec::provisioner(
            "nimbus@pve!nimbus",
            SECRET,
            crate::domain::proxmox_privileges::PveRelease::new(9, 0),
            &[],
        )],
        ..AccessSpec::default()
    }
}

/// Every secret the configuration reads, loaded as `nimbus serve` would.
fn config_debug() -> String {
    let dir = tempfile::tempdir().unwrap();
    let key = [0xABu8; 32];
    let encoded = base64_of(&key);
    let env: BTreeMap<String, String> = [
        ("PROXMOX_HOST", "https://127.0.0.1:8006/".to_string()),
        ("PROXMOX_TOKEN_ID", "root@pam!nimbus".into()),
        ("PROXMOX_TOKEN_SECRET", secret()),
        ("NIMBUS_ENCRYPTION_KEY", encoded.clone()),
        ("GITHUB_CLIENT_ID", "gh".into()),
        ("GITHUB_CLIENT_SECRET", secret()),
        ("GOOGLE_CLIENT_ID", "gg".into()),
        ("GOOGLE_CLIENT_SECRET", secret()),
        ("GOPHER_API_URL", "http://127.0.0.1:9/".into()),
        ("GOPHER_API_KEY", secret()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let sources = Sources {
        env,
        cwd: dir.path().to_path_buf(),
        system_env_file: dir.path().join("none.env"),
    };
    let config = Config::load(Mode::Serve, &sources).unwrap();
    assert!(config.encryption_key.is_some(), "the key was read");
    let debug = format!("{config:?}");
    assert!(!debug.contains(&encoded), "the master key leaks: {debug}");
    assert!(!debug.contains("171, 171"), "the master key's bytes leak: {debug}");
    debug
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
