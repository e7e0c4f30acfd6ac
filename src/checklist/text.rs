//! Checks shared by every free-text field a user fills in (names, signers, actors, private terms, titles, team
//! handles, identifiers, facts, notes and statements): which characters it may hold, how it is normalised, how long
//! it may be, and no secret ever accepted.
//!
//! Text is refused when it would display as something other than what is stored:
//! - `control_character`: C0 controls, DEL, C1 controls, and the line / paragraph separators U+2028 / U+2029. An
//!   ESC stored today is a terminal escape sequence printed tomorrow. Multi-line fields (notes, statements,
//!   reasons, guidance) keep `\n` and `\t`, and a Windows `\r\n` becomes `\n`; single-line fields keep neither.
//! - `bidi_control`: U+202A–U+202E, U+2066–U+2069, U+200E, U+200F and U+061C. `Zoe \u{202E}kciN` displays as
//!   "Zoe Nick".
//! - `invisible_character`: every other format character (general category Cf: zero-width U+200B–U+200D and
//!   U+2060, the byte order mark U+FEFF, U+180E, the soft hyphen U+00AD, tag characters U+E0000–U+E007F …),
//!   characters that render as nothing (U+034F, the Hangul fillers), and variation selectors in single-line fields.
//!   A launch name holding U+200B looks identical to another, and a private term holding one never matches.
//!
//! What is accepted is trimmed and NFC-normalised, so two spellings of "Zoë" are one; in single-line fields other
//! spaces (no-break, ideographic …) become a plain space, so two names that look alike are alike. Then the length is
//! capped (`too_long`). Messages name the field, the character by code point and name, and its position, never the
//! value: it may be a secret, and echoing it would print the very characters being refused.

use toml::Spanned;
use unicode_normalization::UnicodeNormalization;

use crate::checklist::located::Problems;
use crate::error::InvalidInput;
use crate::redact::detect;

/// Whether a field is one line (a name, a title, an id) or free text that may break lines (a note, guidance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

pub const CONTROL_CHARACTER: &str = "control_character";
pub const BIDI_CONTROL: &str = "bidi_control";
pub const INVISIBLE_CHARACTER: &str = "invisible_character";
pub const TOO_LONG: &str = "too_long";

/// A character a field may not hold, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub ch: char,
    /// Byte offset in the text scanned.
    pub offset: usize,
    /// 1-based character position in the text scanned.
    pub position: usize,
    /// [`CONTROL_CHARACTER`], [`BIDI_CONTROL`] or [`INVISIBLE_CHARACTER`].
    pub code: &'static str,
}

impl Refused {
    /// The character as a person can look it up: `U+202E RIGHT-TO-LEFT OVERRIDE`.
    pub fn character(&self) -> String {
        code_point(self.ch)
    }

    /// Why the character is refused, and what to do.
    pub fn reason(&self, lines: Lines) -> &'static str {
        match self.code {
            CONTROL_CHARACTER if lines == Lines::One && matches!(self.ch, '\n' | '\r' | '\t') => {
                "this field is one line — remove the line break or tab"
            }
            CONTROL_CHARACTER => {
                "control characters are never stored (they can rewrite what a terminal or document shows) — remove it"
            }
            BIDI_CONTROL => {
                "bidirectional controls make text display in a different order from what is stored — remove it"
            }
            _ => "invisible characters make text look like other text — remove it",
        }
    }

    /// `holds U+202E RIGHT-TO-LEFT OVERRIDE at character 5; …`, with `position` counted from where the person typed.
    fn message(&self, position: usize, lines: Lines) -> String {
        format!(
            "holds {} at character {position}; {}",
            self.character(),
            self.reason(lines)
        )
    }
}

/// The class of `c` when a field of this shape may not hold it. `\r` is judged by [`refused`], which sees what
/// follows it.
fn class(c: char, lines: Lines) -> Option<&'static str> {
    match c {
        '\n' | '\t' if lines == Lines::Many => None,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{2028}' | '\u{2029}' => {
            Some(CONTROL_CHARACTER)
        }
        c if is_bidi_control(c) => Some(BIDI_CONTROL),
        c if is_format(c) || renders_as_nothing(c) => Some(INVISIBLE_CHARACTER),
        c if is_variation_selector(c) && lines == Lines::One => Some(INVISIBLE_CHARACTER),
        _ => None,
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// General category Cf (format characters) as of Unicode 15. Later versions add few; each needs adding here.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}')
}

