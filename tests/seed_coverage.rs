//! Seed coverage (issue 13): every non-blank line of the five source documents (`coverage/seeds/*.txt`, copies of the
//! seeds) has exactly one entry in `coverage/<seed>.toml`, saying whether the product carries it (`full`, `partial`,
//! `missing`, or `kind = "prose"` for headings and prose) and naming what carries it: template items, probe steps,
//! verdict rules, packet fields, escalation fields, documentation and code. Every carrier must resolve against the
//! built-in templates and packs, a verdict and an escalation built through the public API, the packet schema, and
//! the repository's files. Format: `coverage/README.md`. Run with `--nocapture` for the per-seed summary.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use golive::checklist::evidence::{EvidenceKind, EvidenceSpec};
use golive::checklist::launch::NewLaunch;
use golive::packet::escalation::EscalationRequest;
use golive::{Environment, Workspace};
use serde::Deserialize;
use serde_json::Value;

const SEVERITIES: &[&str] = &["S1", "S2", "S3", "S4"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CoverageFile {
    seed: String,
    #[serde(default)]
    line: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    line: usize,
    text: String,
    kind: String,
    status: Option<Status>,
    #[serde(default)]
    carriers: Vec<String>,
    note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Full,
    Partial,
    Missing,
}

const PROSE: &str = "prose";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn coverage_dir() -> PathBuf {
    root().join("coverage")
}

/// The copied seeds: file name → text.
fn seeds() -> BTreeMap<String, String> {
    let dir = coverage_dir().join("seeds");
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "txt") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text =
                fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.insert(name, text);
        }
    }
    assert_eq!(
        out.len(),
        5,
        "coverage/seeds/ should hold the five seeds, found {:?}",
        out.keys().collect::<Vec<_>>()
    );
    out
}

/// Every coverage file: its path (relative to the repository) and contents, by the seed it covers.
fn coverage_files() -> BTreeMap<String, (String, CoverageFile)> {
    let dir = coverage_dir();
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut out = BTreeMap::new();
    for path in paths {
        let shown = format!("coverage/{}", path.file_name().unwrap().to_string_lossy());
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{shown}: {e}"));
        let file: CoverageFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{shown}: {e}"));
        if let Some((other, _)) = out.get(&file.seed) {
            panic!("{shown} and {other} both cover {}", file.seed);
        }
        out.insert(file.seed.clone(), (shown, file));
    }
    out
}

/// The non-blank lines of a seed, numbered from 1, trimmed.
fn non_blank_lines(text: &str) -> BTreeMap<usize, &str> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.trim()))
        .collect()
}

fn fail_with(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s)\n  {}\n(see coverage/README.md for the format)",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn every_seed_line_has_exactly_one_entry_with_its_text() {
    let seeds = seeds();
    let files = coverage_files();
    let mut problems = Vec::new();
    for (seed, (shown, _)) in &files {
        if !seeds.contains_key(seed) {
            problems.push(format!(
                "{shown}: names seed {seed}, which is not in coverage/seeds/"
            ));
        }
    }
    for (seed, text) in &seeds {
        let Some((shown, file)) = files.get(seed) else {
            problems.push(format!(
                "{seed}: no coverage file names it (add coverage/{})",
                seed.replace(".txt", ".toml")
            ));
            continue;
        };
        let lines = non_blank_lines(text);
        let mut seen = BTreeSet::new();
        for e in &file.line {
            let at = format!("{seed}:{}", e.line);
            if !seen.insert(e.line) {
                problems.push(format!("{at}: more than one entry in {shown}"));
                continue;
            }
            match lines.get(&e.line) {
                None => problems.push(format!(
                    "{at}: {shown} has an entry, but the seed has no non-blank line {}",
                    e.line
                )),
                Some(actual) if *actual != e.text.trim() => problems.push(format!(
                    "{at}: the seed line changed\n      seed:  {actual:?}\n      entry: {:?}",
                    e.text
                )),
                Some(_) => {}
            }
            let note = e.note.as_deref().map(str::trim).unwrap_or("");
            match (e.kind.as_str(), e.status) {
                (PROSE, Some(_)) => problems.push(format!("{at}: a prose line takes no status")),
                (PROSE, None) => {}
                ("", _) => problems.push(format!("{at}: kind is empty")),
                (_, None) => problems.push(format!(
                    "{at}: kind {:?} needs a status (full, partial or missing), or kind = \"prose\"",
                    e.kind
                )),
                (_, Some(Status::Full)) if e.carriers.is_empty() => {
                    problems.push(format!("{at}: status full needs at least one carrier"))
                }
                (_, Some(Status::Partial | Status::Missing)) if note.is_empty() => problems.push(format!(
                    "{at}: status {:?} needs a note saying what is lacking",
                    e.status.unwrap()
                )),
                (_, Some(Status::Partial)) if e.carriers.is_empty() => problems.push(format!(
                    "{at}: status partial needs the carrier that carries the part that is there"
                )),
                _ => {}
            }
        }
        for (n, text) in &lines {
            if !seen.contains(n) {
                problems.push(format!(
                    "{seed}:{n}: unmapped seed line {text:?} (add an entry to {shown})"
                ));
            }
        }
    }
    fail_with("seed lines and coverage entries disagree", &problems);
}

