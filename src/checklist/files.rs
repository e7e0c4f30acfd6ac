//! Attached files, stored content-addressed beside the database (`<db>.files/ab/abcdef…`). The database keeps the
//! SHA-256, size and media type; the same content attached twice is stored once. The store is private to its user:
//! directories 0700 and files 0600 on unix, whatever the attached file's own mode was.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::checklist::input_file::{self, WorkspaceFiles};
use crate::checklist::partial::{self, TempFile};
use crate::checklist::text;
use crate::error::{Error, InvalidInput, Result, StoreError};

/// Evidence files larger than this are refused: evidence is screenshots, exports and documents, not data dumps.
pub const MAX_FILE_BYTES: u64 = 25 * 1024 * 1024;

/// A file read, checked and hashed, ready to be stored.
pub struct CheckedFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub media_type: &'static str,
}

/// Reads `path` and applies the evidence rules: a regular file and not one of the workspace's own (`own`), within
/// the size cap, and (for text) free of secrets.
pub fn read_checked(
    path: &Path,
    max_bytes: u64,
    own: Option<&WorkspaceFiles>,
) -> Result<CheckedFile> {
    let shown = path.display().to_string();
    let bytes = input_file::read(path, max_bytes, own)
        .map_err(|e| e.into_invalid(path, "evidence files", "file", "file_unreadable"))?;
    if bytes.is_empty() {
        return Err(InvalidInput::coded("file_empty", "file", format!("{shown} is empty")).into());
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let name = text::checked("file name", &name, 255, true)?;
    text::refuse_sensitive_value("file name", &name)?;
    let media_type = media_type(&name);
    refuse_secrets_inside(&shown, &bytes)?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(CheckedFile {
        name,
        bytes,
        sha256,
        media_type,
    })
}

/// Refuses a file that holds a secret. Text is decoded first (UTF-8, UTF-16, Latin-1: see
/// [`input_file::decode_text`]) and scanned whole; a binary file's printable runs are scanned for vendor-format
/// secrets (the formats a key written in plain text keeps anywhere). A file that declares an encoding it does not
/// hold is refused: it cannot be scanned.
fn refuse_secrets_inside(shown: &str, bytes: &[u8]) -> Result<()> {
    let refused = |e: InvalidInput| {
        InvalidInput::coded(
            e.code,
            "file",
            format!("{shown} {}; nothing was stored", e.message),
        )
    };
    match input_file::decode_text(bytes) {
        Ok(input_file::FileText::Text(content)) => {
            text::refuse_secrets("file", &content).map_err(refused)?
        }
        Ok(input_file::FileText::Binary) => {
            let runs = input_file::printable_runs(bytes);
            let mut found = Vec::new();
            crate::redact::detect::vendor::find(&runs, &mut found);
            if let Some(f) = found.first() {
                return Err(InvalidInput::coded(
                    "secret_detected",
                    "file",
                    format!(
                        "{shown} holds what looks like {} in its readable text; secrets are never stored — \
                         nothing was stored",
                        crate::redact::describe(f.class)
                    ),
                )
                .into());
            }
        }
        Err(reason) => {
            return Err(InvalidInput::coded(
                "file_unreadable",
                "file",
                format!("cannot scan {shown}: {reason}; nothing was stored"),
            )
            .into())
        }
    }
    Ok(())
}

fn media_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "txt" | "log" => "text/plain",
        "md" => "text/markdown",
        "csv" => "text/csv",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

pub fn content_path(files_dir: &Path, sha256: &str) -> PathBuf {
    files_dir.join(&sha256[..2]).join(sha256)
}

/// The prefix of an attached file's temporary copy, `<db>.files/.golive-file-<pid>-<sha256>.partial`. Copies are
/// written at the top of the store, so sweeping them never has to list the content directories.
const PARTIAL_PREFIX: &str = ".golive-file-";

/// Writes the content under its hash, atomically (temporary file, then rename), readable by its user only. Existing
/// content is left as it is but for its mode; the store's directories are made private whenever one is written to.
pub fn store(files_dir: &Path, file: &CheckedFile) -> Result<PathBuf> {
    let target = content_path(files_dir, &file.sha256);
    let dir = target.parent().expect("content path has a parent");
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Store(StoreError::Io { path, source })
    };
    private_dir(files_dir).map_err(io(files_dir))?;
    private_dir(dir).map_err(io(dir))?;
    if target.exists() {
        make_private(&target, 0o600);
        return Ok(target);
    }
    // Removed again if anything below fails (the temporary file's drop).
    let mut temp = TempFile::write(
        files_dir,
        PARTIAL_PREFIX,
        &file.sha256,
        Some(0o600),
        &file.bytes,
    )
    .map_err(io(files_dir))?;
    temp.place(&target).map_err(io(dir))?;
    partial::sync_dir(dir).map_err(io(dir))?;
    Ok(target)
}

/// Removes temporary copies left in the store by an attach that crashed or was killed (their writer is gone; see
/// [`partial::sweep`]), and returns how many. Called when a workspace is opened.
pub fn sweep_stale_partials(files_dir: &Path) -> usize {
    partial::sweep(files_dir, PARTIAL_PREFIX)
}

/// Creates `dir` (0700 on unix) if needed, and tightens it to 0700 if it was there already.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    make_private(dir, 0o700);
    Ok(())
}

/// Sets `mode` on unix. Best effort: a file system without unix modes (a FAT stick) refuses, and that must not stop
/// an attach.
fn make_private(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let already =
            std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o7777 == mode);
        if !already {
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}
