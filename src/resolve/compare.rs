//! Group evaluation (`test_condition`, `comarison`) and the two ways the node combines groups.

use std::borrow::Cow;

use super::operand::{operand, Text, V};
use super::{inner_words, Connector, Group, Truth, OPERATORS};
use crate::resolve::cast::{py_float, py_int};
use crate::resolve::value::Variables;

fn fail(message: impl Into<String>) -> Truth {
    Truth::RuntimeError {
        message: message.into(),
    }
}

fn crash(message: impl Into<String>) -> Truth {
    Truth::Crash {
        message: message.into(),
    }
}

fn truth(b: bool) -> Truth {
    if b {
        Truth::True
    } else {
        Truth::False
    }
}

/// Combine the outcomes for "the boot-time group is true" and "… is false" (the group's
/// references first, then theirs, each once; the group's are taken, not copied).
fn merge(a: Truth, b: Truth, group_deps: Vec<String>) -> Truth {
    let same = matches!(
        (&a, &b),
        (Truth::True, Truth::True)
            | (Truth::False, Truth::False)
            | (Truth::RuntimeError { .. }, Truth::RuntimeError { .. })
            | (Truth::Crash { .. }, Truth::Crash { .. })
    );
    if same {
        return a;
    }
    let mut all = group_deps;
    for t in [a, b] {
        if let Truth::AtBoot { depends_on } = t {
            for d in depends_on {
                if !all.contains(&d) {
                    all.push(d);
                }
            }
        }
    }
    Truth::AtBoot { depends_on: all }
}

/// Branch on a group outcome: `f` gives the result for a definite outcome.
fn branch(g: Truth, f: impl Fn(&Truth) -> Truth) -> Truth {
    match g {
        Truth::AtBoot { depends_on } => merge(f(&Truth::True), f(&Truth::False), depends_on),
        definite => f(&definite),
    }
}

/// `test_condition`: one group of words.
fn test_condition<T: Text>(words: &[T], vars: &dyn Variables) -> Truth {
    // The texts of a group of up to four words, without a vector.
    let mut w = [""; 4];
    for (slot, word) in w.iter_mut().zip(words) {
        *slot = word.text();
    }
    let w = if words.len() <= w.len() {
        &w[..words.len()]
    } else {
        &[][..]
    };
    match w {
        [w] => truthy(w, vars, false),
        ["not", w] => truthy(w, vars, true),
        [a, _] => fail(format!(
            "`{a} …`: a two-word condition has to be `not <word>`"
        )),
        [a, op, b] if *op != "not" && OPERATORS.contains(op) => compare(a, op, b, vars),
        [_, op, _] => fail(format!(
            "`{op}` is not a comparison operator the node knows"
        )),
        [a, o1, o2, b] => {
            let op = format!("{o1}{o2}");
            compare(a, &op, b, vars)
        }
        [] if words.is_empty() => fail("a condition is missing between the connectors"),
        _ => fail(format!(
            "`{}` is too many words for one condition; join them with `and`/`or`",
            words.iter().map(Text::text).collect::<Vec<_>>().join(" ")
        )),
    }
}

fn truthy(word: &str, vars: &dyn Variables, negate: bool) -> Truth {
    match operand(word, vars) {
        Ok(v) => truth(v.view().is_truthy() != negate),
        Err(depends_on) => Truth::AtBoot { depends_on },
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ty {
    Str,
    Int,
    Float,
    Bool,
}

fn ty(v: &V) -> Ty {
    match v {
        V::Str(_) => Ty::Str,
        V::Int(_) => Ty::Int,
        V::Float(_) => Ty::Float,
        V::Bool(_) => Ty::Bool,
    }
}

fn compare(w1: &str, op: &str, w2: &str, vars: &dyn Variables) -> Truth {
    let (h1, h2) = match (operand(w1, vars), operand(w2, vars)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            let mut d = a.err().unwrap_or_default();
            for x in b.err().unwrap_or_default() {
                if !d.contains(&x) {
                    d.push(x);
                }
            }
            return Truth::AtBoot { depends_on: d };
        }
    };
    let (v1, v2) = (h1.view(), h2.view());
    let (t1, t2) = (ty(&v1), ty(&v2));
    let common = if t1 == t2 {
        t1
    } else if t1 == Ty::Float || t2 == Ty::Float {
        Ty::Float
    } else if t1 == Ty::Int || t2 == Ty::Int {
        Ty::Int
    } else {
        Ty::Bool // one side bool, the other a string
    };
    match common {
        Ty::Int => match (to_int(&v1), to_int(&v2)) {
            (Some(a), Some(b)) => typed(op, a.cmp(&b), w1, w2),
            (None, _) => fail(format!("`{w1}` is `{v1}`, not a whole number, so the node cannot compare it as one")),
            (_, None) => fail(format!("`{w2}` is `{v2}`, not a whole number, so the node cannot compare it as one")),
        },
        Ty::Float => match (to_float(&v1), to_float(&v2)) {
            (Some(a), Some(b)) => match a.partial_cmp(&b) {
                Some(o) => typed(op, o, w1, w2),
                None => match op {
                    "!=" => Truth::True,
                    _ => typed(op, std::cmp::Ordering::Less, w1, w2).and_never(),
                },
            },
            (None, _) => fail(format!("`{w1}` is `{v1}`, not a number")),
            (_, None) => fail(format!("`{w2}` is `{v2}`, not a number")),
        },
        Ty::Bool => match (to_bool(&v1), to_bool(&v2)) {
            (Some(a), Some(b)) => typed(op, a.cmp(&b), w1, w2),
            _ => fail(format!(
                "`{w1} {op} {w2}` compares a `.bool` with something that is not exactly `true` or `false`"
            )),
        },
        Ty::Str => match (v1, v2) {
            (V::Str(a), V::Str(b)) => compare_str(a, op, b),
            _ => compare_str(&v1.to_string(), op, &v2.to_string()),
        },
    }
}

trait NeverTrue {
    fn and_never(self) -> Truth;
}

impl NeverTrue for Truth {
    /// NaN compares false with every ordering operator (errors stay errors).
    fn and_never(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            other => other,
        }
    }
}

