//! Personal and financial data: e-mail addresses, international phone numbers, IBANs (mod-97), card numbers (Luhn),
//! wallet addresses (Bitcoin Base58Check and bech32/bech32m, Ethereum) and BIP39 seed phrases; with [`super::phone`]
//! phone numbers written without `+` (NANP, `00` prefix), and with [`super::labelled`] the values only their label
//! identifies (US and UK bank details, dates of birth, passport numbers).
//!
//! Checksums keep support-safe values alive: a 16-digit reference that fails Luhn or an IBAN-shaped string that
//! fails mod-97 is not a finding. Card numbers must also start with a major-network digit (2–6: Mir, Amex / Diners /
//! JCB, Visa, Mastercard / Maestro, Discover / UnionPay), so 13-digit epoch milliseconds (`17…`) stay readable.

use std::sync::LazyLock;

use regex::Regex;

use super::prefilter::{needle, Hints};
use super::{checksum, labelled, phone, Finding};

/// Appends every personal or financial value in `text` to `out` (unsorted, possibly overlapping).
pub fn find(text: &str, out: &mut Vec<Finding>) {
    find_with(text, &Hints::new(text), out);
}

/// [`find`] with the text's [`Hints`] already computed. Each family is skipped when the text lacks what every match
/// of it needs (an `@`, a `+`, `[A-Z]{2}[0-9]{2}`, a run of 13 digits, 26 Base58 characters, `0x`, 12 words of BIP39
/// length; ten digits for a phone number without `+`; a label word for the labelled values): most strings in a
/// packet are short ids and timestamps, and these checks cost a single pass over the bytes.
pub fn find_with(text: &str, hints: &Hints, out: &mut Vec<Finding>) {
    if hints.byte(b'@') {
        emails(text, out);
    }
    if hints.byte(b'+') {
        phones(text, out);
    }
    phone::find_with(text, hints, out);
    labelled::find_with(text, hints, out);
    if hints.may_hold_iban(text) {
        ibans(text, out);
    }
    if hints.may_hold_card(text) {
        cards(text, out);
    }
    if hints.digits_at_least(9)
        && (hints.byte(b'-')
            || hints.has_ci(text, needle!("ssn"))
            || hints.has_ci(text, needle!("security")))
    {
        national_ids(text, out);
    }
    if hints.digits_at_least(6) && may_hold_insurance_number(text) {
        national_insurance_numbers(text, out);
    }
    if hints.has(text, needle!("<<")) {
        passport_zones(text, out);
    }
    if hints.has_ci(text, needle!("at")) && hints.has_ci(text, needle!("dot")) {
        spelled_out_emails(text, out);
    }
    wallets_with(text, hints, out);
    if hints.may_hold_words(text, SEED_PHRASE_MIN_WORDS) {
        seed_phrases(text, out);
    }
}

/// US Social Security numbers (class `national-id`): `123-45-6789` anywhere (the 3-2-4 grouping is theirs), and
/// nine plain digits after an `SSN` or `social security` label. The numbers the SSA never issues (area 000, 666 or 900–999, group 00,
/// serial 0000) are not SSNs.
pub fn national_ids(text: &str, out: &mut Vec<Finding>) {
    static DASHED: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(?:^|[^0-9A-Za-z_\-])([0-9]{3})-([0-9]{2})-([0-9]{4})(?:$|[^0-9A-Za-z_\-])")
    });
    static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)\b(?:ssn|social[ _\-]security)\s*(?:#|no\.?|num\.?|number)?\s*[:=]?\s*([0-9]{3})[ ]?([0-9]{2})[ ]?([0-9]{4})\b",
        )
    });
    for pattern in [&*DASHED, &*LABELLED] {
        for caps in pattern.captures_iter(text) {
            let (area, group, serial) = (&caps[1], &caps[2], &caps[3]);
            let issued = area != "000"
                && area != "666"
                && !area.starts_with('9')
                && group != "00"
                && serial != "0000";
            if issued {
                push(
                    out,
                    "national-id",
                    caps.get(1).expect("group").start(),
                    caps.get(3).expect("group").end(),
                );
            }
        }
    }
}

