//! OpenSSH `allowed_signers` files (ssh-keygen(1), "ALLOWED SIGNERS"; git's `gpg.ssh.allowedSignersFile`): who may
//! sign as whom, for which namespaces and when. One signer per line:
//!
//! ```text
//! # comment
//! principal[,principal…] [option[,option…]] ssh-ed25519 AAAA… [comment]
//! "Zoë Kowalski,zoe@finance" namespaces="golive-signoff@v1",valid-before="20271231Z" ssh-ed25519 AAAA… Finance
//! ```
//!
//! Principals: golive's signer names as they are recorded (`--signer "Zoë Kowalski"`, stored NFC), or e-mail-like
//! ids. A principal field holding spaces is written in double quotes, which OpenSSH's own parser accepts
//! (`ssh-keygen -Y verify -I "Zoë Kowalski"` finds it); principals are matched exactly (byte for byte, as
//! ssh-keygen does), and `*` / `?` / `!` are OpenSSH patterns. The trailing comment is free text (a display name,
//! a role) and means nothing to the check.
//!
//! Options: `namespaces="…"` (a pattern list), `valid-after="…"`, `valid-before="…"` (`YYYYMMDD[HHMM[SS]]`, UTC with
//! a trailing `Z`, the local time zone without, as ssh-keygen reads them). `cert-authority` lines and keys other
//! than Ed25519 are refused with their position: golive checks a signer's own Ed25519 key, never a certificate.

use std::path::Path;

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use ssh_key::{Algorithm, HashAlg, PublicKey};

use super::verify::{verify, Verified};
use super::{read_small_file, SigningError};
use crate::error::TemplateProblem;

/// A parsed `allowed_signers` file. Comment and blank lines are kept, so [`AllowedSigners::to_text`] gives back
/// the same file (signer lines in a canonical spacing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedSigners {
    lines: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    /// A blank or `#` comment line, exactly as it was.
    Verbatim(String),
    Signer(AllowedSigner),
}

/// One signer line: principals, options, an Ed25519 public key and an optional comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedSigner {
    principals: Vec<String>,
    options: Vec<SignerOption>,
    /// Without its comment; the line's comment is `comment`.
    key: PublicKey,
    comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SignerOption {
    Namespaces(Vec<String>),
    ValidAfter(SignerTime),
    ValidBefore(SignerTime),
}

/// A `valid-after` / `valid-before` time as written (`YYYYMMDD[HHMM[SS]][Z]`): UTC when it ends in `Z`, the local
/// time zone otherwise, as ssh-keygen reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerTime {
    text: String,
    naive: NaiveDateTime,
    utc: bool,
}

impl SignerTime {
    pub fn parse(text: &str) -> Result<Self, String> {
        let (digits, utc) = match text.strip_suffix(['Z', 'z']) {
            Some(d) => (d, true),
            None => (text, false),
        };
        let wrong = || {
            format!(
                "'{text}' is not a time; write YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, ending in Z for UTC"
            )
        };
        if !matches!(digits.len(), 8 | 12 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(wrong());
        }
        let n = |range: std::ops::Range<usize>| {
            digits
                .get(range)
                .map_or(0, |s| s.parse::<u32>().unwrap_or(0))
        };
        let naive = NaiveDate::from_ymd_opt(n(0..4) as i32, n(4..6), n(6..8))
            .and_then(|d| d.and_hms_opt(n(8..10), n(10..12), n(12..14)))
            .ok_or_else(wrong)?;
        Ok(Self {
            text: text.to_string(),
            naive,
            utc,
        })
    }

    /// The instant this time names. A local time that does not exist (inside a daylight-saving gap) counts as
    /// the same wall-clock time in UTC.
    pub fn instant(&self) -> DateTime<Utc> {
        if self.utc {
            return Utc.from_utc_datetime(&self.naive);
        }
        Local
            .from_local_datetime(&self.naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&self.naive))
    }

    /// As written in the file.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl From<DateTime<Utc>> for SignerTime {
    /// Always written in UTC with seconds, so the file means the same on every machine.
    fn from(at: DateTime<Utc>) -> Self {
        let text = at.format("%Y%m%d%H%M%SZ").to_string();
        Self::parse(&text).expect("a formatted UTC time parses")
    }
}

fn invalid_signer(reason: impl Into<String>) -> SigningError {
    SigningError::InvalidSigner {
        reason: reason.into(),
    }
}

