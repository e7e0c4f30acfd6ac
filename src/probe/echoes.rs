//! Finds a run's secrets wherever a server echoed them, in any plausible spelling, so nothing stored or printed
//! about a probe run carries a usable part of a key.
//!
//! An [`EchoMatcher`] is built once per run from the run's secret values. It finds, and [`EchoMatcher::scrub`]
//! replaces whole with `[REDACTED:secret]`:
//!
//! - the exact value, and any run of at least [`WINDOW`] (12) of its characters: long prefixes (`sk_live_abcd`) and
//!   suffixes (the last 12 characters) too;
//! - hex of the value's bytes, lower, upper or mixed case (hex is the only case-insensitive spelling), any 12 hex
//!   digits of it;
//! - base64, standard and URL-safe, padded or not, alone or inside a longer encoded string (`Basic
//!   base64("user:" + key)`, a base64 JSON blob): for each of the 3 byte alignments the encoding of the value's
//!   bytes without the edge characters its neighbours change, any 12 characters of it; the replacement then covers
//!   the whole surrounding base64 token (and its `=` padding);
//! - all of the above percent-encoded (every byte or only some, `%2f` or `%2F`, twice: `%252F`), or JSON / string
//!   escaped (`\/`, `\u00xx`, `\"`, `\x2f`), in any mix: the text is also read through one and two rounds of
//!   unescaping, and a match there replaces the escaped text it came from. The 12-character rule counts unescaped
//!   characters, so `sk%5Flive%5F` (8 characters of the value) stays as short common prefixes do.
//!
//! Patterns shorter than a window are matched only whole, and never when shorter than [`MIN_WHOLE`] (8) characters,
//! except the exact value itself: an 8-character secret does not turn every 8-character word into a match, only
//! itself. Spans found are merged (overlapping or touching) and each merged span is replaced by one placeholder.
//!
//! Matching slides a rolling hash over the text: a 64 Kbit filter rejects almost every position, the few left are
//! looked up and compared byte for byte, so the cost is one pass per spelling of the text whatever the number of
//! windows. Building the matcher for a few 40-character secrets takes microseconds.

use std::collections::{HashMap, HashSet};
use std::fmt;

use base64::Engine as _;

use crate::probe::secrets::Secrets;

/// The shortest part of a secret (or of an encoding of it) that counts as an echo when it is not the whole thing.
pub const WINDOW: usize = 12;
/// Encodings shorter than a window are matched whole, but only from this length on.
pub const MIN_WHOLE: usize = 8;

/// The rolling hash's multiplier (odd, so every window's hash depends on every byte).
const BASE: u64 = 0x0000_0100_0000_01B3;
/// Bits in the prefilter; the ~1,400 windows of 4 secrets of 40 characters set about 2% of them.
const FILTER_BITS: usize = 1 << 16;

/// Characters a base64 token (standard or URL-safe) is made of, apart from its `=` padding.
fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')
}

/// A window of a spelling: compared exactly, or ASCII-case-insensitively (hex); base64 matches grow to their whole
/// token.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Window {
    bytes: [u8; WINDOW],
    fold: bool,
    base64: bool,
}

impl Window {
    #[inline]
    fn matches(&self, here: &[u8]) -> bool {
        if self.fold {
            self.bytes.eq_ignore_ascii_case(here)
        } else {
            self.bytes == here
        }
    }
}

/// A pattern shorter than a window, matched whole.
#[derive(Clone, PartialEq, Eq)]
struct Whole {
    bytes: Vec<u8>,
    /// Compared ASCII-case-insensitively (hex).
    fold: bool,
    base64: bool,
}

/// A table of windows behind a bit filter over their rolling hashes. Hashes are taken over the ASCII-lower-cased
/// bytes, so one hash per position serves the exact windows and the case-insensitive ones.
struct Table {
    filter: Vec<u64>,
    windows: HashMap<u64, Vec<Window>>,
}

impl Table {
    fn new() -> Table {
        Table {
            filter: vec![0; FILTER_BITS / 64],
            windows: HashMap::new(),
        }
    }

    fn slot(hash: u64) -> (usize, u64) {
        let bit = (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48) as usize;
        (bit / 64, 1u64 << (bit % 64))
    }

