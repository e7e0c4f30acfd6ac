//! The decoded view of a text: what a browser, a JSON parser or a mail reader would show, so the detectors see a
//! secret however it was spelled on the way in.
//!
//! A value reaches the app encoded more often than not: a link carries `%3Dsk_live_…` (and `%3D` leaves no word
//! boundary before `sk_`), a pasted JSON string carries `\u0040`, an HTML export `&#64;`, a mail
//! `=3D`, a chat message a zero-width space inside a key, a phone keyboard full-width digits. Each layer is undone
//! here — percent escapes, HTML character references, JSON / JavaScript string escapes, quoted-printable escapes
//! of printable characters, invisible characters, and Unicode compatibility forms (NFKC) — repeatedly, so a value
//! encoded twice (`%253D`) is decoded too.
//!
//! Every byte of the decoded text remembers the byte range of the original it came from, so a finding in the
//! decoded view maps back to the whole encoded span, and the redacted output replaces all of it.

use unicode_normalization::UnicodeNormalization;

use super::detect::Finding;

/// At most this many layers are undone: double and triple encoding are real; deeper nesting is not.
const MAX_ROUNDS: usize = 4;

/// A decoded text and, for each of its bytes, the original byte range it came from.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    origin: Vec<(u32, u32)>,
}

impl Decoded {
    /// The original byte range `[start, end)` of the decoded bytes `[start, end)`; never splits an escape.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        debug_assert!(start < end && end <= self.origin.len());
        (
            self.origin[start].0 as usize,
            self.origin[end - 1].1 as usize,
        )
    }

    /// A finding in this view as a finding in the original text: the same class over the whole encoded span.
    pub fn map_back(&self, f: Finding) -> Finding {
        let (start, end) = self.original_span(f.start, f.end);
        Finding {
            class: f.class,
            start,
            end,
        }
    }
}

/// Whether `text` holds anything [`decoded`] could undo: an escape introducer or a non-ASCII character. Most texts
/// do not, and then nothing else is done.
pub fn may_be_encoded(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b'%' | b'&' | b'\\' | b'=') || b >= 0x80)
}

/// The decoded views of `text` worth scanning: [`decoded`], and the view with quoted-printable escapes undone
/// first (when there are any). Quoted-printable gets a view of its own because its escapes are ambiguous: in
/// `sha256=757107…` the `=75` is not an escape, and decoding it in the common view would hide the signature it
/// belongs to.
pub fn views(text: &str) -> Vec<Decoded> {
    let mut views: Vec<Decoded> = decoded(text).into_iter().collect();
    // A full-width `＝` folds to `=` in the first round, and may start an escape after it.
    if text.contains('=') || text.contains('\u{FF1D}') {
        views.extend(decoded_with(text, true));
    }
    views
}

/// The decoded view of `text` (every layer but quoted-printable), or `None` when decoding changes nothing.
pub fn decoded(text: &str) -> Option<Decoded> {
    decoded_with(text, false)
}

fn decoded_with(text: &str, quoted_printable_first: bool) -> Option<Decoded> {
    if !may_be_encoded(text) || text.len() >= u32::MAX as usize {
        return None;
    }
    let mut current: Option<Decoded> = None;
    for _ in 0..MAX_ROUNDS {
        let source = current.as_ref().map_or(text, |d| d.text.as_str());
        // The quoted-printable view undoes it in every round: a mail quoting a mail escapes `=` as `=3D` again.
        let Some((next, origin)) = decode_once(source, quoted_printable_first) else {
            break;
        };
        // Compose: a byte of this round came from a range of the previous round, which came from the original.
        let origin = match &current {
            None => origin,
            Some(previous) => origin
                .iter()
                .map(|&(s, e)| {
                    let (s, e) = previous.original_span(s as usize, e as usize);
                    (s as u32, e as u32)
                })
                .collect(),
        };
        current = Some(Decoded { text: next, origin });
    }
    current
}

