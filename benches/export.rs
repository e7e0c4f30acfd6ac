//! Export benchmark (run with `cargo bench --bench export`): prints figures, asserts nothing about time.
//!
//! A launch with 2,000 items, 20,000 evidence records and 1,000 probe runs, exported as JSON (build, redact,
//! seal) and as PDF, with the peak resident memory of the export itself (Linux: VmHWM after resetting it).
//! Then a launch with 100,000 evidence records, exported JSON + PDF in a fresh process of its own so its peak
//! memory is the export's alone: time, file sizes, PDF pages, peak RSS.

use std::fmt::Write;
use std::time::{Duration, Instant};

use golive::checklist::evidence::{EvidenceKind, NewEvidence};
use golive::checklist::identifier::IdentifierType;
use golive::checklist::launch::{NewLaunch, ProductSurface, Targets};
use golive::{Environment, Workspace};

/// The JSON export is timed this many times and the best kept: on a shared 2-core VM single runs vary by half.
const JSON_RUNS: usize = 5;

fn big_template(items: usize) -> String {
    let mut t = String::from("id = \"bench-big\"\nversion = 1\nname = \"Benchmark checklist\"\n");
    let roles = ["product", "engineering", "support", "finance"];
    for section in 0..items / 50 {
        let role = roles[section % 4];
        let env = if section % 3 == 0 { "sandbox" } else { "live" };
        let _ = write!(t, "\n[[sections]]\nkey = \"s{section}\"\ntitle = \"Section {section}\"\nrole = \"{role}\"\nenvironment = \"{env}\"\n");
        for item in 0..50 {
            let _ = write!(
                t,
                "\n[[sections.items]]\nkey = \"i{item}\"\ntitle = \"Check {section}.{item}: webhook retries and ledger ids\"\nguidance = \"Confirm the behaviour with recorded ids; keep sandbox and live apart; reconcile by durable ids first.\"\nevidence = [\"attestation\", \"identifier\", \"probe_run\"]\n"
            );
        }
    }
    t
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// The PDF's page count, read back from the file.
fn pdf_pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).map_or(0, |d| d.get_pages().len())
}

/// Set in the child process that exports the 100,000-record launch: `<database>\n<launch id>`.
const HUGE_CASE: &str = "GOLIVE_EXPORT_BENCH_HUGE";
const HUGE_EVIDENCE: usize = 100_000;

/// Adds a launch on the big template with `evidence` records spread over its items (half identifiers, half
/// attestations that mention an email address to redact), recorded through the workspace.
fn launch_with_evidence(ws: &mut Workspace, name: &str, evidence: usize) -> String {
    let launch = ws
        .create_launch(&NewLaunch {
            name: name.into(),
            partner_id: "partner_bench".into(),
            product_surface: ProductSurface::ZeroPools,
            environment: Environment::Live,
            templates: vec!["bench-big".into()],
            sandbox: Targets::default(),
            live: Targets::default(),
            owners: vec![],
            private_terms: vec!["LiquidityProviderX".into()],
        })
        .unwrap()
        .summary
        .id;
    let items = ws.items(&launch, None).unwrap();
    assert_eq!(items.len(), 2_000);
    let batch: Vec<NewEvidence> = (0..evidence)
        .map(|k| {
            let item = &items[k % items.len()];
            let identifier = k % 2 == 0;
            NewEvidence {
                item_id: item.id,
                kind: if identifier {
                    EvidenceKind::Identifier
                } else {
                    EvidenceKind::Attestation
                },
                identifier_type: identifier.then_some(IdentifierType::RequestId),
                value: if identifier {
                    format!("req_{k:08}")
                } else {
                    format!("Verified run {k}; contact ops@example.com if it regresses")
                },
                note: None,
                environment: Some(item.environment),
                supersedes: None,
            }
        })
        .collect();
    if !batch.is_empty() {
        ws.add_evidence_batch(&batch).unwrap();
    }
    launch
}

