//! The project API every client uses (the `golive` CLI and the desktop app): one open database, a clock and the
//! person acting. Each change validates first, then writes its rows and its audit event in one IMMEDIATE transaction,
//! so a refused change leaves nothing behind. Use cases live in one file each (`templates`, `launches`, `evidence`,
//! `signoffs`, `export`, `probes`); this file opens the workspace and holds what they all share.

mod evidence;
mod export;
mod launches;
mod probes;
mod signoffs;
mod templates;

pub use crate::probe::pipeline::{ConfirmSensitive, ProbeRunRequest};
pub(crate) use evidence::{audit_evidence, new_evidence_id};
pub use probes::{execute_prepared, PackChoice, PreparedRun, SecretStatus};
pub use signoffs::Cutover;

use std::path::Path;
use std::sync::Arc;

use crate::audit::{self, AuditEvent, AuditVerification};
use crate::checklist::files;
use crate::checklist::input_file::WorkspaceFiles;
use crate::checklist::text;
use crate::clock::{format_time, Clock, SystemClock};
use crate::domain::Environment;
use crate::error::Result;
use crate::store::{OpenMode, Store};

pub struct Workspace {
    store: Store,
    clock: Arc<dyn Clock>,
    actor: String,
    max_file_bytes: u64,
}

/// Attaching a file as evidence.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct AttachFile {
    #[ts(type = "number")]
    pub item_id: i64,
    pub path: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub environment: Option<Environment>,
    #[serde(default)]
    pub supersedes: Option<String>,
}

/// A change being written: its transaction (it derefs to one), the time and actor stamped on its rows and events,
/// and [`Recorder::record`], the only way an audit event is appended.
pub(crate) struct Recorder<'a, 'c> {
    tx: &'a rusqlite::Transaction<'c>,
    pub at: &'a str,
    pub actor: &'a str,
    events: std::cell::Cell<u32>,
}

impl<'c> std::ops::Deref for Recorder<'_, 'c> {
    type Target = rusqlite::Transaction<'c>;

    fn deref(&self) -> &Self::Target {
        self.tx
    }
}

impl Recorder<'_, '_> {
    /// Appends the event for rows this change has just written (it commits to them; see `audit::rows`).
    pub fn record(
        &self,
        environment: Environment,
        launch_id: Option<&str>,
        action: audit::Action,
        subject: &str,
        details: serde_json::Value,
    ) -> Result<i64> {
        self.events.set(self.events.get() + 1);
        audit::append(
            self.tx,
            audit::NewAuditEvent {
                at: self.at,
                actor: self.actor,
                environment,
                launch_id,
                action,
                subject,
                details,
            },
        )
    }
}

impl Workspace {
    /// The one way a change is written: `f` writes its rows and records its audit events through the
    /// [`Recorder`], all in one IMMEDIATE transaction. A change that writes rows but records no event is refused
    /// (and rolled back): every write is audited, by construction.
    pub(crate) fn audited<T>(
        &mut self,
        f: impl FnOnce(&Recorder<'_, '_>) -> Result<T>,
    ) -> Result<T> {
        let (at, actor) = (self.now(), self.actor.clone());
        self.audited_at(&at, &actor, f)
    }

    /// [`Workspace::audited`] with the time and actor the caller already stamped on what it prepared.
    pub(crate) fn audited_at<T>(
        &mut self,
        at: &str,
        actor: &str,
        f: impl FnOnce(&Recorder<'_, '_>) -> Result<T>,
    ) -> Result<T> {
        self.store.write(|tx| {
            let rec = Recorder {
                tx,
                at,
                actor,
                events: std::cell::Cell::new(0),
            };
            let before = tx.total_changes();
            let value = f(&rec)?;
            // A change that turned out to be a no-op (importing identical content again) writes nothing and needs
            // no event; one that wrote rows without an event is a bug and is rolled back.
            if rec.events.get() == 0 && tx.total_changes() != before {
                return Err(crate::error::StoreError::AppendOnly(
                    "internal: a change wrote no audit event, so it was not saved".into(),
                )
                .into());
            }
            Ok(value)
        })
    }

