//! The one redaction pipeline every export goes through (JSON packet, PDF text, escalation text, CLI output).
//!
//! A [`Redactor`] holds a launch's private terms and runs every detector family over text: vendor secret formats,
//! personal and financial data (checksum-validated), values assigned to denylisted names, and the private terms
//! (case-insensitive literals). Each sensitive span is replaced whole by a typed placeholder such as
//! `[REDACTED:api-key]`, and a [`RedactionSummary`] counts placeholders per class — never the values.
//!
//! JSON objects and header lists are redacted by name as well: the value under a denylisted key or header
//! (`Authorization`, `client_secret`, …; see [`fields::sensitive_name`]) is replaced whole, whatever it looks
//! like. Booleans and nulls under such a name are kept (`"webhook_signature_verified": true` says nothing secret),
//! and so are empty strings. Object keys and header names are scanned too.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::decode;
use super::detect::prefilter::{self, needle, Hints};
use super::detect::{bare, fields, pii, vendor, Finding};

/// Addresses that are published support paths, not personal data: they stay readable in every export (the
/// escalation's `to`, and the built-in templates' guidance that quotes them).
pub const SUPPORT_SAFE_ADDRESSES: &[&str] = &["support@0bit.io", "hola@conomyhq.com"];

/// The class of a private term's placeholder.
pub const PRIVATE_TERM: &str = "private-term";

/// How many placeholders were inserted, per class (`api-key`, `email`, `private-term`, …). Never the values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RedactionSummary {
    pub counts: BTreeMap<String, u32>,
    pub total: u32,
}

impl RedactionSummary {
    /// Counts one placeholder of `class`.
    pub fn record(&mut self, class: &str) {
        match self.counts.get_mut(class) {
            Some(n) => *n += 1,
            None => {
                self.counts.insert(class.to_string(), 1);
            }
        }
        self.total += 1;
    }

    /// Adds another summary's counts to this one.
    pub fn absorb(&mut self, other: &RedactionSummary) {
        for (class, n) in &other.counts {
            *self.counts.entry(class.clone()).or_default() += n;
        }
        self.total += other.total;
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// The text that replaces a sensitive value of `class`.
pub fn placeholder(class: &str) -> String {
    format!("[REDACTED:{class}]")
}

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[REDACTED(?::[a-z0-9\-]+)?\]").expect("placeholder pattern compiles")
});

/// Which family found a span; when spans overlap, the merged span takes the class of the lowest rank (what the
/// value *is* beats what it was *called*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Content,
    PrivateTerm,
    Name,
}

#[derive(Clone)]
pub struct Redactor {
    /// One case-insensitive alternation of the private terms, longest first; `None` without terms.
    terms: Option<Regex>,
    term_count: usize,
    /// Per term, the ASCII characters every match of it needs ([`prefilter::term_mask`]).
    term_masks: Vec<u128>,
    /// Lower-cased values that are never redacted (published support addresses).
    allowed: Vec<String>,
    /// Whether detectors are skipped when their gate fails; off only in the tests that prove the gates change
    /// nothing.
    gated: bool,
}

impl std::fmt::Debug for Redactor {
    // The private terms are themselves private: say how many, not which.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("private_terms", &self.term_count)
            .field("allowed", &self.allowed.len())
            .finish()
    }
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new(&[])
    }
}

