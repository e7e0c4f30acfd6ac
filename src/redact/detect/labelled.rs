//! Personal and financial values that only a label tells apart from an id, an amount or a date: US bank details
//! (ABA routing numbers, account numbers), UK bank details (sort codes and their account numbers), dates of birth
//! and passport numbers.
//!
//! A nine-digit number, a date or `AB1234567` alone is everywhere in a packet (amounts, ids, timestamps,
//! references), so each is only taken after its label (`routing number`, `DOB`, `passport no.`, …), written the
//! ways people and programs write labels: `Routing No.: …`, `"date_of_birth": "…"`, `\"passportNumber\": \"…\"`,
//! `acct # …`. The finding is the value only; the label stays readable. Two shapes are strong enough without a
//! label: a routing number directly followed by a labelled account number, and a dashed UK sort code directly
//! followed by an eight-digit account number.
//!
//! Labels are matched case-insensitively; every label word's gate is [`Hints::has_ci`] and every value needs ASCII
//! digits, so texts without them cost nothing more than the one pass that built their hints.

use std::sync::LazyLock;

use regex::Regex;

use super::checksum;
use super::prefilter::{needle, Hints};
use super::Finding;

/// Appends every labelled personal or financial value in `text` to `out` (unsorted, possibly overlapping). Each
/// family runs only when its label words (or, for the unlabelled UK pair, a `-` and fourteen digits) occur.
pub fn find_with(text: &str, hints: &Hints, out: &mut Vec<Finding>) {
    if !hints.digits_at_least(1) {
        return;
    }
    let ci = |n| hints.has_ci(text, n);
    if hints.digits_at_least(9)
        && [needle!("routing"), needle!("aba"), needle!("rtn")]
            .iter()
            .any(|n| ci(n))
    {
        routing_numbers(text, out);
    }
    if hints.digits_at_least(4) && (ci(needle!("acc")) || ci(needle!("a/c"))) {
        account_numbers(text, out);
    }
    if hints.digits_at_least(6)
        && (ci(needle!("sort")) || (hints.byte(b'-') && hints.digits_at_least(14)))
    {
        sort_codes(text, out);
    }
    let dob_labels = [
        needle!("dob"),
        needle!("d.o.b"),
        needle!("birth"),
        needle!("born"),
        needle!("nacimiento"),
    ];
    if hints.digits_at_least(4) && dob_labels.iter().any(|n| ci(n)) {
        dates_of_birth(text, out);
    }
    if ci(needle!("passport")) || ci(needle!("pasaporte")) {
        passport_numbers(text, out);
    }
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("detector pattern compiles")
}

fn push(out: &mut Vec<Finding>, class: &'static str, start: usize, end: usize) {
    out.push(Finding { class, start, end });
}

/// Between a label and its value: spaces, quotes (plain, or escaped as in JSON inside a string), and what people
/// put after a label (`:`, `=`, `#`, `-`, `.`, brackets).
const GAP: &str = r#"[ \t"'\\:=#\-–.()]{0,8}"#;

/// After a label's noun: its `number` word, joined the ways names are (`passport number`, `passport_no`,
/// `passportNo.`, `ABA #`), or else the end of the word.
const NUMBER_OPTIONAL: &str =
    r"(?:[ _\-]?(?:number|numero|número|num|nbr|nr|no)\b|\b)\.?(?:[ \t]*#)?";

/// The same with the `number` word (or `#`) required: `account number`, `account #`, never `account` alone.
const NUMBER_REQUIRED: &str =
    r"(?:[ _\-]?(?:number|numero|número|num|nbr|nr|no)\b\.?(?:[ \t]*#)?|[ \t]*#)";

/// Whether the value ending at `end` really ends there: not glued to a word, and not followed by one more `-` or
/// `.` group of digits (`021000021-7` is some longer reference).
fn ends_cleanly(text: &str, end: usize) -> bool {
    let b = text.as_bytes();
    match b.get(end) {
        None => true,
        Some(&n) if n.is_ascii_alphanumeric() || n == b'_' => false,
        Some(&n) if n == b'-' || n == b'.' => !b.get(end + 1).is_some_and(u8::is_ascii_digit),
        Some(_) => true,
    }
}

/// Whether the value starting at `start` begins there rather than continuing a run of digit groups
/// (`2026-12-34-56 …`).
fn starts_cleanly(text: &str, start: usize) -> bool {
    let b = text.as_bytes();
    match start.checked_sub(1).map(|i| b[i]) {
        None => true,
        Some(p) if p.is_ascii_alphanumeric() || p == b'_' => false,
        Some(p) if p == b'-' || p == b'.' => {
            !start.checked_sub(2).is_some_and(|i| b[i].is_ascii_digit())
        }
        Some(_) => true,
    }
}

