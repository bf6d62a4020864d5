//! Text from policies and env files made safe to print: control characters (a raw `ESC` starts a
//! terminal escape sequence — `ESC]52;c;…` writes the clipboard, `ESC[2J` clears the screen) and
//! bidirectional overrides (which reorder what a reader sees) are shown as visible stand-ins,
//! one column each, so underlines stay aligned.

use std::borrow::Cow;

/// `text` with every control character except `\n` shown as a visible stand-in: C0 controls
/// as their Unicode control pictures (`ESC` → `␛`), `DEL` as `␡`, C1 controls and bidirectional
/// formatting characters as `�`.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && needs_stand_in(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if c == '\n' { c } else { stand_in(c) })
            .collect(),
    )
}

/// True for characters a terminal or a reader would not show as themselves.
pub fn needs_stand_in(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// What `c` is shown as: itself when printable, else a one-column stand-in.
pub fn stand_in(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        c if needs_stand_in(c) => '\u{fffd}',
        c => c,
    }
}

/// Unicode's explicit bidirectional formatting characters (the "Trojan Source" set).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible_and_plain_text_is_untouched() {
        assert_eq!(printable("a\u{1b}]52;c;aGk=\u{7}b"), "a␛]52;c;aGk=␇b");
        assert_eq!(printable("x\u{1b}[2J\r\ny"), "x␛[2J␍\ny");
        assert_eq!(printable("\u{9b}31m \u{202e}txt.exe"), "�31m �txt.exe");
        assert!(matches!(printable("plain é 😀\n"), Cow::Borrowed(_)));
    }
}
