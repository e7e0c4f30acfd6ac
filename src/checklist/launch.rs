//! Launches: what is going live, for which partner, against which targets, with which templates and owners.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checklist::item::{self, ItemView};
use crate::checklist::template::Template;
use crate::checklist::text;
use crate::domain::{Environment, ItemStatus, Role};
use crate::error::{Error, InvalidInput, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum ProductSurface {
    #[serde(rename = "0gate")]
    ZeroGate,
    #[serde(rename = "0pools")]
    ZeroPools,
    #[serde(rename = "0base")]
    ZeroBase,
    #[serde(rename = "0link")]
    ZeroLink,
    #[serde(rename = "conomy")]
    Conomy,
    #[serde(rename = "custom")]
    Custom,
}

crate::domain::word_enum!(ProductSurface, "invalid_input", "product_surface", "a product surface", {
    ZeroGate => "0gate",
    ZeroPools => "0pools",
    ZeroBase => "0base",
    ZeroLink => "0link",
    Conomy => "conomy",
    Custom => "custom",
});

/// Where the provider API and the partner's webhook endpoint live in one environment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct Targets {
    #[serde(default)]
    pub api_base_url: Option<String>,
    #[serde(default)]
    pub webhook_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoleOwner {
    pub role: Role,
    pub owner: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewLaunch {
    pub name: String,
    pub partner_id: String,
    pub product_surface: ProductSurface,
    /// Where the launch is going; almost always live.
    #[serde(default = "default_environment")]
    pub environment: Environment,
    pub templates: Vec<String>,
    #[serde(default)]
    pub sandbox: Targets,
    #[serde(default)]
    pub live: Targets,
    #[serde(default)]
    pub owners: Vec<RoleOwner>,
    #[serde(default)]
    pub private_terms: Vec<String>,
}

fn default_environment() -> Environment {
    Environment::Live
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct Progress {
    pub total: u32,
    pub done: u32,
    pub waived: u32,
    pub open: u32,
    pub blocked: u32,
    pub failed: u32,
    /// Blocking items that are neither done nor waived.
    pub blocking_remaining: u32,
    /// Done or waived, as a whole percentage of all items.
    pub percent: u32,
}

impl Progress {
    fn count(&mut self, status: ItemStatus, blocking: bool, n: u32) {
        self.total += n;
        match status {
            ItemStatus::Done => self.done += n,
            ItemStatus::Waived => self.waived += n,
            ItemStatus::Open => self.open += n,
            ItemStatus::Blocked => self.blocked += n,
            ItemStatus::Failed => self.failed += n,
        }
        if still_blocks(status, blocking) {
            self.blocking_remaining += n;
        }
        self.percent = percent_of(self.done + self.waived, self.total);
    }
}

/// A whole percentage; 0 of 0 is 0%.
fn percent_of(part: u32, total: u32) -> u32 {
    (part * 100).checked_div(total).unwrap_or(0)
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LaunchSummary {
    pub id: String,
    pub name: String,
    pub partner_id: String,
    pub product_surface: ProductSurface,
    pub environment: Environment,
    pub created_at: String,
    pub created_by: String,
    pub templates: Vec<String>,
    pub progress: Progress,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LaunchTemplateRef {
    pub id: String,
    pub version: u32,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RoleProgress {
    pub role: Role,
    pub owner: Option<String>,
    pub progress: Progress,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LaunchOverview {
    pub summary: LaunchSummary,
    pub sandbox: Targets,
    pub live: Targets,
    pub owners: Vec<RoleOwner>,
    pub private_terms: Vec<String>,
    pub templates: Vec<LaunchTemplateRef>,
    pub roles: Vec<RoleProgress>,
    /// Blocking items that are neither done nor waived, in checklist order.
    pub blockers: Vec<ItemView>,
}

/// A launch's input after every check, ready to store.
pub struct CheckedLaunch {
    pub name: String,
    pub partner_id: String,
    pub product_surface: ProductSurface,
    pub environment: Environment,
    pub sandbox: Targets,
    pub live: Targets,
    pub owners: BTreeMap<Role, String>,
    pub private_terms: Vec<String>,
}

const MAX_NAME_CHARS: usize = 120;
const MAX_TERM_CHARS: usize = 200;
const MAX_URL_CHARS: usize = 2_048;

/// Checks everything about a new launch except whether its templates exist (the caller resolves those).
pub fn check(new: &NewLaunch) -> Result<CheckedLaunch, InvalidInput> {
    let name = text::single_line("name", &new.name, MAX_NAME_CHARS)?;
    let partner_id = crate::checklist::identifier::check(
        crate::checklist::identifier::IdentifierType::PartnerId,
        &new.partner_id,
        new.environment,
    )
    .map_err(|e| InvalidInput::coded(e.code, "partner_id", e.message))?;
    if new.templates.is_empty() {
        return Err(InvalidInput::new(
            "templates",
            "choose at least one template",
        ));
    }
    let sandbox = check_targets(&new.sandbox, Environment::Sandbox)?;
    let live = check_targets(&new.live, Environment::Live)?;
    check_live_is_not_sandbox(&sandbox, &live)?;
    let mut owners = BTreeMap::new();
    for o in &new.owners {
        if o.owner.trim().is_empty() {
            continue;
        }
        let handle = text::team_handle("owner", &o.owner)?;
        if owners.insert(o.role, handle).is_some() {
            return Err(InvalidInput::new(
                "owners",
                format!("{} has two owners; name one", o.role),
            ));
        }
    }
    let mut private_terms: Vec<String> = Vec::new();
    for term in &new.private_terms {
        // The same checks and normalisation as the redactor's matching (text::term_spellings), so a stored term
        // always matches what it looks like.
        let term = text::checked("private_terms", term, MAX_TERM_CHARS, false)?;
        if term.chars().count() < 3 && !term.is_empty() {
            return Err(InvalidInput::new(
                "private_terms",
                format!("'{term}' is too short to redact safely; private terms are at least 3 characters"),
            ));
        }
        if !term.is_empty() && !private_terms.contains(&term) {
            private_terms.push(term);
        }
    }
    Ok(CheckedLaunch {
        name,
        partner_id,
        product_surface: new.product_surface,
        environment: new.environment,
        sandbox,
        live,
        owners,
        private_terms,
    })
}

/// Sandbox and live are told apart by where they point, not only by what they are called: a live target may not be
/// the sandbox target itself, nor a URL whose host or path names a sandbox (`…/sandbox`, as Conomy's sandbox is
/// `https://api.conomyhq.com/sandbox`; `sandbox.` or `api-sandbox.` hosts). Evidence from such a "live" target
/// would be sandbox evidence counted as live.
fn check_live_is_not_sandbox(sandbox: &Targets, live: &Targets) -> Result<(), InvalidInput> {
    let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => a
            .trim_end_matches('/')
            .eq_ignore_ascii_case(b.trim_end_matches('/')),
        _ => false,
    };
    for (field, s, l) in [
        (
            "live_api_base_url",
            &sandbox.api_base_url,
            &live.api_base_url,
        ),
        ("live_webhook_url", &sandbox.webhook_url, &live.webhook_url),
    ] {
        if same(s, l) {
            return Err(InvalidInput::coded(
                "live_target_is_sandbox",
                field,
                "is the same URL as the sandbox target; live evidence must come from the production endpoint",
            ));
        }
        if let Some(url) = l.as_deref().and_then(|u| url::Url::parse(u).ok()) {
            let host_says = url.host_str().is_some_and(|h| {
                h.split(['.', '-'])
                    .any(|w| matches!(w.to_ascii_lowercase().as_str(), "sandbox" | "sbx"))
            });
            let path_says = url.path_segments().is_some_and(|mut segments| {
                segments.any(|p| matches!(p.to_ascii_lowercase().as_str(), "sandbox" | "sbx"))
            });
            if host_says || path_says {
                return Err(InvalidInput::coded(
                    "live_target_is_sandbox",
                    field,
                    format!(
                        "points at a sandbox (its {} says so); give the production endpoint for live",
                        if host_says { "host" } else { "path" }
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_targets(t: &Targets, env: Environment) -> Result<Targets, InvalidInput> {
    Ok(Targets {
        api_base_url: check_url("api_base_url", t.api_base_url.as_deref(), env)?,
        webhook_url: check_url("webhook_url", t.webhook_url.as_deref(), env)?,
    })
}

/// Target URLs: live ones must be HTTPS; none may carry credentials or secrets.
pub fn check_url(
    field: &'static str,
    value: Option<&str>,
    env: Environment,
) -> Result<Option<String>, InvalidInput> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    // Before any message quotes the value: it must not carry control characters to a terminal.
    text::refuse_hidden(field, value, text::Lines::One)?;
    if value.chars().count() > MAX_URL_CHARS {
        return Err(InvalidInput::coded(
            text::TOO_LONG,
            field,
            format!("is longer than {MAX_URL_CHARS} characters"),
        ));
    }
    let url = url::Url::parse(value)
        .map_err(|e| InvalidInput::new(field, format!("{env} '{value}' is not a URL: {e}")))?;
    match (env, url.scheme()) {
        (_, "https") => {}
        (Environment::Sandbox, "http") => {}
        (Environment::Live, "http") => {
            return Err(InvalidInput::coded(
                "https_required",
                field,
                format!("live {field} must use HTTPS, not http: {value}"),
            ))
        }
        (_, other) => {
            return Err(InvalidInput::new(
                field,
                format!("use an https URL, not {other}:"),
            ))
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(InvalidInput::coded(
            "credentials_in_url",
            field,
            "carries credentials (user:password@); keys come from the keychain or the environment, never the URL",
        ));
    }
    text::refuse_secrets(field, value)?;
    Ok(Some(value.to_string()))
}

/// The text a launch's id is slugged from: its name without anything the export redacts from the name (secrets,
/// personal and account data, the launch's private terms). The id is quoted as it is — in packets, signed
/// statements and file names — so it must never carry what the name's redaction removes: a name `Refund to
/// NL91 ABNA …` gives `refund-to`, not an id spelling the IBAN.
pub fn id_source(launch: &CheckedLaunch) -> String {
    let redactor = crate::redact::Redactor::new(&launch.private_terms);
    let mut out = String::with_capacity(launch.name.len());
    let mut at = 0;
    for f in redactor.scan(&launch.name) {
        out.push_str(&launch.name[at..f.start]);
        out.push(' ');
        at = f.end;
    }
    out.push_str(&launch.name[at..]);
    out
}

/// A readable, unique launch id from its name: `Acme EUR/USDT` → `acme-eur-usdt`, then `-2`, `-3` …
pub fn slug_id(conn: &Connection, name: &str) -> Result<String> {
    let mut base = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            base.push(c.to_ascii_lowercase());
        } else if !base.ends_with('-') && !base.is_empty() {
            base.push('-');
        }
    }
    let base = base
        .trim_end_matches('-')
        .chars()
        .take(48)
        .collect::<String>();
    let base = if base.is_empty() {
        "launch".to_string()
    } else {
        base
    };
    let mut candidate = base.clone();
    let mut n = 1;
    while conn
        .prepare_cached("SELECT 1 FROM launches WHERE id = ?1")?
        .query_row([&candidate], |_| Ok(()))
        .optional()?
        .is_some()
    {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    Ok(candidate)
}

pub fn insert(
    conn: &Connection,
    id: &str,
    launch: &CheckedLaunch,
    templates: &[&Template],
    at: &str,
    actor: &str,
) -> Result<()> {
    let env = launch.environment.as_str();
    conn.prepare_cached("INSERT INTO launches (id, name, partner_id, product_surface, environment, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?
        .execute(params![id, launch.name, launch.partner_id, launch.product_surface.as_str(), env, at, actor],
    )?;
    for (target_env, targets) in [
        (Environment::Sandbox, &launch.sandbox),
        (Environment::Live, &launch.live),
    ] {
        conn.prepare_cached("INSERT INTO launch_targets (launch_id, environment, api_base_url, webhook_url) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id, target_env.as_str(), targets.api_base_url, targets.webhook_url],
        )?;
    }
    for (role, owner) in &launch.owners {
        conn.prepare_cached("INSERT INTO launch_owners (launch_id, role, owner, environment) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id, role.as_str(), owner, env],
        )?;
    }
    for term in &launch.private_terms {
        conn.prepare_cached(
            "INSERT INTO launch_private_terms (launch_id, term, environment) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, term, env])?;
    }
    let mut position = 0i64;
    let mut insert_item = conn.prepare_cached(
        "INSERT INTO items (launch_id, template_id, section_key, section_title, item_key, title, guidance, role,
                            blocking, environment, evidence_kinds, position, fills)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for t in templates {
        conn.prepare_cached("INSERT INTO launch_templates (launch_id, template_id, template_version, template_sha256, environment)
             VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, t.id, t.version, t.sha256, env],
        )?;
        for (section, item) in t.items() {
            position += 1;
            let kinds = serde_json::to_string(&item.evidence).expect("evidence specs serialize");
            let fills = serde_json::to_string(&item.fills).expect("field names serialize");
            insert_item.execute(params![
                id,
                t.id,
                section.key,
                section.title,
                item.key,
                item.title,
                item.guidance,
                item.role.as_str(),
                item.blocking,
                item.environment.as_str(),
                kinds,
                position,
                fills
            ])?;
        }
    }
    Ok(())
}

/// Progress for one launch, per role (every role present, even with no items).
/// A blocking item holds the launch back until it is done or waived.
fn still_blocks(status: ItemStatus, blocking: bool) -> bool {
    blocking && !matches!(status, ItemStatus::Done | ItemStatus::Waived)
}

/// Every role, with nothing counted yet.
fn no_progress() -> BTreeMap<Role, Progress> {
    Role::ALL
        .iter()
        .map(|r| (*r, Progress::default()))
        .collect()
}

pub fn progress_by_role(conn: &Connection, launch_id: &str) -> Result<BTreeMap<Role, Progress>> {
    let mut by_role = no_progress();
    let mut stmt = conn.prepare_cached(
        "SELECT i.role, s.status, i.blocking, COUNT(*) FROM items i JOIN item_current_status s ON s.item_id = i.id
         WHERE i.launch_id = ?1 GROUP BY i.role, s.status, i.blocking",
    )?;
    let rows = stmt.query_map([launch_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, bool>(2)?,
            r.get::<_, u32>(3)?,
        ))
    })?;
    for row in rows {
        let (role, status, blocking, n) = row?;
        let (Ok(role), Ok(status)) = (role.parse::<Role>(), status.parse::<ItemStatus>()) else {
            continue;
        };
        by_role.entry(role).or_default().count(status, blocking, n);
    }
    Ok(by_role)
}

fn total(by_role: &BTreeMap<Role, Progress>) -> Progress {
    let mut all = Progress::default();
    for p in by_role.values() {
        all.total += p.total;
        all.done += p.done;
        all.waived += p.waived;
        all.open += p.open;
        all.blocked += p.blocked;
        all.failed += p.failed;
        all.blocking_remaining += p.blocking_remaining;
    }
    all.percent = percent_of(all.done + all.waived, all.total);
    all
}

fn summary_row(conn: &Connection, id: &str) -> Result<LaunchSummary> {
    summary_with(conn, id, total(&progress_by_role(conn, id)?))
}

/// A launch's summary row, with its progress already counted.
fn summary_with(conn: &Connection, id: &str, progress: Progress) -> Result<LaunchSummary> {
    let row = conn
        .prepare_cached("SELECT id, name, partner_id, product_surface, environment, created_at, created_by FROM launches WHERE id = ?1")?
        .query_row([id], |r| {
            crate::store::decode::in_table("launches", r, |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, ProductSurface>(3)?,
                    r.get::<_, Environment>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("launch", id))?;
    let mut stmt = conn
        .prepare("SELECT template_id FROM launch_templates WHERE launch_id = ?1 ORDER BY rowid")?;
    let templates = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(LaunchSummary {
        id: row.0,
        name: row.1,
        partner_id: row.2,
        product_surface: row.3,
        environment: row.4,
        created_at: row.5,
        created_by: row.6,
        templates,
        progress,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<LaunchSummary>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM launches ORDER BY created_at DESC, id")?;
    let ids = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    ids.iter().map(|id| summary_row(conn, id)).collect()
}

/// The environment a launch is going to.
pub fn environment(conn: &Connection, id: &str) -> Result<Environment> {
    conn.prepare_cached("SELECT id, environment FROM launches WHERE id = ?1")?
        .query_row([id], |r| {
            crate::store::decode::in_table("launches", r, |r| r.get(1))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("launch", id))
}

pub fn exists(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("SELECT 1 FROM launches WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .ok_or_else(|| Error::not_found("launch", id))
}

pub fn overview(conn: &Connection, id: &str) -> Result<LaunchOverview> {
    let by_role = progress_by_role(conn, id)?;
    assemble_overview(conn, id, by_role, item::blockers(conn, id)?)
}

/// The overview of a launch whose items (all of them, in checklist order) the caller has already read: progress
/// and blockers are counted from them instead of being queried again.
pub fn overview_from_items(
    conn: &Connection,
    id: &str,
    items: &[ItemView],
) -> Result<LaunchOverview> {
    let mut by_role = no_progress();
    for i in items {
        by_role
            .entry(i.role)
            .or_default()
            .count(i.status, i.blocking, 1);
    }
    let blockers = items
        .iter()
        .filter(|i| still_blocks(i.status, i.blocking))
        .cloned()
        .collect();
    assemble_overview(conn, id, by_role, blockers)
}

/// The launch's private terms, in the order they were given: what its redactor removes besides the shared rules.
pub fn private_terms(conn: &Connection, id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT term FROM launch_private_terms WHERE launch_id = ?1 ORDER BY rowid",
    )?;
    let terms = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(terms)
}

fn assemble_overview(
    conn: &Connection,
    id: &str,
    by_role: BTreeMap<Role, Progress>,
    blockers: Vec<ItemView>,
) -> Result<LaunchOverview> {
    let summary = summary_with(conn, id, total(&by_role))?;
    let mut targets: BTreeMap<String, Targets> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT environment, api_base_url, webhook_url FROM launch_targets WHERE launch_id = ?1",
    )?;
    for row in stmt.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Targets {
                api_base_url: r.get(1)?,
                webhook_url: r.get(2)?,
            },
        ))
    })? {
        let (env, t) = row?;
        targets.insert(env, t);
    }
    let mut stmt =
        conn.prepare_cached("SELECT role, owner FROM launch_owners WHERE launch_id = ?1")?;
    let owners: Vec<RoleOwner> = stmt
        .query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .filter_map(|row| row.ok())
        .filter_map(|(role, owner)| role.parse().ok().map(|role| RoleOwner { role, owner }))
        .collect();
    let private_terms = private_terms(conn, id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT template_id, template_version, template_sha256 FROM launch_templates WHERE launch_id = ?1 ORDER BY rowid",
    )?;
    let templates = stmt
        .query_map([id], |r| {
            Ok(LaunchTemplateRef {
                id: r.get(0)?,
                version: r.get(1)?,
                sha256: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let roles = by_role
        .into_iter()
        .map(|(role, progress)| RoleProgress {
            role,
            owner: owners
                .iter()
                .find(|o| o.role == role)
                .map(|o| o.owner.clone()),
            progress,
        })
        .collect();
    Ok(LaunchOverview {
        summary,
        sandbox: targets.remove("sandbox").unwrap_or_default(),
        live: targets.remove("live").unwrap_or_default(),
        owners,
        private_terms,
        templates,
        roles,
        blockers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_targets_must_be_https_and_credential_free() {
        assert_eq!(
            check_url(
                "api_base_url",
                Some("http://api.example.com"),
                Environment::Live
            )
            .unwrap_err()
            .code,
            "https_required"
        );
        assert!(check_url(
            "api_base_url",
            Some("http://127.0.0.1:9000"),
            Environment::Sandbox
        )
        .is_ok());
        assert_eq!(
            check_url(
                "webhook_url",
                Some("https://u:p@hooks.example.com/x"),
                Environment::Live
            )
            .unwrap_err()
            .code,
            "credentials_in_url"
        );
        assert!(check_url("webhook_url", Some("not a url"), Environment::Live).is_err());
    }
}