/// `utils_columns.comarison[op]` on two ordered values; `None` when the table has no `op`.
fn ordered(op: &str, o: std::cmp::Ordering) -> Option<bool> {
    use std::cmp::Ordering::*;
    Some(match op {
        "==" | "=" => o == Equal,
        "!=" => o != Equal,
        "<" => o == Less,
        "<=" => o != Greater,
        ">" => o == Greater,
        ">=" => o != Less,
        _ => return None,
    })
}

/// Comparison of ints/floats/bools, which the node does outside any `try`: ordering operators
/// work, `contains`/`startswith`/`endswith` are false for non-strings, and `childfrom` (it takes
/// `len()` of a number) or an operator missing from the table raise.
fn typed(op: &str, o: std::cmp::Ordering, w1: &str, w2: &str) -> Truth {
    match op {
        "contains" | "startswith" | "endswith" => Truth::False,
        "childfrom" => crash(format!(
            "`childfrom` needs text, but `{w1}`/`{w2}` were cast to numbers: the node's comparison raises a TypeError"
        )),
        _ => match ordered(op, o) {
            Some(b) => truth(b),
            None => crash(format!(
                "`{op}` is not an operator the node knows; comparing numbers with it raises a KeyError"
            )),
        },
    }
}

fn to_int(v: &V) -> Option<i64> {
    match v {
        V::Int(i) => Some(*i),
        V::Bool(b) => Some(i64::from(*b)),
        V::Str(s) => py_int(s),
        V::Float(_) => None,
    }
}

fn to_float(v: &V) -> Option<f64> {
    match v {
        V::Float(f) => Some(*f),
        V::Int(i) => Some(*i as f64),
        V::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        V::Str(s) => py_float(s),
    }
}

/// A bool side as is; the string side must be exactly `true` or `false`.
fn to_bool(v: &V) -> Option<bool> {
    match v {
        V::Bool(b) => Some(*b),
        V::Str(s) if *s == "true" => Some(true),
        V::Str(s) if *s == "false" => Some(false),
        _ => None,
    }
}

