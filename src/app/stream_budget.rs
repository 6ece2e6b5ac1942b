//! `StreamBudget`: how many long-lived streams (VM events, provision streams, and later log
//! followers and consoles) each account holds open, against one limit. A stream takes a
//! `StreamGuard` before it starts and holds it until it ends; dropping the guard (the stream
//! finished, or the client went away) gives the slot back. An account's streams can also be
//! ended from outside — an admin changing its role or standing — through the guard's `ended`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use crate::domain::ids::UserId;

/// The account already holds as many streams as it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{open} streams are open for this account, and {limit} is the most it may hold")]
pub struct StreamsFull {
    pub open: usize,
    pub limit: usize,
}

/// One account's open streams and the signal that ends them.
struct Account {
    open: usize,
    /// Bumped to end every stream open now.
    ends: watch::Sender<u64>,
}

/// The open streams of every account (see the module header).
pub struct StreamBudget {
    limit: usize,
    accounts: Mutex<HashMap<UserId, Account>>,
}

/// A slot of an account's stream budget, given back when dropped.
pub struct StreamGuard {
    budget: Arc<StreamBudget>,
    user: UserId,
    ends: watch::Receiver<u64>,
}

impl StreamBudget {
    /// At most `limit` streams per account (at least one).
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            limit: limit.max(1),
            accounts: Mutex::new(HashMap::new()),
        })
    }

    /// The most streams one account may hold.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// A slot for one more stream of `user`. Errors: [`StreamsFull`] when the account holds
    /// `limit` streams already.
    pub fn acquire(self: &Arc<Self>, user: UserId) -> Result<StreamGuard, StreamsFull> {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        let account = accounts.entry(user).or_insert_with(|| Account {
            open: 0,
            ends: watch::channel(0).0,
        });
        if account.open >= self.limit {
            return Err(StreamsFull {
                open: account.open,
                limit: self.limit,
            });
        }
        account.open += 1;
        Ok(StreamGuard {
            budget: self.clone(),
            user,
            ends: account.ends.subscribe(),
        })
    }

    /// How many streams `user` holds open.
    pub fn open(&self, user: UserId) -> usize {
        let accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        accounts.get(&user).map_or(0, |a| a.open)
    }

    /// Ends every stream `user` holds open now (their role or standing changed, so what they
    /// may see did too); they may open new ones, which are checked afresh.
    pub fn end_streams_of(&self, user: UserId) {
        let accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(account) = accounts.get(&user) {
            account.ends.send_modify(|n| *n += 1);
        }
    }

    fn release(&self, user: UserId) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(account) = accounts.get_mut(&user) {
            account.open = account.open.saturating_sub(1);
            if account.open == 0 {
                accounts.remove(&user);
            }
        }
    }
}

impl StreamGuard {
    /// Resolves when the account's streams are ended from outside (never otherwise).
    pub async fn ended(&mut self) {
        if self.ends.changed().await.is_err() {
            // The budget forgot the account only after every guard was dropped; this one
            // still exists, so the sender does too. Waiting forever is the safe reading.
            std::future::pending::<()>().await;
        }
    }
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.budget.release(self.user);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn user(n: u128) -> UserId {
        UserId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn an_account_holds_at_most_its_limit_and_a_dropped_guard_frees_a_slot() {
        let budget = StreamBudget::new(2);
        let first = budget.acquire(user(1)).unwrap();
        let _second = budget.acquire(user(1)).unwrap();
        assert_eq!(budget.acquire(user(1)).err(), Some(StreamsFull { open: 2, limit: 2 }));
        assert!(budget.acquire(user(2)).is_ok(), "another account has its own budget");
        drop(first);
        assert_eq!(budget.open(user(1)), 1);
        assert!(budget.acquire(user(1)).is_ok());
    }

    #[tokio::test]
    async fn ending_an_accounts_streams_ends_only_those_open_now() {
        let budget = StreamBudget::new(8);
        let mut mine = budget.acquire(user(1)).unwrap();
        let mut theirs = budget.acquire(user(2)).unwrap();
        budget.end_streams_of(user(1));
        tokio::time::timeout(Duration::from_secs(5), mine.ended())
            .await
            .expect("the stream is told to end");
        let quiet = tokio::time::timeout(Duration::ZERO, theirs.ended()).await;
        assert!(quiet.is_err(), "another account's stream goes on");
        let mut later = budget.acquire(user(1)).unwrap();
        let quiet = tokio::time::timeout(Duration::ZERO, later.ended()).await;
        assert!(quiet.is_err(), "a stream opened afterwards goes on");
    }
}