/// Two letters then a digit, or two letters, a space and a digit: how every National Insurance number starts.
fn may_hold_insurance_number(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(2)).any(|i| {
        b[i].is_ascii_alphabetic()
            && b[i + 1].is_ascii_alphabetic()
            && (b[i + 2].is_ascii_digit()
                || (b[i + 2] == b' ' && b.get(i + 3).is_some_and(u8::is_ascii_digit)))
    })
}

static INSURANCE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)(?P<label>(?:\b|_)(?:nino|ni[ _\-]?(?:no|number|num|nr)|national[ _\-]insurance",
        r"(?:[ _\-]?(?:no|number|num|nr))?)\b\.?[ \t:=#'\x22\-]{0,6})?",
        r"\b(?P<value>(?-i:[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]))\b",
    ))
});

/// UK National Insurance numbers (class `national-id`): two prefix letters, six digits and a suffix A–D, compact
/// or spaced in pairs (`QQ 12 34 56 C`). Without a label the prefix must be one HMRC issues (first letter not D,
/// F, I, Q, U or V; second not D, F, I, O, Q, U or V; never BG, GB, KN, NK, NT, TN or ZZ); after `NI number`,
/// `NINO` or `national insurance` any two letters count, so the specimen `QQ 12 34 56 C` does too.
pub fn national_insurance_numbers(text: &str, out: &mut Vec<Finding>) {
    for caps in INSURANCE_NUMBER.captures_iter(text) {
        let value = caps.name("value").expect("a number");
        let prefix = &value.as_str().as_bytes()[..2];
        let issued = !b"DFIQUV".contains(&prefix[0])
            && !b"DFIOQUV".contains(&prefix[1])
            && !matches!(
                prefix,
                b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
            );
        let spaces = value.as_str().bytes().filter(|&b| b == b' ').count();
        if (caps.name("label").is_some() || issued) && matches!(spaces, 0 | 4) {
            push(out, "national-id", value.start(), value.end());
        }
    }
}

static MRZ_NAME_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"\bP[A-Z<][A-Z]{3}[A-Z<]{39}"));
static MRZ_DATA_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?P<number>[A-Z0-9<]{9})(?P<check>[0-9])[A-Z<]{3}[0-9]{6}[0-9][MFX<][0-9]{6}[0-9][A-Z0-9<]{14}[0-9<][0-9]\b",
    )
});

/// The ICAO 9303 check digit: characters weighted 7, 3, 1 (digits as themselves, letters A=10…, `<` as 0).
fn mrz_check_digit(field: &str) -> u32 {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    field
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let value = match b {
                b'0'..=b'9' => u32::from(b - b'0'),
                b'A'..=b'Z' => u32::from(b - b'A') + 10,
                _ => 0,
            };
            value * WEIGHTS[i % 3]
        })
        .sum::<u32>()
        % 10
}

/// A passport's machine-readable zone (class `passport-number`): the 44-character name line (`P<UTOERIKSSON<<…`)
/// and the data line whose document number passes its check digit. Both lines hold the holder's name, number,
/// nationality and date of birth, so each goes whole.
pub fn passport_zones(text: &str, out: &mut Vec<Finding>) {
    for m in MRZ_NAME_LINE.find_iter(text) {
        let ends = !byte_at(text, m.end()).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'<');
        if ends && m.as_str().contains("<<") {
            push(out, "passport-number", m.start(), m.end());
        }
    }
    for caps in MRZ_DATA_LINE.captures_iter(text) {
        let number = &caps["number"];
        let check: u32 = caps["check"].parse().expect("a digit");
        if mrz_check_digit(number) == check {
            let m = caps.get(0).expect("the line");
            push(out, "passport-number", m.start(), m.end());
        }
    }
}

static SPELLED_OUT_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    let at = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+)";
    let dot = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)";
    re(&format!(
        r"(?i)\b[a-z0-9](?:[a-z0-9._%+\-]*[a-z0-9_%+\-])?{at}[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:{dot}[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*{dot}[a-z]{{2,24}}\b"
    ))
});

