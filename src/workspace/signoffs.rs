//! Role signoffs, the verdict over them, and recorded decisions.

use serde_json::json;

use crate::audit::{self, NewAuditEvent};
use crate::checklist::evidence;
use crate::checklist::launch;
use crate::error::{InvalidInput, Result};
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

    /// Records a role's signoff over the digest of its scope as it is now. Signing again renews (supersedes) it.
    pub fn sign(&mut self, new: &NewSignoff) -> Result<RoleSignoff> {
        let (signer, statement, reason) = signoff::record::check(new)?;
        let (at, actor) = (self.now(), self.actor.clone());
        let id = format!("so_{}", uuid::Uuid::now_v7().simple());
        self.store.write(|tx| {
            let environment = launch::environment(tx, &new.launch_id)?;
            let digest = signoff::scope::role_digest(tx, &new.launch_id, new.role)?;
            let previous = signoff::record::latest(tx, &new.launch_id, new.role)?.map(|s| s.id);
            signoff::record::insert(
                tx,
                &id,
                new,
                &signer,
                &statement,
                reason.as_deref(),
                &digest,
                environment,
                &at,
                previous.as_deref(),
            )?;
            audit::append(
                tx,
                NewAuditEvent {
                    at: &at,
                    actor: &actor,
                    environment,
                    launch_id: Some(&new.launch_id),
                    action: if previous.is_some() {
                        "signoff.renewed"
                    } else {
                        "signoff.recorded"
                    },
                    subject: &format!("signoff:{id}"),
                    details: json!({
                        "role": new.role.as_str(),
                        "signer": signer,
                        "decision": new.decision.as_str(),
                        "reason": reason,
                        "scope_digest": digest,
                        "supersedes": previous,
                    }),
                },
            )?;
            Ok(())
        })?;
        let current = self.signoffs(&new.launch_id)?;
        Ok(current
            .into_iter()
            .find(|s| s.role == new.role)
            .expect("every role has a row"))
    }

    /// Go / no-go as the rules stand right now, with the default 24 h probe freshness window.
    pub fn verdict(&self, launch_id: &str) -> Result<Verdict> {
        Ok(self.gate(launch_id)?.verdict)
    }

    /// Each role's current signoff and the verdict over them, judged once for both.
    pub fn gate(&self, launch_id: &str) -> Result<Gate> {
        launch::exists(self.store.conn(), launch_id)?;
        signoff::gather::gate(
            self.store.conn(),
            launch_id,
            self.clock.now(),
            chrono::Duration::hours(signoff::verdict::DEFAULT_PROBE_FRESHNESS_HOURS),
        )
    }

    /// Records the launch manager's decision. A "go" is refused while any rule fails; a "no-go" is always allowed.
    pub fn decide(&mut self, new: &NewDecision) -> Result<DecisionRecord> {
        let note = evidence::check_note(new.note.as_deref())?;
        let verdict = self.verdict(&new.launch_id)?;
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
        self.store.write(|tx| {
            let environment = launch::environment(tx, &new.launch_id)?;
            signoff::record::insert_decision(tx, &id, new, note.as_deref(), &verdict, &actor, &at, environment)?;
            audit::append(
                tx,
                NewAuditEvent {
                    at: &at,
                    actor: &actor,
                    environment,
                    launch_id: Some(&new.launch_id),
                    action: "decision.recorded",
                    subject: &format!("decision:{id}"),
                    details: json!({ "decision": new.decision.as_str(), "note": note, "go_allowed": verdict.go }),
                },
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
