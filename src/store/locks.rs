//! Has this process lost SQLite's locks on the workspace? POSIX advisory locks belong to the process, and closing
//! *any* descriptor of a file drops every lock the process holds on it. In WAL mode the lock that tells other
//! processes "a connection is open here" is a read lock on byte 128 of the `-shm` file, held for the connection's
//! life. A GTK file chooser that sniffs `golive.sqlite-shm` while listing a folder closes such a descriptor; the next
//! `golive` process then believes it is alone, checkpoints and deletes the `-wal`, and this process goes on writing
//! into an unlinked file that nobody will ever read.
//!
//! [`LockWatch`] notices both halves of that story before a write: the lock itself is gone (read from
//! `/proc/locks` on Linux), or the `-wal` / `-shm` on disk are no longer the files this connection has open (any
//! platform). Either way the store reopens its connection, which takes the locks afresh.

use std::path::{Path, PathBuf};

/// A file's identity: device and inode on unix. Names lie (rename, unlink, replace); identities do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    pub dev: u64,
    pub ino: u64,
}

impl FileId {
    /// The identity of what `path` names now (following symlinks), or `None` when nothing is there.
    pub fn of(path: &Path) -> Option<FileId> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Self::from_metadata(&meta))
    }

    #[cfg(unix)]
    pub fn from_metadata(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }

    #[cfg(not(unix))]
    pub fn from_metadata(meta: &std::fs::Metadata) -> FileId {
        // Windows locks belong to handles, not processes, so the hazard this module guards against does not exist
        // there; size and creation time are only a weak identity, enough for the reopen-if-replaced check.
        let created = meta
            .created()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        FileId {
            dev: 0,
            ino: created,
        }
    }
}

/// The `-wal` and `-shm` files beside a database.
pub fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// What a connection had when it opened, to compare against what is there now.
#[derive(Debug, Clone)]
pub struct LockWatch {
    wal: PathBuf,
    shm: PathBuf,
    wal_id: Option<FileId>,
    shm_id: Option<FileId>,
}

/// Why a connection can no longer be trusted to write where other processes read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    /// Our lock is held and the files on disk are the ones we have open.
    Intact,
    /// The lock was dropped, but the `-wal` on disk is still ours: nothing written so far is lost.
    LockDropped,
    /// The `-wal` or `-shm` on disk is another file (or gone): another process took over the database.
    FilesReplaced,
}

impl LockWatch {
    /// Records the identities of the open connection's `-wal` and `-shm`. Call it right after the connection has
    /// read in WAL mode, when both files exist.
    pub fn capture(db: &Path) -> LockWatch {
        let wal = sidecar(db, "-wal");
        let shm = sidecar(db, "-shm");
        LockWatch {
            wal_id: FileId::of(&wal),
            shm_id: FileId::of(&shm),
            wal,
            shm,
        }
    }

    /// Is this process still a trustworthy writer? Costs two `stat`s and, on Linux, one read of `/proc/locks`.
    pub fn state(&self) -> LockState {
        let Some(shm_id) = self.shm_id else {
            // Not in WAL mode (or the files were never seen): there is no long-lived lock to lose.
            return LockState::Intact;
        };
        if self.files_state() == LockState::FilesReplaced {
            return LockState::FilesReplaced;
        }
        match holds_lock_on(shm_id) {
            Some(false) => LockState::LockDropped,
            Some(true) | None => LockState::Intact,
        }
    }
}

impl LockWatch {
    /// Only whether the `-wal` / `-shm` on disk are still the files this connection has open: two `stat`s. This
    /// is what decides whether a commit may have gone where nobody reads.
    pub fn files_state(&self) -> LockState {
        match self.shm_id {
            Some(shm_id)
                if FileId::of(&self.shm) != Some(shm_id)
                    || FileId::of(&self.wal) != self.wal_id =>
            {
                LockState::FilesReplaced
            }
            _ => LockState::Intact,
        }
    }
}