fn digit_count(s: &str) -> usize {
    s.bytes().filter(u8::is_ascii_digit).count()
}

// ---- US bank details ----

static ROUTING: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:\b|_)(?:(?:aba[ /_\-]?)?routing(?:[ _\-]?transit)?|aba|rtn){NUMBER_OPTIONAL}{GAP}([0-9]{{9}})"
    ))
});

/// ABA routing numbers after their label (`routing`, `routing number`, `Routing No.`, `ABA`, `ABA #`, `RTN`,
/// `"routing_number"`), when they pass the ABA checksum ([`checksum::aba_routing`]).
pub fn routing_numbers(text: &str, out: &mut Vec<Finding>) {
    for caps in ROUTING.captures_iter(text) {
        let m = caps.get(1).expect("a routing number");
        if ends_cleanly(text, m.end()) && checksum::aba_routing(m.as_str()) {
            push(out, "bank-account", m.start(), m.end());
        }
    }
}

/// `account number`, `account no.`, `account #`, `bank account`, `acct`, `acct #`, `a/c`, `"account_number"`,
/// `accountNo`.
fn account_label() -> String {
    format!(
        r"(?:account{NUMBER_REQUIRED}|bank[ _\-]?account{NUMBER_OPTIONAL}|(?:acct|a/c){NUMBER_OPTIONAL})"
    )
}

/// Digit groups joined by single spaces or hyphens: an account number as people write it.
const DIGIT_GROUPS: &str = r"[0-9]+(?:[ \-][0-9]+)*";

static ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:\b|_){label}{GAP}({DIGIT_GROUPS})",
        label = account_label()
    ))
});

/// A routing number followed by an account number (`021000021, account number 000123456789`): here `account`
/// alone is label enough, after a number that passed the routing checksum.
static ROUTING_THEN_ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b([0-9]{{9}})[ \t,;/|]{{1,4}}(?:and[ \t]+)?(?:{label}|account\b){GAP}({DIGIT_GROUPS})",
        label = account_label()
    ))
});

/// The account number within a run of digit groups: 4–17 digits, trailing groups dropped while there are more
/// (the text after an account number may be one more number), and ending cleanly.
fn account_span(text: &str, start: usize, run: &str) -> Option<(usize, usize)> {
    let mut candidate = run;
    while digit_count(candidate) > 17 {
        candidate = &candidate[..candidate.rfind([' ', '-'])?];
    }
    let end = start + candidate.len();
    let whole_run = candidate.len() == run.len();
    (digit_count(candidate) >= 4 && (!whole_run || ends_cleanly(text, end))).then_some((start, end))
}

/// Labelled account numbers (4–17 digits, spaces or hyphens allowed), and a routing number that passes the ABA
/// checksum when an account number follows it.
pub fn account_numbers(text: &str, out: &mut Vec<Finding>) {
    let mut accounts: Vec<(usize, usize)> = Vec::new();
    for caps in ACCOUNT.captures_iter(text) {
        let m = caps.get(1).expect("an account number");
        if let Some((start, end)) = account_span(text, m.start(), m.as_str()) {
            push(out, "bank-account", start, end);
            accounts.push((start, end));
        }
    }
    for caps in ROUTING_THEN_ACCOUNT.captures_iter(text) {
        let (routing, account) = (
            caps.get(1).expect("a routing number"),
            caps.get(2).expect("an account"),
        );
        let Some((start, end)) = account_span(text, account.start(), account.as_str()) else {
            continue;
        };
        if starts_cleanly(text, routing.start()) && checksum::aba_routing(routing.as_str()) {
            push(out, "bank-account", routing.start(), routing.end());
            // A labelled account number is already in (`account` alone is not).
            if !accounts.contains(&(start, end)) {
                push(out, "bank-account", start, end);
            }
        }
    }
}

// ---- UK bank details ----

/// An optional `sort code` label, the sort code (`s1` and `s2` its two separators), then optionally the account
/// number, itself optionally labelled (`account`, `acct`, `acc`, `a/c`).
static SORT_CODE: LazyLock<Regex> = LazyLock::new(|| {
    let label = format!(r"(?P<label>(?:\b|_)sort[ _\-]?code{NUMBER_OPTIONAL}{GAP})");
    let code = r"(?P<code>[0-9]{2}(?P<s1>[ \-]?)[0-9]{2}(?P<s2>[ \-]?)[0-9]{2})";
    let account = format!(
        r"(?:[ \t,;/|]{{1,4}}(?:(?:account|acct|acc|a/c){NUMBER_OPTIONAL}{GAP})?(?P<account>[0-9]{{8}}))"
    );
    re(&format!(r"(?i){label}?\b{code}{account}?"))
});

