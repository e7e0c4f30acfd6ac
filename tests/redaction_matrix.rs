//! The redaction property test, through the real CLI: every secret and personal record of the corpus
//! (`tests/vectors/redaction-corpus.jsonl` plus `redaction-extra.jsonl`, the formats and cases the redaction issue
//! found missing, and `redaction-fresh.jsonl`, a corpus of other vendors, formats and values written to test the
//! classes rather than the examples), wrapped in every encoding a value plausibly arrives in, typed into every field the CLI accepts.
//! Each attempt is either refused — and then its error, on stderr and in `--json`, must not quote the value — or
//! accepted, and then no output may carry it: the command's own output, the packet (JSON, and the PDF read back
//! with `pdftotext`), the escalation (JSON, text, PDF) and, for secrets, the local views.
//!
//! "Carry it" means in any of the encodings below, found by decoding every output independently of the product's
//! own decoder (percent, HTML, JSON and quoted-printable escapes, Base64 / Base64url / hex tokens, invisible
//! characters, compatibility forms). The keep rows' support-safe ids, UUIDs, amounts, timestamps and team handles
//! must come out unchanged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{LazyLock, Mutex};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");

#[derive(Debug, Clone)]
struct Record {
    id: String,
    class: String,
    text: String,
    must_not_contain: Vec<String>,
    must_contain: Vec<String>,
    /// Whether the sensitive value is recognisable on its own, without the words around it. A bearer token's
    /// opaque body, a password from a URL, a labelled routing number or date of birth are not: typed alone into an
    /// id field they are indistinguishable from an id, so value fields get the whole text for them.
    bare: bool,
    /// For a record of the fresh corpus, its place in it: it runs in plain text and three other encodings of the
    /// twelve (in turn), which keeps the whole matrix within CI's time while every encoding sees fresh records.
    fresh: Option<usize>,
}

impl Record {
    fn runs_in(&self, encoding: usize) -> bool {
        self.fresh.is_none_or(|k| {
            let others = ENCODINGS.len() - 1;
            encoding == 0 || (0..3).any(|j| 1 + (k * 3 + j) % others == encoding)
        })
    }
}

/// Corpus records whose value says nothing on its own (see [`Record::bare`]).
const CONTEXT_ONLY: &[&str] = &["bearer", "url-userinfo"];

fn records(file: &str) -> Vec<Record> {
    let path = format!("{VECTORS}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let list = |v: &Value, k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let fresh = file == "redaction-fresh.jsonl";
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(k, l)| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}: {e}: {l}"));
            Record {
                id: v["id"].as_str().unwrap().into(),
                class: v["class"].as_str().unwrap().into(),
                text: v["text"].as_str().unwrap().into(),
                must_not_contain: list(&v, "must_not_contain"),
                must_contain: list(&v, "must_contain"),
                bare: v.get("bare").and_then(Value::as_bool).unwrap_or(true)
                    && !CONTEXT_ONLY.contains(&v["id"].as_str().unwrap()),
                fresh: fresh.then_some(k),
            }
        })
        .collect()
}

fn all_records() -> Vec<Record> {
    let mut all = records("redaction-corpus.jsonl");
    all.extend(records("redaction-extra.jsonl"));
    all.extend(records("redaction-fresh.jsonl"));
    all
}

// ---------------------------------------------------------------------------------------------------------------
// Encodings: how a value arrives.

type Encode = fn(&str) -> String;

fn plain(s: &str) -> String {
    s.to_string()
}

fn percent_reserved(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn percent_all(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02x}")).collect()
}

fn percent_twice(s: &str) -> String {
    percent_reserved(s).replace('%', "%25")
}

fn html_entities(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("&#{};", c as u32)
            }
        })
        .collect()
}

fn html_hex_all(s: &str) -> String {
    s.chars().map(|c| format!("&#x{:X};", c as u32)).collect()
}

fn json_unicode(s: &str) -> String {
    s.encode_utf16().map(|u| format!("\\u{u:04x}")).collect()
}

