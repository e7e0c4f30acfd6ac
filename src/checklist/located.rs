//! What templates and probe packs share as TOML data files a person writes: reading the file, parsing it, the
//! id / version / name header, and problems reported by line and column so an editor can jump to them.

use std::path::Path;

use serde::de::DeserializeOwned;
use toml::Spanned;

use crate::checklist::input_file::{self, InputError, WorkspaceFiles};
use crate::error::{InvalidInput, TemplateProblem};

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Collects problems with their positions in the source text.
pub(crate) struct Problems<'a> {
    text: &'a str,
    pub(crate) list: Vec<TemplateProblem>,
}

impl<'a> Problems<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            list: Vec::new(),
        }
    }

    pub(crate) fn at(&mut self, offset: usize, message: impl Into<String>) {
        let (line, column) = line_column(self.text, offset);
        self.list.push(TemplateProblem {
            line,
            column,
            message: message.into(),
        });
    }

    pub(crate) fn at_span<T>(&mut self, value: &Spanned<T>, message: impl Into<String>) {
        self.at(value.span().start, message);
    }
}

/// Which characters a key may use besides lowercase letters and digits. Template keys appear in item references
/// (`section/item`) and take `-`; pack keys also name variables and secrets, where `_` reads better.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyRule {
    Dashes,
    DashesAndUnderscores,
}

impl KeyRule {
    /// At most 64 characters, starting with a letter or digit.
    pub(crate) fn allows(self, s: &str) -> bool {
        let extra =
            |c: char| c == '-' || (c == '_' && matches!(self, KeyRule::DashesAndUnderscores));
        !s.is_empty()
            && s.len() <= 64
            && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra(c))
    }

    /// The characters, in words, for messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            KeyRule::Dashes => "lowercase letters, digits and '-'",
            KeyRule::DashesAndUnderscores => "lowercase letters, digits, '-' and '_'",
        }
    }
}

/// Why a data file could not be read as text.
#[derive(Debug)]
pub(crate) enum ReadFailure {
    /// The file is missing or the OS refused it.
    Unreadable(std::io::Error),
    /// The file is too large or not UTF-8: a problem located in it.
    Invalid(TemplateProblem),
    /// Not a file to read at all (a directory, FIFO or device, or one of the workspace's own files): never opened.
    Refused(InvalidInput),
}

/// Reads a data file as UTF-8 text through the one reader of picked files ([`input_file::read`]): at most `max`
/// bytes, counted while reading; never a special file, nor one of `own`. `what` names the kind of file in the size
/// message ("templates", "probe packs").
pub(crate) fn read_text_file(
    path: &Path,
    max: usize,
    what: &str,
    own: Option<&WorkspaceFiles>,
) -> Result<String, ReadFailure> {
    let bytes = input_file::read(path, max as u64, own).map_err(|e| match e {
        InputError::Unreadable(e) => ReadFailure::Unreadable(e),
        InputError::TooLarge { len, .. } => ReadFailure::Invalid(too_large(len, max, what)),
        refused => {
            ReadFailure::Refused(refused.into_invalid(path, what, "file", "file_unreadable"))
        }
    })?;
    String::from_utf8(bytes).map_err(|e| {
        // Locate the first bad byte within the valid text before it.
        let valid =
            String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]).into_owned();
        let (line, column) = line_column(&valid, usize::MAX);
        ReadFailure::Invalid(TemplateProblem {
            line,
            column,
            message: "the file is not UTF-8 text".into(),
        })
    })
}

/// Refuses text over `max` bytes (text that came from somewhere other than [`read_text_file`]).
pub(crate) fn check_size(text: &str, max: usize, what: &str) -> Result<(), TemplateProblem> {
    if text.len() > max {
        return Err(too_large(Some(text.len() as u64), max, what));
    }
    Ok(())
}

/// `len` is the size when known; a file read past the cap has only "more than".
fn too_large(len: Option<u64>, max: usize, what: &str) -> TemplateProblem {
    let size = match len {
        Some(len) => format!("{len} bytes"),
        None => format!("more than {max} bytes"),
    };
    TemplateProblem {
        line: 1,
        column: 1,
        message: format!("the file is {size}; {what} are at most {max} bytes"),
    }
}

/// Parses TOML into `T`, placing a syntax or shape error (unknown key, wrong type) where it starts.
pub(crate) fn parse_toml<T: DeserializeOwned>(text: &str) -> Result<T, TemplateProblem> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = line_column(text, e.span().map_or(0, |s| s.start));
        TemplateProblem {
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })
}

/// Checks the header every data file opens with: a key-shaped id, a version of at least 1, a name.
pub(crate) fn check_header(
    p: &mut Problems<'_>,
    rule: KeyRule,
    id: &Spanned<String>,
    version: &Spanned<i64>,
    name: &Spanned<String>,
) {
    if !rule.allows(id.get_ref()) {
        p.at_span(id, format!("id must be {} (at most 64)", rule.describe()));
    }
    if !(1..=u32::MAX as i64).contains(version.get_ref()) {
        p.at_span(version, "version must be a whole number of at least 1");
    }
    if name.get_ref().trim().is_empty() {
        p.at_span(name, "name is empty");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_from_one() {
        assert_eq!(line_column("", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é€x", "é€".len()), (1, 3));
        assert_eq!(line_column("a\n", 99), (2, 1));
        assert_eq!(line_column("ab\ncdé\nx", 8), (3, 1));
    }

    #[test]
    fn key_rules_differ_only_in_underscores() {
        for rule in [KeyRule::Dashes, KeyRule::DashesAndUnderscores] {
            assert!(rule.allows("a-1"));
            assert!(!rule.allows(""));
            assert!(!rule.allows("-a"));
            assert!(!rule.allows("Upper"));
            assert!(!rule.allows(&"a".repeat(65)));
            assert!(rule.allows(&"a".repeat(64)));
        }
        assert!(!KeyRule::Dashes.allows("a_b"));
        assert!(KeyRule::DashesAndUnderscores.allows("a_b"));
        assert!(!KeyRule::DashesAndUnderscores.allows("_a"));
    }

    #[test]
    fn a_file_that_is_not_utf8_is_placed_at_its_first_bad_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, b"id = \"x\"\nname = \"Jos\xe9\"\n").unwrap();
        match read_text_file(&path, 1024, "templates", None) {
            Err(ReadFailure::Invalid(p)) => {
                assert_eq!((p.line, p.column), (2, 12));
                assert_eq!(p.message, "the file is not UTF-8 text");
            }
            other => panic!("{other:?}"),
        }
        std::fs::write(&path, "x".repeat(1025)).unwrap();
        match read_text_file(&path, 1024, "templates", None) {
            Err(ReadFailure::Invalid(p)) => {
                assert_eq!(
                    p.message,
                    "the file is 1025 bytes; templates are at most 1024 bytes"
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read_text_file(&dir.path().join("missing.toml"), 1024, "templates", None),
            Err(ReadFailure::Unreadable(_))
        ));
    }
}
