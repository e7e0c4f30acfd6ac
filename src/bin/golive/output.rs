//! Everything the CLI prints goes through here. Two rules: a closed pipe (`golive audit list | head -1`) ends
//! output quietly instead of panicking — the command's work is already saved, because every command writes before
//! it prints — and text meant for a terminal never carries control characters that a stored value smuggled in
//! (an ANSI escape in a note would otherwise repaint the user's terminal).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// The exit status of a program whose reader went away: 128 + SIGPIPE, what a shell reports for `yes | head -1`.
pub const BROKEN_PIPE_STATUS: u8 = 141;

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether a write to stdout found the pipe closed.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Writes `text` to stdout as is (JSON, or text already made safe). After the reader has gone, writes nothing.
pub fn out(text: &str) {
    if stdout_closed() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        // Broken pipe or any other failure to print: the rest of the output has nowhere to go either.
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Writes human text to stdout, with control characters made visible.
pub fn out_text(text: &str) {
    out(&terminal_safe(text));
}

/// Writes one line to stderr, with control characters made visible. A closed stderr is ignored: messages are a
/// courtesy, never a reason to fail (or panic) after the work is done.
pub fn err_line(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{}", terminal_safe(line));
}

/// Replaces every control character except newline and tab, and every invisible or direction-changing format
/// character, by a visible `\u{…}` escape: what is printed is what is stored, and nothing in it can move the
/// cursor, change colours or reorder the line.
pub fn terminal_safe(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_string();
    }
    let mut safe = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs_escape(c) {
            safe.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            safe.push(c);
        }
    }
    safe
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_direction_overrides_are_shown_not_obeyed() {
        assert_eq!(terminal_safe("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(terminal_safe("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(terminal_safe("Zoe \u{202e}kciN"), "Zoe \\u{202e}kciN");
        assert_eq!(
            terminal_safe("x\u{200b}y\r\u{9b}"),
            "x\\u{200b}y\\u{d}\\u{9b}"
        );
        assert_eq!(terminal_safe("Zoë Łukasz €"), "Zoë Łukasz €");
    }
}
