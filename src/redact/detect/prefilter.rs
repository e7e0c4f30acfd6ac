//! Cheap necessary conditions for the detectors, so that most strings of a packet (ids, titles, timestamps,
//! statuses) skip the regular expressions entirely.
//!
//! One pass over a text's bytes ([`Hints::new`]) records which ASCII bytes occur, a few counts, and the longest
//! runs some detectors need. Each detector is then asked only when its gate holds, and every gate is a condition
//! that *every* match of that detector implies: a literal the pattern always contains (`_live_` or `_test_` for
//! `sk_live_…`), a byte it always contains (`@` for an e-mail), or a run length it always needs (26 Base58
//! characters for a Bitcoin address). A gate can say yes when there is nothing to find (the detector then runs and
//! finds nothing), never no when there is something: redaction with the gates is redaction without them, which
//! the equivalence tests check on the shared corpus and on generated texts.
//!
//! Case-insensitive patterns (`(?i)`) match Unicode case variants too: `K` (KELVIN SIGN) matches `k` and `ſ` (LONG
//! S) matches `s`. So their gates only apply to pure-ASCII text, where the only variants of an ASCII letter are its
//! two ASCII cases; a text with any non-ASCII byte always runs those detectors.

/// What one pass over a text's bytes says about it. Built by [`Hints::new`]; [`Hints::exhaustive`] says yes to
/// every gate (the reference behaviour, used by the equivalence tests). The pass itself only notes which ASCII bytes
/// occur and counts digits and separators; what a few families need beyond that (runs of digits or Base58
/// characters, word lengths) is worked out from the text only when those counts allow a match.
#[derive(Debug, Clone)]
pub struct Hints {
    exhaustive: bool,
    /// Bit `b` is set when the ASCII byte `b` occurs.
    exact: u128,
    /// The same with ASCII letters folded to lower case.
    folded: u128,
    /// Every byte is ASCII.
    ascii: bool,
    len: usize,
    /// ASCII digits.
    digits: usize,
    /// Bytes that are not ASCII letters or digits (every byte of a non-ASCII character counts).
    separators: usize,
    /// A 256-bit Bloom filter of the pairs of adjacent bytes in the text once ASCII letters are folded to lower
    /// case and `_`, `.` and `-` are left out ([`compact_folded`]): a needle can only occur, in any ASCII case or
    /// with those characters inside it, when every pair of its own compact folded form is in the filter. Filled
    /// the first time a case-insensitive needle's bytes all occur.
    pairs: std::cell::OnceCell<[u64; 4]>,
}

/// A literal a detector's matches always contain, with the masks of its bytes worked out at compile time (write it
/// with [`needle!`]).
#[derive(Debug)]
pub struct Needle {
    text: &'static str,
    exact: u128,
    folded: u128,
    pairs: [u64; 4],
}

impl Needle {
    pub const fn new(text: &'static str) -> Needle {
        let bytes = text.as_bytes();
        assert!(!bytes.is_empty(), "a needle is not empty");
        let (mut exact, mut folded, mut pairs) = (0u128, 0u128, [0u64; 4]);
        let mut previous: Option<u8> = None;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            assert!(b.is_ascii(), "needles are ASCII");
            exact |= 1u128 << b;
            folded |= 1u128 << b.to_ascii_lowercase();
            if let Some(c) = compact_folded(b) {
                if let Some(p) = previous {
                    let (word, bit) = pair_bit(p, c);
                    pairs[word] |= bit;
                }
                previous = Some(c);
            }
            i += 1;
        }
        Needle {
            text,
            exact,
            folded,
            pairs,
        }
    }
}

/// A [`Needle`] built at compile time: `needle!("_live_")`.
macro_rules! needle {
    ($text:literal) => {
        const { &$crate::redact::detect::prefilter::Needle::new($text) }
    };
}
pub(crate) use needle;

/// The byte a text's or needle's byte becomes in the pair filter: ASCII letters lower-cased; `None` for `_`, `.`
/// and `-`, which are left out (sensitive names are matched without them).
const fn compact_folded(b: u8) -> Option<u8> {
    match b {
        b'_' | b'.' | b'-' => None,
        _ => Some(b.to_ascii_lowercase()),
    }
}

