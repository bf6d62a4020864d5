//! The policy `id` the node computes (§1.5): md5 of Python's `repr` of the policy without
//! `id`, `date` and `ledger` — or, for `table` and `cluster` policies, of a field list.

use md5::{Digest, Md5};
use serde_json::Value as Json;

use crate::resolve::value::python_float_repr;
use crate::syntax::bytes::{zero_bytes, ONES};

/// Keys the node adds and leaves out of the hash.
const NOT_HASHED: [&str; 3] = ["id", "date", "ledger"];

/// The id the node would compute for `policy` (a one-key object holding an object), or `None`
/// when the shape is not a policy.
pub fn compute_id(policy: &Json) -> Option<String> {
    id_of(policy)
}

/// A policy tree the id is computed over: a JSON value, or the syntax tree in its stored form
/// (`crate::emit::views`), so both give the same id without building one from the other.
pub(crate) trait Hashed<'a>: Copy {
    /// The entries of an object (keys unique, in order), or `None` when it is not one.
    fn entries(self) -> Option<Vec<(&'a str, Self)>>;
    /// Python `repr()` of the value, appended to `out`.
    fn write_repr(self, out: &mut ReprOut);
    /// Python `str()` of the value (a string without quotes, everything else as `repr`).
    fn write_str(self, out: &mut ReprOut);
}

impl<'a> Hashed<'a> for &'a Json {
    fn entries(self) -> Option<Vec<(&'a str, Self)>> {
        Some(
            self.as_object()?
                .iter()
                .map(|(k, v)| (k.as_str(), v))
                .collect(),
        )
    }
    fn write_repr(self, out: &mut ReprOut) {
        write_repr(self, out);
    }
    fn write_str(self, out: &mut ReprOut) {
        match self {
            Json::String(s) => out.push_str(s),
            other => write_repr(other, out),
        }
    }
}

/// [`compute_id`] over any [`Hashed`] tree.
pub(crate) fn id_of<'a, T: Hashed<'a>>(policy: T) -> Option<String> {
    let root = policy.entries()?;
    let [(policy_type, inner)] = root[..] else {
        return None;
    };
    let inner = inner.entries()?;
    let mut out = ReprOut::hashing();
    match hash_fields(policy_type) {
        Some(fields) => {
            out.push_str(policy_type);
            out.push(':');
            for f in fields {
                if let Some(&(_, v)) = inner.iter().find(|(k, _)| k == f) {
                    out.push_str(f);
                    out.push(':');
                    v.write_str(&mut out);
                    out.push(':');
                }
            }
        }
        None => {
            // `repr({type: inner without id, date, ledger})`, written without copying the tree.
            out.push('{');
            write_str_repr(policy_type, &mut out);
            out.push_str(": {");
            let hashed = inner.iter().filter(|(k, _)| !NOT_HASHED.contains(k));
            for (i, &(k, v)) in hashed.enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str_repr(k, &mut out);
                out.push_str(": ");
                v.write_repr(&mut out);
            }
            out.push_str("}}");
        }
    }
    Some(out.hex_digest())
}

/// Where a Python `repr` is written: a text kept whole, or fed to md5 a block at a time (the
/// `repr` of a 10 MB policy was built whole, and its doubling buffer touched 30 MB).
pub(crate) struct ReprOut {
    text: String,
    hasher: Option<Md5>,
}

/// How much `repr` text is held before it is fed to md5.
const HASH_BLOCK: usize = 64 * 1024;

impl ReprOut {
    /// A sink that keeps the whole text.
    #[cfg(test)]
    fn text() -> ReprOut {
        ReprOut {
            text: String::new(),
            hasher: None,
        }
    }

    fn hashing() -> ReprOut {
        ReprOut {
            text: String::with_capacity(HASH_BLOCK + 1024),
            hasher: Some(Md5::new()),
        }
    }

    /// Appends a character.
    pub(crate) fn push(&mut self, c: char) {
        self.text.push(c);
        self.flush_full();
    }

