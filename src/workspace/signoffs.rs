//! Role signoffs, the verdict over them, and recorded decisions.

use serde_json::json;

use crate::audit;
use crate::checklist::evidence;
use crate::checklist::launch;
use std::collections::BTreeSet;

use crate::checklist::text;
use crate::domain::{Role, Stage};
use crate::error::{Error, InvalidInput, Result};
use crate::signing::SignerKey;
use crate::signoff::signers::{self, NewSigner, SignerView};
use crate::signoff::statement::{AuditHead, SignoffStatement, Slip, STATEMENT_TYPE};
use crate::signoff::verdict::StageInput;
use crate::signoff::{
    self, Decision, DecisionRecord, Gate, NewDecision, NewSignoff, RoleSignoff, SignoffView,
    Verdict,
};

use super::Workspace;

impl Workspace {
    /// Each role's current signoff, stale ones marked.
    pub fn signoffs(&self, launch_id: &str) -> Result<Vec<RoleSignoff>> {
        launch::exists(self.store.conn(), launch_id)?;
        signoff::record::current(self.store.conn(), launch_id)
    }

    pub fn signoff_history(&self, launch_id: &str) -> Result<Vec<SignoffView>> {
        launch::exists(self.store.conn(), launch_id)?;
        signoff::record::history(self.store.conn(), launch_id)
    }

    /// Records a role's signoff, signed with `key`: a statement over the digest of the role's scope as it is now
    /// and the audit head, signed in this process. The signer is the principal the launch lists for the key; a key
    /// the launch does not allow for the role is refused before anything is written. Signing again renews
    /// (supersedes) the role's signoff.
    pub fn sign(&mut self, new: &NewSignoff, key: &SignerKey) -> Result<RoleSignoff> {
        let (statement_text, reason) = signoff::record::check(new)?;
        let at = self.now();
        let fingerprint = key.fingerprint();
        let conn = self.store.conn();
        launch::exists(conn, &new.launch_id)?;
        let entry = signers::find(conn, &new.launch_id, new.role, &fingerprint)?
            .ok_or_else(|| not_allowed(&fingerprint, new.role, &new.launch_id))?;
        let scope = signoff::scope::role_scope(conn, &new.launch_id, new.role)?;
        let (seq, hash) = audit::head(conn)?;
        let statement = SignoffStatement {
            kind: STATEMENT_TYPE.into(),
            launch_id: new.launch_id.clone(),
            role: new.role,
            decision: new.decision,
            statement: statement_text,
            reason,
            scope_digest: signoff::scope::digest(&scope),
            audit_head: AuditHead { seq, hash },
            signer: entry.principal,
            key_fingerprint: fingerprint,
            signed_at: at.clone(),
        };
        let signature = statement.sign(key)?;
        self.record_signed(
            &statement,
            &key.public_key_openssh(),
            &signature,
            "app",
            Some(&scope),
        )?;
        self.role_signoff(&new.launch_id, new.role)
    }

    /// Imports a slip signed on another machine: the signature must check out and the key be allowed for the role
    /// under the principal it names. A slip over a scope that has changed since is recorded, but shows as stale
    /// with what changed; a slip whose audit head is not in this workspace's log is refused.
    pub fn import_slip(&mut self, slip: &Slip) -> Result<RoleSignoff> {
        let st = &slip.statement;
        st.verify(&slip.signature)?;
        let conn = self.store.conn();
        launch::exists(conn, &st.launch_id)?;
        match signers::find(conn, &st.launch_id, st.role, &st.key_fingerprint)? {
            Some(entry) if entry.principal == st.signer => {}
            Some(entry) => {
                return Err(InvalidInput::coded(
                    "signer_mismatch",
                    "slip",
                    format!(
                        "the slip names {} as signer, but key {} is allowed for {} as {}",
                        st.signer, st.key_fingerprint, st.role, entry.principal
                    ),
                )
                .into())
            }
            None => return Err(not_allowed(&st.key_fingerprint, st.role, &st.launch_id).into()),
        }
        if !audit::has_head(conn, st.audit_head.seq, &st.audit_head.hash)? {
            return Err(InvalidInput::coded(
                "slip_foreign_head",
                "slip",
                format!(
                    "the slip was signed over audit event {} with hash {}, which this workspace's log does not \
                     have: it comes from another workspace, or this log was rewritten",
                    st.audit_head.seq, st.audit_head.hash
                ),
            )
            .into());
        }
        self.record_signed(st, &slip.public_key, &slip.signature, "slip", None)?;
        self.role_signoff(&st.launch_id, st.role)
    }