    fn insert(&mut self, window: Window) {
        let hash = hash_of(&window.bytes);
        let (word, mask) = Table::slot(hash);
        self.filter[word] |= mask;
        let entries = self.windows.entry(hash).or_default();
        match entries
            .iter_mut()
            .find(|w| w.bytes == window.bytes && w.fold == window.fold)
        {
            Some(w) => w.base64 |= window.base64,
            None => entries.push(window),
        }
    }

    #[inline]
    fn may_hold(&self, hash: u64) -> bool {
        let (word, mask) = Table::slot(hash);
        self.filter[word] & mask != 0
    }

    fn len(&self) -> usize {
        self.windows.values().map(Vec::len).sum()
    }
}

/// The rolling hash of a window, over its lower-cased bytes.
fn hash_of(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |h, &b| {
        h.wrapping_mul(BASE)
            .wrapping_add(b.to_ascii_lowercase() as u64)
    })
}

/// Every spelling of the run's secrets this module recognises, ready to scan text with. Holds parts of the secrets:
/// it lives as long as the run's redaction and prints only its size.
pub struct EchoMatcher {
    /// Windows of the value and of its base64 spellings (compared exactly) and of its hex (compared
    /// case-insensitively).
    table: Table,
    whole: Vec<Whole>,
    /// Per byte value, what it adds to a window's hash as its first byte (lower-cased, times `BASE` to the power
    /// `WINDOW - 1`), to drop it when the window moves on.
    first: Box<[u64; 256]>,
}

impl fmt::Debug for EchoMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EchoMatcher")
            .field("windows", &self.table.len())
            .field("whole", &self.whole.len())
            .finish()
    }
}

/// The stable part of `value`'s base64 when it starts `offset` bytes (0, 1 or 2) into a 3-byte group: characters
/// that also depend on the bytes before or after it are dropped. No padding.
fn base64_core(value: &[u8], offset: usize, engine: &base64::engine::GeneralPurpose) -> String {
    let mut bytes = vec![0u8; offset];
    bytes.extend_from_slice(value);
    let encoded = engine.encode(&bytes);
    let front = [0, 2, 3][offset];
    let back = usize::from(bytes.len() % 3 != 0);
    if encoded.len() < front + back {
        return String::new();
    }
    encoded[front..encoded.len() - back].to_string()
}

impl EchoMatcher {
    /// A matcher for these secret values (each at least 4 characters long to count; shorter ones are ignored, as
    /// [`Secrets::values_for_scrubbing`] does).
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> EchoMatcher {
        let top = (1..WINDOW).fold(1u64, |p, _| p.wrapping_mul(BASE));
        let mut first = Box::new([0u64; 256]);
        for (b, slot) in first.iter_mut().enumerate() {
            *slot = ((b as u8).to_ascii_lowercase() as u64).wrapping_mul(top);
        }
        let mut matcher = EchoMatcher {
            table: Table::new(),
            whole: Vec::new(),
            first,
        };
        let mut seen: HashSet<&str> = HashSet::new();
        for value in values {
            for v in [value, value.trim()] {
                if v.len() >= 4 && seen.insert(v) {
                    matcher.add(v.as_bytes());
                }
            }
        }
        matcher
    }

    /// The matcher for a run's secrets.
    pub fn for_secrets(secrets: &Secrets) -> EchoMatcher {
        EchoMatcher::new(secrets.values_for_scrubbing())
    }

    /// Whether there is nothing to look for (a run without secrets).
    pub fn is_empty(&self) -> bool {
        self.table.windows.is_empty() && self.whole.is_empty()
    }

    fn add(&mut self, value: &[u8]) {
        // The value itself: windows, or the whole value when it is shorter than one (however short).
        self.add_spelling(value, false, false, 1);
        self.add_spelling(hex::encode(value).as_bytes(), true, false, MIN_WHOLE);
        let standard = base64::engine::general_purpose::STANDARD_NO_PAD;
        let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        for engine in [&standard, &url_safe] {
            for offset in 0..3 {
                let core = base64_core(value, offset, engine);
                self.add_spelling(core.as_bytes(), false, true, MIN_WHOLE);
            }
        }
    }