/// E-mail addresses written to dodge harvesters: `k.tanaka [at] example [dot] jp`, `ops (at) bank.example`,
/// `jane at example dot com`. At least one `at` or `dot` must be spelled out in brackets, or both in words, so
/// "meet at the office. com…" stays prose.
pub fn spelled_out_emails(text: &str, out: &mut Vec<Finding>) {
    let mut pos = 0;
    while let Some(m) = SPELLED_OUT_EMAIL.find_at(text, pos) {
        let lower = m.as_str().to_ascii_lowercase();
        let bracketed = lower.contains(['[', '(', '{', '<']);
        let worded = lower.contains(" at ") && lower.contains(" dot ");
        if bracketed || worded {
            push(out, "email", m.start(), m.end());
            pos = m.end();
        } else {
            // "me at k.tanaka [at] …" first matches as "me at k.tanaka": try again one word on.
            pos = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
        }
    }
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("detector pattern compiles")
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn byte_before(text: &str, i: usize) -> Option<u8> {
    i.checked_sub(1).map(|j| text.as_bytes()[j])
}

fn byte_at(text: &str, i: usize) -> Option<u8> {
    text.as_bytes().get(i).copied()
}

fn push(out: &mut Vec<Finding>, class: &'static str, start: usize, end: usize) {
    out.push(Finding { class, start, end });
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        // Letters and digits of any script: internationalised addresses (`jürgen@beispiel.de`) are addresses too.
        r"(?i)[\p{L}\p{N}](?:[\p{L}\p{N}._%+\-]*[\p{L}\p{N}_%+\-])?@[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?)*\.\p{L}{2,24}\b",
    )
});

/// E-mail addresses. The user part of a URL (`https://user:pass@host`) is not an address: the password detector
/// owns it and the host stays readable.
pub fn emails(text: &str, out: &mut Vec<Finding>) {
    for m in EMAIL.find_iter(text) {
        if in_url_authority(text, m.start()) {
            continue;
        }
        push(out, "email", m.start(), m.end());
    }
}

fn in_url_authority(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let chunk_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '(' | '['))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let chunk = &before[chunk_start..];
    chunk
        .find("://")
        .is_some_and(|i| !chunk[i + 3..].contains('/'))
}

static PHONE: LazyLock<Regex> = LazyLock::new(|| re(r"\+[1-9](?:[ .\-]?\(?[0-9]+\)?)+"));

/// International phone numbers written with a leading `+` (E.164: 8–15 digits in all), with spaces, dots, dashes
/// or parentheses between the groups. A signed decimal like `+1000000.00` is an amount, not a number to call.
pub fn phones(text: &str, out: &mut Vec<Finding>) {
    for m in PHONE.find_iter(text) {
        if byte_before(text, m.start()).is_some_and(|b| is_word(b) || b == b'+') {
            continue;
        }
        // Keep whole digit groups while the total stays within 15 digits.
        let s = m.as_str();
        let mut digits = 0;
        let mut end = 0;
        let mut best_end = 0;
        let mut best_digits = 0;
        for (i, c) in s.char_indices() {
            if c.is_ascii_digit() {
                digits += 1;
                end = i + 1;
                let group_ends = !s[i + 1..].starts_with(|n: char| n.is_ascii_digit());
                if group_ends && digits <= 15 {
                    best_end = end;
                    best_digits = digits;
                }
            } else if c == ')' && best_end == end {
                best_end = i + 1;
            }
        }
        if best_digits < 8 {
            continue;
        }
        let phone = &s[..best_end];
        let seps: Vec<char> = phone[1..].chars().filter(|c| !c.is_ascii_digit()).collect();
        if seps == ['.'] {
            continue;
        }
        // A dangling `)` belongs to the surrounding text unless the number opened one.
        let best_end = if phone.ends_with(')') && !phone.contains('(') {
            best_end - 1
        } else {
            best_end
        };
        push(out, "phone", m.start(), m.start() + best_end);
    }
}

static IBAN_GROUPED: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b[A-Z]{2}[0-9]{2}(?:[ \-][A-Z0-9]{4}){2,7}(?:[ \-][A-Z0-9]{1,4})?\b")
});
static IBAN_COMPACT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b"));