/// Why `value` cannot be one entry of a principal or namespace list, if it cannot.
fn list_entry_problem(what: &str, value: &str) -> Option<String> {
    if value.is_empty() {
        Some(format!("a {what} must not be empty"))
    } else if value.contains([',', '"']) {
        Some(format!("a {what} may not contain ',' or '\"': {value:?}"))
    } else if value.chars().any(char::is_control) {
        Some(format!(
            "a {what} may not contain control characters: {value:?}"
        ))
    } else {
        None
    }
}

impl AllowedSigner {
    /// A signer line for `public_key` (an `ssh-ed25519 AAAA… [comment]` line; its comment becomes the line's).
    pub fn new<S: Into<String>>(
        principals: impl IntoIterator<Item = S>,
        public_key: &str,
    ) -> Result<Self, SigningError> {
        let principals: Vec<String> = principals.into_iter().map(Into::into).collect();
        if principals.is_empty() {
            return Err(invalid_signer("a signer needs at least one principal"));
        }
        if let Some(p) = principals
            .iter()
            .find_map(|p| list_entry_problem("principal", p))
        {
            return Err(invalid_signer(p));
        }
        let key = parse_key(public_key)?;
        let comment = key.comment().to_string();
        Ok(Self {
            principals,
            options: Vec::new(),
            key: PublicKey::from(key.key_data().clone()),
            comment,
        })
    }

    /// Limits the signer to these namespaces (OpenSSH patterns).
    pub fn with_namespaces<S: Into<String>>(
        mut self,
        namespaces: impl IntoIterator<Item = S>,
    ) -> Result<Self, SigningError> {
        let namespaces: Vec<String> = namespaces.into_iter().map(Into::into).collect();
        if namespaces.is_empty() {
            return Err(invalid_signer("namespaces needs at least one namespace"));
        }
        if let Some(p) = namespaces
            .iter()
            .find_map(|n| list_entry_problem("namespace", n))
        {
            return Err(invalid_signer(p));
        }
        self.options
            .retain(|o| !matches!(o, SignerOption::Namespaces(_)));
        self.options.push(SignerOption::Namespaces(namespaces));
        Ok(self)
    }

    pub fn with_valid_after(mut self, at: DateTime<Utc>) -> Result<Self, SigningError> {
        self.options
            .retain(|o| !matches!(o, SignerOption::ValidAfter(_)));
        self.options.push(SignerOption::ValidAfter(at.into()));
        self.check_window()
    }

    pub fn with_valid_before(mut self, at: DateTime<Utc>) -> Result<Self, SigningError> {
        self.options
            .retain(|o| !matches!(o, SignerOption::ValidBefore(_)));
        self.options.push(SignerOption::ValidBefore(at.into()));
        self.check_window()
    }

    pub fn with_comment(mut self, comment: impl Into<String>) -> Result<Self, SigningError> {
        let comment = comment.into();
        if comment.chars().any(char::is_control) {
            return Err(SigningError::InvalidComment(comment));
        }
        self.comment = comment.trim().to_string();
        Ok(self)
    }

    fn check_window(self) -> Result<Self, SigningError> {
        match (self.valid_after(), self.valid_before()) {
            (Some(a), Some(b)) if b.instant() <= a.instant() => Err(invalid_signer(format!(
                "valid-before {} is not after valid-after {}",
                b.as_str(),
                a.as_str()
            ))),
            _ => Ok(self),
        }
    }

    /// The principal patterns, as written.
    pub fn principals(&self) -> &[String] {
        &self.principals
    }

    /// The namespace patterns, `None` when the signer is not limited to some.
    pub fn namespaces(&self) -> Option<&[String]> {
        self.options.iter().find_map(|o| match o {
            SignerOption::Namespaces(n) => Some(n.as_slice()),
            _ => None,
        })
    }

    pub fn valid_after(&self) -> Option<&SignerTime> {
        self.options.iter().find_map(|o| match o {
            SignerOption::ValidAfter(t) => Some(t),
            _ => None,
        })
    }

    pub fn valid_before(&self) -> Option<&SignerTime> {
        self.options.iter().find_map(|o| match o {
            SignerOption::ValidBefore(t) => Some(t),
            _ => None,
        })
    }

    /// `ssh-ed25519 AAAA…`, without a comment.
    pub fn public_key_openssh(&self) -> String {
        self.key
            .to_openssh()
            .expect("an Ed25519 public key always encodes")
    }