    fn add_spelling(&mut self, spelling: &[u8], fold: bool, base64: bool, min_whole: usize) {
        if spelling.len() >= WINDOW {
            for w in spelling.windows(WINDOW) {
                let mut bytes = [0u8; WINDOW];
                bytes.copy_from_slice(w);
                self.table.insert(Window {
                    bytes,
                    fold,
                    base64,
                });
            }
        } else if spelling.len() >= min_whole {
            let whole = Whole {
                bytes: spelling.to_vec(),
                fold,
                base64,
            };
            match self.whole.iter_mut().find(|w| w.bytes == whole.bytes) {
                Some(w) => {
                    w.base64 |= whole.base64;
                    w.fold |= whole.fold;
                }
                None => self.whole.push(whole),
            }
        }
    }

    /// The byte ranges of `text` that are echoes of a secret: merged (overlapping or touching ranges become one),
    /// in order, on character boundaries.
    pub fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        if self.is_empty() || text.len() < 4 {
            return Vec::new();
        }
        let mut found: Vec<(usize, usize)> = Vec::new();
        let raw = text.as_bytes();
        self.scan(raw, None, &mut found);
        // The same text unescaped once (`%2F`, `\/`, `\u002f`) and twice (`%252F`), each match mapped back to the
        // escaped text it came from.
        if let Some(once) = unescape(raw, None) {
            self.scan(&once.bytes, Some(&once.from), &mut found);
            if let Some(twice) = unescape(&once.bytes, Some(&once.from)) {
                self.scan(&twice.bytes, Some(&twice.from), &mut found);
            }
        }
        merge(text, found)
    }

    /// `text` with every echo of a secret replaced by `[REDACTED:secret]`; the number of placeholders inserted.
    pub fn scrub_counted(&self, text: &str) -> (String, usize) {
        let spans = self.spans(text);
        if spans.is_empty() {
            return (text.to_string(), 0);
        }
        let placeholder = crate::redact::placeholder("secret");
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for &(start, end) in &spans {
            out.push_str(&text[at..start]);
            out.push_str(&placeholder);
            at = end;
        }
        out.push_str(&text[at..]);
        (out, spans.len())
    }

    /// `text` with every echo of a secret replaced by `[REDACTED:secret]`.
    pub fn scrub(&self, text: &str) -> String {
        self.scrub_counted(text).0
    }

    /// Whether `text` holds an echo of a secret.
    pub fn finds(&self, text: &str) -> bool {
        !self.spans(text).is_empty()
    }

    /// Adds to `out` the ranges (in the original text, through `from` when `bytes` is an unescaped reading of it)
    /// that match a window or a whole pattern; base64 matches grow to their whole token first.
    fn scan(&self, bytes: &[u8], from: Option<&[(u32, u32)]>, out: &mut Vec<(usize, usize)>) {
        let mut push = |start: usize, end: usize, base64: bool| {
            let (start, end) = if base64 {
                token_around(bytes, start, end)
            } else {
                (start, end)
            };
            out.push(match from {
                None => (start, end),
                Some(map) => (map[start].0 as usize, map[end - 1].1 as usize),
            });
        };
        if bytes.len() >= WINDOW {
            let mut hash = hash_of(&bytes[..WINDOW]);
            for start in 0..=bytes.len() - WINDOW {
                if start > 0 {
                    let new = bytes[start + WINDOW - 1].to_ascii_lowercase() as u64;
                    hash = hash
                        .wrapping_sub(self.first[bytes[start - 1] as usize])
                        .wrapping_mul(BASE)
                        .wrapping_add(new);
                }
                if !self.table.may_hold(hash) {
                    continue;
                }
                let here = &bytes[start..start + WINDOW];
                if let Some(ws) = self.table.windows.get(&hash) {
                    if let Some(base64) = ws
                        .iter()
                        .filter(|w| w.matches(here))
                        .map(|w| w.base64)
                        .reduce(|a, b| a || b)
                    {
                        push(start, start + WINDOW, base64);
                    }
                }
            }
        }
        for w in &self.whole {
            let n = w.bytes.len();
            if bytes.len() < n {
                continue;
            }
            for start in 0..=bytes.len() - n {
                let here = &bytes[start..start + n];
                let hit = if w.fold {
                    here.eq_ignore_ascii_case(&w.bytes)
                } else {
                    here == w.bytes.as_slice()
                };
                if hit {
                    push(start, start + n, w.base64);
                }
            }
        }
    }
}

/// The whole base64 token around `start..end`: neighbouring base64 characters, then up to two `=` of padding.
fn token_around(bytes: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start > 0 && is_base64_char(bytes[start - 1]) {
        start -= 1;
    }
    while end < bytes.len() && is_base64_char(bytes[end]) {
        end += 1;
    }
    let mut padding = 0;
    while padding < 2 && end < bytes.len() && bytes[end] == b'=' {
        end += 1;
        padding += 1;
    }
    (start, end)
}