/// Whether `compact` (separators removed) is an IBAN: mod-97 on its upper-case form, and when it was not written
/// in upper case, its country's registered length too ([`checksum::iban_country_length`]).
fn is_iban(compact: &str) -> bool {
    if compact.bytes().any(|b| b.is_ascii_lowercase()) {
        let upper = compact.to_ascii_uppercase();
        checksum::iban_country_length(&upper[..2]) == Some(upper.len())
            && checksum::iban_mod97(&upper)
    } else {
        checksum::iban_mod97(compact)
    }
}

/// IBANs, compact (`DE89370400440532013000`) or printed in groups of four (`GB82 WEST 1234 …`, `gb82-west-…`),
/// in any case, that pass mod-97.
pub fn ibans(text: &str, out: &mut Vec<Finding>) {
    for m in IBAN_COMPACT.find_iter(text) {
        if is_iban(m.as_str()) {
            push(out, "bank-account", m.start(), m.end());
        }
    }
    for m in IBAN_GROUPED.find_iter(text) {
        // Text after the IBAN may look like one more group ("… 7654 32 EUR"): drop trailing groups until it holds.
        let mut candidate = m.as_str();
        loop {
            let compact: String = candidate
                .chars()
                .filter(|c| !matches!(c, ' ' | '-'))
                .collect();
            if is_iban(&compact) {
                push(out, "bank-account", m.start(), m.start() + candidate.len());
                break;
            }
            match candidate.rfind([' ', '-']) {
                Some(i) if i > 4 => candidate = &candidate[..i],
                _ => break,
            }
        }
    }
}

static DIGIT_RUN: LazyLock<Regex> = LazyLock::new(|| re(r"[0-9]+(?:[ \-.][0-9]+)*"));
static UUID: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"));

/// Payment card numbers: 13–19 digits, contiguous or in groups of at least three separated by one kind of
/// separator (space, dash or dot), starting 2–6, passing Luhn. A UUID's digit groups are never a card.
pub fn cards(text: &str, out: &mut Vec<Finding>) {
    let uuids: Vec<(usize, usize)> = UUID.find_iter(text).map(|m| (m.start(), m.end())).collect();
    for run in DIGIT_RUN.find_iter(text) {
        if uuids.iter().any(|&(s, e)| run.start() < e && s < run.end()) {
            continue;
        }
        // (start, end, separator before) of each digit group, as offsets into `text`.
        let mut groups: Vec<(usize, usize, Option<u8>)> = Vec::new();
        let mut i = run.start();
        let bytes = text.as_bytes();
        while i < run.end() {
            let sep = if bytes[i].is_ascii_digit() {
                None
            } else {
                i += 1;
                Some(bytes[i - 1])
            };
            let s = i;
            while i < run.end() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            groups.push((s, i, sep));
        }
        let left_ok = !byte_before(text, run.start()).is_some_and(is_word);
        let right_ok = !byte_at(text, run.end()).is_some_and(is_word);
        let mut first = 0;
        while first < groups.len() {
            let mut found = None;
            if first > 0 || left_ok {
                // At most 19 digits in groups of at least three: never more than seven groups.
                for last in (first..groups.len().min(first + 7)).rev() {
                    if last + 1 == groups.len() && !right_ok {
                        continue;
                    }
                    if card_candidate(text, &groups[first..=last]) {
                        found = Some(last);
                        break;
                    }
                }
            }
            match found {
                Some(last) => {
                    push(out, "card-number", groups[first].0, groups[last].1);
                    first = last + 1;
                }
                None => first += 1,
            }
        }
    }
}

fn card_candidate(text: &str, groups: &[(usize, usize, Option<u8>)]) -> bool {
    let digits: String = groups.iter().map(|&(s, e, _)| &text[s..e]).collect();
    if !(13..=19).contains(&digits.len()) || !matches!(digits.as_bytes()[0], b'2'..=b'6') {
        return false;
    }
    if groups.len() > 1 {
        let sep = groups[1].2;
        if groups.iter().skip(1).any(|g| g.2 != sep) || groups.iter().any(|g| g.1 - g.0 < 3) {
            return false;
        }
    }
    checksum::luhn(&digits)
}

