//! Samples of the API's bodies that carry a secret, each with the secret planted.

use uuid::Uuid;

use super::{at, public_key, secret, token_view};
use crate::adapters::http::access_code::{AccessCodeSettings, VerifyRequest};
use crate::adapters::http::accounts::invitations::CreatedInvitationView;
use crate::adapters::http::accounts::me::PasswordChange;
use crate::adapters::http::accounts::views::{ApiTokenView, CreatedToken};
use crate::adapters::http::accounts::{LoginRequest, RegisterRequest};
use crate::adapters::http::keys::{AttachPrivate, CreatedKey, KeyView, NewKeyRequest, PrivateKeyView};
use crate::adapters::http::oauth::OAuthSettingsUpdate;
use crate::adapters::http::vms::views::ResultView;
use crate::domain::ids::UserId;
use crate::domain::keys::KeySource;
use crate::ports::ssh_keys::KeyRecord;
use poem_openapi::types::Example;

pub(super) fn samples() -> Vec<(&'static str, String)> {
    vec![
        // HTTP bodies.
        ("VerifyRequest", format!("{:?}", VerifyRequest { code: secret() })),
        (
            "AccessCodeSettings",
            format!(
                "{:?}",
                AccessCodeSettings {
                    enabled: true,
                    code: Some(secret()),
                    version: 1
                }
            ),
        ),
        (
            "PasswordChange",
            format!(
                "{:?}",
                PasswordChange {
                    current_password: Some(secret()),
                    new_password: secret(),
                    revoke_tokens: Some(true),
                }
            ),
        ),
        (
            "RegisterRequest",
            format!(
                "{:?}",
                RegisterRequest {
                    email: "ada@lab.example".into(),
                    name: "Ada".into(),
                    password: secret(),
                    setup_token: Some(secret()),
                    invite: Some(secret()),
                    access_code: Some(secret()),
                }
            ),
        ),
        ("CreatedInvitationView", {
            let mut view = CreatedInvitationView::example();
            view.token = secret();
            view.link = format!("https://nimbus.lab.example/signup?invite={}", secret());
            format!("{view:?}")
        }),
        (
            "LoginRequest",
            format!(
                "{:?}",
                LoginRequest {
                    email: "ada@lab.example".into(),
                    password: secret()
                }
            ),
        ),
        (
            "CreatedToken (body)",
            format!(
                "{:?}",
                CreatedToken {
                    token: ApiTokenView::from(&token_view()),
                    secret: secret()
                }
            ),
        ),
        (
            "NewKeyRequest",
            format!(
                "{:?}",
                NewKeyRequest {
                    name: "laptop".into(),
                    label: None,
                    public_key: None,
                    private_key: Some(secret()),
                    generate: None,
                    keep_private_key: None,
                    set_default: None,
                }
            ),
        ),
        (
            "CreatedKey",
            format!(
                "{:?}",
                CreatedKey {
                    key: key_view(),
                    private_key: Some(secret())
                }
            ),
        ),
        (
            "AttachPrivate",
            format!("{:?}", AttachPrivate { private_key: secret() }),
        ),
        (
            "PrivateKeyView",
            format!(
                "{:?}",
                PrivateKeyView {
                    key_name: "laptop".into(),
                    private_key: secret()
                }
            ),
        ),
        (
            "ResultView",
            format!("{:?}", ResultView::from(super::inner::vm_result())),
        ),
        (
            "OAuthSettingsUpdate",
            format!(
                "{:?}",
                OAuthSettingsUpdate {
                    github_client_id: None,
                    github_client_secret: Some(secret()),
                    google_client_id: None,
                    google_client_secret: Some(secret()),
                    github_orgs: None,
                    google_domains: None,
                }
            ),
        ),
    ]
}

fn key_view() -> KeyView {
    KeyView::from(&KeyRecord {
        id: Uuid::from_u128(4),
        owner: UserId::from_uuid(Uuid::from_u128(1)),
        name: "laptop".into(),
        label: None,
        public: public_key(),
        has_private_key: true,
        is_default: false,
        source: KeySource::Generated,
        created_at: at(),
    })
}
