//! Phone numbers written without a leading `+`: North American (NANP) numbers in their national forms
//! (`415-555-0198`, `(415) 555-0198`, `415.555.0198`, `1 415 555 0198`, …), international numbers dialled with
//! the `00` prefix (`0044 20 7946 0958`), and national numbers with their trunk `0` after a label
//! (`tel: 020 7946 0958`, `mobile 07700 900123`). Numbers written with `+` are [`super::pii::phones`]'.
//!
//! Without the `+`, a number is only digits and separators, and so are dates, amounts, versions, IP addresses,
//! card numbers and ids. So the shapes are strict: a NANP number is exactly 3-3-4 digits (after an optional `1`),
//! its area code and exchange start with 2–9, and one kind of separator joins its groups; a `00` number is `00`, a
//! country code, then groups of digits, 8–15 digits in all after the `00`, with at least one separator. Neither is
//! taken when it is glued to letters (`req_4155550198`), follows a `+` (the international detector's), or continues
//! a longer run of digit groups (`12-415-555-0198-7`, a card number, a date written with the same separator).

use std::sync::LazyLock;

use regex::Regex;

use super::prefilter::{needle, Hints};
use super::Finding;

/// Appends the national and `00`-prefixed phone numbers in `text` to `out`, each family skipped when its gate
/// fails: ten ASCII digits, four of them in a row, and a space, `.` or `-` for NANP; ten digits, `00` and a
/// separator (brackets included: `0044(20)79460958` has no other) for the `00` form.
pub fn find_with(text: &str, hints: &Hints, out: &mut Vec<Finding>) {
    if !hints.digits_at_least(9) {
        return;
    }
    let separator = [b' ', b'.', b'-'].iter().any(|&b| hints.byte(b));
    if hints.digits_at_least(10) && separator && hints.may_hold_digit_run(text, 4) {
        nanp(text, out);
    }
    if hints.digits_at_least(10)
        && (separator || hints.byte(b'(') || hints.byte(b')'))
        && hints.has(text, needle!("00"))
    {
        international_00(text, out);
    }
    let labels = [
        needle!("phone"),
        needle!("tel"),
        needle!("mobile"),
        needle!("mob"),
        needle!("cell"),
        needle!("fax"),
        needle!("whatsapp"),
        needle!("call"),
        needle!("ring"),
        // móvil, teléfono (téléphone holds `phone`): needles are ASCII.
        needle!("vil"),
        needle!("fono"),
    ];
    if labels.iter().any(|n| hints.has_ci(text, n)) {
        labelled_national(text, out);
    }
}

static LABELLED_NATIONAL: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)(?:\b|_)(?:phone|telephone|tel|mobile|mob|cell|fax|whatsapp|call|ring|móvil|teléfono|téléphone)",
        r"(?:[ _\-]?(?:no|number|nr|num))?\.?[ \t:=#'\x22\-]{0,6}(?:(?:on|at|me on|me at|us on|us at)[ \t]+)?",
        r"(?P<number>\(?0[0-9]{1,5}\)?(?:[ .\-]?[0-9]{2,4}){1,5})",
    ))
});

