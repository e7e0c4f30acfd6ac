//! One-line adapters from IPC to the core. No rules here: each command locks the workspace, calls one method and
//! maps the error to its stable `{code, message}` payload.

use std::path::Path;
use std::sync::Mutex;

use golive::audit::{AuditEvent, AuditVerification};
use golive::checklist::evidence::{EvidenceRecord, NewEvidence};
use golive::checklist::item::{ItemView, SetItemStatus};
use golive::checklist::launch::{LaunchOverview, LaunchSummary, NewLaunch};
use golive::checklist::template::TemplateSummary;
use golive::error::ErrorPayload;
use golive::packet::escalation::{EscalationPacket, EscalationRequest, IdCandidate};
use golive::packet::export::{ExportedPacket, SavedFiles};
use golive::signoff::{DecisionRecord, Gate, NewDecision, SignoffView};
use golive::workspace::AttachFile;
use golive::{Role, Workspace};
use serde::Serialize;
use tauri::State;

pub struct AppState {
    pub workspace: Mutex<Workspace>,
}

pub(crate) type Reply<T> = Result<T, ErrorPayload>;

pub(crate) fn internal(message: &str) -> ErrorPayload {
    ErrorPayload {
        code: "internal".into(),
        message: message.into(),
    }
}

/// Runs `f` on the workspace under its lock, with a failure turned into what the screen shows.
pub(crate) fn with<T>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&mut Workspace) -> golive::Result<T>,
) -> Reply<T> {
    let mut ws = state.workspace.lock().map_err(|_| {
        internal("the workspace is unavailable after an earlier failure; restart the app")
    })?;
    f(&mut ws).map_err(|e| e.to_payload())
}

/// Takes back this process's SQLite locks if something dropped them; the UI calls it after every file dialog
/// (see `ui/src/lib/dialogs.ts`). Answers whether the connection had to be reopened.
#[tauri::command]
pub fn check_workspace_locks(state: State<'_, AppState>) -> Reply<bool> {
    with(&state, |ws| ws.ensure_locks())
}

