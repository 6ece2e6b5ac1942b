//! `SessionPurge`: the job that deletes sessions past their idle or absolute limit and API
//! tokens expired for a while, so the tables hold only what can still sign someone in.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::AccountManagement;
use crate::app::jobs::{Job, JobReport};

pub struct SessionPurge {
    accounts: Arc<AccountManagement>,
}

impl SessionPurge {
    pub fn new(accounts: Arc<AccountManagement>) -> Self {
        Self { accounts }
    }
}

#[async_trait]
impl Job for SessionPurge {
    fn name(&self) -> &'static str {
        "session_purge"
    }

    fn title(&self) -> &'static str {
        "Remove expired sessions and tokens"
    }

    async fn tick(&self, now: DateTime<Utc>) -> JobReport {
        match self.accounts.purge(now).await {
            Ok((0, 0)) => JobReport::quiet("No session or token had expired."),
            Ok((sessions, tokens)) => JobReport::changed(format!(
                "{sessions} expired sessions and {tokens} expired tokens removed."
            )),
            Err(e) => JobReport::failed(format!("Expired sessions could not be removed: {e}")),
        }
    }
}