    fn record_signed(
        &mut self,
        statement: &SignoffStatement,
        public_key: &str,
        signature: &str,
        source: &str,
        scope: Option<&serde_json::Value>,
    ) -> Result<()> {
        let (at, actor) = (self.now(), self.actor.clone());
        let id = format!("so_{}", uuid::Uuid::now_v7().simple());
        let payload = serde_json::to_string(statement).expect("a statement serializes");
        self.audited_at(&at, &actor, |tx| {
            let environment = launch::environment(tx, &statement.launch_id)?;
            if let Some(scope) = scope {
                signoff::scope::snapshot(tx, &statement.launch_id, statement.role, scope, &at)?;
            }
            let previous =
                signoff::record::latest(tx, &statement.launch_id, statement.role)?.map(|s| s.id);
            let signed = signoff::record::Signed {
                statement,
                payload: &payload,
                public_key,
                signature,
                source,
            };
            signoff::record::insert(tx, &id, &signed, environment, &at, previous.as_deref())?;
            tx.record(
                environment,
                Some(&statement.launch_id),
                if previous.is_some() {
                    audit::Action::SignoffRenewed
                } else {
                    audit::Action::SignoffRecorded
                },
                &format!("signoff:{id}"),
                json!({
                    "role": statement.role.as_str(),
                    "signer": statement.signer,
                    "key": statement.key_fingerprint,
                    "source": source,
                    "decision": statement.decision.as_str(),
                    "reason": statement.reason,
                    "scope_digest": statement.scope_digest,
                    "audit_head": statement.audit_head.seq,
                    "supersedes": previous,
                }),
            )?;
            Ok(())
        })
    }

    fn role_signoff(&self, launch_id: &str, role: Role) -> Result<RoleSignoff> {
        Ok(self
            .signoffs(launch_id)?
            .into_iter()
            .find(|s| s.role == role)
            .expect("every role has a row"))
    }

    /// The keys allowed to sign for each role of a launch.
    pub fn signers(&self, launch_id: &str) -> Result<Vec<SignerView>> {
        launch::exists(self.store.conn(), launch_id)?;
        signers::current(self.store.conn(), launch_id)
    }

    /// Allows a key to sign for a role, under a principal (the name its signoffs will carry).
    pub fn add_signer(&mut self, new: &NewSigner) -> Result<SignerView> {
        let (principal, public_key, fingerprint) = signers::check(new)?;
        let (at, actor) = (self.now(), self.actor.clone());
        self.audited_at(&at, &actor, |tx| {
            let environment = launch::environment(tx, &new.launch_id)?;
            if signers::find(tx, &new.launch_id, new.role, &fingerprint)?.is_some() {
                return Err(InvalidInput::coded(
                    "signer_exists",
                    "public_key",
                    format!("key {fingerprint} is already allowed for {}", new.role),
                )
                .into());
            }
            let id = signers::insert(
                tx,
                &new.launch_id,
                new.role,
                &principal,
                &public_key,
                &fingerprint,
                None,
                &actor,
                &at,
                environment,
            )?;
            tx.record(
                environment,
                Some(&new.launch_id),
                audit::Action::SignerAllowed,
                &format!("signer:{id}"),
                json!({ "role": new.role.as_str(), "principal": principal, "key": fingerprint }),
            )?;
            Ok(())
        })?;
        signers::find(self.store.conn(), &new.launch_id, new.role, &fingerprint)?
            .ok_or_else(|| Error::not_found("signer", fingerprint))
    }

