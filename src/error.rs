//! Errors as types. Every variant carries a stable `code` for frontends and scripts (never match on
//! message text) and a message that says what to do about it.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error("{what} '{id}' does not exist")]
    NotFound { what: &'static str, id: String },
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Store(e) => e.code(),
            Error::Template(_) => "template_invalid",
            Error::Invalid(e) => e.code,
            Error::NotFound { .. } => "not_found",
        }
    }

    pub fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        Error::NotFound {
            what,
            id: id.into(),
        }
    }

    /// The shape the desktop UI and `--json` output receive.
    /// The error as it leaves the process (the desktop's IPC, the CLI's stderr and `--json`): its message through
    /// the redactor, so a value a message quotes — a refused key, an e-mail in a path — never reaches a log or a
    /// ticket. The door refuses what the redactor finds, so every refused value is removed here too.
    pub fn to_payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_string(),
            message: crate::redact::message(&self.to_string()),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(StoreError::from_sqlite(e))
    }
}

/// What crosses the IPC boundary when a command fails.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error(
        "{path} was written by a newer Go-Live Signoff (schema version {found}; this build knows up to {supported}); \
         upgrade the app, or open a different database with --db"
    )]
    NewerDatabase {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("cannot use {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not back up {path} before migrating it, so nothing was changed: {reason}")]
    BackupFailed { path: PathBuf, reason: String },
    #[error("{0}")]
    AppendOnly(String),
    #[error(
        "no workspace at {path}; check --db / GOLIVE_DB, or create one with `golive launch new` or the desktop app"
    )]
    NoWorkspace { path: PathBuf },
    #[error("{path} {reason}")]
    NotAWorkspace { path: PathBuf, reason: String },
    #[error(
        "the workspace is damaged: {detail}; this value cannot be read, so nothing was guessed — restore the file \
         from a backup (<file>.v<N>.bak) or ask for help"
    )]
    Damaged { detail: String },
    #[error(
        "another process kept the workspace locked for {waited_s} s, so nothing was changed; try again when it has \
         finished, or wait longer with GOLIVE_BUSY_TIMEOUT=<seconds>"
    )]
    Busy { waited_s: u64 },
    #[error(
        "this process lost its locks on {path} and could not take them again (is it open twice in this process?); \
         nothing more was written — restart the app"
    )]
    LocksLost { path: PathBuf },
    #[error(
        "another process took over {path} while this change was being written, so it may not have been saved; \
         the connection was reopened — check the change and make it again if it is missing"
    )]
    WriteMayBeLost { path: PathBuf },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::from_sqlite(e)
    }
}

impl StoreError {
    /// Names what a SQLite failure means for the user: a damaged row (see `store::decode`), a wait that ran out,
    /// or a plain database error.
    pub fn from_sqlite(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::FromSqlConversionFailure(_, _, inner) => StoreError::Damaged {
                detail: inner.to_string(),
            },
            e if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ) =>
            {
                StoreError::Busy {
                    waited_s: crate::store::busy::waited_so_far()
                        .unwrap_or_else(crate::store::busy::limit)
                        .as_secs_f64()
                        .round() as u64,
                }
            }
            e => StoreError::Sqlite(e),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Sqlite(_) => "database_error",
            StoreError::NewerDatabase { .. } => "database_too_new",
            StoreError::Io { .. } => "io_error",
            StoreError::BackupFailed { .. } => "backup_failed",
            StoreError::AppendOnly(_) => "append_only",
            StoreError::NoWorkspace { .. } => "no_workspace",
            StoreError::NotAWorkspace { .. } => "not_a_workspace",
            StoreError::Damaged { .. } => "workspace_damaged",
            StoreError::Busy { .. } => "database_busy",
            StoreError::LocksLost { .. } => "locks_lost",
            StoreError::WriteMayBeLost { .. } => "write_may_be_lost",
        }
    }
}

/// A bad value from a user, with the field it came from. The code says which rule it broke.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidInput {
    pub code: &'static str,
    pub field: &'static str,
    pub message: String,
}

impl InvalidInput {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self::coded("invalid_input", field, message)
    }

    pub fn coded(code: &'static str, field: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            field,
            message: message.into(),
        }
    }
}

/// One problem in a template file, located by line and column (both 1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TemplateProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read template {file}: {source}")]
    Unreadable {
        file: String,
        source: std::io::Error,
    },
    #[error("{}", render_problems(file, problems, "nothing was imported"))]
    Invalid {
        file: String,
        problems: Vec<TemplateProblem>,
    },
}

/// Every problem as `file:line:column: message`, under a count line when there are several.
pub(crate) fn render_problems(
    file: &str,
    problems: &[TemplateProblem],
    consequence: &str,
) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .map(|p| format!("{file}:{}:{}: {}", p.line, p.column, p.message))
        .collect();
    if lines.len() > 1 {
        lines.insert(
            0,
            format!("{} problems in {file}; {consequence}", problems.len()),
        );
    }
    lines.join("\n")
}