/// Not format characters, but drawn as nothing at all: the combining grapheme joiner, the Hangul fillers and the
/// deprecated Khmer inherent vowels. They make two different strings look the same just as U+200B does.
fn renders_as_nothing(c: char) -> bool {
    matches!(
        c,
        '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{3164}' | '\u{FFA0}'
    )
}

/// Variation selectors (and the Mongolian free ones) change how the previous character is drawn. Free text keeps
/// them (an emoji's text or colour form); a single-line name has no need for one.
fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{180B}'..='\u{180D}' | '\u{180F}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Every character of `text` a field of this shape may not hold, in order.
pub fn refused(text: &str, lines: Lines) -> impl Iterator<Item = Refused> + '_ {
    let bytes = text.as_bytes();
    text.char_indices()
        .enumerate()
        .filter_map(move |(i, (offset, ch))| {
            let code = if ch == '\r' && lines == Lines::Many {
                // A Windows line ending is a line break; a lone CR returns the cursor and overwrites the line.
                (bytes.get(offset + 1) != Some(&b'\n')).then_some(CONTROL_CHARACTER)
            } else {
                class(ch, lines)
            }?;
            Some(Refused {
                ch,
                offset,
                position: i + 1,
                code,
            })
        })
}

/// The first character of `text` a field of this shape may not hold.
pub fn first_refused(text: &str, lines: Lines) -> Option<Refused> {
    refused(text, lines).next()
}

/// Refuses `value` (as typed, before trimming) if it holds a character a field of this shape may not hold, naming
/// the character and its position, never the value.
pub fn refuse_hidden(field: &'static str, value: &str, lines: Lines) -> Result<(), InvalidInput> {
    let (lead, trimmed) = trim_counting(value);
    match first_refused(trimmed, lines) {
        Some(r) => Err(InvalidInput::coded(
            r.code,
            field,
            r.message(lead + r.position, lines),
        )),
        None => Ok(()),
    }
}

/// `value` trimmed, and how many characters were trimmed from its start (so positions count from what was typed).
fn trim_counting(value: &str) -> (usize, &str) {
    let start = value.trim_start();
    let lead = value[..value.len() - start.len()].chars().count();
    (lead, start.trim_end())
}

/// The stored spelling of accepted text: NFC, with a Windows line ending as `\n`, and in a single-line field every
/// other space as a plain space. Only called on text [`refused`] found nothing in.
pub fn normalise(value: &str, lines: Lines) -> String {
    let nfc: String = if unicode_normalization::is_nfc_quick(value.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        value.to_string()
    } else {
        value.nfc().collect()
    };
    match lines {
        Lines::One => nfc
            .chars()
            .map(|c| if c != ' ' && is_space(c) { ' ' } else { c })
            .collect(),
        Lines::Many if nfc.contains('\r') => nfc.replace("\r\n", "\n"),
        Lines::Many => nfc,
    }
}

/// Space separators (general category Zs) other than U+0020: they look like a space and are meant as one.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Trims `value`, refuses hidden characters, normalises it and caps it at `max` characters. Blank is allowed, and
/// secrets are the caller's business: [`checked_as`] refuses them, text that is only ever exported (an escalation's
/// facts) is redacted instead.
pub fn cleaned(
    field: &'static str,
    value: &str,
    max: usize,
    lines: Lines,
) -> Result<String, InvalidInput> {
    refuse_hidden(field, value, lines)?;
    let value = normalise(value.trim(), lines);
    let chars = value.chars().count();
    if chars > max {
        return Err(InvalidInput::coded(
            TOO_LONG,
            field,
            format!("is {chars} characters; at most {max} are allowed"),
        ));
    }
    Ok(value)
}

/// The core every stored typed-in field goes through: [`cleaned`], then non-empty (when `required`) and no secret.
pub fn checked_as(
    field: &'static str,
    value: &str,
    max: usize,
    required: bool,
    lines: Lines,
) -> Result<String, InvalidInput> {
    let value = cleaned(field, value, max, lines)?;
    if required && value.is_empty() {
        return Err(InvalidInput::new(field, "is required"));
    }
    refuse_secrets(field, &value)?;
    Ok(value)
}

