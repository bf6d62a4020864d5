//! The resolver `params.get_value_if_available` (spec §3.1–§3.3), three-valued: a result that
//! only the node knows at boot is [`Resolved::AtBoot`].

use std::borrow::Cow;
use std::ops::Range;

use super::cast::{apply_cast, py_int, Cast};
use super::value::{Lookup, Resolved, Value, Variables};

/// Which namespace a reference reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sigil {
    /// `!name`: the node's dictionary.
    Param,
    /// `$NAME`: the process environment.
    Env,
}

/// One variable the resolver would look up for a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// `!` or `$`.
    pub sigil: Sigil,
    /// The name looked up, without the sigil (for `!!name` this is `!name`, the key the node
    /// really asks its dictionary for).
    pub name: String,
    /// Byte range of the name including the sigil, within the word.
    pub range: Range<usize>,
    /// The cast suffix of the word, which applies to the word's whole result.
    pub cast: Option<Cast>,
}

/// Intermediate result: a value, or "only the node knows" with the references that decide it.
enum Partial {
    Val(Value),
    Boot(Vec<String>),
}

fn text(s: impl Into<String>) -> Partial {
    Partial::Val(Value::Str(s.into()))
}

/// What the word's key is after the cast suffix or slice is taken off (spec §3.1 steps 2–3).
enum Shape<'a> {
    Plain(&'a str),
    Cast(&'a str, Cast),
    /// `key[a:b]`; `bounds` is `None` when they are not integers (the un-sliced value is used).
    Slice(&'a str, Option<(i64, Option<i64>)>),
}

fn shape(word: &str) -> Shape<'_> {
    if let Some((key, cast)) = Cast::split(word) {
        return Shape::Cast(key, cast);
    }
    if !word.ends_with(']') {
        return Shape::Plain(word);
    }
    let Some(open) = word.find('[') else {
        return Shape::Plain(word);
    };
    // Python compares the character index of the first `[`.
    if word[..open].chars().count() <= 2 {
        return Shape::Plain(word);
    }
    let Some(colon) = word[open + 1..].find(':').map(|c| c + open + 1) else {
        return Shape::Plain(word);
    };
    let start = &word[open + 1..colon];
    let end = &word[colon + 1..word.len() - 1];
    let from = if start.is_empty() {
        Some(0)
    } else {
        py_int(start)
    };
    let to = if end.is_empty() {
        Some(None)
    } else {
        py_int(end).map(Some)
    };
    Shape::Slice(&word[..open], from.zip(to))
}

/// Resolve one word exactly as `get_value_if_available` does (spec §3.1–§3.3).
///
/// Undefined references give `""` (except `!!name`, which gives `!name`). When the result
/// depends on a variable that is [`Lookup::AtBoot`], the result is [`Resolved::AtBoot`] listing
/// those references as written, unless the result is decided anyway: a path with an undefined
/// piece is `""` whatever the boot-time pieces hold.
pub fn resolve_word(word: &str, vars: &dyn Variables) -> Resolved {
    resolve_depth(word, vars, 0)
}

/// The text (Python `str`) that `word` resolves to, when it is known now and not empty:
/// [`resolve_word`] as a command's text uses it (`None` for `""` and for a value only the node
/// knows). A plain `!name` or `$NAME` is decided by one look-up and its value borrowed from
/// `vars`: most references in a script are those, and their values are only copied into a
/// larger text.
pub fn resolve_text<'a>(word: &str, vars: &'a dyn Variables) -> Option<Cow<'a, str>> {
    match plain_reference(word, vars) {
        Some(Ok(text)) => (!text.is_empty()).then_some(text),
        Some(Err(())) => None,
        None => match resolve_word(word, vars) {
            Resolved::Known(Value::Str(s)) if s.is_empty() => None,
            Resolved::Known(v) => Some(Cow::Owned(v.into_python_str())),
            Resolved::AtBoot { .. } => None,
        },
    }
}

