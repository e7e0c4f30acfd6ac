//! Sealing and verifying a packet: RFC 8785 canonical JSON, SHA-256 over the whole packet (with the digest field
//! empty), and a digest per top-level section so a failed verification can say which part changed.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use ts_rs::TS;

pub const CANONICALIZATION: &str = "RFC 8785 (JCS)";
pub const ALGORITHM: &str = "sha256";

fn sha256_canonical(value: &Value) -> String {
    hex::encode(Sha256::digest(canonical(value).as_bytes()))
}

/// RFC 8785 canonical JSON. For a value whose numbers are all integers and whose keys are all ASCII — every packet
/// this app writes — that is exactly serde_json's compact output (keys sorted, same string escapes), which is several
/// times faster; anything else goes through the full canonicalizer.
pub fn canonical(value: &Value) -> String {
    if integers_and_ascii_keys(value) {
        serde_json::to_string(value).expect("a JSON value serializes")
    } else {
        serde_json_canonicalizer::to_string(value).expect("a JSON value canonicalizes")
    }
}

const SAFE_INTEGER: u64 = 1 << 53;

fn integers_and_ascii_keys(value: &Value) -> bool {
    match value {
        // JCS writes numbers as IEEE doubles: integers are exact only up to 2^53.
        Value::Number(n) => {
            n.as_i64().is_some_and(|i| i.unsigned_abs() <= SAFE_INTEGER)
                || n.as_u64().is_some_and(|u| u <= SAFE_INTEGER)
        }
        Value::Array(items) => items.iter().all(integers_and_ascii_keys),
        Value::Object(map) => map
            .iter()
            .all(|(k, v)| k.is_ascii() && integers_and_ascii_keys(v)),
        _ => true,
    }
}

fn section_digests(packet: &serde_json::Map<String, Value>) -> BTreeMap<String, String> {
    packet
        .iter()
        .filter(|(k, _)| k.as_str() != "integrity")
        .map(|(k, v)| (k.clone(), sha256_canonical(v)))
        .collect()
}

/// Fills `integrity.sections` and `integrity.digest` of a packet already in JSON form.
pub fn seal(packet: &mut Value) {
    let pieces = all_pieces(packet);
    seal_with_pieces(packet, pieces);
}

/// [`seal`], then the exact text a packet file holds ([`to_pretty_bytes`]). When sealing took the fast path, the
/// text is laid out from the compact pieces sealing already made (see [`Layout`]) rather than by serializing the
/// packet again.
pub fn seal_to_pretty(packet: &mut Value) -> String {
    let pieces = all_pieces(packet);
    match seal_with_pieces(packet, pieces) {
        Some(layout) => layout.text(),
        None => pretty_string(packet),
    }
}

/// A top-level section written as serde_json's compact text by its producer, one part at a time, instead of held
/// as a JSON value: what a big launch's records take (see [`seal_to_pretty_with`]).
pub struct CompactSection {
    bytes: Vec<u8>,
}

impl CompactSection {
    /// `bytes` must be serde_json's compact output of JSON values whose numbers are integers within 2^53 and whose
    /// keys are ASCII ([`is_fast`]), so that it is also their RFC 8785 form.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self { bytes }
    }
}

/// Whether serde_json's compact output of `value` is its RFC 8785 canonical form (see [`canonical`]).
pub fn is_fast(value: &Value) -> bool {
    integers_and_ascii_keys(value)
}

/// [`seal_to_pretty`] for a packet some of whose sections arrive as compact text: each named one stands in the
/// value as an empty placeholder, and its text is sealed and laid out in its place. `None` when the rest of the
/// packet needs the full canonicalizer; the caller then puts those sections into the value and seals it whole.
pub fn seal_to_pretty_with(
    packet: &mut Value,
    sections: BTreeMap<String, CompactSection>,
) -> Option<String> {
    let mut pieces = all_pieces(packet);
    for (key, section) in sections {
        let digest = hex::encode(Sha256::digest(&section.bytes));
        pieces.insert(
            key,
            Piece {
                bytes: section.bytes,
                fast: true,
                digest,
            },
        );
    }
    if !pieces.values().all(|p| p.fast) {
        return None;
    }
    seal_with_pieces(packet, pieces).map(Layout::text)
}

