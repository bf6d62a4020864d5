//! Finding secret values inside text, fast for many secrets: every secret of [`MIN_ANYWHERE`]
//! bytes or more is found wherever it stands (inside a longer word too: `${DB_PASSWD}x` gives
//! `Hunter2DbPwx`); shorter ones, where a match inside a word would mostly be chance, are
//! masked only as whole words.
//!
//! The long secrets are kept sorted, with the set of their first four bytes: at each place of a
//! text a hash lookup rejects almost every position, and the rest find the longest secret
//! starting there by binary search. Building costs a sort and scanning a text costs about one
//! lookup per byte whatever the number of secrets (an Aho-Corasick automaton was tried first:
//! building it for 100,000 similar secrets took seconds, superlinearly).

/// Sets hashed with foldhash: a lookup per candidate position of every text masked.
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

use super::MASK;
use crate::syntax::bytes::find_any;

/// Secrets at least this long (in bytes) are masked wherever they occur.
pub const MIN_ANYWHERE: usize = 4;

/// A set of secret strings, ready to mask text.
#[derive(Clone, Debug, Default)]
pub struct Matcher {
    /// Secrets of [`MIN_ANYWHERE`] bytes or more, sorted.
    anywhere: Vec<String>,
    /// The first [`MIN_ANYWHERE`] bytes of each of them.
    heads: HashSet<[u8; MIN_ANYWHERE]>,
    /// Shorter secrets, matched as whole words.
    short: HashSet<String>,
    /// The first two bytes of the long secrets, as a bit set (empty when there are none): a
    /// position where none starts is passed over without a hash lookup.
    pairs: Vec<u64>,
    /// The first bytes of the short secrets, as a bit set.
    first_short: [u64; 4],
    /// The first bytes of all secrets, as a bit set: the scan passes over every other byte
    /// (continuation bytes of UTF-8 included, so it stops on character boundaries only).
    first_any: [u64; 4],
    /// The same bytes when there are at most three (a few secrets, the usual case): the scan
    /// then looks for them eight bytes at a time.
    few_firsts: Option<[u8; 3]>,
}

fn has(bits: &[u64], i: usize) -> bool {
    bits.get(i >> 6).is_some_and(|w| w & (1 << (i & 63)) != 0)
}

