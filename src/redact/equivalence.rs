//! The detectors' gates ([`crate::redact::detect::prefilter`]) and the in-place JSON redaction change nothing:
//! for the shared corpus, for mutations of it and for generated texts and documents, every detector family, the
//! redactor's scan, text, header and JSON paths give exactly what they give with every detector run on every text
//! and with the JSON walked the way it was before (a full copy, every string scanned, no memo).

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{json, Map, Value};

use super::detect::prefilter::Hints;
use super::detect::{fields, pii, vendor, Finding};
use super::redactor::generated_by_the_app;
use super::{placeholder, RedactionSummary, Redactor};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/redaction-corpus.jsonl"
);

fn corpus() -> Vec<String> {
    let text = std::fs::read_to_string(CORPUS).expect("the redaction corpus exists");
    let texts: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a corpus line is JSON");
            v["text"].as_str().expect("text").to_string()
        })
        .collect();
    assert!(texts.len() >= 40, "the corpus was read");
    texts
}

/// Fragments that trigger (or nearly trigger) every detector, with the characters that case folding makes
/// interesting (`K` KELVIN SIGN, `ſ` LONG S), separators, placeholders and multi-byte text.
const PIECES: &[&str] = &[
    "sk_live_FAKE0notreal00000000000000",
    "rk_test_FAKE0notreal0000",
    "pk_live_short",
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "whsk_AAAAAAAAAAAAAAAAAAAA=",
    "AKIAIOSFODNN7EXAMPLE",
    "ASIA0000000000000000",
    "aws_secret_access_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"",
    "AWS_ſECRET_ACCESS_\u{212a}EY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "SK0123456789abcdef0123456789abcdef",
    "SG.abcdefghijklmnop1234.abcdefghijklmnop5678",
    "AIzaSyA-1234567890abcdefghijklmnopqrstu",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "gho_",
    "github_pat_11ABCDEFG0123456789_abcdefghij",
    "eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.abcdefghijklmnop",
    "Bearer fake-opaque-token-0000000000",
    "BEARER abcdefgh12345678",
    "bEaReR\tabcdefgh==",
    "sq0atp-abcdefghijklmnopqrstuv",
    "https://hooks.slack.com/services/T000/B000/XXXX",
    "xoxb-1234567890-abc",
    "Basic Ym9iOnNlY3JldA==",
    "BAſIC Ym9iOnNlY3JldA==",
    "https://u:p4ss@h.example.com/",
    "HTTPS://USER:PW@HOST/",
    "v1=5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "v1,K6mHvY9sM0Sxw1nGmNwo1Ir2pvjK8k1Ya5NYcU01234=",
    "X-Hub-Signature-256: sha256=5c504ed432cb51138bcf09aa5e8a410dd4a1e204",
    "x-hub-ſignature: sha1=5c504ed432cb51138bcf09aa5e8a410dd4a1e204",
    "partner_api_key = \"abcdefgh1234\"",
    "api_\u{212a}ey: abcdefgh1234",
    "client-secret=abcdefgh1234",
    "password=hunter2222",
    "paſſword: hunter2222",
    "PASSWD=\"hunter2222\"",
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----",
    "-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\nabc",
    "-----BEGIN ",
    "jane.doe@example.com",
    "ops+alerts@corp.example.co.uk",
    "@partner-ops",
    "+44 20 7946 0958",
    "+1 (415) 555-0132",
    "+1000000.00",
    "415-555-0198",
    "(415) 555-0198",
    "415.555.0198",
    "415 555 0198",
    "1-415-555-0198",
    "1 (415) 555-0198",
    "0044 20 7946 0958",
    "0049-151-1234-5678",
    "004915112345678",
    "0044(20)79460958",
    "004420)79460958",
    "routing number 021000021",
    "ABA #: 026009593",
    "RTN 021000022",
    "acct # 000123456789",
    "\"account_number\": \"12345678\"",
    "021000021, account 000123456789",
    "sort code 12-34-56",
    "Sort_Code: 123456",
    "12-34-56 12345678",
    "DOB: 1985-04-12",
    "D.O.B. 12/04/1985",
    "date of birth 12 April 1985",
    "born on April 12, 1985",
    "fecha de nacimiento: 12.04.1985",
    "\"birthDate\": \"1985-04-12T00:00:00Z\"",
    "passport no X1234567",
    "Pasaporte: PAA123456",
    "passport photo",
    "paſſport #: AB1234567",
    "ſort code 12-34-56",
    "session=abc123def",
    "ſeſſion=abc123def",
    "JSESSIONID=ABC123.node1",
    "PHPSESSID=el4ukv0kqbvoirg7nkp4dncpk3",
    "connect.sid=s%3Aabc.def",
    "_shop_session=BAh7B0kiD3Nlc3Npb25faWQ",
    "session_id=cs_live_a1B2c3",
    "Set-Cookie: sessionid=9f8e7d; Path=/; HttpOnly",
    "session=persistent",
    "1.22.333",
    "250-500-1000 ms",
    "192.168.100.200",
    "1,234,567.89",
    "7200 s",
    "1700000000",
    "GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000",
    "GB82WEST12345698765433",
    "4242 4242 4242 4242",
    "3782-822463-10005",
    "5555555555554444",
    "1700000000006",
    "12345678-1234-1234-1234-123456789012",
    "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    "bc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq9e75rs",
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "abandon abandon abandon abandon abandon abandon",
    "abandon about",
    "1. legal 2. winner 3. thank",
    "Authorization: Bearer abc.def",
    "Cookie: sid=abc; theme=dark",
    "Set-Cookie: a=1",
    "X-Api-Key: anything at all",
    "Stripe-Signature: t=1493329224,v1=dca1",
    "webhook-signature: v1,abc= v1a,def=",
    "\"password\": \"hunter two\"",
    "\\\"secret\\\": \\\"x\\\"",
    "token=abc123&page=2",
    "secret: rotate it weekly",
    "api.key=",
    "cvv=123",
    "security_code: 9x9",
    "mnemonic: ",
    "credentials: live",
    "auth=",
    "Credentials: live secret keys server-side only",
    "LiquidityProviderX",
    "LIQUIDITYPROVIDERX",
    "SPECIAL",
    "ſpecial",
    "kelvin",
    "\u{212a}ELVIN",
    "ÉTÉ",
    "EU-OTC\tROUTE   7",
    "dead",
    "[REDACTED:email]",
    "[REDACTED",
    "request_id req_00000000",
    "pool_quote_live_123",
    "task_test_2041",
    "2026-11-23T05:31:07Z",
    "2026-11-23T06:31:07+01:00",
    "Check 0.0: webhook retries and ledger ids",
    "Verified run 7; contact ops@example.com if it regresses",
    "é",
    "🔑",
    "\u{a0}",
    "\u{212a}",
    "ſ",
    "0x",
    "12",
    "-",
    "_",
    ".",
    ":",
    "=",
    "\"",
    "'",
    "\\n",
    "(",
    ")",
    ",",
    ";",
    "+",
    "@",
];

