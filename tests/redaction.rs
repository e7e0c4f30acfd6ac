//! The redaction pipeline against the shared corpus (`tests/vectors/redaction-corpus.jsonl`, a copy of the published corpus): every record goes
//! through the text, JSON and header paths; nothing listed in `must_not_contain` survives, everything listed in
//! `must_contain` does, and the summary counts classes, never values.

use std::collections::BTreeMap;

use golive::redact::{RedactionSummary, Redactor};
use serde_json::{json, Value};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/redaction-corpus.jsonl"
);

/// The headers the issue names; a record whose text carries one of them also goes through `redact_headers`.
const DENYLISTED_HEADERS: &[&str] = &[
    "Authorization",
    "Proxy-Authorization",
    "Cookie",
    "Set-Cookie",
    "X-Api-Key",
    "Stripe-Signature",
    "webhook-signature",
    "X-Hub-Signature-256",
    "X-Hub-Signature",
];

struct Record {
    id: String,
    class: String,
    text: String,
    must_not_contain: Vec<String>,
    must_contain: Vec<String>,
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().expect("a string").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn corpus() -> (Vec<Record>, usize) {
    let text = std::fs::read_to_string(CORPUS)
        .unwrap_or_else(|e| panic!("the redaction corpus must exist at {CORPUS}: {e}"));
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    let records: Vec<Record> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("each corpus line is JSON");
            Record {
                id: v["id"].as_str().expect("id").to_string(),
                class: v["class"].as_str().expect("class").to_string(),
                text: v["text"].as_str().expect("text").to_string(),
                must_not_contain: strings(&v, "must_not_contain"),
                must_contain: strings(&v, "must_contain"),
            }
        })
        .collect();
    assert!(
        lines >= 40,
        "the corpus shrank to {lines} records; check {CORPUS}"
    );
    (records, lines)
}

fn redactor() -> Redactor {
    Redactor::new(&["LiquidityProviderX".to_string()])
}

/// Every string in a JSON value, keys included.
fn all_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| all_strings(x, out)),
        Value::Object(o) => {
            for (k, x) in o {
                out.push(k.clone());
                all_strings(x, out);
            }
        }
        _ => {}
    }
}

fn check_output(r: &Record, path: &str, outputs: &[String]) {
    for secret in &r.must_not_contain {
        for out in outputs {
            assert!(
                !out.contains(secret.as_str()),
                "{path} path, record {}: a {} survived in {out:?}",
                r.id,
                r.class
            );
        }
    }
    for keep in &r.must_contain {
        assert!(
            outputs.iter().any(|o| o.contains(keep.as_str())),
            "{path} path, record {}: {keep:?} was lost: {outputs:?}",
            r.id
        );
    }
}

fn check_summary(r: &Record, path: &str, summary: &RedactionSummary) {
    assert_eq!(
        summary.total,
        summary.counts.values().sum::<u32>(),
        "{path} path, record {}: total is the sum of the counts",
        r.id
    );
    if r.class == "keep" {
        assert!(
            summary.is_empty(),
            "{path} path, record {}: a support-safe text had something redacted: {summary:?}",
            r.id
        );
    } else {
        assert!(
            summary.counts.contains_key(&r.class),
            "{path} path, record {}: expected a {} placeholder, counted {summary:?}",
            r.id,
            r.class
        );
    }
    let serialized = serde_json::to_string(summary).unwrap();
    for secret in &r.must_not_contain {
        assert!(
            !serialized.contains(secret.as_str()),
            "record {}: the summary holds a value",
            r.id
        );
    }
    for class in summary.counts.keys() {
        assert!(
            !class.is_empty() && class.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "record {}: {class:?} is not a class name",
            r.id
        );
    }
}

#[test]
fn every_corpus_record_through_redact_text() {
    let (records, lines) = corpus();
    let redactor = redactor();
    let mut checked = 0;
    for r in &records {
        let mut summary = RedactionSummary::default();
        let out = redactor.redact_text(&r.text, &mut summary);
        check_output(r, "text", std::slice::from_ref(&out));
        check_summary(r, "text", &summary);
        if r.class != "keep" {
            assert!(
                out.contains(&format!("[REDACTED:{}]", r.class)),
                "record {}: {out:?}",
                r.id
            );
        } else {
            assert_eq!(out, r.text, "record {}: a support-safe text changed", r.id);
        }
        checked += 1;
    }
    assert_eq!(checked, lines, "every corpus line is checked");
}