impl Redactor {
    /// A redactor for a launch with these private terms (provider names, route names). Blank terms are ignored;
    /// whitespace inside a term matches any run of whitespace. A term is matched in every spelling the input rules
    /// would store it as (composed and decomposed, without invisible characters), so none silently stops matching.
    pub fn new(private_terms: &[String]) -> Self {
        let spellings: Vec<Vec<String>> = private_terms
            .iter()
            .map(|t| crate::checklist::text::term_spellings(t))
            .filter(|s| !s.is_empty())
            .collect();
        let term_count = spellings.len();
        let mut terms: Vec<String> = spellings.into_iter().flatten().collect();
        terms.sort_by_key(|t| std::cmp::Reverse(t.len()));
        terms.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        let pattern = terms
            .iter()
            .map(|t| {
                t.split_whitespace()
                    .map(regex::escape)
                    .collect::<Vec<_>>()
                    .join(r"\s+")
            })
            .collect::<Vec<_>>()
            .join("|");
        let terms_re = (!terms.is_empty()).then(|| {
            regex::RegexBuilder::new(&pattern)
                .case_insensitive(true)
                .size_limit(64 << 20)
                .build()
                .expect("escaped literals compile")
        });
        Redactor {
            terms: terms_re,
            term_count,
            term_masks: terms.iter().map(|t| prefilter::term_mask(t)).collect(),
            allowed: SUPPORT_SAFE_ADDRESSES
                .iter()
                .map(|a| a.to_ascii_lowercase())
                .collect(),
            gated: true,
        }
    }

    /// The same redactor with every detector run on every text (no gates): the reference the gates are tested
    /// against.
    #[cfg(test)]
    pub(crate) fn without_gates(mut self) -> Self {
        self.gated = false;
        self
    }

    /// Keeps `value` readable wherever it appears as a whole finding (for example a published team address).
    pub fn allow(mut self, value: impl Into<String>) -> Self {
        self.allowed.push(value.into().to_lowercase());
        self
    }

