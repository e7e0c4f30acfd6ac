//! The support-safe escalation model from seed 003: severities, the partner-side runbook, and what to include or
//! never include. Packets and escalations quote it; nothing here is launch-specific.

use crate::packet::model::Severity;

pub const SUPPORT_PATH: &str = "support@0bit.io, with redacted identifiers only";

pub fn severity_model() -> Vec<Severity> {
    let s = |level: &str, name: &str, use_when: &str, data: &[&str]| Severity {
        level: level.into(),
        name: name.into(),
        use_when: use_when.into(),
        first_response_data: data.iter().map(|d| d.to_string()).collect(),
    };
    let s1_data = [
        "environment",
        "partner id or account name",
        "affected route",
        "first seen time",
        "request ids",
        "session ids",
        "event ids",
    ];
    let mut s2_data = s1_data.to_vec();
    s2_data.extend([
        "affected count",
        "timestamp window",
        "retry behavior",
        "current partner-side state",
    ]);
    vec![
        s(
            "S1",
            "production stopped",
            "Live checkout, ramp, webhook intake, or reconciliation is unavailable for a production partner",
            &s1_data,
        ),
        s(
            "S2",
            "degraded production",
            "Some users or regions are affected, or webhook delivery is delayed but recoverable",
            &s2_data,
        ),
        s(
            "S3",
            "integration blocked",
            "Sandbox setup, allowed origin, API auth, idempotency, SDK, or webhook verification blocks launch",
            &["code path", "endpoint", "SDK version", "request id", "sanitized error code/message", "environment"],
        ),
        s(
            "S4",
            "documentation/product question",
            "A partner needs clarification before implementation",
            &["page URL", "question", "desired product surface", "approval for 0Pools/0Base/0Link"],
        ),
    ]
}

pub const RUNBOOK: &[&str] = &[
    "Confirm the environment and key mode match.",
    "Check the API response status, request id, and machine-readable error code.",
    "Check whether the webhook endpoint received a signed event.",
    "Verify raw-body signature handling before assuming delivery failure.",
    "Retrieve current product state from the API where supported.",
    "Compare partner order state against session/event state.",
    "Escalate with support-safe identifiers only.",
];

pub const INCLUDE: &[&str] = &[
    "Environment: sandbox, production, or local development.",
    "Product surface: 0Gate, 0Pools, 0Base, 0Link, 0Pools Scan, or API reference.",
    "Request id, session id, transaction/reference id, webhook event id, and timestamp window.",
    "SDK package and version, if an SDK is involved.",
    "The public docs URL being followed.",
    "A sanitized reproduction with fake keys and fake user data.",
];

pub const NEVER_INCLUDE: &[&str] = &[
    "sk_* secret keys, whsec_* webhook secrets, private keys, tokens, passwords, or signing material.",
    "Raw PII, KYC/KYB documents, full customer payloads, bank details, or wallet private keys.",
    "Provider names, treasury instructions, liquidity source details, internal routing decisions, or incident runbooks.",
    "Screenshots that show secrets, customer data, or internal dashboards.",
];