/// National numbers after a label (`tel: 020 7946 0958`, `mobile 07700 900123`, `call 06 12 34 56 78`,
/// `Teléfono: 912 345 678`… when written with the trunk `0`): 9–12 digits starting with `0`, in groups of 2–5.
/// Without `+` or a label such a number is as likely a reference, so the label is required.
pub fn labelled_national(text: &str, out: &mut Vec<Finding>) {
    for caps in LABELLED_NATIONAL.captures_iter(text) {
        let m = caps.name("number").expect("a number");
        let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
        let sep = m
            .as_str()
            .bytes()
            .find(|b| matches!(b, b' ' | b'.' | b'-'))
            .unwrap_or(b' ');
        if (9..=12).contains(&digits) && !continues_on_the_right(text, m.end(), sep) {
            out.push(Finding {
                class: "phone",
                start: m.start(),
                end: m.end(),
            });
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

/// Whether the number starting at `start` is the tail of something longer: glued to a word or a `+`, or the next
/// group of a digit run (`2026-` before `415-…`). A space before only joins when the number's own groups are
/// space-separated (`sep`), so `on 2026-11-23 415-555-0198` still finds the number.
fn continues_on_the_left(text: &str, start: usize, sep: u8) -> bool {
    match byte_before(text, start) {
        None => false,
        Some(b) if is_word(b) || b == b'+' => true,
        Some(b) if b == b'.' || b == b'-' || (b == b' ' && sep == b' ') => {
            byte_before(text, start - 1).is_some_and(|d| d.is_ascii_digit())
        }
        Some(_) => false,
    }
}

/// The same on the right of `end`: glued to a word, or followed by one more group (`…-0198-7`, `… 0198 2026`
/// when the groups are space-separated).
fn continues_on_the_right(text: &str, end: usize, sep: u8) -> bool {
    match byte_at(text, end) {
        None => false,
        Some(b) if is_word(b) => true,
        Some(b) if b == b'.' || b == b'-' || (b == b' ' && sep == b' ') => {
            byte_at(text, end + 1).is_some_and(|d| d.is_ascii_digit())
        }
        Some(_) => false,
    }
}

/// Calls `accept` on each match of `pattern` from left to right; when it refuses one, the search resumes one byte
/// further (every match here starts with an ASCII byte), so a refused candidate does not hide a number inside it.
fn each_candidate<'t>(
    pattern: &Regex,
    text: &'t str,
    mut accept: impl FnMut(regex::Captures<'t>) -> Option<usize>,
) {
    let mut at = 0;
    while at <= text.len() {
        let Some(caps) = pattern.captures_at(text, at) else {
            return;
        };
        let whole = caps.get(0).expect("group 0");
        let start = whole.start();
        at = match accept(caps) {
            Some(end) => end.max(start + 1),
            None => start + 1,
        };
    }
}

/// `1` (optional, with its separator), then `(415) ` or `415-`, then `555-` and `0198`: group 1 is the separator
/// after the `1`, group 2 the one after an unbracketed area code, group 3 the one after the exchange.
static NANP: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:1([ .\-]?))?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}([ .\-]))[2-9][0-9]{2}([ .\-])[0-9]{4}")
});

/// NANP numbers: `415-555-0198`, `(415) 555-0198`, `415.555.0198`, `415 555 0198`, `1-415-555-0198`,
/// `1 (415) 555-0198`. Without brackets the groups share one separator (`1-415 555.0198` is not a number someone
/// wrote); a bare ten-digit run is left alone (it is as likely an epoch second or an id), and so is a number whose
/// three groups are all round (`250-500-1000 ms` lists buckets or amounts, not a line anyone dials).
pub fn nanp(text: &str, out: &mut Vec<Finding>) {
    each_candidate(&NANP, text, |caps| {
        let whole = caps.get(0).expect("group 0");
        let sep_of = |i: usize| caps.get(i).map(|m| m.as_str().as_bytes().first().copied());
        let exchange_sep = sep_of(3).flatten().unwrap_or(b' ');
        match (sep_of(1), sep_of(2)) {
            // Unbracketed: every separator the same, and one after the `1` too.
            (country, Some(Some(area))) => {
                if area != exchange_sep || country.is_some_and(|c| c != Some(area)) {
                    return None;
                }
            }
            // Bracketed: anything after the `)`, but `1(` or `1 (` only.
            (country, _) => {
                if country.is_some_and(|c| c.is_some_and(|c| c != b' ')) {
                    return None;
                }
            }
        }
        if all_groups_round(whole.as_str())
            || continues_on_the_left(text, whole.start(), exchange_sep)
            || continues_on_the_right(text, whole.end(), exchange_sep)
        {
            return None;
        }
        out.push(Finding {
            class: "phone",
            start: whole.start(),
            end: whole.end(),
        });
        Some(whole.end())
    });
}

/// Whether area code, exchange and line number of a NANP match all end in `0` (the last ten digits are the number;
/// a leading `1` is the country code).
fn all_groups_round(number: &str) -> bool {
    let digits: Vec<u8> = number.bytes().filter(u8::is_ascii_digit).collect();
    let ten = &digits[digits.len().saturating_sub(10)..];
    ten.len() == 10 && ten[2] == b'0' && ten[5] == b'0' && ten[9] == b'0'
}