    /// What [`Redactor::redact_text`] would remove from `text`: each span's class and byte offsets, in order,
    /// non-overlapping. Already-inserted placeholders are never findings.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        self.scan_with(text, &self.hints(text))
    }

    fn hints(&self, text: &str) -> Hints {
        if self.gated {
            Hints::new(text)
        } else {
            Hints::exhaustive()
        }
    }

    /// [`Redactor::scan`] with the text's [`Hints`] computed: every detector whose gate fails is skipped (it could
    /// not have matched), so the findings are the same as with [`Hints::exhaustive`].
    ///
    /// The text is scanned as written and, when it holds escapes, invisible characters or compatibility forms, in
    /// its decoded view ([`decode`]); a finding in the decoded view covers the whole encoded span it came from.
    pub(crate) fn scan_with(&self, text: &str, hints: &Hints) -> Vec<Finding> {
        let as_written = self.scan_as_written(text, hints);
        let views = decode::views(text);
        if views.is_empty() {
            return as_written;
        }
        let mut all: Vec<(Finding, Rank)> = as_written
            .into_iter()
            .map(|f| {
                let rank = rank_of(f.class);
                (f, rank)
            })
            .collect();
        for decoded in &views {
            self.scan_view(decoded, &mut all);
        }
        merge_ranked(all)
    }

    /// Scans a decoded view and adds its findings, mapped back to the original text.
    fn scan_view(&self, decoded: &decode::Decoded, all: &mut Vec<(Finding, Rank)>) {
        let hints = self.hints(&decoded.text);
        for f in self.scan_as_written(&decoded.text, &hints) {
            let rank = rank_of(f.class);
            all.push((decoded.map_back(f), rank));
        }
    }

    fn scan_as_written(&self, text: &str, hints: &Hints) -> Vec<Finding> {
        let protected: Vec<(usize, usize)> = if hints.has(text, needle!("[REDACTED")) {
            PLACEHOLDER
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect()
        } else {
            Vec::new()
        };
        let mut hits: Vec<(Finding, Rank)> = Vec::new();
        let mut add = |found: Vec<Finding>, rank: Rank| {
            hits.extend(found.into_iter().map(|f| (f, rank)));
        };
        let mut content = Vec::new();
        vendor::find_with(text, hints, &mut content);
        pii::find_with(text, hints, &mut content);
        bare::encoded(text, &content_class, &mut content);
        bare::opaque(text, &mut content);
        add(content, Rank::Content);
        let terms = self
            .terms
            .as_ref()
            .filter(|_| self.term_masks.iter().any(|&m| hints.may_hold_term(m)));
        if let Some(terms) = terms {
            let found = terms
                .find_iter(text)
                .map(|m| Finding {
                    class: PRIVATE_TERM,
                    start: m.start(),
                    end: m.end(),
                })
                .collect();
            add(found, Rank::PrivateTerm);
        }
        let mut named = Vec::new();
        fields::assignments_with(text, hints, &mut named);
        add(named, Rank::Name);

        hits.retain(|(f, _)| {
            f.start < f.end
                && !protected.iter().any(|&(s, e)| f.start < e && s < f.end)
                && !self.allowed.contains(&text[f.start..f.end].to_lowercase())
        });
        merge_ranked(hits)
    }

    /// `text` with every sensitive span replaced by its placeholder; each placeholder is counted in `summary`.
    pub fn redact_text(&self, text: &str, summary: &mut RedactionSummary) -> String {
        let findings = self.scan(text);
        for f in &findings {
            summary.record(f.class);
        }
        replace(text, &findings).unwrap_or_else(|| text.to_string())
    }

    /// A redacted copy of a JSON value: strings through [`Redactor::redact_text`], object keys scanned too, and
    /// the value under a denylisted key replaced whole. Integers that are card numbers become placeholders.
    pub fn redact_json(&self, value: &Value, summary: &mut RedactionSummary) -> Value {
        let mut out = value.clone();
        self.redact_json_in_place(&mut out, summary);
        out
    }

    /// [`Redactor::redact_json`] on a value the caller owns: only what changes is rewritten, so a large document
    /// is never held twice.
    pub fn redact_json_in_place(&self, value: &mut Value, summary: &mut RedactionSummary) {
        self.json_session().redact_in_place(value, summary);
    }

    /// A run of [`Redactor::redact_json_in_place`] calls that share what they learned: a big document redacted
    /// one part at a time (so it is never one JSON value) costs what it costs whole.
    pub fn json_session(&self) -> JsonSession<'_> {
        JsonSession {
            redactor: self,
            memo: Memo::default(),
        }
    }

    fn scanned(&self, text: &str) -> Scanned {
        let findings = self.scan(text);
        Scanned {
            redacted: replace(text, &findings),
            classes: findings.iter().map(|f| f.class).collect(),
        }
    }

    /// The redacted form of a string (`None` when it stays as it is), each placeholder counted in `summary`.
    fn redact_string(&self, text: &mut String, summary: &mut RedactionSummary, memo: &mut Memo) {
        let redacted = match memo.text(self, text) {
            Some(at) => memo.results[at].replay(summary),
            None => self.scanned(text).replay(summary),
        };
        if let Some(redacted) = redacted {
            *text = redacted;
        }
    }

    /// A string stored under the key `memo.keys[key]`: when it is the same string as the last one under that key
    /// (ids of a kind, statuses, environments, actors repeat from one record to the next), its result is replayed
    /// without looking it up.
    fn redact_string_under(
        &self,
        key: usize,
        text: &mut String,
        summary: &mut RedactionSummary,
        memo: &mut Memo,
    ) {
        let entry = &memo.keys[key];
        if let Some(at) = entry.last_result.filter(|_| entry.last_value == *text) {
            if let Some(redacted) = memo.results[at].replay(summary) {
                *text = redacted;
            }
            return;
        }
        let Some(at) = memo.text(self, text) else {
            if let Some(redacted) = self.scanned(text).replay(summary) {
                *text = redacted;
            }
            return;
        };
        let entry = &mut memo.keys[key];
        entry.last_value.clear();
        entry.last_value.push_str(text);
        entry.last_result = Some(at);
        if let Some(redacted) = memo.results[at].replay(summary) {
            *text = redacted;
        }
    }

    fn redact_value(
        &self,
        value: &mut Value,
        depth: usize,
        summary: &mut RedactionSummary,
        memo: &mut Memo,
    ) {
        match value {
            Value::String(s) => self.redact_string(s, summary, memo),
            Value::Number(n) if n.is_u64() || n.is_i64() => {
                let digits = n.to_string();
                if let [f] = self.scan(&digits).as_slice() {
                    if f.start == 0 && f.end == digits.len() {
                        summary.record(f.class);
                        *value = Value::String(placeholder(f.class));
                    }
                }
            }
            Value::Array(items) => {
                for v in items {
                    self.redact_value(v, depth + 1, summary, memo);
                }
            }
            Value::Object(map) => {
                // Values in place; a key that changes is noted (by its position) and the object rebuilt after.
                let mut renamed: Vec<(usize, String)> = Vec::new();
                for (i, (key, v)) in map.iter_mut().enumerate() {
                    let at = memo.key(self, depth, i, key);
                    let (sensitive, new_key) = match at {
                        Some(at) => {
                            let entry = &memo.keys[at];
                            (entry.sensitive, entry.scanned.replay(summary))
                        }
                        None => (
                            fields::sensitive_name(key),
                            self.scanned(key).replay(summary),
                        ),
                    };
                    match (sensitive, v) {
                        (Some(class), v) => self.replace_whole(v, class, summary),
                        (None, v) if generated_by_the_app(key, v) => {}
                        (None, Value::String(s)) => match at {
                            Some(at) => self.redact_string_under(at, s, summary, memo),
                            None => self.redact_string(s, summary, memo),
                        },
                        (None, v) => self.redact_value(v, depth + 1, summary, memo),
                    }
                    if let Some(new_key) = new_key.filter(|k| k != key) {
                        renamed.push((i, new_key));
                    }
                }
                if !renamed.is_empty() {
                    rename_keys(map, renamed);
                }
            }
            Value::Number(_) | Value::Bool(_) | Value::Null => {}
        }
    }

    /// Redacted headers: a denylisted header's value is replaced whole; any other value goes through
    /// [`Redactor::redact_text`], and so does every name (a private term can hide in a custom header's name).
    pub fn redact_headers(
        &self,
        headers: &[(String, String)],
        summary: &mut RedactionSummary,
    ) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| {
                let new_value = match fields::sensitive_name(name) {
                    Some(class) => match self.whole_value_class(value, class) {
                        Some(class) => {
                            summary.record(class);
                            placeholder(class)
                        }
                        None => value.clone(),
                    },
                    None => self.redact_text(value, summary),
                };
                (self.redact_text(name, summary), new_value)
            })
            .collect()
    }

    /// The value stored under a denylisted name, replaced whole (booleans, nulls, empty values and placeholders
    /// are kept as they are).
    fn replace_whole(
        &self,
        value: &mut Value,
        class: &'static str,
        summary: &mut RedactionSummary,
    ) {
        let class = match value {
            Value::Null | Value::Bool(_) => None,
            Value::String(s) => self.whole_value_class(s, class),
            Value::Array(a) if a.is_empty() => None,
            Value::Object(o) if o.is_empty() => None,
            Value::Number(_) | Value::Array(_) | Value::Object(_) => Some(class),
        };
        if let Some(class) = class {
            summary.record(class);
            *value = Value::String(placeholder(class));
        }
    }

    /// The class to report for a string replaced because of its name: what the content itself is when a content
    /// detector recognizes it (`Authorization: Basic …` is a password), else the name's class; `None` when there is
    /// nothing to replace.
    pub(super) fn whole_value_class(
        &self,
        value: &str,
        name_class: &'static str,
    ) -> Option<&'static str> {
        let trimmed = value.trim();
        if trimmed.is_empty()
            || PLACEHOLDER
                .find(trimmed)
                .is_some_and(|m| m.len() == trimmed.len())
        {
            return None;
        }
        let mut content = Vec::new();
        let hints = self.hints(value);
        vendor::find_with(value, &hints, &mut content);
        pii::find_with(value, &hints, &mut content);
        content.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        Some(content.first().map_or(name_class, |f| f.class))
    }
}