/// Everything a carrier may name, gathered once through the public API.
struct Known {
    templates: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    packs: BTreeMap<String, BTreeSet<String>>,
    rules: BTreeSet<String>,
    schema: Value,
    packet: Value,
    escalation_keys: BTreeSet<String>,
    escalation_fields: BTreeSet<String>,
}

impl Known {
    fn gather() -> Known {
        let mut templates = BTreeMap::new();
        for t in golive::checklist::builtin::templates()
            .unwrap_or_else(|e| panic!("built-in templates: {e}"))
        {
            let sections = t
                .sections
                .iter()
                .map(|s| {
                    (
                        s.key.clone(),
                        s.items.iter().map(|i| i.key.clone()).collect(),
                    )
                })
                .collect();
            templates.insert(t.id.clone(), sections);
        }
        let packs = golive::probe::builtin::packs()
            .unwrap_or_else(|e| panic!("built-in probe packs: {e}"))
            .iter()
            .map(|p| (p.id.clone(), p.steps.iter().map(|s| s.id.clone()).collect()))
            .collect();
        let schema_path = root().join("schemas/signoff-packet.v1.schema.json");
        let schema: Value = serde_json::from_str(
            &fs::read_to_string(&schema_path)
                .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display())),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display()));

        // A launch on every built-in template: its verdict names every rule, its packet holds every seed block field
        // (null where nothing is recorded yet), and its escalations every field a severity asks for.
        let dir = tempfile::tempdir().unwrap();
        let mut ws = Workspace::open(&dir.path().join("golive.sqlite"), "launch_mgr").unwrap();
        let new: NewLaunch = serde_json::from_value(serde_json::json!({
            "name": "Seed coverage",
            "partner_id": "partner_123",
            "product_surface": "0pools",
            "environment": "live",
            "templates": templates.keys().collect::<Vec<_>>(),
            "sandbox": {"api_base_url": "http://127.0.0.1:9000", "webhook_url": "http://127.0.0.1:9001/hooks"},
            "live": {"api_base_url": "https://api.example.com", "webhook_url": "https://hooks.example.com/golive"},
        }))
        .unwrap();
        let launch = ws.create_launch(&new).unwrap().summary.id;
        let rules = ws
            .verdict(&launch)
            .unwrap()
            .rules
            .into_iter()
            .map(|r| r.id)
            .collect();
        let packet: Value = serde_json::from_str(&ws.export_packet(&launch).unwrap().json).unwrap();
        let mut escalation_keys = BTreeSet::new();
        let mut escalation_fields = BTreeSet::new();
        for severity in SEVERITIES {
            let request: EscalationRequest = serde_json::from_value(serde_json::json!({
                "launch_id": launch,
                "severity": severity,
                "summary": "seed coverage check",
            }))
            .unwrap();
            let escalation = serde_json::to_value(ws.escalation(&request).unwrap()).unwrap();
            if let Some(map) = escalation.as_object() {
                escalation_keys.extend(map.keys().cloned());
            }
            for field in escalation["fields"].as_array().into_iter().flatten() {
                if let Some(name) = field["name"].as_str() {
                    escalation_fields.insert(name.to_string());
                }
            }
        }
        Known {
            templates,
            packs,
            rules,
            schema,
            packet,
            escalation_keys,
            escalation_fields,
        }
    }

    /// Why `carrier` does not resolve, or `None` when it does.
    fn check(&self, carrier: &str) -> Option<String> {
        let Some((kind, rest)) = carrier.split_once(':') else {
            return Some(format!("{carrier:?} has no kind (template:, probe:, rule:, packet:, escalation:, evidence:, doc:, code:)"));
        };
        match kind {
            "template" => self.check_template(rest),
            "probe" => self.check_probe(rest),
            "rule" => (!self.rules.contains(rest)).then(|| {
                format!("no verdict rule {rest:?} (rules: {})", join(&self.rules))
            }),
            "packet" => self.check_packet(rest),
            "escalation" => self.check_escalation(rest),
            "evidence" => EvidenceSpec::from_str(rest)
                .err()
                .map(|e| format!("{rest:?} is not an evidence kind: {e}")),
            "doc" => check_doc(rest),
            "code" => check_code(rest),
            other => Some(format!(
                "unknown carrier kind {other:?} (template, probe, rule, packet, escalation, evidence, doc, code)"
            )),
        }
    }

    fn check_template(&self, path: &str) -> Option<String> {
        let mut parts = path.split('/');
        let id = parts.next().unwrap_or_default();
        let Some(sections) = self.templates.get(id) else {
            return Some(format!(
                "no built-in template {id:?} (templates: {})",
                join(self.templates.keys())
            ));
        };
        let section = parts.next()?;
        let Some(items) = sections.get(section) else {
            return Some(format!("template {id} has no section {section:?}"));
        };
        let item = parts.next()?;
        if parts.next().is_some() {
            return Some(format!(
                "template:{path} has too many parts (template:ID[/SECTION[/ITEM]])"
            ));
        }
        (!items.contains(item))
            .then(|| format!("template {id} section {section} has no item {item:?}"))
    }

    fn check_probe(&self, path: &str) -> Option<String> {
        let (id, step) = match path.split_once('/') {
            Some((id, step)) => (id, Some(step)),
            None => (path, None),
        };
        let Some(steps) = self.packs.get(id) else {
            return Some(format!(
                "no built-in probe pack {id:?} (packs: {})",
                join(self.packs.keys())
            ));
        };
        let step = step?;
        (!steps.contains(step)).then(|| format!("probe pack {id} has no step {step:?}"))
    }

    fn check_packet(&self, pointer: &str) -> Option<String> {
        let Some(tokens) = pointer_tokens(pointer) else {
            return Some(format!(
                "{pointer:?} is not a JSON pointer (it starts with '/')"
            ));
        };
        if !schema_has(&self.schema, &self.schema, &tokens) {
            return Some(format!(
                "{pointer} does not resolve in schemas/signoff-packet.v1.schema.json"
            ));
        }
        // The schema leaves the seed blocks open; an exported packet shows every field they have.
        if tokens.first().is_some_and(|t| t == "seed_blocks")
            && self.packet.pointer(pointer).is_none()
        {
            let blocks = self.packet["seed_blocks"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .flat_map(|(b, f)| {
                            f.as_object()
                                .into_iter()
                                .flatten()
                                .map(move |(k, _)| format!("{b}/{k}"))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            return Some(format!(
                "an exported packet has no {pointer} (seed block fields: {blocks})"
            ));
        }
        None
    }

    fn check_escalation(&self, name: &str) -> Option<String> {
        match name.strip_prefix("field/") {
            Some(field) => (!self.escalation_fields.contains(field)).then(|| {
                format!(
                    "no S1-S4 escalation asks for a field {field:?} (fields: {})",
                    join(&self.escalation_fields)
                )
            }),
            None => (!self.escalation_keys.contains(name)).then(|| {
                format!(
                    "an escalation has no {name:?} (keys: {}; or field/<name>)",
                    join(&self.escalation_keys)
                )
            }),
        }
    }
}

fn join<'a>(names: impl IntoIterator<Item = &'a String>) -> String {
    names
        .into_iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// RFC 6901 reference tokens; `None` unless the pointer starts with '/'.
fn pointer_tokens(pointer: &str) -> Option<Vec<String>> {
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// Whether an instance path (`tokens`, array indexes as numbers) can exist under `node` of the JSON Schema `root`.
fn schema_has(root: &Value, node: &Value, tokens: &[String]) -> bool {
    let node = match node.get("$ref").and_then(Value::as_str) {
        Some(r) => match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
            Some(target) => target,
            None => return false,
        },
        None => node,
    };
    let Some((token, rest)) = tokens.split_first() else {
        return true;
    };
    let in_branch = ["anyOf", "oneOf", "allOf"].iter().any(|k| {
        node.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|branches| branches.iter().any(|b| schema_has(root, b, tokens)))
    });
    if in_branch {
        return true;
    }
    if let Some(child) = node.get("properties").and_then(|p| p.get(token.as_str())) {
        return schema_has(root, child, rest);
    }
    if token.parse::<usize>().is_ok() {
        if let Some(items) = node.get("items") {
            return schema_has(root, items, rest);
        }
    }
    match node.get("additionalProperties") {
        Some(Value::Bool(true)) => true,
        Some(schema @ Value::Object(_)) => schema_has(root, schema, rest),
        _ => false,
    }
}

/// A repository file, relative to its root, that must not leave it.
fn repo_file(path: &str) -> Result<PathBuf, String> {
    let rel = Path::new(path);
    if path.is_empty()
        || rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(format!(
            "{path:?} is not a plain path inside the repository"
        ));
    }
    let full = root().join(rel);
    if full.is_file() {
        Ok(full)
    } else {
        Err(format!("no file {path}"))
    }
}

