//! The command texts of a script line's words, resolved once while the line is read: its
//! where-clause ([`crate::resolve::command`]) and the command text it runs
//! ([`crate::resolve::engine::line::substitute`]) read the same values.

use std::borrow::Cow;

use crate::resolve::reference::resolve_text;
use crate::resolve::value::Variables;
use crate::syntax::script::Word;

/// The command texts ([`resolve_text`]) of a line's words, by where each word starts in the
/// line, kept while the line is read: its where-clause and the command text it runs resolve
/// the same values, once.
#[derive(Default)]
pub struct WordValues<'s> {
    known: Vec<(usize, Option<Cow<'s, str>>)>,
}

impl<'s> WordValues<'s> {
    /// [`resolve_text`] of `w` (a word of this line) in `vars` (the same for every word).
    pub fn text(&mut self, w: &Word, vars: &'s dyn Variables) -> Option<&str> {
        let at = w.range.start;
        let i = match self.known.iter().position(|(start, _)| *start == at) {
            Some(i) => i,
            None => {
                if self.known.capacity() == 0 {
                    // Room for a line's references at once (most have fewer than eight).
                    self.known.reserve_exact(8);
                }
                self.known.push((at, resolve_text(&w.text, vars)));
                self.known.len() - 1
            }
        };
        self.known[i].1.as_deref()
    }
}
