//! The one way a file a person picked is read (a template, a probe pack, a packet to verify, a file to scan, a CA
//! certificate, evidence to attach or import): only a regular file, never one of the workspace's own files, and
//! never more than a cap, counted while reading because a device or `/proc` file reports a size of 0.

use std::fs::{File, Metadata};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::error::{Error, InvalidInput};

/// A packet to verify. An export with 20,000 evidence records is tens of MB; this leaves room for far more.
pub const MAX_PACKET_BYTES: u64 = 256 * 1024 * 1024;
/// A CA certificate bundle (PEM): a few KB each, a system bundle is under 1 MB.
pub const MAX_CA_BYTES: u64 = 1024 * 1024;
/// A file to scan for what redaction would remove: the same cap as an evidence file.
pub const MAX_SCAN_BYTES: u64 = 25 * 1024 * 1024;
/// A JSON Lines evidence import, read one line at a time.
pub const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;
/// One line of an evidence import: one record, whose value and note are a few hundred characters at most.
pub const MAX_IMPORT_LINE_BYTES: usize = 64 * 1024;

/// Why a picked file was not read.
#[derive(Debug)]
pub enum InputError {
    /// Missing, or the OS refused it.
    Unreadable(io::Error),
    /// A directory, FIFO, device or socket: never opened (opening a FIFO waits for a writer; a device never ends).
    NotRegular(&'static str),
    /// Over the cap: `len` is the size on disk when that already said so, `None` when reading found more.
    TooLarge { len: Option<u64>, max: u64 },
    /// One of the workspace's own files (what it is, in words); never opened.
    WorkspaceFile(&'static str),
}

impl InputError {
    pub fn code(&self) -> &'static str {
        match self {
            InputError::Unreadable(_) => "file_unreadable",
            InputError::NotRegular(_) => "file_not_regular",
            InputError::TooLarge { .. } => "file_too_large",
            InputError::WorkspaceFile(_) => "workspace_file",
        }
    }

    /// The refusal in words, naming the file and the limit; `what` names the kind of file in the plural
    /// ("templates", "evidence files").
    pub fn describe(&self, path: &Path, what: &str) -> String {
        let shown = path.display();
        match self {
            InputError::Unreadable(e) => format!("cannot read {shown}: {e}"),
            InputError::NotRegular(kind) => {
                format!("{shown} is {kind}, not a regular file; it was not opened")
            }
            InputError::TooLarge { len: Some(len), max } => {
                format!("{shown} is {len} bytes; {what} are at most {max} bytes")
            }
            InputError::TooLarge { len: None, max } => {
                format!("{shown} holds more than {max} bytes; {what} are at most {max} bytes")
            }
            InputError::WorkspaceFile(which) => format!(
                "{shown} is {which}; the workspace's own files are never read as input (it was not opened)"
            ),
        }
    }

    /// The refusal as a coded input error; `unreadable_code` replaces `file_unreadable` where a command has its own
    /// (`ca_unreadable`, `probe_pack_unreadable`).
    pub fn into_invalid(
        self,
        path: &Path,
        what: &str,
        field: &'static str,
        unreadable_code: &'static str,
    ) -> InvalidInput {
        let code = match self {
            InputError::Unreadable(_) => unreadable_code,
            _ => self.code(),
        };
        InvalidInput::coded(code, field, self.describe(path, what))
    }
}

/// The files of an open workspace that must never be read as input: the database, its SQLite companions (`-wal`,
/// `-shm`, `-journal`), its migration backups (`<db>.v<N>.bak`) and everything in its store of attached files.
/// Known by identity (device and inode), so a symlink or a hard link to one is caught too: opening and closing the
/// `-shm` file in the process holding the database would drop SQLite's POSIX locks on it.
#[derive(Debug, Default)]
pub struct WorkspaceFiles {
    files: Vec<(FileId, &'static str)>,
    files_dir: Option<PathBuf>,
}

// Unix identifies a file by device and inode, as the store's lock watch does; elsewhere by its canonical path.
#[cfg(unix)]
type FileId = crate::store::locks::FileId;
#[cfg(not(unix))]
type FileId = PathBuf;

#[cfg(unix)]
fn file_id(_path: &Path, meta: &Metadata) -> Option<FileId> {
    Some(FileId::from_metadata(meta))
}

#[cfg(not(unix))]
fn file_id(path: &Path, _meta: &Metadata) -> Option<FileId> {
    std::fs::canonicalize(path).ok()
}

impl WorkspaceFiles {
    /// The files of the workspace whose database is `db` and whose attached files live in `files_dir`, as they are
    /// now. Only `stat` and a listing of the database's directory are used: none of them is opened.
    pub fn of(db: &Path, files_dir: &Path) -> Self {
        let mut files = Vec::new();
        let name = db
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut add = |path: &Path, which: &'static str| {
            if let Ok(meta) = std::fs::metadata(path) {
                if let Some(id) = file_id(path, &meta) {
                    files.push((id, which));
                }
            }
        };
        for (suffix, which) in [
            ("", "this workspace's database"),
            ("-wal", "this workspace's write-ahead log (-wal)"),
            ("-shm", "this workspace's shared-memory file (-shm)"),
            ("-journal", "this workspace's rollback journal (-journal)"),
        ] {
            add(&crate::store::locks::sidecar(db, suffix), which);
        }
        let dir = db
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                if is_backup_name(&name, &entry.file_name().to_string_lossy()) {
                    add(&entry.path(), "a backup of this workspace's database");
                }
            }
        }
        Self {
            files,
            files_dir: std::fs::canonicalize(files_dir).ok(),
        }
    }

    /// What `path` (whose metadata, following symlinks, is `meta`) is of the workspace, if anything.
    fn which(&self, path: &Path, meta: &Metadata) -> Option<&'static str> {
        if let Some(id) = file_id(path, meta) {
            if let Some((_, which)) = self.files.iter().find(|(f, _)| *f == id) {
                return Some(which);
            }
        }
        let dir = self.files_dir.as_ref()?;
        std::fs::canonicalize(path)
            .ok()
            .filter(|p| p.starts_with(dir))
            .map(|_| "in this workspace's store of attached files")
    }
}