    /// Opens the database at `path` with the wall clock, acting as `actor`, creating the workspace if the file
    /// does not exist yet.
    pub fn open(path: &Path, actor: &str) -> Result<Self> {
        Self::open_with_clock(path, actor, Arc::new(SystemClock))
    }

    /// Opens an existing workspace; a missing file is refused and nothing is created. Read commands use this.
    pub fn open_existing(path: &Path, actor: &str) -> Result<Self> {
        Self::open_in_mode(path, actor, Arc::new(SystemClock), OpenMode::ExistingOnly)
    }

    pub fn open_with_clock(path: &Path, actor: &str, clock: Arc<dyn Clock>) -> Result<Self> {
        Self::open_in_mode(path, actor, clock, OpenMode::CreateIfMissing)
    }

    pub fn open_in_mode(
        path: &Path,
        actor: &str,
        clock: Arc<dyn Clock>,
        mode: OpenMode,
    ) -> Result<Self> {
        let actor = text::actor("actor", actor)?;
        let store = Store::open_with(path, crate::store::migrate::latest_version(), mode)?;
        files::sweep_stale_partials(&store.files_dir()); // copies left by an attach that was killed
        Ok(Self {
            store,
            clock,
            actor,
            max_file_bytes: files::MAX_FILE_BYTES,
        })
    }

    /// Makes sure this process still holds SQLite's locks on the workspace, reopening the connection if something
    /// in the process (a file dialog sniffing the `-shm` file) dropped them. Returns whether it reopened. Writes
    /// check by themselves; the desktop calls this after every file dialog and on its change poll, so a lost lock
    /// is taken back before another process can mistake the workspace for unused.
    pub fn ensure_locks(&mut self) -> Result<bool> {
        Ok(self.store.ensure_locks()?)
    }

    /// How many times the connection was reopened because its locks were lost.
    pub fn reopened(&self) -> u32 {
        self.store.reopened()
    }

    /// Lowers the evidence file size cap (tests use it to prove the cap without 25 MB files).
    pub fn set_max_file_bytes(&mut self, bytes: u64) {
        self.max_file_bytes = bytes;
    }

    pub fn db_path(&self) -> &Path {
        self.store.path()
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The database, its SQLite companions and backups, and the attached-files store as they are now: files a
    /// person may pick by mistake (or by a link) and that are never read as input.
    pub fn workspace_files(&self) -> WorkspaceFiles {
        WorkspaceFiles::of(self.store.path(), &self.store.files_dir())
    }

    /// A number that grows with every change, from this process or any other: the audit head. The desktop app
    /// polls it to refresh when the CLI writes.
    pub fn change_counter(&self) -> Result<i64> {
        Ok(audit::head(self.store.conn())?.0)
    }

    fn now(&self) -> String {
        format_time(self.clock.now())
    }

    pub fn audit_events(&self, launch_id: Option<&str>, limit: i64) -> Result<Vec<AuditEvent>> {
        audit::list(self.store.conn(), launch_id, limit)
    }

    /// Walks the chain, recomputes every row, and checks that every audit head a signature committed to (a signed
    /// signoff's) is still in the chain: a log truncated or re-chained below a signed head is found even when its
    /// links were recomputed.
    pub fn verify_audit(&self) -> Result<AuditVerification> {
        let conn = self.store.conn();
        let mut v = audit::verify(conn)?;
        if v.first_broken.is_none() {
            for (signoff, seq, hash) in crate::signoff::record::signed_heads(conn)? {
                if !audit::has_head(conn, seq, &hash)? {
                    v.first_broken = Some(audit::BrokenLink {
                        seq,
                        reason: format!(
                            "signoff {signoff} was signed over event {seq} with hash {hash}, which the log no \
                             longer has: events were removed or re-chained"
                        ),
                    });
                    break;
                }
            }
        }
        Ok(v)
    }
}