const GLUE: &[&str] = &["", " ", "\n", ", ", ": ", "=", "\"", "_", "-"];

/// Private terms, including ones whose non-ASCII letters match ASCII text under case folding.
fn terms() -> Vec<String> {
    [
        "LiquidityProviderX",
        "eu-otc route 7",
        "ſpecial",
        "\u{212a}elvin",
        "été",
        "dead",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

fn generated_texts(rng: &mut Rng, count: usize) -> Vec<String> {
    (0..count)
        .map(|_| {
            let glue = rng.pick(GLUE);
            let mut text = String::new();
            for _ in 0..rng.below(8) + 1 {
                text.push_str(rng.pick(PIECES));
                text.push_str(if rng.below(4) == 0 {
                    rng.pick(GLUE)
                } else {
                    glue
                });
            }
            text
        })
        .collect()
}

/// A text changed a little: a letter's case flipped, a character replaced by one that folds to ASCII, one removed,
/// a fragment inserted, or the text cut short.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..rng.below(3) + 1 {
        if chars.is_empty() {
            break;
        }
        let at = rng.below(chars.len());
        match rng.below(6) {
            0 => {
                let c = chars[at];
                chars[at] = if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
            }
            1 => chars[at] = ['\u{212a}', 'ſ', 'é', ' ', '\n', '=', ':', '@', '+'][rng.below(9)],
            2 => {
                chars.remove(at);
            }
            3 => {
                let piece: Vec<char> = rng.pick(PIECES).chars().collect();
                chars.splice(at..at, piece);
            }
            4 => chars.truncate(at),
            _ => chars.insert(at, (b'0' + rng.below(10) as u8) as char),
        }
    }
    chars.into_iter().collect()
}