fn unquote(s: &str) -> &str {
    if s.chars().count() > 2 && s.starts_with('\'') && s.ends_with('\'') {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Python `lower()`, borrowed when it changes nothing (most operands are lower-case ASCII).
fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

fn compare_str(a: &str, op: &str, b: &str) -> Truth {
    let a = lower(unquote(a));
    let b = lower(unquote(b));
    let (a, b) = (a.as_ref(), b.as_ref());
    let o = a.cmp(b);
    match op {
        "contains" => truth(a.contains(b)),
        "startswith" => truth(a.starts_with(b)),
        "endswith" => truth(a.ends_with(b)),
        "childfrom" => truth(childfrom(a, b)),
        _ => match ordered(op, o) {
            Some(b) => truth(b),
            None => fail(format!("`{op}` is not an operator the node knows")),
        },
    }
}

/// `childfrom a b`: `a` starts with `b` (at least two characters, its last one the separator),
/// is longer, and has at most one more separator, at its very end.
fn childfrom(a: &str, b: &str) -> bool {
    let Some(sep) = b.chars().next_back() else {
        return false;
    };
    if b.chars().count() < 2 || !a.starts_with(b) || a.len() == b.len() {
        return false;
    }
    match a[b.len()..].matches(sep).count() {
        0 => true,
        1 => a.ends_with(sep),
        _ => false,
    }
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Conn {
    And,
    Or,
    #[default]
    End,
}

/// `test_conditions_sequentially` over condition words (`then` appended when `terminated`):
/// right-associative with short-circuit.
pub(super) fn sequential<T: Text>(words: &[T], terminated: bool, vars: &dyn Variables) -> Truth {
    // The list the node walks: the words, then `then` when terminated. Its groups are word
    // ranges (the appended `then` never belongs to one).
    let n = words.len() + usize::from(terminated);
    let text = |i: usize| words.get(i).map_or("then", Text::text);
    let mut segments = Segments::default();
    let mut start = 0;
    for i in 0..n {
        let w = text(i);
        let last = i + 1 == n;
        if w == "or" {
            segments.push((start, i, Conn::Or));
            start = i + 1;
        } else if w == "then" || w == "and" || last {
            let end = if last && w != "then" { i + 1 } else { i };
            let conn = if w == "and" && !last {
                Conn::And
            } else {
                Conn::End
            };
            segments.push((start, end, conn));
            start = i + 1;
            if w == "then" {
                break;
            }
        }
    }
    let mut next: Option<Truth> = None;
    for (from, to, conn) in segments.as_slice().iter().rev() {
        let g = test_condition(&words[*from..*to], vars);
        let after = next.take();
        let step = |g: &Truth| match (conn, g) {
            (_, Truth::Crash { .. }) => g.clone(),
            (Conn::Or, Truth::True) => Truth::True,
            (Conn::Or, _) | (Conn::And, Truth::True) => after.clone().unwrap_or_else(|| g.clone()),
            _ => g.clone(),
        };
        next = Some(branch(g, step));
    }
    next.unwrap_or_else(|| fail("the `if` has no condition"))
}

/// The groups of a condition (word ranges and what follows them): the first eight in place
/// (nearly every `if`), more in a vector.
#[derive(Default)]
struct Segments {
    few: [(usize, usize, Conn); 8],
    count: usize,
    many: Vec<(usize, usize, Conn)>,
}

impl Segments {
    fn push(&mut self, segment: (usize, usize, Conn)) {
        if self.count < self.few.len() {
            self.few[self.count] = segment;
        } else {
            if self.many.is_empty() {
                self.many.extend_from_slice(&self.few);
            }
            self.many.push(segment);
        }
        self.count += 1;
    }

    fn as_slice(&self) -> &[(usize, usize, Conn)] {
        if self.count <= self.few.len() {
            &self.few[..self.count]
        } else {
            &self.many
        }
    }
}

/// `process_analyzed_if` with parentheses: groups left to right, stopping at the first decisive
/// one. Computed from the last group backwards for both possible previous outcomes.
pub(super) fn scan_parenthesised(groups: &[Group], vars: &dyn Variables) -> Truth {
    let values: Vec<Truth> = groups.iter().map(|g| group_value(g, vars)).collect();
    // after[k]: the result from group i+1 on, when the previous outcome was True (0) / False (1).
    let mut after = [Truth::True, Truth::False];
    let mut first = fail("the `if` has no condition");
    for (i, group) in groups.iter().enumerate().rev() {
        let conn = group.connector;
        let run = |prev: Option<bool>| -> Truth {
            if group.words.is_empty() {
                return fail("a condition is missing next to `and`/`or`");
            }
            match prev {
                Some(true) if conn == Some(Connector::Or) => return Truth::True,
                Some(false) if i > 0 && conn == Some(Connector::And) => return Truth::False,
                _ => {}
            }
            branch(values[i].clone(), |g| match g {
                Truth::True if conn == Some(Connector::Or) => Truth::True,
                Truth::True => after[0].clone(),
                Truth::RuntimeError { .. } | Truth::Crash { .. } => g.clone(),
                _ if i > 0 && conn == Some(Connector::And) => Truth::False,
                _ => after[1].clone(),
            })
        };
        if i == 0 {
            first = run(None);
        } else {
            after = [run(Some(true)), run(Some(false))];
        }
    }
    first
}

fn group_value(group: &Group, vars: &dyn Variables) -> Truth {
    match group.words {
        [] => fail("a condition is missing next to `and`/`or`"),
        [one] => match inner_words(&one.text) {
            Some(ws) => sequential(&ws, true, vars),
            None => fail(format!("the node cannot split `{}` into words", one.text)),
        },
        many => sequential(many, true, vars),
    }
}