/// A single-line field: trimmed, normalised, at most `max` characters, no line break, hidden character or secret.
/// Kept for callers that predate [`single_line`] and [`multi_line`]; `required` says whether blank is refused.
pub fn checked(
    field: &'static str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<String, InvalidInput> {
    checked_as(field, value, max, required, Lines::One)
}

/// A required single-line field: a name, a signer, a title, a fact.
pub fn single_line(field: &'static str, value: &str, max: usize) -> Result<String, InvalidInput> {
    checked_as(field, value, max, true, Lines::One)
}

/// A required free-text field that may break lines (`\n`, `\t`): a statement.
pub fn multi_line(field: &'static str, value: &str, max: usize) -> Result<String, InvalidInput> {
    checked_as(field, value, max, true, Lines::Many)
}

/// An optional field of `lines`: absent or blank is `None`.
fn optional(
    field: &'static str,
    value: Option<&str>,
    max: usize,
    lines: Lines,
) -> Result<Option<String>, InvalidInput> {
    match value {
        Some(v) => Ok(Some(checked_as(field, v, max, false, lines)?).filter(|v| !v.is_empty())),
        None => Ok(None),
    }
}

/// An optional free-text field (a note, a reason): absent or blank is `None`.
pub fn optional_multi_line(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, InvalidInput> {
    optional(field, value, max, Lines::Many)
}

/// An optional one-line field (limits, a review reference): absent or blank is `None`.
pub fn optional_single_line(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, InvalidInput> {
    optional(field, value, max, Lines::One)
}

/// A string a data file (template, probe pack) sets, checked like a typed-in field of this shape. A problem goes to
/// the refused character when the file spells it as it is (else to the string), or to the string when it is too
/// long. `what` names it in messages ("item 'https' title"). Returns the trimmed, normalised value.
pub(crate) fn located(
    p: &mut Problems<'_>,
    source: &str,
    value: &Spanned<String>,
    what: &str,
    max: usize,
    lines: Lines,
) -> String {
    if !located_clean(p, source, value, what, lines) {
        return value.get_ref().trim().to_string();
    }
    let normalised = normalise(value.get_ref().trim(), lines);
    let chars = normalised.chars().count();
    if chars > max {
        p.at_span(
            value,
            format!("{what} is {chars} characters; at most {max} are allowed"),
        );
    }
    normalised
}

/// Places a problem for the first character of `value` a field of this shape may not hold (see [`located`]);
/// whether there was none. Words a file sets (a role, an evidence kind) go through it before a message echoes them.
pub(crate) fn located_clean(
    p: &mut Problems<'_>,
    source: &str,
    value: &Spanned<String>,
    what: &str,
    lines: Lines,
) -> bool {
    let (lead, trimmed) = trim_counting(value.get_ref());
    let Some(r) = first_refused(trimmed, lines) else {
        return true;
    };
    let at = literal_offset(source, value.span(), r.ch).unwrap_or(value.span().start);
    p.at(
        at,
        format!("{what} {}", r.message(lead + r.position, lines)),
    );
    false
}

/// The most characters of one file [`located_file`] reports; past that the file is plainly not text a person wrote.
const MAX_FILE_PROBLEMS: usize = 20;

/// Scans a whole data file (template, probe pack) for characters no free text may hold, each placed at its line and
/// column: a bidi control in a comment reorders what a reviewer reads ("Trojan Source") as much as one in a title.
/// A byte order mark opening the file is only an encoding marker and is allowed. Whether the file had none.
pub(crate) fn located_file(p: &mut Problems<'_>, source: &str) -> bool {
    let before = p.list.len();
    for r in refused(source, Lines::Many)
        .filter(|r| !(r.offset == 0 && r.ch == '\u{FEFF}'))
        .take(MAX_FILE_PROBLEMS)
    {
        p.at(
            r.offset,
            format!(
                "the file holds {}; {}",
                r.character(),
                r.reason(Lines::Many)
            ),
        );
    }
    p.list.len() == before
}

/// Places a problem at the line and column of every secret and every piece of personal data in a data file
/// (template, probe pack), by class: the file is shared, imported into other workspaces and quoted in packets.
/// `allowed` are addresses the file publishes as its support path. Whether it had none.
pub(crate) fn located_sensitive(p: &mut Problems<'_>, source: &str, allowed: &[String]) -> bool {
    let before = p.list.len();
    for f in detect::secrets_and_personal_data(source)
        .into_iter()
        .filter(|f| {
            !(crate::redact::is_personal_class(f.class)
                && allowed
                    .iter()
                    .any(|a| source[f.start..f.end].eq_ignore_ascii_case(a)))
        })
        .take(MAX_FILE_PROBLEMS)
    {
        let advice = if crate::redact::is_secret_class(f.class) {
            "secrets never go into shared files; reference them as {{secret.NAME}} in packs and not at all in \
             templates"
        } else {
            "personal and account data never goes into shared files; name a team handle or a published support \
             address instead"
        };
        p.at(
            f.start,
            format!(
                "this looks like {}; {advice}",
                crate::redact::describe(f.class)
            ),
        );
    }
    p.list.len() == before
}

/// Where `ch` is spelled as it is inside the TOML string at `span` (after its opening delimiter, and the line break
/// a multi-line string may start with); `None` when the file wrote it as an escape.
fn literal_offset(source: &str, span: std::ops::Range<usize>, ch: char) -> Option<usize> {
    let literal = source.get(span.clone())?;
    let mut start = span.start;
    if literal.starts_with("\"\"\"") || literal.starts_with("'''") {
        start += 3;
        let rest = &source[start..span.end];
        start += if rest.starts_with("\r\n") {
            2
        } else {
            usize::from(rest.starts_with('\n'))
        };
    } else {
        start += 1;
    }
    source.get(start..span.end)?.find(ch).map(|i| start + i)
}

/// The spellings a private term is matched in: trimmed, without the characters no field may hold now (a term stored
/// before they were refused still matches the visible text), NFC, and NFD when that differs (text pasted from some
/// systems arrives decomposed). Empty for a blank term.
pub fn term_spellings(term: &str) -> Vec<String> {
    let visible: String = term
        .chars()
        .filter(|&c| c.is_whitespace() || class(c, Lines::Many).is_none())
        .collect();
    let nfc: String = visible.trim().nfc().collect();
    if nfc.is_empty() {
        return Vec::new();
    }
    let nfd: String = nfc.nfd().collect();
    if nfd == nfc {
        vec![nfc]
    } else {
        vec![nfc, nfd]
    }
}

/// `U+202E RIGHT-TO-LEFT OVERRIDE`; a character without a name here is described by its class.
pub fn code_point(c: char) -> String {
    let n = c as u32;
    match name(c) {
        Some(name) => format!("U+{n:04X} {name}"),
        None if (0xE0020..=0xE007F).contains(&n) => format!("U+{n:04X} (a tag character)"),
        None if is_variation_selector(c) => format!("U+{n:04X} (a variation selector)"),
        None if is_format(c) => format!("U+{n:04X} (a format character)"),
        None => format!("U+{n:04X}"),
    }
}

/// The C0 controls by their Unicode name aliases, U+0000 to U+001F.
const C0: [&str; 32] = [
    "NULL",
    "START OF HEADING",
    "START OF TEXT",
    "END OF TEXT",
    "END OF TRANSMISSION",
    "ENQUIRY",
    "ACKNOWLEDGE",
    "ALERT",
    "BACKSPACE",
    "CHARACTER TABULATION",
    "LINE FEED",
    "LINE TABULATION",
    "FORM FEED",
    "CARRIAGE RETURN",
    "SHIFT OUT",
    "SHIFT IN",
    "DATA LINK ESCAPE",
    "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR",
    "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK",
    "CANCEL",
    "END OF MEDIUM",
    "SUBSTITUTE",
    "ESCAPE",
    "INFORMATION SEPARATOR FOUR",
    "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE",
];

/// The C1 controls by their Unicode name aliases, U+0080 to U+009F.
const C1: [&str; 32] = [
    "PADDING CHARACTER",
    "HIGH OCTET PRESET",
    "BREAK PERMITTED HERE",
    "NO BREAK HERE",
    "INDEX",
    "NEXT LINE",
    "START OF SELECTED AREA",
    "END OF SELECTED AREA",
    "CHARACTER TABULATION SET",
    "CHARACTER TABULATION WITH JUSTIFICATION",
    "LINE TABULATION SET",
    "PARTIAL LINE FORWARD",
    "PARTIAL LINE BACKWARD",
    "REVERSE LINE FEED",
    "SINGLE SHIFT TWO",
    "SINGLE SHIFT THREE",
    "DEVICE CONTROL STRING",
    "PRIVATE USE ONE",
    "PRIVATE USE TWO",
    "SET TRANSMIT STATE",
    "CANCEL CHARACTER",
    "MESSAGE WAITING",
    "START OF GUARDED AREA",
    "END OF GUARDED AREA",
    "START OF STRING",
    "SINGLE GRAPHIC CHARACTER INTRODUCER",
    "SINGLE CHARACTER INTRODUCER",
    "CONTROL SEQUENCE INTRODUCER",
    "STRING TERMINATOR",
    "OPERATING SYSTEM COMMAND",
    "PRIVACY MESSAGE",
    "APPLICATION PROGRAM COMMAND",
];

fn name(c: char) -> Option<&'static str> {
    let n = c as u32;
    Some(match c {
        '\u{0}'..='\u{1F}' => C0[n as usize],
        '\u{7F}' => "DELETE",
        '\u{80}'..='\u{9F}' => C1[n as usize - 0x80],
        '\u{AD}' => "SOFT HYPHEN",
        '\u{34F}' => "COMBINING GRAPHEME JOINER",
        '\u{61C}' => "ARABIC LETTER MARK",
        '\u{115F}' => "HANGUL CHOSEONG FILLER",
        '\u{1160}' => "HANGUL JUNGSEONG FILLER",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2061}' => "FUNCTION APPLICATION",
        '\u{2062}' => "INVISIBLE TIMES",
        '\u{2063}' => "INVISIBLE SEPARATOR",
        '\u{2064}' => "INVISIBLE PLUS",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{3164}' => "HANGUL FILLER",
        '\u{FE0E}' => "VARIATION SELECTOR-15",
        '\u{FE0F}' => "VARIATION SELECTOR-16",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
        '\u{FFA0}' => "HALFWIDTH HANGUL FILLER",
        '\u{E0001}' => "LANGUAGE TAG",
        '\u{E007F}' => "CANCEL TAG",
        _ => return None,
    })
}