fn raw_findings(text: &str, hints: &Hints) -> [Vec<Finding>; 3] {
    let mut v = Vec::new();
    vendor::find_with(text, hints, &mut v);
    let mut p = Vec::new();
    pii::find_with(text, hints, &mut p);
    let mut f = Vec::new();
    fields::assignments_with(text, hints, &mut f);
    [v, p, f]
}

fn assert_same_text(gated: &Redactor, reference: &Redactor, text: &str) {
    assert_eq!(
        raw_findings(text, &Hints::new(text)),
        raw_findings(text, &Hints::exhaustive()),
        "detector findings differ for {text:?}"
    );
    assert_eq!(gated.scan(text), reference.scan(text), "scan of {text:?}");
    let (mut a, mut b) = (RedactionSummary::default(), RedactionSummary::default());
    assert_eq!(
        gated.redact_text(text, &mut a),
        reference.redact_text(text, &mut b),
        "{text:?}"
    );
    assert_eq!(a, b, "{text:?}");
    let headers = [
        ("X-Note".to_string(), text.to_string()),
        ("Authorization".to_string(), text.to_string()),
        (text.to_string(), "v".to_string()),
    ];
    let (mut a, mut b) = (RedactionSummary::default(), RedactionSummary::default());
    assert_eq!(
        gated.redact_headers(&headers, &mut a),
        reference.redact_headers(&headers, &mut b),
        "headers with {text:?}"
    );
    assert_eq!(a, b, "{text:?}");
}

fn redactors() -> (Redactor, Redactor) {
    let gated = Redactor::new(&terms());
    let reference = Redactor::new(&terms()).without_gates();
    (gated, reference)
}

#[test]
fn the_gates_change_nothing_on_the_corpus_and_its_mutations() {
    let (gated, reference) = redactors();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for text in corpus() {
        assert_same_text(&gated, &reference, &text);
        for _ in 0..40 {
            assert_same_text(&gated, &reference, &mutate(&mut rng, &text));
        }
    }
}

#[test]
fn the_gates_change_nothing_on_generated_texts() {
    let (gated, reference) = redactors();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for text in generated_texts(&mut rng, 2500) {
        assert_same_text(&gated, &reference, &text);
        assert_same_text(&gated, &reference, &mutate(&mut rng, &text));
    }
    // Every fragment alone, and folded to either case.
    for piece in PIECES {
        for text in [
            piece.to_string(),
            piece.to_uppercase(),
            piece.to_lowercase(),
            piece.to_ascii_uppercase(),
        ] {
            assert_same_text(&gated, &reference, &text);
        }
    }
}

#[test]
fn the_gates_change_nothing_on_template_text() {
    let (gated, reference) = redactors();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).expect("templates/ exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                assert_same_text(&gated, &reference, line);
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "the templates were read");
}

/// Case folding reaches ASCII text from non-ASCII patterns and back: the gates must not skip these.
#[test]
fn folded_letters_are_still_found() {
    let (gated, _) = redactors();
    for (text, class) in [
        ("paſſword=hunter2222", "password"),
        ("Bearer abcdefgh12345678", "token"),
        ("api_\u{212a}ey: abcdefgh1234", "api-key"),
        ("routed via SPECIAL today", "private-term"),
        ("routed via KELVIN today", "private-term"),
        ("paſſport no X1234567", "passport-number"),
        ("ſort code 12-34-56", "bank-account"),
        ("ſeſſion=abc123def", "session-cookie"),
        ("connect.ſid=s%3Aabc.def", "session-cookie"),
    ] {
        let findings = gated.scan(text);
        assert!(
            findings.iter().any(|f| f.class == class),
            "{text:?}: {findings:?}"
        );
    }
}

// ---- What `Redactor::default()` keeps and removes: the corpus, and the shapes the detectors must tell apart ----

