//! Finding secret values inside text, fast for many secrets: one Aho-Corasick automaton finds
//! every secret of [`MIN_ANYWHERE`] bytes or more wherever it stands (inside a longer word too:
//! `${DB_PASSWD}x` gives `Hunter2DbPwx`); shorter ones, where a match inside a word would mostly
//! be chance, are masked only as whole words.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, MatchKind};

use super::MASK;

/// Secrets at least this long (in bytes) are masked wherever they occur.
pub const MIN_ANYWHERE: usize = 4;

/// A set of secret strings, ready to mask text.
#[derive(Clone, Debug, Default)]
pub struct Matcher {
    anywhere: Option<AhoCorasick>,
    /// Short secrets made of word characters, matched as whole words through one scan.
    words: HashSet<String>,
    /// Short secrets with other characters, as whole words (all matches, overlapping).
    other: Option<AhoCorasick>,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Matcher {
    /// A matcher for `secrets` (empty and blank ones, `true` and `false` are left out: a flag
    /// such as `NEBULA_NEW_KEYS=false` reveals nothing).
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Matcher {
        let mut long: Vec<String> = Vec::new();
        let mut other: Vec<String> = Vec::new();
        let mut out = Matcher::default();
        let mut seen = HashSet::new();
        for s in secrets {
            let blank = s.trim().is_empty();
            let flag = s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false");
            if blank || flag || s == MASK || !seen.insert(s.clone()) {
                continue;
            }
            if s.len() >= MIN_ANYWHERE {
                long.push(s);
            } else if s.chars().all(is_word) {
                out.words.insert(s);
            } else {
                other.push(s);
            }
        }
        if !other.is_empty() {
            out.other = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&other)
                .ok();
        }
        if !long.is_empty() {
            out.anywhere = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&long)
                .ok();
        }
        out
    }

    /// True when there is nothing to mask.
    pub fn is_empty(&self) -> bool {
        self.anywhere.is_none() && self.words.is_empty() && self.other.is_none()
    }

    /// True when `text` holds a secret as [`Matcher::mask`] would find it.
    pub fn finds(&self, text: &str) -> bool {
        self.mask(text).is_some()
    }

    /// `text` with every secret replaced by [`MASK`]; `None` when it holds none.
    pub fn mask(&self, text: &str) -> Option<String> {
        self.mask_as(text, MASK)
    }

    /// `text` with every secret replaced by `mask`; `None` when it holds none.
    pub fn mask_as(&self, text: &str, mask: &str) -> Option<String> {
        let mut current: Option<String> = None;
        if let Some(ac) = &self.anywhere {
            if ac.is_match(text) {
                current = Some(ac.replace_all(text, &vec![mask; ac.patterns_len()]));
            }
        }
        let now = current.as_deref().unwrap_or(text);
        if !self.words.is_empty()
            && now
                .split(|c: char| !is_word(c))
                .any(|w| self.words.contains(w))
        {
            current = Some(mask_word_set(now, &self.words, mask));
        }
        if let Some(ac) = &self.other {
            let now = current.as_deref().unwrap_or(text);
            if ac.is_match(now) {
                let masked = mask_whole(now, ac, mask);
                if masked != now {
                    current = Some(masked);
                }
            }
        }
        current
    }

    /// Masks `text` in place.
    pub fn hide(&self, text: &mut String) {
        if let Some(masked) = self.mask(text) {
            *text = masked;
        }
    }
}

/// `text` with each match of `ac` that is not glued to a longer word replaced by `mask`
/// (a secret `s3!` is not masked inside `s3!x`), earliest first, longest at a place.
fn mask_whole(text: &str, ac: &AhoCorasick, mask: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(is_word);
    let mut found: Vec<(usize, usize)> = ac
        .find_overlapping_iter(text)
        .map(|m| (m.start(), m.end()))
        .filter(|&(start, end)| {
            let piece = &text[start..end];
            let glued_before =
                word(text[..start].chars().next_back()) && word(piece.chars().next());
            let glued_after = word(text[end..].chars().next()) && word(piece.chars().next_back());
            !glued_before && !glued_after
        })
        .collect();
    found.sort_by_key(|&(start, end)| (start, std::cmp::Reverse(end)));
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (start, end) in found {
        if start >= done {
            out.push_str(&text[done..start]);
            out.push_str(mask);
            done = end;
        }
    }
    out.push_str(&text[done..]);
    out
}

