//! TypeScript declarations for every type that crosses the desktop app's IPC boundary, generated from the Rust
//! types with `ts-rs` so the contract cannot drift. `ui/src/lib/bindings.ts` holds the output; a test fails when
//! it is stale (`UPDATE_BINDINGS=1 cargo test bindings` rewrites it).

use ts_rs::TS;

use crate::audit::rows::RowProblem;
use crate::audit::{AuditEvent, AuditVerification, BrokenLink};
use crate::checklist::evidence::{
    EvidenceKind, EvidenceRecord, EvidenceSpec, FileInfo, NewEvidence,
};
use crate::checklist::identifier::IdentifierType;
use crate::checklist::item::{ItemView, SetItemStatus};
use crate::checklist::launch::{
    LaunchOverview, LaunchSummary, LaunchTemplateRef, NewLaunch, ProductSurface, Progress,
    RoleOwner, RoleProgress, Targets,
};
use crate::checklist::template::{
    Section, Template, TemplateItem, TemplateOrigin, TemplateSummary,
};
use crate::domain::{Environment, ItemStatus, Role, Stage};
use crate::error::{ErrorPayload, TemplateProblem};
use crate::packet::escalation::{
    EscalationEnvironment, EscalationField, EscalationPacket, EscalationRequest, IdCandidate,
    IncidentScope, SeverityLevel,
};
use crate::packet::export::{ExportedPacket, SavedFiles};
use crate::packet::integrity::Verification;
use crate::packet::model::{
    Integrity, Packet, PacketCutover, PacketEvidence, PacketFile, PacketIdentifier, PacketItem,
    PacketKey, PacketLaunch, PacketProbeResult, PacketProbeRun, PacketProbeStep, PacketRole,
    PacketRollback, PacketRuleLine, PacketSigner, PacketSignoff, PacketStageDecision,
    PacketSupport, PacketTemplate, PacketThreshold, RedactionReport, Severity,
};
use crate::probe::keychain::KeychainBackend;
use crate::probe::pack::{PackSummary, StepSummary};
use crate::probe::result::{
    AssertionResult, AttachedEvidence, CapturedValue, Exchange, Outcome, ProbeProgress, ProbeRun,
    ProbeRunSummary, SensitiveConfirmation, StepResult,
};
use crate::probe::secrets::{KeyMode, SecretFingerprint, SecretSource};
use crate::redact::RedactionSummary;
use crate::signing::{Candidate, CandidateSource, KeyRequest};
use crate::signoff::signers::{NewSigner, SignerView};
use crate::signoff::statement::{AuditHead, SignoffStatement, Slip};
use crate::signoff::{
    Decision, DecisionRecord, Gate, NewDecision, NewSignoff, RoleSignoff, Rule, SignoffDecision,
    SignoffState, SignoffView, Verdict,
};
use crate::workspace::Cutover;
use crate::workspace::{AttachFile, ConfirmSensitive, ProbeRunRequest, SecretStatus};

macro_rules! declarations {
    ($($ty:ty),+ $(,)?) => {
        vec![$(format!("export {}", <$ty as TS>::decl())),+]
    };
}

pub fn typescript() -> String {
    let decls: Vec<String> = declarations![
        Environment,
        Role,
        Stage,
        ItemStatus,
        ErrorPayload,
        TemplateProblem,
        IdentifierType,
        EvidenceKind,
        EvidenceSpec,
        TemplateOrigin,
        TemplateItem,
        Section,
        Template,
        TemplateSummary,
        ProductSurface,
        Targets,
        RoleOwner,
        NewLaunch,
        Progress,
        LaunchSummary,
        LaunchTemplateRef,
        RoleProgress,
        ItemView,
        LaunchOverview,
        SetItemStatus,
        NewEvidence,
        AttachFile,
        FileInfo,
        EvidenceRecord,
        AuditEvent,
        BrokenLink,
        RowProblem,
        AuditVerification,
        KeyRequest,
        CandidateSource,
        Candidate,
        NewSigner,
        SignerView,
        AuditHead,
        SignoffStatement,
        Slip,
        SignoffDecision,
        NewSignoff,
        SignoffView,
        SignoffState,
        RoleSignoff,
        Gate,
        Rule,
        Verdict,
        Decision,
        NewDecision,
        DecisionRecord,
        Cutover,
        PacketCutover,
        PacketStageDecision,
        PacketTemplate,
        PacketLaunch,
        PacketSignoff,
        PacketKey,
        PacketSigner,
        PacketFile,
        PacketEvidence,
        PacketItem,
        PacketRole,
        PacketIdentifier,
        PacketProbeResult,
        PacketProbeStep,
        PacketProbeRun,
        PacketRuleLine,
        PacketRollback,
        PacketThreshold,
        Severity,
        PacketSupport,
        RedactionReport,
        Integrity,
        Packet,
        ExportedPacket,
        SavedFiles,
        Verification,
        RedactionSummary,
        SeverityLevel,
        EscalationRequest,
        EscalationEnvironment,
        IncidentScope,
        IdCandidate,
        EscalationField,
        EscalationPacket,
        StepSummary,
        PackSummary,
        ConfirmSensitive,
        ProbeRunRequest,
        Outcome,
        AssertionResult,
        CapturedValue,
        Exchange,
        StepResult,
        SensitiveConfirmation,
        AttachedEvidence,
        KeyMode,
        SecretSource,
        KeychainBackend,
        SecretFingerprint,
        SecretStatus,
        ProbeRun,
        ProbeRunSummary,
        ProbeProgress,
    ];
    let mut out = String::from(
        "// Generated from the Rust types by `cargo test bindings` (src/bindings.rs). Do not edit by hand.\n\n",
    );
    for d in decls {
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn bindings_file_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/lib/bindings.ts");
        let fresh = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
            std::fs::write(path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/lib/bindings.ts is out of date with the Rust types; run `UPDATE_BINDINGS=1 cargo test bindings`"
        );
    }
}
