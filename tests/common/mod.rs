//! Shared test fixtures: a real SQLite file in a temporary directory, a fixed clock, and a sample launch.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use golive::checklist::evidence::{EvidenceKind, NewEvidence};
use golive::checklist::identifier::IdentifierType;
use golive::checklist::launch::{NewLaunch, ProductSurface, RoleOwner, Targets};
use golive::{Environment, FixedClock, Role, Workspace};

pub mod attack;
pub mod probes;

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub ws: Workspace,
}

impl Fixture {
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("golive.sqlite")
    }

    /// Counts rows of a table straight from the file, through a separate connection.
    pub fn count(&self, table: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.db_path()).unwrap();
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    /// Every row count that a refused change must leave as it was.
    pub fn snapshot(&self) -> Vec<i64> {
        [
            "launches",
            "items",
            "item_status_events",
            "evidence",
            "files",
            "audit_events",
            "imported_templates",
        ]
        .iter()
        .map(|t| self.count(t))
        .collect()
    }
}

pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::stepping(
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
        Duration::seconds(1),
    ))
}

pub fn workspace() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_with_clock(&dir.path().join("golive.sqlite"), "launch_mgr", clock())
        .unwrap();
    Fixture { dir, ws }
}

/// A fresh workspace holding the sample launch, and that launch's id.
pub fn workspace_with_sample_launch() -> (Fixture, String) {
    let mut f = workspace();
    let launch = f.ws.create_launch(&sample_launch()).unwrap().summary.id;
    (f, launch)
}

pub fn sample_launch() -> NewLaunch {
    NewLaunch {
        name: "Acme EUR-USDT".into(),
        partner_id: "partner_123".into(),
        product_surface: ProductSurface::ZeroPools,
        environment: Environment::Live,
        templates: vec!["0pools-sandbox-to-production".into()],
        sandbox: Targets {
            api_base_url: Some("http://127.0.0.1:9000".into()),
            webhook_url: Some("http://127.0.0.1:9001/hooks".into()),
        },
        live: Targets {
            api_base_url: Some("https://api.example.com".into()),
            webhook_url: Some("https://hooks.acme.example/0pools".into()),
        },
        owners: vec![
            RoleOwner {
                role: Role::Finance,
                owner: "finance_ops".into(),
            },
            RoleOwner {
                role: Role::Engineering,
                owner: "acme-eng".into(),
            },
        ],
        private_terms: vec!["LiquidityProviderX".into()],
    }
}

/// The first item of `launch` owned by `role` whose evidence must come from `env` and accepts `spec`.
pub fn find_item(
    ws: &Workspace,
    launch: &str,
    role: Role,
    env: Environment,
    spec: &str,
) -> golive::checklist::item::ItemView {
    ws.items(launch, Some(role))
        .unwrap()
        .into_iter()
        .find(|i| i.environment == env && i.accepts.iter().any(|a| a.to_string() == spec))
        .unwrap_or_else(|| panic!("no {role} {env} item accepting {spec}"))
}

/// Typed evidence for an item, in the item's own environment, correcting nothing.
pub fn evidence(
    item_id: i64,
    kind: EvidenceKind,
    id_type: Option<IdentifierType>,
    value: &str,
) -> NewEvidence {
    NewEvidence {
        item_id,
        kind,
        identifier_type: id_type,
        value: value.into(),
        note: None,
        environment: None,
        supersedes: None,
    }
}

/// A signing key per role, each allowed for its role on a launch: what a team sets up before signing.
pub struct Team {
    pub dir: tempfile::TempDir,
    pub keys: Vec<(Role, golive::signing::SignerKey)>,
}

/// The people of the sample team, by role.
pub fn person(role: Role) -> &'static str {
    match role {
        Role::Product => "José Álvarez",
        Role::Engineering => "Zoë Kowalski",
        Role::Support => "Łukasz Nowak",
        Role::Finance => "Chidi Okafor",
    }
}

impl Team {
    /// Creates a key for each role's person and allows it for that role on `launch`.
    pub fn enrol(ws: &mut Workspace, launch: &str) -> Team {
        let people: Vec<(Role, &str)> = Role::ALL.iter().map(|r| (*r, person(*r))).collect();
        Self::enrol_named(ws, launch, &people)
    }

    /// Like [`Team::enrol`], with these people.
    pub fn enrol_named(ws: &mut Workspace, launch: &str, people: &[(Role, &str)]) -> Team {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = Vec::new();
        for (role, name) in people {
            let path = dir.path().join(format!("{role}_ed25519"));
            let key = golive::signing::SignerKey::create(&path, name, None).unwrap();
            ws.add_signer(&golive::signoff::signers::NewSigner {
                launch_id: launch.into(),
                role: *role,
                principal: (*name).into(),
                public_key: key.public_key_openssh(),
            })
            .unwrap();
            keys.push((*role, key));
        }
        Team { dir, keys }
    }

    pub fn key(&self, role: Role) -> &golive::signing::SignerKey {
        &self.keys.iter().find(|(r, _)| *r == role).unwrap().1
    }

    /// The key file of `role`'s person.
    pub fn key_path(&self, role: Role) -> PathBuf {
        self.dir.path().join(format!("{role}_ed25519"))
    }

    /// Signs `role`'s signoff with its own key.
    pub fn sign(
        &self,
        ws: &mut Workspace,
        launch: &str,
        role: Role,
        decision: golive::signoff::SignoffDecision,
        reason: Option<&str>,
    ) -> golive::signoff::RoleSignoff {
        ws.sign(
            &golive::signoff::NewSignoff {
                launch_id: launch.into(),
                role,
                statement: format!("{role} scope reviewed against recorded evidence"),
                decision,
                reason: reason.map(str::to_string),
            },
            self.key(role),
        )
        .unwrap()
    }
}