/// Sorts findings by position and merges overlapping ones; a merged span takes the class of its lowest rank.
fn merge_ranked(mut hits: Vec<(Finding, Rank)>) -> Vec<Finding> {
    hits.sort_by_key(|(f, rank)| (f.start, std::cmp::Reverse(f.end), *rank));
    let mut merged: Vec<(Finding, Rank)> = Vec::with_capacity(hits.len());
    for (f, rank) in hits {
        match merged.last_mut() {
            Some((last, last_rank)) if f.start < last.end => {
                last.end = last.end.max(f.end);
                if rank < *last_rank {
                    last.class = f.class;
                    *last_rank = rank;
                }
            }
            _ => merged.push((f, rank)),
        }
    }
    merged.into_iter().map(|(f, _)| f).collect()
}

/// The rank a class was found with, for findings whose family is no longer known (mapped back from the decoded
/// view): private terms and names have their own classes, everything else is content.
fn rank_of(class: &str) -> Rank {
    if class == PRIVATE_TERM {
        Rank::PrivateTerm
    } else {
        Rank::Content
    }
}

/// What a decoded token holds, for [`bare::encoded`]: a secret, else personal data.
fn content_class(decoded: &str) -> Option<&'static str> {
    if let Some(class) = super::detect::encoded_secret_class(decoded) {
        return Some(class);
    }
    // The decoded token may itself be escaped (a hex-encoded `mailto%3Aj.doe%40…`): its own spellings count too.
    let found = super::detect::in_every_spelling(decoded, pii::find);
    found.first().map(|f| f.class)
}

