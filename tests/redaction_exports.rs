//! The redaction corpus through every export path, end to end: the JSON packet, the PDF's text (read back with
//! `pdftotext`), the escalation (JSON, text body, PDF) and the CLI's `golive export` output. Input checks refuse
//! secrets at the door, so the corpus is written straight into the database here, as data from an older build or a
//! careless import would be; the exports must still never carry it.

mod common;

use std::process::Command;

use golive::packet::escalation::{EscalationRequest, IncidentScope, SeverityLevel};
use serde_json::Value;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/redaction-corpus.jsonl"
);

struct Record {
    id: String,
    text: String,
    must_not_contain: Vec<String>,
    must_contain: Vec<String>,
}

fn corpus() -> Vec<Record> {
    let text = std::fs::read_to_string(CORPUS).unwrap_or_else(|e| panic!("{CORPUS}: {e}"));
    let list = |v: &Value, k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            Record {
                id: v["id"].as_str().unwrap().into(),
                text: v["text"].as_str().unwrap().into(),
                must_not_contain: list(&v, "must_not_contain"),
                must_contain: list(&v, "must_contain"),
            }
        })
        .collect()
}

/// Text with all whitespace removed: PDF lines wrap wherever they like.
fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

fn check(path: &str, output: &str, records: &[Record]) {
    let squashed = squash(output);
    for r in records {
        for bad in &r.must_not_contain {
            assert!(
                !squashed.contains(&squash(bad)),
                "{path}: {} leaked ({})",
                r.id,
                bad.chars().take(12).collect::<String>()
            );
        }
        for good in &r.must_contain {
            assert!(
                squashed.contains(&squash(good)),
                "{path}: {} lost '{good}'",
                r.id
            );
        }
    }
}

#[test]
fn the_corpus_never_leaves_through_any_export_path() {
    let records = corpus();
    assert_eq!(records.len(), 46, "every corpus record is exercised");
    let (mut f, launch) = common::workspace_with_sample_launch();
    let items = f.ws.items(&launch, None).unwrap();
    assert!(items.len() >= records.len());

    // Straight into the table, one evidence record per corpus line on an item of its own (the PDF shows each item's
    // latest records, and points to the JSON for older ones), the text as both value and note.
    let conn = rusqlite::Connection::open(f.db_path()).unwrap();
    for (n, (r, item)) in records.iter().zip(&items).enumerate() {
        conn.execute(
            "INSERT INTO evidence (id, launch_id, item_id, environment, kind, value, note, actor, recorded_at)
             VALUES (?1, ?2, ?3, ?4, 'attestation', ?5, ?5, 'importer', ?6)",
            rusqlite::params![format!("ev_corpus_{n:02}"), launch, item.id, item.environment.as_str(), r.text, format!("2026-11-23T09:{:02}:00.000Z", n)],
        )
        .unwrap();
    }
    drop(conn);

    let exported = f.ws.export_packet(&launch).unwrap();
    check("JSON packet", &exported.json, &records);

    let dir = f.dir.path().to_path_buf();
    let pdf = dir.join("packet.pdf");
    f.ws.save_packet(&launch, None, Some(&pdf), None).unwrap();
    let text = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is installed");
    check("PDF text", &String::from_utf8_lossy(&text.stdout), &records);

    for r in &records {
        let request = EscalationRequest {
            launch_id: launch.clone(),
            severity: Some(SeverityLevel::S3),
            environment: None,
            scope: Some(every_recorded_id()),
            summary: "Escalating".into(),
            facts: [
                ("error_code".to_string(), r.text.clone()),
                ("endpoint".to_string(), "/v1/quotes".to_string()),
            ]
            .into(),
        };
        let e = f.ws.escalation(&request).unwrap();
        let one = std::slice::from_ref(r);
        check("escalation body", &e.body, one);
        check("escalation JSON", &serde_json::to_string(&e).unwrap(), one);
    }
    let request = EscalationRequest {
        launch_id: launch.clone(),
        severity: Some(SeverityLevel::S3),
        environment: None,
        scope: Some(every_recorded_id()),
        summary: "All corpus lines".into(),
        facts: records
            .iter()
            .enumerate()
            .map(|(n, r)| (format!("note_{n}"), r.text.clone()))
            .collect(),
    };
    let esc_pdf = dir.join("esc.pdf");
    f.ws.save_escalation(&request, None, Some(&esc_pdf), None)
        .unwrap();
    let esc_text = Command::new("pdftotext")
        .args([esc_pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let esc_text = String::from_utf8_lossy(&esc_text.stdout);
    for r in &records {
        for bad in &r.must_not_contain {
            assert!(
                !squash(&esc_text).contains(&squash(bad)),
                "escalation PDF: {} leaked",
                r.id
            );
        }
    }

    let out = Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(["export", &launch])
        .env("GOLIVE_DB", f.db_path())
        .env("GOLIVE_ACTOR", "launch_mgr")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check(
        "CLI export output",
        &String::from_utf8_lossy(&out.stdout),
        &records,
    );
}

/// A window around every id the launch recorded, so the escalations carry them all through redaction.
fn every_recorded_id() -> IncidentScope {
    IncidentScope {
        from: Some("2000-01-01T00:00:00Z".into()),
        ..IncidentScope::default()
    }
}