/// [`resolve_word`] without a copy for the words that need none: a literal (no `!`/`$`, cast
/// suffix or slice) is itself, a plain `!name` or `$NAME` is decided by one look-up (a name
/// without a value resolves to `""`: its path of one piece is undefined). `Some(Ok(text))` is a
/// known string, `Some(Err(()))` a value only the node knows (it depends on `word` itself);
/// `None` for every other word.
pub fn resolve_plain<'a>(
    word: &'a str,
    vars: &'a dyn Variables,
) -> Option<Result<Cow<'a, str>, ()>> {
    if !word.bytes().any(|b| b == b'!' || b == b'$') && matches!(shape(word), Shape::Plain(_)) {
        return Some(Ok(Cow::Borrowed(word)));
    }
    plain_reference(word, vars)
}

/// The bytes of a plain reference's name: ASCII letters, digits, `_` and `-`.
static NAME_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        b += 1;
    }
    table
};

/// The plain `!name` / `$NAME` part of [`resolve_plain`].
fn plain_reference<'a>(word: &str, vars: &'a dyn Variables) -> Option<Result<Cow<'a, str>, ()>> {
    // No cast suffix (`.`), slice (`[`), path piece (`/`, `\`, `.`, `!`, `$`) or escape.
    // One table look-up a byte: this runs for every reference of every line.
    let plain = |name: &str| !name.is_empty() && name.bytes().all(|b| NAME_BYTE[usize::from(b)]);
    match word.as_bytes().first() {
        Some(b'!') if plain(&word[1..]) => Some(match vars.param(&word[1..]) {
            Lookup::Defined(v) => Ok(v),
            Lookup::AtBoot => Err(()),
            Lookup::Undefined => Ok(Cow::Borrowed("")),
        }),
        Some(b'$') if plain(&word[1..]) => match vars.env(&word[1..]) {
            // An environment value that is itself a reference is resolved again.
            Lookup::Defined(v) if v.starts_with('!') && v.chars().count() > 1 => None,
            Lookup::Defined(v) => Some(Ok(v)),
            Lookup::AtBoot => Some(Err(())),
            Lookup::Undefined => Some(Ok(Cow::Borrowed(""))),
        },
        _ => None,
    }
}

fn resolve_depth(word: &str, vars: &dyn Variables, depth: u8) -> Resolved {
    if word.is_empty() {
        return Resolved::str("");
    }
    let shape = shape(word);
    let key = match shape {
        Shape::Plain(k) | Shape::Cast(k, _) | Shape::Slice(k, _) => k,
    };
    // What the cast or slice makes of the key's value.
    let post = |v: Value| match shape {
        Shape::Plain(_) | Shape::Slice(_, None) => v,
        Shape::Cast(_, cast) => apply_cast(cast, &v),
        Shape::Slice(_, Some((from, to))) => Value::Str(py_slice(&v.to_python_str(), from, to)),
    };
    match resolve_key(key, vars, depth) {
        Partial::Val(v) => Resolved::Known(post(v)),
        Partial::Boot(mut deps) => {
            // Each reference once, first occurrence kept. A word has one or two pieces: no
            // set for those (the set bounds the work for a hostile word of many pieces).
            if deps.len() <= 8 {
                let mut i = 0;
                while i < deps.len() {
                    if deps[..i].contains(&deps[i]) {
                        deps.remove(i);
                    } else {
                        i += 1;
                    }
                }
            } else {
                let mut seen = std::collections::HashSet::new();
                deps.retain(|d| seen.insert(d.clone()));
            }
            Resolved::AtBoot { depends_on: deps }
        }
    }
}