#[test]
fn every_corpus_record_through_redact_json() {
    let (records, lines) = corpus();
    let redactor = redactor();
    let mut checked = 0;
    for r in &records {
        let doc = json!({
            "note": r.text,
            "evidence": [{"summary": r.text, "recorded_by": "finance_ops"}],
        });
        let mut summary = RedactionSummary::default();
        let out = redactor.redact_json(&doc, &mut summary);
        let mut texts = Vec::new();
        all_strings(&out, &mut texts);
        check_output(r, "json", &texts);
        check_summary(r, "json", &summary);
        assert_eq!(out["evidence"][0]["recorded_by"], "finance_ops");
        // The same text, twice in the document: twice the placeholders.
        let mut once = RedactionSummary::default();
        redactor.redact_text(&r.text, &mut once);
        assert_eq!(summary.total, 2 * once.total, "record {}", r.id);

        // A text that is itself a JSON object (some records are) is also redacted as parsed JSON.
        if let Ok(parsed @ Value::Object(_)) = serde_json::from_str::<Value>(&r.text) {
            let mut s = RedactionSummary::default();
            let out = redactor.redact_json(&parsed, &mut s);
            let mut texts = Vec::new();
            all_strings(&out, &mut texts);
            check_output(r, "parsed json", &texts);
        }
        checked += 1;
    }
    assert_eq!(checked, lines, "every corpus line is checked");
}

#[test]
fn every_corpus_record_through_redact_headers() {
    let (records, lines) = corpus();
    let redactor = redactor();
    let mut checked = 0;
    let mut header_like = 0;
    for r in &records {
        // Any record pasted into an ordinary header is redacted by content.
        let mut summary = RedactionSummary::default();
        let out = redactor.redact_headers(&[("X-Note".to_string(), r.text.clone())], &mut summary);
        assert_eq!(out[0].0, "X-Note");
        check_output(r, "header value", &[out[0].1.clone()]);
        check_summary(r, "header value", &summary);

        // A record that carries a denylisted header: that header's value is replaced whole.
        for line in r.text.lines() {
            let Some(found) = DENYLISTED_HEADERS.iter().find_map(|h| {
                let lower = line.to_ascii_lowercase();
                let at = lower.find(&format!("{}:", h.to_ascii_lowercase()))?;
                Some((at, h.len()))
            }) else {
                continue;
            };
            let (at, len) = found;
            let name = line[at..at + len].to_string();
            let value = line[at + len + 1..]
                .trim()
                .trim_end_matches(['"', '}'])
                .to_string();
            let mut summary = RedactionSummary::default();
            let out = redactor.redact_headers(&[(name.clone(), value)], &mut summary);
            assert_eq!(out[0].0, name, "record {}: the header name stays", r.id);
            assert!(
                out[0].1.starts_with("[REDACTED:") && out[0].1.ends_with(']'),
                "record {}: {name} must be replaced whole, got {:?}",
                r.id,
                out[0].1
            );
            check_output(r, "denylisted header", &[out[0].1.clone()]);
            assert_eq!(summary.total, 1, "record {}", r.id);
            assert!(
                summary.counts.contains_key(&r.class),
                "record {}: {summary:?}",
                r.id
            );
            header_like += 1;
        }
        checked += 1;
    }
    assert_eq!(checked, lines, "every corpus line is checked");
    assert!(
        header_like >= 5,
        "bearer, basic and the three signature records carry headers; found {header_like}"
    );
}