#[derive(Serialize)]
pub struct AppInfo {
    db_path: String,
    actor: String,
    /// Where "Create my signing key" puts the key (`None` when the system names no home directory).
    signing_key_path: Option<String>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Reply<AppInfo> {
    with(&state, |ws| {
        Ok(AppInfo {
            db_path: ws.db_path().display().to_string(),
            actor: ws.actor().to_string(),
            signing_key_path: golive::signing::default_key_path().map(|p| p.display().to_string()),
        })
    })
}

#[tauri::command]
pub fn list_templates(state: State<'_, AppState>) -> Reply<Vec<TemplateSummary>> {
    with(&state, |ws| ws.template_summaries())
}

#[tauri::command]
pub fn list_launches(state: State<'_, AppState>) -> Reply<Vec<LaunchSummary>> {
    with(&state, |ws| ws.launches())
}

#[tauri::command]
pub fn create_launch(state: State<'_, AppState>, launch: NewLaunch) -> Reply<LaunchOverview> {
    with(&state, |ws| ws.create_launch(&launch))
}

#[tauri::command]
pub fn launch_overview(state: State<'_, AppState>, id: String) -> Reply<LaunchOverview> {
    with(&state, |ws| ws.launch_overview(&id))
}

#[tauri::command]
pub fn role_items(
    state: State<'_, AppState>,
    launch_id: String,
    role: Option<Role>,
) -> Reply<Vec<ItemView>> {
    with(&state, |ws| ws.items(&launch_id, role))
}

#[tauri::command]
pub fn item_evidence(state: State<'_, AppState>, item_id: i64) -> Reply<Vec<EvidenceRecord>> {
    with(&state, |ws| ws.item_evidence(item_id))
}

#[tauri::command]
pub fn add_evidence(state: State<'_, AppState>, evidence: NewEvidence) -> Reply<EvidenceRecord> {
    with(&state, |ws| ws.add_evidence(&evidence))
}

#[tauri::command]
pub fn attach_file(state: State<'_, AppState>, attach: AttachFile) -> Reply<EvidenceRecord> {
    with(&state, |ws| ws.attach_file(&attach))
}

#[tauri::command]
pub fn set_item_status(state: State<'_, AppState>, change: SetItemStatus) -> Reply<ItemView> {
    with(&state, |ws| ws.set_item_status(&change))
}

#[tauri::command]
pub fn audit_events(
    state: State<'_, AppState>,
    launch_id: Option<String>,
    limit: Option<i64>,
) -> Reply<Vec<AuditEvent>> {
    with(&state, |ws| {
        ws.audit_events(launch_id.as_deref(), limit.unwrap_or(50).clamp(1, 1_000))
    })
}

#[tauri::command]
pub fn verify_audit(state: State<'_, AppState>) -> Reply<AuditVerification> {
    with(&state, |ws| ws.verify_audit())
}

#[tauri::command]
pub fn signoff_history(state: State<'_, AppState>, launch_id: String) -> Reply<Vec<SignoffView>> {
    with(&state, |ws| ws.signoff_history(&launch_id))
}

/// Signoffs and verdict together, as the overview shows them (each role's scope is hashed once for both).
#[tauri::command]
pub fn launch_gate(state: State<'_, AppState>, launch_id: String) -> Reply<Gate> {
    with(&state, |ws| ws.gate(&launch_id))
}

#[tauri::command]
pub fn decide(state: State<'_, AppState>, decision: NewDecision) -> Reply<DecisionRecord> {
    with(&state, |ws| ws.decide(&decision))
}

#[tauri::command]
pub fn latest_decision(
    state: State<'_, AppState>,
    launch_id: String,
) -> Reply<Option<DecisionRecord>> {
    with(&state, |ws| ws.latest_decision(&launch_id))
}

#[tauri::command]
pub fn preview_packet(state: State<'_, AppState>, launch_id: String) -> Reply<ExportedPacket> {
    with(&state, |ws| ws.export_packet(&launch_id))
}

/// The support-safe ids an escalation can be scoped to: the incident picker's list.
/// Where kept probe secrets live on this machine, and whether they survive a restart.
#[tauri::command]
pub fn keychain_backend() -> golive::probe::keychain::KeychainBackend {
    golive::probe::keychain::backend()
}

/// Marks done every item a passing probe run proved and that is not done yet (each has the run's evidence).
#[tauri::command]
pub fn mark_proven_done(state: State<'_, AppState>, run_id: String) -> Reply<Vec<ItemView>> {
    with(&state, |ws| ws.mark_proven_done(&run_id))
}

/// Where the launch stands in the staged cutover.
#[tauri::command]
pub fn cutover(state: State<'_, AppState>, launch_id: String) -> Reply<golive::workspace::Cutover> {
    with(&state, |ws| ws.cutover(&launch_id))
}

#[tauri::command]
pub fn escalation_candidates(
    state: State<'_, AppState>,
    launch_id: String,
) -> Reply<Vec<IdCandidate>> {
    with(&state, |ws| ws.escalation_candidates(&launch_id))
}

#[tauri::command]
pub fn build_escalation(
    state: State<'_, AppState>,
    request: EscalationRequest,
) -> Reply<EscalationPacket> {
    with(&state, |ws| ws.escalation(&request))
}

#[tauri::command]
pub fn save_escalation(
    state: State<'_, AppState>,
    request: EscalationRequest,
    json_path: Option<String>,
    pdf_path: Option<String>,
    text_path: Option<String>,
) -> Reply<SavedFiles> {
    with(&state, |ws| {
        ws.save_escalation(
            &request,
            json_path.as_deref().map(Path::new),
            pdf_path.as_deref().map(Path::new),
            text_path.as_deref().map(Path::new),
        )
    })
}