/// UK sort codes: after `sort code` as `12-34-56`, `12 34 56` or `123456`, alone or followed by the account
/// number; without the label only the dashed form followed by an eight-digit account number (`12-34-56 12345678`),
/// since a dashed pair of digits alone is as likely a date.
pub fn sort_codes(text: &str, out: &mut Vec<Finding>) {
    for caps in SORT_CODE.captures_iter(text) {
        let code = caps.name("code").expect("a sort code");
        let (s1, s2) = (
            caps.name("s1").map_or("", |m| m.as_str()),
            caps.name("s2").map_or("", |m| m.as_str()),
        );
        let labelled = caps.name("label").is_some();
        let account = caps.name("account").filter(|a| ends_cleanly(text, a.end()));
        let code_alone_ends = ends_cleanly(text, code.end());
        let ok = s1 == s2
            && starts_cleanly(text, code.start())
            && if labelled {
                account.is_some() || code_alone_ends
            } else {
                s1 == "-" && account.is_some()
            };
        if !ok {
            continue;
        }
        push(out, "bank-account", code.start(), code.end());
        if let Some(a) = account {
            push(out, "bank-account", a.start(), a.end());
        }
    }
}

// ---- Dates of birth ----

/// English month names and abbreviations, and the Spanish names.
const MONTH: &str = concat!(
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?",
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?",
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)",
);

static DATE_OF_BIRTH: LazyLock<Regex> = LazyLock::new(|| {
    let label = concat!(
        r"(?:d\.o\.b\.?|(?:dob|date[ _\-]?of[ _\-]?birth|birth[ _\-]?date|born(?:[ \t]+on)?",
        r"|fecha[ _\-]de[ _\-]nacimiento)\b)",
    );
    let year = "(?:19|20)[0-9]{2}";
    let day = "[0-9]{1,2}(?:st|nd|rd|th)?";
    let forms = [
        // 1985-04-12, 1985/04/12
        format!(r"{year}[\-/.][0-9]{{1,2}}[\-/.][0-9]{{1,2}}"),
        // 12/04/1985, 04/12/1985, 12.04.1985, 12-04-85
        format!(r"[0-9]{{1,2}}[\-/.][0-9]{{1,2}}[\-/.](?:{year}|[0-9]{{2}})"),
        // 12 April 1985, 12 Apr. 1985, 12-Apr-1985, 12 de abril de 1985
        format!(r"{day}(?:[ \-]|[ \t]+de[ \t]+){MONTH}\.?(?:,?[ \-]|[ \t]+de[ \t]+){year}"),
        // April 12, 1985, Apr 12th 1985
        format!(r"{MONTH}\.?[ ]{day},?[ ]{year}"),
    ];
    re(&format!(r"(?i)(?:\b|_){label}{GAP}({})", forms.join("|")))
});

/// Dates of birth after their label (`DOB`, `D.O.B.`, `date of birth`, `birth date`, `birthdate`, `born`, `born
/// on`, `fecha de nacimiento`, and their JSON key forms): `1985-04-12`, `12/04/1985`, `04/12/1985`, `12.04.1985`,
/// `12 April 1985`, `April 12, 1985`, `12 Apr 1985`, `12 de abril de 1985`. The value must be a calendar date
/// (month 1–12, day 1–31, a four-digit year 1900–2099 or a two-digit one); an ISO date keeps its time readable.
pub fn dates_of_birth(text: &str, out: &mut Vec<Finding>) {
    for caps in DATE_OF_BIRTH.captures_iter(text) {
        let m = caps.get(1).expect("a date");
        if date_ends(text, m.end()) && plausible_date(m.as_str()) {
            push(out, "date-of-birth", m.start(), m.end());
        }
    }
}

/// A date ends at `end` unless a word, a digit or one more date group follows; `T` and a digit (an ISO timestamp's
/// time) may follow.
fn date_ends(text: &str, end: usize) -> bool {
    let b = text.as_bytes();
    let next_is_digit = b.get(end + 1).is_some_and(u8::is_ascii_digit);
    match b.get(end) {
        Some(b'T' | b't') => next_is_digit,
        Some(b'/') => !next_is_digit,
        _ => ends_cleanly(text, end),
    }
}