    pub fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }

    pub fn comment(&self) -> &str {
        &self.comment
    }

    /// What ssh-keygen checks for `-Y verify -I principal -n namespace`: the principal matches, the namespace is
    /// allowed, and `at` is inside the validity window (ends included, as in ssh-keygen).
    fn allows(&self, principal: &str, key: &PublicKey, namespace: &str, at: DateTime<Utc>) -> bool {
        self.key.key_data() == key.key_data()
            && match_list(principal, &self.principals)
            && self.namespaces().is_none_or(|n| match_list(namespace, n))
            && self.valid_after().is_none_or(|t| at >= t.instant())
            && self.valid_before().is_none_or(|t| at <= t.instant())
    }

    fn to_line(&self) -> String {
        let joined = self.principals.join(",");
        // Quoted when it holds a space (OpenSSH reads quoted principal fields) or would start a comment line.
        let mut line = if joined.contains(char::is_whitespace) || joined.starts_with('#') {
            format!("\"{joined}\"")
        } else {
            joined
        };
        if !self.options.is_empty() {
            let options: Vec<String> = self
                .options
                .iter()
                .map(|o| match o {
                    SignerOption::Namespaces(n) => format!("namespaces={}", quote(&n.join(","))),
                    SignerOption::ValidAfter(t) => format!("valid-after={}", quote(t.as_str())),
                    SignerOption::ValidBefore(t) => format!("valid-before={}", quote(t.as_str())),
                })
                .collect();
            line.push(' ');
            line.push_str(&options.join(","));
        }
        line.push(' ');
        line.push_str(&self.public_key_openssh());
        if !self.comment.is_empty() {
            line.push(' ');
            line.push_str(&self.comment);
        }
        line
    }
}

/// An option value in double quotes, `"` escaped as OpenSSH's `opt_dequote` reads it.
fn quote(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\\\""))
}

/// An `ssh-ed25519 AAAA… [comment]` line; any other type is refused by name.
fn parse_key(line: &str) -> Result<PublicKey, SigningError> {
    let key_type = line.split_whitespace().next().unwrap_or("");
    if key_type != "ssh-ed25519" {
        return Err(SigningError::UnsupportedKeyType {
            what: "the public key".into(),
            found: if key_type.is_empty() {
                "missing".into()
            } else {
                key_type.into()
            },
        });
    }
    let key = PublicKey::from_openssh(line.trim()).map_err(|e| SigningError::InvalidSigner {
        reason: format!("not a valid ssh-ed25519 public key: {e}"),
    })?;
    debug_assert_eq!(key.algorithm(), Algorithm::Ed25519);
    Ok(key)
}