fn resolve_key(key: &str, vars: &dyn Variables, depth: u8) -> Partial {
    if let Some(name) = key.strip_prefix('!') {
        return match vars.param(name) {
            Lookup::Defined(v) if !v.is_empty() => text(v),
            Lookup::AtBoot => Partial::Boot(vec![key.to_string()]),
            _ if key.starts_with("!!") && key.len() > 2 => text(name),
            _ => get_path(key, vars),
        };
    }
    if let Some(name) = key.strip_prefix('$') {
        let value = match vars.env(name) {
            Lookup::Defined(v) if !v.is_empty() => text(v),
            Lookup::AtBoot => return Partial::Boot(vec![key.to_string()]),
            _ => get_path(key, vars),
        };
        // An environment value that is itself a reference is resolved again (with casts).
        if let Partial::Val(Value::Str(s)) = &value {
            if s.starts_with('!') && s.chars().count() > 1 && depth < 4 {
                return match resolve_depth(s, vars, depth + 1) {
                    Resolved::Known(v) => Partial::Val(v),
                    Resolved::AtBoot { depends_on } => Partial::Boot(depends_on),
                };
            }
        }
        return value;
    }
    if let Some(inner) = escaped_reference(key) {
        return match vars.param(inner) {
            Lookup::Defined(v) => text(format!("\"{v}\"")),
            Lookup::Undefined => text("\"\""),
            Lookup::AtBoot => Partial::Boot(vec![format!("!{inner}")]),
        };
    }
    text(key)
}

/// `\"!name\"` → `name` (no casts, no paths).
fn escaped_reference(key: &str) -> Option<&str> {
    (key.starts_with("\\\"!") && key.ends_with("\\\"") && key.chars().count() > 5)
        .then(|| &key[3..key.len() - 2])
}

/// The pieces of a path reference: cut before every `!`, `$`, `.`, `/`, `\` except at 0
/// (ranges are byte ranges in `key`; `\` counts as `/`).
fn path_pieces(key: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = key.as_bytes();
    let is_cut = |b: &u8| matches!(b, b'!' | b'$' | b'.' | b'/' | b'\\');
    let (mut start, mut done) = (0, false);
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let next = bytes
            .get(start + 1..)
            .and_then(|rest| rest.iter().position(is_cut))
            .map(|p| start + 1 + p);
        let end = next.unwrap_or_else(|| {
            done = true;
            bytes.len()
        });
        let piece = start..end;
        start = end;
        Some(piece)
    })
}

/// `params.get_path` (spec §3.3): any undefined variable piece makes the whole result `""`.
///
/// The pieces are [`path_pieces`]; consecutive literal pieces (`/x`, `.al`) are copied as one
/// run, up to the next `!` or `$`.
fn get_path(key: &str, vars: &dyn Variables) -> Partial {
    let local: std::borrow::Cow<str> = if key.contains('\\') {
        key.replace('\\', "/").into()
    } else {
        key.into()
    };
    let bytes = local.as_bytes();
    // Room for a value or two: most paths are a directory variable and a file name.
    let mut out = String::with_capacity(local.len() + 48);
    let mut boot = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let mut after = bytes[start + 1..].iter();
        let found = if matches!(bytes[start], b'!' | b'$') {
            after.position(|b| matches!(b, b'!' | b'$' | b'.' | b'/' | b'\\'))
        } else {
            after.position(|b| matches!(b, b'!' | b'$'))
        };
        let end = found.map_or(bytes.len(), |p| start + 1 + p);
        let r = start..end;
        start = end;
        let lookup = match bytes[r.start] {
            b'!' => vars.param(&local[r.start + 1..r.end]),
            b'$' => vars.env(&local[r.start + 1..r.end]),
            _ => {
                out.push_str(&local[r]);
                continue;
            }
        };
        match lookup {
            Lookup::Defined(v) if !v.is_empty() => out.push_str(&v),
            Lookup::AtBoot => boot.push(key[r].to_string()),
            _ => return text(""),
        }
    }
    if boot.is_empty() {
        text(out)
    } else {
        Partial::Boot(boot)
    }
}