/// Does this process hold a POSIX lock on the file `id`? `None` where the kernel does not say (not Linux, or
/// `/proc` unreadable): the caller then relies on the file identities alone.
///
/// `/proc/locks` is generated a chunk at a time, and a lock other processes drop between two chunks shifts the
/// records after it, so one of ours can be skipped — a lock that looks lost while it is held (seen with four busy
/// `golive` processes on one machine). So the table is read in one large read, and "not held" must be seen three
/// times in a row before it is believed.
#[cfg(target_os = "linux")]
pub fn holds_lock_on(id: FileId) -> Option<bool> {
    for _ in 0..3 {
        let table = read_lock_table()?;
        if process_holds_lock(&table, std::process::id(), id) {
            return Some(true);
        }
    }
    Some(false)
}

/// `/proc/locks` read with as few `read` calls as it takes: one, unless the table outgrows the buffer.
#[cfg(target_os = "linux")]
fn read_lock_table() -> Option<String> {
    use std::io::Read;
    let mut file = std::fs::File::open("/proc/locks").ok()?;
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0;
    loop {
        let n = file.read(&mut buf[len..]).ok()?;
        if n == 0 {
            break;
        }
        len += n;
        if len == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
    }
    buf.truncate(len);
    String::from_utf8(buf).ok()
}

#[cfg(not(target_os = "linux"))]
pub fn holds_lock_on(_id: FileId) -> Option<bool> {
    None
}

/// Reads `/proc/locks` lines such as `1: POSIX  ADVISORY  READ 10076 fe:00:10010835 128 128` (pid, then the
/// device as hex major:minor and the inode in decimal).
fn process_holds_lock(table: &str, pid: u32, id: FileId) -> bool {
    let (major, minor) = split_dev(id.dev);
    let pid = pid.to_string();
    table.lines().any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // Blocked waiters are listed as "-> POSIX ..." and shift the columns; they hold nothing.
        if fields.len() < 8 || fields[1] != "POSIX" || fields[4] != pid {
            return false;
        }
        let mut parts = fields[5].split(':');
        let (Some(maj), Some(min), Some(ino)) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        u64::from_str_radix(maj, 16).ok() == Some(major)
            && u64::from_str_radix(min, 16).ok() == Some(minor)
            && ino.parse::<u64>().ok() == Some(id.ino)
    })
}

/// glibc's encoding of `dev_t` into major and minor numbers.
fn split_dev(dev: u64) -> (u64, u64) {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    (major, minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "1: POSIX  ADVISORY  READ 10076 fe:00:10010835 128 128
2: POSIX  ADVISORY  READ 10076 fe:00:10010803 1073741826 1073742335
2: -> POSIX  ADVISORY  WRITE 999 fe:00:10010835 128 128
3: FLOCK  ADVISORY  WRITE 10076 fe:00:77 0 EOF
";

    fn id(ino: u64) -> FileId {
        // fe:00 is major 254, minor 0.
        FileId { dev: 254 << 8, ino }
    }

    #[test]
    fn a_posix_lock_of_this_process_on_the_file_is_found() {
        assert!(process_holds_lock(TABLE, 10076, id(10010835)));
        assert!(process_holds_lock(TABLE, 10076, id(10010803)));
    }

    #[test]
    fn other_processes_waiters_flocks_and_devices_do_not_count() {
        assert!(!process_holds_lock(TABLE, 999, id(10010835)), "a waiter");
        assert!(!process_holds_lock(TABLE, 10076, id(77)), "a flock");
        assert!(
            !process_holds_lock(TABLE, 10077, id(10010835)),
            "another pid"
        );
        let other_device = FileId {
            dev: 8 << 8 | 1,
            ino: 10010835,
        };
        assert!(!process_holds_lock(TABLE, 10076, other_device));
    }

    #[test]
    fn device_numbers_split_like_glibc() {
        assert_eq!(split_dev(254 << 8), (254, 0));
        assert_eq!(split_dev((8 << 8) | 17), (8, 17));
    }
}
