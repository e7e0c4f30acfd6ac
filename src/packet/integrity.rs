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
///
/// Each section is put in canonical form once. When every section takes the fast path of [`canonical`] and every
/// section name is ASCII, the canonical form of the whole packet is those same pieces joined as serde_json joins
/// an object's members (`{"name":section,…}` in key order), which is exactly `serde_json::to_string` of the whole
/// and so its RFC 8785 form: it is hashed from the pieces instead of being serialized a second time. Otherwise the
/// whole packet is canonicalized on its own.
pub fn seal(packet: &mut Value) {
    let Some(object) = packet.as_object_mut() else {
        return;
    };
    let mut pieces: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut sections = BTreeMap::new();
    let mut fast = true;
    for (key, section) in object.iter() {
        if key == "integrity" {
            continue;
        }
        let piece = if integers_and_ascii_keys(section) {
            serde_json::to_vec(section).expect("a JSON value serializes")
        } else {
            fast = false;
            serde_json_canonicalizer::to_vec(section).expect("a JSON value canonicalizes")
        };
        sections.insert(key.clone(), hex::encode(Sha256::digest(&piece)));
        fast &= key.is_ascii();
        pieces.insert(key.clone(), piece);
    }
    let integrity = object
        .entry("integrity")
        .or_insert_with(|| Value::Object(Default::default()));
    integrity["sections"] = serde_json::to_value(&sections).expect("digests serialize");
    integrity["digest"] = Value::String(String::new());
    let digest = if fast && integers_and_ascii_keys(integrity) {
        let mut hasher = Sha256::new();
        hasher.update(b"{");
        for (i, (key, section)) in object.iter().enumerate() {
            if i > 0 {
                hasher.update(b",");
            }
            hasher.update(serde_json::to_vec(key).expect("a key serializes"));
            hasher.update(b":");
            match pieces.get(key) {
                Some(piece) => hasher.update(piece),
                None => {
                    hasher.update(serde_json::to_vec(section).expect("a JSON value serializes"))
                }
            }
        }
        hasher.update(b"}");
        hex::encode(hasher.finalize())
    } else {
        drop(pieces);
        sha256_canonical(packet)
    };
    packet["integrity"]["digest"] = Value::String(digest);
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
