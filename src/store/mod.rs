//! Opening the one SQLite file: recognising it as a workspace, pragmas, backup-then-migrate, waiting for other
//! writers, and the write-transaction helper that never writes through a connection whose locks were lost.

pub mod busy;
pub mod decode;
pub mod locks;
pub mod migrate;

use std::path::{Path, PathBuf};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, StoreError};
use locks::{LockState, LockWatch};

/// `PRAGMA application_id` of every workspace ("GLVS"): how a file says it is ours before we change a byte of it.
pub const APPLICATION_ID: i32 = 0x474C_5653;

/// Whether opening may create a workspace. Only commands that create or write may; a read command on a mistyped
/// path must fail rather than create an empty workspace that "verifies" with zero events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    CreateIfMissing,
    ExistingOnly,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    watch: LockWatch,
    reopened: u32,
    /// When the kernel's lock table was last read; writes read it at most every [`LOCK_TABLE_EVERY`].
    lock_table_read: Option<std::time::Instant>,
}

/// How often a writer reads `/proc/locks` at most. The file identities are checked on every write (a replaced
/// `-wal` is what loses data); a dropped lock is taken back within this interval by writes, and by the desktop's
/// change poll.
const LOCK_TABLE_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date. An existing file with an
    /// older schema is copied to `<file>.v<N>.bak` first; a file from a newer build, or a file that is not a
    /// workspace, is refused untouched.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, migrate::latest_version(), OpenMode::CreateIfMissing)
    }

    /// Opens an existing workspace; a missing file is an error, and nothing is created.
    pub fn open_existing(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, migrate::latest_version(), OpenMode::ExistingOnly)
    }

    /// Like [`Store::open`] but migrates only up to `version`: tests use it to build old databases.
    pub fn open_at_version(path: &Path, version: i64) -> Result<Self, StoreError> {
        Self::open_with(path, version, OpenMode::CreateIfMissing)
    }

    pub fn open_with(path: &Path, version: i64, mode: OpenMode) -> Result<Self, StoreError> {
        let existed = match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => {
                return Err(StoreError::NotAWorkspace {
                    path: path.to_path_buf(),
                    reason: "is not a regular file".into(),
                })
            }
            Ok(meta) => meta.len() > 0,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if mode == OpenMode::ExistingOnly {
                    return Err(StoreError::NoWorkspace {
                        path: path.to_path_buf(),
                    });
                }
                false
            }
            Err(source) => {
                return Err(StoreError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let found = if existed { inspect(path)? } else { 0 };
        if !existed {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
        }
        let mut conn = connect(path)?;
        if existed && found > 0 && found < version {
            backup(&conn, path, found)?;
        }
        migrate::migrate_to(&mut conn, path, version)?;
        mark_as_workspace(&conn)?;
        let watch = LockWatch::capture(path);
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            watch,
            reopened: 0,
            lock_table_read: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// How many times this store had to reopen its connection because its locks were lost.
    pub fn reopened(&self) -> u32 {
        self.reopened
    }

    /// Makes sure this process still holds its locks on the database and that the files on disk are the ones the
    /// connection has open; if not, reopens the connection (which takes the locks again). Returns whether it
    /// reopened. Every write calls it; the desktop also calls it after file dialogs and on its change poll.
    pub fn ensure_locks(&mut self) -> Result<bool, StoreError> {
        self.lock_table_read = Some(std::time::Instant::now());
        match self.watch.state() {
            LockState::Intact => Ok(false),
            LockState::LockDropped | LockState::FilesReplaced => {
                self.reopen()?;
                Ok(true)
            }
        }
    }

    /// Closes the connection without checkpointing (the WAL it knows may no longer be the file's) and opens a new
    /// one, which takes SQLite's locks afresh. Every committed change is safe across this: the process that took
    /// over checkpointed it before it removed the WAL, or the WAL is still ours on disk.
    fn reopen(&mut self) -> Result<(), StoreError> {
        let placeholder = Connection::open_in_memory()?;
        let old = std::mem::replace(&mut self.conn, placeholder);
        let _ = old.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
        drop(old.close());
        self.conn = connect(&self.path)?;
        // A read brings up the WAL and its shared memory (and the lock) before the identities are taken.
        migrate::schema_version(&self.conn)?;
        self.watch = LockWatch::capture(&self.path);
        self.reopened += 1;
        if self.watch.state() != LockState::Intact {
            // SQLite shares one lock per file among the connections of a process: another connection to this file
            // in this process keeps the old, lockless state alive.
            return Err(StoreError::LocksLost {
                path: self.path.clone(),
            });
        }
        Ok(())
    }

    /// Runs `f` in an IMMEDIATE transaction: the write lock is taken up front, so a read-then-write never has to
    /// upgrade a shared lock (the classic "database is locked" failure with two processes). Before it, the files on
    /// disk must be the ones the connection has open and (every [`LOCK_TABLE_EVERY`]) the lock must still be held,
    /// or the connection is reopened; after it, a commit that may have gone into a WAL another process already
    /// removed is reported, never passed off as saved.
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let due = self
            .lock_table_read
            .is_none_or(|at| at.elapsed() >= LOCK_TABLE_EVERY);
        if due {
            self.ensure_locks()?;
        } else if self.watch.files_state() != LockState::Intact {
            self.reopen()?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let value = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        match self.watch.files_state() {
            LockState::Intact | LockState::LockDropped => Ok(value),
            LockState::FilesReplaced => {
                self.reopen()?;
                Err(StoreError::WriteMayBeLost {
                    path: self.path.clone(),
                }
                .into())
            }
        }
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

/// A read-write connection with the workspace's pragmas and the waiting busy handler.
fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_handler(Some(busy::handler))?;
    // Every change runs the same dozen statements; keeping them prepared is most of the cost of a write.
    conn.set_prepared_statement_cache_capacity(64);
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;",
    )
    .map_err(StoreError::from)?;
    Ok(conn)
}

/// Reads an existing file's header through a read-only connection, changing nothing, and returns its schema
/// version. Refuses files that are not SQLite, SQLite files of other applications, and workspaces from a newer
/// build: all before the file is switched to WAL or written in any way.
fn inspect(path: &Path) -> Result<i64, StoreError> {
    let not_ours = |reason: String| StoreError::NotAWorkspace {
        path: path.to_path_buf(),
        reason,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_handler(Some(busy::handler))?;
    let header = (|| -> rusqlite::Result<(i32, i64, i64, i64)> {
        let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tables: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )?;
        let ours: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'
             AND name IN ('launches', 'items', 'evidence', 'audit_events')",
            [],
            |r| r.get(0),
        )?;
        Ok((app_id, version, tables, ours))
    })();
    let (app_id, version, tables, ours) = match header {
        Ok(h) => h,
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            return Err(not_ours("is not a SQLite database".into()))
        }
        Err(e) => return Err(e.into()),
    };
    drop(conn.close());
    if version > migrate::latest_version() && (app_id == APPLICATION_ID || ours == 4) {
        return Err(StoreError::NewerDatabase {
            path: path.to_path_buf(),
            found: version,
            supported: migrate::latest_version(),
        });
    }
    match (app_id, version, tables) {
        (APPLICATION_ID, _, _) => Ok(version),
        // Workspaces written before they were marked: our schema version and our tables.
        (0, 1.., _) if ours == 4 => Ok(version),
        // An empty SQLite file (created by another tool, nothing in it yet) may become a workspace.
        (0, 0, 0) => Ok(0),
        (0, _, _) => Err(not_ours(format!(
            "is a SQLite database with {tables} table(s) of its own, not a Go-Live Signoff workspace; \
             nothing was changed — pass the workspace's file with --db, or a new file name to start one"
        ))),
        (other, _, _) => Err(not_ours(format!(
            "belongs to another application (application_id {other:#x}); nothing was changed"
        ))),
    }
}

/// Stamps the workspace's application id, once, so the next open can tell the file is ours.
fn mark_as_workspace(conn: &Connection) -> Result<(), StoreError> {
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app_id != APPLICATION_ID {
        // PRAGMA takes no bound parameters; the value is our own constant.
        conn.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}"))?;
    }
    Ok(())
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
