//! Launches and their items: creating, listing, progress and item status changes.

use serde_json::json;

use crate::audit;
use crate::checklist::item::{self, ItemView, SetItemStatus};
use crate::checklist::launch::{self, LaunchOverview, LaunchSummary, NewLaunch};
use crate::checklist::template::Template;
use crate::domain::Role;
use crate::error::{InvalidInput, Result};

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
        if change.status == crate::domain::ItemStatus::Waived {
            self.refuse_unwaivable(change.item_id)?;
        }
        let (at, actor) = (self.now(), self.actor.clone());
        self.audited_at(&at, &actor, |tx| {
            let current = item::get(tx, change.item_id)?;
            let reason = item::check_status_change(tx, &current, change)?;
            item::insert_status(tx, &current, change.status, reason.as_deref(), &actor, &at)?;
            tx.record(
                current.environment,
                Some(&current.launch_id),
                audit::Action::ItemStatusSet,
                &format!("item:{}", current.id),
                json!({
                    "from": current.status.as_str(),
                    "to": change.status.as_str(),
                    "reason": reason,
                }),
            )?;
            Ok(())
        })?;
        self.item(change.item_id)
    }
}