#[test]
fn scan_reports_what_redact_text_removes() {
    let (records, _) = corpus();
    let redactor = redactor();
    for r in &records {
        let findings = redactor.scan(&r.text);
        let mut summary = RedactionSummary::default();
        let out = redactor.redact_text(&r.text, &mut summary);
        assert_eq!(findings.len() as u32, summary.total, "record {}", r.id);
        let mut rebuilt = String::new();
        let mut at = 0;
        for f in &findings {
            assert!(
                at <= f.start && f.start < f.end && f.end <= r.text.len(),
                "record {}",
                r.id
            );
            rebuilt.push_str(&r.text[at..f.start]);
            rebuilt.push_str(&format!("[REDACTED:{}]", f.class));
            at = f.end;
        }
        rebuilt.push_str(&r.text[at..]);
        assert_eq!(rebuilt, out, "record {}", r.id);
        for secret in &r.must_not_contain {
            let start = r
                .text
                .find(secret.as_str())
                .expect("the secret is in the text");
            let end = start + secret.len();
            assert!(
                findings.iter().any(|f| f.start <= start && end <= f.end),
                "record {}: no single finding covers the whole secret",
                r.id
            );
        }
        // Redacting again changes nothing and counts nothing.
        let mut again = RedactionSummary::default();
        assert_eq!(
            redactor.redact_text(&out, &mut again),
            out,
            "record {}",
            r.id
        );
        assert!(again.is_empty(), "record {}: {again:?}", r.id);
    }
}

#[test]
fn private_terms_are_removed_case_insensitively_everywhere() {
    let redactor = Redactor::new(&[
        "LiquidityProviderX".to_string(),
        "eu-otc route 7".to_string(),
        "  ".to_string(),
    ]);
    let text = "Routed via LiquidityProviderX, fallback liquidityproviderx and LIQUIDITYPROVIDERX-EU on EU-OTC  Route 7.";
    let mut summary = RedactionSummary::default();
    let out = redactor.redact_text(text, &mut summary);
    assert_eq!(
        out,
        "Routed via [REDACTED:private-term], fallback [REDACTED:private-term] and [REDACTED:private-term]-EU on \
         [REDACTED:private-term]."
    );
    assert_eq!(
        summary.counts,
        BTreeMap::from([("private-term".to_string(), 4)])
    );
    assert!(!out.to_lowercase().contains("liquidityprovider"));

    let mut summary = RedactionSummary::default();
    let out = redactor.redact_json(
        &json!({"LiquidityProviderX_quote": "q", "route": ["a", "eu-otc route 7"]}),
        &mut summary,
    );
    assert_eq!(
        out,
        json!({"[REDACTED:private-term]_quote": "q", "route": ["a", "[REDACTED:private-term]"]})
    );
    assert_eq!(summary.total, 2);

    let mut summary = RedactionSummary::default();
    let out = redactor.redact_headers(
        &[(
            "X-LiquidityProviderX-Route".to_string(),
            "liquidityproviderx".to_string(),
        )],
        &mut summary,
    );
    assert_eq!(
        out,
        [(
            "X-[REDACTED:private-term]-Route".to_string(),
            "[REDACTED:private-term]".to_string()
        )]
    );
    assert_eq!(summary.total, 2);
}