const fn pair_bit(a: u8, b: u8) -> (usize, u64) {
    let h = (((a as u32) << 8) | b as u32).wrapping_mul(0x9e37_79b1) >> 24;
    ((h >> 6) as usize, 1u64 << (h & 63))
}

// Byte classes for the one pass: one table look-up per byte.
const DIGIT: u8 = 1 << 0;
const LETTER: u8 = 1 << 1;
const ALNUM: u8 = 1 << 2;
const BASE58: u8 = 1 << 3;
/// `' '` or `'-'`, which may join digit groups.
const GROUP_SEP: u8 = 1 << 4;

const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut class = 0;
        if c.is_ascii_digit() {
            class |= DIGIT | ALNUM;
        }
        if c.is_ascii_alphabetic() {
            class |= LETTER | ALNUM;
        }
        if matches!(c, b'1'..=b'9' | b'A'..=b'H' | b'J'..=b'N' | b'P'..=b'Z' | b'a'..=b'k' | b'm'..=b'z')
        {
            class |= BASE58;
        }
        if matches!(c, b' ' | b'-' | b'.') {
            class |= GROUP_SEP;
        }
        table[b] = class;
        b += 1;
    }
    table
};

/// Whether `needle` (non-empty, ASCII) occurs in `hay`, ignoring ASCII case.
fn contains_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some(last_start) = hay.len().checked_sub(needle.len()) else {
        return false;
    };
    let first = needle[0].to_ascii_lowercase();
    (0..=last_start).any(|i| {
        hay[i].to_ascii_lowercase() == first
            && hay[i..i + needle.len()].eq_ignore_ascii_case(needle)
    })
}

/// Whether `word` (non-empty, lower-case ASCII, not starting with `_`, `.` or `-`) occurs in `hay` once `hay` is
/// lower-cased and stripped of `_`, `.` and `-`.
fn contains_compact_folded(hay: &[u8], word: &[u8]) -> bool {
    'start: for i in 0..hay.len() {
        if hay[i].to_ascii_lowercase() != word[0] {
            continue;
        }
        let (mut at, mut matched) = (i + 1, 1);
        while matched < word.len() {
            let Some(&b) = hay.get(at) else {
                // No later start has more room left.
                return false;
            };
            at += 1;
            if matches!(b, b'_' | b'.' | b'-') {
                continue;
            }
            if b.to_ascii_lowercase() != word[matched] {
                continue 'start;
            }
            matched += 1;
        }
        return true;
    }
    false
}

/// Words one of which every sensitive name (`fields::sensitive_name`) contains once lower-cased and stripped of
/// `_`, `.` and `-`: `key` (private / signing / encryption / master keys, API and access keys), `pass` (password,
/// passwd, passphrase), `pwd`, `secret`, `signature`, `cookie`, `auth` (authorization, auth), `credential`, `token`,
/// `mnemonic`, `seedphrase`, `cvv` / `cvc` (and their card / `2` forms), `securitycode`, the session cookie names:
/// `session` (`JSESSIONID`, `_<app>_session`), `sessid` (`PHPSESSID`), `connectsid` (`connect.sid`), and the keys of
/// labelled personal data: `account` / `acct` (account numbers), `routing`, `sortcode`, `dob`, `birth`,
/// `nacimiento`, `passport`, `pasaporte`.
const NAME_WORDS: &[&Needle] = &[
    needle!("key"),
    needle!("pass"),
    needle!("pw"),
    needle!("secret"),
    needle!("signature"),
    needle!("cookie"),
    needle!("auth"),
    needle!("credential"),
    needle!("token"),
    needle!("mnemonic"),
    needle!("seedphrase"),
    needle!("cvv"),
    needle!("pin"),
    needle!("cvc"),
    needle!("securitycode"),
    needle!("session"),
    needle!("sessid"),
    needle!("connectsid"),
    needle!("account"),
    needle!("acct"),
    needle!("routing"),
    needle!("sortcode"),
    needle!("dob"),
    needle!("birth"),
    needle!("nacimiento"),
    needle!("passport"),
    needle!("pasaporte"),
];