/// `doc:PATH#ANCHOR`: a Markdown file and, when given, one of its headings (GitHub's anchor for it).
fn check_doc(target: &str) -> Option<String> {
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let full = match repo_file(path) {
        Ok(f) => f,
        Err(e) => return Some(e),
    };
    let anchor = anchor?;
    let text = fs::read_to_string(&full).unwrap_or_default();
    let anchors = markdown_anchors(&text);
    (!anchors.contains(anchor)).then(|| {
        format!(
            "{path} has no heading #{anchor} (anchors: {})",
            join(&anchors)
        )
    })
}

/// GitHub's heading anchors: lowercase, punctuation other than '-' and '_' dropped, spaces to '-'. Fenced code
/// (a shell comment is not a heading) is skipped.
fn markdown_anchors(text: &str) -> BTreeSet<String> {
    let mut anchors = BTreeSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let slug: String = heading
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        anchors.insert(slug);
    }
    anchors
}

/// `code:PATH#TEXT`: a repository file that contains TEXT (a function, a constant, a setting).
fn check_code(target: &str) -> Option<String> {
    let Some((path, needle)) = target.split_once('#') else {
        return Some(format!(
            "code:{target} names no text to find (code:PATH#TEXT)"
        ));
    };
    let full = match repo_file(path) {
        Ok(f) => f,
        Err(e) => return Some(e),
    };
    let text = fs::read_to_string(&full).unwrap_or_default();
    (needle.is_empty() || !text.contains(needle))
        .then(|| format!("{path} does not contain {needle:?}"))
}