    /// Appends a text in single quotes (one check of the block, not three).
    pub(crate) fn push_quoted(&mut self, s: &str) {
        if s.len() >= HASH_BLOCK {
            self.push('\'');
            self.push_str(s);
            self.push('\'');
            return;
        }
        self.text.reserve(s.len() + 2);
        self.text.push('\'');
        self.text.push_str(s);
        self.text.push('\'');
        self.flush_full();
    }

    /// Appends a text.
    pub(crate) fn push_str(&mut self, s: &str) {
        match &mut self.hasher {
            // A long text goes to md5 directly, after what is held.
            Some(hasher) if s.len() >= HASH_BLOCK => {
                hasher.update(self.text.as_bytes());
                self.text.clear();
                hasher.update(s.as_bytes());
            }
            _ => {
                self.text.push_str(s);
                self.flush_full();
            }
        }
    }

    fn flush_full(&mut self) {
        if let Some(hasher) = self
            .hasher
            .as_mut()
            .filter(|_| self.text.len() >= HASH_BLOCK)
        {
            hasher.update(self.text.as_bytes());
            self.text.clear();
        }
    }

    /// The md5 of everything written, in lower-case hex.
    fn hex_digest(self) -> String {
        let mut hasher = self.hasher.unwrap_or_default();
        hasher.update(self.text.as_bytes());
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

fn hash_fields(policy_type: &str) -> Option<&'static [&'static str]> {
    match policy_type {
        "table" => Some(&["company", "name", "dbms"]),
        "cluster" => Some(&["company", "name", "parent", "table"]),
        _ => None,
    }
}

/// Python `repr()` of the value the node holds after parsing this JSON.
#[cfg(test)]
fn python_repr(value: &Json) -> String {
    let mut out = ReprOut::text();
    write_repr(value, &mut out);
    out.text
}

/// Python `repr()` of the value the node holds after parsing this JSON, appended to `out` (one buffer for the whole policy, not one per value).
pub(crate) fn write_repr(value: &Json, out: &mut ReprOut) {
    match value {
        Json::Null => out.push_str("None"),
        Json::Bool(true) => out.push_str("True"),
        Json::Bool(false) => out.push_str("False"),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else {
                out.push_str(&python_float_repr(n.as_f64().unwrap_or(f64::NAN)));
            }
        }
        Json::String(s) => write_str_repr(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(item, out);
            }
            out.push(']');
        }
        Json::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str_repr(k, out);
                out.push_str(": ");
                write_repr(v, out);
            }
            out.push('}');
        }
    }
}

/// Python `repr(str)` appended to `out`: single quotes unless the text has `'` and no `"`;
/// escapes as CPython.
pub(crate) fn write_str_repr(s: &str, out: &mut ReprOut) {
    // Printable ASCII without quotes or backslashes (nearly every policy string) is as is,
    // in single quotes.
    if !needs_escape(s.as_bytes()) {
        out.push_quoted(s);
        return;
    }
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            ' '..='~' if c != quote && c != '\\' => out.push(c),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
}

/// Whether `s` holds a byte that is not printable ASCII, or a quote or backslash. A fold
/// without early exit (vectorized) over the whole blocks of 16 bytes, then the last 16 bytes
/// as two overlapping words, so no byte loop runs for the tail of a long string.
fn needs_escape(s: &[u8]) -> bool {
    let special = |b: u8| !(b' '..=b'~').contains(&b) | matches!(b, b'\\' | b'\'' | b'"');
    let n = s.len();
    if n < 16 {
        return s.iter().fold(false, |any, &b| any | special(b));
    }
    let word = |i: usize| u64::from_le_bytes(s[i..i + 8].try_into().unwrap_or([0; 8]));
    s[..n & !15].iter().fold(false, |any, &b| any | special(b))
        || special_word(word(n - 16)) != 0
        || special_word(word(n - 8)) != 0
}

/// Nonzero when a byte of `w` is below `' '`, above `'~'`, or a quote or backslash. (A carry
/// or borrow starts only at such a byte, so a word without one gives zero.)
fn special_word(w: u64) -> u64 {
    let control = w.wrapping_sub(ONES * 0x20) & !w;
    let high = w | w.wrapping_add(ONES);
    let quotes = [b'\\', b'\'', b'"']
        .iter()
        .fold(0, |hits, &q| hits | zero_bytes(w ^ (ONES * u64::from(q))));
    (control | high | quotes) & (ONES << 7)
}