#[test]
fn counts_per_class_for_hand_made_examples() {
    let redactor = redactor();
    let text = "Authorization: Bearer fake-opaque-token-0000000000\n\
                escalated by jane.doe@example.com (+44 20 7946 0958) about card 4242 4242 4242 4242 and \
                3782-822463-10005, refund to DE89370400440532013000 or 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed \
                via LiquidityProviderX; key sk_live_FAKE0notreal00000000000000 and whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let mut summary = RedactionSummary::default();
    let out = redactor.redact_text(text, &mut summary);
    let expected: BTreeMap<String, u32> = [
        ("token", 1),
        ("email", 1),
        ("phone", 1),
        ("card-number", 2),
        ("bank-account", 1),
        ("wallet-address", 1),
        ("private-term", 1),
        ("api-key", 1),
        ("webhook-secret", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(summary.counts, expected, "{out}");
    assert_eq!(summary.total, 10);
    assert!(out.starts_with(
        "Authorization: [REDACTED:token]\nescalated by [REDACTED:email] ([REDACTED:phone])"
    ));

    // JSON: denylisted keys by name, the rest by content; booleans and empty values are kept.
    let mut summary = RedactionSummary::default();
    let out = redactor.redact_json(
        &json!({
            "headers": {"Cookie": "sid=abc", "X-Request-Id": "req_01HZY0POOLS"},
            "client_secret": "not-a-known-format",
            "password": "hunter2",
            "webhook_signature_verified": true,
            "api_key": "",
            "contact": "finance_ops",
            "notes": ["seed: abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"],
        }),
        &mut summary,
    );
    assert_eq!(out["headers"]["Cookie"], "[REDACTED:session-cookie]");
    assert_eq!(out["headers"]["X-Request-Id"], "req_01HZY0POOLS");
    assert_eq!(out["client_secret"], "[REDACTED:secret]");
    assert_eq!(out["password"], "[REDACTED:password]");
    assert_eq!(out["webhook_signature_verified"], true);
    assert_eq!(out["api_key"], "");
    assert_eq!(out["contact"], "finance_ops");
    assert_eq!(out["notes"][0], "seed: [REDACTED:seed-phrase]");
    assert_eq!(
        summary,
        RedactionSummary {
            counts: [
                ("session-cookie", 1),
                ("secret", 1),
                ("password", 1),
                ("seed-phrase", 1)
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            total: 4,
        }
    );

    // The summary is counts only.
    let serialized = serde_json::to_value(&summary).unwrap();
    assert_eq!(
        serialized,
        json!({"counts": {"password": 1, "secret": 1, "seed-phrase": 1, "session-cookie": 1}, "total": 4})
    );
    for value in ["sid=abc", "not-a-known-format", "hunter2", "abandon"] {
        assert!(!serialized.to_string().contains(value));
    }
}

#[test]
fn support_safe_values_survive() {
    let redactor = redactor();
    let text = "quote pool_quote_live_123 trade pool_trade_live_456 request req_01HZY0POOLS partner partner_123 \
                sandbox pq_test_123 ticket task_test_2041 event evt_live_0001 ledger ledger_2026_11_23 \
                x-request-id: 3f2b8c1e-9a4d-4f6b-8e2a-7c5d1b0e9f34 at 2026-11-23T05:31:07Z and 2026-11-23T06:31:07+01:00, \
                amount 25.00 EUR, fee 0.35 EUR, limit 10000 USDT, contact finance_ops / @partner-ops, \
                reference 4242424242424241, GB82WEST12345698765433, escalate to support@0bit.io, \
                digest 5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060, \
                Credentials: live secret keys server-side only. Password rotation has been tested; \
                webhook_signature_verified: true";
    let mut summary = RedactionSummary::default();
    let out = redactor.redact_text(text, &mut summary);
    assert_eq!(out, text);
    assert!(summary.is_empty(), "{summary:?}");
}

fn toml_strings(v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::String(s) => out.push(s.clone()),
        toml::Value::Array(a) => a.iter().for_each(|x| toml_strings(x, out)),
        toml::Value::Table(t) => {
            for (k, x) in t {
                out.push(k.clone());
                toml_strings(x, out);
            }
        }
        _ => {}
    }
}

/// The built-in templates' own words end up in every packet (titles, guidance, rollback rules): redaction must
/// leave them as written.
#[test]
fn built_in_template_text_survives() {
    let redactor = redactor();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let mut strings = Vec::new();
    for entry in std::fs::read_dir(dir).expect("templates/ exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let value: toml::Value = toml::from_str(&text).unwrap();
            toml_strings(&value, &mut strings);
        }
    }
    assert!(strings.len() > 100, "the templates were read");
    for s in &strings {
        let findings = redactor.scan(s);
        assert!(
            findings.is_empty(),
            "template text would be redacted: {s:?}: {findings:?}"
        );
    }
}

#[test]
fn values_the_app_generates_are_never_cut_but_anything_else_under_their_keys_is_scanned() {
    let redactor = Redactor::new(&["dead".to_string()]);
    let mut summary = RedactionSummary::default();
    let id = "ev_0193dead00000000000000000000beef";
    let digest = "deadbeef".repeat(8);
    let value = json!({
        "id": id,
        "sha256": digest,
        "recorded_at": "2026-11-23T05:31:07.000Z",
        "note": "routed via dead provider",
        "superseded_by": "sk_live_FAKE0notreal00000000000000",
    });
    let out = redactor.redact_json(&value, &mut summary);
    assert_eq!(out["id"], id, "a generated id is kept whole");
    assert_eq!(out["sha256"], digest.as_str());
    assert_eq!(out["note"], "routed via [REDACTED:private-term] provider");
    assert_eq!(
        out["superseded_by"], "[REDACTED:api-key]",
        "a secret in an id field is still found"
    );
    assert_eq!(summary.total, 2);
}
