//! Store benchmark (run with `cargo bench`): prints figures, asserts nothing about time.
//!
//! - 10,000 evidence records with their audit events, one transaction each (the path every click takes);
//! - opening a workspace that holds 100,000 audit events, and the first screen's reads;
//! - verifying the whole audit chain, in-process and through the `golive audit verify` CLI.

use std::path::Path;
use std::time::{Duration, Instant};

use golive::checklist::evidence::{EvidenceKind, NewEvidence};
use golive::checklist::launch::{NewLaunch, ProductSurface, Targets};
use golive::{Environment, Workspace};

fn launch(ws: &mut Workspace) -> (String, Vec<(i64, Environment)>) {
    let templates: Vec<String> = ws
        .template_summaries()
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    let overview = ws
        .create_launch(&NewLaunch {
            name: "Bench launch".into(),
            partner_id: "partner_bench".into(),
            product_surface: ProductSurface::ZeroPools,
            environment: Environment::Live,
            templates,
            sandbox: Targets::default(),
            live: Targets::default(),
            owners: vec![],
            private_terms: vec![],
        })
        .unwrap();
    let items = ws
        .items(&overview.summary.id, None)
        .unwrap()
        .into_iter()
        .filter(|i| {
            i.accepts
                .iter()
                .any(|a| a.kind == EvidenceKind::Attestation)
        })
        .map(|i| (i.id, i.environment))
        .collect();
    (overview.summary.id, items)
}

fn add(ws: &mut Workspace, items: &[(i64, Environment)], n: usize) -> Duration {
    let started = Instant::now();
    for k in 0..n {
        let (item_id, env) = items[k % items.len()];
        ws.add_evidence(&NewEvidence {
            item_id,
            kind: EvidenceKind::Attestation,
            identifier_type: None,
            value: format!("Checked run {k}: reconciliation matched by quote and trade ids"),
            note: None,
            environment: Some(env),
            supersedes: None,
        })
        .unwrap();
    }
    started.elapsed()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.sqlite");
    let mut ws = Workspace::open(&db, "bench").unwrap();
    let (launch_id, items) = launch(&mut ws);

    let t = add(&mut ws, &items, 10_000);
    println!("insert 10,000 evidence records + audit events (one transaction each): {}  ({:.0} per second)  target <= 1000 ms", ms(t), 10_000.0 / t.as_secs_f64());

    let batch: Vec<NewEvidence> = (0..10_000)
        .map(|k| {
            let (item_id, env) = items[k % items.len()];
            NewEvidence {
                item_id,
                kind: EvidenceKind::Attestation,
                identifier_type: None,
                value: format!("Imported run {k}: ledger close matched by ledger ids"),
                note: None,
                environment: Some(env),
                supersedes: None,
            }
        })
        .collect();
    let started = Instant::now();
    ws.add_evidence_batch(&batch).unwrap();
    let t = started.elapsed();
    println!("insert 10,000 evidence records + audit events (one batch, `golive evidence import`): {}  ({:.0} per second)  target <= 1000 ms", ms(t), 10_000.0 / t.as_secs_f64());

    let target_events = 100_000;
    let have = ws.change_counter().unwrap() as usize;
    add(&mut ws, &items, target_events - have);
    assert_eq!(ws.change_counter().unwrap() as usize, target_events);
    drop(ws);
    let size = std::fs::metadata(&db).unwrap().len() + wal_size(&db);
    println!(
        "database with {target_events} audit events: {:.1} MB",
        size as f64 / 1e6
    );

    let mut best_open = Duration::MAX;
    let mut best_first_screen = Duration::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        let ws = Workspace::open(&db, "bench").unwrap();
        best_open = best_open.min(started.elapsed());
        let launches = ws.launches().unwrap();
        let overview = ws.launch_overview(&launch_id).unwrap();
        best_first_screen = best_first_screen.min(started.elapsed());
        assert_eq!(launches.len(), 1);
        assert!(overview.summary.progress.total > 0);
    }
    println!(
        "open workspace holding {target_events} audit events: {} (best of 5)  target <= 200 ms",
        ms(best_open)
    );
    println!(
        "open + launches list + launch overview: {} (best of 5)",
        ms(best_first_screen)
    );

    let ws = Workspace::open(&db, "bench").unwrap();
    let started = Instant::now();
    let v = ws.verify_audit().unwrap();
    println!(
        "verify audit chain in-process ({} events, {} rows cross-checked): {}  target < 1000 ms",
        v.events,
        v.rows_checked,
        ms(started.elapsed())
    );
    assert!(v.is_intact());

    let started = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(["--db", db.to_str().unwrap(), "audit", "verify"])
        .output()
        .unwrap();
    println!(
        "`golive audit verify` (whole process): {}  -> {}",
        ms(started.elapsed()),
        String::from_utf8_lossy(&out.stdout).trim()
    );
    assert!(out.status.success());
}

fn wal_size(db: &Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0)
}
