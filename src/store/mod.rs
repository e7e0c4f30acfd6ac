//! Opening the one SQLite file: pragmas, backup-then-migrate, and the write-transaction helper.

pub mod migrate;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, StoreError};

/// How long a writer waits for another process (the CLI beside the desktop app) before giving up.
const BUSY_TIMEOUT_MS: u32 = 5_000;

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date. An existing file with an
    /// older schema is copied to `<file>.v<N>.bak` first; a file from a newer build is refused untouched.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_at_version(path, migrate::latest_version())
    }

    /// Like [`Store::open`] but migrates only up to `version`: tests use it to build old databases.
    pub fn open_at_version(path: &Path, version: i64) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let existed = path.exists();
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))?;
        // Every change runs the same dozen statements; keeping them prepared is most of the cost of a write.
        conn.set_prepared_statement_cache_capacity(64);
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;",
        )?;

        let found = migrate::schema_version(&conn)?;
        if found > migrate::latest_version() {
            return Err(StoreError::NewerDatabase {
                path: path.to_path_buf(),
                found,
                supported: migrate::latest_version(),
            });
        }
        if existed && found > 0 && found < version {
            backup(&conn, path, found)?;
        }
        migrate::migrate_to(&mut conn, path, version)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in an IMMEDIATE transaction: the write lock is taken up front, so a read-then-write never has to
    /// upgrade a shared lock (the classic "database is locked" failure with two processes).
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// The directory beside the database where attached files are stored by content hash.
    pub fn files_dir(&self) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(".files");
        self.path.with_file_name(name)
    }
}

fn backup(conn: &Connection, path: &Path, version: i64) -> Result<(), StoreError> {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".v{version}.bak"));
    let mut target = path.with_file_name(name);
    let mut n = 1;
    while target.exists() {
        n += 1;
        target.set_extension(format!("bak{n}"));
    }
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])
        .map_err(|e| StoreError::BackupFailed {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    Ok(())
}

/// The default database: `golive.sqlite` in the OS data directory for this app.
pub fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("dev", "golive", "Go-Live Signoff")
        .map(|d| d.data_dir().join("golive.sqlite"))
        .unwrap_or_else(|| PathBuf::from("golive.sqlite"))
}
