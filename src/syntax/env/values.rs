//! Value bodies: escapes, quotes and `$` interpolation (compose-go `template` semantics).

use pest::iterators::Pairs;
use pest::Parser as _;

use super::grammar::{EnvGrammar, Rule as R};
use super::{EnvParser, ValuePart, VarModifier, MAX_NESTING};

impl EnvParser<'_, '_> {
    /// Splits an unquoted (`double == false`) or double-quoted value body starting at `base`.
    /// The parts are kept as long as the compilation, without spare room (a vector's first
    /// growth leaves room for four parts, 288 bytes for the one nearly every value has).
    pub(super) fn template(&mut self, body: &str, base: usize, double: bool) -> Vec<ValuePart> {
        let mut parts = self.template_parts(body, base, double);
        parts.shrink_to_fit();
        parts
    }

    fn template_parts(&mut self, body: &str, base: usize, double: bool) -> Vec<ValuePart> {
        let mut out = Parts::default();
        if nesting(body) > MAX_NESTING {
            self.error(
                base,
                base + body.len(),
                format!("braces nested more than {MAX_NESTING} levels deep in one value"),
                "too deeply nested",
                "no real configuration needs this; simplify the `${...}` references",
            );
            out.lit(&normalize_newlines(body));
            return out.0;
        }
        // No `\`, and each `$` a `$$`, a `$NAME`, a closed `${NAME}` or a lone `$`: read here
        // (the differential test of `parse_env` holds this to the grammar too).
        if self.fast {
            if let Some(parts) = self.plain_template(body, base, double) {
                return parts.0;
            }
        }
        let rule = if double {
            R::dq_template
        } else {
            R::uq_template
        };
        match EnvGrammar::parse(rule, body) {
            Ok(pairs) => self.parts(pairs, base, &mut out),
            Err(_) => out.lit(body),
        }
        out.0
    }

    /// The value grammar's reading of `body` when it holds no `\` (in double quotes) and its
    /// only `$` are `$$`, `$NAME`, `${NAME}` closed, or a `$` starting none of these; `None`
    /// (nothing reported) otherwise. Literal text between them is taken as the grammar's
    /// literal rules take it (a double-quoted run with its `\r\n` made `\n`).
    fn plain_template(&self, body: &str, base: usize, double: bool) -> Option<Parts> {
        let bytes = body.as_bytes();
        // A `\` is an escape only in double quotes (an unquoted value has none).
        if double && bytes.contains(&b'\\') {
            return None;
        }
        let mut out = Parts::default();
        let mut run = 0; // where the pending literal text starts
        let mut i = 0;
        let lit = |out: &mut Parts, text: &str| {
            if double {
                out.lit(&normalize_newlines(text));
            } else {
                out.lit(text);
            }
        };
        // Where a name starting at `from` ends (`None`: no name starts there).
        let name_at = |from: usize| {
            let starts = bytes
                .get(from)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
            starts.then(|| {
                let rest = &bytes[from..];
                let len = rest
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                    .unwrap_or(rest.len());
                from + len
            })
        };
        while let Some(at) = bytes[i..].iter().position(|&b| b == b'$').map(|p| i + p) {
            lit(&mut out, &body[run..at]);
            i = match bytes.get(at + 1) {
                Some(b'$') => {
                    out.lit("$");
                    at + 2
                }
                Some(b'{') => {
                    let end = name_at(at + 2)?;
                    if bytes.get(end) != Some(&b'}') {
                        return None; // a modifier, or no closed reference: the grammar's
                    }
                    out.0.push(ValuePart::Var {
                        name: body[at + 2..end].to_string(),
                        span: self.span(base + at, base + end + 1),
                        modifier: None,
                    });
                    end + 1
                }
                _ => match name_at(at + 1) {
                    Some(end) => {
                        out.0.push(ValuePart::Var {
                            name: body[at + 1..end].to_string(),
                            span: self.span(base + at, base + end),
                            modifier: None,
                        });
                        end
                    }
                    None => {
                        out.lit("$");
                        at + 1
                    }
                },
            };
            run = i;
        }
        lit(&mut out, &body[run..]);
        Some(out)
    }