/// Whether a date the pattern matched is a calendar date: numeric dates use one separator throughout and their
/// day-month order may be either way round (`12/04/1985`, `04/12/1985`); a named month needs a day and a year.
fn plausible_date(value: &str) -> bool {
    let mut numbers: Vec<(u32, usize)> = Vec::new();
    let mut named_month = false;
    for token in value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        let digits = token.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            named_month |= !token.eq_ignore_ascii_case("de");
            continue;
        }
        let Ok(n) = token[..digits].parse() else {
            return false;
        };
        numbers.push((n, digits));
    }
    let day = |d: u32| (1..=31).contains(&d);
    let month = |m: u32| (1..=12).contains(&m);
    let year = |(y, len): (u32, usize)| len == 2 || (len == 4 && (1900..=2099).contains(&y));
    if named_month {
        return match numbers[..] {
            [(d, dl), y] | [y, (d, dl)] if dl <= 2 => day(d) && y.1 == 4 && year(y),
            _ => false,
        };
    }
    let separators: Vec<char> = value.chars().filter(|c| !c.is_ascii_digit()).collect();
    if separators.len() != 2 || separators[0] != separators[1] {
        return false;
    }
    match numbers[..] {
        [y @ (_, 4), (m, _), (d, _)] => year(y) && month(m) && day(d),
        [(a, _), (b, _), y] => year(y) && day(a) && day(b) && (month(a) || month(b)),
        _ => false,
    }
}

// ---- Passport numbers ----

static PASSPORT: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:\b|_)(?:passport|pasaporte){NUMBER_OPTIONAL}{GAP}\b([A-Za-z0-9]{{6,9}})\b"
    ))
});

