//! Signing commands: the keys a person has (and one made for them in one click), who may sign for each role,
//! signing a role's signoff, importing a slip signed elsewhere, and saving the packet signed.
//!
//! Failures carry the input they are about (`field`: `passphrase`, `signing_key`, `statement`, `principal` …, the
//! core's own [`golive::error::InvalidInput::field`]), so the screens can show each error at its field.
//!
//! Keys are loaded (and passphrases stretched, which takes a noticeable moment by design) on a blocking thread
//! without the workspace lock, so the window and the change watcher carry on meanwhile. A key file is checked
//! against the workspace's own files (by identity, without opening them) before it is read: opening and closing
//! the database's `-shm` in this process would drop its SQLite locks (see ARCHITECTURE.md).

use std::path::{Path, PathBuf};

use golive::checklist::input_file;
use golive::checklist::item::{ItemView, SetItemStatus};
use golive::error::ErrorPayload;
use golive::packet::export::SavedFiles;
use golive::signing::{self, Candidate, CandidateSource, KeyRequest, SignerKey};
use golive::signoff::signers::{NewSigner, SignerView};
use golive::signoff::statement::Slip;
use golive::signoff::{NewSignoff, RoleSignoff};
use golive::{Role, Workspace};
use serde::Serialize;
use tauri::State;

use crate::commands::{internal, AppState};

/// A failed command, with the input it is about when the core said.
#[derive(Debug, Serialize)]
pub struct FieldError {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<golive::Error> for FieldError {
    fn from(e: golive::Error) -> Self {
        let field = match &e {
            golive::Error::Invalid(invalid) => Some(invalid.field.to_string()),
            _ => None,
        };
        let ErrorPayload { code, message } = e.to_payload();
        FieldError {
            code,
            message,
            field,
        }
    }
}

impl From<ErrorPayload> for FieldError {
    fn from(p: ErrorPayload) -> Self {
        FieldError {
            code: p.code,
            message: p.message,
            field: None,
        }
    }
}

impl From<signing::SigningError> for FieldError {
    fn from(e: signing::SigningError) -> Self {
        golive::Error::Invalid(e.into()).into()
    }
}

pub type Answer<T> = Result<T, FieldError>;

/// Runs `f` on the workspace under its lock.
fn on_workspace<T>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&mut Workspace) -> golive::Result<T>,
) -> Answer<T> {
    let mut ws = state.workspace.lock().map_err(|_| {
        internal("the workspace is unavailable after an earlier failure; restart the app")
    })?;
    f(&mut ws).map_err(FieldError::from)
}

/// Runs key work (reading, decrypting, creating a key) on a blocking thread.
async fn off_thread<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, FieldError> + Send + 'static,
) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| {
        FieldError::from(internal(&format!("the key work stopped unexpectedly: {e}")))
    })?
}

/// Refuses a key file that is one of the workspace's own files (database, `-wal`, `-shm`, backups, attached files)
/// before anything opens it; anything else that is not a small regular file is refused too.
fn check_key_file(state: &State<'_, AppState>, path: &Path) -> Answer<()> {
    let own = on_workspace(state, |ws| Ok(ws.workspace_files()))?;
    input_file::open(path, 1024 * 1024, Some(&own))
        .map(drop)
        .map_err(|e| {
            golive::Error::Invalid(e.into_invalid(
                path,
                "key files",
                "signing_key",
                "key_unreadable",
            ))
            .into()
        })
}

/// Loads the key a screen chose, off the window's thread.
async fn load_key(state: &State<'_, AppState>, request: KeyRequest) -> Answer<SignerKey> {
    if let (Some(path), false) = (&request.file, request.agent) {
        check_key_file(state, Path::new(path))?;
    }
    off_thread(move || request.load().map_err(FieldError::from)).await
}

/// The signing keys this person has: Ed25519 keys in ssh-agent, `~/.ssh/id_ed25519` and golive's own key file.
/// Only public halves are read.
#[tauri::command]
pub async fn signing_keys() -> Answer<Vec<Candidate>> {
    off_thread(|| Ok(signing::discover())).await
}

/// A key file the person picked, described as [`signing_keys`] describes keys (nothing is decrypted): its
/// fingerprint, so the screen can say whose name a signoff will carry, and whether it needs a passphrase. A file
/// that is not a usable Ed25519 key is refused with the reason.
#[tauri::command]
pub async fn signing_key_file(state: State<'_, AppState>, path: String) -> Answer<Candidate> {
    let path = PathBuf::from(path);
    check_key_file(&state, &path)?;
    off_thread(move || {
        if let Some(found) = signing::discover_in(None, std::slice::from_ref(&path))
            .into_iter()
            .next()
        {
            return Ok(found);
        }
        // Not readable as an Ed25519 key file: loading it says why (unreadable, not a key, another key type).
        SignerKey::from_file(&path, None)
            .map_err(FieldError::from)
            .and_then(|key| candidate_of(&key, &path, false))
    })
    .await
}