/// Support-safe text that looks like the values the phone, bank, date-of-birth, passport and session-cookie
/// detectors find: ids, timestamps, amounts, versions, addresses, durations, unlabelled numbers and dates, and the
/// label words without a value.
const SUPPORT_SAFE: &[&str] = &[
    "settled on 2026-11-23, recorded 2026-11-23T05:31:07Z and 2026-11-23T06:31:07+01:00",
    "x-request-id: 3f2b8c1e-9a4d-4f6b-8e2a-7c5d1b0e9f34",
    "limit 10000 USDT, fee 25.00 EUR, volume 1,234,567.89 EUR",
    "quote pool_quote_live_123 request req_01HZY0POOLS ticket task_test_2041",
    "client 1.22.333 on 192.168.100.200, 10.0.0.1 and 203.0.113.42 (2001:db8::1)",
    "ids req_4155550198, id415-555-0198, ref 12-415-555-0198-7, 415-555-0198x",
    "TTL 7200 s, window 3600 s, epoch 1700000000, ms 1700000000006",
    "quote 021000021 settled; amount 123456789 units; reference 987654321",
    "signed 12 April 1985; effective 12/04/1985; review 04/12/2026",
    "partner id or account name, account 12345678 is the ledger's",
    "sort by date; 12-34-56 is a build tag",
    "session_id: cs_test_123",
    "{\"session_id\": \"cs_test_123\", \"sessions\": 3}",
    "session=persistent; session timeout = 30",
    "passport photo uploaded; passport expired 2024",
    "DOB: pending; born in 1985; dob_verified: true",
    "routing decisions stay internal; ABA format checked",
    "0044 20",
    "latency buckets 250-500-1000 ms; limits 200 400 8000",
    "amount 0012.3456789",
];

/// Each new class in a sentence, a JSON string and a header dump: (text, class, the value that must go).
const NEW_FINDINGS: &[(&str, &str, &str)] = &[
    (
        "Call the partner on 415-555-0198 before cutover.",
        "phone",
        "415-555-0198",
    ),
    (
        "{\"contact\": \"(415) 555-0198\"}",
        "phone",
        "(415) 555-0198",
    ),
    (
        "X-Callback: 1 (415) 555-0198\r\n",
        "phone",
        "1 (415) 555-0198",
    ),
    (
        "UK desk 0044 20 7946 0958 after 18:00",
        "phone",
        "0044 20 7946 0958",
    ),
    (
        "Wire via routing number 021000021 today.",
        "bank-account",
        "021000021",
    ),
    (
        "{\"account_number\": \"000123456789\"}",
        "bank-account",
        "000123456789",
    ),
    (
        "X-Payout: 021000021, account 000123456789\n",
        "bank-account",
        "000123456789",
    ),
    (
        "sort code 12-34-56, account 12345678",
        "bank-account",
        "12-34-56",
    ),
    (
        "pay 12-34-56 12345678 by Friday",
        "bank-account",
        "12345678",
    ),
    (
        "KYC note: DOB 12/04/1985, verified",
        "date-of-birth",
        "12/04/1985",
    ),
    (
        "{\"date_of_birth\": \"1985-04-12\"}",
        "date-of-birth",
        "1985-04-12",
    ),
    (
        "fecha de nacimiento: 12 de abril de 1985",
        "date-of-birth",
        "12 de abril de 1985",
    ),
    (
        "Passport number AB1234567 checked",
        "passport-number",
        "AB1234567",
    ),
    (
        "{\"passport_no\": \"K1234567\"}",
        "passport-number",
        "K1234567",
    ),
    ("X-Account-Number: 9876-5432\n", "bank-account", "9876-5432"),
    (
        "Cookie: theme=dark; sid=abc123\n",
        "session-cookie",
        "sid=abc123",
    ),
    (
        "curl -b 'sessionid=8f3e2a1b9c7d' https://x.example",
        "session-cookie",
        "8f3e2a1b9c7d",
    ),
    (
        "{\"headers\": [\"Set-Cookie: JSESSIONID=ABC123.node1; Secure\"]}",
        "session-cookie",
        "ABC123.node1",
    ),
];

