//! Signed waivers. Waiving a blocking item takes it out of the go / no-go rules, so it is an act of the item's role
//! owner, not of whoever holds the workspace: the waiver carries a statement ("I, this key's principal, waive this
//! item of this launch for this reason, having seen the audit log up to head H") signed with a key the launch allows
//! for the item's role. An unsigned blocking waiver is kept (nothing is deleted) but does not count for "go".
//!
//! The statement is signed in the signoff namespace like a role signoff; its own type tag keeps one from ever being
//! read as the other.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::domain::Role;
use crate::error::{InvalidInput, Result};
use crate::signing::{SignerKey, Verified, SIGNOFF_NAMESPACE};
use crate::signoff::signers;
use crate::signoff::statement::{self, AuditHead};

/// The waiver statement's type tag: a different shape gets a new tag.
pub const WAIVER_TYPE: &str = "golive.waiver.v1";

/// What the role owner signs. Every field is covered by the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverStatement {
    #[serde(rename = "type")]
    pub kind: String,
    pub launch_id: String,
    pub item_id: i64,
    /// `template/section/item`: the checklist line, stable across workspaces.
    pub item: String,
    pub item_title: String,
    pub role: Role,
    pub reason: String,
    pub audit_head: AuditHead,
    /// The principal the launch lists for the key: the signer's name, never typed.
    pub signer: String,
    pub key_fingerprint: String,
    pub signed_at: String,
}

impl WaiverStatement {
    pub fn signed_bytes(&self) -> Vec<u8> {
        statement::canonical_bytes(self)
    }

    pub fn sign(&self, key: &SignerKey) -> Result<String, InvalidInput> {
        key.sign(SIGNOFF_NAMESPACE, &self.signed_bytes())
            .map_err(InvalidInput::from)
    }

    /// Checks `signature` over this statement, made by the key the statement names.
    pub fn verify(&self, signature: &str) -> Result<Verified, InvalidInput> {
        if self.kind != WAIVER_TYPE {
            return Err(InvalidInput::coded(
                "statement_unknown",
                "statement",
                format!("'{}' is not a waiver statement this build reads", self.kind),
            ));
        }
        statement::verify_by(signature, &self.signed_bytes(), &self.key_fingerprint)
    }
}

/// The item a waiver is about, as the workspace has it now.
pub struct WaivedItem<'a> {
    pub launch_id: &'a str,
    pub item_id: i64,
    pub item: &'a str,
    pub role: Role,
    pub reason: Option<&'a str>,
}

pub struct NewWaiverSignature<'a> {
    pub status_event_id: i64,
    pub statement: &'a WaiverStatement,
    pub public_key: &'a str,
    pub signature: &'a str,
    pub at: &'a str,
}

pub fn insert(conn: &Connection, new: &NewWaiverSignature<'_>) -> Result<()> {
    let payload = serde_json::to_string(new.statement).expect("a statement serializes");
    conn.prepare_cached(
        "INSERT INTO waiver_signatures (status_event_id, launch_id, item_id, payload, public_key, fingerprint,
                                        signature, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        new.status_event_id,
        new.statement.launch_id,
        new.statement.item_id,
        payload,
        new.public_key,
        new.statement.key_fingerprint,
        new.signature,
        new.at
    ])?;
    Ok(())
}

/// Whether the item's current waiver counts: it carries a statement about this very item, launch, role and reason,
/// the signature checks out, and the key is allowed for the role now under the principal it names. `Ok(signer)` or
/// `Err(why not)`, in words.
pub fn trust(conn: &Connection, waived: &WaivedItem<'_>) -> Result<Result<String, String>> {
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT w.payload, w.signature FROM waiver_signatures w
             WHERE w.status_event_id = (SELECT MAX(id) FROM item_status_events WHERE item_id = ?1)",
        )?
        .query_row([waived.item_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((payload, signature)) = row else {
        return Ok(Err(format!(
            "waived without the {} owner's signature; waive it again signed with a key the launch allows for {}",
            waived.role, waived.role
        )));
    };
    let st: WaiverStatement = match serde_json::from_str(&payload) {
        Ok(st) => st,
        Err(e) => return Ok(Err(format!("its signed waiver cannot be read: {e}"))),
    };
    let same = st.launch_id == waived.launch_id
        && st.item_id == waived.item_id
        && st.item == waived.item
        && st.role == waived.role
        && Some(st.reason.as_str()) == waived.reason;
    if !same {
        return Ok(Err(
            "the recorded waiver differs from the statement that was signed".into(),
        ));
    }
    if let Err(e) = st.verify(&signature) {
        return Ok(Err(format!(
            "its waiver signature does not check out: {}",
            e.message
        )));
    }
    Ok(
        match signers::find(conn, waived.launch_id, waived.role, &st.key_fingerprint)? {
            Some(entry) if entry.principal == st.signer => Ok(st.signer),
            Some(entry) => Err(format!(
                "the waiver's key is allowed for {} as {}, not as {}",
                waived.role, entry.principal, st.signer
            )),
            None => Err(format!(
                "the waiver was signed with key {}, which may not sign for {} on this launch",
                st.key_fingerprint, waived.role
            )),
        },
    )
}
