//! Launches and their items: creating, listing, progress and item status changes.

use serde_json::json;

use crate::audit;
use crate::checklist::item::{self, ItemView, SetItemStatus};
use crate::checklist::launch::{self, LaunchOverview, LaunchSummary, NewLaunch};
use crate::checklist::template::Template;
use crate::domain::{ItemStatus, Role};
use crate::error::{InvalidInput, Result};
use crate::signing::SignerKey;
use crate::signoff::signers;
use crate::signoff::statement::AuditHead;
use crate::signoff::waiver::{self, WaiverStatement};

use super::Workspace;

impl Workspace {
    pub fn create_launch(&mut self, new: &NewLaunch) -> Result<LaunchOverview> {
        let checked = launch::check(new)?;
        let available = self.templates()?;
        let mut chosen: Vec<&Template> = Vec::new();
        for id in &new.templates {
            let t = available.iter().find(|t| &t.id == id).ok_or_else(|| {
                let ids: Vec<&str> = available.iter().map(|t| t.id.as_str()).collect();
                InvalidInput::coded(
                    "unknown_template",
                    "templates",
                    format!("no template '{id}'; available: {}", ids.join(", ")),
                )
            })?;
            if !chosen.iter().any(|c| c.id == t.id) {
                chosen.push(t);
            }
        }
        let (at, actor) = (self.now(), self.actor.clone());
        let id = self.audited_at(&at, &actor, |tx| {
            let id = launch::slug_id(tx, &launch::id_source(&checked))?;
            launch::insert(tx, &id, &checked, &chosen, &at, &actor)?;
            tx.record(checked.environment, Some(&id), audit::Action::LaunchCreated, &format!("launch:{id}"), json!({
                        "name": checked.name,
                        "partner_id": checked.partner_id,
                        "product_surface": checked.product_surface.as_str(),
                        "templates": chosen.iter().map(|t| format!("{}@{}", t.id, t.version)).collect::<Vec<_>>(),
                    }))?;
            Ok(id)
        })?;
        self.launch_overview(&id)
    }

    pub fn launches(&self) -> Result<Vec<LaunchSummary>> {
        launch::list(self.store.conn())
    }

    pub fn launch_overview(&self, id: &str) -> Result<LaunchOverview> {
        launch::overview(self.store.conn(), id)
    }

    pub fn items(&self, launch_id: &str, role: Option<Role>) -> Result<Vec<ItemView>> {
        launch::exists(self.store.conn(), launch_id)?;
        item::list(self.store.conn(), launch_id, role)
    }

    /// Refuses to waive an item its template marks `waivable = false` (read from the template version the launch
    /// was created with: templates are immutable per version).
    fn refuse_unwaivable(&self, item_id: i64) -> Result<()> {
        let item = item::get(self.store.conn(), item_id)?;
        let overview = launch::overview(self.store.conn(), &item.launch_id)?;
        let Some(version) = overview
            .templates
            .iter()
            .find(|t| t.id == item.template_id)
            .map(|t| t.version)
        else {
            return Ok(());
        };
        let waivable = self
            .templates()?
            .iter()
            .filter(|t| t.id == item.template_id && t.version == version)
            .flat_map(|t| t.sections.iter().flat_map(|s| &s.items))
            .find(|i| i.key == item.key)
            .is_none_or(|i| i.waivable);
        if waivable {
            return Ok(());
        }
        Err(InvalidInput::coded(
            "not_waivable",
            "status",
            format!(
                "'{}' can never be waived: its template treats it as a check that prevents an incident; record \
                 the evidence it asks for",
                item.title
            ),
        )
        .into())
    }

    pub fn item(&self, id: i64) -> Result<ItemView> {
        item::get(self.store.conn(), id)
    }

    pub fn set_item_status(&mut self, change: &SetItemStatus) -> Result<ItemView> {
        self.change_item_status(change, None)
    }

