//! The packet (JSON and PDF) and support escalations: building, redacting, sealing and saving.

use std::path::Path;

use serde_json::json;

use crate::audit;
use crate::checklist::evidence;
use crate::checklist::launch;
use crate::domain::{Environment, Role};
use crate::error::{InvalidInput, Result};
use crate::packet::escalation::IdCandidate;
use crate::packet::model::PacketKey;
use crate::packet::{
    self,
    escalation::{EscalationPacket, EscalationRequest},
    export::{ExportedPacket, SavedFiles, StagedWrite},
};
use crate::probe;
use crate::redact::Redactor;
use crate::signing::{AllowedSigners, SignerKey};
use crate::signoff;
use crate::signoff::scope::FrozenScope;

use super::{Recorder, Workspace};

impl Workspace {
    /// The launch's redactor: the shared detectors plus its private terms.
    pub fn redactor(&self, launch_id: &str) -> Result<Redactor> {
        launch::exists(self.store.conn(), launch_id)?;
        Ok(Redactor::new(&launch::private_terms(
            self.store.conn(),
            launch_id,
        )?))
    }

    /// Builds, redacts and seals the signoff packet as it stands now. Nothing is written.
    pub fn export_packet(&self, launch_id: &str) -> Result<ExportedPacket> {
        self.export_packet_signed_by(launch_id, None)
    }

    /// The packet, naming `key` as the key that will sign its JSON.
    pub fn export_packet_signed_by(
        &self,
        launch_id: &str,
        key: Option<&SignerKey>,
    ) -> Result<ExportedPacket> {
        Ok(self.packet_with_scopes(launch_id, key)?.0)
    }

    /// The packet and each role's scope as it covers it: computed once, for the packet's digests and, when the
    /// packet is saved, as the snapshots a slip signed from it is later compared with.
    fn packet_with_scopes(
        &self,
        launch_id: &str,
        key: Option<&SignerKey>,
    ) -> Result<(ExportedPacket, Vec<(Role, FrozenScope)>)> {
        let gate = self.gate(launch_id)?;
        let conn = self.store.conn();
        let scopes = Role::ALL
            .iter()
            .map(|r| {
                let scope = signoff::scope::role_scope(conn, launch_id, *r)?;
                Ok((*r, FrozenScope::of(&scope)))
            })
            .collect::<Result<Vec<_>>>()?;
        let digests = scopes
            .iter()
            .map(|(r, scope)| (*r, scope.digest.clone()))
            .collect();
        let mut packet =
            packet::build::build(conn, launch_id, gate, &digests, &self.now(), &self.actor)?;
        packet.signed_by = key.map(|k| PacketKey {
            fingerprint: k.fingerprint(),
            public_key: k.public_key_openssh(),
        });
        let exported = packet::export::redact_and_seal(packet, &self.redactor(launch_id)?)?;
        Ok((exported, scopes))
    }

    /// The keys a packet of this launch may be signed by: the launch's allowed signers, for the packet namespace.
    pub fn packet_trust(&self, launch_id: &str) -> Result<AllowedSigners> {
        launch::exists(self.store.conn(), launch_id)?;
        signoff::signers::allowed_signers(
            self.store.conn(),
            launch_id,
            None,
            crate::signing::PACKET_NAMESPACE,
        )
    }

    /// Whether this workspace's audit log has the head a packet was sealed over.
    pub fn knows_audit_head(&self, seq: i64, hash: &str) -> Result<bool> {
        audit::has_head(self.store.conn(), seq, hash)
    }

    /// Writes the packet as JSON and / or PDF (both from the same sealed packet) and records the export, with its
    /// digest, in the audit log.
    pub fn save_packet(
        &mut self,
        launch_id: &str,
        json: Option<&Path>,
        pdf: Option<&Path>,
        key: Option<&SignerKey>,
    ) -> Result<SavedFiles> {
        if json.is_none() && pdf.is_none() {
            return Err(
                InvalidInput::new("path", "choose where to save the JSON or the PDF").into(),
            );
        }
        let (
            ExportedPacket {
                packet: exported,
                json: text,
            },
            scopes,
        ) = self.packet_with_scopes(launch_id, key)?;
        // Both files (and the signature) are staged, then put in place together: a crash never leaves a new JSON
        // beside an old PDF or an old signature.
        let mut out = StagedWrite::default();
        let mut signature_path = None;
        if let Some(path) = json {
            out.stage(path, text.as_bytes())?;
            if let Some(key) = key {
                let sig_path = packet::signature::signature_path(path);
                out.stage(
                    &sig_path,
                    packet::signature::sign(text.as_bytes(), key)?.as_bytes(),
                )?;
                signature_path = Some(sig_path.display().to_string());
            }
        }
        // The JSON text is on disk; let it go before the PDF layout needs its memory.
        drop(text);
        if let Some(path) = pdf {
            let bytes = packet::pdf::render(&exported)
                .map_err(|e| InvalidInput::coded("pdf_failed", "pdf", e.to_string()))?;
            out.stage(path, &bytes)?;
        }
        out.commit()?;
        let saved = SavedFiles {
            json_path: json.map(|p| p.display().to_string()),
            pdf_path: pdf.map(|p| p.display().to_string()),
            text_path: None,
            digest: exported.integrity.digest.clone(),
            signature_path,
            signed_by: exported.signed_by.as_ref().map(|k| k.fingerprint.clone()),
        };
        self.record_export(launch_id, audit::Action::PacketExported, &saved, &scopes)?;
        Ok(saved)
    }