/// The file's text written from the value itself (what [`to_pretty_bytes`] holds).
fn pretty_string(packet: &Value) -> String {
    let mut text = serde_json::to_string_pretty(packet).expect("a JSON value serializes");
    text.push('\n');
    text
}

fn all_pieces(packet: &Value) -> BTreeMap<String, Piece> {
    packet
        .as_object()
        .map(|object| {
            object
                .iter()
                .filter(|(k, _)| k.as_str() != "integrity")
                .map(|(k, v)| (k.clone(), piece(v)))
                .collect()
        })
        .unwrap_or_default()
}

/// One top-level section in canonical form ([`canonical`]) and its digest: what sealing needs of it.
struct Piece {
    bytes: Vec<u8>,
    /// `bytes` is serde_json's compact form (the fast path of [`canonical`]).
    fast: bool,
    digest: String,
}

/// The canonical form and digest of a section as it is now.
fn piece(section: &Value) -> Piece {
    let fast = integers_and_ascii_keys(section);
    let bytes = if fast {
        serde_json::to_vec(section).expect("a JSON value serializes")
    } else {
        serde_json_canonicalizer::to_vec(section).expect("a JSON value canonicalizes")
    };
    let digest = hex::encode(Sha256::digest(&bytes));
    Piece {
        bytes,
        fast,
        digest,
    }
}

/// A sealed packet's sections in serde_json's compact form, in key order, ready to be laid out as the file's text.
struct Layout {
    sections: Vec<(String, Vec<u8>)>,
}

impl Layout {
    /// The exact text [`to_pretty_bytes`] gives for the sealed packet, laid out from the compact pieces.
    fn text(self) -> String {
        let compact: usize = self.sections.iter().map(|(_, p)| p.len()).sum();
        // Pretty text is about 1.6 times the compact form for a packet; room for twice that, then the text is
        // trimmed to its length (a packet's text is large, and what it does not use is handed back).
        let mut out = Vec::with_capacity(compact * 2 + 64);
        out.push(b'{');
        let empty = self.sections.is_empty();
        // Each compact piece is let go once it is laid out: a big launch's sections are never held twice over.
        for (i, (key, piece)) in self.sections.into_iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\n  " } else { b",\n  " });
            serde_json::to_writer(&mut out, &key).expect("a key serializes");
            out.extend_from_slice(b": ");
            write_pretty(&piece, 1, &mut out);
        }
        out.extend_from_slice(if empty { b"}\n" } else { b"\n}\n" });
        out.shrink_to_fit();
        String::from_utf8(out).expect("JSON is UTF-8")
    }
}

/// Seals the packet from its sections' pieces ([`all_pieces`]). When the fast path was taken, hands back the
/// [`Layout`] of the sealed packet.
///
/// When every section takes the fast path of [`canonical`] and every section name is ASCII, the canonical form of
/// the whole packet is those same pieces joined as serde_json joins an object's members (`{"name":section,…}` in
/// key order), which is exactly `serde_json::to_string` of the whole and so its RFC 8785 form: it is hashed from
/// the pieces instead of being serialized a second time. Otherwise the whole packet is canonicalized on its own.
fn seal_with_pieces(packet: &mut Value, mut pieces: BTreeMap<String, Piece>) -> Option<Layout> {
    let object = packet.as_object_mut()?;
    let sections: BTreeMap<&String, &String> = pieces.iter().map(|(k, p)| (k, &p.digest)).collect();
    let sections = serde_json::to_value(&sections).expect("digests serialize");
    let fast = pieces.iter().all(|(k, p)| p.fast && k.is_ascii());
    let integrity = object
        .entry("integrity")
        .or_insert_with(|| Value::Object(Default::default()));
    integrity["sections"] = sections;
    integrity["digest"] = Value::String(String::new());
    let fast = fast && integers_and_ascii_keys(integrity);
    if !fast {
        drop(pieces);
        let digest = sha256_canonical(packet);
        packet["integrity"]["digest"] = Value::String(digest);
        return None;
    }
    let integrity_piece = |object: &serde_json::Map<String, Value>| {
        serde_json::to_vec(&object["integrity"]).expect("a JSON value serializes")
    };
    let mut hasher = Sha256::new();
    hasher.update(b"{");
    for (i, key) in object.keys().enumerate() {
        if i > 0 {
            hasher.update(b",");
        }
        hasher.update(serde_json::to_vec(key).expect("a key serializes"));
        hasher.update(b":");
        match pieces.get(key) {
            Some(piece) => hasher.update(&piece.bytes),
            None => hasher.update(integrity_piece(object)),
        }
    }
    hasher.update(b"}");
    object["integrity"]["digest"] = Value::String(hex::encode(hasher.finalize()));
    let integrity = integrity_piece(object);
    let mut integrity = Some(integrity);
    let sections = object
        .keys()
        .map(|key| {
            let bytes = match pieces.remove(key) {
                Some(piece) => piece.bytes,
                None => integrity.take().expect("only integrity has no piece"),
            };
            (key.clone(), bytes)
        })
        .collect();
    Some(Layout { sections })
}