/// `text` with every whole word that is in `secrets` replaced by `mask`.
fn mask_word_set(text: &str, secrets: &HashSet<String>, mask: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_start: Option<usize> = None;
    let flush = |out: &mut String, word: &str| {
        out.push_str(if secrets.contains(word) { mask } else { word });
    };
    for (i, c) in text.char_indices() {
        match (is_word(c), word_start) {
            (true, None) => word_start = Some(i),
            (false, Some(start)) => {
                flush(&mut out, &text[start..i]);
                word_start = None;
                out.push(c);
            }
            (false, None) => out.push(c),
            (true, Some(_)) => {}
        }
    }
    if let Some(start) = word_start {
        flush(&mut out, &text[start..]);
    }
    out
}

/// Shortest piece of a secret line's text that [`mask_pieces`] hides.
const MIN_PIECE_CHARS: usize = 3;

/// `text` with every token (a run of characters between spaces, quotes, backticks and
/// brackets) of at least [`MIN_PIECE_CHARS`] characters that occurs inside one of `lines`
/// replaced by [`MASK`]: for a finding about a secret's own line, whose message can quote a
/// piece of it (`$` inside a secret reads as a variable name, a syntax error quotes the text).
pub fn mask_pieces(text: &str, lines: &[&str]) -> String {
    let delimiter = |c: char| c.is_whitespace() || "`'\",;()[]{}<>".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(delimiter).unwrap_or(rest.len());
        let (token, after) = rest.split_at(end);
        let token = token.trim_end_matches(['.', ':']);
        let tail = &rest[token.len()..end];
        if token.chars().count() >= MIN_PIECE_CHARS && lines.iter().any(|l| l.contains(token)) {
            out.push_str(MASK);
        } else {
            out.push_str(token);
        }
        out.push_str(tail);
        let mut chars = after.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(secrets: &[&str]) -> Matcher {
        Matcher::new(secrets.iter().map(|s| s.to_string()))
    }

    #[test]
    fn long_secrets_are_masked_anywhere_short_ones_as_words() {
        let m = matcher(&["Hunter2DbPw", "abc", "passwd", "true"]);
        assert_eq!(m.mask("is `Hunter2DbPwx`").unwrap(), "is `***x`");
        assert_eq!(m.mask("abc abcd").unwrap(), "*** abcd");
        // `passwd` is long enough to be found inside `db_passwd`: safe side.
        assert_eq!(m.mask("db_passwd").unwrap(), "db_***");
        assert_eq!(m.mask("true and nothing"), None);
        let m = matcher(&["s3!", "é"]);
        // Glued to a word only where the secret itself ends in a word character.
        assert_eq!(
            m.mask("is `s3!`, not s3!x as3! é").unwrap(),
            "is `***`, not ***x as3! ***"
        );
    }

    #[test]
    fn ten_thousand_secrets_mask_in_one_pass() {
        let m = Matcher::new((0..10_000).map(|i| format!("v-{i}")));
        let text: String = (0..10_000).map(|i| format!("`v-{i}` ")).collect();
        let masked = m.mask(&text).unwrap();
        assert!(!masked.contains("v-"), "{}", &masked[..200]);
    }

    #[test]
    fn pieces_of_a_secret_line_are_masked() {
        let line = "Hunt$er2Secret";
        assert_eq!(
            mask_pieces("`er2Secret` is not set here", &[line]),
            "`***` is not set here"
        );
        assert_eq!(
            mask_pieces("expected `=`, found `Hunter3Lic`.", &["Hunter3Lic"]),
            "expected `=`, found `***`."
        );
    }
}