    fn parts(&mut self, pairs: Pairs<'_, R>, base: usize, out: &mut Parts) {
        for p in pairs {
            let (s, e) = (base + p.as_span().start(), base + p.as_span().end());
            match p.as_rule() {
                R::lit | R::arg_lit => out.lit(p.as_str()),
                R::dq_lit | R::dq_arg_lit => out.lit(&normalize_newlines(p.as_str())),
                R::escaped_dollar | R::lone_dollar => out.lit("$"),
                R::escape => out.lit(&unescape(p.as_str())),
                R::named => {
                    let name = p.as_str().trim_start_matches('$').to_string();
                    out.0.push(ValuePart::Var {
                        name,
                        span: self.span(s, e),
                        modifier: None,
                    });
                }
                R::uq_braced | R::dq_braced => {
                    let inner: Vec<_> = p.into_inner().collect();
                    if !inner.iter().any(|q| q.as_rule() == R::close) {
                        // Runs to the end of the value unclosed: the text as written, with an
                        // error at its `${` (what a failed reference reads as; see env.pest).
                        self.bad_braced(s);
                        out.lit("${");
                        for q in inner {
                            match q.as_rule() {
                                R::name | R::modifier => out.lit(q.as_str()),
                                _ => self.parts(q.into_inner(), base, out),
                            }
                        }
                        continue;
                    }
                    let mut name = String::new();
                    let mut modifier = None;
                    let mut op = None;
                    for q in inner {
                        match q.as_rule() {
                            R::name => name = q.as_str().to_string(),
                            R::modifier => op = modifier_of(q.as_str()),
                            R::close => {}
                            _ => {
                                let mut arg = Parts::default();
                                self.parts(q.into_inner(), base, &mut arg);
                                modifier = op.map(|m| (m, arg.0));
                            }
                        }
                    }
                    out.0.push(ValuePart::Var {
                        name,
                        span: self.span(s, e),
                        modifier,
                    });
                }
                R::uq_group | R::dq_group => {
                    out.lit("{");
                    for q in p.into_inner() {
                        match q.as_rule() {
                            R::close => out.lit("}"),
                            _ => self.parts(q.into_inner(), base, out),
                        }
                    }
                }
                R::bad_braced => {
                    self.bad_braced(s);
                    out.lit("${");
                }
                _ => self.parts(p.into_inner(), base, out),
            }
        }
    }
}

impl EnvParser<'_, '_> {
    /// The error for a `${` that does not start a closed `${NAME...}` reference.
    fn bad_braced(&mut self, at: usize) {
        self.error(
            at,
            at + 2,
            "`${` must be followed by a variable name and a closing `}`".into(),
            "not a valid `${...}` reference",
            "write `$${` for a literal `${`, or `${NAME}` / `${NAME:-default}`",
        );
    }
}

/// Value parts under construction; adjacent literals are merged.
#[derive(Default)]
struct Parts(Vec<ValuePart>);

impl Parts {
    fn lit(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(ValuePart::Literal(last)) = self.0.last_mut() {
            last.push_str(text);
        } else {
            if self.0.is_empty() {
                self.0.reserve_exact(1); // most values are one literal
            }
            self.0.push(ValuePart::Literal(text.to_string()));
        }
    }
}

fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Deepest `{` nesting (an upper bound of `${` nesting).
fn nesting(body: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in body.bytes() {
        match b {
            b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// A single-quoted body: literal except `\'`; any other backslash pair is kept whole.
pub(super) fn single_quoted(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\'') => out.push('\''),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    normalize_newlines(&out)
}

/// One double-quoted escape as compose expands it (Go rune-literal rules for a fixed set).
pub(super) fn unescape(esc: &str) -> String {
    let tail = esc.get(1..).unwrap_or("");
    let c = match tail {
        "a" => '\u{07}',
        "b" => '\u{08}',
        "f" => '\u{0C}',
        "n" => '\n',
        "r" => '\r',
        "t" => '\t',
        "v" => '\u{0B}',
        "$" => '$',
        "\"" => '"',
        "\\" => '\\',
        _ => {
            // `\0` plus up to three digits: compose rewrites it to `\ddd`, which is a byte
            // when it is exactly three octal digits up to 377; otherwise it stays as written.
            let digits = tail.get(1..).unwrap_or("");
            let octal = (digits.len() == 3)
                .then(|| u32::from_str_radix(digits, 8).ok())
                .flatten()
                .filter(|&v| v <= 0o377)
                .and_then(char::from_u32);
            return match octal {
                Some(c) => c.to_string(),
                None => format!("\\{digits}"),
            };
        }
    };
    c.to_string()
}

pub(super) fn modifier_of(op: &str) -> Option<VarModifier> {
    Some(match op {
        ":-" => VarModifier::DefaultIfUnsetOrEmpty,
        "-" => VarModifier::DefaultIfUnset,
        ":+" => VarModifier::AltIfSetNonEmpty,
        "+" => VarModifier::AltIfSet,
        ":?" => VarModifier::ErrorIfUnsetOrEmpty,
        "?" => VarModifier::ErrorIfUnset,
        _ => return None,
    })
}