/// Python `value[from:to]` on characters (`to == 0` or absent: to the end).
fn py_slice(value: &str, from: i64, to: Option<i64>) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len() as i64;
    let norm = |i: i64| if i < 0 { (i + n).max(0) } else { i.min(n) };
    let a = norm(from);
    let b = match to {
        Some(t) if t != 0 => norm(t),
        _ => n,
    };
    if a >= b {
        return String::new();
    }
    chars[a as usize..b as usize].iter().collect()
}

/// Every variable the resolver would look up for `word`: the whole `!name`/`$NAME`, or the
/// variable pieces of a path reference (`!local_scripts/x.al`, `!hostname.$DNS_DOMAIN`), the
/// key of `!!name`, the name inside `\"!name\"`, the name of a slice `!name[a:b]`.
///
/// For a path reference the pieces are listed, not the whole-name lookup the node tries first
/// (a dictionary name containing `.` or `/` is never set in practice). An environment value
/// that itself holds a reference is not followed (that needs the variables).
pub fn references_in(word: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    each_reference(word, |r| {
        out.push(Reference {
            sigil: r.sigil,
            name: r.name.to_string(),
            range: r.range,
            cast: r.cast,
        })
    });
    out
}

/// A [`Reference`] whose name is borrowed from the word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReferenceIn<'a> {
    /// `!` or `$`.
    pub sigil: Sigil,
    /// As [`Reference::name`].
    pub name: &'a str,
    /// As [`Reference::range`].
    pub range: Range<usize>,
    /// As [`Reference::cast`].
    pub cast: Option<Cast>,
}

/// [`references_in`] without allocating: `f` gets each reference, in order (a script run
/// asks this of every word of every line; a vector and a name per call cost an allocation
/// or two each, issue 13).
#[inline]
pub(crate) fn each_reference<'a>(word: &'a str, f: impl FnMut(ReferenceIn<'a>)) {
    // The key parsed below is a non-empty prefix of the word (the word without its cast
    // suffix or slice), and a reference needs a key that starts with its sigil or with `\"!`:
    // a word starting with any other byte holds none and needs no parse (nor a scan for a
    // sigil). Tested here, at the caller, for the many words of a script.
    if matches!(word.as_bytes().first(), Some(b'!' | b'$' | b'\\')) {
        parse_references(word, f);
    }
}

/// [`each_reference`] past its test of the first byte.
fn parse_references<'a>(word: &'a str, mut f: impl FnMut(ReferenceIn<'a>)) {
    let (key, cast) = match shape(word) {
        Shape::Plain(k) => (k, None),
        Shape::Cast(k, c) => (k, Some(c)),
        Shape::Slice(k, _) => (k, None),
    };
    let sigil_of = |s: &str| match s.as_bytes().first() {
        Some(b'!') => Some(Sigil::Param),
        Some(b'$') => Some(Sigil::Env),
        _ => None,
    };
    if let Some(inner) = escaped_reference(key) {
        return f(ReferenceIn {
            sigil: Sigil::Param,
            name: inner,
            range: 2..key.len() - 2,
            cast: None,
        });
    }
    let Some(sigil) = sigil_of(key) else {
        return;
    };
    if key.starts_with("!!") && key.len() > 2 {
        return f(ReferenceIn {
            sigil,
            name: &key[1..],
            range: 0..key.len(),
            cast,
        });
    }
    let one_piece = !key
        .as_bytes()
        .iter()
        .skip(1)
        .any(|b| matches!(b, b'!' | b'$' | b'.' | b'/' | b'\\'));
    if one_piece {
        return f(ReferenceIn {
            sigil,
            name: &key[1..],
            range: 0..key.len(),
            cast,
        });
    }
    for r in path_pieces(key) {
        let piece = &key[r.clone()];
        if let Some(sigil) = sigil_of(piece) {
            f(ReferenceIn {
                sigil,
                name: &piece[1..],
                range: r,
                cast,
            });
        }
    }
}

#[cfg(test)]
#[path = "reference_tests.rs"]
mod tests;
