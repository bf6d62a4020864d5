//! `python <expression>` within the subset the deployment scripts use: one quoted string
//! (after `params.apply_dictionary` put each `!name` value in single quotes) followed by
//! `.split(…)`, `.strip()`, `.lower()`, `.upper()`, `.replace(…)` and `[i]` / `[a:b]`.
//! Anything else is decided at boot; what Python would reject (an index out of range) fails
//! the command as the node does (`ERR_process_failure`).

use super::code;
use crate::resolve::reference::resolve_word;
use crate::resolve::scope::{Scope, VarValue};
use crate::resolve::value::Resolved;

/// Characters that end a `!name` key in `apply_dictionary` (`params.end_key_chars`).
const END_KEY: &[char] = &['.', '(', ')', '[', ']', '=', ' ', '+'];

#[derive(Clone, Debug, PartialEq)]
enum Py {
    Str(String),
    List(Vec<String>),
    Int(i64),
}

/// The result of `python` with these argument words: the code and the value it stores.
pub fn python(words: &[&str], scope: &Scope) -> (i32, VarValue) {
    let boot = || VarValue::AtBoot("a `python` expression elpc does not evaluate".into());
    let [expr] = words else {
        return (code::SUCCESS, boot());
    };
    let Some(text) = apply_dictionary(expr.trim(), scope) else {
        return (
            code::SUCCESS,
            VarValue::AtBoot("a `python` expression on values decided at boot".into()),
        );
    };
    match eval(&text.replace('\\', "/")) {
        Some(Ok(v)) => (code::SUCCESS, VarValue::Known(to_str(&v))),
        Some(Err(())) => (code::PROCESS_FAILURE, VarValue::Known(String::new())),
        None => (code::SUCCESS, boot()),
    }
}