/// Each role's scope digest, as the packet build takes them.
fn scope_digests(
    conn: &rusqlite::Connection,
    launch: &str,
) -> std::collections::BTreeMap<golive::Role, String> {
    golive::Role::ALL
        .iter()
        .map(|r| {
            (
                *r,
                golive::signoff::scope::role_digest(conn, launch, *r).unwrap(),
            )
        })
        .collect()
}

/// The export's phases on the 100,000-record launch, each with the peak resident memory it reached: where the
/// memory of a big export goes.
fn huge_phases(db: &str, launch: &str, ws: &Workspace) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let measured = reset_peak_rss();
    let phase = |name: &str, t: Instant| {
        let peak = peak_rss_mb()
            .filter(|_| measured)
            .map_or("?".to_string(), |mb| format!("{mb:.0} MB"));
        println!("  phase {name}: {}, peak so far {peak}", ms(t.elapsed()));
    };
    let t = Instant::now();
    let gate = ws.gate(launch).unwrap();
    let digests = scope_digests(&conn, launch);
    phase("verdict + scopes", t);
    let t = Instant::now();
    let packet = golive::packet::build::build(&conn, launch, gate, &digests, "t", "bench").unwrap();
    phase("build", t);
    let t = Instant::now();
    let exported =
        golive::packet::export::redact_and_seal(packet, &ws.redactor(launch).unwrap()).unwrap();
    phase("redact + seal + text", t);
    let t = Instant::now();
    golive::packet::pdf::render(&exported.packet).unwrap();
    phase("pdf", t);
}

/// The child process: `golive export --json-out --pdf-out` of the 100,000-record launch, measured from a fresh
/// process (peak RSS), then the JSON and the PDF timed apart.
fn huge_case(spec: &str) {
    let (db, launch) = spec.split_once('\n').unwrap();
    let mut ws = Workspace::open(std::path::Path::new(db), "bench").unwrap();
    if std::env::var_os("EXPORT_PHASES").is_some() && !launch.ends_with("\njson") {
        huge_phases(db, launch, &ws);
    }
    if let Some(launch) = launch.strip_suffix("\njson") {
        // The JSON alone, for what the PDF adds to the peak.
        let out = tempfile::tempdir().unwrap();
        let measured = reset_peak_rss();
        let started = Instant::now();
        ws.save_packet(launch, Some(&out.path().join("packet.json")), None, None)
            .unwrap();
        let save = started.elapsed();
        println!(
            "  save the JSON alone, for comparison: {}, peak RSS {}",
            ms(save),
            peak_rss_mb()
                .filter(|_| measured)
                .map_or("not measurable".to_string(), |mb| format!("{mb:.0} MB"))
        );
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let (json_path, pdf_path) = (
        out.path().join("packet.json"),
        out.path().join("packet.pdf"),
    );
    let measured = reset_peak_rss();
    let started = Instant::now();
    ws.save_packet(launch, Some(&json_path), Some(&pdf_path), None)
        .unwrap();
    let save = started.elapsed();
    let peak = peak_rss_mb().filter(|_| measured);
    let json_len = std::fs::metadata(&json_path).unwrap().len();
    let pdf = std::fs::read(&pdf_path).unwrap();

    let started = Instant::now();
    let exported = ws.export_packet(launch).unwrap();
    let json_time = started.elapsed();
    let mut pdf_time = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        golive::packet::pdf::render(&exported.packet).unwrap();
        pdf_time = pdf_time.min(started.elapsed());
    }
    println!(
        "export 100,000 evidence records (2,000 items), save JSON + PDF (golive export): {}, peak RSS {}  target <= 3000 ms, <= 250 MB",
        ms(save),
        peak.map_or("not measurable".to_string(), |mb| format!("{mb:.0} MB"))
    );
    println!(
        "  JSON alone (build + redact + seal): {}, {:.1} MB; PDF alone (layout + render): {} (best of 3), {:.2} MB, {} pages  target <= 40 pages",
        ms(json_time),
        json_len as f64 / 1e6,
        ms(pdf_time),
        pdf.len() as f64 / 1e6,
        pdf_pages(&pdf)
    );
}