    /// Marks done, in one step, every item a passing probe run attached evidence to and that is not done yet: the
    /// rule stays (each has accepted evidence: the run's), the person just does not click eighteen times. Returns the
    /// items it marked, in checklist order; nothing when the run attached nothing.
    pub fn mark_proven_done(&mut self, run_id: &str) -> Result<Vec<ItemView>> {
        let run = self.probe_run(run_id)?;
        let mut marked = Vec::new();
        let mut ids: Vec<i64> = run.evidence.iter().map(|e| e.item_id).collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            if self.item(id)?.status == ItemStatus::Done {
                continue;
            }
            marked.push(self.set_item_status(&SetItemStatus {
                item_id: id,
                status: ItemStatus::Done,
                reason: None,
            })?);
        }
        Ok(marked)
    }

    /// Waives an item with the role owner's signature: a statement about this item, its reason and the audit head,
    /// signed with `key`, which the launch must allow for the item's role. Only a signed waiver takes a blocking
    /// item out of the go / no-go rules; the signer is the principal the launch lists for the key.
    pub fn waive_signed(&mut self, change: &SetItemStatus, key: &SignerKey) -> Result<ItemView> {
        if change.status != ItemStatus::Waived {
            return Err(InvalidInput::coded(
                "not_a_waiver",
                "status",
                format!(
                    "a signature goes with a waiver, not with '{}'",
                    change.status.as_str()
                ),
            )
            .into());
        }
        self.change_item_status(change, Some(key))
    }

    fn change_item_status(
        &mut self,
        change: &SetItemStatus,
        key: Option<&SignerKey>,
    ) -> Result<ItemView> {
        if change.status == ItemStatus::Waived {
            self.refuse_unwaivable(change.item_id)?;
        }
        let (at, actor) = (self.now(), self.actor.clone());
        self.audited_at(&at, &actor, |tx| {
            let current = item::get(tx, change.item_id)?;
            let reason = item::check_status_change(tx, &current, change)?;
            let signed = match key {
                Some(key) => Some(signed_waiver(tx, &current, reason.as_deref(), key, &at)?),
                None => None,
            };
            let event_id =
                item::insert_status(tx, &current, change.status, reason.as_deref(), &actor, &at)?;
            if let Some((statement, signature)) = &signed {
                waiver::insert(
                    tx,
                    &waiver::NewWaiverSignature {
                        status_event_id: event_id,
                        statement,
                        public_key: &key.expect("signed with a key").public_key_openssh(),
                        signature,
                        at: &at,
                    },
                )?;
            }
            tx.record(
                current.environment,
                Some(&current.launch_id),
                audit::Action::ItemStatusSet,
                &format!("item:{}", current.id),
                json!({
                    "from": current.status.as_str(),
                    "to": change.status.as_str(),
                    "reason": reason,
                    "signed_by": signed.as_ref().map(|(st, _)| &st.signer),
                    "key": signed.as_ref().map(|(st, _)| &st.key_fingerprint),
                }),
            )?;
            Ok(())
        })?;
        self.item(change.item_id)
    }
}

/// The waiver statement for `item`, signed with `key`; refused before anything is written when the launch does not
/// allow the key for the item's role.
fn signed_waiver(
    conn: &rusqlite::Connection,
    item: &ItemView,
    reason: Option<&str>,
    key: &SignerKey,
    at: &str,
) -> Result<(WaiverStatement, String)> {
    let fingerprint = key.fingerprint();
    let entry = signers::find(conn, &item.launch_id, item.role, &fingerprint)?.ok_or_else(|| {
        InvalidInput::coded(
            "signer_not_allowed",
            "key",
            format!(
                "key {fingerprint} may not sign for {} on {}: a waiver is signed by the role's owner; the launch \
                 manager allows a key with `golive signers add {} --role {} --principal <name> --key <file.pub>`",
                item.role, item.launch_id, item.launch_id, item.role
            ),
        )
    })?;
    let (seq, hash) = audit::head(conn)?;
    let statement = WaiverStatement {
        kind: waiver::WAIVER_TYPE.into(),
        launch_id: item.launch_id.clone(),
        item_id: item.id,
        item: item.line(),
        item_title: item.title.clone(),
        role: item.role,
        reason: reason.unwrap_or_default().to_string(),
        audit_head: AuditHead { seq, hash },
        signer: entry.principal,
        key_fingerprint: fingerprint,
        signed_at: at.to_string(),
    };
    let signature = statement.sign(key)?;
    Ok((statement, signature))
}