static BTC_BASE58: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b[123mn][1-9A-HJ-NP-Za-km-z]{25,34}\b"));
static ALTCOIN_BASE58: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:[LMDA9X7T]|t[13])[1-9A-HJ-NP-Za-km-z]{25,34}\b"));
static BTC_SEGWIT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:bc|tb|bcrt|ltc|tltc)1[02-9ac-hj-np-z]{6,87}\b"));
static ETH: LazyLock<Regex> = LazyLock::new(|| re(r"\b0x[0-9a-fA-F]{40}\b"));

/// Wallet addresses: Bitcoin legacy / P2SH and the chains sharing its Base58Check format (Litecoin, Dogecoin, Dash,
/// Tron, Zcash; version byte and checksum verified), native SegWit bech32 / bech32m for Bitcoin and Litecoin
/// (checksum verified) and Ethereum (`0x` and 40 hex digits; a longer hex string such as a transaction hash is not one).
pub fn wallets(text: &str, out: &mut Vec<Finding>) {
    wallets_with(text, &Hints::exhaustive(), out);
}

/// [`wallets`], each kind skipped when the text cannot hold one: 26 Base58 characters in a row, `bc1` / `tb1` /
/// `bcrt1` in any case, or `0x`.
fn wallets_with(text: &str, hints: &Hints, out: &mut Vec<Finding>) {
    if hints.may_hold_base58_run(text, 26) {
        for m in BTC_BASE58.find_iter(text) {
            if checksum::btc_base58_address(m.as_str()) {
                push(out, "wallet-address", m.start(), m.end());
            }
        }
        for m in ALTCOIN_BASE58.find_iter(text) {
            if checksum::altcoin_base58_address(m.as_str()) {
                push(out, "wallet-address", m.start(), m.end());
            }
        }
    }
    if [
        needle!("bc1"),
        needle!("tb1"),
        needle!("bcrt1"),
        needle!("ltc1"),
    ]
    .iter()
    .any(|n| hints.has_ci(text, n))
    {
        for m in BTC_SEGWIT.find_iter(text) {
            if checksum::segwit_address(m.as_str()) {
                push(out, "wallet-address", m.start(), m.end());
            }
        }
    }
    if hints.has(text, needle!("0x")) {
        for m in ETH.find_iter(text) {
            push(out, "wallet-address", m.start(), m.end());
        }
    }
}

static WORD: LazyLock<Regex> = LazyLock::new(|| re(r"[A-Za-z]+"));

/// The fewest consecutive BIP39 words that count as a seed phrase (the shortest standard mnemonic).
pub const SEED_PHRASE_MIN_WORDS: usize = 12;

fn is_bip39_word(word: &str) -> bool {
    (3..=8).contains(&word.len())
        && bip39::Language::English
            .find_word(&word.to_ascii_lowercase())
            .is_some()
}

/// Between two words of a phrase: spaces, line breaks, commas, or list numbering such as `2.` or `(3)`.
fn phrase_gap(gap: &str) -> bool {
    !gap.is_empty()
        && gap.len() <= 12
        && gap.contains(|c: char| c.is_whitespace() || c == ',')
        && gap.chars().all(|c| {
            c.is_whitespace()
                || c.is_ascii_digit()
                || matches!(c, ',' | ';' | '.' | '(' | ')' | '-')
        })
}