fn quoted_printable(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b' ' {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            }
        })
        .collect()
}

fn zero_width(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && i % 3 == 0 {
            out.push('\u{200B}');
        }
        out.push(c);
    }
    out
}

fn fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap(),
            _ => c,
        })
        .collect()
}

fn base64_std(s: &str) -> String {
    STANDARD.encode(s)
}

fn base64_url(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(s)
}

fn hex_lower(s: &str) -> String {
    hex::encode(s)
}

const ENCODINGS: &[(&str, Encode)] = &[
    ("plain", plain),
    ("percent", percent_reserved),
    ("percent-all", percent_all),
    ("percent-twice", percent_twice),
    ("html", html_entities),
    ("html-hex", html_hex_all),
    ("json-unicode", json_unicode),
    ("quoted-printable", quoted_printable),
    ("zero-width", zero_width),
    ("fullwidth", fullwidth),
    ("base64", base64_std),
    ("base64url", base64_url),
    ("hex", hex_lower),
];

// ---------------------------------------------------------------------------------------------------------------
// Finding a value in an output, in any encoding: the output is decoded layer by layer, independently of the
// product's decoder, and each view is searched with whitespace removed (PDF lines wrap anywhere).

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).unwrap()
}

static PCT: LazyLock<regex::Regex> = LazyLock::new(|| regex(r"(?:%[0-9A-Fa-f]{2})+"));
static HTML: LazyLock<regex::Regex> = LazyLock::new(|| regex(r"&#(x[0-9A-Fa-f]+|[0-9]+);?"));
static JSON_U: LazyLock<regex::Regex> = LazyLock::new(|| regex(r"\\u([0-9A-Fa-f]{4})"));
static QP: LazyLock<regex::Regex> = LazyLock::new(|| regex(r"=([0-9A-F]{2})"));
static TOKEN: LazyLock<regex::Regex> = LazyLock::new(|| regex(r"[A-Za-z0-9+/_\-]{8,}={0,2}"));

fn unescape_once(s: &str) -> String {
    let re_pct = &*PCT;
    let s = re_pct.replace_all(s, |c: &regex::Captures| {
        let bytes: Vec<u8> = c[0]
            .as_bytes()
            .chunks(3)
            .map(|t| u8::from_str_radix(std::str::from_utf8(&t[1..]).unwrap(), 16).unwrap())
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    });
    let re_html = &*HTML;
    let s = re_html.replace_all(&s, |c: &regex::Captures| {
        let n = &c[1];
        let code = match n.strip_prefix('x') {
            Some(h) => u32::from_str_radix(h, 16).unwrap_or(0xFFFD),
            None => n.parse().unwrap_or(0xFFFD),
        };
        char::from_u32(code).unwrap_or('\u{FFFD}').to_string()
    });
    let re_u = &*JSON_U;
    let s = re_u.replace_all(&s, |c: &regex::Captures| {
        char::from_u32(u32::from_str_radix(&c[1], 16).unwrap())
            .unwrap_or('\u{FFFD}')
            .to_string()
    });
    let re_qp = &*QP;
    let s = re_qp.replace_all(&s, |c: &regex::Captures| {
        let b = u8::from_str_radix(&c[1], 16).unwrap();
        if (0x20..0x7F).contains(&b) {
            (b as char).to_string()
        } else {
            c[0].to_string()
        }
    });
    s.replace("&amp;", "&")
        .replace(
            [
                '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{AD}',
            ],
            "",
        )
        .nfkc()
        .collect()
}

/// Every decoding of the Base64, Base64url and hex tokens of `s` that gives text.
fn decoded_tokens(s: &str) -> Vec<String> {
    let re = &*TOKEN;
    let mut out = Vec::new();
    for m in re.find_iter(s) {
        let token = m.as_str();
        let unpadded = token.trim_end_matches('=');
        for bytes in [
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(unpadded)
                .ok(),
            URL_SAFE_NO_PAD.decode(unpadded).ok(),
            hex::decode(token).ok(),
        ]
        .into_iter()
        .flatten()
        {
            if let Ok(text) = String::from_utf8(bytes) {
                out.push(text);
            }
        }
    }
    out
}