fn set(bits: &mut [u64], i: usize) {
    bits[i >> 6] |= 1 << (i & 63);
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Two sorted lists without repeats, merged into one.
fn merged(a: Vec<String>, b: Vec<String>) -> Vec<String> {
    if a.is_empty() {
        return b;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        let next = match x.cmp(y) {
            std::cmp::Ordering::Less => a.next(),
            std::cmp::Ordering::Greater => b.next(),
            std::cmp::Ordering::Equal => {
                b.next();
                a.next()
            }
        };
        out.extend(next);
    }
    out.extend(a);
    out.extend(b);
    out
}

fn head(bytes: &[u8]) -> Option<[u8; MIN_ANYWHERE]> {
    bytes.get(..MIN_ANYWHERE)?.try_into().ok()
}

impl Matcher {
    /// A matcher for `secrets` (empty and blank ones, `true` and `false` are left out: a flag
    /// such as `NEBULA_NEW_KEYS=false` reveals nothing).
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Matcher {
        let mut out = Matcher::default();
        out.extend(secrets);
        out
    }

    /// Adds `secrets` (as [`Matcher::new`] takes them): only they are sorted, then merged
    /// with the secrets already held (a million secret keys are not sorted twice).
    pub fn extend(&mut self, secrets: impl IntoIterator<Item = String>) {
        let mut added = Vec::new();
        for s in secrets {
            let blank = s.trim().is_empty();
            let flag = s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false");
            if blank || flag || s == MASK {
                continue;
            }
            match head(s.as_bytes()) {
                Some(h) => {
                    set(&mut self.first_any, usize::from(h[0]));
                    self.pairs.resize(1 << 10, 0);
                    set(&mut self.pairs, usize::from(h[0]) << 8 | usize::from(h[1]));
                    self.heads.insert(h);
                    added.push(s);
                }
                None => {
                    if let Some(&b) = s.as_bytes().first() {
                        set(&mut self.first_short, usize::from(b));
                        set(&mut self.first_any, usize::from(b));
                    }
                    self.short.insert(s);
                }
            }
        }
        added.sort_unstable();
        added.dedup();
        self.anywhere = merged(std::mem::take(&mut self.anywhere), added);
        let firsts: Vec<u8> = (0..=255u8)
            .filter(|&b| has(&self.first_any, usize::from(b)))
            .collect();
        self.few_firsts = match firsts[..] {
            [first, ..] if firsts.len() <= 3 => {
                let pick = |i: usize| firsts.get(i).copied().unwrap_or(first);
                Some([pick(0), pick(1), pick(2)])
            }
            _ => None,
        };
    }

    /// True when there is nothing to mask.
    pub fn is_empty(&self) -> bool {
        self.anywhere.is_empty() && self.short.is_empty()
    }

    /// True when `text` holds a secret as [`Matcher::mask`] would find it (stops at the
    /// first, copies nothing).
    pub fn finds(&self, text: &str) -> bool {
        let mut found = false;
        self.scan(text, |_, _| {
            found = true;
            false
        });
        found
    }

    /// `text` with every secret replaced by [`MASK`]; `None` when it holds none.
    pub fn mask(&self, text: &str) -> Option<String> {
        self.mask_as(text, MASK)
    }

    /// `text` with every secret replaced by `mask` (the longest one where several start at the
    /// same place, the leftmost where they overlap); `None` when it holds none.
    pub fn mask_as(&self, text: &str, mask: &str) -> Option<String> {
        let mut out: Option<String> = None;
        let mut done = 0;
        self.scan(text, |at, len| {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[done..at]);
            o.push_str(mask);
            done = at + len;
            true
        });
        out.map(|mut o| {
            o.push_str(&text[done..]);
            o
        })
    }

    /// Calls `hit` with the start and length of each secret in `text` (as [`Matcher::mask_as`]
    /// replaces them, left to right) until it returns false.
    fn scan(&self, text: &str, mut hit: impl FnMut(usize, usize) -> bool) {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            // Most bytes start no secret: pass over them with one bit test each, or a word
            // at a time when only a few bytes start one.
            let next = match self.few_firsts {
                Some(firsts) => find_any(&bytes[at..], firsts),
                None => bytes[at..]
                    .iter()
                    .position(|&b| self.first_any[usize::from(b >> 6)] & (1 << (b & 63)) != 0),
            };
            match next {
                Some(skip) => at += skip,
                None => break,
            }
            let b = usize::from(bytes[at]);
            let pair = b << 8 | usize::from(bytes.get(at + 1).copied().unwrap_or(0));
            if !has(&self.pairs, pair) && !has(&self.first_short, b) {
                at += 1; // no secret starts here (nor inside this character: see below)
                while at < bytes.len() && bytes[at] & 0xC0 == 0x80 {
                    at += 1;
                }
                continue;
            }
            let found = self
                .longest_at(text, at)
                .or_else(|| self.short_word_at(text, at));
            match found {
                Some(len) => {
                    if !hit(at, len) {
                        return;
                    }
                    at += len;
                }
                None => at += text[at..].chars().next().map_or(1, char::len_utf8),
            }
        }
    }

    /// The length of the longest long secret starting at byte `at` of `text`.
    ///
    /// Walks the sorted list as a trie: `lo..hi` holds the secrets that start with the bytes
    /// read so far, narrowed by two binary searches per byte; among them a secret that ends
    /// here sorts first. The walk stops where no secret goes on, so a position costs its
    /// longest shared prefix times `log n`, whatever the number of secret lengths (cutting the
    /// probe back one common prefix at a time was quadratic in them: 300 secrets `a…a0` of
    /// growing length and a line of 20,000 `a` took 28 s).
    fn longest_at(&self, text: &str, at: usize) -> Option<usize> {
        let rest = &text.as_bytes()[at..];
        if !self.heads.contains(&head(rest)?) {
            return None;
        }
        let (mut lo, mut hi) = (0, self.anywhere.len());
        let mut longest = None;
        for (depth, &b) in rest.iter().enumerate() {
            let byte = |s: &String| s.as_bytes().get(depth).copied();
            let within = &self.anywhere[lo..hi];
            let start = within.partition_point(|s| byte(s) < Some(b));
            let end = within.partition_point(|s| byte(s) <= Some(b));
            if start == end {
                break;
            }
            (lo, hi) = (lo + start, lo + end);
            if self.anywhere[lo].len() == depth + 1 {
                // A whole secret, valid UTF-8 matched from a char boundary: it ends on one.
                longest = Some(depth + 1);
            }
        }
        longest
    }

    /// The length of a short secret standing as a whole word at byte `at` of `text`.
    fn short_word_at(&self, text: &str, at: usize) -> Option<usize> {
        if self.short.is_empty() {
            return None;
        }
        let glued = |c: Option<char>, edge: Option<char>| {
            c.is_some_and(is_word) && edge.is_some_and(is_word)
        };
        let before = text[..at].chars().next_back();
        (1..MIN_ANYWHERE).rev().find(|&len| {
            let Some(piece) = text.get(at..at + len) else {
                return false;
            };
            self.short.contains(piece)
                && !glued(before, piece.chars().next())
                && !glued(text[at + len..].chars().next(), piece.chars().next_back())
        })
    }
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
        // `finds` stops at the first secret; it agrees with `mask` everywhere.
        let m = matcher(&["Hunter2DbPw", "abc", "passwd", "true"]);
        for text in [
            "is `Hunter2DbPwx`",
            "abcd abc",
            "xabc",
            "true and nothing",
            "",
        ] {
            assert_eq!(m.finds(text), m.mask(text).is_some(), "{text}");
        }
    }

    #[test]
    fn the_longest_secret_at_a_place_is_the_one_a_plain_search_finds() {
        // Secrets that are prefixes of one another, share heads, hold multi-byte text.
        let secrets = [
            "aaaa", "aaaaa", "aaaab", "aaaaé", "aaaaéb", "aabba", "aabbaa", "ééé1", "ééé12",
        ];
        let m = matcher(&secrets);
        let text = "xaaaaéb aaaaaa aabbaab ééé123 aaa aaaab";
        for (at, _) in text.char_indices() {
            let plain = secrets
                .iter()
                .filter(|s| text[at..].starts_with(*s))
                .map(|s| s.len())
                .max();
            assert_eq!(m.longest_at(text, at), plain, "at {at}");
        }
    }

    #[test]
    fn many_secret_lengths_do_not_multiply_the_work() {
        // 300 secrets `a…a0` of growing length against a long run of `a`: the old cut-back
        // loop made one binary search per secret length at every byte. The walk's work is
        // the shared prefix at each place, so masking finds nothing and stays linear in it.
        let secrets: Vec<String> = (4..304).map(|k| format!("{}0", "a".repeat(k))).collect();
        let m = Matcher::new(secrets);
        let line = "a".repeat(20_000);
        assert_eq!(m.mask(&line), None);
        assert_eq!(m.longest_at(&format!("{}0", "a".repeat(303)), 0), Some(304));
    }

    #[test]
    fn ten_thousand_secrets_mask_in_one_pass() {
        let m = Matcher::new((0..10_000).map(|i| format!("v-{i}")));
        let text: String = (0..10_000).map(|i| format!("`v-{i}` ")).collect();
        let masked = m.mask(&text).unwrap();
        assert!(!masked.contains("v-"), "{}", &masked[..200]);
    }

    #[test]
    fn the_word_search_for_few_first_bytes_masks_as_the_bit_set_does() {
        let few = ["Hunter2DbPw", "abc", "aaaaé", "Hunt"];
        // Decoys that start with bytes no text below holds force the bit-set scan.
        let many: Vec<&str> = few
            .iter()
            .copied()
            .chain(["zq-decoy", "~~~~", "|x"])
            .collect();
        let (few, many) = (matcher(&few), matcher(&many));
        assert!(few.few_firsts.is_some() && many.few_firsts.is_none());
        for text in [
            "",
            "abc",
            "is `Hunter2DbPwx` or Hunter2 abc, xabc abc.",
            "a long line of text well past eight bytes aaaaéaaaaé HuntHunter2DbPw",
            "ééééééé abc ééééé Hunt",
        ] {
            assert_eq!(few.mask(text), many.mask(text), "{text}");
            assert_eq!(few.finds(text), many.finds(text), "{text}");
        }
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