#[test]
fn the_default_redactor_keeps_support_safe_text_and_removes_the_rest() {
    let r = Redactor::default();
    let text = std::fs::read_to_string(CORPUS).expect("the redaction corpus exists");
    let mut keeps = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: Value = serde_json::from_str(line).expect("a corpus line is JSON");
        let text = row["text"].as_str().expect("text");
        let values = |key: &str| -> Vec<String> {
            row[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut summary = RedactionSummary::default();
        let out = r.redact_text(text, &mut summary);
        if row["class"] == "keep" {
            keeps += 1;
            assert_eq!(out, text, "{}", row["id"]);
            for value in values("must_contain") {
                assert!(out.contains(&value), "{}: {value:?} lost", row["id"]);
            }
        } else {
            for value in values("must_not_contain") {
                assert!(
                    !out.contains(&value),
                    "{}: {value:?} survived in {out:?}",
                    row["id"]
                );
            }
        }
    }
    assert!(keeps >= 5, "the keep rows were read");
    for text in SUPPORT_SAFE {
        let mut summary = RedactionSummary::default();
        assert_eq!(r.redact_text(text, &mut summary), *text);
        assert!(summary.is_empty(), "{text:?}: {summary:?}");
    }
    for (text, class, value) in NEW_FINDINGS {
        let mut summary = RedactionSummary::default();
        let out = r.redact_text(text, &mut summary);
        assert!(!out.contains(value), "{text:?} -> {out:?}");
        assert!(
            summary.counts.contains_key(*class),
            "{text:?} -> {out:?}: {summary:?}"
        );
        // Redacted once, nothing is left to find.
        let mut again = RedactionSummary::default();
        assert_eq!(r.redact_text(&out, &mut again), out);
        assert!(again.is_empty(), "{out:?}: {again:?}");
    }
}

// ---- JSON: the in-place walk against the copying walk it replaced ----

static OLD_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:ev|so|dc)_[0-9a-f]{32}$").unwrap());
static OLD_TIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$").unwrap());
static OLD_SHA256: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9a-f]{64}$").unwrap());

fn old_generated_by_the_app(key: &str, value: &Value) -> bool {
    let Value::String(s) = value else {
        return false;
    };
    let shape: &Regex = match key {
        "id" | "supersedes" | "superseded_by" => &OLD_ID,
        "at" | "recorded_at" | "signed_at" | "status_at" | "created_at" | "generated_at"
        | "decided_at" | "evaluated_at" => &OLD_TIME,
        "sha256" | "scope_digest" | "audit_head_hash" | "digest" => &OLD_SHA256,
        _ => return false,
    };
    shape.is_match(s)
}

fn old_replace_whole(
    r: &Redactor,
    value: &Value,
    class: &'static str,
    summary: &mut RedactionSummary,
) -> Value {
    let class = match value {
        Value::Null | Value::Bool(_) => None,
        Value::String(s) => r.whole_value_class(s, class),
        Value::Array(a) if a.is_empty() => None,
        Value::Object(o) if o.is_empty() => None,
        Value::Number(_) | Value::Array(_) | Value::Object(_) => Some(class),
    };
    match class {
        Some(class) => {
            summary.record(class);
            Value::String(placeholder(class))
        }
        None => value.clone(),
    }
}

/// The JSON walk as it was: a new value built from the old one, every string and key through `redact_text`.
fn old_redact_value(r: &Redactor, value: &Value, summary: &mut RedactionSummary) -> Value {
    match value {
        Value::String(s) => Value::String(r.redact_text(s, summary)),
        Value::Number(n) if n.is_u64() || n.is_i64() => {
            let digits = n.to_string();
            match r.scan(&digits).as_slice() {
                [f] if f.start == 0 && f.end == digits.len() => {
                    summary.record(f.class);
                    Value::String(placeholder(f.class))
                }
                _ => value.clone(),
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| old_redact_value(r, v, summary))
                .collect(),
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                let v = match fields::sensitive_name(key) {
                    Some(class) => old_replace_whole(r, v, class, summary),
                    None if old_generated_by_the_app(key, v) => v.clone(),
                    None => old_redact_value(r, v, summary),
                };
                let mut new_key = r.redact_text(key, summary);
                if new_key != *key {
                    let base = new_key.clone();
                    let mut n = 2;
                    while out.contains_key(&new_key) || map.contains_key(&new_key) {
                        new_key = format!("{base}#{n}");
                        n += 1;
                    }
                }
                out.insert(new_key, v);
            }
            Value::Object(out)
        }
        Value::Number(_) | Value::Bool(_) | Value::Null => value.clone(),
    }
}

const KEYS: &[&str] = &[
    "id",
    "supersedes",
    "recorded_at",
    "generated_at",
    "sha256",
    "digest",
    "summary",
    "note",
    "value",
    "items",
    "password",
    "client_secret",
    "Authorization",
    "webhook_signature_verified",
    "token",
    "api_key",
    "card",
    "Cookie",
    "JSESSIONID",
    "_shop_session",
    "session_id",
    "account_number",
    "date_of_birth",
    "passport_no",
    "LiquidityProviderX",
    "liquidityproviderx",
    "LiquidityProviderX_route",
    "dead",
    "DEAD",
    "[REDACTED:private-term]",
    "[REDACTED:private-term]#2",
    "jane.doe@example.com",
    "x",
];