/// `text` with each finding replaced by its placeholder, or `None` when there are no findings.
fn replace(text: &str, findings: &[Finding]) -> Option<String> {
    if findings.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in findings {
        out.push_str(&text[at..f.start]);
        out.push_str("[REDACTED:");
        out.push_str(f.class);
        out.push(']');
        at = f.end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// Rebuilds an object whose keys at the given positions (in key order) were redacted. Two keys redacted to the
/// same placeholder must not overwrite each other, nor take the name of a key the object already has: the later
/// one becomes `<placeholder>#2`, `#3`, ….
fn rename_keys(map: &mut serde_json::Map<String, Value>, renamed: Vec<(usize, String)>) {
    let old = std::mem::take(map);
    let original: Vec<String> = old.keys().cloned().collect();
    let mut renamed = renamed.into_iter().peekable();
    for (i, (key, v)) in old.into_iter().enumerate() {
        let new_key = match renamed.next_if(|(at, _)| *at == i) {
            Some((_, new_key)) => {
                let mut candidate = new_key.clone();
                let mut n = 2;
                while map.contains_key(&candidate) || original.binary_search(&candidate).is_ok() {
                    candidate = format!("{new_key}#{n}");
                    n += 1;
                }
                candidate
            }
            None => key,
        };
        map.insert(new_key, v);
    }
}

/// Values the app generates itself — record ids, RFC 3339 timestamps, SHA-256 digests — under the keys that hold
/// them. They cannot carry user text, so they are not scanned: that keeps an id or a hash from ever being cut by a
/// private term that happens to match inside it, and skips a third of a packet's scanning. Anything under such a
/// key that does not have the exact generated shape is scanned like every other string.
pub(super) fn generated_by_the_app(key: &str, value: &Value) -> bool {
    let Value::String(s) = value else {
        return false;
    };
    match key {
        "id" | "supersedes" | "superseded_by" => generated_id(s),
        "at" | "recorded_at" | "signed_at" | "status_at" | "created_at" | "generated_at"
        | "decided_at" | "evaluated_at" => generated_time(s),
        "sha256" | "scope_digest" | "audit_head_hash" | "digest" => {
            s.len() == 64 && s.bytes().all(is_lower_hex)
        }
        _ => false,
    }
}

fn is_lower_hex(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'a'..=b'f')
}

/// `^(?:ev|so|dc)_[0-9a-f]{32}$`
fn generated_id(s: &str) -> bool {
    s.len() == 35
        && matches!(&s.as_bytes()[..3], b"ev_" | b"so_" | b"dc_")
        && s.bytes().skip(3).all(is_lower_hex)
}

/// `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$`, where `\d` is any Unicode decimal digit: written out
/// for ASCII text (where `\d` is `[0-9]`), the pattern itself for anything else.
fn generated_time(s: &str) -> bool {
    static TIME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$").expect("compiles")
    });
    if !s.is_ascii() {
        return TIME.is_match(s);
    }
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return false;
    }
    let fixed = digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    let fraction = &b[19..b.len() - 1];
    fixed
        && (fraction.is_empty()
            || (fraction[0] == b'.'
                && (2..=10).contains(&fraction.len())
                && fraction[1..].iter().all(u8::is_ascii_digit)))
}

