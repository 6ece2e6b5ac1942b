//! Migration: `gpu_jobs` (one row per GPU job, its state as a JSON document, numbered in the order
//! jobs were queued) and `gpu_job_logs` (a job's output in numbered raw chunks); then
//! `gpu_workers`.

use sea_orm_migration::prelude::*;

pub struct CreateGpuJobs;

impl MigrationName for CreateGpuJobs {
    fn name(&self) -> &str {
        "m20261216_000001_create_gpu_jobs"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateGpuJobs {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE gpu_jobs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                owner_id TEXT NOT NULL,
                status TEXT NOT NULL,
                finished_at TEXT NULL,
                doc TEXT NOT NULL
            )",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX gpu_jobs_owner ON gpu_jobs (owner_id, id)")
            .await?;
        db.execute_unprepared("CREATE INDEX gpu_jobs_open ON gpu_jobs (status) WHERE finished_at IS NULL")
            .await?;
        db.execute_unprepared(
            "CREATE TABLE gpu_job_logs (
                job_id INTEGER NOT NULL REFERENCES gpu_jobs (id) ON DELETE CASCADE,
                seq INTEGER NOT NULL,
                bytes BLOB NOT NULL,
                PRIMARY KEY (job_id, seq)
            )",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP TABLE gpu_job_logs").await?;
        db.execute_unprepared("DROP TABLE gpu_jobs").await?;
        Ok(())
    }
}

/// Migration: `gpu_workers`, the GPU workers an admin added (a token digest each).
pub struct CreateGpuWorkers;

impl MigrationName for CreateGpuWorkers {
    fn name(&self) -> &str {
        "m20261217_000001_create_gpu_workers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateGpuWorkers {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE gpu_workers (
                    id TEXT PRIMARY KEY NOT NULL,
                    token_digest BLOB NOT NULL UNIQUE,
                    created_at TEXT NOT NULL,
                    created_by TEXT NULL,
                    last_seen_at TEXT NULL,
                    stand_in INTEGER NOT NULL DEFAULT 0
                )",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE gpu_workers")
            .await?;
        Ok(())
    }
}