#[test]
fn every_carrier_resolves() {
    let files = coverage_files();
    let known = Known::gather();
    let mut problems = Vec::new();
    for (seed, (_, file)) in &files {
        for e in &file.line {
            for carrier in &e.carriers {
                if let Some(why) = known.check(carrier) {
                    problems.push(format!(
                        "{seed}:{}: dangling carrier {carrier}: {why}",
                        e.line
                    ));
                }
            }
        }
    }
    fail_with("coverage carriers that resolve to nothing", &problems);
}

/// The per-seed counts and the lines the product does not fully carry (`cargo test --test seed_coverage --
/// --nocapture`).
#[test]
fn summary() {
    let files = coverage_files();
    let mut totals = [0usize; 4];
    let mut out =
        String::from("\nseed coverage                    full  partial  missing  prose\n");
    let mut gaps = String::new();
    for (seed, (_, file)) in &files {
        let mut counts = [0usize; 4];
        for e in &file.line {
            let slot = match (e.kind.as_str(), e.status) {
                (PROSE, _) => 3,
                (_, Some(Status::Full)) => 0,
                (_, Some(Status::Partial)) => 1,
                (_, Some(Status::Missing)) => 2,
                (_, None) => continue,
            };
            counts[slot] += 1;
            if slot == 1 || slot == 2 {
                gaps.push_str(&format!(
                    "  {seed}:{} {:?}: {}\n",
                    e.line,
                    e.status.unwrap(),
                    e.note.as_deref().unwrap_or("")
                ));
            }
        }
        for (t, c) in totals.iter_mut().zip(counts) {
            *t += c;
        }
        out.push_str(&format!(
            "  {seed:<30} {:>4}  {:>7}  {:>7}  {:>5}\n",
            counts[0], counts[1], counts[2], counts[3]
        ));
    }
    out.push_str(&format!(
        "  {:<30} {:>4}  {:>7}  {:>7}  {:>5}\n",
        "total", totals[0], totals[1], totals[2], totals[3]
    ));
    if !gaps.is_empty() {
        out.push_str("not fully carried:\n");
        out.push_str(&gaps);
    }
    let unproven = live_items_no_builtin_probe_proves();
    if !unproven.is_empty() {
        out.push_str(&format!(
            "blocking live items that accept probe_run evidence but that no built-in pack step running in live \
             proves ({}); the verdict judges them by the other evidence they accept:\n",
            unproven.len()
        ));
        for item in &unproven {
            out.push_str(&format!("  {item}\n"));
        }
    }
    println!("{out}");
    assert!(
        totals.iter().sum::<usize>() > 0,
        "no coverage entries found under coverage/"
    );
}