/// An approximation of Python's `str.isprintable` (no control, format or separator characters
/// other than the ASCII space).
fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c as u32, 0xAD | 0x600..=0x605 | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x2064 | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_string_needs_escape_only_with_a_byte_python_escapes() {
        let special = |b: u8| !(b' '..=b'~').contains(&b) || matches!(b, b'\\' | b'\'' | b'"');
        // Every length through the byte loop, the blocks and the two tail words, one byte
        // at every place among neighbours next to the special ranges.
        for len in 0..=48 {
            for at in 0..=len {
                for byte in [
                    0x00, 0x1f, 0x20, b'"', b'\'', b'\\', b'~', 0x7f, 0x80, 0xff, b'a',
                ] {
                    let mut text: Vec<u8> =
                        (0..len).map(|i| [0x20, 0x21, 0x7e, 0x5b][i % 4]).collect();
                    if at < len {
                        text[at] = byte;
                    }
                    let naive = text.iter().any(|&b| special(b));
                    assert_eq!(needs_escape(&text), naive, "len {len}, at {at}, {byte}");
                }
            }
        }
    }

    #[test]
    fn s1_5_worked_example_one() {
        let p = json!({"config": {"name": "operator-new_company-configs", "company": "New Company", "node_type": "operator", "port": "!anylog_server_port.int", "script": ["run scheduler 1"]}});
        assert_eq!(
            python_repr(&p),
            "{'config': {'name': 'operator-new_company-configs', 'company': 'New Company', 'node_type': 'operator', 'port': '!anylog_server_port.int', 'script': ['run scheduler 1']}}"
        );
        assert_eq!(compute_id(&p).unwrap(), "80555cc8b3467cade31eb5b2fd8d744f");
    }

    #[test]
    fn s1_5_worked_example_two_quotes_floats_none_unicode() {
        let p: Json = serde_json::from_str(r#"{"config": {"name": "it's \"q\"", "n": 1.0, "big": 1e16, "small": 0.00001, "b": true, "z": null, "l": [1, "a"], "u": "\u00e9", "t": "a\tb"}}"#).unwrap();
        assert_eq!(
            python_repr(&p),
            r#"{'config': {'name': 'it\'s "q"', 'n': 1.0, 'big': 1e+16, 'small': 1e-05, 'b': True, 'z': None, 'l': [1, 'a'], 'u': 'é', 't': 'a\tb'}}"#
        );
        assert_eq!(compute_id(&p).unwrap(), "0c7497163043f177ea914cf0ac47314d");
    }

    #[test]
    fn s1_5_table_policy_uses_its_field_list() {
        let p = json!({"table": {"name": "syslog", "dbms": "monitoring", "ledger": "global"}});
        assert_eq!(compute_id(&p).unwrap(), "011886bb90df2d265ab9a0854eddf07f");
    }

    #[test]
    fn s1_5_id_date_and_ledger_are_not_hashed() {
        let with = json!({"config": {"name": "x", "id": "abc", "date": "d", "ledger": "global"}});
        let without = json!({"config": {"name": "x"}});
        assert_eq!(compute_id(&with), compute_id(&without));
    }

    #[test]
    fn a_policy_longer_than_a_hash_block_hashes_its_whole_repr() {
        // Many short strings (fed in blocks) and one string longer than a block (fed at once).
        let mut script: Vec<Json> = (0..3000)
            .map(|i| json!(format!("run scheduler {i} where name = 'x'")))
            .collect();
        script.push(json!("y".repeat(3 * HASH_BLOCK)));
        script.push(json!("é\n"));
        let p = json!({"config": {"name": "long", "script": script}});
        let whole = python_repr(&p);
        assert!(whole.len() > 3 * HASH_BLOCK);
        let expected: String = Md5::digest(whole.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(compute_id(&p).unwrap(), expected);
    }
}