impl AllowedSigners {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads and parses a file; problems are reported as `file:line:column: message`.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, SigningError> {
        let path = path.as_ref();
        let unreadable = |source| SigningError::AllowedSignersUnreadable {
            path: path.to_path_buf(),
            source,
        };
        let bytes = read_small_file(path).map_err(unreadable)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            unreadable(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "not UTF-8 text",
            ))
        })?;
        Self::parse(&path.display().to_string(), &text)
    }

    /// Parses `allowed_signers` text; `file` names it in messages. Every problem is reported (one per line), each
    /// at its line and column.
    pub fn parse(file: &str, text: &str) -> Result<Self, SigningError> {
        let mut lines = Vec::new();
        let mut problems = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let content = raw.trim_start_matches([' ', '\t']);
            if content.is_empty() || content.starts_with('#') {
                lines.push(Line::Verbatim(raw.to_string()));
                continue;
            }
            match LineParser::new(raw).parse() {
                Ok(signer) => lines.push(Line::Signer(signer)),
                Err((offset, message)) => problems.push(TemplateProblem {
                    line: index + 1,
                    column: raw[..offset.min(raw.len())].chars().count() + 1,
                    message,
                }),
            }
        }
        if problems.is_empty() {
            Ok(Self { lines })
        } else {
            Err(SigningError::AllowedSignersInvalid {
                file: file.to_string(),
                problems,
            })
        }
    }

    /// The file's text: comment and blank lines as they were, signer lines in canonical spacing. Parsing it gives
    /// back an equal value.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            match line {
                Line::Verbatim(text) => out.push_str(text),
                Line::Signer(s) => out.push_str(&s.to_line()),
            }
            out.push('\n');
        }
        out
    }

    pub fn push(&mut self, signer: AllowedSigner) {
        self.lines.push(Line::Signer(signer));
    }

    pub fn signers(&self) -> impl Iterator<Item = &AllowedSigner> {
        self.lines.iter().filter_map(|l| match l {
            Line::Signer(s) => Some(s),
            Line::Verbatim(_) => None,
        })
    }

    /// Every principal listed for `public_key` (an `ssh-ed25519 AAAA…` line), whatever its namespaces and validity
    /// window; negated patterns (`!name`) are not principals and are left out. Nothing for an unreadable key.
    pub fn principals_for(&self, public_key: &str) -> Vec<&str> {
        let Ok(key) = PublicKey::from_openssh(public_key.trim()) else {
            return Vec::new();
        };
        self.signers()
            .filter(|s| s.key.key_data() == key.key_data())
            .flat_map(|s| s.principals.iter())
            .filter(|p| !p.starts_with('!'))
            .map(String::as_str)
            .collect()
    }

    /// Whether `public_key` may sign as `principal` for `namespace` at `at`: some line lists the key with a
    /// matching principal, allows the namespace and is valid then.
    pub fn allows(
        &self,
        principal: &str,
        public_key: &str,
        namespace: &str,
        at: DateTime<Utc>,
    ) -> bool {
        match PublicKey::from_openssh(public_key.trim()) {
            Ok(key) => self
                .signers()
                .any(|s| s.allows(principal, &key, namespace, at)),
            Err(_) => false,
        }
    }

    /// [`verify`], then [`AllowedSigners::allows`] for the key that signed: what `ssh-keygen -Y verify -f file
    /// -I principal -n namespace` does, at `at`.
    pub fn verify(
        &self,
        armored: &str,
        namespace: &str,
        message: &[u8],
        principal: &str,
        at: DateTime<Utc>,
    ) -> Result<Verified, SigningError> {
        let verified = verify(armored, namespace, message)?;
        if self.allows(principal, &verified.public_key, namespace, at) {
            Ok(verified)
        } else {
            Err(SigningError::NotAllowed {
                fingerprint: verified.fingerprint,
                principal: principal.to_string(),
                namespace: namespace.to_string(),
            })
        }
    }
}

/// OpenSSH's `match_pattern_list`: a comma-separated list of patterns (`*`, `?`), where a match on a `!pattern`
/// refuses outright; allowed when some plain pattern matches and no negated one does.
fn match_list(value: &str, patterns: &[String]) -> bool {
    let mut positive = false;
    for pattern in patterns {
        match pattern.strip_prefix('!') {
            Some(negated) if match_pattern(value, negated) => return false,
            Some(_) => {}
            None if match_pattern(value, pattern) => positive = true,
            None => {}
        }
    }
    positive
}

/// `*` matches any run of characters, `?` any one character; everything else matches itself.
fn match_pattern(value: &str, pattern: &str) -> bool {
    let v: Vec<char> = value.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    let (mut vi, mut pi) = (0, 0);
    // Where the last `*` was, and how much of the value it has taken; backtrack there on a mismatch.
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == v[vi]) {
            vi += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, vi));
            pi += 1;
        } else if let Some((sp, sv)) = star {
            pi = sp + 1;
            vi = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// A problem: byte offset into the line, message.
type Problem = (usize, String);

/// Reads one signer line left to right; the first problem stops it (later ones are usually its consequences).
struct LineParser<'a> {
    line: &'a str,
    pos: usize,
}