    /// Stops a key from signing for a role from now on. Signoffs it made stop counting too: the launch no longer
    /// vouches for the key.
    pub fn remove_signer(&mut self, launch_id: &str, role: Role, fingerprint: &str) -> Result<()> {
        let (at, actor) = (self.now(), self.actor.clone());
        self.audited_at(&at, &actor, |tx| {
            let environment = launch::environment(tx, launch_id)?;
            let entry = signers::find(tx, launch_id, role, fingerprint)?
                .ok_or_else(|| Error::not_found("signer key for this role", fingerprint))?;
            let id = signers::insert(
                tx,
                launch_id,
                role,
                &entry.principal,
                &entry.public_key,
                fingerprint,
                Some(entry.id),
                &actor,
                &at,
                environment,
            )?;
            tx.record(
                environment,
                Some(launch_id),
                audit::Action::SignerRemoved,
                &format!("signer:{id}"),
                json!({ "role": role.as_str(), "principal": entry.principal, "key": fingerprint }),
            )?;
            Ok(())
        })
    }

    /// The role's allowed keys as an OpenSSH `allowed_signers` file, for `ssh-keygen -Y verify -f`.
    pub fn allowed_signers_file(&self, launch_id: &str, role: Role) -> Result<String> {
        launch::exists(self.store.conn(), launch_id)?;
        let file = signers::allowed_signers(
            self.store.conn(),
            launch_id,
            Some(role),
            crate::signing::SIGNOFF_NAMESPACE,
        )?;
        Ok(file.to_text())
    }

    /// Go / no-go as the rules stand right now, with the default 24 h probe freshness window.
    pub fn verdict(&self, launch_id: &str) -> Result<Verdict> {
        Ok(self.gate(launch_id)?.verdict)
    }

    /// Each role's current signoff and the verdict over them, judged once for both, for the launch's next cutover
    /// stage.
    pub fn gate(&self, launch_id: &str) -> Result<Gate> {
        let cutover = self.cutover(launch_id)?;
        self.gate_over(launch_id, cutover.next, &cutover.decisions)
    }

    /// The gate for one cutover stage.
    pub fn gate_for(&self, launch_id: &str, stage: Stage) -> Result<Gate> {
        launch::exists(self.store.conn(), launch_id)?;
        let decisions = signoff::record::decisions(self.store.conn(), launch_id)?;
        self.gate_over(launch_id, stage, &decisions)
    }

    /// The gate for `stage`, with `decisions` as the launch's recorded decisions (read once by the caller).
    fn gate_over(
        &self,
        launch_id: &str,
        stage: Stage,
        decisions: &[DecisionRecord],
    ) -> Result<Gate> {
        let last_go = decisions
            .iter()
            .rev()
            .find(|d| d.decision == Decision::Go)
            .and_then(|d| {
                chrono::DateTime::parse_from_rfc3339(&d.decided_at)
                    .ok()
                    .map(|t| (d.stage, t.with_timezone(&chrono::Utc)))
            });
        let later_items: BTreeSet<String> = self
            .item_stages(launch_id)?
            .into_iter()
            .filter(|(_, s)| *s > stage)
            .map(|(line, _)| line)
            .collect();
        signoff::gather::gate(
            self.store.conn(),
            launch_id,
            &signoff::gather::Judging {
                now: self.clock.now(),
                freshness: chrono::Duration::hours(signoff::verdict::DEFAULT_PROBE_FRESHNESS_HOURS),
                stage: StageInput {
                    target: stage,
                    last_go,
                },
                later_items: &later_items,
            },
        )
    }

    /// Where the launch stands in the staged cutover: the stage it reached (its latest "go"), the stage decided
    /// next, and every decision so far.
    pub fn cutover(&self, launch_id: &str) -> Result<Cutover> {
        launch::exists(self.store.conn(), launch_id)?;
        let decisions = signoff::record::decisions(self.store.conn(), launch_id)?;
        let reached = signoff::record::stage_reached(&decisions);
        Ok(Cutover {
            reached,
            next: reached.map_or(Stage::LimitedTraffic, Stage::next),
            decisions,
        })
    }

    /// The cutover stage of each item of a later stage than the first, by `template/section/item` line, read from
    /// the template versions the launch was created with.
    fn item_stages(&self, launch_id: &str) -> Result<Vec<(String, Stage)>> {
        let overview = launch::overview(self.store.conn(), launch_id)?;
        let templates = self.templates()?;
        let mut out = Vec::new();
        for used in &overview.templates {
            for t in templates
                .iter()
                .filter(|t| t.id == used.id && t.version == used.version)
            {
                for section in &t.sections {
                    for item in section
                        .items
                        .iter()
                        .filter(|i| i.stage != Stage::LimitedTraffic)
                    {
                        out.push((format!("{}/{}/{}", t.id, section.key, item.key), item.stage));
                    }
                }
            }
        }
        Ok(out)
    }

