//! Tells the UI when the database changed, whoever changed it. Every change appends an audit event, so the audit
//! head is a change counter; a second connection polls it (a cheap primary-key lookup) and emits `db-changed`.
//! Polling the file, rather than hooking our own writes, is what catches the `golive` CLI writing beside us.

use std::path::PathBuf;
use std::time::Duration;

use golive::Workspace;
use tauri::{AppHandle, Emitter};

const POLL_EVERY: Duration = Duration::from_millis(400);

pub fn start(app: AppHandle, db: PathBuf, actor: String) {
    std::thread::Builder::new()
        .name("db-watcher".into())
        .spawn(move || {
            let ws = match Workspace::open(&db, &actor) {
                Ok(ws) => ws,
                Err(e) => {
                    eprintln!("change watcher disabled: {e}");
                    return;
                }
            };
            let mut last = ws.change_counter().unwrap_or(0);
            loop {
                std::thread::sleep(POLL_EVERY);
                match ws.change_counter() {
                    Ok(now) if now != last => {
                        last = now;
                        let _ = app.emit("db-changed", now);
                    }
                    Ok(_) => {}
                    Err(e) => eprintln!("change watcher: {e}"),
                }
            }
        })
        .expect("the watcher thread starts");
}