/// The views of an output a value is looked for in.
fn views(output: &str) -> Vec<String> {
    let mut views = vec![output.to_string()];
    let mut current = output.to_string();
    for _ in 0..3 {
        let next = unescape_once(&current);
        if next == current {
            break;
        }
        views.push(next.clone());
        current = next;
    }
    let tokens: Vec<String> = views.iter().flat_map(|v| decoded_tokens(v)).collect();
    views.extend(tokens);
    views.into_iter().map(|v| squash(&v)).collect()
}

/// The value's needles: itself and each of its encodings, whitespace removed, at least 8 characters long.
fn needles(value: &str) -> Vec<String> {
    let mut list: Vec<String> = ENCODINGS.iter().map(|(_, e)| squash(&e(value))).collect();
    list.push(hex_lower(value).to_uppercase());
    list.push(squash(value).to_lowercase());
    list.retain(|n| n.chars().count() >= 8);
    list.sort();
    list.dedup();
    list
}

fn leaks(output: &str, value: &str) -> bool {
    leaks_in(&views(output), &needles(value))
}

fn leaks_in(views: &[String], needles: &[String]) -> bool {
    views
        .iter()
        .any(|v| needles.iter().any(|n| v.contains(n.as_str())))
}

// ---------------------------------------------------------------------------------------------------------------
// The CLI.

struct Cli {
    dir: PathBuf,
}

struct Run {
    ok: bool,
    output: String,
}

impl Cli {
    fn db(&self) -> PathBuf {
        self.dir.join("w.sqlite")
    }

