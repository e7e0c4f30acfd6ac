//! A signoff statement built from an exported packet, on a role owner's own machine, without the workspace: the
//! packet's role section is the scope they reviewed, its integrity block the audit head, its signer list their
//! name. The packet must be intact first: a statement over an altered packet would sign what nobody exported.

use serde_json::Value;

use crate::domain::Role;
use crate::error::InvalidInput;
use crate::signing::SignerKey;
use crate::signoff::record::{self, NewSignoff};
use crate::signoff::statement::{AuditHead, SignoffStatement, STATEMENT_TYPE};
use crate::signoff::SignoffDecision;

#[allow(clippy::too_many_arguments)]
pub fn statement(
    packet: &[u8],
    role: Role,
    decision: SignoffDecision,
    statement: &str,
    reason: Option<&str>,
    key: &SignerKey,
    now: &str,
) -> Result<SignoffStatement, InvalidInput> {
    let check = crate::packet::integrity::verify(packet);
    if !check.intact {
        return Err(InvalidInput::coded(
            "packet_altered",
            "packet",
            "the packet does not verify (`golive verify` says where); sign only a packet as it was exported",
        ));
    }
    let doc: Value = serde_json::from_slice(packet).map_err(|e| {
        InvalidInput::coded("packet_invalid", "packet", format!("not a packet: {e}"))
    })?;
    let missing = |what: &str| {
        InvalidInput::coded(
            "packet_invalid",
            "packet",
            format!("the packet has no {what}; export it again with this version of golive"),
        )
    };
    let launch_id = doc["launch"]["id"]
        .as_str()
        .ok_or_else(|| missing("launch id"))?;
    let scope_digest = doc["roles"]
        .as_array()
        .and_then(|roles| roles.iter().find(|r| r["role"] == role.as_str()))
        .and_then(|r| r["scope_digest"].as_str())
        .ok_or_else(|| missing(&format!("{role} section with a scope digest")))?;
    let seq = doc["integrity"]["audit_head_seq"]
        .as_i64()
        .ok_or_else(|| missing("audit head"))?;
    let hash = doc["integrity"]["audit_head_hash"]
        .as_str()
        .ok_or_else(|| missing("audit head"))?;
    let fingerprint = key.fingerprint();
    let principal = doc["signers"]
        .as_array()
        .and_then(|list| {
            list.iter().find(|s| s["role"] == role.as_str() && s["fingerprint"] == fingerprint.as_str())
        })
        .and_then(|s| s["principal"].as_str())
        .ok_or_else(|| {
            InvalidInput::coded(
                "signer_not_allowed",
                "key",
                format!(
                    "key {fingerprint} is not listed for {role} in this packet; send your public key to the \
                     launch manager (`golive signers add`) and sign a packet exported after that"
                ),
            )
        })?;
    let (statement, reason) = record::check(&NewSignoff {
        launch_id: launch_id.to_string(),
        role,
        statement: statement.to_string(),
        decision,
        reason: reason.map(str::to_string),
    })?;
    Ok(SignoffStatement {
        kind: STATEMENT_TYPE.into(),
        launch_id: launch_id.to_string(),
        role,
        decision,
        statement,
        reason,
        scope_digest: scope_digest.to_string(),
        audit_head: AuditHead {
            seq,
            hash: hash.to_string(),
        },
        signer: principal.to_string(),
        key_fingerprint: fingerprint,
        signed_at: now.to_string(),
    })
}