impl Hints {
    pub fn new(text: &str) -> Hints {
        // Bits of the bytes seen, 64 per word; words 2 and 3 are the non-ASCII bytes.
        let mut seen = [0u64; 4];
        let (mut digits, mut separators) = (0usize, 0usize);
        for &b in text.as_bytes() {
            let class = CLASSES[usize::from(b)];
            seen[usize::from(b >> 6)] |= 1u64 << (b & 63);
            digits += usize::from(class & DIGIT != 0);
            separators += usize::from(class & ALNUM == 0);
        }
        let exact = u128::from(seen[0]) | (u128::from(seen[1]) << 64);
        let ascii = seen[2] | seen[3] == 0;
        let upper = ((1u128 << 26) - 1) << b'A';
        let folded = (exact & !upper) | ((exact & upper) << 32);
        Hints {
            exhaustive: false,
            exact,
            folded,
            ascii,
            len: text.len(),
            digits,
            separators,
            pairs: std::cell::OnceCell::new(),
        }
    }

    /// Hints that let every detector run: what redaction does without gates.
    pub fn exhaustive() -> Hints {
        Hints {
            exhaustive: true,
            exact: u128::MAX,
            folded: u128::MAX,
            ascii: false,
            len: usize::MAX,
            digits: usize::MAX,
            separators: usize::MAX,
            pairs: std::cell::OnceCell::from([u64::MAX; 4]),
        }
    }

    pub fn is_exhaustive(&self) -> bool {
        self.exhaustive
    }

    /// The ASCII byte `b` occurs.
    pub fn byte(&self, b: u8) -> bool {
        self.exhaustive || (b.is_ascii() && self.exact & (1u128 << b) != 0)
    }

    /// At least `n` ASCII digits occur (the detectors' patterns only ever use `[0-9]`, never Unicode `\d`).
    pub fn digits_at_least(&self, n: usize) -> bool {
        self.exhaustive || self.digits >= n
    }

    /// At least `n` ASCII digits in a row.
    pub fn may_hold_digit_run(&self, text: &str, n: usize) -> bool {
        if self.exhaustive {
            return true;
        }
        self.digits >= n && has_run(text, DIGIT, n)
    }

    /// `[A-Za-z]{2}[0-9]{2}` occurs (how every IBAN starts, in any case).
    pub fn may_hold_iban(&self, text: &str) -> bool {
        self.exhaustive
            || (self.digits >= 2
                && text.as_bytes().windows(4).any(|w| {
                    w[0].is_ascii_alphabetic()
                        && w[1].is_ascii_alphabetic()
                        && w[2].is_ascii_digit()
                        && w[3].is_ascii_digit()
                }))
    }

    /// A run of digit groups joined by single spaces, dashes or dots (`[0-9]+(?:[ \-.][0-9]+)*`, where every card number
    /// lies) holds at least 13 digits.
    pub fn may_hold_card(&self, text: &str) -> bool {
        if self.exhaustive {
            return true;
        }
        if self.digits < 13 {
            return false;
        }
        let (mut run, mut longest) = (0usize, 0usize);
        let (mut after_digit, mut after_sep) = (false, false);
        for &b in text.as_bytes() {
            let class = CLASSES[usize::from(b)];
            if class & DIGIT != 0 {
                run = if after_digit || after_sep { run + 1 } else { 1 };
                longest = longest.max(run);
                after_sep = false;
                after_digit = true;
            } else {
                after_sep = after_digit && class & GROUP_SEP != 0;
                after_digit = false;
            }
        }
        longest >= 13
    }

    /// At least `n` Base58 characters (`[1-9A-HJ-NP-Za-km-z]`) in a row.
    pub fn may_hold_base58_run(&self, text: &str, n: usize) -> bool {
        if self.exhaustive {
            return true;
        }
        self.len >= n && has_run(text, BASE58, n)
    }

    /// At least `n` maximal runs of ASCII letters (`[A-Za-z]+`) of 3 to 8 letters (the lengths of BIP39 words),
    /// with at least `n - 1` separators for the gaps between them.
    pub fn may_hold_words(&self, text: &str, n: usize) -> bool {
        if self.exhaustive {
            return true;
        }
        if self.separators.saturating_add(1) < n {
            return false;
        }
        let (mut letters, mut words) = (0usize, 0usize);
        for &b in text.as_bytes() {
            if CLASSES[usize::from(b)] & LETTER != 0 {
                letters += 1;
            } else {
                words += usize::from((3..=8).contains(&letters));
                letters = 0;
            }
        }
        words += usize::from((3..=8).contains(&letters));
        words >= n
    }

