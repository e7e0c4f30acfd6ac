//! Native file dialogs, each shown by a short-lived child process and never by this one.
//!
//! This process holds the workspace's one SQLite connection, and with it POSIX locks on the database's `-shm`,
//! which belong to the process: closing *any* descriptor of that file, from any thread, drops them. A GTK file
//! chooser opens the files it lists to sniff their type, and the folder monitor GLib starts for it outlives the
//! dialog: once the chooser has shown the workspace's folder, worker threads re-open the `-shm` and `-wal` on
//! every change to sniff them again, dropping the app's lock within a millisecond of each write (measured: the lock
//! held in 0 of 156 samples after a cancelled chooser). No check-and-reopen can keep up with that, so the dialog
//! runs elsewhere: the app re-executes its own binary with [`CHILD_FLAG`] and a JSON [`Request`]; the child shows the
//! dialog (`rfd`, GTK on Linux), prints the answer as one JSON line (`null` when cancelled, else the paths) and
//! exits, and GLib's monitors end with it. Its descriptors and locks are its own, so nothing it opens or closes can
//! touch this process's locks.
//!
//! The commands are `async` and wait for the child on a blocking thread, so the window keeps painting while a
//! dialog is up. One dialog at a time: the window stays usable meanwhile (a dialog in another process cannot be
//! modal to it), and a second request is refused rather than stacking choosers.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

use golive::error::ErrorPayload;
use serde::{Deserialize, Serialize};

use crate::commands::Reply;

/// The first argument that makes the desktop binary a dialog child instead of the app (see `main`).
pub const CHILD_FLAG: &str = "--file-dialog";

/// An extension filter, as the screens give it: `{ name: "PEM certificate", extensions: ["pem", "crt"] }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    pub name: String,
    pub extensions: Vec<String>,
}

/// What the screens ask of an open dialog (the shapes of `ui/src/lib/dialogs.ts`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OpenOptions {
    pub title: Option<String>,
    /// A folder to start in, or a file to start on (its folder, with it selected).
    pub default_path: Option<String>,
    pub filters: Vec<Filter>,
    pub multiple: bool,
    pub directory: bool,
}

/// What the screens ask of a save dialog.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SaveOptions {
    pub title: Option<String>,
    /// A folder to start in, a file name to suggest, or both as one path.
    pub default_path: Option<String>,
    pub filters: Vec<Filter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Open,
    Save,
}

/// The dialog the child is asked to show: its one argument after [`CHILD_FLAG`], as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub kind: Kind,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub default_path: Option<String>,
    #[serde(default)]
    pub filters: Vec<Filter>,
    #[serde(default)]
    pub multiple: bool,
    #[serde(default)]
    pub directory: bool,
}

impl From<OpenOptions> for Request {
    fn from(o: OpenOptions) -> Self {
        Request {
            kind: Kind::Open,
            title: o.title,
            default_path: o.default_path,
            filters: o.filters,
            multiple: o.multiple,
            directory: o.directory,
        }
    }
}

impl From<SaveOptions> for Request {
    fn from(o: SaveOptions) -> Self {
        Request {
            kind: Kind::Save,
            title: o.title,
            default_path: o.default_path,
            filters: o.filters,
            multiple: false,
            directory: false,
        }
    }
}

/// Shows an open dialog in a child process: the chosen paths (one unless `multiple`), or `None` when cancelled.
#[tauri::command]
pub async fn pick_files(options: OpenOptions) -> Reply<Option<Vec<String>>> {
    show(options.into()).await
}

/// Shows a save dialog in a child process: the chosen path, or `None` when cancelled.
#[tauri::command]
pub async fn pick_save_path(options: SaveOptions) -> Reply<Option<String>> {
    let picked = show(options.into()).await?;
    Ok(picked.and_then(|paths| paths.into_iter().next()))
}

fn failed(message: impl Into<String>) -> ErrorPayload {
    ErrorPayload {
        code: "file_dialog".into(),
        message: message.into(),
    }
}

static DIALOG_OPEN: AtomicBool = AtomicBool::new(false);

/// Marks the one dialog as closed when its request ends, however it ends.
struct OneAtATime;

impl OneAtATime {
    fn take() -> Option<Self> {
        (!DIALOG_OPEN.swap(true, Ordering::SeqCst)).then_some(OneAtATime)
    }
}

impl Drop for OneAtATime {
    fn drop(&mut self) {
        DIALOG_OPEN.store(false, Ordering::SeqCst);
    }
}

async fn show(request: Request) -> Reply<Option<Vec<String>>> {
    let Some(turn) = OneAtATime::take() else {
        return Err(ErrorPayload {
            code: "file_dialog_open".into(),
            message: "A file dialog is already open: choose there or cancel it first.".into(),
        });
    };
    let exe = std::env::current_exe().map_err(|e| {
        failed(format!(
            "cannot find the app's own program to show the dialog: {e}"
        ))
    })?;
    let json = serde_json::to_string(&request).map_err(|e| failed(e.to_string()))?;
    let answer = tauri::async_runtime::spawn_blocking(move || run_child(&exe, &json))
        .await
        .map_err(|e| failed(format!("the file dialog stopped unexpectedly: {e}")))?;
    drop(turn);
    answer
}

