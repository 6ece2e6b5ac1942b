//! The `KeyStore` port on SQLite: each owner's keys, one default per owner kept inside the same
//! write, names unique per owner.

use async_trait::async_trait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Set,
};
use uuid::Uuid;

use super::SqliteStore;
use super::entities::ssh_key;
use crate::domain::ids::UserId;
use crate::domain::keys::{KeyAlgorithm, KeySource};
use crate::ports::StoreError;
use crate::ports::ssh_keys::{KeyRecord, KeyStore, KeyStoreError, PublicKeyInfo};

type Outcome<T> = Result<T, KeyStoreError>;

fn db(e: DbErr) -> KeyStoreError {
    KeyStoreError::Store(StoreError::Unavailable(e.to_string()))
}

fn corrupt(what: &str, v: &str) -> KeyStoreError {
    KeyStoreError::Store(StoreError::Corrupt(format!("ssh key {what}: {v:?}")))
}

fn algorithm(text: &str) -> Option<KeyAlgorithm> {
    [
        KeyAlgorithm::Ed25519,
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
        KeyAlgorithm::EcdsaP521,
        KeyAlgorithm::Rsa,
    ]
    .into_iter()
    .find(|a| a.as_str() == text)
}

fn to_record(m: &ssh_key::Model) -> Outcome<KeyRecord> {
    Ok(KeyRecord {
        id: Uuid::parse_str(&m.id).map_err(|_| corrupt("id", &m.id))?,
        owner: m.owner_id.parse().map_err(|_| corrupt("owner", &m.owner_id))?,
        name: m.name.clone(),
        label: m.label.clone(),
        public: PublicKeyInfo {
            algorithm: algorithm(&m.algorithm).ok_or_else(|| corrupt("algorithm", &m.algorithm))?,
            bits: u32::try_from(m.bits).map_err(|_| corrupt("bits", &m.bits.to_string()))?,
            fingerprint: m.fingerprint.clone(),
            line: m.public_key.clone(),
            comment: m.comment.clone(),
        },
        is_default: m.is_default,
        has_private_key: m.private_key.is_some(),
        source: KeySource::parse(&m.source).ok_or_else(|| corrupt("source", &m.source))?,
        created_at: m.created_at,
    })
}

async fn find(txn: &DatabaseTransaction, owner: UserId, id: Uuid) -> Result<Option<ssh_key::Model>, DbErr> {
    ssh_key::Entity::find_by_id(id.to_string())
        .filter(ssh_key::Column::OwnerId.eq(owner.to_string()))
        .one(txn)
        .await
}

async fn name_taken(txn: &DatabaseTransaction, owner: UserId, name: &str, except: Option<Uuid>) -> Result<bool, DbErr> {
    let mut query = ssh_key::Entity::find()
        .filter(ssh_key::Column::OwnerId.eq(owner.to_string()))
        .filter(ssh_key::Column::Name.eq(name));
    if let Some(id) = except {
        query = query.filter(ssh_key::Column::Id.ne(id.to_string()));
    }
    Ok(query.count(txn).await? > 0)
}

async fn clear_default(txn: &DatabaseTransaction, owner: UserId) -> Result<(), DbErr> {
    ssh_key::Entity::update_many()
        .col_expr(ssh_key::Column::IsDefault, Expr::value(false))
        .filter(ssh_key::Column::OwnerId.eq(owner.to_string()))
        .exec(txn)
        .await?;
    Ok(())
}

impl SqliteStore {
    async fn key_write<T, F>(&self, f: F) -> Outcome<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> super::TxFuture<'c, Outcome<T>> + Send + 'static,
    {
        self.write(f).await.map_err(KeyStoreError::Store)?
    }
}

#[async_trait]
impl KeyStore for SqliteStore {
    async fn list_keys(&self, owner: UserId) -> Outcome<Vec<KeyRecord>> {
        let rows = ssh_key::Entity::find()
            .filter(ssh_key::Column::OwnerId.eq(owner.to_string()))
            .order_by_desc(ssh_key::Column::IsDefault)
            .order_by_desc(ssh_key::Column::CreatedAt)
            .all(self.reader())
            .await
            .map_err(db)?;
        rows.iter().map(to_record).collect()
    }

    async fn get_key(&self, owner: UserId, id: Uuid) -> Outcome<Option<KeyRecord>> {
        let row = ssh_key::Entity::find_by_id(id.to_string())
            .filter(ssh_key::Column::OwnerId.eq(owner.to_string()))
            .one(self.reader())
            .await
            .map_err(db)?;
        row.as_ref().map(to_record).transpose()
    }