/// Refuses text that holds a secret, naming the class and where it starts, never the value.
pub fn refuse_secrets(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    // Key material too: a signature's hex or a PEM line pasted into a note is a secret on disk all the same.
    if let Some(f) = detect::first_secret_or_key_material(value) {
        let place = if value.contains('\n') {
            let (line, column) = crate::checklist::located::line_column(value, f.start);
            format!("line {line}, column {column}")
        } else {
            format!("character {}", value[..f.start].chars().count() + 1)
        };
        return Err(InvalidInput::coded(
            "secret_detected",
            field,
            format!(
                "contains what looks like {} at {place}; secrets are never stored — \
                 remove it and record an id or a fingerprint instead",
                crate::redact::describe(f.class)
            ),
        ));
    }
    Ok(())
}

/// The door for a field that holds one value quoted as it is in packets and tickets: an id, a team handle, an
/// actor, a partner id, a file name. Such a value has no context around it, so it is checked by the export's own
/// redactor — every secret format, encoded credentials, bare key material (signature hex, PEM lines, generated
/// credentials) and personal data, in every encoding — and refused if the export would redact any of it. Named by
/// class and position, never by value.
pub fn refuse_sensitive_value(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    let Some(f) = crate::redact::shared().scan(value).into_iter().next() else {
        return Ok(());
    };
    let position = value[..f.start].chars().count() + 1;
    let (code, advice) = if crate::redact::is_secret_class(f.class) {
        (
            "secret_detected",
            "secrets are never stored — record an id or a fingerprint instead",
        )
    } else {
        (
            "pii_refused",
            "personal and account data never goes into ids, handles or names — use a team handle or a support-safe id",
        )
    };
    Err(InvalidInput::coded(
        code,
        field,
        format!(
            "holds what looks like {} at character {position}; {advice}",
            crate::redact::describe(f.class)
        ),
    ))
}