/// How many bytes at the start of `bytes` are neither `"` nor `\\`, eight at a time while eight are left.
fn string_run(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_ne_bytes(chunk.try_into().expect("eight bytes"));
        if has_zero(word ^ (ONES * u64::from(b'"'))) | has_zero(word ^ (ONES * u64::from(b'\\')))
            != 0
        {
            break;
        }
        i += 8;
    }
    i + bytes[i..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .unwrap_or(bytes.len() - i)
}

/// Appends `compact` (serde_json's compact output for one value, nested `depth` levels deep) laid out exactly as
/// serde_json's pretty printer lays it out: two spaces per level, a line per member or element, `": "` after a
/// key, and `{}` / `[]` for empty objects and arrays. Compact output has no whitespace outside strings, and a
/// string is copied as it is, so only the structural bytes between tokens change.
fn write_pretty(compact: &[u8], depth: usize, out: &mut Vec<u8>) {
    fn new_line(out: &mut Vec<u8>, depth: usize) {
        out.push(b'\n');
        for _ in 0..depth {
            out.extend_from_slice(b"  ");
        }
    }
    let mut depth = depth;
    let mut i = 0;
    while i < compact.len() {
        match compact[i] {
            b'"' => {
                let start = i;
                i += 1;
                loop {
                    i += string_run(&compact[i..]);
                    match compact[i] {
                        b'"' => break,
                        // An escape: the backslash and the byte after it.
                        _ => i += 2,
                    }
                }
                i += 1;
                out.extend_from_slice(&compact[start..i]);
                continue;
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                out.push(open);
                if compact.get(i + 1) == Some(&close) {
                    out.push(close);
                    i += 1;
                } else {
                    depth += 1;
                    new_line(out, depth);
                }
            }
            close @ (b'}' | b']') => {
                depth -= 1;
                new_line(out, depth);
                out.push(close);
            }
            b',' => {
                out.push(b',');
                new_line(out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            other => out.push(other),
        }
        i += 1;
    }
}

/// The exact bytes a packet file holds: pretty JSON with sorted keys and a final newline.
pub fn to_pretty_bytes(packet: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(packet).expect("a JSON value serializes");
    bytes.push(b'\n');
    bytes
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Verification {
    pub intact: bool,
    pub recorded_digest: String,
    pub computed_digest: String,
    /// Top-level sections whose content no longer matches their recorded digest.
    pub changed_sections: Vec<String>,
    /// Anything else wrong: not JSON, no integrity block, sections added or removed.
    pub problems: Vec<String>,
}

/// Checks a packet's bytes. Any change to any byte that matters to the JSON makes this fail.
pub fn verify(bytes: &[u8]) -> Verification {
    let failed = |problem: String| Verification {
        intact: false,
        recorded_digest: String::new(),
        computed_digest: String::new(),
        changed_sections: vec![],
        problems: vec![problem],
    };
    let mut packet: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return failed(format!("not a JSON packet: {e}")),
    };
    // The file is written in one exact layout (`to_pretty_bytes`). Content could survive a change of whitespace, but
    // the file would no longer be the one exported, so any difference from that layout fails too.
    let layout_changed = to_pretty_bytes(&packet) != bytes;
    let Some(recorded) = packet
        .pointer("/integrity/digest")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return failed("the packet has no integrity.digest".into());
    };
    let recorded_sections: BTreeMap<String, String> = packet
        .pointer("/integrity/sections")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    packet["integrity"]["digest"] = Value::String(String::new());
    let computed = sha256_canonical(&packet);

    let mut changed = Vec::new();
    let mut problems = Vec::new();
    if let Some(object) = packet.as_object() {
        let now = section_digests(object);
        for (name, digest) in &now {
            match recorded_sections.get(name) {
                Some(d) if d == digest => {}
                Some(_) => changed.push(name.clone()),
                None => problems.push(format!("section '{name}' was added")),
            }
        }
        for name in recorded_sections.keys().filter(|n| !now.contains_key(*n)) {
            problems.push(format!("section '{name}' was removed"));
        }
    }
    if computed != recorded && changed.is_empty() && problems.is_empty() {
        problems.push("the integrity block itself was altered".into());
    }
    if layout_changed && computed == recorded && changed.is_empty() && problems.is_empty() {
        problems.push("the file's bytes were changed (whitespace or layout) although its content still matches".into());
    }
    Verification {
        intact: computed == recorded
            && changed.is_empty()
            && problems.is_empty()
            && !layout_changed,
        recorded_digest: recorded,
        computed_digest: computed,
        changed_sections: changed,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_sealed_packet_verifies_and_any_change_is_located() {
        let mut p = json!({ "launch": { "name": "Zoë's launch" }, "roles": [1, 2], "integrity": { "audit_head_seq": 4 } });
        seal(&mut p);
        let bytes = to_pretty_bytes(&p);
        assert!(verify(&bytes).intact);

        let altered = String::from_utf8(bytes.clone())
            .unwrap()
            .replace("Zoë", "Zoe");
        let v = verify(altered.as_bytes());
        assert!(!v.intact);
        assert_eq!(v.changed_sections, ["launch"]);

        let mut head = p.clone();
        head["integrity"]["audit_head_seq"] = json!(5);
        let v = verify(&serde_json::to_vec(&head).unwrap());
        assert!(!v.intact);
        assert!(v.problems[0].contains("integrity block"), "{v:?}");

        assert!(!verify(b"{ not json").intact);
    }

    #[test]
    fn the_fast_canonical_form_is_rfc_8785() {
        let v = json!({
            "z": ["Zoë", "Łukasz", "€25.00", "tab\there", "nl\n", "quote\"", "back\\slash", "ctl\u{1}", "/slash", "😀"],
            "a": { "n": -42, "big": 9007199254740992u64, "t": true, "nil": null, "nested": [{ "b": 1, "a": 2 }] },
        });
        assert!(integers_and_ascii_keys(&v));
        assert_eq!(
            canonical(&v),
            serde_json_canonicalizer::to_string(&v).unwrap()
        );
        for slow in [
            json!({ "x": 1.5e30 }),
            json!({ "x": 18446744073709551615u64 }),
            json!({ "ключ": 1 }),
        ] {
            assert!(!integers_and_ascii_keys(&slow));
            assert_eq!(
                canonical(&slow),
                serde_json_canonicalizer::to_string(&slow).unwrap()
            );
        }
    }

    #[test]
    fn the_assembled_digest_equals_the_digest_of_the_whole_canonical_form() {
        let mut p =
            json!({ "zeta": [1, "é"], "alpha": { "b": 2.5, "a": null }, "integrity": { "x": 1 } });
        seal(&mut p);
        let recorded = p["integrity"]["digest"].as_str().unwrap().to_string();
        let mut blank = p.clone();
        blank["integrity"]["digest"] = json!("");
        assert_eq!(recorded, sha256_canonical(&blank));
    }

    /// Sealing as it was done before the whole packet was hashed from its sections' pieces.
    fn seal_by_serializing_twice(packet: &mut Value) {
        let sections = section_digests(packet.as_object().unwrap());
        let integrity = packet
            .as_object_mut()
            .unwrap()
            .entry("integrity")
            .or_insert_with(|| Value::Object(Default::default()));
        integrity["sections"] = serde_json::to_value(&sections).unwrap();
        integrity["digest"] = Value::String(String::new());
        let digest = sha256_canonical(packet);
        packet["integrity"]["digest"] = Value::String(digest);
    }

    #[test]
    fn sealing_from_the_pieces_equals_sealing_the_whole() {
        for p in [
            json!({ "launch": { "name": "Zoë", "n": [1, -2, 9007199254740992u64] }, "roles": [], "integrity": { "audit_head_seq": 4 } }),
            json!({ "b": "x", "a": { "y": "tab\there \u{1} \"q\" \\" }, "integrity": {} }),
            json!({ "b": "x", "a": { "y": 2 } }),
            json!({ "b": 1.5, "a": { "y": 2 }, "integrity": {} }),
            json!({ "b": { "ключ": 1 }, "a": "x", "integrity": {} }),
            json!({ "ключ": 1, "a": "x", "integrity": {} }),
            json!({ "a": 18446744073709551615u64, "integrity": { "x": 2.5 } }),
            json!({ "integrity": { "ключ": true } }),
        ] {
            let mut fast = p.clone();
            seal(&mut fast);
            let mut slow = p.clone();
            seal_by_serializing_twice(&mut slow);
            assert_eq!(fast, slow, "{p}");
            assert!(verify(&to_pretty_bytes(&fast)).intact, "{p}");
        }
    }

    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    fn generated(seed: &mut u64, depth: usize) -> Value {
        const STRINGS: &[&str] = &[
            "",
            "plain",
            "quote \" inside",
            "back\\slash",
            "ends with backslash \\",
            "\\\"",
            "{[,:]}",
            "line\nbreak\ttab\u{1}\u{1f}",
            "Zoë Łukasz €",
            "😀",
            "  spaced  ",
        ];
        match next(seed) % if depth == 0 { 6 } else { 9 } {
            0 => Value::Null,
            1 => Value::Bool(next(seed) % 2 == 0),
            2 => json!(next(seed) as i64 % 100_000 - 50_000),
            3 => json!(1.5e-7),
            4 | 5 => json!(STRINGS[(next(seed) % STRINGS.len() as u64) as usize]),
            6 | 7 => Value::Array(
                (0..next(seed) % 4)
                    .map(|_| generated(seed, depth - 1))
                    .collect(),
            ),
            _ => {
                let n = next(seed) % 4;
                Value::Object(
                    (0..n)
                        .map(|_| {
                            let key =
                                STRINGS[(next(seed) % STRINGS.len() as u64) as usize].to_string();
                            (key, generated(seed, depth - 1))
                        })
                        .collect(),
                )
            }
        }
    }

    #[test]
    fn string_runs_stop_at_quotes_and_backslashes() {
        for len in 0..20 {
            let plain = "é".repeat(len / 2) + &"x".repeat(len % 2);
            assert_eq!(string_run(plain.as_bytes()), plain.len());
            for stop in ['"', '\\'] {
                let text = format!("{plain}{stop}tail\"");
                assert_eq!(string_run(text.as_bytes()), plain.len(), "{text:?}");
            }
        }
    }

    #[test]
    fn the_pretty_layout_from_compact_pieces_is_serde_jsons() {
        let mut seed = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let v = generated(&mut seed, 5);
            let mut out = Vec::new();
            write_pretty(&serde_json::to_vec(&v).unwrap(), 0, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string_pretty(&v).unwrap()
            );
        }
    }

    #[test]
    fn sealing_to_text_equals_sealing_then_writing() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        let mut packets = vec![
            json!({ "launch": { "name": "Zoë" }, "roles": [], "integrity": { "audit_head_seq": 4 } }),
            json!({ "b": 1.5, "a": { "y": 2 }, "integrity": {} }),
            json!({ "ключ": 1, "a": "x", "integrity": {} }),
            json!({ "only": [] }),
        ];
        for _ in 0..300 {
            let mut p = json!({ "integrity": { "audit_head_seq": 1 } });
            for key in ["launch", "roles", "verdict", "é"] {
                if seed % 3 != 0 {
                    p[key] = generated(&mut seed, 4);
                }
                seed = seed.rotate_left(7) ^ 0x5555;
            }
            packets.push(p);
        }
        for p in packets {
            let mut fast = p.clone();
            let text = seal_to_pretty(&mut fast);
            let mut slow = p.clone();
            seal_by_serializing_twice(&mut slow);
            assert_eq!(fast, slow, "{p}");
            assert_eq!(text.as_bytes(), to_pretty_bytes(&slow), "{p}");
            assert!(verify(text.as_bytes()).intact, "{p}");
        }
    }

    #[test]
    fn a_layout_change_is_reported_as_such() {
        let mut p = json!({ "b": 1, "a": { "y": 2, "x": 3 }, "integrity": {} });
        seal(&mut p);
        let compact = serde_json::to_vec(&p).unwrap();
        let v = verify(&compact);
        assert!(!v.intact);
        assert_eq!(
            v.recorded_digest, v.computed_digest,
            "the content itself still matches"
        );
        assert!(v.problems[0].contains("whitespace or layout"), "{v:?}");
    }
}