    fn run(&self, actor: &str, json: bool, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
        cmd.arg("--db").arg(self.db()).arg("--actor").arg(actor);
        if json {
            cmd.arg("--json");
        }
        let out = cmd
            .args(args)
            .env("GOLIVE_BUSY_TIMEOUT", "30")
            .output()
            .expect("golive runs");
        Run {
            ok: out.status.success(),
            output: format!(
                "{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }

    fn ok(&self, args: &[&str]) -> String {
        let r = self.run("launch_ops", true, args);
        assert!(r.ok, "golive {args:?} failed: {}", r.output);
        r.output
    }
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The first live item of the launch that accepts `kind` (and its identifier type, for identifiers).
fn item_accepting(items: &Value, kind: &str) -> (String, Option<String>) {
    items
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["environment"] == "live")
        .find_map(|i| {
            i["accepts"].as_array().unwrap().iter().find_map(|a| {
                (a["kind"] == kind).then(|| {
                    (
                        i["id"].to_string(),
                        a["identifier_type"].as_str().map(str::to_string),
                    )
                })
            })
        })
        .unwrap_or_else(|| panic!("no live item accepts {kind}"))
}

/// What the matrix saw, per field: attempts, refusals, acceptances, outputs searched; and the leaks.
#[derive(Default)]
struct Tally {
    cells: BTreeMap<&'static str, [usize; 3]>,
    outputs_searched: usize,
    leaks: Vec<String>,
}

impl Tally {
    fn attempt(&mut self, field: &'static str, accepted: bool) {
        let c = self.cells.entry(field).or_default();
        c[0] += 1;
        c[if accepted { 2 } else { 1 }] += 1;
    }

    /// Searches one output for every value of `values` (each with its needles worked out beforehand).
    fn search(&mut self, what: &str, output: &str, values: &[Sensitive]) {
        self.outputs_searched += 1;
        let views = views(output);
        for v in values {
            if leaks_in(&views, &v.needles) {
                self.leaks
                    .push(format!("{} leaked through {what}", v.record));
            }
        }
    }
}

/// A value that must not leave, with its record's id and class and its needles.
#[derive(Clone)]
struct Sensitive {
    record: String,
    class: String,
    needles: Vec<String>,
}

fn sensitive(r: &Record) -> Vec<Sensitive> {
    r.must_not_contain
        .iter()
        .map(|v| Sensitive {
            record: r.id.clone(),
            class: r.class.clone(),
            needles: needles(v),
        })
        .collect()
}

struct Attempt<'a> {
    field: &'static str,
    record: &'a Record,
    run: Run,
}

/// Types every record, in one encoding, into every field; exports; searches everything. Returns the tally.
fn one_encoding(index: usize, name: &str, encode: Encode, list: &[Record]) -> Tally {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli {
        dir: dir.path().to_path_buf(),
    };
    // Launch fields are tried one at a time in a scratch workspace (each refusal or acceptance on its own); the
    // accepted ones are then set together on one launch per record in the real one, so a record costs one export.
    let scratch = Cli {
        dir: dir.path().join("scratch"),
    };
    std::fs::create_dir_all(&scratch.dir).unwrap();
    let mut record_launches: Vec<(usize, String)> = Vec::new();
    let template = "0bit-launch-gate";
    let created: Value = serde_json::from_str(&cli.ok(&[
        "launch",
        "new",
        "--name",
        "Carrier launch",
        "--partner",
        "partner_123",
        "--surface",
        "0pools",
        "--template",
        template,
        "--template",
        "support-escalation-readiness",
        "--owner",
        "finance=finance_ops",
    ]))
    .unwrap();
    let carrier = created["summary"]["id"].as_str().unwrap().to_string();
    let items: Value = serde_json::from_str(&cli.ok(&["item", "list", &carrier])).unwrap();
    let (attest_item, _) = item_accepting(&items, "attestation");
    let (ident_item, ident_type) = item_accepting(&items, "identifier");
    let ident_type = ident_type.unwrap_or_else(|| "request_id".into());
    let (contact_item, _) = item_accepting(&items, "contact");
    let (link_item, _) = item_accepting(&items, "link");
    let (file_item, _) = item_accepting(&items, "file");

    let mut attempts: Vec<Attempt> = Vec::new();
    let files = dir.path().join("in");
    std::fs::create_dir_all(&files).unwrap();
    for (n, r) in list.iter().enumerate() {
        // Free-text fields get the record's sentence, value fields its bare sensitive value; both encoded.
        let text = encode(&r.text);
        let value = if r.bare {
            encode(&r.must_not_contain[0])
        } else {
            encode(&r.text)
        };
        let json = n % 2 == 0;
        let s = |v: &str| v.to_string();
        let new_launch = |name: &str, partner: &str, extra: &[String]| {
            let mut args = vec![
                s("launch"),
                s("new"),
                s("--name"),
                s(name),
                s("--partner"),
                s(partner),
                s("--surface"),
                s("0pools"),
                s("--template"),
                s(template),
            ];
            args.extend(extra.iter().cloned());
            args
        };
        let launch_fields: [(&'static str, Vec<String>); 5] = [
            ("launch name", vec![s("--name"), text.clone()]),
            ("partner id", vec![s("--partner"), value.clone()]),
            ("owner", vec![s("--owner"), format!("finance={value}")]),
            (
                "live api url",
                vec![
                    s("--live-api"),
                    format!("https://api.example.com/v1/x?q={text}"),
                ],
            ),
            ("private term", vec![s("--private-term"), text.clone()]),
        ];
        let mut accepted: Vec<String> = Vec::new();
        let with = |fields: &[String]| {
            let name = fields.iter().position(|a| a == "--name");
            let partner = fields.iter().position(|a| a == "--partner");
            let mut args = new_launch(
                name.map_or(&format!("R{n}"), |i| &fields[i + 1]),
                partner.map_or("partner_123", |i| &fields[i + 1]),
                &[],
            );
            for (i, a) in fields.iter().enumerate() {
                let taken = [name, partner]
                    .iter()
                    .flatten()
                    .any(|&at| i == at || i == at + 1);
                if !taken {
                    args.push(a.clone());
                }
            }
            args
        };
        for (field, extra) in launch_fields {
            let args = with(&extra);
            let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = scratch.run("launch_ops", json, &args_ref);
            if run.ok {
                accepted.extend(extra);
            }
            attempts.push(Attempt {
                field,
                record: r,
                run,
            });
        }
        let args = with(&accepted);
        let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
        let created: Value = serde_json::from_str(&cli.ok(&args_ref)).unwrap();
        record_launches.push((n, created["summary"]["id"].as_str().unwrap().to_string()));
        let mut attempt = |field: &'static str, actor: &str, args: Vec<String>| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = cli.run(actor, json, &args);
            attempts.push(Attempt {
                field,
                record: r,
                run,
            });
        };
        let add = |item: &str, kind: &str, v: &str, extra: &[String]| {
            let mut args = vec![
                s("evidence"),
                s("add"),
                s(item),
                s("--kind"),
                s(kind),
                s("--value"),
                s(v),
            ];
            args.extend(extra.iter().cloned());
            args
        };
        attempt(
            "actor",
            &value,
            add(&attest_item, "attestation", "checked", &[]),
        );
        attempt(
            "evidence text",
            "launch_ops",
            add(&attest_item, "attestation", &text, &[]),
        );
        attempt(
            "evidence note",
            "launch_ops",
            add(
                &attest_item,
                "attestation",
                "checked",
                &[s("--note"), text.clone()],
            ),
        );
        attempt(
            "identifier",
            "launch_ops",
            add(
                &ident_item,
                "identifier",
                &value,
                &[s("--type"), ident_type.clone()],
            ),
        );
        attempt(
            "contact",
            "launch_ops",
            add(&contact_item, "contact", &value, &[]),
        );
        attempt(
            "link",
            "launch_ops",
            add(
                &link_item,
                "link",
                &format!("https://wiki.example.com/runbook?note={text}"),
                &[],
            ),
        );
        // Attached text files: UTF-8, UTF-16 with a byte order mark, and Latin-1 with one non-ASCII byte.
        for (field, bytes) in [
            ("file (UTF-8)", text.as_bytes().to_vec()),
            ("file (UTF-16)", {
                let mut b = vec![0xFF, 0xFE];
                b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                b
            }),
            ("file (Latin-1)", {
                let mut b = b"Notiz \xE9t\xE9: ".to_vec();
                b.extend(text.bytes().filter(u8::is_ascii));
                b
            }),
        ] {
            let path = files.join(format!("{n}-{}.txt", field.len()));
            std::fs::write(&path, bytes).unwrap();
            attempt(
                field,
                "launch_ops",
                vec![
                    s("evidence"),
                    s("attach"),
                    file_item.clone(),
                    path.display().to_string(),
                ],
            );
        }
        if !value.contains(['/', '\0']) && value.len() < 200 {
            let path = files.join(format!("{value}.txt"));
            if std::fs::write(&path, "screenshot notes").is_ok() {
                attempt(
                    "file name",
                    "launch_ops",
                    vec![
                        s("evidence"),
                        s("attach"),
                        file_item.clone(),
                        path.display().to_string(),
                    ],
                );
            }
        }
        attempt(
            "status reason",
            "launch_ops",
            vec![
                s("item"),
                s("set"),
                attest_item.clone(),
                s("blocked"),
                s("--reason"),
                text.clone(),
            ],
        );
        attempt(
            "decision note",
            "launch_ops",
            vec![
                s("decide"),
                carrier.clone(),
                s("no-go"),
                s("--note"),
                text.clone(),
            ],
        );
        let esc = dir.path().join(format!("esc-{n}"));
        attempt(
            "escalation summary and fact",
            "launch_ops",
            vec![
                s("escalate"),
                carrier.clone(),
                s("--severity"),
                s("S3"),
                s("--environment"),
                s("live"),
                s("--summary"),
                text.clone(),
                s("--fact"),
                format!("detail={value}"),
                // Every id the carrier recorded goes in, so the ids fields are searched too.
                s("--from"),
                s("2000-01-01T00:00:00Z"),
                s("--json-out"),
                format!("{}.json", esc.display()),
                s("--pdf-out"),
                format!("{}.pdf", esc.display()),
                s("--text-out"),
                format!("{}.txt", esc.display()),
            ],
        );
    }

    // Every launch in the workspace (the carrier and those whose name was accepted) exported as JSON and PDF.
    let mut tally = Tally::default();
    let everything: Vec<Sensitive> = list.iter().flat_map(sensitive).collect();
    for a in &attempts {
        tally.attempt(a.field, a.run.ok);
        // A refusal's error goes to logs and tickets: nothing of the value may be in it. An accepted command's
        // output is a local view for the person who typed the value: it may show personal data they typed into
        // free text (the exports redact it), but never a secret, which the door refused.
        let values: Vec<Sensitive> = sensitive(a.record)
            .into_iter()
            .filter(|v| !a.run.ok || golive::redact::is_secret_class(&v.class))
            .collect();
        let what = format!(
            "{} {} ({name}; {})",
            a.field,
            if a.run.ok { "output" } else { "error" },
            a.record.id
        );
        tally.search(&what, &a.run.output, &values);
    }
    // Secrets are refused at the door, so even the local views (which show personal data typed into free text to
    // the person who typed it) never hold one.
    let secrets: Vec<Sensitive> = everything
        .iter()
        .filter(|v| golive::redact::is_secret_class(&v.class))
        .cloned()
        .collect();
    // Every launch exported as JSON; as PDF the carrier (which holds every evidence field) always, and each record's
    // launch in one encoding of the thirteen (the PDF is drawn from the same redacted packet as the JSON).
    let mut launches = vec![(usize::MAX, carrier.clone())];
    launches.extend(record_launches);
    for (n, id) in &launches {
        let json = dir.path().join(format!("{id}.json"));
        let pdf = dir.path().join(format!("{id}.pdf"));
        let with_pdf = *n == usize::MAX || n % ENCODINGS.len() == index;
        let (json_arg, pdf_arg) = (json.display().to_string(), pdf.display().to_string());
        let mut args = vec!["export", id.as_str(), "--json-out", &json_arg];
        if with_pdf {
            args.extend(["--pdf-out", &pdf_arg]);
        }
        let out = cli.ok(&args);
        tally.search(
            &format!("export output of {id} ({name})"),
            &out,
            &everything,
        );
        let packet = std::fs::read_to_string(&json).unwrap();
        tally.search(
            &format!("packet JSON of {id} ({name})"),
            &packet,
            &everything,
        );
        if with_pdf {
            tally.search(
                &format!("packet PDF of {id} ({name})"),
                &pdftotext(&pdf),
                &everything,
            );
        }
        let out = cli.ok(&["launch", "show", id]);
        tally.search(&format!("launch show {id} ({name})"), &out, &secrets);
    }
    for view in [
        vec!["evidence", "list", "--launch", carrier.as_str()],
        vec!["decide", carrier.as_str()],
        vec!["audit", "list"],
    ] {
        let out = cli.ok(&view);
        tally.search(&format!("{view:?} ({name})"), &out, &secrets);
    }
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if file.starts_with("esc-") {
            let content = if file.ends_with(".pdf") {
                pdftotext(&path)
            } else {
                std::fs::read_to_string(&path).unwrap()
            };
            tally.search(
                &format!("escalation {file} ({name})"),
                &content,
                &everything,
            );
        }
    }

    // The keep rows: recorded as evidence text on the carrier, exported, unchanged.
    let keep_rows: Vec<Record> = all_records()
        .into_iter()
        .filter(|r| r.class == "keep")
        .collect();
    for r in &keep_rows {
        cli.ok(&[
            "evidence",
            "add",
            &attest_item,
            "--kind",
            "attestation",
            "--value",
            &r.text,
        ]);
    }
    let keep_json = dir.path().join("keep.json");
    cli.ok(&[
        "export",
        &carrier,
        "--json-out",
        &keep_json.display().to_string(),
    ]);
    let packet = std::fs::read_to_string(&keep_json).unwrap();
    for r in &keep_rows {
        for good in &r.must_contain {
            if !packet.contains(good.as_str()) {
                tally
                    .leaks
                    .push(format!("keep row {} lost '{good}' ({name})", r.id));
            }
        }
    }
    tally
}

#[test]
fn no_record_leaves_in_any_encoding_through_any_field_or_output() {
    let list: Vec<Record> = all_records()
        .into_iter()
        .filter(|r| r.class != "keep")
        .collect();
    assert!(list.len() >= 50, "{} records", list.len());
    // GOLIVE_MATRIX_ENCODINGS=plain,percent runs a part of the matrix while working on one encoding.
    let only = std::env::var("GOLIVE_MATRIX_ENCODINGS").ok();
    let chosen: Vec<(usize, &str, Encode)> = ENCODINGS
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| {
            only.as_deref()
                .is_none_or(|o| o.split(',').any(|x| x == *n))
        })
        .map(|(i, (n, e))| (i, *n, *e))
        .collect();
    let results = Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        // The CLI mostly waits on fsync; four workers keep two cores busy.
        for _ in 0..4 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((index, name, encode)) = chosen.get(i) else {
                    break;
                };
                let records: Vec<Record> =
                    list.iter().filter(|r| r.runs_in(*index)).cloned().collect();
                let tally = one_encoding(*index, name, *encode, &records);
                results.lock().unwrap().push((*name, tally));
            });
        }
    });
    let results = results.into_inner().unwrap();
    let mut fields: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    let mut searched = 0;
    let mut leaks = Vec::new();
    for (_, t) in &results {
        for (field, c) in &t.cells {
            let f = fields.entry(field).or_default();
            for k in 0..3 {
                f[k] += c[k];
            }
        }
        searched += t.outputs_searched;
        leaks.extend(t.leaks.iter().cloned());
    }
    println!(
        "redaction matrix: {} records × {} encodings × {} fields; outputs searched {searched}; leaks {}",
        list.len(),
        chosen.len(),
        fields.len(),
        leaks.len()
    );
    for (field, [n, refused, accepted]) in &fields {
        println!("  {field:<30} attempts {n:>5}  refused {refused:>5}  accepted {accepted:>5}");
    }
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