/// Sorted, merged (overlapping or touching) ranges, widened to character boundaries.
fn merge(text: &str, mut found: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    for (start, end) in &mut found {
        while !text.is_char_boundary(*start) {
            *start -= 1;
        }
        while !text.is_char_boundary(*end) {
            *end += 1;
        }
    }
    found.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(found.len());
    for (start, end) in found {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// A reading of a text with its escapes decoded, and for each byte of it the range of the original text it came
/// from.
struct Unescaped {
    bytes: Vec<u8>,
    from: Vec<(u32, u32)>,
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn hex_value(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |v, &d| Some(v * 16 + hex_digit(d)? as u32))
}

/// What one escape stands for: up to 4 bytes (one UTF-8 character).
struct Decoded {
    bytes: [u8; 4],
    len: usize,
}

impl Decoded {
    fn byte(b: u8) -> Decoded {
        Decoded {
            bytes: [b, 0, 0, 0],
            len: 1,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// `bytes` with percent-escapes (`%2F`), JSON escapes (`\/`, `\"`, `\\`, `\n`, `\u002F`, surrogate pairs) and
/// `\x2F` decoded; `None` when there was nothing to decode. `map` is where `bytes` itself came from, if it is a
/// reading of another text, so the ranges returned always point into the original.
fn unescape(bytes: &[u8], map: Option<&[(u32, u32)]>) -> Option<Unescaped> {
    if !bytes.iter().any(|&b| b == b'%' || b == b'\\') {
        return None;
    }
    let origin = |start: usize, end: usize| -> (u32, u32) {
        match map {
            None => (start as u32, end as u32),
            Some(m) => (m[start].0, m[end - 1].1),
        }
    };
    let mut out = Unescaped {
        bytes: Vec::with_capacity(bytes.len()),
        from: Vec::with_capacity(bytes.len()),
    };
    let mut decoded_any = false;
    let mut i = 0;
    while i < bytes.len() {
        let decoded: Option<(Decoded, usize)> = match bytes[i] {
            b'%' => bytes
                .get(i + 1..i + 3)
                .and_then(hex_value)
                .map(|v| (Decoded::byte(v as u8), 3)),
            b'\\' => match bytes.get(i + 1) {
                Some(&c @ (b'/' | b'\\' | b'"' | b'\'')) => Some((Decoded::byte(c), 2)),
                Some(b'n') => Some((Decoded::byte(b'\n'), 2)),
                Some(b't') => Some((Decoded::byte(b'\t'), 2)),
                Some(b'r') => Some((Decoded::byte(b'\r'), 2)),
                Some(b'b') => Some((Decoded::byte(0x08), 2)),
                Some(b'f') => Some((Decoded::byte(0x0c), 2)),
                Some(b'x') => bytes
                    .get(i + 2..i + 4)
                    .and_then(hex_value)
                    .map(|v| (Decoded::byte(v as u8), 4)),
                Some(b'u') => unicode_escape(bytes, i),
                _ => None,
            },
            _ => None,
        };
        match decoded {
            Some((value, len)) => {
                let from = origin(i, i + len);
                for &b in value.as_bytes() {
                    out.bytes.push(b);
                    out.from.push(from);
                }
                decoded_any = true;
                i += len;
            }
            None => {
                out.bytes.push(bytes[i]);
                out.from.push(origin(i, i + 1));
                i += 1;
            }
        }
    }
    decoded_any.then_some(out)
}

/// `\uXXXX` at `i` (or a `\uD8xx\uDCxx` surrogate pair) as UTF-8 bytes and the escape's length.
fn unicode_escape(bytes: &[u8], i: usize) -> Option<(Decoded, usize)> {
    let unit = |at: usize| -> Option<u32> {
        if bytes.get(at..at + 2) != Some(&b"\\u"[..]) {
            return None;
        }
        bytes.get(at + 2..at + 6).and_then(hex_value)
    };
    let first = unit(i)?;
    let (code, len) = match first {
        0xD800..=0xDBFF => {
            let second = unit(i + 6).filter(|s| (0xDC00..=0xDFFF).contains(s))?;
            (0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), 12)
        }
        0xDC00..=0xDFFF => return None,
        _ => (first, 6),
    };
    let c = char::from_u32(code)?;
    let mut decoded = Decoded {
        bytes: [0; 4],
        len: c.len_utf8(),
    };
    c.encode_utf8(&mut decoded.bytes);
    Some((decoded, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk_live_4eC39HqLyjWDarjtT1zdp7dcXyZ/9+Qw";
    const HOOK: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const REDACTED: &str = "[REDACTED:secret]";

    fn matcher() -> EchoMatcher {
        EchoMatcher::new([KEY, HOOK])
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    fn b64url(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Scrubs `text` and checks that no trace of either secret's long parts is left, and that `keep` survived.
    fn gone(text: &str, keep: &[&str]) -> String {
        let out = matcher().scrub(text);
        assert!(
            out.contains(REDACTED),
            "nothing replaced in {text:?}: {out}"
        );
        for secret in [KEY, HOOK] {
            for part in [&secret[..WINDOW], &secret[secret.len() - WINDOW..]] {
                assert!(!out.contains(part), "{part:?} left in {out}");
            }
        }
        for k in keep {
            assert!(out.contains(k), "{k:?} lost from {out}");
        }
        out
    }

    fn percent_all(value: &str, upper: bool) -> String {
        value
            .bytes()
            .map(|b| {
                if upper {
                    format!("%{b:02X}")
                } else {
                    format!("%{b:02x}")
                }
            })
            .collect()
    }

    fn percent_reserved(value: &str, upper: bool) -> String {
        value
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ if upper => format!("%{b:02X}"),
                _ => format!("%{b:02x}"),
            })
            .collect()
    }

    #[test]
    fn the_exact_value_is_replaced_whole_and_the_rest_kept() {
        let out = gone(
            &format!("key={KEY}&pool=pool_usdt_eur"),
            &["key=", "&pool=pool_usdt_eur"],
        );
        assert_eq!(out, format!("key={REDACTED}&pool=pool_usdt_eur"));
        let out = gone(&format!("a {HOOK} b {KEY} c"), &["a ", " b ", " c"]);
        assert_eq!(out.matches(REDACTED).count(), 2, "{out}");
    }

    #[test]
    fn the_last_twelve_and_the_first_twelve_characters_are_replaced() {
        let tail = &KEY[KEY.len() - 12..];
        let out = gone(
            &format!("key ending …{tail} was used"),
            &["key ending …", " was used"],
        );
        assert_eq!(out, format!("key ending …{REDACTED} was used"));
        let head = &KEY[..12];
        assert_eq!(
            matcher().scrub(&format!("prefix {head}… seen")),
            format!("prefix {REDACTED}… seen")
        );
        // Any 12 characters from the middle, too.
        let middle = &KEY[10..25];
        assert_eq!(
            matcher().scrub(&format!("[{middle}]")),
            format!("[{REDACTED}]")
        );
    }

    #[test]
    fn hex_in_either_case_is_replaced() {
        for hex in [
            hex::encode(KEY),
            hex::encode_upper(KEY),
            hex::encode(HOOK),
            hex::encode_upper(HOOK),
        ] {
            let out = gone(&format!("{{\"k\":\"{hex}\"}}"), &["{\"k\":\"", "\"}"]);
            assert_eq!(out, format!("{{\"k\":\"{REDACTED}\"}}"));
        }
        // Mixed case, and only the last part of it.
        let mixed: String = hex::encode(KEY)
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 3 == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        gone(&format!("x {mixed} y"), &["x ", " y"]);
        let tail = &hex::encode(KEY)[40..];
        assert_eq!(
            matcher().scrub(&format!("x {tail} y")),
            format!("x {REDACTED} y")
        );
    }

    #[test]
    fn base64_alone_padded_or_not_standard_or_url_safe_is_replaced_whole() {
        for encoded in [
            b64(KEY.as_bytes()),
            b64url(KEY.as_bytes()),
            base64::engine::general_purpose::URL_SAFE.encode(KEY),
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(KEY),
            b64(HOOK.as_bytes()),
        ] {
            let out = gone(&format!("token: {encoded};"), &["token: ", ";"]);
            assert_eq!(out, format!("token: {REDACTED};"), "{encoded}");
        }
    }

    #[test]
    fn basic_auth_with_the_key_at_each_base64_alignment_is_replaced_whole() {
        // "api:" is 4 bytes (the key starts 1 byte into a group), "user:" 5 (2 bytes in), "admin:" 6 (aligned).
        for user in ["api", "user", "admin"] {
            let basic = b64(format!("{user}:{KEY}").as_bytes());
            let out = gone(
                &format!("Authorization: Basic {basic}\r\n"),
                &["Authorization: Basic ", "\r\n"],
            );
            assert_eq!(
                out,
                format!("Authorization: Basic {REDACTED}\r\n"),
                "{user}"
            );
            let url = b64url(format!("{user}:{HOOK}").as_bytes());
            assert_eq!(
                matcher().scrub(&format!("?t={url}&x=1")),
                format!("?t={REDACTED}&x=1"),
                "{user}"
            );
        }
    }

    #[test]
    fn the_key_inside_a_base64_json_blob_is_replaced_at_every_alignment() {
        for pad in ["", "x", "xy"] {
            // The padding before the key moves it through the three byte alignments.
            let blob = format!(r#"{{"partner":"partner_123{pad}","api_key":"{KEY}","n":1}}"#);
            for encoded in [b64(blob.as_bytes()), b64url(blob.as_bytes())] {
                let out = gone(
                    &format!("{{\"state\":\"{encoded}\"}}"),
                    &["{\"state\":\"", "\"}"],
                );
                assert_eq!(out, format!("{{\"state\":\"{REDACTED}\"}}"), "{pad:?}");
            }
        }
    }

    #[test]
    fn the_last_twelve_characters_inside_base64_are_replaced() {
        let tail = &KEY[KEY.len() - 12..];
        for prefix in ["", "k=", "key="] {
            let encoded = b64(format!("{prefix}{tail}").as_bytes());
            assert_eq!(
                matcher().scrub(&format!("v {encoded} w")),
                format!("v {REDACTED} w"),
                "{prefix:?}"
            );
        }
    }

    #[test]
    fn percent_encoding_every_byte_or_only_reserved_ones_in_either_case_and_twice_is_replaced() {
        for encoded in [
            percent_all(KEY, true),
            percent_all(KEY, false),
            percent_reserved(KEY, true),
            percent_reserved(KEY, false),
            // Twice: every `%` of the first round becomes `%25`.
            percent_reserved(&percent_reserved(KEY, true), true),
            percent_all(&percent_all(KEY, false), true),
            percent_reserved(HOOK, true),
        ] {
            let out = gone(
                &format!("https://api.example.com/v1/x?key={encoded}&pool=pool_usdt_eur"),
                &["https://api.example.com/v1/x?key=", "&pool=pool_usdt_eur"],
            );
            assert_eq!(
                out,
                format!("https://api.example.com/v1/x?key={REDACTED}&pool=pool_usdt_eur"),
                "{encoded}"
            );
        }
        // Base64 of the key, percent-encoded in a query string.
        let encoded = percent_reserved(&b64(format!("user:{KEY}").as_bytes()), true);
        assert_eq!(
            matcher().scrub(&format!("?auth={encoded}&a=b")),
            format!("?auth={REDACTED}&a=b")
        );
    }

    #[test]
    fn json_escaped_spellings_are_replaced() {
        let slash = KEY.replace('/', "\\/");
        let unicode: String = KEY
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_string()
                } else {
                    format!("\\u{:04x}", c as u32)
                }
            })
            .collect();
        let every: String = KEY
            .chars()
            .map(|c| format!("\\u{:04X}", c as u32))
            .collect();
        for escaped in [slash, unicode, every] {
            let out = gone(
                &format!("{{\"echo\":\"{escaped}\"}}"),
                &["{\"echo\":\"", "\"}"],
            );
            assert_eq!(out, format!("{{\"echo\":\"{REDACTED}\"}}"), "{escaped}");
        }
        // Base64 with its slashes JSON-escaped.
        let encoded = b64(format!("admin:{KEY}").as_bytes()).replace('/', "\\/");
        assert_eq!(
            matcher().scrub(&format!("\"{encoded}\"")),
            format!("\"{REDACTED}\"")
        );
    }

    #[test]
    fn support_safe_ids_uuids_and_short_common_parts_survive() {
        let text = "req_01HZY0POOLS pool_quote_live_123 0192f4c5-7a1e-7cc3-9a35-3b1f0e6d2a41 \
                    sk_live_ sk_live_4eC whsec_ pq_live_9f8e7d6c5b4a3f2e1d0c9b8a pt_live_stuck0001 \
                    trade_id=pt_test_abc sk%5Flive%5F c2tfbGl2ZV8= Bearer [REDACTED:api-key]";
        assert_eq!(matcher().scrub(text), text);
        assert!(matcher().spans(text).is_empty());
    }

    #[test]
    fn an_eight_character_secret_matches_only_itself() {
        let m = EchoMatcher::new(["Zq8vW2pL"]);
        let text = "password abcdefgh Zq8vW2pM 12345678 req_01HZY0POOLS Zq8vW2p";
        assert_eq!(m.scrub(text), text);
        assert_eq!(m.scrub("x Zq8vW2pL y"), format!("x {REDACTED} y"));
        assert_eq!(
            m.scrub(&format!("x {} y", hex::encode("Zq8vW2pL"))),
            format!("x {REDACTED} y")
        );
        assert_eq!(
            m.scrub(&format!("x {} y", b64("u:Zq8vW2pL".as_bytes()))),
            format!("x {REDACTED} y")
        );
        // A short secret's 12-character windows do not exist; its parts stay.
        assert_eq!(m.scrub("Zq8vW2"), "Zq8vW2");
    }

    #[test]
    fn touching_and_overlapping_echoes_become_one_placeholder() {
        let text = format!("{KEY}{}{KEY}", hex::encode(HOOK));
        assert_eq!(matcher().scrub(&text), REDACTED);
        let text = format!("{KEY} {KEY}");
        assert_eq!(matcher().scrub(&text), format!("{REDACTED} {REDACTED}"));
    }

    #[test]
    fn non_ascii_text_and_secrets_keep_character_boundaries() {
        let m = EchoMatcher::new(["clé-secrète-très-longue-€42"]);
        let out = m.scrub("« clé-secrète-très-longue-€42 » et «ète-très-longue-€4»");
        assert_eq!(out, format!("« {REDACTED} » et «{REDACTED}»"));
        let escaped = "cr\\u00e8te-tr\\u00e8s-longue-\\u20ac42";
        assert_eq!(m.scrub(escaped), REDACTED);
    }

    #[test]
    fn no_secrets_means_nothing_changes_and_debug_shows_no_value() {
        let m = EchoMatcher::new(Vec::<&str>::new());
        assert!(m.is_empty());
        assert_eq!(m.scrub(KEY), KEY);
        let shown = format!("{:?}", matcher());
        assert!(
            !shown.contains("sk_live") && shown.contains("windows"),
            "{shown}"
        );
    }

    #[test]
    fn the_base64_core_drops_exactly_the_unstable_edges() {
        let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
        for offset in 0..3 {
            let core = base64_core(KEY.as_bytes(), offset, &engine);
            for before in ["", "a", "ab", "abc", "user:", "admin:"] {
                for after in ["", "z", "zz", "\"}"] {
                    let encoded = b64(format!("{before}{KEY}{after}").as_bytes());
                    if before.len() % 3 == offset {
                        assert!(encoded.contains(&core), "{offset} {before:?} {after:?}");
                    }
                }
            }
        }
    }

    /// Timing printout (no assertion): `cargo test --release --lib probe::echoes -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing printout"]
    fn timing() {
        let secrets = [
            KEY,
            HOOK,
            "sk_test_FAKEprobe0sandbox0key0042abcdef",
            "rk_live_0123456789abcdefghijklmnop",
        ];
        let started = std::time::Instant::now();
        let rounds = 1000;
        for _ in 0..rounds {
            std::hint::black_box(EchoMatcher::new(secrets));
        }
        let build = started.elapsed() / rounds;
        let m = EchoMatcher::new(secrets);
        let body: String = (0..600)
            .map(|i| {
                format!(
                    "{{\"id\":\"pq_live_{i:08}\",\"amount\":\"25.00\",\"note\":\"a%20b\\/c\"}},"
                )
            })
            .collect();
        let body = format!("[{body}]");
        let started = std::time::Instant::now();
        for _ in 0..20 {
            std::hint::black_box(m.scrub(&body));
        }
        let scan = started.elapsed();
        println!(
            "build for 4 secrets: {build:?}; 20 bodies of {} KB scrubbed in {scan:?}",
            body.len() / 1024
        );
    }
}
