//! Tokens inside a template action (`{{ ... }}`).

use std::ops::Range;

use super::parse::Error;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Word(String),
    Dot(Vec<String>),
    Var(String, Vec<String>),
    Str(String),
    Num(f64),
    Pipe,
    Open,
    Close,
    Declare,
    Assign,
    Comma,
}

pub(super) fn lex(s: &str, offset: usize) -> Result<Vec<(Tok, Range<usize>)>, Error> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let fields = |i: &mut usize| -> Vec<String> {
        let mut f = Vec::new();
        while *i < b.len() && b[*i] == b'.' {
            let start = *i + 1;
            let mut j = start;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j == start {
                break;
            }
            f.push(s[start..j].to_string());
            *i = j;
        }
        f
    };
    while i < b.len() {
        let start = i;
        let c = b[i];
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'|' => {
                i += 1;
                Tok::Pipe
            }
            b'(' => {
                i += 1;
                Tok::Open
            }
            b')' => {
                i += 1;
                Tok::Close
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b':' if b.get(i + 1) == Some(&b'=') => {
                i += 2;
                Tok::Declare
            }
            b'=' => {
                i += 1;
                Tok::Assign
            }
            b'.' => {
                let f = fields(&mut i);
                if f.is_empty() {
                    i += 1;
                }
                Tok::Dot(f)
            }
            b'$' => {
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                let name = s[i..j].to_string();
                i = j;
                Tok::Var(name, fields(&mut i))
            }
            b'"' | b'`' => {
                let (text, end) = string(s, i).ok_or((
                    offset + i..offset + s.len(),
                    "unterminated string".to_string(),
                ))?;
                i = end;
                Tok::Str(text)
            }
            b'\'' => {
                let end = s[i + 1..].find('\'').map(|e| i + 1 + e).ok_or((
                    offset + i..offset + s.len(),
                    "unterminated character".to_string(),
                ))?;
                let text = s[i + 1..end].to_string();
                i = end + 1;
                Tok::Num(text.chars().next().map_or(0.0, |c| f64::from(u32::from(c))))
            }
            c if c.is_ascii_digit() || c == b'-' || c == b'+' => {
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'.' || b[j] == b'_')
                {
                    j += 1;
                }
                let n = s[i..j].replace('_', "");
                i = j;
                Tok::Num(
                    n.parse().map_err(|_| {
                        (offset + start..offset + j, format!("`{n}` is not a number"))
                    })?,
                )
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                let word = s[i..j].to_string();
                i = j;
                Tok::Word(word)
            }
            _ => {
                return Err((
                    offset + i..offset + i + 1,
                    format!("unexpected `{}` in an action", c as char),
                ))
            }
        };
        // Fields after a closing parenthesis: `(include ...).x`.
        out.push((tok, offset + start..offset + i));
    }
    Ok(out)
}

/// A Go string literal starting at `i` (`"..."` with escapes, or a raw `` `...` ``).
fn string(s: &str, i: usize) -> Option<(String, usize)> {
    let b = s.as_bytes();
    if b[i] == b'`' {
        let end = s[i + 1..].find('`')? + i + 1;
        return Some((s[i + 1..end].to_string(), end + 1));
    }
    let mut out = String::new();
    let mut chars = s[i + 1..].char_indices();
    while let Some((j, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1 + j + 1)),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                other => {
                    out.push('\\');
                    out.push(other);
                }
            },
            c => out.push(c),
        }
    }
    None
}