    /// The needle's bytes all occur ignoring ASCII case, and so does every pair of adjacent bytes of its compact
    /// folded form.
    fn folded_may_hold(&self, text: &str, needle: &Needle) -> bool {
        if self.folded & needle.folded != needle.folded {
            return false;
        }
        let pairs = self.pairs.get_or_init(|| {
            let mut pairs = [0u64; 4];
            let mut previous: Option<u8> = None;
            for c in text.bytes().filter_map(compact_folded) {
                if let Some(p) = previous {
                    let (word, bit) = pair_bit(p, c);
                    pairs[word] |= bit;
                }
                previous = Some(c);
            }
            pairs
        });
        pairs
            .iter()
            .zip(needle.pairs)
            .all(|(have, need)| have & need == need)
    }

    /// The needle occurs in `text` as written.
    pub fn has(&self, text: &str, needle: &Needle) -> bool {
        self.exhaustive || (self.exact & needle.exact == needle.exact && text.contains(needle.text))
    }

    /// The needle could occur in `text` under a case-insensitive (Unicode) pattern: in ASCII text, it occurs
    /// ignoring ASCII case; a text with non-ASCII characters always could.
    pub fn has_ci(&self, text: &str, needle: &Needle) -> bool {
        self.exhaustive
            || !self.ascii
            || (self.folded_may_hold(text, needle)
                && contains_ignore_ascii_case(text.as_bytes(), needle.text.as_bytes()))
    }

    /// Every ASCII character of a case-insensitive private term (folded, given by `term_mask`) occurs in an ASCII
    /// text; a text with non-ASCII characters always could hold the term.
    pub fn may_hold_term(&self, term_mask: u128) -> bool {
        self.exhaustive || !self.ascii || self.folded & term_mask == term_mask
    }

    /// `name: value` or `name=value` with a sensitive name could occur: a `:` or `=`, and one of the words every
    /// sensitive name contains, in the text lower-cased and stripped of `_`, `.` and `-` (a name is ASCII letters,
    /// digits, `_`, `.` and `-`, so stripped and lower-cased it is a piece of that).
    pub fn may_assign(&self, text: &str) -> bool {
        if self.exhaustive {
            return true;
        }
        if !self.byte(b':') && !self.byte(b'=') && !text.contains(" is ") && !text.contains(" was ")
        {
            return false;
        }
        NAME_WORDS.iter().any(|w| {
            self.folded_may_hold(text, w)
                && contains_compact_folded(text.as_bytes(), w.text.as_bytes())
        })
    }
}

/// The folded bits of a private term's ASCII characters other than whitespace (whitespace in a term matches any
/// run of whitespace; a non-ASCII character may match an ASCII one under case folding, so it asks for nothing).
pub fn term_mask(term: &str) -> u128 {
    term.bytes()
        .filter(|b| b.is_ascii() && !b.is_ascii_whitespace())
        .fold(0u128, |m, b| m | (1u128 << b.to_ascii_lowercase()))
}