/// A migration backup: `<db>.v<N>.bak`, or `.bak<M>` when one was there already (see the store's backup).
fn is_backup_name(db_name: &str, name: &str) -> bool {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    name.strip_prefix(db_name)
        .and_then(|rest| rest.strip_prefix(".v"))
        .and_then(|rest| rest.split_once(".bak"))
        .is_some_and(|(version, n)| !version.is_empty() && digits(version) && digits(n))
}

/// Checks `path` without opening it (a regular file, not one of `own`, at most `max` bytes on disk), then opens it.
/// Returns the open file and its size on disk, which the caller must not trust as a bound: read through
/// [`read`] or [`LineReader`], which count.
pub fn open(
    path: &Path,
    max: u64,
    own: Option<&WorkspaceFiles>,
) -> Result<(File, u64), InputError> {
    let meta = std::fs::metadata(path).map_err(InputError::Unreadable)?;
    if let Some(which) = own.and_then(|own| own.which(path, &meta)) {
        return Err(InputError::WorkspaceFile(which));
    }
    if !meta.is_file() {
        return Err(InputError::NotRegular(kind(&meta)));
    }
    if meta.len() > max {
        return Err(InputError::TooLarge {
            len: Some(meta.len()),
            max,
        });
    }
    let file = open_nonblocking(path).map_err(InputError::Unreadable)?;
    // The path may have been swapped between the check and the open: what was opened must be what was checked.
    let opened = file.metadata().map_err(InputError::Unreadable)?;
    if !opened.is_file() {
        return Err(InputError::NotRegular(kind(&opened)));
    }
    if file_id(path, &opened) != file_id(path, &meta) {
        return Err(InputError::Unreadable(io::Error::other(
            "the file was replaced while it was being opened",
        )));
    }
    Ok((file, opened.len()))
}