/// The child's exit code when its stdin closed: the app went away while the dialog was open.
const PARENT_GONE: i32 = 3;
/// Printed before the child's own error line, so the app finds it among whatever GTK prints on stderr.
const ERROR_MARK: &str = "golive-dialog-error: ";

/// Runs the dialog child to its end and reads its answer.
fn run_child(exe: &Path, request: &str) -> Reply<Option<Vec<String>>> {
    let mut child = Command::new(exe)
        .arg(CHILD_FLAG)
        .arg(request)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("cannot start the file dialog: {e}")))?;
    // Held open until the child has answered: its end of file tells the child the app is gone (see `watch_parent`).
    let stdin = child.stdin.take();
    let out = child
        .wait_with_output()
        .map_err(|e| failed(format!("lost the file dialog: {e}")))?;
    drop(stdin);
    parse_answer(out.status, &out.stdout, &out.stderr)
}

/// The child's answer: the last line it printed on stdout, when it exited successfully; otherwise its own error
/// line from stderr (GTK may print warnings after it), or how it ended.
fn parse_answer(
    status: std::process::ExitStatus,
    stdout: &[u8],
    stderr: &[u8],
) -> Reply<Option<Vec<String>>> {
    let last_line = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .map(str::to_owned)
    };
    if !status.success() {
        let stderr = String::from_utf8_lossy(stderr);
        let own = stderr
            .lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix(ERROR_MARK.trim_end()))
            .map(|l| l.trim().to_string());
        let said = match (own, status.code()) {
            (Some(message), _) => message,
            (None, Some(PARENT_GONE)) => "it stopped waiting for the app".into(),
            (None, Some(code)) => format!(
                "it ended with code {code}{}",
                last_line(stderr.as_bytes()).map_or(String::new(), |l| format!(" ({l})"))
            ),
            (None, None) => "it was stopped by a signal".into(),
        };
        return Err(failed(format!("the file dialog failed: {said}")));
    }
    let line = last_line(stdout).ok_or_else(|| failed("the file dialog gave no answer"))?;
    serde_json::from_str(&line).map_err(|e| {
        failed(format!(
            "the file dialog gave an answer the app cannot read ({e}): {line}"
        ))
    })
}

// ---------------------------------------------------------------------------------------------------------------
// The child

/// The dialog child's whole life: show the dialog `request` (JSON) describes, print the answer, exit. Runs before the
/// app opens anything (see `main`).
pub fn child_main(request: Option<std::ffi::OsString>) -> ! {
    let request = request
        .as_deref()
        .and_then(|r| r.to_str())
        .ok_or_else(|| "expected the dialog as one JSON argument".to_string())
        .and_then(|r| {
            serde_json::from_str::<Request>(r).map_err(|e| format!("unreadable dialog: {e}"))
        });
    let answer = request.and_then(|request| {
        watch_parent();
        answer(show_native(&request))
    });
    match answer {
        Ok(line) => {
            let mut out = std::io::stdout().lock();
            let written = writeln!(out, "{line}").and_then(|()| out.flush());
            std::process::exit(if written.is_ok() { 0 } else { 1 });
        }
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "{ERROR_MARK}{message}");
            std::process::exit(2);
        }
    }
}

/// Ends the child when the app goes away with a dialog still open: the app holds our stdin open until it has read
/// the answer, so end of file (or an error) means nobody is waiting for one.
fn watch_parent() {
    std::thread::spawn(|| {
        let mut buf = [0u8; 64];
        let mut stdin = std::io::stdin();
        loop {
            match stdin.read(&mut buf) {
                // A signal is not the app going away: GTK spawning a helper as the dialog closes (dconf asking for
                // `dbus-launch`) delivers SIGCHLD, and a read it interrupts used to end the child without an answer.
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Ok(0) | Err(_) => std::process::exit(PARENT_GONE),
                Ok(_) => {}
            }
        }
    });
}

/// The JSON line for the chosen paths: `null` when cancelled. A path that is not UTF-8 cannot cross to the screens
/// unchanged, so it is an error rather than a lossy look-alike.
fn answer(picked: Option<Vec<PathBuf>>) -> Result<String, String> {
    let paths = match picked {
        None => None,
        Some(paths) => Some(
            paths
                .into_iter()
                .map(|p| {
                    p.into_os_string().into_string().map_err(|p| {
                        format!(
                            "the chosen path is not valid UTF-8: {}",
                            PathBuf::from(p).display()
                        )
                    })
                })
                .collect::<Result<Vec<String>, String>>()?,
        ),
    };
    serde_json::to_string(&paths).map_err(|e| e.to_string())
}