impl<'a> LineParser<'a> {
    fn new(line: &'a str) -> Self {
        Self { line, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.line[self.pos..]
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t']).len();
    }

    /// Up to the next space or tab (or the end).
    fn word(&mut self) -> (usize, &'a str) {
        let start = self.pos;
        let rest = self.rest();
        let len = rest.find([' ', '\t']).unwrap_or(rest.len());
        self.pos += len;
        (start, &rest[..len])
    }

    fn parse(mut self) -> Result<AllowedSigner, Problem> {
        self.skip_space();
        let principals = self.principals()?;
        self.skip_space();
        if self.rest().is_empty() {
            return Err((
                self.pos,
                "missing key: expected [options] ssh-ed25519 <base64> after the principals".into(),
            ));
        }
        let options = if self.next_is_key_type() {
            Vec::new()
        } else {
            let options = self.options()?;
            self.skip_space();
            options
        };
        let (type_at, key_type) = self.word();
        if key_type.is_empty() {
            return Err((
                self.pos,
                "missing key: expected ssh-ed25519 <base64> after the options".into(),
            ));
        }
        if key_type.ends_with("-cert-v01@openssh.com") {
            return Err((
                type_at,
                format!("{key_type} is a certificate; golive checks signers' own keys, not certificates"),
            ));
        }
        if key_type != "ssh-ed25519" {
            return Err((
                type_at,
                format!("golive verifies Ed25519 keys only (ssh-ed25519); this key is {key_type}"),
            ));
        }
        self.skip_space();
        let (data_at, data) = self.word();
        if data.is_empty() {
            return Err((
                data_at,
                "missing the key's base64 data after ssh-ed25519".into(),
            ));
        }
        let key = PublicKey::from_openssh(&format!("{key_type} {data}"))
            .map_err(|e| (data_at, format!("not a valid ssh-ed25519 key ({e})")))?;
        self.skip_space();
        let comment = self.rest().trim_end().to_string();
        if comment.chars().any(char::is_control) {
            return Err((
                self.pos,
                "the comment may not contain control characters".into(),
            ));
        }
        Ok(AllowedSigner {
            principals,
            options,
            key,
            comment,
        })
    }

    fn principals(&mut self) -> Result<Vec<String>, Problem> {
        let (start, field) = if self.rest().starts_with('"') {
            let open = self.pos;
            let Some(len) = self.rest()[1..].find('"') else {
                return Err((open, "the quote opened here is not closed".into()));
            };
            let field = &self.rest()[1..1 + len];
            self.pos += len + 2;
            if !self.rest().is_empty() && !self.rest().starts_with([' ', '\t']) {
                return Err((self.pos, "expected a space after the closing quote".into()));
            }
            (open + 1, field)
        } else {
            let (start, field) = self.word();
            if let Some(q) = field.find('"') {
                return Err((
                    start + q,
                    "a quote may only open the principals field".into(),
                ));
            }
            (start, field)
        };
        let mut principals = Vec::new();
        let mut offset = start;
        for principal in field.split(',') {
            if principal.is_empty() {
                return Err((
                    offset,
                    "empty principal (two commas in a row, or a comma at an end)".into(),
                ));
            }
            if let Some((i, c)) = principal.char_indices().find(|(_, c)| c.is_control()) {
                return Err((
                    offset + i,
                    format!("control character U+{:04X} in a principal", c as u32),
                ));
            }
            principals.push(principal.to_string());
            offset += principal.len() + 1;
        }
        Ok(principals)
    }

    /// Whether the next word is a key type rather than options: options always hold `=` or are a flag word
    /// (`cert-authority`), key types are `ssh-…`, `ecdsa-…`, `sk-…` and never hold `=`.
    fn next_is_key_type(&self) -> bool {
        let rest = self.rest();
        let word = &rest[..rest.find([' ', '\t']).unwrap_or(rest.len())];
        !word.contains(['=', '"', ','])
            && ["ssh-", "ecdsa-", "sk-", "rsa-"]
                .iter()
                .any(|p| word.starts_with(p))
    }

    fn options(&mut self) -> Result<Vec<SignerOption>, Problem> {
        const NAMES: &str = "namespaces=\"…\", valid-after=\"…\" and valid-before=\"…\"";
        let mut options: Vec<SignerOption> = Vec::new();
        loop {
            let at = self.pos;
            let rest = self.rest();
            let name_len = rest.find(['=', ',', ' ', '\t']).unwrap_or(rest.len());
            let name = &rest[..name_len];
            let lower = name.to_ascii_lowercase();
            if lower == "cert-authority" {
                return Err((
                    at,
                    "cert-authority is not supported: golive checks signers' own keys, not certificates; list each \
                     signer's key instead"
                        .into(),
                ));
            }
            if !matches!(
                lower.as_str(),
                "namespaces" | "valid-after" | "valid-before"
            ) {
                return Err((
                    at,
                    format!("unknown option '{name}'; allowed_signers options are {NAMES}"),
                ));
            }
            if !rest[name_len..].starts_with('=') {
                return Err((
                    at + name_len,
                    format!("{lower} needs a value: {lower}=\"…\""),
                ));
            }
            self.pos += name_len + 1;
            let value_at = self.pos;
            let value = self.quoted_value(&lower)?;
            let option = match lower.as_str() {
                "namespaces" => {
                    let mut offset = value_at + 1;
                    let mut list = Vec::new();
                    for ns in value.split(',') {
                        if ns.is_empty() {
                            return Err((
                                offset,
                                "empty namespace (two commas in a row, or a comma at an end)"
                                    .into(),
                            ));
                        }
                        list.push(ns.to_string());
                        offset += ns.len() + 1;
                    }
                    SignerOption::Namespaces(list)
                }
                "valid-after" => {
                    SignerOption::ValidAfter(SignerTime::parse(&value).map_err(|m| (value_at, m))?)
                }
                _ => {
                    SignerOption::ValidBefore(SignerTime::parse(&value).map_err(|m| (value_at, m))?)
                }
            };
            if options
                .iter()
                .any(|o| std::mem::discriminant(o) == std::mem::discriminant(&option))
            {
                return Err((at, format!("{lower} is given twice")));
            }
            if let (SignerOption::ValidBefore(b), Some(SignerOption::ValidAfter(a)))
            | (SignerOption::ValidAfter(a), Some(SignerOption::ValidBefore(b))) = (
                &option,
                options.iter().find(|o| {
                    matches!(
                        o,
                        SignerOption::ValidAfter(_) | SignerOption::ValidBefore(_)
                    )
                }),
            ) {
                if b.instant() <= a.instant() {
                    return Err((
                        at,
                        format!(
                            "valid-before {} is not after valid-after {}",
                            b.as_str(),
                            a.as_str()
                        ),
                    ));
                }
            }
            options.push(option);
            match self.rest().chars().next() {
                None | Some(' ' | '\t') => return Ok(options),
                Some(',') => {
                    self.pos += 1;
                    if self.rest().is_empty() || self.rest().starts_with([' ', '\t']) {
                        return Err((self.pos, "the option list ends with a comma".into()));
                    }
                }
                Some(_) => {
                    return Err((
                        self.pos,
                        "expected ',' or a space after the option's closing quote".into(),
                    ))
                }
            }
        }
    }

    /// A `"…"` value where `\"` stands for a quote, as OpenSSH's `opt_dequote` reads it.
    fn quoted_value(&mut self, name: &str) -> Result<String, Problem> {
        let open = self.pos;
        if !self.rest().starts_with('"') {
            return Err((
                open,
                format!("the value of {name} must be in double quotes: {name}=\"…\""),
            ));
        }
        let mut value = String::new();
        let mut chars = self.rest()[1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos = open + 1 + i + 1;
                    return Ok(value);
                }
                '\\' if self.rest()[1 + i + 1..].starts_with('"') => {
                    chars.next();
                    value.push('"');
                }
                c => value.push(c),
            }
        }
        Err((open, "the quote opened here is not closed".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILM+rvN+ot98qgEN796jTiQfZfG1KaT0PtFDJ/XFSqti";
    const OTHER: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFZ1U4GNr0+QKIq60kbLbbesntMXLOsIVlZZlFRQvKnU";

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn problems(text: &str) -> Vec<(usize, usize, String)> {
        match AllowedSigners::parse("allowed_signers", text).unwrap_err() {
            SigningError::AllowedSignersInvalid { problems, .. } => problems
                .into_iter()
                .map(|p| (p.line, p.column, p.message))
                .collect(),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn parses_principals_options_key_and_comment() {
        let text = format!(
            "# Finance\n\n\"Zoë Kowalski,zoe@finance\" NAMESPACES=\"golive-signoff@v1,golive-packet@v1\",\
             valid-after=\"20250101\",valid-before=\"20271231235959Z\" {KEY} Zoë, finance\n\
             \tops@* {OTHER}\n"
        );
        let signers = AllowedSigners::parse("f", &text).unwrap();
        let all: Vec<_> = signers.signers().collect();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].principals(), ["Zoë Kowalski", "zoe@finance"]);
        assert_eq!(
            all[0].namespaces().unwrap(),
            ["golive-signoff@v1", "golive-packet@v1"]
        );
        assert_eq!(all[0].valid_after().unwrap().as_str(), "20250101");
        assert_eq!(
            all[0].valid_before().unwrap().instant(),
            at("2027-12-31T23:59:59Z")
        );
        assert_eq!(all[0].comment(), "Zoë, finance");
        assert_eq!(all[0].public_key_openssh(), KEY);
        assert_eq!(all[1].principals(), ["ops@*"]);
        assert!(all[1].namespaces().is_none());
    }

    #[test]
    fn round_trips_through_text() {
        let text = format!(
            "# header comment\n\n\"Zoë Kowalski\" namespaces=\"golive-signoff@v1\" {KEY} display name\n\
             a@b,c@d valid-before=\"20300101Z\" {OTHER}\n   # indented comment\n"
        );
        let parsed = AllowedSigners::parse("f", &text).unwrap();
        assert_eq!(parsed.to_text(), text);
        assert_eq!(
            AllowedSigners::parse("f", &parsed.to_text()).unwrap(),
            parsed
        );

        let mut built = AllowedSigners::new();
        built.push(
            AllowedSigner::new(
                ["Łukasz Nowak", "#support"],
                &format!("{OTHER} Support lead"),
            )
            .unwrap()
            .with_namespaces(["golive-*@v1"])
            .unwrap()
            .with_valid_after(at("2025-01-01T00:00:00Z"))
            .unwrap()
            .with_valid_before(at("2026-06-30T12:00:00Z"))
            .unwrap(),
        );
        let text = built.to_text();
        assert!(text.starts_with(
            "\"Łukasz Nowak,#support\" namespaces=\"golive-*@v1\",valid-after=\"20250101000000Z\""
        ));
        assert_eq!(AllowedSigners::parse("f", &text).unwrap(), built);
    }

    #[test]
    fn allows_by_principal_key_namespace_and_time() {
        let text = format!(
            "\"Zoë Kowalski\" namespaces=\"golive-signoff@v1\",valid-before=\"20260101Z\" {KEY}\n\
             *@finance,!mallory@finance {OTHER}\n"
        );
        let s = AllowedSigners::parse("f", &text).unwrap();
        let now = at("2025-06-01T00:00:00Z");
        assert!(s.allows("Zoë Kowalski", KEY, "golive-signoff@v1", now));
        assert!(s.allows(
            "Zoë Kowalski",
            &format!("{KEY} any comment"),
            "golive-signoff@v1",
            now
        ));
        assert!(
            !s.allows("Zoë Kowalski", KEY, "golive-packet@v1", now),
            "namespace not listed"
        );
        assert!(
            !s.allows("Zoë Kowalski", OTHER, "golive-signoff@v1", now),
            "not her key"
        );
        assert!(
            !s.allows("Zoë", KEY, "golive-signoff@v1", now),
            "principals match whole"
        );
        assert!(
            s.allows(
                "Zoë Kowalski",
                KEY,
                "golive-signoff@v1",
                at("2026-01-01T00:00:00Z")
            ),
            "end included"
        );
        assert!(
            !s.allows(
                "Zoë Kowalski",
                KEY,
                "golive-signoff@v1",
                at("2026-01-01T00:00:01Z")
            ),
            "expired"
        );
        assert!(s.allows("anyone@finance", OTHER, "whatever", now));
        assert!(
            !s.allows("mallory@finance", OTHER, "whatever", now),
            "negated"
        );
        assert!(!s.allows("anyone@finance", "garbage", "whatever", now));
        assert_eq!(s.principals_for(OTHER), ["*@finance"]);
        assert_eq!(s.principals_for(KEY), ["Zoë Kowalski"]);
        assert!(s.principals_for("ssh-ed25519 AAAA").is_empty());
    }

    #[test]
    fn patterns_match_like_openssh() {
        assert!(match_pattern("zoe@finance", "*@finance"));
        assert!(match_pattern("zoe@finance", "z?e@*"));
        assert!(match_pattern("", "*"));
        assert!(match_pattern("abcabc", "*abc"));
        assert!(!match_pattern("zoe@financeX", "*@finance"));
        assert!(!match_pattern("Zoe", "zoe"));
        assert!(match_pattern("Zoë", "Zo?"));
    }

    #[test]
    fn locates_every_problem() {
        let text = format!(
            "ok@x {KEY}\n\
             cert cert-authority {KEY}\n\
             bad@x namespaces=golive {KEY}\n\
             bad@x valid-before=\"2026\" {KEY}\n\
             bad@x ssh-rsa AAAAB3NzaC1yc2E\n\
             bad@x,,y {KEY}\n\
             \"Zoë Kowalski {KEY}\n\
             bad@x nope=\"1\" {KEY}\n\
             bad@x\n\
             bad@x ssh-ed25519 !!!notbase64\n\
             bad@x valid-after=\"20260101Z\",valid-before=\"20250101Z\" {KEY}\n\
             bad@x ssh-ed25519-cert-v01@openssh.com AAAA\n\
             bad@x namespaces=\"a\",namespaces=\"b\" {KEY}\n\
             bad@x namespaces=\"a\", {KEY}\n"
        );
        let p = problems(&text);
        let at: Vec<(usize, usize)> = p.iter().map(|(l, c, _)| (*l, *c)).collect();
        assert_eq!(
            at,
            [
                (2, 6),
                (3, 18),
                (4, 20),
                (5, 7),
                (6, 7),
                (7, 1),
                (8, 7),
                (9, 6),
                (10, 19),
                (11, 31),
                (12, 7),
                (13, 22),
                (14, 22)
            ],
            "{p:#?}"
        );
        assert!(p[0].2.contains("cert-authority is not supported"));
        assert!(p[1].2.contains("double quotes"));
        assert!(p[2].2.contains("YYYYMMDD"));
        assert!(p[3].2.contains("Ed25519 keys only") && p[3].2.contains("ssh-rsa"));
        assert!(p[4].2.contains("empty principal"));
        assert!(p[5].2.contains("not closed"));
        assert!(p[6].2.contains("unknown option 'nope'"));
        assert!(p[7].2.contains("missing key"));
        assert!(p[8].2.contains("not a valid ssh-ed25519 key"));
        assert!(p[9].2.contains("not after valid-after"));
        assert!(p[10].2.contains("certificate"));
        assert!(p[11].2.contains("given twice"));
        assert!(p[12].2.contains("ends with a comma"));

        let e = AllowedSigners::parse("team/allowed_signers", "x ssh-rsa AAAA\n").unwrap_err();
        assert_eq!(e.code(), "allowed_signers_invalid");
        assert!(
            e.to_string()
                .starts_with("team/allowed_signers:1:3: golive verifies Ed25519"),
            "{e}"
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let p = problems(&format!("Zoë,, {KEY}\n"));
        assert_eq!((p[0].0, p[0].1), (1, 5));
    }

    #[test]
    fn builder_refuses_what_the_file_could_not_hold() {
        let code = |r: Result<AllowedSigner, SigningError>| r.unwrap_err().code();
        assert_eq!(
            code(AllowedSigner::new(["a,b"], KEY)),
            "invalid_allowed_signer"
        );
        assert_eq!(
            code(AllowedSigner::new(["a\"b"], KEY)),
            "invalid_allowed_signer"
        );
        assert_eq!(
            code(AllowedSigner::new(Vec::<String>::new(), KEY)),
            "invalid_allowed_signer"
        );
        assert_eq!(
            code(AllowedSigner::new(["a"], "ssh-rsa AAAA")),
            "unsupported_key_type"
        );
        assert_eq!(
            code(AllowedSigner::new(["a"], "ssh-ed25519 AAAA")),
            "invalid_allowed_signer"
        );
        let s = AllowedSigner::new(["a"], KEY).unwrap();
        assert_eq!(
            code(s.clone().with_namespaces([""])),
            "invalid_allowed_signer"
        );
        let s = s.with_valid_before(at("2025-01-01T00:00:00Z")).unwrap();
        assert_eq!(
            code(s.with_valid_after(at("2025-01-01T00:00:00Z"))),
            "invalid_allowed_signer"
        );
    }

    #[test]
    fn times_parse_like_ssh_keygen() {
        assert_eq!(
            SignerTime::parse("20250102Z").unwrap().instant(),
            at("2025-01-02T00:00:00Z")
        );
        assert_eq!(
            SignerTime::parse("202501021530Z").unwrap().instant(),
            at("2025-01-02T15:30:00Z")
        );
        assert_eq!(
            SignerTime::parse("20250102153045z").unwrap().instant(),
            at("2025-01-02T15:30:45Z")
        );
        assert!(SignerTime::parse("20250102").is_ok());
        for bad in [
            "2025",
            "20251301",
            "20250230",
            "2025010a",
            "20250102Z1",
            "",
            "Z",
        ] {
            assert!(SignerTime::parse(bad).is_err(), "{bad}");
        }
    }
}
