//! The `AuditLog` port on SQLite: one append-only table, read newest first with keyset paging.

use async_trait::async_trait;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, NotSet, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::SqliteStore;
use super::entities::audit_event;
use crate::ports::audit::{AuditEntry, AuditEvent, AuditQuery};
use crate::ports::{AuditLog, StoreError};

fn unavailable(e: sea_orm::DbErr) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn to_entry(m: audit_event::Model) -> Result<AuditEntry, StoreError> {
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("audit {what}: {v:?}"));
    Ok(AuditEntry {
        id: m.id,
        event: AuditEvent {
            at: m.at,
            action: m.action.parse().map_err(|_| corrupt("action", &m.action))?,
            actor: m
                .actor_id
                .as_deref()
                .map(|a| a.parse().map_err(|_| corrupt("actor", a)))
                .transpose()?,
            actor_email: m.actor_email,
            target: m.target,
            target_label: m.target_label,
            ip: m.ip,
            detail: m.detail,
        },
    })
}

#[async_trait]
impl AuditLog for SqliteStore {
    async fn record(&self, e: AuditEvent) -> Result<(), StoreError> {
        audit_event::ActiveModel {
            id: NotSet,
            at: Set(e.at),
            action: Set(e.action.as_str().to_string()),
            actor_id: Set(e.actor.map(|a| a.to_string())),
            actor_email: Set(e.actor_email),
            target: Set(e.target),
            target_label: Set(e.target_label),
            ip: Set(e.ip),
            detail: Set(e.detail),
        }
        .insert(self.writer())
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn list(&self, q: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let mut find = audit_event::Entity::find();
        if let Some(action) = q.action {
            find = find.filter(audit_event::Column::Action.eq(action.as_str()));
        }
        if let Some(actor) = q.actor {
            find = find.filter(audit_event::Column::ActorId.eq(actor.to_string()));
        }
        if let Some(before) = q.before {
            find = find.filter(audit_event::Column::Id.lt(before));
        }
        if let Some(text) = q.text.filter(|t| !t.trim().is_empty()) {
            // SQLite's LIKE ignores ASCII case.
            let escaped = text
                .trim()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = format!("%{escaped}%");
            find = find.filter(
                Condition::any()
                    .add(Expr::col(audit_event::Column::ActorEmail).like(LikeExpr::new(pattern.clone()).escape('\\')))
                    .add(Expr::col(audit_event::Column::TargetLabel).like(LikeExpr::new(pattern).escape('\\'))),
            );
        }
        let rows = find
            .order_by_desc(audit_event::Column::Id)
            .limit(u64::from(q.limit))
            .all(self.reader())
            .await
            .map_err(unavailable)?;
        rows.into_iter().map(to_entry).collect()
    }
}