/// `params.apply_dictionary`: every `!name` with a value becomes `'value'`; `None` when a value
/// is only known at boot.
fn apply_dictionary(src: &str, scope: &Scope) -> Option<String> {
    let mut out = String::new();
    let mut rest = src;
    while let Some(at) = rest.find('!') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let len = tail[1..].find(END_KEY).map_or(tail.len(), |i| i + 1);
        if len == 1 {
            out.push('!');
            rest = &tail[1..];
            continue;
        }
        match resolve_word(&tail[..len], scope) {
            Resolved::Known(v) if v.is_truthy() => {
                out.push('\'');
                out.push_str(&v.to_python_str());
                out.push('\'');
            }
            Resolved::Known(_) => out.push_str(&tail[..len]),
            Resolved::AtBoot { .. } => return None,
        }
        rest = &tail[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// `Some(Ok)` evaluated, `Some(Err)` Python raises, `None` outside the subset.
fn eval(src: &str) -> Option<Result<Py, ()>> {
    let mut p = Parser {
        s: src.trim(),
        at: 0,
    };
    let mut v = match p.literal()? {
        Ok(v) => v,
        Err(()) => return Some(Err(())),
    };
    while p.at < p.s.len() {
        if p.eat(".") {
            let name = p.ident()?;
            p.expect("(")?;
            let mut args = Vec::new();
            while !p.eat(")") {
                args.push(p.literal()?.ok()?);
                p.eat(",");
                if p.at >= p.s.len() {
                    return None;
                }
            }
            v = method(&v, &name, &args)?;
        } else if p.eat("[") {
            let a = p.int();
            if p.eat(":") {
                let b = p.int();
                p.expect("]")?;
                v = slice(&v, a, b)?;
            } else {
                p.expect("]")?;
                v = match index(&v, a?) {
                    Some(r) => r,
                    None => return Some(Err(())),
                };
            }
        } else {
            return None;
        }
    }
    Some(Ok(v))
}

struct Parser<'a> {
    s: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.s[self.at..].starts_with(' ') {
            self.at += 1;
        }
    }
    fn eat(&mut self, t: &str) -> bool {
        self.skip_ws();
        if self.s[self.at..].starts_with(t) {
            self.at += t.len();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, t: &str) -> Option<()> {
        self.eat(t).then_some(())
    }
    fn ident(&mut self) -> Option<String> {
        let rest = &self.s[self.at..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (len > 0).then(|| {
            self.at += len;
            rest[..len].to_string()
        })
    }
    fn int(&mut self) -> Option<i64> {
        self.skip_ws();
        let rest = &self.s[self.at..];
        let len = rest
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
            .map_or(rest.len(), |(i, _)| i);
        let n = rest[..len].parse().ok()?;
        self.at += len;
        Some(n)
    }
    /// A quoted string (no escapes) or an integer.
    fn literal(&mut self) -> Option<Result<Py, ()>> {
        self.skip_ws();
        let rest = &self.s[self.at..];
        let q = rest.chars().next()?;
        if q == '\'' || q == '"' {
            let end = rest[1..].find(q)? + 1;
            let body = &rest[1..end];
            if body.contains('\\') {
                return None;
            }
            self.at += end + 1;
            return Some(Ok(Py::Str(body.to_string())));
        }
        self.int().map(|n| Ok(Py::Int(n)))
    }
}

fn method(v: &Py, name: &str, args: &[Py]) -> Option<Py> {
    let Py::Str(s) = v else { return None };
    Some(match (name, args) {
        ("split", []) => Py::List(s.split_whitespace().map(str::to_string).collect()),
        ("split", [Py::Str(sep)]) if !sep.is_empty() => {
            Py::List(s.split(sep.as_str()).map(str::to_string).collect())
        }
        ("strip", []) => Py::Str(s.trim().to_string()),
        ("lower", []) => Py::Str(s.to_lowercase()),
        ("upper", []) => Py::Str(s.to_uppercase()),
        ("replace", [Py::Str(a), Py::Str(b)]) if !a.is_empty() => Py::Str(s.replace(a, b)),
        _ => return None,
    })
}

fn index(v: &Py, i: i64) -> Option<Py> {
    let pick = |len: usize| -> Option<usize> {
        let i = if i < 0 { len as i64 + i } else { i };
        (0..len as i64).contains(&i).then_some(i as usize)
    };
    match v {
        Py::List(items) => pick(items.len()).map(|i| Py::Str(items[i].clone())),
        Py::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            pick(chars.len()).map(|i| Py::Str(chars[i].to_string()))
        }
        Py::Int(_) => None,
    }
}

fn slice(v: &Py, a: Option<i64>, b: Option<i64>) -> Option<Py> {
    let bounds = |len: usize| {
        let norm = |x: i64| {
            if x < 0 {
                (len as i64 + x).max(0) as usize
            } else {
                (x as usize).min(len)
            }
        };
        let from = a.map_or(0, norm);
        let to = b.map_or(len, norm);
        (from, to.max(from))
    };
    match v {
        Py::List(items) => {
            let (f, t) = bounds(items.len());
            Some(Py::List(items[f..t].to_vec()))
        }
        Py::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            let (f, t) = bounds(chars.len());
            Some(Py::Str(chars[f..t].iter().collect()))
        }
        Py::Int(_) => None,
    }
}

/// Python's `str()` of the value.
fn to_str(v: &Py) -> String {
    match v {
        Py::Str(s) => s.clone(),
        Py::Int(n) => n.to_string(),
        Py::List(items) => {
            let inner: Vec<String> = items.iter().map(|s| repr(s)).collect();
            format!("[{}]", inner.join(", "))
        }
    }
}

/// Python's `repr()` of a string.
fn repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_evaluates_like_python() {
        let ok = |s: &str| match eval(s) {
            Some(Ok(v)) => to_str(&v),
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(ok("'EdgeLake Version: 1.4'.split(\" \")[0]"), "EdgeLake");
        assert_eq!(ok("'a:b'.split(\":\")[1]"), "b");
        assert_eq!(ok("'a b'.split()"), "['a', 'b']");
        assert_eq!(ok("'127.0.0.1:32048'.split(\":\")[-1]"), "32048");
        assert_eq!(ok("' x '.strip().upper()"), "X");
        assert_eq!(eval("'a'.split(':')[3]"), Some(Err(())));
        assert_eq!(eval("len('a')"), None);
        assert_eq!(eval("'a' + 'b'"), None);
    }
}