/// Values shaped like the app's own ids, timestamps and digests, and near misses of each.
fn shaped(rng: &mut Rng) -> String {
    let hex = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| b"0123456789abcdef"[rng.below(16)] as char)
            .collect()
    };
    let text = match rng.below(6) {
        0 => format!("ev_{}", hex(rng, 32)),
        1 => format!("so_0193dead{}", hex(rng, 24)),
        2 => "2026-11-23T05:31:07.000Z".to_string(),
        3 => "2026-11-23T05:31:07Z".to_string(),
        4 => format!("dead{}", hex(rng, 60)),
        _ => "٢٠٢٦-11-23T05:31:07Z".to_string(),
    };
    if rng.below(3) == 0 {
        mutate(rng, &text)
    } else {
        text
    }
}

fn generated_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth == 0 { 5 } else { 9 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => [
            json!(4242424242424242u64),
            json!(1234),
            json!(-7),
            json!(1.5),
            json!(1700000000006u64),
        ][rng.below(5)]
        .clone(),
        3 => Value::String(shaped(rng)),
        4 => Value::String(generated_texts(rng, 1).remove(0)),
        5 | 6 => Value::Array(
            (0..rng.below(4))
                .map(|_| generated_value(rng, depth - 1))
                .collect(),
        ),
        _ => {
            let mut map = Map::new();
            for _ in 0..rng.below(6) {
                let key = if rng.below(5) == 0 {
                    generated_texts(rng, 1).remove(0)
                } else {
                    rng.pick(KEYS).to_string()
                };
                map.insert(key, generated_value(rng, depth - 1));
            }
            Value::Object(map)
        }
    }
}

#[test]
fn the_in_place_json_walk_equals_the_copying_walk() {
    let (gated, reference) = redactors();
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for round in 0..400 {
        let doc = generated_value(&mut rng, 4);
        // The same document twice, so the memo replays what it has seen.
        let doc = json!({ "a": doc, "b": doc, "round": round });
        let (mut new_summary, mut old_summary) =
            (RedactionSummary::default(), RedactionSummary::default());
        let new = gated.redact_json(&doc, &mut new_summary);
        let old = old_redact_value(&reference, &doc, &mut old_summary);
        assert_eq!(new, old, "{doc}");
        assert_eq!(new_summary, old_summary, "{doc}");
    }
    // Keys that redact to the same placeholder, or to one the object already has.
    let doc = json!({
        "LiquidityProviderX": 1,
        "liquidityproviderx": 2,
        "[REDACTED:private-term]": 3,
        "[REDACTED:private-term]#2": 4,
        "dead": { "DEAD": 5, "dead": 6 },
    });
    let (mut a, mut b) = (RedactionSummary::default(), RedactionSummary::default());
    let new = gated.redact_json(&doc, &mut a);
    assert_eq!(new, old_redact_value(&reference, &doc, &mut b));
    assert_eq!(a, b);
    assert_eq!(new.as_object().unwrap().len(), 5);
}

#[test]
fn generated_shapes_are_recognized_as_before() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    for _ in 0..5000 {
        let value = Value::String(shaped(&mut rng));
        for key in ["id", "superseded_by", "recorded_at", "at", "sha256", "note"] {
            assert_eq!(
                generated_by_the_app(key, &value),
                old_generated_by_the_app(key, &value),
                "{key}: {value}"
            );
        }
    }
    for time in [
        "2026-11-23T05:31:07Z",
        "2026-11-23T05:31:07.1Z",
        "2026-11-23T05:31:07.123456789Z",
        "2026-11-23T05:31:07.1234567890Z",
        "2026-11-23T05:31:07.Z",
        "2026-11-23T05:31:07",
        "2026-11-23 05:31:07Z",
        "2026-11-23T05:31:07Z\n",
        "٢٠٢٦-11-23T05:31:07Z",
        "2026-11-23T05:31:07.٣Z",
    ] {
        let value = Value::String(time.to_string());
        assert_eq!(
            generated_by_the_app("recorded_at", &value),
            old_generated_by_the_app("recorded_at", &value),
            "{time:?}"
        );
    }
}