/// See [`Redactor::json_session`].
pub struct JsonSession<'a> {
    redactor: &'a Redactor,
    memo: Memo,
}

impl JsonSession<'_> {
    /// Redacts every string of `value` (keys included, as [`Redactor::redact_json_in_place`] does).
    pub fn redact_in_place(&mut self, value: &mut Value, summary: &mut RedactionSummary) {
        // A packet repeats the same keys and many of the same values thousands of times; each distinct string is
        // scanned once and its result (text and classes found) replayed for the rest.
        self.redactor
            .redact_value(value, 0, summary, &mut self.memo);
    }
}

/// What one JSON session has scanned: per distinct string the result of redacting it, and per distinct key that
/// and the class its name alone makes its value. Sibling objects have the same keys in the same order, so the last
/// object's keys at each depth are kept by position and compared before any look-up.
#[derive(Default)]
struct Memo {
    texts: std::collections::HashMap<String, usize>,
    results: Vec<Scanned>,
    names: std::collections::HashMap<String, usize>,
    keys: Vec<KeyEntry>,
    /// Per depth, `keys` positions of the last object's keys, in order.
    recent: Vec<Vec<usize>>,
}

struct KeyEntry {
    key: String,
    sensitive: Option<&'static str>,
    scanned: Scanned,
    /// The last string seen under this key and where its result is.
    last_value: String,
    last_result: Option<usize>,
}

/// What redacting one string gives: its redacted form (`None`: it stays as it is) and the class of each
/// placeholder in it.
struct Scanned {
    redacted: Option<String>,
    classes: Vec<&'static str>,
}

impl Scanned {
    /// Counts the placeholders again and hands out the redacted form.
    fn replay(&self, summary: &mut RedactionSummary) -> Option<String> {
        for class in &self.classes {
            summary.record(class);
        }
        self.redacted.clone()
    }
}

impl Memo {
    /// Where the result for `text` is in `results`, scanning it first if it is new; `None` once the memo is full
    /// and `text` is not in it.
    fn text(&mut self, redactor: &Redactor, text: &str) -> Option<usize> {
        if let Some(&at) = self.texts.get(text) {
            return Some(at);
        }
        if self.results.len() >= MEMO_LIMIT {
            return None;
        }
        self.results.push(redactor.scanned(text));
        self.texts.insert(text.to_string(), self.results.len() - 1);
        Some(self.results.len() - 1)
    }

    /// Where `key`, the `index`-th key of an object at `depth`, is in `keys`, scanning it first if it is new;
    /// `None` once the memo is full and `key` is not in it.
    fn key(&mut self, redactor: &Redactor, depth: usize, index: usize, key: &str) -> Option<usize> {
        if let Some(&at) = self.recent.get(depth).and_then(|keys| keys.get(index)) {
            if self.keys[at].key == key {
                return Some(at);
            }
        }
        let at = match self.names.get(key) {
            Some(&at) => at,
            None if self.keys.len() >= MEMO_LIMIT => return None,
            None => {
                self.keys.push(KeyEntry {
                    key: key.to_string(),
                    sensitive: fields::sensitive_name(key),
                    scanned: redactor.scanned(key),
                    last_value: String::new(),
                    last_result: None,
                });
                self.names.insert(key.to_string(), self.keys.len() - 1);
                self.keys.len() - 1
            }
        };
        if self.recent.len() <= depth {
            self.recent.resize_with(depth + 1, Vec::new);
        }
        let recent = &mut self.recent[depth];
        if recent.len() <= index {
            recent.resize(index + 1, at);
        }
        recent[index] = at;
        Some(at)
    }
}