fn main() {
    if let Ok(spec) = std::env::var(HUGE_CASE) {
        huge_case(&spec);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("export-bench.sqlite");
    let mut ws = Workspace::open(&db, "bench").unwrap();
    let template = dir.path().join("big.toml");
    std::fs::write(&template, big_template(2_000)).unwrap();
    ws.import_template(&template).unwrap();
    // EXPORT_BENCH_HUGE_ONLY=1: only the 100,000-record case, while working on the export's memory.
    if std::env::var_os("EXPORT_BENCH_HUGE_ONLY").is_some() {
        huge_export(&db, ws);
        return;
    }
    let launch = launch_with_evidence(&mut ws, "Export bench", 20_000);
    let items = ws.items(&launch, None).unwrap();
    drop(ws);

    // Probe runs arrive from the probe engine; here they are written straight into the table as passing runs.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    for k in 0..1_000 {
        let item = &items[(k * 7) % items.len()];
        tx.execute(
            "INSERT INTO evidence (id, launch_id, item_id, environment, kind, value, note, actor, recorded_at)
             VALUES (?1, ?2, ?3, ?4, 'probe_run', ?5, 'all assertions held', 'bench', '2026-11-23T09:00:00.000Z')",
            rusqlite::params![format!("ev_probe_{k}"), launch, item.id, item.environment.as_str(), format!("run_{k:05}")],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    drop(conn);

    let ws = Workspace::open(&db, "bench").unwrap();
    if std::env::var_os("EXPORT_PHASES").is_some() {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let t = Instant::now();
        let gate = ws.gate(&launch).unwrap();
        println!("  phase signoffs + verdict: {}", ms(t.elapsed()));
        let t = Instant::now();
        let digests = scope_digests(&conn, &launch);
        let packet =
            golive::packet::build::build(&conn, &launch, gate, &digests, "t", "bench").unwrap();
        println!("  phase build: {}", ms(t.elapsed()));
        let t = Instant::now();
        let mut value = serde_json::to_value(&packet).unwrap();
        println!("  phase to_value: {}", ms(t.elapsed()));
        drop(packet);
        let redactor = ws.redactor(&launch).unwrap();
        let t = Instant::now();
        golive::packet::export::redact_sections(&mut value, &redactor);
        println!("  phase redact: {}", ms(t.elapsed()));
        let t = Instant::now();
        let json = golive::packet::integrity::seal_to_pretty(&mut value);
        println!(
            "  phase seal + text: {} ({:.1} MB)",
            ms(t.elapsed()),
            json.len() as f64 / 1e6
        );
        let t = Instant::now();
        let packet: golive::packet::model::Packet = serde_json::from_value(value).unwrap();
        println!("  phase from_value: {}", ms(t.elapsed()));
        drop((packet, json));
    }
    let measure_memory = reset_peak_rss();
    let mut best_json = Duration::MAX;
    let mut exported = None;
    for _ in 0..JSON_RUNS {
        let started = Instant::now();
        let e = ws.export_packet(&launch).unwrap();
        best_json = best_json.min(started.elapsed());
        exported = Some(e);
    }
    let exported = exported.unwrap();
    let json_peak = peak_rss_mb();
    println!(
        "export JSON (build + redact + seal), 2,000 items / 20,000 evidence / 1,000 probe runs: {} (best of {JSON_RUNS}), {:.1} MB of JSON, {} redactions  target <= 500 ms",
        ms(best_json),
        exported.json.len() as f64 / 1e6,
        exported.packet.redaction.total
    );

    let mut best_pdf = Duration::MAX;
    let mut pdf = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        pdf = golive::packet::pdf::render(&exported.packet).unwrap();
        best_pdf = best_pdf.min(started.elapsed());
    }
    println!(
        "export PDF (layout + render), 2,000 items: {} (best of 3), {:.2} MB, {} pages  target <= 1000 ms, <= 1 MB",
        ms(best_pdf),
        pdf.len() as f64 / 1e6,
        pdf_pages(&pdf)
    );
    drop(exported);

    // The real export path, as `golive export --json-out --pdf-out` runs it, with the peak memory it needs.
    let mut ws = ws;
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let measured_save = reset_peak_rss();
    let started = Instant::now();
    ws.save_packet(
        &launch,
        Some(&out.join("packet.json")),
        Some(&out.join("packet.pdf")),
        None,
    )
    .unwrap();
    let save_time = started.elapsed();
    match (measure_memory && measured_save, json_peak, peak_rss_mb()) {
        (true, Some(json), Some(save)) => {
            println!("peak resident memory: JSON export {json:.0} MB; save JSON + PDF (golive export) {save:.0} MB in {}  target <= 200 MB", ms(save_time))
        }
        _ => println!("peak resident memory: not measurable on this system"),
    }

    // What signing adds: the same JSON export saved unsigned and signed (SSHSIG over the file's bytes).
    let key =
        golive::signing::SignerKey::create(dir.path().join("bench_key"), "Bench Signer", None)
            .unwrap();
    let (mut unsigned, mut signed) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        let started = Instant::now();
        ws.save_packet(&launch, Some(&out.join("u.json")), None, None)
            .unwrap();
        unsigned = unsigned.min(started.elapsed());
        let started = Instant::now();
        ws.save_packet(&launch, Some(&out.join("s.json")), None, Some(&key))
            .unwrap();
        signed = signed.min(started.elapsed());
    }
    let json = std::fs::read(out.join("s.json")).unwrap();
    let mut sign = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        golive::packet::signature::sign(&json, &key).unwrap();
        sign = sign.min(started.elapsed());
    }
    println!(
        "sign the {:.1} MB packet JSON alone (SSHSIG, SHA-256, Ed25519): {} (best of 3)",
        json.len() as f64 / 1e6,
        ms(sign)
    );
    println!(
        "signing an export: unsigned {} / signed {} (best of 3): adds {}  target < 50 ms",
        ms(unsigned),
        ms(signed),
        ms(signed.saturating_sub(unsigned))
    );

    huge_export(&db, ws);
}