/// One layer of decoding: the new text and, per byte, the range of `text` it came from; `None` when nothing
/// changed.
fn decode_once(text: &str, quoted_printable: bool) -> Option<(String, Vec<(u32, u32)>)> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut origin: Vec<(u32, u32)> = Vec::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match bytes[i] {
            b'%' => percent(text, i),
            b'&' => entity(text, i),
            b'\\' => backslash(text, i),
            b'=' if quoted_printable => self::quoted_printable(bytes, i),
            b if b >= 0x80 => compatibility(text, i),
            _ => None,
        };
        match decoded {
            Some((replacement, end)) => {
                changed = true;
                for _ in 0..replacement.len() {
                    origin.push((i as u32, end as u32));
                }
                out.push_str(&replacement);
                i = end;
            }
            None => {
                let c_len = utf8_len(bytes[i]);
                out.push_str(&text[i..i + c_len]);
                for _ in 0..c_len {
                    origin.push((i as u32, (i + c_len) as u32));
                }
                i += c_len;
            }
        }
    }
    changed.then_some((out, origin))
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// A run of `%HH` escapes at `at` that spells valid UTF-8 (one character or several), and where it ends. A run
/// that is not valid UTF-8 is decoded as far as it is.
fn percent(text: &str, at: usize) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::new();
    let mut i = at;
    while i + 2 < bytes.len() && bytes[i] == b'%' {
        match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
            (Some(h), Some(l)) => decoded.push(h << 4 | l),
            _ => break,
        }
        i += 3;
    }
    if decoded.is_empty() {
        return None;
    }
    let valid = match std::str::from_utf8(&decoded) {
        Ok(s) => s.len(),
        Err(e) => e.valid_up_to(),
    };
    if valid == 0 {
        return None;
    }
    let s = std::str::from_utf8(&decoded[..valid]).expect("checked prefix");
    Some((s.to_string(), at + valid * 3))
}

/// An HTML character reference at `at`: `&#61;`, `&#x3D;` (the `;` may be missing, as browsers allow) or one of
/// the named references a value plausibly carries.
fn entity(text: &str, at: usize) -> Option<(String, usize)> {
    let rest = &text[at + 1..];
    if let Some(num) = rest.strip_prefix('#') {
        let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 3),
            None => (num, 10, 2),
        };
        let len = digits
            .bytes()
            .take_while(|b| (*b as char).is_digit(radix))
            .count();
        if len == 0 || len > 7 {
            return None;
        }
        let code = u32::from_str_radix(&digits[..len], radix).ok()?;
        let c = char::from_u32(code).filter(|c| *c != '\0')?;
        let mut end = at + skip + len;
        if text.as_bytes().get(end) == Some(&b';') {
            end += 1;
        }
        return Some((c.to_string(), end));
    }
    let name_len = rest
        .bytes()
        .take(10)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if rest.as_bytes().get(name_len) != Some(&b';') {
        return None;
    }
    let c = match &rest[..name_len] {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "equals" => "=",
        "commat" => "@",
        "colon" => ":",
        "sol" => "/",
        "period" => ".",
        "lowbar" | "UnderBar" => "_",
        "hyphen" | "dash" => "-",
        "plus" => "+",
        "num" => "#",
        "percnt" => "%",
        "nbsp" => " ",
        "Tab" => "\t",
        "NewLine" => "\n",
        _ => return None,
    };
    Some((c.to_string(), at + 1 + name_len + 1))
}

/// A JSON / JavaScript string escape at `at`: `\uXXXX` (surrogate pairs joined), `\u{…}`, `\xHH`, and the
/// one-character escapes.
fn backslash(text: &str, at: usize) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    let next = *bytes.get(at + 1)?;
    let hex_at = |from: usize, n: usize| -> Option<u32> {
        let digits = text.get(from..from + n)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    };
    match next {
        b'u' if bytes.get(at + 2) == Some(&b'{') => {
            let close = text[at + 3..].find('}')?;
            if close == 0 || close > 6 {
                return None;
            }
            let c = char::from_u32(hex_at(at + 3, close)?)?;
            Some((c.to_string(), at + 3 + close + 1))
        }
        b'u' => {
            let unit = hex_at(at + 2, 4)?;
            if (0xD800..0xDC00).contains(&unit) {
                // A high surrogate is only a character with the low one that follows it.
                if bytes.get(at + 6) != Some(&b'\\') || bytes.get(at + 7) != Some(&b'u') {
                    return None;
                }
                let low = hex_at(at + 8, 4)?;
                if !(0xDC00..0xE000).contains(&low) {
                    return None;
                }
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return Some((char::from_u32(code)?.to_string(), at + 12));
            }
            let c = char::from_u32(unit).filter(|c| *c != '\0')?;
            Some((c.to_string(), at + 6))
        }
        b'x' => {
            let c = char::from_u32(hex_at(at + 2, 2)?).filter(|c| *c != '\0')?;
            Some((c.to_string(), at + 4))
        }
        b'/' | b'"' | b'\'' | b'\\' => Some(((next as char).to_string(), at + 2)),
        b'n' => Some(("\n".into(), at + 2)),
        b't' => Some(("\t".into(), at + 2)),
        b'r' => Some(("\r".into(), at + 2)),
        _ => None,
    }
}