/// At least `n` bytes of the character class `class` (a [`CLASSES`] bit) in a row.
fn has_run(text: &str, class: u8, n: usize) -> bool {
    let mut run = 0;
    for &b in text.as_bytes() {
        if CLASSES[usize::from(b)] & class != 0 {
            run += 1;
            if run >= n {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_counts() {
        let t = "card 4242 4242-4242 4242  12, iban GB82 x";
        let h = Hints::new(t);
        assert!(h.may_hold_card(t));
        assert!(h.may_hold_iban(t));
        assert!(h.ascii);
        assert!(h.byte(b','));
        assert!(!h.byte(b'@'));
        assert!(h.has("x", needle!("x")));
        assert!(h.has_ci("GB82", needle!("gb8")));
        for t in ["1 -2 3--4", "4242 4242  4242 4242", "4242 4242 -4242 4242"] {
            assert!(!Hints::new(t).may_hold_card(t), "{t}");
        }
        assert!(Hints::new("4242424242424242").may_hold_card("4242424242424242"));
        let t = "abandon ab abc abcdefghi Zoë";
        let h = Hints::new(t);
        assert!(h.may_hold_words(t, 2) && !h.may_hold_words(t, 3));
        assert!(!h.ascii);
        assert!(
            h.has_ci("anything", needle!("zzz")),
            "non-ASCII text always may"
        );
        let t = "G B82 GB8 2 g-b82";
        assert!(!Hints::new(t).may_hold_iban(t));
        let t = "iban gb82west12345698765432";
        assert!(Hints::new(t).may_hold_iban(t), "lower case IBANs count");
        let t = "1111111111111111111114oLvT2";
        let h = Hints::new(t);
        assert!(h.may_hold_base58_run(t, 27) && !h.may_hold_base58_run(t, 28));
        let t = "0OIl1111111111111111111114oLvT";
        assert!(!Hints::new(t).may_hold_base58_run(t, 27));
        let t = "call 415-555-0198 at 9";
        let h = Hints::new(t);
        assert!(h.digits_at_least(11) && !h.digits_at_least(12));
        assert!(h.may_hold_digit_run(t, 4) && !h.may_hold_digit_run(t, 5));
        let t = "1 2 3 4 5 6 7 8 9 0 12";
        assert!(!Hints::new(t).may_hold_digit_run(t, 3));
        assert!(!Hints::new("١٢٣٤").digits_at_least(1), "ASCII digits only");
    }

    #[test]
    fn folding_only_touches_letters() {
        let h = Hints::new("AZ[@");
        assert!(h.folded & (1u128 << b'a') != 0 && h.folded & (1u128 << b'z') != 0);
        assert!(h.folded & (1u128 << b'[') != 0 && h.folded & (1u128 << b'@') != 0);
        assert!(h.folded & (1u128 << b'A') == 0);
        assert!(h.has_ci("AZ[@", needle!("az[@")));
        assert!(!h.has_ci("AZ[@", needle!("{")));
    }

    /// `may_assign` leans on [`NAME_WORDS`] covering the denylist: every name it accepts, built from the pieces
    /// its rules are made of, holds one of them.
    #[test]
    fn every_sensitive_name_holds_a_name_word() {
        const PARTS: &[&str] = &[
            "x-",
            "X_",
            "private",
            "signing",
            "encryption",
            "master",
            "key",
            "Key",
            "pass",
            "word",
            "wd",
            "phrase",
            "p",
            "secret",
            "api",
            "access",
            "signature",
            "cookie",
            "set-",
            "authorization",
            "auth",
            "credential",
            "s",
            "token",
            "Token",
            "refresh",
            "id",
            "bearer",
            "session",
            "mnemonic",
            "seed",
            "cvv",
            "cvc",
            "2",
            "card",
            "security",
            "code",
            "_",
            "-",
            ".",
            "hub",
            "stripe",
            "db",
            "client",
            "j",
            "php",
            "sessid",
            "connect",
            "sid",
            "account",
            "acct",
            "bank",
            "number",
            "no",
            "routing",
            "aba",
            "sort",
            "dob",
            "date",
            "of",
            "birth",
            "fecha",
            "de",
            "nacimiento",
            "passport",
            "pasaporte",
        ];
        let mut sensitive = 0;
        for a in PARTS {
            for b in PARTS {
                for c in PARTS {
                    let name = format!("{a}{b}{c}");
                    if super::super::fields::sensitive_name(&name).is_none() {
                        continue;
                    }
                    sensitive += 1;
                    for text in [format!("{name}: x"), format!("{name}=x")] {
                        assert!(Hints::new(&text).may_assign(&text), "{text}");
                    }
                }
            }
        }
        assert!(sensitive > 10_000, "{sensitive}");
    }

    #[test]
    fn assignments_need_a_separator_and_a_name_word() {
        let yes = ["Pass_Word: x", "X-API.KEY=1", "to-k-en:", "sec.ret: 1"];
        for t in yes {
            assert!(Hints::new(t).may_assign(t), "{t}");
        }
        let no = [
            "Check 0.0: webhook retries",
            "password only",
            "2026-11-23T05:31:07Z",
        ];
        for t in no {
            assert!(!Hints::new(t).may_assign(t), "{t}");
        }
    }
}