    /// Records the launch manager's decision about the next cutover stage (a stage cannot be skipped; meaningful
    /// volume can be decided again for each limit increase). A "go" is refused while any of the stage's rules fails;
    /// a "no-go" is always allowed. A "go" to meaningful volume records the new limits and the review behind them.
    pub fn decide(&mut self, new: &NewDecision) -> Result<DecisionRecord> {
        let note = evidence::check_note(new.note.as_deref())?;
        let cutover = self.cutover(&new.launch_id)?;
        let next = cutover.next;
        let stage = new.stage.unwrap_or(next);
        if stage != next {
            return Err(InvalidInput::coded(
                "stage_out_of_order",
                "stage",
                format!(
                    "the next stage of this launch is {} ({}); stages are decided in order",
                    next,
                    next.title()
                ),
            )
            .into());
        }
        let limits = text::optional_single_line("limits", new.limits.as_deref(), 200)?;
        let review = text::optional_single_line("review", new.review.as_deref(), 500)?;
        if stage == Stage::FullVolume
            && new.decision == Decision::Go
            && (limits.is_none() || review.is_none())
        {
            return Err(InvalidInput::coded(
                "limits_review_required",
                if limits.is_none() { "limits" } else { "review" },
                "raising limits to meaningful volume is its own reviewed decision: give the new limits and the \
                 review behind them (a link or ticket id)"
                    .to_string(),
            )
            .into());
        }
        let verdict = self
            .gate_over(&new.launch_id, stage, &cutover.decisions)?
            .verdict;
        if new.decision == Decision::Go && !verdict.go {
            let reasons: Vec<String> = verdict.failing().map(|r| r.summary.clone()).collect();
            return Err(InvalidInput::coded(
                "go_refused",
                "decision",
                format!("go is refused while rules fail: {}", reasons.join("; ")),
            )
            .into());
        }
        let (at, actor) = (self.now(), self.actor.clone());
        let id = format!("dc_{}", uuid::Uuid::now_v7().simple());
        self.audited_at(&at, &actor, |tx| {
            let environment = launch::environment(tx, &new.launch_id)?;
            signoff::record::insert_decision(
                tx,
                &signoff::record::DecisionRow {
                    id: &id,
                    new,
                    stage,
                    note: note.as_deref(),
                    limits: limits.as_deref(),
                    review: review.as_deref(),
                    verdict: &verdict,
                },
                &actor,
                &at,
                environment,
            )?;
            tx.record(
                environment,
                Some(&new.launch_id),
                audit::Action::DecisionRecorded,
                &format!("decision:{id}"),
                json!({
                    "decision": new.decision.as_str(),
                    "stage": stage.as_str(),
                    "note": note,
                    "limits": limits,
                    "review": review,
                    "go_allowed": verdict.go,
                }),
            )?;
            Ok(())
        })?;
        Ok(
            signoff::record::latest_decision(self.store.conn(), &new.launch_id)?
                .expect("just recorded"),
        )
    }

    pub fn latest_decision(&self, launch_id: &str) -> Result<Option<DecisionRecord>> {
        signoff::record::latest_decision(self.store.conn(), launch_id)
    }
}

/// Where a launch stands in the staged cutover.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct Cutover {
    /// The furthest stage with a recorded "go"; none before the first.
    pub reached: Option<Stage>,
    /// The stage decided next.
    pub next: Stage,
    /// Every recorded decision, oldest first.
    pub decisions: Vec<DecisionRecord>,
}

fn not_allowed(fingerprint: &str, role: Role, launch_id: &str) -> InvalidInput {
    InvalidInput::coded(
        "signer_not_allowed",
        "key",
        format!(
            "key {fingerprint} is not allowed to sign for {role} on {launch_id}; the launch manager adds it with \
             `golive signers add {launch_id} --role {role} --principal <name> --key <file.pub>`"
        ),
    )
}