/// Creates an Ed25519 signing key at golive's own key path (`signing/id_ed25519` in the app's config directory),
/// encrypted when a passphrase is given. Never overwrites: an existing key is refused, naming where it is.
#[tauri::command]
pub async fn create_signing_key(comment: String, passphrase: Option<String>) -> Answer<Candidate> {
    let path = signing::default_key_path().ok_or_else(|| FieldError {
        code: "no_key_path".into(),
        message: "this system names no home directory, so there is no place for a key of one's own; create one \
                  with `golive key create --path <file>` and pick that file"
            .into(),
        field: Some("signing_key".into()),
    })?;
    off_thread(move || {
        let passphrase = passphrase.filter(|p| !p.is_empty());
        let key = SignerKey::create(&path, comment.trim(), passphrase.as_deref())?;
        candidate_of(&key, &path, passphrase.is_some())
    })
    .await
}

fn candidate_of(key: &SignerKey, path: &Path, passphrase_protected: bool) -> Answer<Candidate> {
    Ok(Candidate {
        source: CandidateSource::File {
            path: path.to_path_buf(),
        },
        public_key: key.public_key_openssh(),
        fingerprint: key.fingerprint(),
        comment: key.comment().to_string(),
        passphrase_protected,
    })
}

/// The keys allowed to sign for each role of the launch.
#[tauri::command]
pub fn launch_signers(state: State<'_, AppState>, launch_id: String) -> Answer<Vec<SignerView>> {
    on_workspace(&state, |ws| ws.signers(&launch_id))
}

/// Allows a key to sign for a role, under the name its signoffs will carry.
#[tauri::command]
pub fn add_signer(state: State<'_, AppState>, signer: NewSigner) -> Answer<SignerView> {
    on_workspace(&state, |ws| ws.add_signer(&signer))
}

/// Stops a key from signing for a role; its signoffs for the role stop counting.
#[tauri::command]
pub fn remove_signer(
    state: State<'_, AppState>,
    launch_id: String,
    role: Role,
    fingerprint: String,
) -> Answer<()> {
    on_workspace(&state, |ws| {
        ws.remove_signer(&launch_id, role, &fingerprint)
    })
}

/// Signs a role's signoff with the chosen key (a key file, with its passphrase, or an ssh-agent key). The signer's
/// name is the principal the launch lists for the key; a key the launch does not allow for the role is refused.
#[tauri::command]
pub async fn sign(
    state: State<'_, AppState>,
    signoff: NewSignoff,
    key: KeyRequest,
) -> Answer<RoleSignoff> {
    let key = load_key(&state, key).await?;
    on_workspace(&state, |ws| ws.sign(&signoff, &key))
}

/// Waives an item signed with the chosen key: only a waiver signed by a key the launch allows for the item's role
/// takes a blocking item out of the go / no-go rules.
#[tauri::command]
pub async fn waive_signed(
    state: State<'_, AppState>,
    change: SetItemStatus,
    key: KeyRequest,
) -> Answer<ItemView> {
    let key = load_key(&state, key).await?;
    on_workspace(&state, |ws| ws.waive_signed(&change, &key))
}

/// Imports a signoff slip signed on another machine (`golive slip sign`): read through the same checks as every
/// picked file (never one of the workspace's own files, at most 256 KiB), then its signature, key and scope.
#[tauri::command]
pub fn import_slip(state: State<'_, AppState>, path: String) -> Answer<RoleSignoff> {
    on_workspace(&state, |ws| {
        let text = input_file::read_text(
            Path::new(&path),
            256 * 1024,
            "slips",
            Some(&ws.workspace_files()),
        )?;
        let slip = Slip::parse(&text)?;
        ws.import_slip(&slip)
    })
}

/// Saves the packet: JSON and / or PDF from one build, signed with `key` when given (`<json>.sig` beside the JSON).
#[tauri::command]
pub async fn save_packet(
    state: State<'_, AppState>,
    launch_id: String,
    json_path: Option<String>,
    pdf_path: Option<String>,
    key: Option<KeyRequest>,
) -> Answer<SavedFiles> {
    let key = match key {
        Some(request) => Some(load_key(&state, request).await?),
        None => None,
    };
    on_workspace(&state, |ws| {
        ws.save_packet(
            &launch_id,
            json_path.as_deref().map(Path::new),
            pdf_path.as_deref().map(Path::new),
            key.as_ref(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use golive::error::InvalidInput;

    #[test]
    fn an_input_error_keeps_its_field() {
        let e: FieldError = golive::Error::Invalid(InvalidInput::coded(
            "wrong_passphrase",
            "passphrase",
            "the passphrase is wrong",
        ))
        .into();
        assert_eq!(e.code, "wrong_passphrase");
        assert_eq!(e.field.as_deref(), Some("passphrase"));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["field"], "passphrase");

        let e: FieldError = golive::Error::not_found("launch", "acme").into();
        assert_eq!(e.code, "not_found");
        assert!(e.field.is_none());
        assert!(serde_json::to_value(&e).unwrap().get("field").is_none());
    }

    #[test]
    fn a_signing_error_says_which_input() {
        let e: FieldError = signing::SigningError::PassphraseRequired { path: "/k".into() }.into();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("passphrase_required", Some("passphrase"))
        );
    }
}
