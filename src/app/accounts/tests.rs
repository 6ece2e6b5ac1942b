//! Use-case tests of the accounts service with mocked ports: what is checked before anything is
//! written, which port calls happen (and which must not), and the time rules.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use mockall::predicate::eq;
use uuid::Uuid;

use super::*;
use crate::adapters::clock::ManualClock;
use crate::domain::account::{Email, PasswordPolicy, SessionPolicy, TokenScope, UserStatus};
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::ports::accounts::{AdminSeat, MockAccountStore, SessionRecord, User, UserCredentials};
use crate::ports::passwords::MockPasswordHasher;

const GOOD: &str = "correct horse battery staple";

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

fn user(role: Role, status: UserStatus) -> User {
    User {
        id: UserId::from_uuid(Uuid::from_u128(7)),
        email: Email::parse("ada@lab.example").unwrap(),
        name: "Ada".into(),
        role,
        status,
        created_at: start(),
        last_seen_at: None,
        access_code_version: None,
        has_password: true,
        email_verified: false,
        email_conflict_at: None,
    }
}

fn service(
    store: MockAccountStore,
    hasher: MockPasswordHasher,
    clock: Arc<ManualClock>,
    setup: bool,
) -> AccountService {
    let settings = AuthSettings {
        sessions: SessionPolicy::default(),
        passwords: PasswordPolicy::default(),
        setup_token_required: setup,
        hashing: super::HashLimits {
            concurrent: 2,
            waiting: 16,
            wait: std::time::Duration::from_secs(5),
        },
    };
    let mut log = crate::ports::audit::MockAuditLog::new();
    log.expect_record().returning(|_| Ok(()));
    let audit = Arc::new(crate::app::audit::Auditor::new(Arc::new(log), clock.clone()));
    AccountService::new(Arc::new(store), Arc::new(hasher), clock, settings, audit)
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(start()))
}

#[tokio::test]
async fn without_the_setup_token_the_first_account_is_refused_before_anything_is_written() {
    let mut store = MockAccountStore::new();
    store.expect_promote_oldest_if_no_admin().returning(|_| Ok(None));
    store.expect_count_active_admins().returning(|| Ok(0));
    store.expect_create_user().never();
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_hash().never();
    let accounts = service(store, hasher, clock(), true);
    let token = accounts
        .boot()
        .await
        .unwrap()
        .setup_token
        .expect("a setup token while no admin exists");
    assert!(!token.is_empty());
    for given in [None, Some("wrong".to_string())] {
        let form = Registration {
            email: "ada@lab.example".into(),
            name: "Ada".into(),
            password: GOOD.into(),
            setup_token: given,
        };
        let refused = accounts.register(form, ClientInfo::default()).await;
        assert_eq!(refused, Err(AccountError::SetupTokenInvalid));
    }
}

#[tokio::test]
async fn the_right_setup_token_lets_the_registration_take_the_admin_seat() {
    let mut store = MockAccountStore::new();
    store.expect_promote_oldest_if_no_admin().returning(|_| Ok(None));
    store.expect_count_active_admins().returning(|| Ok(0));
    store
        .expect_create_user()
        .withf(|_, seat| *seat == AdminSeat::MayTake)
        .times(1)
        .returning(|_, _| Ok(user(Role::Admin, UserStatus::Active)));
    store.expect_create_session().times(1).returning(|_, _| Ok(()));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_hash().returning(|_| Ok("$argon2id$stub".into()));
    let accounts = service(store, hasher, clock(), true);
    let token = accounts.boot().await.unwrap().setup_token.unwrap();
    let form = Registration {
        email: "ada@lab.example".into(),
        name: "Ada".into(),
        password: GOOD.into(),
        setup_token: Some(token),
    };
    let (user, secret) = accounts.register(form, ClientInfo::default()).await.unwrap();
    assert_eq!(user.role, Role::Admin);
    assert_eq!(secret.len(), 43);
}

