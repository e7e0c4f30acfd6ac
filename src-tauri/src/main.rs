//! The Go-Live Signoff desktop shell: opens the workspace, registers the commands and starts the change watcher.
//! Every rule lives in the `golive` core; this crate only adapts it to Tauri. The same binary, started with
//! `--file-dialog`, is the short-lived child that shows a native file dialog for the app (see `dialogs.rs`).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod dialogs;
mod probe_commands;
mod signing_commands;
mod watcher;

use std::path::PathBuf;
use std::sync::Mutex;

use golive::Workspace;

fn main() {
    // A dialog child, before anything else: it must never open the workspace, and it exits when the dialog closes.
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|a| a == dialogs::CHILD_FLAG) {
        dialogs::child_main(args.next());
    }

    let db: PathBuf = std::env::var_os("GOLIVE_DB")
        .map(PathBuf::from)
        .unwrap_or_else(golive::store::default_db_path);
    let actor = std::env::var("GOLIVE_ACTOR")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "operator".into());
    // Commands run on the window's thread: wait briefly for another writer, then answer `database_busy`, which the
    // UI shows as a wait and retries (ui/src/lib/busy.ts) rather than freezing the window for a long import.
    golive::store::busy::set_limit(std::time::Duration::from_secs(2));
    let workspace = match Workspace::open(&db, &actor) {
        Ok(ws) => ws,
        Err(e) => {
            // Refuse to start on a database we must not touch (for instance one from a newer build).
            eprintln!("error[{}]: {e}", e.code());
            std::process::exit(1);
        }
    };

    tauri::Builder::default()
        .manage(commands::AppState {
            workspace: Mutex::new(workspace),
        })
        .manage(probe_commands::SessionSecrets::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::check_workspace_locks,
            dialogs::pick_files,
            dialogs::pick_save_path,
            commands::list_templates,
            commands::list_launches,
            commands::create_launch,
            commands::launch_overview,
            commands::role_items,
            commands::item_evidence,
            commands::add_evidence,
            commands::attach_file,
            commands::set_item_status,
            commands::audit_events,
            commands::verify_audit,
            commands::launch_gate,
            commands::signoff_history,
            signing_commands::sign,
            signing_commands::waive_signed,
            commands::decide,
            commands::latest_decision,
            commands::preview_packet,
            signing_commands::save_packet,
            signing_commands::signing_keys,
            signing_commands::signing_key_file,
            signing_commands::create_signing_key,
            signing_commands::launch_signers,
            signing_commands::add_signer,
            signing_commands::remove_signer,
            signing_commands::import_slip,
            commands::escalation_candidates,
            commands::mark_proven_done,
            commands::keychain_backend,
            commands::cutover,
            commands::build_escalation,
            commands::save_escalation,
            probe_commands::probe_packs,
            probe_commands::probe_pack_file,
            probe_commands::probe_vars,
            probe_commands::set_probe_var,
            probe_commands::probe_secrets,
            probe_commands::set_session_secret,
            probe_commands::save_keychain_secret,
            probe_commands::forget_keychain_secret,
            probe_commands::run_probes,
            probe_commands::probe_runs,
            probe_commands::probe_run,
        ])
        .setup(move |app| {
            watcher::start(app.handle().clone());
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the desktop app failed to start");
}