    /// An escalation built from the launch's recorded ids, redacted like every export.
    /// The support-safe ids an escalation can be scoped to: recorded identifier and probe_run evidence, and the ids
    /// the launch's most recent probe runs saw, oldest first.
    pub fn escalation_candidates(&self, launch_id: &str) -> Result<Vec<IdCandidate>> {
        let conn = self.store.conn();
        let evidence = evidence::list_for_launch(conn, launch_id)?;
        let runs =
            probe::proved::Proved::of(conn, launch_id).recent_run_ids(MAX_ESCALATION_RUNS)?;
        Ok(packet::escalation::candidates(&evidence, &runs))
    }

    pub fn escalation(&self, request: &EscalationRequest) -> Result<EscalationPacket> {
        let overview = launch::overview(self.store.conn(), &request.launch_id)?;
        let candidates = self.escalation_candidates(&request.launch_id)?;
        let mut support: Vec<String> = Vec::new();
        for id in &overview.summary.templates {
            if let Some(address) = self.template(id)?.support {
                if !support.contains(&address) {
                    support.push(address);
                }
            }
        }
        let built = packet::escalation::build(request, &overview, &candidates, &support)?;
        // The support path is published, not personal: it stays readable in the escalation.
        let redactor = support
            .iter()
            .fold(self.redactor(&request.launch_id)?, |r, a| {
                r.allow(a.clone())
            });
        Ok(packet::export::redact_escalation(built, &redactor).0)
    }

    pub fn save_escalation(
        &mut self,
        request: &EscalationRequest,
        json: Option<&Path>,
        pdf: Option<&Path>,
        text: Option<&Path>,
    ) -> Result<SavedFiles> {
        let escalation = self.escalation(request)?;
        let json_text =
            serde_json::to_string_pretty(&escalation).expect("an escalation serializes") + "\n";
        let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(json_text.as_bytes()));
        // Staged, then put in place together, like a packet's files.
        let mut out = StagedWrite::default();
        if let Some(path) = json {
            out.stage(path, json_text.as_bytes())?;
        }
        if let Some(path) = pdf {
            let bytes = packet::pdf::render_escalation(&escalation)
                .map_err(|e| InvalidInput::coded("pdf_failed", "pdf", e.to_string()))?;
            out.stage(path, &bytes)?;
        }
        if let Some(path) = text {
            out.stage(path, escalation.body.as_bytes())?;
        }
        out.commit()?;
        let saved = SavedFiles {
            json_path: json.map(|p| p.display().to_string()),
            pdf_path: pdf.map(|p| p.display().to_string()),
            text_path: text.map(|p| p.display().to_string()),
            digest,
            signature_path: None,
            signed_by: None,
        };
        self.record_export(
            &request.launch_id,
            audit::Action::EscalationExported,
            &saved,
            &[],
        )?;
        Ok(saved)
    }

    /// Records an export, keeping each role's scope as exported (`scopes`, none for an escalation) so a slip signed
    /// from the packet can later say what changed since.
    fn record_export(
        &mut self,
        launch_id: &str,
        action: audit::Action,
        saved: &SavedFiles,
        scopes: &[(Role, FrozenScope)],
    ) -> Result<()> {
        let details = json!({
            "digest": saved.digest,
            "json": saved.json_path.is_some(),
            "pdf": saved.pdf_path.is_some(),
            "text": saved.text_path.is_some(),
            "signed_by": saved.signed_by,
        });
        self.launch_event(launch_id, None, action, details, |tx| {
            for (role, scope) in scopes {
                signoff::scope::keep(tx, launch_id, *role, scope, tx.at)?;
            }
            Ok(())
        })
    }

    /// Appends an audit event about a launch that changes nothing else. Without an `environment` the event is
    /// filed under the launch's current one.
    pub(super) fn append_launch_event(
        &mut self,
        launch_id: &str,
        environment: Option<Environment>,
        action: audit::Action,
        details: serde_json::Value,
    ) -> Result<()> {
        self.launch_event(launch_id, environment, action, details, |_| Ok(()))
    }

    /// An event about a launch, after `before` has written whatever rows it vouches for.
    fn launch_event(
        &mut self,
        launch_id: &str,
        environment: Option<Environment>,
        action: audit::Action,
        details: serde_json::Value,
        before: impl FnOnce(&Recorder<'_, '_>) -> Result<()>,
    ) -> Result<()> {
        self.audited(|tx| {
            let environment = match environment {
                Some(environment) => environment,
                None => launch::environment(tx, launch_id)?,
            };
            before(tx)?;
            tx.record(
                environment,
                Some(launch_id),
                action,
                &format!("launch:{launch_id}"),
                details,
            )?;
            Ok(())
        })
    }
}

/// How many of a launch's most recent probe runs an escalation can pick ids from: an incident is recent, and each
/// run's report is read whole.
const MAX_ESCALATION_RUNS: usize = 100;