/// A quoted-printable escape `=HH` (upper-case hex, as the encoding writes it) of a printable ASCII character or a
/// tab or line break (`=0A` must end the word before it, as the line break it stands for does).
/// Other bytes are left alone: `t=1493…` in a signature header is not an escape of byte 0x14.
fn quoted_printable(bytes: &[u8], at: usize) -> Option<(String, usize)> {
    let upper_hex = |b: u8| matches!(b, b'0'..=b'9' | b'A'..=b'F');
    let (h, l) = (*bytes.get(at + 1)?, *bytes.get(at + 2)?);
    if !(upper_hex(h) && upper_hex(l)) {
        return None;
    }
    let b = hex_value(h)? << 4 | hex_value(l)?;
    if (0x20..0x7F).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r') {
        return Some(((b as char).to_string(), at + 3));
    }
    // A character beyond ASCII is its UTF-8 bytes, each escaped (`=EF=BD=93` is a full-width `s`).
    let len = utf8_len(b);
    if !(2..=4).contains(&len) {
        return None;
    }
    let mut utf8 = vec![b];
    for k in 1..len {
        let escape = at + 3 * k;
        if bytes.get(escape) != Some(&b'=') {
            return None;
        }
        let (h, l) = (*bytes.get(escape + 1)?, *bytes.get(escape + 2)?);
        if !(upper_hex(h) && upper_hex(l)) {
            return None;
        }
        utf8.push(hex_value(h)? << 4 | hex_value(l)?);
    }
    let c = std::str::from_utf8(&utf8).ok()?.to_string();
    Some((c, at + 3 * len))
}

/// A non-ASCII character as what it stands for: nothing for an invisible one, its compatibility form (NFKC) for
/// full-width letters, ligatures, mathematical alphanumerics and the like; `None` when it stands for itself.
fn compatibility(text: &str, at: usize) -> Option<(String, usize)> {
    let c = text[at..].chars().next()?;
    let end = at + c.len_utf8();
    if is_invisible(c) {
        return Some((String::new(), end));
    }
    let mut buf = [0u8; 4];
    let single: &str = c.encode_utf8(&mut buf);
    let folded: String = single.nfkc().collect();
    (folded != single).then_some((folded, end))
}

/// Characters that render as nothing: a value with one inside reads the same and must be found the same.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str) -> String {
        decoded(text).map(|d| d.text).unwrap_or_else(|| text.into())
    }

    #[test]
    fn each_layer_is_undone() {
        assert_eq!(view("note%3A%20STRIPE_KEY%3Dsk"), "note: STRIPE_KEY=sk");
        assert_eq!(view("jane%2Edoe%40example%2Ecom"), "jane.doe@example.com");
        assert_eq!(view("a%253Db"), "a=b", "double encoding");
        assert_eq!(view("x&#61;y&#x3D;z&#64 &commat;&amp;"), "x=y=z@ @&");
        assert_eq!(view(r"\u0073k\x5flive\/\u{41}"), "sk_live/A");
        assert_eq!(view(r"\ud83d\ude00"), "😀");
        let qp = views("KEY=3Dsk_live");
        assert_eq!(
            qp.last().unwrap().text,
            "KEY=sk_live",
            "quoted-printable has its own view"
        );
        assert_eq!(view("KEY=3Dsk_live"), "KEY=3Dsk_live", "and only there");
        assert_eq!(
            view("sig%3A%20sha256%3D757107ea"),
            "sig: sha256=757107ea",
            "a percent-decoded `=` never starts a quoted-printable escape"
        );
        assert_eq!(view("sk\u{200B}_li\u{00AD}ve"), "sk_live");
        assert_eq!(view("ｓｋ＿ｌｉｖｅ１"), "sk_live1");
        assert_eq!(view("%C3%A9t%C3%A9"), "été");
    }

    #[test]
    fn what_is_not_an_escape_stays() {
        for text in [
            "t=1493329224,v1=dca14f",
            "100% done & 50%",
            "C:\\Users\\dev",
            "Zoë Kowalski",
            "a=b&c=d",
            "%zz %4",
            "&unknown; &#;",
        ] {
            assert!(decoded(text).is_none(), "{text} → {}", view(text));
        }
        assert_eq!(view("%FF%41"), "%FFA", "invalid UTF-8 stays as written");
    }

    #[test]
    fn spans_map_back_to_the_whole_escape() {
        let text = "key%3Dsk_%6Cive_x end";
        let d = decoded(text).unwrap();
        let start = d.text.find("sk_").unwrap();
        let end = d.text.find(" end").unwrap();
        assert_eq!(
            d.original_span(start, end),
            (text.find("sk_").unwrap(), text.find(" end").unwrap())
        );
        let eq = d.text.find('=').unwrap();
        assert_eq!(
            &text[d.original_span(eq, eq + 1).0..d.original_span(eq, eq + 1).1],
            "%3D"
        );
        let double = "a%253Db";
        let d = decoded(double).unwrap();
        assert_eq!(
            d.original_span(1, 2),
            (1, 6),
            "both layers of %253D map to all five bytes"
        );
    }
}