fn show_native(request: &Request) -> Option<Vec<PathBuf>> {
    let mut dialog = rfd::FileDialog::new();
    if let Some(title) = &request.title {
        dialog = dialog.set_title(title);
    }
    if let Some(path) = request.default_path.as_deref().filter(|p| !p.is_empty()) {
        dialog = start_at(dialog, Path::new(path));
    }
    for filter in &request.filters {
        dialog = dialog.add_filter(&filter.name, &filter.extensions);
    }
    match (request.kind, request.directory, request.multiple) {
        (Kind::Save, _, _) => dialog.save_file().map(|p| vec![p]),
        (Kind::Open, false, false) => dialog.pick_file().map(|p| vec![p]),
        (Kind::Open, false, true) => dialog.pick_files(),
        (Kind::Open, true, false) => dialog.pick_folder().map(|p| vec![p]),
        (Kind::Open, true, true) => dialog.pick_folders(),
    }
}

/// Where the dialog starts, as the Tauri dialog plugin read `defaultPath`: an existing folder is the folder to show;
/// anything else is a file, shown selected (or suggested, when saving) in its folder.
fn start_at(dialog: rfd::FileDialog, path: &Path) -> rfd::FileDialog {
    if path.is_dir() {
        return dialog.set_directory(path);
    }
    let mut dialog = dialog;
    if let Some(folder) = path.parent().filter(|f| f.components().count() > 0) {
        dialog = dialog.set_directory(folder);
    }
    match path.file_name() {
        Some(name) => dialog.set_file_name(name.to_string_lossy()),
        None => dialog.set_directory(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_screens_options_become_the_childs_request() {
        let open: OpenOptions = serde_json::from_value(serde_json::json!({
            "title": "Extra CA certificates to trust (PEM)",
            "defaultPath": "/home/me",
            "multiple": true,
            "directory": false,
            "filters": [{ "name": "PEM certificate", "extensions": ["pem", "crt"] }],
        }))
        .unwrap();
        let request = Request::from(open);
        assert_eq!(request.kind, Kind::Open);
        assert!(request.multiple && !request.directory);
        assert_eq!(request.default_path.as_deref(), Some("/home/me"));
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), request);

        let save: SaveOptions = serde_json::from_value(serde_json::json!({
            "defaultPath": "acme-signoff-packet.pdf",
            "filters": [{ "name": "PDF", "extensions": ["pdf"] }],
        }))
        .unwrap();
        let request = Request::from(save);
        assert_eq!(request.kind, Kind::Save);
        assert_eq!(request.filters[0].extensions, ["pdf"]);
        // No options at all is a plain open dialog.
        let none: OpenOptions = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(Request::from(none).kind, Kind::Open);
    }

    /// An exit status as `wait` reports it: `code` for an exit, or a signal number.
    fn exited(code: i32) -> std::process::ExitStatus {
        std::os::unix::process::ExitStatusExt::from_raw(code << 8)
    }

    #[test]
    fn the_childs_answer_is_read_or_its_failure_reported() {
        let ok = exited(0);
        assert_eq!(parse_answer(ok, b"null\n", b"").unwrap(), None);
        assert_eq!(
            parse_answer(
                ok,
                b"some library's chatter\n[\"/tmp/a b.pem\",\"/tmp/c.pem\"]\n",
                b"Gtk-Message: x\n"
            )
            .unwrap(),
            Some(vec!["/tmp/a b.pem".to_string(), "/tmp/c.pem".to_string()])
        );
        let failed =
            parse_answer(exited(1), b"", b"Gtk-WARNING: cannot open display\n").unwrap_err();
        assert_eq!(failed.code, "file_dialog");
        assert!(
            failed.message.contains("cannot open display") && failed.message.contains("code 1"),
            "{}",
            failed.message
        );
        // The child's own line counts, whatever GTK printed after it.
        let own = parse_answer(
            exited(2),
            b"",
            b"golive-dialog-error: the chosen path is not valid UTF-8: /tmp/x\n(golive-desktop:1): dconf-WARNING **: failed to commit changes to dconf\n",
        )
        .unwrap_err();
        assert!(
            own.message.ends_with("not valid UTF-8: /tmp/x"),
            "{}",
            own.message
        );
        let gone = parse_answer(exited(PARENT_GONE), b"", b"dconf-WARNING\n").unwrap_err();
        assert!(gone.message.contains("stopped waiting"), "{}", gone.message);
        let killed =
            parse_answer(std::os::unix::process::ExitStatusExt::from_raw(9), b"", b"").unwrap_err();
        assert!(killed.message.contains("signal"), "{}", killed.message);
        assert_eq!(parse_answer(ok, b"", b"").unwrap_err().code, "file_dialog");
        assert_eq!(
            parse_answer(ok, b"{\"x\":1}\n", b"").unwrap_err().code,
            "file_dialog"
        );
        assert_eq!(answer(None).unwrap(), "null");
        assert_eq!(
            answer(Some(vec![PathBuf::from("/tmp/é.txt")])).unwrap(),
            "[\"/tmp/é.txt\"]"
        );
    }

    #[test]
    fn a_second_dialog_is_refused_while_one_is_open() {
        let first = OneAtATime::take().expect("no dialog is open yet");
        assert!(OneAtATime::take().is_none());
        drop(first);
        assert!(OneAtATime::take().is_some());
    }
}