/// The 100,000-record launch, exported by a fresh copy of this process (see `huge_case`). Its records are written
/// straight into the table like the probe runs above: recording them one by one through the workspace checks each
/// identifier against every other, which takes many minutes at this size.
fn huge_export(db: &std::path::Path, mut ws: Workspace) {
    let huge = launch_with_evidence(&mut ws, "Export bench, 100,000 records", 0);
    drop(ws);
    let items: Vec<(i64, String)> = {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut stmt = conn
            .prepare("SELECT id, environment FROM items WHERE launch_id = ?1 ORDER BY id")
            .unwrap();
        let rows = stmt
            .query_map([&huge], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(items.len(), 2_000);
    let conn = rusqlite::Connection::open(db).unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO evidence (id, launch_id, item_id, environment, kind, identifier_type, value, actor, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'bench', ?8)",
            )
            .unwrap();
        for k in 0..HUGE_EVIDENCE {
            let (item, environment) = &items[k % items.len()];
            let identifier = k % 2 == 0;
            let (kind, identifier_type, value) = if identifier {
                ("identifier", Some("request_id"), format!("req_huge_{k:08}"))
            } else {
                (
                    "attestation",
                    None,
                    format!("Verified run {k}; contact ops@example.com if it regresses"),
                )
            };
            let at = format!(
                "2026-11-{:02}T{:02}:{:02}:{:02}.000Z",
                10 + k / 86_400,
                k / 3_600 % 24,
                k / 60 % 60,
                k % 60
            );
            insert
                .execute(rusqlite::params![
                    format!("ev_huge_{k:08}"),
                    huge,
                    item,
                    environment,
                    kind,
                    identifier_type,
                    value,
                    at
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    drop(conn);
    for mode in ["", "\njson"] {
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .env(HUGE_CASE, format!("{}\n{huge}{mode}", db.display()))
            .status()
            .unwrap();
        assert!(status.success(), "the 100,000-record export failed");
    }
}