#[tokio::test]
async fn an_unknown_email_costs_a_verification_and_gets_the_wrong_password_answer() {
    let mut store = MockAccountStore::new();
    store.expect_find_user_by_email().returning(|_| Ok(None));
    store.expect_create_session().never();
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify_nothing().times(1).return_const(());
    let accounts = service(store, hasher, clock(), false);
    let answer = accounts.login("nobody@lab.example", GOOD, ClientInfo::default()).await;
    assert_eq!(answer, Err(AccountError::InvalidCredentials));
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_even_with_the_right_password() {
    let mut store = MockAccountStore::new();
    store.expect_find_user_by_email().returning(|_| {
        Ok(Some(UserCredentials {
            user: user(Role::Member, UserStatus::Disabled),
            password_hash: Some("$argon2id$stub".into()),
        }))
    });
    store.expect_create_session().never();
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(|_, _| true);
    let accounts = service(store, hasher, clock(), false);
    let answer = accounts.login("ada@lab.example", GOOD, ClientInfo::default()).await;
    assert_eq!(answer, Err(AccountError::AccountDisabled));
}

fn session_at(created: DateTime<Utc>) -> SessionRecord {
    SessionRecord {
        id: Uuid::from_u128(9),
        user_id: UserId::from_uuid(Uuid::from_u128(7)),
        created_at: created,
        last_used_at: created,
        user_agent: None,
        ip: None,
    }
}

#[tokio::test]
async fn a_live_session_is_touched_at_most_once_a_minute() {
    let clock = clock();
    let mut store = MockAccountStore::new();
    store
        .expect_find_session()
        .returning(|_| Ok(Some((session_at(start()), user(Role::Member, UserStatus::Active)))));
    store
        .expect_touch_session()
        .with(
            eq(Uuid::from_u128(9)),
            mockall::predicate::always(),
            eq(start() + Duration::seconds(60)),
        )
        .times(1)
        .returning(|_, _, _| Ok(()));
    let accounts = service(store, MockPasswordHasher::new(), clock.clone(), false);
    let credential = Credential::Session("secret".into());
    clock.advance(Duration::seconds(59));
    assert!(matches!(
        accounts.authenticate(Some(&credential)).await.unwrap(),
        AuthOutcome::Caller(_)
    ));
    clock.advance(Duration::seconds(1));
    assert!(matches!(
        accounts.authenticate(Some(&credential)).await.unwrap(),
        AuthOutcome::Caller(_)
    ));
}

#[tokio::test]
async fn an_idle_session_is_deleted_and_refused() {
    let clock = clock();
    let mut store = MockAccountStore::new();
    store
        .expect_find_session()
        .returning(|_| Ok(Some((session_at(start()), user(Role::Member, UserStatus::Active)))));
    store
        .expect_delete_session()
        .with(mockall::predicate::always(), eq(Uuid::from_u128(9)))
        .times(1)
        .returning(|_, _| Ok(true));
    store.expect_touch_session().never();
    let accounts = service(store, MockPasswordHasher::new(), clock.clone(), false);
    clock.advance(Duration::days(7));
    let outcome = accounts
        .authenticate(Some(&Credential::Session("secret".into())))
        .await
        .unwrap();
    assert_eq!(outcome, AuthOutcome::Rejected(AuthRejection::SessionEnded));
}

#[tokio::test]
async fn a_token_cannot_mint_tokens_or_change_the_password() {
    let mut store = MockAccountStore::new();
    store.expect_create_token().never();
    store.expect_set_password().never();
    let accounts = AccountManagement::new(
        Arc::new(service(store, MockPasswordHasher::new(), clock(), false)),
        crate::app::stream_budget::StreamBudget::new(8),
    );
    let caller = Caller {
        user: user(Role::Admin, UserStatus::Active),
        via: Via::Token {
            id: Uuid::from_u128(3),
            scope: TokenScope::ReadWrite,
        },
        ip: None,
    };
    let mint = accounts
        .create_token(&caller, "child", TokenScope::ReadWrite, None)
        .await;
    assert!(matches!(mint, Err(AccountError::SessionRequired(_))));
    let change = accounts
        .change_password(
            &caller,
            Some(GOOD),
            "another long passphrase",
            true,
            ClientInfo::default(),
        )
        .await;
    assert!(matches!(change, Err(AccountError::SessionRequired(_))));
}