/// Opens for reading without waiting: should a FIFO slip in after the check, opening it returns at once instead of
/// blocking until a writer comes (reads of a regular file are unaffected by the flag).
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// What kind of non-regular file `meta` describes, in words.
fn kind(meta: &Metadata) -> &'static str {
    if meta.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Reads the whole of `path`, at most `max` bytes (see [`open`] for what is refused first).
pub fn read(path: &Path, max: u64, own: Option<&WorkspaceFiles>) -> Result<Vec<u8>, InputError> {
    let (file, len) = open(path, max, own)?;
    read_capped(file, max, len)
}

/// Reads to the end, refusing as soon as more than `max` bytes arrive: `hint` (the size on disk) only sizes the
/// buffer.
fn read_capped(reader: impl Read, max: u64, hint: u64) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::with_capacity(hint.min(max) as usize);
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(InputError::Unreadable)?;
    if bytes.len() as u64 > max {
        return Err(InputError::TooLarge { len: None, max });
    }
    Ok(bytes)
}

/// [`read`] as UTF-8 text, with every refusal a coded error naming the file (`what` names the kind of file in the
/// plural, for the size message).
pub fn read_text(
    path: &Path,
    max: u64,
    what: &str,
    own: Option<&WorkspaceFiles>,
) -> Result<String, Error> {
    let bytes =
        read(path, max, own).map_err(|e| e.into_invalid(path, what, "file", "file_unreadable"))?;
    String::from_utf8(bytes).map_err(|e| {
        InvalidInput::coded(
            "file_unreadable",
            "file",
            format!(
                "cannot read {}: it is not UTF-8 text (byte {} is not)",
                path.display(),
                e.utf8_error().valid_up_to() + 1
            ),
        )
        .into()
    })
}

/// Reads a text file in any encoding [`decode_text`] reads (for scanning what it says); a binary file is refused.
pub fn read_text_any_encoding(
    path: &Path,
    max: u64,
    what: &str,
    own: Option<&WorkspaceFiles>,
) -> Result<String, Error> {
    let bytes =
        read(path, max, own).map_err(|e| e.into_invalid(path, what, "file", "file_unreadable"))?;
    let unreadable = |reason: String| -> Error {
        InvalidInput::coded(
            "file_unreadable",
            "file",
            format!("cannot read {}: {reason}", path.display()),
        )
        .into()
    };
    match decode_text(&bytes).map_err(unreadable)? {
        FileText::Text(text) => Ok(text.into_owned()),
        FileText::Binary => Err(unreadable(
            "it is not text (it holds NUL bytes and is not UTF-16)".into(),
        )),
    }
}

/// How a file's bytes read as text, so what it says can be scanned whatever its encoding.
#[derive(Debug, PartialEq, Eq)]
pub enum FileText<'a> {
    /// Text, decoded: UTF-8 (a byte order mark dropped), UTF-16 with a byte order mark or plainly UTF-16 without
    /// one, and otherwise Latin-1 (every byte is a character there, so a file with one stray `é` byte is still
    /// read, not waved through as binary).
    Text(std::borrow::Cow<'a, str>),
    /// Not text (NUL bytes, not UTF-16): an image, a PDF, an archive.
    Binary,
}