#[test]
fn the_needle_search_finds_what_it_must() {
    // The searcher itself, on outputs that do leak: it must see through each encoding.
    let secret = "sk_live_FAKE0notreal00000000000000";
    for (name, encode) in ENCODINGS {
        let output = format!(
            "{{\"note\": \"value was {}\"}}",
            encode(&format!("KEY={secret}"))
        );
        assert!(leaks(&output, secret), "{name}: {output}");
    }
    assert!(!leaks("value was [REDACTED:api-key]", secret));
}

#[test]
fn a_launch_id_never_spells_what_the_name_redaction_removes() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli {
        dir: dir.path().to_path_buf(),
    };
    for (name, term, hidden) in [
        (
            "Refund to NL91ABNA0417164300 please",
            None,
            "nl91abna0417164300",
        ),
        ("maria.gonzalez@acme-payments.example launch", None, "maria"),
        (
            "Acme Liquidity Route 7 EUR",
            Some("Acme Liquidity Route 7"),
            "acme",
        ),
        ("Call 415-555-0198 first", None, "415-555-0198"),
    ] {
        let mut args = vec![
            "launch",
            "new",
            "--name",
            name,
            "--partner",
            "partner_123",
            "--surface",
            "0pools",
            "--template",
            "0bit-launch-gate",
        ];
        if let Some(term) = term {
            args.extend(["--private-term", term]);
        }
        let created: Value = serde_json::from_str(&cli.ok(&args)).unwrap();
        let id = created["summary"]["id"].as_str().unwrap();
        let slugged = hidden.replace(['.', '@'], "-");
        assert!(!id.contains(&slugged), "{name} → {id}");
        let packet = cli.ok(&["export", id]);
        assert!(
            !packet.to_lowercase().contains(hidden),
            "{name}: the packet spells it"
        );
    }
}
