//! Temporary `.partial` files of a write in progress (an export, an attached file): named with the writer's pid, so
//! a later run can tell a crashed writer's leftovers from a live writer's work; removed when the write fails; swept
//! once their writer is gone.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A `.partial` file being written, removed when dropped unless it was moved into place.
#[derive(Debug)]
pub(crate) struct TempFile {
    path: PathBuf,
    placed: bool,
}

impl TempFile {
    /// Creates `<dir>/<prefix><pid>-<tag>.partial` (never an existing file), with `mode` on unix when given, writes
    /// `bytes` and flushes them to disk.
    pub(crate) fn write(
        dir: &Path,
        prefix: &str,
        tag: &str,
        mode: Option<u32>,
        bytes: &[u8],
    ) -> io::Result<Self> {
        let path = dir.join(format!("{prefix}{}-{tag}.partial", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if let Some(mode) = mode {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut file = options.open(&path)?;
        // From here on the file exists: a failed write must not leave it behind.
        let temp = Self {
            path,
            placed: false,
        };
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        // Closed before a failure drops (removes) it: Windows cannot remove an open file.
        drop(file);
        written.map(|()| temp)
    }

    /// Renames the file to `target` (replacing what is there); after this, dropping it removes nothing.
    pub(crate) fn place(&mut self, target: &Path) -> io::Result<()> {
        std::fs::rename(&self.path, target)?;
        self.placed = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Removes the `<prefix><pid>-….partial` files in `dir` whose writer is gone, and returns how many. Conservative:
/// only where a process's liveness can be seen (Linux, /proc), only regular files of this user, never this
/// process's own, and never one whose pid is alive (even if it was reused by another program). Errors are ignored:
/// a leftover that cannot be removed now is tried again next time.
pub(crate) fn sweep(dir: &Path, prefix: &str) -> usize {
    let Some(me) = own_uid() else {
        return 0;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = writer_pid(&name.to_string_lossy(), prefix) else {
            continue;
        };
        if pid == std::process::id() || !process_is_gone(pid) {
            continue;
        }
        // Not following a symlink: only a plain file of our own is ever removed.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if meta.is_file() && owner(&meta) == Some(me) && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// The pid in `<prefix><pid>-<tag>.partial`.
fn writer_pid(name: &str, prefix: &str) -> Option<u32> {
    let rest = name.strip_prefix(prefix)?.strip_suffix(".partial")?;
    let (pid, tag) = rest.split_once('-')?;
    if tag.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

#[cfg(target_os = "linux")]
fn process_is_gone(pid: u32) -> bool {
    // /proc must be there for a missing entry to mean anything.
    Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_is_gone(_pid: u32) -> bool {
    false
}

/// This process's user, as /proc shows it (a pid hidden by `hidepid` is another user's, and its files are not ours).
#[cfg(target_os = "linux")]
fn own_uid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

#[cfg(not(target_os = "linux"))]
fn own_uid() -> Option<u32> {
    None
}

#[cfg(unix)]
fn owner(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    Some(meta.uid())
}

#[cfg(not(unix))]
fn owner(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}

/// Flushes a directory's entries (a rename or a removal) to disk. Only unix can open a directory for this.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writer_pid_is_read_from_the_name_only_when_it_is_one() {
        assert_eq!(writer_pid(".x-123-abc.partial", ".x-"), Some(123));
        assert_eq!(writer_pid(".x-123-.partial", ".x-"), None);
        assert_eq!(writer_pid(".x-abc.partial", ".x-"), None);
        assert_eq!(writer_pid(".x-12a-b.partial", ".x-"), None);
        assert_eq!(writer_pid(".y-123-abc.partial", ".x-"), None);
        assert_eq!(writer_pid(".x-123-abc.partial.txt", ".x-"), None);
    }

    #[test]
    fn a_failed_or_dropped_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let temp = TempFile::write(dir.path(), ".t-", "a", Some(0o600), b"x").unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        drop(temp);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

        let mut temp = TempFile::write(dir.path(), ".t-", "b", None, b"y").unwrap();
        temp.place(&dir.path().join("b")).unwrap();
        drop(temp);
        assert_eq!(std::fs::read(dir.path().join("b")).unwrap(), b"y");
    }
}
