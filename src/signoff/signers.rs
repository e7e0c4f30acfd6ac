//! Who may sign for a role: the SSH keys a launch lists per role, like git's `allowed_signers`. The list is
//! append-only; removing a key appends a row that revokes the one that added it, so the history of who was allowed
//! when stays readable and audited.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checklist::text;
use crate::domain::{Environment, Role};
use crate::error::{InvalidInput, Result};
use crate::signing::{AllowedSigner, AllowedSigners};

/// A key to allow for a role.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewSigner {
    pub launch_id: String,
    pub role: Role,
    /// Who the key belongs to, as signoffs will name them: `zoe.kowalski` or `zoe@finance.example`.
    pub principal: String,
    /// The public key line, `ssh-ed25519 AAAA… comment`, as in a `.pub` file.
    pub public_key: String,
}

/// A key allowed to sign for a role, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SignerView {
    #[ts(type = "number")]
    pub id: i64,
    pub role: Role,
    pub principal: String,
    pub public_key: String,
    pub fingerprint: String,
    pub added_by: String,
    pub added_at: String,
}

/// Checks a new signer: a principal OpenSSH can match (no spaces or commas), and an Ed25519 public key.
/// Returns the principal and the key's line and fingerprint.
pub fn check(new: &NewSigner) -> Result<(String, String, String), InvalidInput> {
    let principal = text::single_line("principal", &new.principal, 120)?;
    // OpenSSH reads a principal list as comma-separated patterns; a name with spaces is quoted in the file.
    if principal
        .chars()
        .any(|c| matches!(c, ',' | '"' | '*' | '?' | '!'))
    {
        return Err(InvalidInput::coded(
            "invalid_principal",
            "principal",
            "a principal is a name without commas, quotes or wildcards, like Zoë Kowalski or zoe@finance.example",
        ));
    }
    let line = AllowedSigner::new([principal.as_str()], new.public_key.trim())
        .map_err(InvalidInput::from)?;
    let public_key = line.public_key_openssh();
    let fingerprint = line.fingerprint();
    Ok((principal, public_key, fingerprint))
}

#[allow(clippy::too_many_arguments)]
pub fn insert(
    conn: &Connection,
    launch_id: &str,
    role: Role,
    principal: &str,
    public_key: &str,
    fingerprint: &str,
    revokes: Option<i64>,
    actor: &str,
    at: &str,
    environment: Environment,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO launch_signers (launch_id, role, principal, public_key, fingerprint, revokes, actor, at,
                                     environment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        launch_id,
        role.as_str(),
        principal,
        public_key,
        fingerprint,
        revokes,
        actor,
        at,
        environment.as_str()
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The keys allowed for each role now: every added key that no later row revokes.
pub fn current(conn: &Connection, launch_id: &str) -> Result<Vec<SignerView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.role, s.principal, s.public_key, s.fingerprint, s.actor, s.at FROM launch_signers s
         WHERE s.launch_id = ?1 AND s.revokes IS NULL
           AND NOT EXISTS (SELECT 1 FROM launch_signers r WHERE r.revokes = s.id)
         ORDER BY s.role, s.id",
    )?;
    let rows = stmt.query_map([launch_id], |r| {
        crate::store::decode::in_table("launch_signers", r, |r| {
            Ok(SignerView {
                id: r.get(0)?,
                role: r.get(1)?,
                principal: r.get(2)?,
                public_key: r.get(3)?,
                fingerprint: r.get(4)?,
                added_by: r.get(5)?,
                added_at: r.get(6)?,
            })
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// The current entry for `fingerprint` on `role`, if the key is allowed.
pub fn find(
    conn: &Connection,
    launch_id: &str,
    role: Role,
    fingerprint: &str,
) -> Result<Option<SignerView>> {
    Ok(current(conn, launch_id)?
        .into_iter()
        .find(|s| s.role == role && s.fingerprint == fingerprint))
}

/// The launch's allowed keys, of one role or of all, as an `allowed_signers` file for `namespace`: what
/// `ssh-keygen -Y verify -f` reads. A role's file checks signoffs; every role's, for the packet namespace, checks
/// who may sign a packet.
pub fn allowed_signers(
    conn: &Connection,
    launch_id: &str,
    role: Option<Role>,
    namespace: &str,
) -> Result<AllowedSigners> {
    let mut file = AllowedSigners::new();
    for s in current(conn, launch_id)?
        .into_iter()
        .filter(|s| role.is_none_or(|r| s.role == r))
    {
        let line = AllowedSigner::new([s.principal.as_str()], &s.public_key)
            .and_then(|l| l.with_namespaces([namespace]))
            .map_err(InvalidInput::from)?;
        file.push(line);
    }
    Ok(file)
}
