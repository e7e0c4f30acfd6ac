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
/// every gate (the reference behaviour, used by the equivalence tests).
#[derive(Debug, Clone)]
pub struct Hints {
    exhaustive: bool,
    /// Bit `b` is set when the ASCII byte `b` occurs.
    exact: u128,
    /// The same with ASCII letters folded to lower case.
    folded: u128,
    /// Every byte is ASCII.
    ascii: bool,
    /// Bytes that are not ASCII letters or digits (every byte of a non-ASCII character counts).
    pub(crate) separators: usize,
    /// The most digits in one run of digit groups joined by single spaces or dashes (`[0-9]+(?:[ \-][0-9]+)*`).
    pub(crate) longest_digit_run: usize,
    /// The longest run of Base58 characters (`[1-9A-HJ-NP-Za-km-z]`).
    pub(crate) longest_base58_run: usize,
    /// Maximal runs of ASCII letters (`[A-Za-z]+`) of 3 to 8 letters, the lengths of BIP39 words.
    pub(crate) short_words: usize,
    /// Two upper-case ASCII letters followed by two ASCII digits occur (`[A-Z]{2}[0-9]{2}`, how an IBAN starts).
    pub(crate) iban_start: bool,
    /// A 256-bit Bloom filter of the pairs of adjacent bytes in the text once ASCII letters are folded to lower
    /// case and `_`, `.` and `-` are left out ([`compact_folded`]). A needle can only occur when every pair of its
    /// own compact folded form is in the filter: that form occurs in the text's.
    pairs: [u64; 4],
}

/// The byte a text's or needle's byte becomes in the pair filter: ASCII letters lower-cased; `None` for `_`, `.`
/// and `-`, which are left out (sensitive names are matched without them).
fn compact_folded(b: u8) -> Option<u8> {
    match b {
        b'_' | b'.' | b'-' => None,
        _ => Some(b.to_ascii_lowercase()),
    }
}

fn pair_bit(a: u8, b: u8) -> (usize, u64) {
    let h = ((u32::from(a) << 8) | u32::from(b)).wrapping_mul(0x9e37_79b1) >> 24;
    ((h >> 6) as usize, 1u64 << (h & 63))
}

fn is_base58(b: u8) -> bool {
    matches!(b, b'1'..=b'9' | b'A'..=b'H' | b'J'..=b'N' | b'P'..=b'Z' | b'a'..=b'k' | b'm'..=b'z')
}

/// The bits of a needle's bytes (all ASCII), letters folded to lower case when `fold`.
fn mask(needle: &str, fold: bool) -> u128 {
    needle.bytes().fold(0u128, |m, b| {
        debug_assert!(b.is_ascii(), "needles are ASCII");
        let b = if fold { b.to_ascii_lowercase() } else { b };
        m | (1u128 << (b & 0x7f))
    })
}

/// Whether `needle` (non-empty) occurs in `hay`, ignoring ASCII case.
fn contains_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Words one of which every sensitive name (`fields::sensitive_name`) contains once lower-cased and stripped of
/// `_`, `.` and `-`: `key` (private / signing / encryption / master keys, API and access keys), `pass` (password,
/// passwd, passphrase), `pwd`, `secret`, `signature`, `cookie`, `auth` (authorization, auth), `credential`, `token`,
/// `mnemonic`, `seedphrase`, `cvv` / `cvc` (and their card / `2` forms), `securitycode`.
const NAME_WORDS: &[&str] = &[
    "key",
    "pass",
    "pwd",
    "secret",
    "signature",
    "cookie",
    "auth",
    "credential",
    "token",
    "mnemonic",
    "seedphrase",
    "cvv",
    "cvc",
    "securitycode",
];

impl Hints {
    pub fn new(text: &str) -> Hints {
        let mut exact = 0u128;
        let mut separators = 0;
        let mut ascii = true;
        // Digit groups: digits in the current run, whether the last byte was a digit, and whether it was a single
        // separator right after a digit (the run may go on).
        let (mut run_digits, mut longest_digit_run) = (0usize, 0usize);
        let (mut after_digit, mut after_sep) = (false, false);
        let (mut base58, mut longest_base58_run) = (0usize, 0usize);
        let (mut letters, mut short_words) = (0usize, 0usize);
        // The last four bytes as classes: bit 0 upper-case letter, bit 1 digit, shifted by two per byte.
        let mut window = 0u8;
        let mut iban_start = false;
        let mut pairs = [0u64; 4];
        let mut previous: Option<u8> = None;
        for &b in text.as_bytes() {
            if let Some(c) = compact_folded(b) {
                if let Some(p) = previous {
                    let (word, bit) = pair_bit(p, c);
                    pairs[word] |= bit;
                }
                previous = Some(c);
            }
            if b.is_ascii() {
                exact |= 1u128 << b;
            } else {
                ascii = false;
            }
            if !b.is_ascii_alphanumeric() {
                separators += 1;
            }
            if b.is_ascii_digit() {
                run_digits = if after_digit || after_sep {
                    run_digits + 1
                } else {
                    1
                };
                longest_digit_run = longest_digit_run.max(run_digits);
                after_digit = true;
                after_sep = false;
            } else if (b == b' ' || b == b'-') && after_digit {
                after_digit = false;
                after_sep = true;
            } else {
                after_digit = false;
                after_sep = false;
            }
            if is_base58(b) {
                base58 += 1;
                longest_base58_run = longest_base58_run.max(base58);
            } else {
                base58 = 0;
            }
            if b.is_ascii_alphabetic() {
                letters += 1;
            } else {
                if (3..=8).contains(&letters) {
                    short_words += 1;
                }
                letters = 0;
            }
            let class = u8::from(b.is_ascii_uppercase()) | (u8::from(b.is_ascii_digit()) << 1);
            window = (window << 2) | class;
            // Oldest to newest: upper, upper, digit, digit.
            iban_start |= window == 0b01_01_10_10;
        }
        if (3..=8).contains(&letters) {
            short_words += 1;
        }
        let upper = ((1u128 << 26) - 1) << b'A';
        let folded = (exact & !upper) | ((exact & upper) << 32);
        Hints {
            exhaustive: false,
            exact,
            folded,
            ascii,
            separators,
            longest_digit_run,
            longest_base58_run,
            short_words,
            iban_start,
            pairs,
        }
    }