static INTERNATIONAL_00: LazyLock<Regex> =
    LazyLock::new(|| re(r"00[1-9][0-9]{0,2}(?:[ .\-]?\(?[0-9]+\)?)+"));

/// International numbers dialled with `00` instead of `+`: `0044 20 7946 0958`, `0049-151-1234-5678`,
/// `0044 (20) 7946 0958`. Whole digit groups are kept while the digits after `00` stay within E.164's fifteen (a
/// further group is the next thing in the text), and at least eight are needed. A compact `004915112345678` has
/// no separator and is left alone: zero-padded references look the same.
pub fn international_00(text: &str, out: &mut Vec<Finding>) {
    each_candidate(&INTERNATIONAL_00, text, |caps| {
        let whole = caps.get(0).expect("group 0");
        let start = whole.start();
        // Glued to a word on either side (`x0044 …`, `… 0958abc`), or after a longer run of digit groups.
        if continues_on_the_left(text, start, b' ')
            || byte_at(text, whole.end()).is_some_and(is_word)
        {
            return None;
        }
        let end = start + longest_number(text, start, whole.as_str())?;
        let body = &text[start + 2..end];
        let seps: Vec<char> = body.chars().filter(|c| !c.is_ascii_digit()).collect();
        if seps.is_empty() || seps == ['.'] {
            return None;
        }
        out.push(Finding {
            class: "phone",
            start,
            end,
        });
        Some(end)
    });
}

