//! The command texts of a script line's words, resolved once while the line is read: its
//! where-clause ([`crate::resolve::command`]) and the command text it runs
//! (`engine::line::substitute`) read the same values.

use std::borrow::Cow;

use crate::resolve::reference::resolve_text;
use crate::resolve::value::Variables;
use crate::syntax::script::Word;

/// How many words' values a line keeps in place before it needs a vector (most lines
/// resolve fewer).
const IN_PLACE: usize = 8;

/// The command texts ([`resolve_text`]) of a line's words, by where each word starts in the
/// line, kept while the line is read: its where-clause and the command text it runs resolve
/// the same values, once. The first `IN_PLACE` are kept without an allocation (a vector
/// per line was an allocation, a growth and a free for every line).
pub struct WordValues<'s> {
    first: [(usize, Option<Cow<'s, str>>); IN_PLACE],
    len: usize,
    more: Vec<(usize, Option<Cow<'s, str>>)>,
}

impl Default for WordValues<'_> {
    fn default() -> Self {
        WordValues {
            first: [const { (usize::MAX, None) }; IN_PLACE],
            len: 0,
            more: Vec::new(),
        }
    }
}

impl<'s> WordValues<'s> {
    /// [`resolve_text`] of `w` (a word of this line) in `vars` (the same for every word).
    pub fn text(&mut self, w: &Word, vars: &'s dyn Variables) -> Option<&str> {
        let at = w.range.start;
        let in_place = self.len.min(IN_PLACE);
        if let Some(i) = self.first[..in_place].iter().position(|(s, _)| *s == at) {
            return self.first[i].1.as_deref();
        }
        if let Some(i) = self.more.iter().position(|(s, _)| *s == at) {
            return self.more[i].1.as_deref();
        }
        let value = (at, resolve_text(&w.text, vars));
        self.len += 1;
        if in_place < IN_PLACE {
            self.first[in_place] = value;
            self.first[in_place].1.as_deref()
        } else {
            self.more.push(value);
            self.more.last().and_then(|(_, v)| v.as_deref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WordValues;
    use crate::resolve::scope::Scope;
    use crate::syntax::script::tokenize;

    /// Past the values kept in place, each word still reads its own value, once resolved.
    #[test]
    fn every_word_reads_its_own_value() {
        let line: String = (0..20).map(|i| format!("w{i} ")).collect();
        let words = tokenize(&line).unwrap().words;
        let scope = Scope::bare(Default::default(), true);
        let mut values = WordValues::default();
        for _ in 0..2 {
            for w in &words {
                assert_eq!(values.text(w, &scope), Some(w.text.as_str()));
            }
        }
        assert_eq!(values.len, words.len());
    }
}