    /// Hints that let every detector run: what redaction does without gates.
    pub fn exhaustive() -> Hints {
        Hints {
            exhaustive: true,
            exact: u128::MAX,
            folded: u128::MAX,
            ascii: false,
            separators: usize::MAX,
            longest_digit_run: usize::MAX,
            longest_base58_run: usize::MAX,
            short_words: usize::MAX,
            iban_start: true,
            pairs: [u64::MAX; 4],
        }
    }

    pub fn is_exhaustive(&self) -> bool {
        self.exhaustive
    }

    /// The ASCII byte `b` occurs.
    pub fn byte(&self, b: u8) -> bool {
        self.exhaustive || (b.is_ascii() && self.exact & (1u128 << b) != 0)
    }

    /// Every pair of adjacent bytes of `needle`'s compact folded form is in the pair filter.
    fn pairs_may_hold(&self, needle: &str) -> bool {
        let mut previous: Option<u8> = None;
        for c in needle.bytes().filter_map(compact_folded) {
            if let Some(p) = previous {
                let (word, bit) = pair_bit(p, c);
                if self.pairs[word] & bit == 0 {
                    return false;
                }
            }
            previous = Some(c);
        }
        true
    }

    /// `needle` occurs in `text` as written.
    pub fn has(&self, text: &str, needle: &str) -> bool {
        if self.exhaustive {
            return true;
        }
        let m = mask(needle, false);
        self.exact & m == m && self.pairs_may_hold(needle) && text.contains(needle)
    }

    /// `needle` could occur in `text` under a case-insensitive (Unicode) pattern: in ASCII text, it occurs ignoring
    /// ASCII case; a text with non-ASCII characters always could.
    pub fn has_ci(&self, text: &str, needle: &str) -> bool {
        if self.exhaustive || !self.ascii {
            return true;
        }
        let m = mask(needle, true);
        self.folded & m == m
            && self.pairs_may_hold(needle)
            && contains_ignore_ascii_case(text.as_bytes(), needle.as_bytes())
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
        if !self.byte(b':') && !self.byte(b'=') {
            return false;
        }
        let mut candidates = NAME_WORDS.iter().filter(|w| {
            let m = mask(w, true);
            self.folded & m == m && self.pairs_may_hold(w)
        });
        let Some(first) = candidates.next() else {
            return false;
        };
        let compact: Vec<u8> = text.bytes().filter_map(compact_folded).collect();
        let occurs = |w: &&str| {
            compact.len() >= w.len() && compact.windows(w.len()).any(|x| x == w.as_bytes())
        };
        occurs(first) || candidates.any(occurs)
    }
}

/// The folded bits of a private term's ASCII characters other than whitespace (whitespace in a term matches any
/// run of whitespace; a non-ASCII character may match an ASCII one under case folding, so it asks for nothing).
pub fn term_mask(term: &str) -> u128 {
    term.bytes()
        .filter(|b| b.is_ascii() && !b.is_ascii_whitespace())
        .fold(0u128, |m, b| m | (1u128 << b.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_counts() {
        let h = Hints::new("card 4242 4242-4242 4242  12, iban GB82 x");
        assert_eq!(h.longest_digit_run, 16);
        assert!(h.iban_start);
        assert!(h.ascii);
        assert!(h.byte(b','));
        assert!(!h.byte(b'@'));
        assert!(h.has("x", "x"));
        assert!(h.has_ci("GB82", "gb8"));
        let h = Hints::new("1 -2 3--4");
        assert_eq!(h.longest_digit_run, 2);
        let h = Hints::new("abandon ab abc abcdefghi Zoë");
        assert_eq!(h.short_words, 2);
        assert!(!h.ascii);
        assert!(h.has_ci("anything", "zzz"), "non-ASCII text always may");
        let h = Hints::new("gb82 G B82 GB8 2");
        assert!(!h.iban_start);
        let h = Hints::new("1111111111111111111114oLvT2");
        assert_eq!(h.longest_base58_run, 27);
    }

    #[test]
    fn folding_only_touches_letters() {
        let h = Hints::new("AZ[@");
        assert!(h.folded & (1u128 << b'a') != 0 && h.folded & (1u128 << b'z') != 0);
        assert!(h.folded & (1u128 << b'[') != 0 && h.folded & (1u128 << b'@') != 0);
        assert!(h.folded & (1u128 << b'A') == 0);
        assert!(h.has_ci("AZ[@", "az[@"));
        assert!(!h.has_ci("AZ[@", "{"));
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