/// The length of the longest prefix of `candidate` (found at `start` in `text`) that ends a digit group, holds
/// 8–15 digits after the leading `00`, and is not followed by a `-` / `.` group (which would make it the head of
/// some longer dotted or dashed reference); a `)` is kept when the number opened one.
fn longest_number(text: &str, start: usize, candidate: &str) -> Option<usize> {
    let b = candidate.as_bytes();
    let (mut digits, mut open, mut best) = (0usize, 0i32, None);
    for i in 2..b.len() {
        match b[i] {
            b'(' => open += 1,
            b')' => open -= 1,
            d if d.is_ascii_digit() => {
                digits += 1;
                if digits > 15 {
                    break;
                }
                let group_ends = b.get(i + 1).is_none_or(|n| !n.is_ascii_digit());
                if group_ends && digits >= 8 {
                    let end = if open > 0 && b.get(i + 1) == Some(&b')') {
                        i + 2
                    } else {
                        i + 1
                    };
                    let at = start + end;
                    let runs_on = byte_at(text, at).is_some_and(|n| {
                        (n == b'.' || n == b'-')
                            && byte_at(text, at + 1).is_some_and(|d| d.is_ascii_digit())
                    });
                    if !runs_on {
                        best = Some(end);
                    }
                }
            }
            _ => {}
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(f: fn(&str, &mut Vec<Finding>), text: &str) -> Vec<String> {
        let mut out = Vec::new();
        f(text, &mut out);
        out.iter()
            .map(|x| text[x.start..x.end].to_string())
            .collect()
    }

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        find_with(text, &Hints::new(text), &mut out);
        out.iter()
            .map(|x| text[x.start..x.end].to_string())
            .collect()
    }

    #[test]
    fn nanp_numbers_in_their_usual_forms() {
        for (text, number) in [
            (
                "Call the partner on 415-555-0198 before cutover.",
                "415-555-0198",
            ),
            ("escalation line (415) 555-0198, 24/7", "(415) 555-0198"),
            ("ops: 415.555.0198", "415.555.0198"),
            ("phone 415 555 0198.", "415 555 0198"),
            ("dial 1-415-555-0198 now", "1-415-555-0198"),
            ("dial 1 (415) 555-0198 now", "1 (415) 555-0198"),
            ("(415)555-0198", "(415)555-0198"),
            ("toll free 1-800-555-0100", "1-800-555-0100"),
            (r#"{"contact_phone": "415-555-0198"}"#, "415-555-0198"),
            (r#"{\"phone\": \"(212) 555-0100\"}"#, "(212) 555-0100"),
            ("X-Callback-Phone: 1.415.555.0198\r\n", "1.415.555.0198"),
            ("on 2026-11-23 415-555-0198 called", "415-555-0198"),
        ] {
            assert_eq!(all(text), [number], "{text}");
        }
    }

    #[test]
    fn nanp_shapes_that_are_something_else() {
        for keep in [
            "2026-11-23",
            "2026-11-23T05:31:07Z",
            "3f2b8c1e-9a4d-4f6b-8e2a-7c5d1b0e9f34",
            "12345678-1234-1234-1234-123456789012",
            "limit 10000 USDT, 25.00 EUR, 1,234,567.89",
            "req_01HZY0POOLS task_test_2041 pool_quote_live_123",
            "version 1.22.333 on 10.212.55.190 and 192.168.100.200",
            "timeout 7200 s, 3600 s",
            "epoch 1700000000 and 4155550198",
            "req_415-555-0198",
            "id415-555-0198",
            "415-555-0198x",
            "12-415-555-0198",
            "415-555-0198-7",
            "12 415 555 0198",
            "415 555 0198 2026",
            // Round groups: buckets and limits.
            "latency buckets 250-500-1000 ms, limits 200 400 8000",
            // Area code or exchange starting 0 or 1.
            "115-555-0198 and 415-155-0198",
            // Mixed separators.
            "415-555.0198 and 1-415 555 0198x",
            "card 4242 4242 4242 4242 and 3782-822463-10005",
            "GB82 WEST 1234 5698 7654 32",
            "+1 415 555 0132",
        ] {
            assert!(
                found(nanp, keep).is_empty(),
                "{keep}: {:?}",
                found(nanp, keep)
            );
        }
    }

    #[test]
    fn international_numbers_with_00() {
        for (text, number) in [
            ("UK desk 0044 20 7946 0958.", "0044 20 7946 0958"),
            ("mobile 0049-151-1234-5678", "0049-151-1234-5678"),
            ("call 0044 (20) 7946 0958 today", "0044 (20) 7946 0958"),
            ("(0033 1 23 45 67 89)", "0033 1 23 45 67 89"),
            ("tel:0044(20)79460958", "0044(20)79460958"),
            // Digits beyond E.164's fifteen are not swallowed.
            ("0044 20 7946 0958 20261123", "0044 20 7946 0958"),
            (r#"{"phone": "0034 912 345 678"}"#, "0034 912 345 678"),
        ] {
            assert_eq!(found(international_00, text), [number], "{text}");
        }
        for keep in [
            "004915112345678",
            "amount 0012.3456789",
            "10000 0044 20 7946 0958",
            "x0044 20 7946 0958",
            "0044 20 7946 0958abc",
            "0044-20-7946-0958-20261123",
            "0000 1111 2222 3333",
            "0044 20",
            "2026-11-23T00:00:00.000Z",
        ] {
            assert!(
                found(international_00, keep).is_empty(),
                "{keep}: {:?}",
                found(international_00, keep)
            );
        }
    }

    #[test]
    fn national_numbers_after_a_label() {
        let found = |text: &str| {
            let mut out = Vec::new();
            labelled_national(text, &mut out);
            out.iter()
                .map(|f| text[f.start..f.end].to_string())
                .collect::<Vec<_>>()
        };
        for (text, number) in [
            ("tel: 020 7946 0958", "020 7946 0958"),
            ("Mobile 07700 900123 (after 6pm)", "07700 900123"),
            ("call me on 06 12 34 56 78", "06 12 34 56 78"),
            ("Tel.: (030) 901820", "(030) 901820"),
            ("phone_number=0612345678", "0612345678"),
            ("Teléfono: 091-234-5678", "091-234-5678"),
        ] {
            assert_eq!(found(text), [number], "{text}");
        }
        for keep in [
            "tel: 0123",
            "call 2026-12-02",
            "phone 020 7946 0958 1234 5678 9",
            "hotel 020 7946 0958",
            "quote 020 7946 0958",
        ] {
            assert!(found(keep).is_empty(), "{keep}: {:?}", found(keep));
        }
    }
}
