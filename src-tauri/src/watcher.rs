//! Tells the UI when the database changed, whoever changed it, and keeps this process's locks on it. Every change
//! appends an audit event, so the audit head is a change counter; polling it, rather than hooking our own writes,
//! is what catches the `golive` CLI writing beside us.
//!
//! The poll goes through the app's one workspace, never a second connection: SQLite shares its locks among the
//! connections of a process, so a lock lost to a file dialog can only be taken back by reopening *every*
//! connection of the process, and one connection is the only number that makes that certain. Each tick also
//! checks that the locks are still held, so one lost to a dialog is taken back within a tick, before another
//! process can mistake the workspace for unused and remove its write-ahead log.

use std::io::Write;
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager};

use crate::commands::AppState;

const POLL_EVERY: Duration = Duration::from_millis(400);

pub fn start(app: AppHandle) {
    std::thread::Builder::new()
        .name("db-watcher".into())
        .spawn(move || {
            let mut last = None;
            loop {
                std::thread::sleep(POLL_EVERY);
                let state = app.state::<AppState>();
                // A command holding the workspace is working on it, and checks the locks itself before it writes;
                // this tick can wait for the next.
                let Ok(mut ws) = state.workspace.try_lock() else {
                    continue;
                };
                if let Err(e) = ws.ensure_locks() {
                    report(&e);
                }
                match ws.change_counter() {
                    Ok(now) if last != Some(now) => {
                        if last.is_some() {
                            let _ = app.emit("db-changed", now);
                        }
                        last = Some(now);
                    }
                    Ok(_) => {}
                    Err(e) => report(&e),
                }
            }
        })
        .expect("the watcher thread starts");
}

/// A closed stderr must not take the watcher down with it.
fn report(e: &golive::Error) {
    let _ = writeln!(std::io::stderr(), "change watcher: {e}");
}