/// Who acts: a team handle (`finance_ops`) or a person's name, never contact data or a secret.
pub fn actor(field: &'static str, value: &str) -> Result<String, InvalidInput> {
    refuse_hidden(field, value, Lines::One)?;
    refuse_sensitive_value(field, value.trim())?;
    team_handle(field, value).or_else(|_| single_line(field, value, 64))
}

/// A team handle such as `finance_ops` or `@partner-ops`. Personal e-mail addresses are PII and are refused.
pub fn team_handle(field: &'static str, value: &str) -> Result<String, InvalidInput> {
    // Hidden characters first: the messages below quote the value, which must not carry them to a terminal.
    refuse_hidden(field, value, Lines::One)?;
    let value = value.trim();
    // A key or token pasted into a handle field has a handle's characters (`sk_live_…`); so does a signature's hex
    // or an encoded credential. Each is refused by class and position before any message could quote it.
    refuse_sensitive_value(field, value)?;
    if value.contains('@') && !value.starts_with('@') {
        return Err(InvalidInput::coded(
            "pii_refused",
            field,
            "looks like an e-mail address; record a team handle such as finance_ops instead of personal contact data",
        ));
    }
    let body = value.strip_prefix('@').unwrap_or(value);
    let ok = (2..=64).contains(&body.len())
        && body.starts_with(|c: char| c.is_ascii_alphanumeric())
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !ok {
        // The value is not quoted: a refused field may hold what the user should not have typed there.
        return Err(InvalidInput::new(
            field,
            format!(
                "the {}-character value is not a team handle; use 2–64 letters, digits, '_', '-' or '.', like \
                 finance_ops",
                value.chars().count()
            ),
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(value: &str) -> &'static str {
        single_line("name", value, 120).unwrap_err().code
    }

    #[test]
    fn a_secret_in_a_handle_field_is_refused_and_never_quoted() {
        let key = "sk_live_51HqFAKEkeyFAKEkeyFAKEkey00";
        let err = team_handle("owner", key).unwrap_err();
        assert_eq!(err.code, "secret_detected");
        assert!(!err.message.contains(key), "{}", err.message);
        let err = team_handle("owner", "finance ops team!").unwrap_err();
        assert!(!err.message.contains("finance ops"), "{}", err.message);
        assert_eq!(team_handle("owner", "finance_ops").unwrap(), "finance_ops");
    }

    #[test]
    fn bidi_controls_are_refused_by_code_point_and_position() {
        let err = single_line("signer", "Zoe \u{202E}kciN", 120).unwrap_err();
        assert_eq!((err.code, err.field), (BIDI_CONTROL, "signer"));
        assert!(
            err.message
                .starts_with("holds U+202E RIGHT-TO-LEFT OVERRIDE at character 5;"),
            "{err}"
        );
        assert!(
            !err.message.contains("kciN"),
            "the value is never echoed: {err}"
        );
        assert_eq!(code("a\u{2067}b"), BIDI_CONTROL, "RLI");
        assert_eq!(code("a\u{2066}b\u{2069}"), BIDI_CONTROL, "LRI … PDI");
        for c in ['\u{200E}', '\u{200F}', '\u{061C}', '\u{202A}', '\u{202C}'] {
            assert_eq!(code(&format!("x{c}y")), BIDI_CONTROL, "{:04X}", c as u32);
            assert_eq!(
                multi_line("note", &format!("x{c}y"), 100).unwrap_err().code,
                BIDI_CONTROL,
                "free text refuses them too"
            );
        }
    }

    #[test]
    fn invisible_characters_are_refused() {
        for (c, name) in [
            ('\u{200B}', "ZERO WIDTH SPACE"),
            ('\u{200C}', "ZERO WIDTH NON-JOINER"),
            ('\u{200D}', "ZERO WIDTH JOINER"),
            ('\u{2060}', "WORD JOINER"),
            ('\u{FEFF}', "ZERO WIDTH NO-BREAK SPACE"),
            ('\u{180E}', "MONGOLIAN VOWEL SEPARATOR"),
            ('\u{00AD}', "SOFT HYPHEN"),
            ('\u{E0001}', "LANGUAGE TAG"),
            ('\u{3164}', "HANGUL FILLER"),
        ] {
            let err = single_line("name", &format!("Acme{c}Pay"), 120).unwrap_err();
            assert_eq!(err.code, INVISIBLE_CHARACTER, "{name}");
            assert!(
                err.message.contains(&format!("U+{:04X} {name}", c as u32))
                    && err.message.contains("at character 5"),
                "{err}"
            );
            assert_eq!(
                multi_line("note", &format!("Acme{c}Pay"), 100)
                    .unwrap_err()
                    .code,
                INVISIBLE_CHARACTER
            );
        }
        // A BOM at the very start is not trimmed away: it is not white space.
        assert_eq!(code("\u{FEFF}Acme"), INVISIBLE_CHARACTER);
    }

    #[test]
    fn tag_characters_are_refused_by_class() {
        // "Acme" followed by invisible tag letters spelling "evil" and CANCEL TAG.
        let tagged = "Acme\u{E0065}\u{E0076}\u{E0069}\u{E006C}\u{E007F}";
        let err = single_line("name", tagged, 120).unwrap_err();
        assert_eq!(err.code, INVISIBLE_CHARACTER);
        assert!(
            err.message
                .contains("U+E0065 (a tag character) at character 5"),
            "{err}"
        );
    }

    #[test]
    fn control_characters_are_refused_and_named() {
        for (c, name) in [
            ('\u{1B}', "ESCAPE"),
            ('\u{0}', "NULL"),
            ('\u{7}', "ALERT"),
            ('\u{7F}', "DELETE"),
            ('\u{9B}', "CONTROL SEQUENCE INTRODUCER"),
            ('\u{85}', "NEXT LINE"),
            ('\u{2028}', "LINE SEPARATOR"),
        ] {
            let value = format!("ok {c}[31mred");
            for lines in [Lines::One, Lines::Many] {
                let err = checked_as("note", &value, 100, true, lines).unwrap_err();
                assert_eq!(err.code, CONTROL_CHARACTER, "{name}");
                assert!(
                    err.message
                        .starts_with(&format!("holds U+{:04X} {name} at character 4;", c as u32)),
                    "{err}"
                );
                assert!(!err.message.contains(c), "never printed back: {err:?}");
            }
        }
    }

    #[test]
    fn one_line_fields_refuse_line_breaks_and_free_text_keeps_them() {
        let err = single_line("name", "Acme\nPay", 120).unwrap_err();
        assert_eq!(err.code, CONTROL_CHARACTER);
        assert!(
            err.message
                .starts_with("holds U+000A LINE FEED at character 5; this field is one line"),
            "{err}"
        );
        assert_eq!(code("Acme\tPay"), CONTROL_CHARACTER);
        assert_eq!(code("Acme\r\nPay"), CONTROL_CHARACTER);
        assert_eq!(
            multi_line("note", "line one\n\tline two", 100).unwrap(),
            "line one\n\tline two"
        );
        assert_eq!(
            multi_line("note", "line one\r\nline two\r\n", 100).unwrap(),
            "line one\nline two",
            "a Windows line ending is a line break"
        );
        let err = multi_line("note", "overwrite\rme", 100).unwrap_err();
        assert_eq!(err.code, CONTROL_CHARACTER, "a lone CR rewrites the line");
        assert!(
            err.message
                .contains("U+000D CARRIAGE RETURN at character 10"),
            "{err}"
        );
        // Leading and trailing line breaks are only trimmed, and positions count from what was typed.
        assert_eq!(single_line("name", "\n Acme \n", 120).unwrap(), "Acme");
        assert!(single_line("name", "  a\u{200B}", 120)
            .unwrap_err()
            .message
            .contains("at character 4"));
    }

    #[test]
    fn variation_selectors_only_in_free_text() {
        assert_eq!(code("Warning \u{26A0}\u{FE0F}"), INVISIBLE_CHARACTER);
        assert_eq!(
            multi_line("note", "Warning \u{26A0}\u{FE0F}", 100).unwrap(),
            "Warning \u{26A0}\u{FE0F}"
        );
    }

    #[test]
    fn two_spellings_of_a_name_are_one() {
        let composed = single_line("signer", "Zo\u{EB} Kowalski", 120).unwrap();
        let decomposed = single_line("signer", "Zoe\u{308} Kowalski", 120).unwrap();
        assert_eq!(composed, decomposed);
        assert_eq!(composed, "Zoë Kowalski");
        assert_eq!(
            single_line("name", "Acme\u{A0}Pay\u{3000}EU", 120).unwrap(),
            "Acme Pay EU",
            "a space that looks like a space is one"
        );
        assert_eq!(
            multi_line("note", "Zoe\u{308}\u{A0}ok", 100).unwrap(),
            "Zoë\u{A0}ok",
            "free text is composed but keeps its spaces"
        );
        // Normalisation comes before the cap: a decomposed name that fits composed fits.
        let long = "e\u{301}".repeat(10);
        assert_eq!(single_line("name", &long, 10).unwrap().chars().count(), 10);
        assert_eq!(single_line("name", &long, 9).unwrap_err().code, TOO_LONG);
    }

    #[test]
    fn lengths_are_capped_without_echoing_the_value() {
        let err = single_line("fact", &"x".repeat(120 * 1024), 1_000).unwrap_err();
        assert_eq!(err.code, TOO_LONG);
        assert_eq!(
            err.message,
            "is 122880 characters; at most 1000 are allowed"
        );
        assert!(multi_line("note", &"é".repeat(2_000), 2_000).is_ok());
        assert_eq!(
            multi_line("note", &"é".repeat(2_001), 2_000)
                .unwrap_err()
                .code,
            TOO_LONG,
            "characters are counted, not bytes"
        );
        assert_eq!(
            single_line("name", "   ", 10).unwrap_err().code,
            "invalid_input"
        );
        assert_eq!(optional_multi_line("reason", Some("  "), 10).unwrap(), None);
        assert_eq!(optional_multi_line("reason", None, 10).unwrap(), None);
    }

    #[test]
    fn ordinary_text_in_any_script_is_accepted() {
        for ok in [
            "Łukasz Nowak",
            "Zoë Kowalski",
            "سارة",
            "李小龍",
            "Ελένη",
            "O'Brien-Smith Jr.",
            "Acme EUR/USDT — go-live",
        ] {
            assert_eq!(single_line("name", ok, 120).unwrap(), ok);
        }
    }

    #[test]
    fn team_handles_refuse_hidden_characters_before_quoting_the_value() {
        let err = team_handle("owner", "finance\u{1B}[2Jops").unwrap_err();
        assert_eq!(err.code, CONTROL_CHARACTER);
        assert!(!err.message.contains('\u{1B}'), "{err:?}");
        assert_eq!(
            team_handle("owner", "fin\u{200B}ance").unwrap_err().code,
            INVISIBLE_CHARACTER
        );
        assert!(team_handle("owner", "finance_ops").is_ok());
    }

    #[test]
    fn a_private_term_is_matched_in_every_spelling_of_itself() {
        assert_eq!(
            term_spellings("  Liquidity\u{200B}ProviderX "),
            ["LiquidityProviderX"]
        );
        assert_eq!(term_spellings("Zo\u{EB}"), ["Zo\u{EB}", "Zoe\u{308}"]);
        assert_eq!(term_spellings("Zoe\u{308}"), ["Zo\u{EB}", "Zoe\u{308}"]);
        assert!(term_spellings(" \u{200B} ").is_empty());

        // A term stored with an invisible character (before it was refused) still redacts what it looks like, and
        // a term redacts its decomposed spelling too.
        let r = crate::redact::Redactor::new(&[
            "Liquidity\u{200B}ProviderX".into(),
            "Zo\u{EB} Desk".into(),
        ]);
        assert_eq!(
            r.redact_text(
                "via LiquidityProviderX and Zoe\u{308} desk",
                &mut Default::default()
            ),
            "via [REDACTED:private-term] and [REDACTED:private-term]"
        );
    }

    #[test]
    fn data_file_strings_are_placed_at_the_character() {
        let source = "title = \"ab\u{202E}c\"\nother = \"x\\u202Ey\"\n";
        #[derive(serde::Deserialize)]
        struct Raw {
            title: Spanned<String>,
            other: Spanned<String>,
        }
        let raw: Raw = toml::from_str(source).unwrap();
        let mut p = Problems::new(source);
        located(&mut p, source, &raw.title, "title", 100, Lines::One);
        located(&mut p, source, &raw.other, "other", 100, Lines::One);
        assert_eq!((p.list[0].line, p.list[0].column), (1, 12), "{:?}", p.list);
        assert_eq!(
            p.list[0].message,
            "title holds U+202E RIGHT-TO-LEFT OVERRIDE at character 3; bidirectional controls make text display \
             in a different order from what is stored — remove it"
        );
        // Written as an escape: placed at the string, with the position inside the value.
        assert_eq!((p.list[1].line, p.list[1].column), (2, 9));
        assert!(p.list[1].message.contains("at character 2"), "{:?}", p.list);
        let long = format!("title = \"{}\"\nother = \"\"\n", "t".repeat(300));
        let raw: Raw = toml::from_str(&long).unwrap();
        let mut p = Problems::new(&long);
        located(&mut p, &long, &raw.title, "item 'a' title", 200, Lines::One);
        assert_eq!(
            (p.list[0].line, p.list[0].column, p.list[0].message.as_str()),
            (
                1,
                9,
                "item 'a' title is 300 characters; at most 200 are allowed"
            )
        );
    }
}
