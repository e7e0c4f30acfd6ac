//! Schema migrations: SQL files from `migrations/`, embedded at compile time and tracked by `PRAGMA user_version`.
//! All pending migrations run in one transaction, so a failure leaves the file exactly as it was.

use std::path::Path;

use rusqlite::Connection;

use crate::error::StoreError;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Append a line here for each new file in `migrations/`; never edit a migration that has shipped.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init",
        sql: include_str!("../../migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_current_item_status",
        sql: include_str!("../../migrations/0002_current_item_status.sql"),
    },
    Migration {
        version: 3,
        name: "0003_signoffs",
        sql: include_str!("../../migrations/0003_signoffs.sql"),
    },
    Migration {
        version: 4,
        name: "0004_probes",
        sql: include_str!("../../migrations/0004_probes.sql"),
    },
    Migration {
        version: 5,
        name: "0005_row_commitments",
        sql: include_str!("../../migrations/0005_row_commitments.sql"),
    },
    Migration {
        version: 6,
        name: "0006_signed_signoffs",
        sql: include_str!("../../migrations/0006_signed_signoffs.sql"),
    },
    Migration {
        version: 7,
        name: "0007_signed_waivers",
        sql: include_str!("../../migrations/0007_signed_waivers.sql"),
    },
    Migration {
        version: 8,
        name: "0008_cutover_stages",
        sql: include_str!("../../migrations/0008_cutover_stages.sql"),
    },
    Migration {
        version: 9,
        name: "0009_evidence_by_value",
        sql: include_str!("../../migrations/0009_evidence_by_value.sql"),
    },
];

pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

pub fn schema_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings `conn` up to `target` in one IMMEDIATE transaction. Refuses a database from a newer build.
pub fn migrate_to(conn: &mut Connection, path: &Path, target: i64) -> Result<(), StoreError> {
    let found = schema_version(conn)?;
    if found > latest_version() {
        return Err(StoreError::NewerDatabase {
            path: path.to_path_buf(),
            found,
            supported: latest_version(),
        });
    }
    if found >= target {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for migration in MIGRATIONS
        .iter()
        .filter(|m| m.version > found && m.version <= target)
    {
        tx.execute_batch(migration.sql)?;
    }
    // PRAGMA takes no bound parameters; the value is our own integer.
    tx.execute_batch(&format!("PRAGMA user_version = {target}"))?;
    tx.commit()?;
    Ok(())
}