/// Reads `bytes` as text ([`FileText`]); `Err` names why a file that declares an encoding does not hold it.
pub fn decode_text(bytes: &[u8]) -> Result<FileText<'_>, String> {
    use std::borrow::Cow;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|t| FileText::Text(Cow::Borrowed(t)))
            .map_err(|e| {
                format!(
                    "it starts with a UTF-8 byte order mark but byte {} is not UTF-8",
                    e.valid_up_to() + 4
                )
            });
    }
    let utf16 = |rest: &[u8], little: bool, what: &str| -> Result<FileText<'static>, String> {
        if rest.len() % 2 != 0 {
            return Err(format!("it is {what} but has an odd number of bytes"));
        }
        let units = rest.chunks_exact(2).map(|p| {
            if little {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map(|t| FileText::Text(Cow::Owned(t)))
            .map_err(|_| format!("it is {what} but holds an unpaired surrogate"))
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, true, "UTF-16 (little-endian byte order mark)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, false, "UTF-16 (big-endian byte order mark)");
    }
    if bytes.contains(&0) {
        // UTF-16 without a byte order mark: text in Latin script has a NUL in every other byte.
        let zeros_at = |parity: usize| {
            bytes
                .iter()
                .skip(parity)
                .step_by(2)
                .filter(|b| **b == 0)
                .count()
        };
        let half = bytes.len() / 2;
        if bytes.len() >= 4 && bytes.len() % 2 == 0 {
            if zeros_at(1) * 10 >= half * 9 && zeros_at(0) * 10 < half {
                return utf16(bytes, true, "UTF-16");
            }
            if zeros_at(0) * 10 >= half * 9 && zeros_at(1) * 10 < half {
                return utf16(bytes, false, "UTF-16");
            }
        }
        return Ok(FileText::Binary);
    }
    Ok(match std::str::from_utf8(bytes) {
        Ok(t) => FileText::Text(Cow::Borrowed(t)),
        Err(_) => FileText::Text(Cow::Owned(bytes.iter().map(|&b| b as char).collect())),
    })
}

/// The printable ASCII runs of at least 8 bytes in a binary file (what `strings` prints), one per line: where a
/// key written in plain text inside a PDF, an archive or an image's metadata can be seen.
pub fn printable_runs(bytes: &[u8]) -> String {
    let mut out = String::new();
    for run in bytes.split(|b| !(0x20..0x7F).contains(b) && *b != b'\t') {
        if run.len() >= 8 {
            out.push_str(std::str::from_utf8(run).expect("printable ASCII"));
            out.push('\n');
        }
    }
    out
}

/// Why a line of a [`LineReader`] could not be had.
#[derive(Debug)]
pub enum LineError {
    Io(io::Error),
    /// Line `line` (1-based) is longer than `max` bytes.
    TooLong {
        line: usize,
        max: usize,
    },
    /// The file holds more than `max` bytes in all.
    TooLarge {
        max: u64,
    },
    NotUtf8 {
        line: usize,
    },
}

/// A file read one line at a time, holding only the current line: each at most `max_line` bytes, the whole at
/// most `max_total`. An import of any length runs in bounded memory.
pub struct LineReader<R> {
    inner: io::Take<BufReader<R>>,
    buf: Vec<u8>,
    line: usize,
    read: u64,
    max_line: usize,
    max_total: u64,
}

impl<R: Read> LineReader<R> {
    pub fn new(reader: R, max_line: usize, max_total: u64) -> Self {
        Self {
            inner: BufReader::new(reader).take(max_total.saturating_add(1)),
            buf: Vec::new(),
            line: 0,
            read: 0,
            max_line,
            max_total,
        }
    }

    /// The next line (1-based number, text without its line ending), or `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<(usize, &str)>, LineError> {
        self.buf.clear();
        let n = (&mut self.inner)
            .take(self.max_line as u64 + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(LineError::Io)?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        self.read += n as u64;
        if self.read > self.max_total {
            return Err(LineError::TooLarge {
                max: self.max_total,
            });
        }
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
        } else if self.buf.len() > self.max_line {
            return Err(LineError::TooLong {
                line: self.line,
                max: self.max_line,
            });
        }
        let line = self.line;
        std::str::from_utf8(&self.buf)
            .map(|text| Some((line, text)))
            .map_err(|_| LineError::NotUtf8 { line })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(bytes: &[u8]) -> String {
        match decode_text(bytes) {
            Ok(FileText::Text(t)) => t.into_owned(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn text_files_are_read_in_the_encodings_people_save_them_in() {
        let utf16 = |s: &str, little: bool| -> Vec<u8> {
            s.encode_utf16()
                .flat_map(|u| {
                    if little {
                        u.to_le_bytes()
                    } else {
                        u.to_be_bytes()
                    }
                })
                .collect()
        };
        let text = "key=sk_live_x Zoë";
        assert_eq!(text_of(text.as_bytes()), text);
        assert_eq!(
            text_of(&[b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()),
            text
        );
        assert_eq!(
            text_of(&[&[0xFF, 0xFE][..], &utf16(text, true)].concat()),
            text
        );
        assert_eq!(
            text_of(&[&[0xFE, 0xFF][..], &utf16(text, false)].concat()),
            text
        );
        assert_eq!(
            text_of(&utf16(text, true)),
            text,
            "UTF-16 without a byte order mark"
        );
        assert_eq!(text_of(&utf16(text, false)), text);
        assert_eq!(
            text_of(b"Notiz \xE9t\xE9 sk_live"),
            "Notiz été sk_live",
            "Latin-1"
        );
        assert_eq!(
            decode_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Ok(FileText::Binary)
        );
        assert!(decode_text(&[0xFF, 0xFE, 0x41])
            .unwrap_err()
            .contains("odd number"));
        assert!(decode_text(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00])
            .unwrap_err()
            .contains("unpaired surrogate"));
        assert!(decode_text(b"\xEF\xBB\xBFab\xFF")
            .unwrap_err()
            .contains("byte 6"));
        assert_eq!(
            printable_runs(b"\0\x01sk_live_0123456789\xFF\xFEshort\0"),
            "sk_live_0123456789\n"
        );
    }

    #[test]
    fn reading_stops_at_the_cap_whatever_the_size_on_disk_said() {
        // A device or /proc file says 0 bytes; the count while reading is what holds.
        match read_capped(io::repeat(7), 1024, 0) {
            Err(InputError::TooLarge { len: None, max }) => assert_eq!(max, 1024),
            other => panic!("{other:?}"),
        }
        assert_eq!(read_capped(&[1u8; 1024][..], 1024, 0).unwrap().len(), 1024);
    }

    #[test]
    fn lines_are_capped_each_and_in_all() {
        let text = b"one\r\ntwo\n\nthree";
        let mut lines = LineReader::new(&text[..], 5, 1000);
        let mut seen = Vec::new();
        while let Some((n, line)) = lines.next_line().unwrap() {
            seen.push((n, line.to_string()));
        }
        assert_eq!(
            seen,
            [(1, "one"), (2, "two"), (3, ""), (4, "three")]
                .map(|(n, l)| (n, l.to_string()))
                .to_vec()
        );

        // A line of exactly the cap passes, one byte more does not, with or without a line ending after it.
        let mut lines = LineReader::new(&b"12345\n123456\n"[..], 5, 1000);
        assert_eq!(lines.next_line().unwrap(), Some((1, "12345")));
        assert!(matches!(
            lines.next_line(),
            Err(LineError::TooLong { line: 2, max: 5 })
        ));
        let mut lines = LineReader::new(&b"123456"[..], 5, 1000);
        assert!(matches!(
            lines.next_line(),
            Err(LineError::TooLong { line: 1, .. })
        ));

        let mut lines = LineReader::new(io::repeat(b'\n'), 5, 100);
        let mut n = 0;
        let err = loop {
            match lines.next_line() {
                Ok(Some(_)) => n += 1,
                Ok(None) => panic!("an endless input never ends"),
                Err(e) => break e,
            }
        };
        assert!(matches!(err, LineError::TooLarge { max: 100 }), "{err:?}");
        assert_eq!(n, 100);

        let mut lines = LineReader::new(&b"ok\n\xff\n"[..], 5, 100);
        lines.next_line().unwrap();
        assert!(matches!(
            lines.next_line(),
            Err(LineError::NotUtf8 { line: 2 })
        ));
    }

    #[test]
    fn backups_are_known_by_name() {
        assert!(is_backup_name("g.sqlite", "g.sqlite.v1.bak"));
        assert!(is_backup_name("g.sqlite", "g.sqlite.v12.bak3"));
        assert!(!is_backup_name("g.sqlite", "g.sqlite.v.bak"));
        assert!(!is_backup_name("g.sqlite", "g.sqlite.v1.bak.txt"));
        assert!(!is_backup_name("g.sqlite", "other.sqlite.v1.bak"));
    }
}
