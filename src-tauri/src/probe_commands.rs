//! Probe commands. A run is prepared under the workspace lock, executed with the lock released (so the rest of
//! the app stays responsive while requests are in flight, with each step's progress emitted as an event), then
//! recorded under the lock again. Session secrets live only in this process's memory.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use golive::error::ErrorPayload;
use golive::probe::{
    PackSummary, ProbeProgress, ProbeRun, ProbeRunSummary, SecretFingerprint, SecretSource,
    SecretValue, Secrets,
};
use golive::workspace::{execute_prepared, PackChoice, ProbeRunRequest, SecretStatus};
use golive::Environment;
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};

use crate::commands::{internal, with, AppState, Reply};

/// The event each step's start and end is emitted as, for the probes screen's live list.
pub const PROBE_PROGRESS: &str = "probe-progress";

/// Secrets typed into the app for this session only: by launch, environment and name.
#[derive(Default)]
pub struct SessionSecrets(Mutex<HashMap<(String, Environment, String), SecretValue>>);

impl SessionSecrets {
    fn for_run(&self, launch: &str, environment: Environment) -> Secrets {
        let mut secrets = Secrets::default();
        for ((l, e, name), value) in self.0.lock().expect("session secrets").iter() {
            if l == launch && *e == environment {
                secrets.insert(name, value.clone(), SecretSource::Session);
            }
        }
        secrets
    }
}

/// A pack file of the user's own, validated, as the screen lists it (its steps, variables and secrets).
#[tauri::command]
pub fn probe_pack_file(path: String) -> Reply<PackSummary> {
    golive::Workspace::validate_probe_pack_file(std::path::Path::new(&path))
        .map(|pack| pack.summary())
        .map_err(|e| e.to_payload())
}

#[tauri::command]
pub fn probe_packs(state: State<'_, AppState>, launch_id: String) -> Reply<Vec<PackSummary>> {
    with(&state, |ws| ws.probe_packs_for_launch(&launch_id))
}

#[tauri::command]
pub fn probe_vars(
    state: State<'_, AppState>,
    launch_id: String,
    pack_id: String,
    pack_file: Option<String>,
) -> Reply<BTreeMap<String, String>> {
    let choice = PackChoice::of(&pack_id, pack_file.as_deref());
    with(&state, |ws| ws.probe_vars(&launch_id, choice))
}

#[tauri::command]
pub fn set_probe_var(
    state: State<'_, AppState>,
    launch_id: String,
    pack_id: String,
    pack_file: Option<String>,
    name: String,
    value: String,
) -> Reply<BTreeMap<String, String>> {
    let choice = PackChoice::of(&pack_id, pack_file.as_deref());
    with(&state, |ws| {
        ws.set_probe_var(&launch_id, choice, &name, &value)?;
        ws.probe_vars(&launch_id, choice)
    })
}

/// Where each of the pack's secrets would come from in a run now: fingerprints, never values.
#[tauri::command]
pub fn probe_secrets(
    state: State<'_, AppState>,
    sessions: State<'_, SessionSecrets>,
    launch_id: String,
    pack_id: String,
    pack_file: Option<String>,
    environment: Environment,
) -> Reply<Vec<SecretStatus>> {
    let session = sessions.for_run(&launch_id, environment);
    let choice = PackChoice::of(&pack_id, pack_file.as_deref());
    with(&state, |ws| {
        ws.probe_secret_status(&launch_id, choice, environment, &session)
    })
}

/// Keeps a secret in the OS keychain for this launch and environment (later runs, and the CLI, find it there).
#[tauri::command]
pub fn save_keychain_secret(
    state: State<'_, AppState>,
    launch_id: String,
    environment: Environment,
    name: String,
    value: String,
    pack_file: Option<String>,
) -> Reply<SecretFingerprint> {
    with(&state, |ws| {
        ws.store_probe_secret(
            &launch_id,
            environment,
            &name,
            SecretValue::new(value.trim()),
            pack_file.as_deref().map(std::path::Path::new),
        )
    })
}

#[tauri::command]
pub fn forget_keychain_secret(
    state: State<'_, AppState>,
    launch_id: String,
    environment: Environment,
    name: String,
    pack_file: Option<String>,
) -> Reply<()> {
    let pack_file = pack_file.as_deref().map(std::path::Path::new);
    with(&state, |ws| {
        ws.forget_probe_secret(&launch_id, environment, &name, pack_file)
    })
}

#[tauri::command]
pub fn set_session_secret(
    sessions: State<'_, SessionSecrets>,
    launch_id: String,
    environment: Environment,
    name: String,
    value: String,
) -> Reply<SecretFingerprint> {
    let value = value.trim().to_string();
    if value.is_empty() {
        sessions
            .0
            .lock()
            .expect("session secrets")
            .remove(&(launch_id, environment, name.clone()));
        return Err(ErrorPayload {
            code: "invalid_input".into(),
            message: format!("{name}: cleared; enter a value to use one for this session"),
        });
    }
    let fingerprint = golive::probe::secrets::fingerprint(&name, &value, SecretSource::Session);
    sessions
        .0
        .lock()
        .expect("session secrets")
        .insert((launch_id, environment, name), SecretValue::new(value));
    Ok(fingerprint)
}

#[derive(Clone, Serialize)]
struct ProgressEvent {
    launch_id: String,
    progress: ProbeProgress,
}

#[tauri::command]
pub async fn run_probes(
    app: AppHandle,
    state: State<'_, AppState>,
    sessions: State<'_, SessionSecrets>,
    request: ProbeRunRequest,
) -> Reply<ProbeRun> {
    let secrets = sessions.for_run(&request.launch_id, request.environment);
    let prepared = with(&state, |ws| ws.prepare_probe_run(&request, secrets))?;
    let launch_id = request.launch_id.clone();
    // What the live list shows goes through the run's scrubber first, as everything the run stores does.
    let scrubber = with(&state, |ws| {
        Ok(golive::probe::record::RunScrubber::new(
            ws.redactor(&request.launch_id)?,
            &prepared.input.secrets,
        ))
    })?;
    let sink = {
        let app = app.clone();
        Arc::new(move |progress: ProbeProgress| {
            let _ = app.emit(
                PROBE_PROGRESS,
                ProgressEvent {
                    launch_id: launch_id.clone(),
                    progress: scrubber.progress(progress),
                },
            );
        })
    };
    // The run owns a runtime of its own; a plain thread keeps it clear of Tauri's.
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let outcome = execute_prepared(&prepared, sink);
        let _ = tx.send((prepared, outcome));
    });
    let (prepared, outcome) = rx
        .await
        .map_err(|_| internal("the probe run stopped unexpectedly"))?;
    let (steps, started_at, duration_ms) = outcome.map_err(|e| e.to_payload())?;
    with(&state, |ws| {
        ws.record_probe_run(prepared, steps, started_at, duration_ms)
    })
}

#[tauri::command]
pub fn probe_runs(state: State<'_, AppState>, launch_id: String) -> Reply<Vec<ProbeRunSummary>> {
    with(&state, |ws| ws.probe_runs(&launch_id))
}

#[tauri::command]
pub fn probe_run(state: State<'_, AppState>, run_id: String) -> Reply<ProbeRun> {
    with(&state, |ws| ws.probe_run(&run_id))
}