/// Passport numbers after their label (`passport`, `passport no`, `passport number`, `passport #`, `pasaporte`,
/// `"passport_number"`): 6–9 letters and digits with at least one digit (`passport photo` and `passport expired` are
/// words, not numbers).
pub fn passport_numbers(text: &str, out: &mut Vec<Finding>) {
    for caps in PASSPORT.captures_iter(text) {
        let m = caps.get(1).expect("a passport number");
        if m.as_str().bytes().any(|b| b.is_ascii_digit()) && ends_cleanly(text, m.end()) {
            push(out, "passport-number", m.start(), m.end());
        }
    }
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

    /// Through the gates, as the redactor runs them: (class, value).
    fn all(text: &str) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        find_with(text, &Hints::new(text), &mut out);
        out.sort_by_key(|f| f.start);
        out.iter()
            .map(|f| (f.class, text[f.start..f.end].to_string()))
            .collect()
    }

    fn bank(values: &[&str]) -> Vec<(&'static str, String)> {
        values
            .iter()
            .map(|v| ("bank-account", v.to_string()))
            .collect()
    }

    #[test]
    fn routing_numbers_after_their_label_and_checksum() {
        for (text, value) in [
            ("Wire via routing 021000021 today.", "021000021"),
            ("Routing number: 011000015", "011000015"),
            ("Routing No. 121000358", "121000358"),
            ("ABA #: 026009593", "026009593"),
            ("RTN 322271627;", "322271627"),
            ("routing no 111000025", "111000025"),
            (r#"{"routing_number": "021000021"}"#, "021000021"),
            (r#"{\"abaRoutingNumber\": \"021000021\"}"#, "021000021"),
            ("X-Bank-Routing: 021000021\r\n", "021000021"),
        ] {
            assert_eq!(all(text), bank(&[value]), "{text}");
        }
        for keep in [
            // Fails the checksum, or is not labelled.
            "routing 021000022",
            "quote 021000021 settled",
            "amount 123456789 units",
            "routing 0210000210",
            "routing 021000021-4",
            "routing decisions stay internal",
            "rerouting 021000021",
        ] {
            assert!(all(keep).is_empty(), "{keep}: {:?}", all(keep));
        }
    }

    #[test]
    fn account_numbers_after_their_label() {
        for (text, value) in [
            ("account number 000123456789", "000123456789"),
            ("Account No.: 12345678", "12345678"),
            ("acct # 4321", "4321"),
            ("Acct: 1234-5678-9012", "1234-5678-9012"),
            ("account #98765432", "98765432"),
            ("a/c 12 3456 7890", "12 3456 7890"),
            (
                r#"{"account_number": "000123456789", "note": "ok"}"#,
                "000123456789",
            ),
            (r#"{\"accountNumber\": \"9876543210\"}"#, "9876543210"),
        ] {
            assert_eq!(all(text), bank(&[value]), "{text}");
        }
        // A routing number followed by an account number: both, even when `account` is alone.
        assert_eq!(
            all("wire to 021000021, account number 000123456789 by Friday"),
            bank(&["021000021", "000123456789"])
        );
        assert_eq!(
            all("021000021 / account 000123456789"),
            bank(&["021000021", "000123456789"])
        );
        // More than 17 digits: the trailing group is something else.
        assert_eq!(
            all("acct 1234 5678 9012 3456 7890"),
            bank(&["1234 5678 9012 3456"])
        );
        for keep in [
            "account 12345678",
            "partner id or account name",
            "account number pending",
            "acct 123",
            "acct 1234abc",
            "account_id: acc_12345678",
            "accounts 12345678",
            "123456789 account 000123456789",
            "limit 10000 USDT on account_number_verified: true",
        ] {
            assert!(all(keep).is_empty(), "{keep}: {:?}", all(keep));
        }
    }

    #[test]
    fn uk_sort_codes_and_accounts() {
        for (text, values) in [
            (
                "sort code 12-34-56, account 12345678",
                &["12-34-56", "12345678"][..],
            ),
            ("Sort code: 12-34-56", &["12-34-56"]),
            ("sort code 123456", &["123456"]),
            (
                "sortcode 12 34 56 acc no 12345678",
                &["12 34 56", "12345678"],
            ),
            ("pay 12-34-56 12345678 by Friday", &["12-34-56", "12345678"]),
            (
                r#"{"sort_code": "12-34-56", "account_number": "12345678"}"#,
                &["12-34-56", "12345678"],
            ),
        ] {
            assert_eq!(all(text), bank(values), "{text}");
        }
        for keep in [
            "12-34-56",
            "on 2026-11-23 12345678",
            "12-34-56-78 12345678",
            "12 34 56 12345678",
            "123456 12345678",
            "12-34-56 123456789",
            "sort code 12-34 56",
            "sort by code 12-34-56",
        ] {
            assert!(all(keep).is_empty(), "{keep}: {:?}", all(keep));
        }
    }

    #[test]
    fn dates_of_birth_after_their_label() {
        for (text, date) in [
            ("DOB: 1985-04-12", "1985-04-12"),
            ("D.O.B. 12/04/1985", "12/04/1985"),
            ("dob 04/12/1985, verified", "04/12/1985"),
            ("Date of birth: 12.04.1985", "12.04.1985"),
            ("birth date 12 April 1985", "12 April 1985"),
            ("Birthdate - April 12, 1985", "April 12, 1985"),
            ("born on 12 Apr 1985 in Lyon", "12 Apr 1985"),
            ("Born: April 12th, 1985", "April 12th, 1985"),
            (
                "fecha de nacimiento: 12 de abril de 1985",
                "12 de abril de 1985",
            ),
            ("Fecha de nacimiento 12/04/85", "12/04/85"),
            (
                r#"{"date_of_birth": "1985-04-12", "name": "x"}"#,
                "1985-04-12",
            ),
            (r#"{\"birthDate\": \"1985-04-12T00:00:00Z\"}"#, "1985-04-12"),
            ("customer_dob=1985-04-12", "1985-04-12"),
        ] {
            assert_eq!(found(dates_of_birth, text), [date], "{text}");
            assert_eq!(all(text), [("date-of-birth", date.to_string())], "{text}");
        }
        for keep in [
            "recorded 2026-11-23T05:31:07Z",
            "signed 12 April 2026 by finance_ops",
            "DOB: pending",
            "DOB 1985-13-12",
            "dob 31/31/1985",
            "born in 1985",
            "dob_verified: 2026-11-23",
            "reborn 1985-04-12",
            "DOB 12/04/1985/7",
            "DOB 12/04-1985",
            "newborn 12 April 1985",
        ] {
            assert!(all(keep).is_empty(), "{keep}: {:?}", all(keep));
        }
    }

    #[test]
    fn passport_numbers_after_their_label() {
        for (text, number) in [
            ("Passport: X1234567", "X1234567"),
            ("passport no 123456789", "123456789"),
            ("Passport number AB1234567 checked", "AB1234567"),
            ("passport # C01X00T47", "C01X00T47"),
            ("Pasaporte: PAA123456", "PAA123456"),
            (r#"{"passport_number": "K1234567"}"#, "K1234567"),
            (r#"{\"passportNo\": \"L898902C3\"}"#, "L898902C3"),
        ] {
            assert_eq!(
                all(text),
                [("passport-number", number.to_string())],
                "{text}"
            );
        }
        for keep in [
            "passport photo uploaded",
            "passport expired 2024",
            "Passport: pending",
            "passport not checked",
            "passport 12345",
            "passport X1234567890",
            "passports X1234567",
            "passport_verified: true1234",
        ] {
            assert!(all(keep).is_empty(), "{keep}: {:?}", all(keep));
        }
    }
}