/// Blocking live items that accept `probe_run` evidence while no step of a built-in pack that runs in live (nor a
/// complete run) proves them: the live-probe rule leaves them to the blocking rule and the evidence they accept.
fn live_items_no_builtin_probe_proves() -> Vec<String> {
    let mut proven = BTreeSet::new();
    for pack in
        golive::probe::builtin::packs().unwrap_or_else(|e| panic!("built-in probe packs: {e}"))
    {
        let qualify = |key: &String| match key.contains(':') {
            true => key.clone(),
            false => format!("{}:{key}", pack.template.as_deref().unwrap_or_default()),
        };
        proven.extend(pack.proves_when_complete.iter().map(qualify));
        for step in &pack.steps {
            if step.environments.is_empty() || step.environments.contains(&Environment::Live) {
                proven.extend(step.proves.iter().map(qualify));
            }
        }
    }
    let mut out = Vec::new();
    for t in golive::checklist::builtin::templates()
        .unwrap_or_else(|e| panic!("built-in templates: {e}"))
    {
        for (section, item) in t.items() {
            let key = format!("{}:{}/{}", t.id, section.key, item.key);
            let by_probe = item
                .evidence
                .iter()
                .any(|e| e.kind == EvidenceKind::ProbeRun);
            if item.blocking
                && item.environment == Environment::Live
                && by_probe
                && !proven.contains(&key)
            {
                out.push(if item.waivable {
                    key
                } else {
                    format!("{key} (not waivable)")
                });
            }
        }
    }
    out
}
