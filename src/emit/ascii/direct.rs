//! Objects and arrays written straight to a [`Writer`], without serde's generic plumbing: for
//! the parts of a document written many times over (a diagnostic is some twenty members, and a
//! large policy has tens of thousands of them, issue 13). The layout is the serializer's, so
//! the text is the same; a test holds the two equal.

use serde::Serialize;

use super::{Result, Writer};

/// An object or array being written: members are separated and indented as `serde_json` does.
pub(crate) struct Open<'w, 's> {
    w: &'w mut Writer<'s>,
    first: bool,
    close: u8,
}

impl<'s> Writer<'s> {
    /// Starts an object.
    pub(crate) fn object(&mut self) -> Open<'_, 's> {
        self.begin(b'{');
        Open {
            w: self,
            first: true,
            close: b'}',
        }
    }

    /// Starts an array.
    pub(crate) fn array(&mut self) -> Open<'_, 's> {
        self.begin(b'[');
        Open {
            w: self,
            first: true,
            close: b']',
        }
    }
}

/// The keys of an object written many times, each with the separator, line break, indent and
/// colon around it, laid out once per depth by the writer's own steps: a member is then one
/// copy and its value.
pub(crate) struct Keys<const N: usize> {
    keys: [&'static str; N],
    /// The depth and layout the texts were made for (`None` before the first object).
    made_for: Option<(usize, bool)>,
    texts: [Vec<u8>; N],
}

impl<const N: usize> Keys<N> {
    /// The keys, laid out when first used.
    pub(crate) fn new(keys: [&'static str; N]) -> Keys<N> {
        Keys {
            keys,
            made_for: None,
            texts: std::array::from_fn(|_| Vec::new()),
        }
    }

    /// The text before key `i`'s value at `w`'s depth, with the comma in front.
    #[inline]
    fn text(&mut self, w: &Writer<'_>, i: usize) -> &[u8] {
        let layout = (w.indent, w.pretty);
        if self.made_for != Some(layout) {
            self.lay_out(layout);
        }
        &self.texts[i]
    }

    /// Lays the keys out for `(depth, pretty)` with the writer's own steps.
    #[cold]
    fn lay_out(&mut self, (depth, pretty): (usize, bool)) {
        for (key, text) in self.keys.iter().zip(&mut self.texts) {
            let mut scratch = Writer::new(pretty, 32);
            scratch.indent = depth;
            scratch.member(false);
            scratch.string(key);
            scratch.colon();
            *text = scratch.out;
        }
        self.made_for = Some((depth, pretty));
    }
}

impl<'s> Open<'_, 's> {
    /// Starts the next member of an object with key `i` of `keys`, as [`Open::key`] does.
    #[inline]
    pub(crate) fn key_of<const N: usize>(&mut self, keys: &mut Keys<N>, i: usize) {
        let text = keys.text(self.w, i);
        // The first member has no comma before it.
        let text = if self.first { &text[1..] } else { text };
        self.w.out.extend_from_slice(text);
        self.first = false;
    }

    /// A member with key `i` of `keys` whose value is a string.
    #[inline]
    pub(crate) fn str_of<const N: usize>(&mut self, keys: &mut Keys<N>, i: usize, value: &str) {
        self.key_of(keys, i);
        self.w.string(value);
        self.done();
    }

    /// A member with key `i` of `keys` whose value is a string or `null`.
    #[inline]
    pub(crate) fn opt_str_of<const N: usize>(
        &mut self,
        keys: &mut Keys<N>,
        i: usize,
        value: Option<&str>,
    ) {
        self.key_of(keys, i);
        match value {
            Some(value) => self.w.string(value),
            None => self.w.out.extend_from_slice(b"null"),
        }
        self.done();
    }

    /// A member with key `i` of `keys` whose value is an integer.
    #[inline]
    pub(crate) fn u32_of<const N: usize>(&mut self, keys: &mut Keys<N>, i: usize, value: u32) {
        self.key_of(keys, i);
        self.w.small(value);
        self.done();
    }

    /// Starts the next member of an object: its key and colon; the value is written next
    /// through [`Open::writer`], then [`Open::done`].
    pub(crate) fn key(&mut self, key: &str) {
        self.w.member(self.first);
        self.first = false;
        self.w.string(key);
        self.w.colon();
    }

    /// Starts the next element of an array (written next through [`Open::writer`]).
    pub(crate) fn element(&mut self) {
        self.w.member(self.first);
        self.first = false;
    }

    /// The writer, for the value of the member just started.
    pub(crate) fn writer(&mut self) -> &mut Writer<'s> {
        self.w
    }

    /// Marks the value of the member just started as written.
    pub(crate) fn done(&mut self) {
        self.w.has_value = true;
    }

    /// A member whose value is serialised by serde.
    pub(crate) fn serialized<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result {
        self.key(key);
        value.serialize(&mut *self.w)?;
        self.done();
        Ok(())
    }

    /// An element of an array that is a string.
    pub(crate) fn str_element(&mut self, value: &str) {
        self.element();
        self.w.string(value);
        self.done();
    }

    /// Closes the object or array.
    pub(crate) fn end(self) {
        self.w.end(self.close);
    }
}