/// Bounds the memo so a pathological document cannot grow it without limit; past this, strings are just scanned.
const MEMO_LIMIT: usize = 200_000;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn redact(r: &Redactor, text: &str) -> (String, RedactionSummary) {
        let mut s = RedactionSummary::default();
        (r.redact_text(text, &mut s), s)
    }

    #[test]
    fn placeholders_are_typed_and_counted() {
        let r = Redactor::new(&["LiquidityProviderX".into()]);
        let (out, s) = redact(
            &r,
            "key sk_live_FAKE0notreal00000000000000 via liquidityproviderx for jane.doe@example.com",
        );
        assert_eq!(
            out,
            "key [REDACTED:api-key] via [REDACTED:private-term] for [REDACTED:email]"
        );
        assert_eq!(s.total, 3);
        assert_eq!(s.counts.get("api-key"), Some(&1));
        assert_eq!(s.counts.get("private-term"), Some(&1));
        assert_eq!(s.counts.get("email"), Some(&1));
    }

    #[test]
    fn redaction_is_idempotent() {
        let r = Redactor::new(&["Redacted".into(), "api".into()]);
        let (once, _) = redact(
            &r,
            "Authorization: Bearer fake-opaque-token-0000000000\npassword=hunter22",
        );
        let (twice, s) = redact(&r, &once);
        assert_eq!(once, twice);
        assert!(s.is_empty(), "{s:?}");
    }

    #[test]
    fn a_header_value_is_replaced_whole_with_the_contents_class() {
        let r = Redactor::default();
        let (out, s) = redact(
            &r,
            "Authorization: Basic Ym9iOnNlY3JldA==\nCookie: sid=abc; theme=dark\n",
        );
        assert_eq!(
            out,
            "Authorization: [REDACTED:password]\nCookie: [REDACTED:session-cookie]\n"
        );
        assert_eq!(s.total, 2);
    }

    #[test]
    fn support_address_stays() {
        let r = Redactor::default();
        let (out, s) = redact(&r, "support@0bit.io, with redacted identifiers only");
        assert_eq!(out, "support@0bit.io, with redacted identifiers only");
        assert!(s.is_empty());
        let r = Redactor::default().allow("finance@acme.example");
        assert_eq!(
            redact(&r, "to Finance@Acme.example").0,
            "to Finance@Acme.example"
        );
    }

    #[test]
    fn json_keys_values_and_shapes() {
        let r = Redactor::new(&["LiquidityProviderX".into()]);
        let mut s = RedactionSummary::default();
        let out = r.redact_json(
            &json!({
                "client_secret": "abc",
                "password": {"nested": 1},
                "webhook_signature_verified": true,
                "token": null,
                "api_key": "",
                "card": 4242424242424242u64,
                "size": 1234,
                "liquidityproviderx_route": "r1",
                "items": ["ok", "call +44 20 7946 0958"],
            }),
            &mut s,
        );
        assert_eq!(
            out,
            json!({
                "client_secret": "[REDACTED:secret]",
                "password": "[REDACTED:password]",
                "webhook_signature_verified": true,
                "token": null,
                "api_key": "",
                "card": "[REDACTED:card-number]",
                "size": 1234,
                "[REDACTED:private-term]_route": "r1",
                "items": ["ok", "call [REDACTED:phone]"],
            })
        );
        assert_eq!(s.total, 5);
    }

    #[test]
    fn colliding_redacted_keys_are_kept_apart() {
        let r = Redactor::new(&["alpha".into(), "omega".into()]);
        let mut s = RedactionSummary::default();
        let out = r.redact_json(&json!({"alpha": 1, "omega": 2}), &mut s);
        let map = out.as_object().unwrap();
        assert_eq!(map.len(), 2);
        assert!(map.contains_key("[REDACTED:private-term]"));
        assert!(map.contains_key("[REDACTED:private-term]#2"));
    }

    #[test]
    fn headers_by_name_then_by_content() {
        let r = Redactor::new(&["LiquidityProviderX".into()]);
        let mut s = RedactionSummary::default();
        let out = r.redact_headers(
            &[
                (
                    "Authorization".into(),
                    "Bearer fake-opaque-token-0000000000".into(),
                ),
                ("X-Api-Key".into(), "anything at all".into()),
                ("Set-Cookie".into(), "".into()),
                (
                    "X-Request-Id".into(),
                    "3f2b8c1e-9a4d-4f6b-8e2a-7c5d1b0e9f34".into(),
                ),
                ("X-Note".into(), "from jane.doe@example.com".into()),
                ("X-LiquidityProviderX-Route".into(), "eu-1".into()),
            ],
            &mut s,
        );
        let values: Vec<&str> = out.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(
            values,
            [
                "[REDACTED:token]",
                "[REDACTED:api-key]",
                "",
                "3f2b8c1e-9a4d-4f6b-8e2a-7c5d1b0e9f34",
                "from [REDACTED:email]",
                "eu-1"
            ]
        );
        assert_eq!(out[5].0, "X-[REDACTED:private-term]-Route");
        assert_eq!(s.total, 4);
    }

    #[test]
    fn truncated_and_escaped_private_keys() {
        let r = Redactor::default();
        let cut = "log:\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nMIIEpAIBAAKCAQEA0Z3VS5JJcds3\nxfn/ygWyF8Pb\nnext line of the log";
        assert_eq!(
            redact(&r, cut).0,
            "log:\n[REDACTED:private-key]\nnext line of the log"
        );
        let escaped = r#"{"key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0BAQEF"}"#;
        assert_eq!(
            redact(&r, escaped).0,
            r#"{"key": "[REDACTED:private-key]"}"#
        );
    }

    /// Arbitrary mixes of sensitive and tricky fragments (multi-byte characters, separators, placeholders): no
    /// panic, findings in order and apart, and redacting twice is redacting once.
    #[test]
    fn mixed_fragments_never_panic_and_redaction_is_stable() {
        const PIECES: &[&str] = &[
            "sk_live_FAKE0notreal00000000000000",
            "jane.doe@example.com",
            "+44 20 7946 0958",
            "4242 4242 4242 4242",
            "GB82 WEST 1234 5698 7654 32",
            "abandon ",
            "about",
            "Authorization: Bearer fake-opaque-token-0000000000",
            "password=",
            "\"secret\": \"",
            "https://u:p4ss@h.example.com/",
            "LiquidityProviderX",
            "\u{a0}",
            "é",
            "🔑",
            "\n",
            " ",
            ":",
            "=",
            "\"",
            "\\\"",
            "[REDACTED:email]",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "bc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq9e75rs",
            "2026-11-23T05:31:07+01:00",
            "pool_quote_live_123",
            "-----BEGIN PRIVATE KEY-----",
            "12",
            "-",
        ];
        // Pieces glued together (any adjacency) or apart (as people write them).
        const GLUE: &[&str] = &["", " ", "\n", ", "];
        let r = Redactor::new(&["LiquidityProviderX".into(), "été".into()]);
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..2400 {
            let glue = GLUE[round % GLUE.len()];
            let mut text = String::new();
            for _ in 0..(next() % 9 + 1) {
                text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
                text.push_str(glue);
            }
            let findings = r.scan(&text);
            for pair in findings.windows(2) {
                assert!(pair[0].end <= pair[1].start, "{text:?}");
            }
            let (once, s1) = redact(&r, &text);
            assert_eq!(s1.total as usize, findings.len());
            if !glue.is_empty() {
                // (Glued to a word, `Xsk_live_…` is not a key: `task_test_2041` must stay.)
                assert!(!once.contains("sk_live_FAKE"), "{text:?}");
                // Placeholders never create or hide a finding next to them.
                let (twice, s2) = redact(&r, &once);
                assert_eq!(once, twice, "{text:?}");
                assert!(s2.is_empty(), "{text:?} -> {once:?}: {s2:?}");
            }
        }
    }

    #[test]
    fn debug_does_not_print_private_terms() {
        let r = Redactor::new(&["LiquidityProviderX".into()]);
        assert!(!format!("{r:?}").contains("Liquidity"));
    }
}