    async fn insert_key(&self, key: KeyRecord, sealed_private: Option<String>) -> Outcome<KeyRecord> {
        self.key_write(move |txn| {
            Box::pin(async move {
                if name_taken(txn, key.owner, &key.name, None).await? {
                    return Ok(Err(KeyStoreError::NameTaken));
                }
                let first = ssh_key::Entity::find()
                    .filter(ssh_key::Column::OwnerId.eq(key.owner.to_string()))
                    .count(txn)
                    .await?
                    == 0;
                let is_default = key.is_default || first;
                if is_default {
                    clear_default(txn, key.owner).await?;
                }
                let model = ssh_key::ActiveModel {
                    id: Set(key.id.to_string()),
                    owner_id: Set(key.owner.to_string()),
                    name: Set(key.name.clone()),
                    label: Set(key.label.clone()),
                    public_key: Set(key.public.line.clone()),
                    comment: Set(key.public.comment.clone()),
                    algorithm: Set(key.public.algorithm.as_str().to_string()),
                    bits: Set(i32::try_from(key.public.bits).unwrap_or(i32::MAX)),
                    fingerprint: Set(key.public.fingerprint.clone()),
                    private_key: Set(sealed_private),
                    is_default: Set(is_default),
                    source: Set(key.source.as_str().to_string()),
                    created_at: Set(key.created_at),
                }
                .insert(txn)
                .await?;
                Ok(to_record(&model))
            })
        })
        .await
    }

    async fn update_key(
        &self,
        owner: UserId,
        id: Uuid,
        name: Option<String>,
        label: Option<Option<String>>,
    ) -> Outcome<KeyRecord> {
        self.key_write(move |txn| {
            Box::pin(async move {
                let Some(row) = find(txn, owner, id).await? else {
                    return Ok(Err(KeyStoreError::NotFound));
                };
                if let Some(name) = &name
                    && name_taken(txn, owner, name, Some(id)).await?
                {
                    return Ok(Err(KeyStoreError::NameTaken));
                }
                let mut active: ssh_key::ActiveModel = row.into();
                if let Some(name) = name {
                    active.name = Set(name);
                }
                if let Some(label) = label {
                    active.label = Set(label);
                }
                Ok(to_record(&active.update(txn).await?))
            })
        })
        .await
    }

    async fn set_default_key(&self, owner: UserId, id: Uuid) -> Outcome<KeyRecord> {
        self.key_write(move |txn| {
            Box::pin(async move {
                let Some(row) = find(txn, owner, id).await? else {
                    return Ok(Err(KeyStoreError::NotFound));
                };
                clear_default(txn, owner).await?;
                let mut active: ssh_key::ActiveModel = row.into();
                active.is_default = Set(true);
                Ok(to_record(&active.update(txn).await?))
            })
        })
        .await
    }

    async fn attach_private(&self, owner: UserId, id: Uuid, sealed: String) -> Outcome<KeyRecord> {
        self.key_write(move |txn| {
            Box::pin(async move {
                let Some(row) = find(txn, owner, id).await? else {
                    return Ok(Err(KeyStoreError::NotFound));
                };
                if row.private_key.is_some() {
                    return Ok(Err(KeyStoreError::PrivateKeyPresent));
                }
                let mut active: ssh_key::ActiveModel = row.into();
                active.private_key = Set(Some(sealed));
                Ok(to_record(&active.update(txn).await?))
            })
        })
        .await
    }

    async fn sealed_private(&self, owner: UserId, id: Uuid) -> Outcome<Option<String>> {
        let row = ssh_key::Entity::find_by_id(id.to_string())
            .filter(ssh_key::Column::OwnerId.eq(owner.to_string()))
            .one(self.reader())
            .await
            .map_err(db)?;
        row.map(|r| r.private_key).ok_or(KeyStoreError::NotFound)
    }

    async fn delete_key(&self, owner: UserId, id: Uuid) -> Outcome<()> {
        let done = ssh_key::Entity::delete_many()
            .filter(ssh_key::Column::Id.eq(id.to_string()))
            .filter(ssh_key::Column::OwnerId.eq(owner.to_string()))
            .exec(self.writer())
            .await
            .map_err(db)?;
        if done.rows_affected == 0 {
            return Err(KeyStoreError::NotFound);
        }
        Ok(())
    }
}