/// BIP39 seed phrases: 12 or more consecutive words from the English list (any case), separated by whitespace,
/// commas or list numbering. The whole run is one finding.
pub fn seed_phrases(text: &str, out: &mut Vec<Finding>) {
    let mut run: Option<(usize, usize, usize)> = None; // (start, end, words)
    let flush = |run: &mut Option<(usize, usize, usize)>, out: &mut Vec<Finding>| {
        if let Some((s, e, n)) = run.take() {
            if n >= SEED_PHRASE_MIN_WORDS {
                push(out, "seed-phrase", s, e);
            }
        }
    };
    for m in WORD.find_iter(text) {
        if !is_bip39_word(m.as_str()) {
            flush(&mut run, out);
            continue;
        }
        match &mut run {
            Some((_, end, n)) if phrase_gap(&text[*end..m.start()]) => {
                *end = m.end();
                *n += 1;
            }
            _ => {
                flush(&mut run, out);
                run = Some((m.start(), m.end(), 1));
            }
        }
    }
    flush(&mut run, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn social_security_numbers_by_their_grouping_or_label() {
        let found = |text: &str| {
            let mut out = Vec::new();
            national_ids(text, &mut out);
            out.iter()
                .map(|f| text[f.start..f.end].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(found("customer SSN 123-45-6789 on file"), ["123-45-6789"]);
        assert_eq!(found("ssn: 123456789"), ["123456789"]);
        assert_eq!(found("SSN # 123 45 6789"), ["123 45 6789"]);
        for text in [
            "2026-11-23 and 000-12-3456 and 666-12-3456 and 912-34-5678 and 123-00-4567",
            "3f2b8c1e-9a4d-4f6b-8e2a-7c5d1b0e9f34 req_123-45-6789x 415-555-0198",
            "order 123456789 shipped",
        ] {
            assert_eq!(found(text), Vec::<String>::new(), "{text}");
        }
    }

    fn found(f: fn(&str, &mut Vec<Finding>), text: &str) -> Vec<String> {
        let mut out = Vec::new();
        f(text, &mut out);
        out.iter()
            .map(|x| text[x.start..x.end].to_string())
            .collect()
    }

    #[test]
    fn emails_but_not_url_userinfo() {
        assert_eq!(
            found(
                emails,
                "mail jane.doe@example.com or <ops+alerts@corp.example.co.uk>."
            ),
            ["jane.doe@example.com", "ops+alerts@corp.example.co.uk"]
        );
        assert!(found(emails, "https://probe:FAKEpass123@sandbox.example.com/v1").is_empty());
        assert!(found(emails, "@partner-ops and finance_ops").is_empty());
    }

    #[test]
    fn phones_need_a_plus_and_enough_digits() {
        assert_eq!(
            found(phones, "call +1 415 555 0132 or +44 (20) 7946-0958."),
            ["+1 415 555 0132", "+44 (20) 7946-0958"]
        );
        assert_eq!(found(phones, "x +4915112345678 y"), ["+4915112345678"]);
        for keep in [
            "2026-11-23T05:31:07+01:00",
            "balance +1000000.00 EUR",
            "fee +0.35 EUR",
            "+25 bps",
            "abc+12345678",
        ] {
            assert!(found(phones, keep).is_empty(), "{keep}");
        }
        // Digits beyond E.164's fifteen are not swallowed.
        assert_eq!(
            found(phones, "+44 20 7946 0958 20261123"),
            ["+44 20 7946 0958"]
        );
    }

    #[test]
    fn ibans_compact_and_grouped() {
        assert_eq!(
            found(
                ibans,
                "pay DE89370400440532013000 or GB82 WEST 1234 5698 7654 32 EUR"
            ),
            ["DE89370400440532013000", "GB82 WEST 1234 5698 7654 32"]
        );
        assert!(found(ibans, "GB82WEST12345698765433 fails").is_empty());
        assert!(found(ibans, "GB82 WEST 1234 5698 7654 33").is_empty());
    }

    #[test]
    fn cards_pass_luhn_and_keep_their_separators() {
        assert_eq!(
            found(
                cards,
                "card 4242 4242 4242 4242 exp 12/34, amex 3782-822463-10005, mc 5555555555554444."
            ),
            [
                "4242 4242 4242 4242",
                "3782-822463-10005",
                "5555555555554444"
            ]
        );
        assert_eq!(
            found(cards, "order 12 4242 4242 4242 4242 2026"),
            ["4242 4242 4242 4242"]
        );
        for keep in [
            "reference 4242424242424241 fails Luhn",
            "epoch 1700000000006 ms",
            "pool_quote_live_4242424242424242",
            "12345678-1234-1234-1234-123456789012",
            "2026-11-23 2026-11-24",
            "limit 10000 USDT, 25.00 EUR",
        ] {
            assert!(found(cards, keep).is_empty(), "{keep}");
        }
    }

    #[test]
    fn wallets_by_checksum() {
        let text = "a 1111111111111111111114oLvT2 b 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy c \
                    bc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq9e75rs d 0x000000000000000000000000000000000000dEaD";
        assert_eq!(found(wallets, text).len(), 4);
        assert!(found(wallets, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz").is_empty());
        assert!(found(
            wallets,
            "tx 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
        )
        .is_empty());
    }

    #[test]
    fn seed_phrases_of_twelve_words_or_more() {
        let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        assert_eq!(found(seed_phrases, &format!("seed: {phrase}.")), [phrase]);
        let numbered =
            "1. legal 2. winner 3. thank 4. year 5. wave 6. sausage\n7. worth 8. useful 9. legal \
                        10. winner 11. thank 12. yellow";
        assert_eq!(found(seed_phrases, numbered).len(), 1);
        let eleven =
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        assert!(found(seed_phrases, eleven).is_empty());
        assert!(found(
            seed_phrases,
            "Check the amount again before you allow any change to the ledger; we agree to build it"
        )
        .is_empty());
    }

    #[test]
    fn ibans_in_any_case_need_their_country_length() {
        assert_eq!(
            found(
                ibans,
                "iban: ch9300762011623852957, or gb82-west-1234-5698-7654-32"
            ),
            ["ch9300762011623852957", "gb82-west-1234-5698-7654-32"]
        );
        // Upper case keeps mod-97 alone; lower case also needs the registry's length for its country.
        assert!(found(ibans, "de89370400440532013000x").is_empty());
        assert!(found(ibans, "ab12cd34ef56ab78cd90ef12ab34cd56").is_empty());
        assert!(
            found(ibans, "zz68539007547034").is_empty(),
            "no such country"
        );
    }

    #[test]
    fn cards_with_dots_between_their_groups() {
        assert_eq!(
            found(cards, "card 5105.1051.0510.5100 on file"),
            ["5105.1051.0510.5100"]
        );
        for keep in [
            "settled 4242424242.42 EUR",
            "build 2026.12.02.1534",
            "egress 203.0.113.45",
        ] {
            assert!(found(cards, keep).is_empty(), "{keep}");
        }
    }

    #[test]
    fn national_insurance_numbers_issued_or_labelled() {
        let ni = |text: &str| found(national_insurance_numbers, text);
        assert_eq!(ni("NI number QQ 12 34 56 C"), ["QQ 12 34 56 C"]);
        assert_eq!(ni("nino: QQ123456C"), ["QQ123456C"]);
        assert_eq!(ni("employee AB123456C joined"), ["AB123456C"]);
        assert_eq!(ni("AB 12 34 56 D"), ["AB 12 34 56 D"]);
        for keep in [
            "QQ 12 34 56 C without a label",
            "GB123456A is not issued",
            "AB123456E has no such suffix",
            "AB12 3456C grouped wrongly",
            "ab123456c",
        ] {
            assert!(ni(keep).is_empty(), "{keep}");
        }
    }

    #[test]
    fn emails_spelled_out() {
        let spelled = |text: &str| found(spelled_out_emails, text);
        assert_eq!(
            spelled("reach me at k.tanaka [at] example [dot] jp"),
            ["k.tanaka [at] example [dot] jp"]
        );
        assert_eq!(spelled("ops (at) bank.example"), ["ops (at) bank.example"]);
        assert_eq!(
            spelled("write jane at example dot com today"),
            ["jane at example dot com"]
        );
        for keep in [
            "meet at the office at noon. dot the i's",
            "look at example.com",
            "the dot at the end",
        ] {
            assert!(spelled(keep).is_empty(), "{keep}");
        }
    }

    #[test]
    fn internationalised_emails_whole() {
        assert_eq!(
            found(emails, "mail jürgen@beispiel.de"),
            ["jürgen@beispiel.de"]
        );
        assert_eq!(
            found(emails, "María.López@correo.es"),
            ["María.López@correo.es"]
        );
    }

    #[test]
    fn passport_machine_readable_zones() {
        let text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
        let zones = found(passport_zones, text);
        assert_eq!(zones.len(), 2, "{zones:?}");
        // A changed check digit is some other line.
        let changed = text.replace("L898902C36", "L898902C35");
        assert_eq!(found(passport_zones, &changed).len(), 1);
    }

    #[test]
    fn wallets_of_other_chains() {
        for address in [
            "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9",
            "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9",
        ] {
            assert_eq!(found(wallets, &format!("to {address}.")), [address]);
        }
        // One character changed breaks the checksum.
        assert!(found(wallets, "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH8").is_empty());
    }
}
