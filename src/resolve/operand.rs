//! An `if` operand: resolved as the node resolves it, held without a copy when it is a literal
//! or a plain reference, and read as the comparison reads it.

use std::borrow::Cow;

use crate::resolve::reference::{resolve_plain, resolve_word};
use crate::resolve::value::{python_float_repr, Resolved, Value, Variables};
use crate::syntax::script::Word;

/// An operand's value: borrowed when it is a literal or a plain reference (most operands).
pub(super) enum Held<'a> {
    Text(Cow<'a, str>),
    Value(Value),
}

/// Resolve one operand (kept here so `compare` stays about comparison).
pub(super) fn operand<'a>(word: &'a str, vars: &'a dyn Variables) -> Result<Held<'a>, Vec<String>> {
    match resolve_plain(word, vars) {
        Some(Ok(text)) => Ok(Held::Text(text)),
        Some(Err(())) => Err(vec![word.to_string()]),
        None => match resolve_word(word, vars) {
            Resolved::Known(v) => Ok(Held::Value(v)),
            Resolved::AtBoot { depends_on } => Err(depends_on),
        },
    }
}

/// An operand's value as the comparison reads it.
#[derive(Clone, Copy)]
pub(super) enum V<'a> {
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Held<'_> {
    pub(super) fn view(&self) -> V<'_> {
        match self {
            Held::Text(t) => V::Str(t),
            Held::Value(Value::Str(s)) => V::Str(s),
            Held::Value(Value::Int(i)) => V::Int(*i),
            Held::Value(Value::Float(f)) => V::Float(*f),
            Held::Value(Value::Bool(b)) => V::Bool(*b),
        }
    }
}

impl V<'_> {
    /// Python truthiness ([`Value::is_truthy`]).
    pub(super) fn is_truthy(self) -> bool {
        match self {
            V::Str(s) => !s.is_empty(),
            V::Int(i) => i != 0,
            V::Float(f) => f != 0.0,
            V::Bool(b) => b,
        }
    }
}

/// Python `str(value)` ([`Value::to_python_str`]).
impl std::fmt::Display for V<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            V::Str(s) => f.write_str(s),
            V::Int(i) => write!(f, "{i}"),
            V::Float(x) => f.write_str(&python_float_repr(*x)),
            V::Bool(true) => f.write_str("True"),
            V::Bool(false) => f.write_str("False"),
        }
    }
}

/// A condition word's text: the line's own words, or the words of a re-tokenized group.
pub(super) trait Text {
    fn text(&self) -> &str;
}

impl Text for Word {
    fn text(&self) -> &str {
        &self.text
    }
}

impl Text for String {
    fn text(&self) -> &str {
        self
    }
}
