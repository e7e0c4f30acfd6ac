//! Attached files, stored content-addressed beside the database (`<db>.files/ab/abcdef…`). The database keeps the
//! SHA-256, size and media type; the same content attached twice is stored once.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

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

/// Reads `path` and applies the evidence rules: readable, within the size cap, and (for text) free of secrets.
pub fn read_checked(path: &Path, max_bytes: u64) -> Result<CheckedFile> {
    let shown = path.display().to_string();
    let unreadable = |e: std::io::Error| {
        Error::from(InvalidInput::coded(
            "file_unreadable",
            "file",
            format!("cannot read {shown}: {e}"),
        ))
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(InvalidInput::coded(
            "file_unreadable",
            "file",
            format!("{shown} is not a regular file"),
        )
        .into());
    }
    if meta.len() > max_bytes {
        return Err(InvalidInput::coded(
            "file_too_large",
            "file",
            format!(
                "{shown} is {} bytes; evidence files are at most {max_bytes} bytes",
                meta.len()
            ),
        )
        .into());
    }
    if meta.len() == 0 {
        return Err(InvalidInput::coded("file_empty", "file", format!("{shown} is empty")).into());
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let name = text::checked("file name", &name, 255, true)?;
    let media_type = media_type(&name);
    if let Some(content) = as_text(&bytes) {
        text::refuse_secrets("file", content).map_err(|e| {
            InvalidInput::coded(
                e.code,
                "file",
                format!("{shown} {}; nothing was stored", e.message),
            )
        })?;
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(CheckedFile {
        name,
        bytes,
        sha256,
        media_type,
    })
}

/// Text is UTF-8 without NUL bytes; anything else (PDF, PNG …) is stored as is.
fn as_text(bytes: &[u8]) -> Option<&str> {
    if bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
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

/// Writes the content under its hash, atomically (temporary file, then rename). Existing content is left alone.
pub fn store(files_dir: &Path, file: &CheckedFile) -> Result<PathBuf> {
    let target = content_path(files_dir, &file.sha256);
    if target.exists() {
        return Ok(target);
    }
    let dir = target.parent().expect("content path has a parent");
    let io = |source| {
        Error::Store(StoreError::Io {
            path: dir.to_path_buf(),
            source,
        })
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let temp = dir.join(format!(".{}.partial", file.sha256));
    let mut out = std::fs::File::create(&temp).map_err(io)?;
    out.write_all(&file.bytes).map_err(io)?;
    out.sync_all().map_err(io)?;
    std::fs::rename(&temp, &target).map_err(io)?;
    Ok(target)
}
