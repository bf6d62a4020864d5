//! The functions a template can call: Go's builtins and the sprig functions the EdgeLake
//! charts use (`elpc explain chart-render` lists them), with Go's and Helm's semantics where
//! they decide the output.

use std::ops::Range;

use indexmap::IndexMap;

use super::super::values::{go_float, Kind, Value};
use super::eval::{Failure, Origin, Renderer};

impl Renderer<'_> {
    /// Calls function `name` (the piped value is the last argument).
    pub(super) fn call(
        &mut self,
        file: usize,
        at: &Range<usize>,
        name: &str,
        args: Vec<Value>,
    ) -> Result<Value, Failure> {
        let span = self.span(file, at);
        let err = |m: String| Err((span, m));
        let text = |v: &Value| v.print();
        let s = |t: String| Ok(Value::plain(Kind::Str(t)));
        let n_args = |n: usize| -> Result<(), Failure> {
            if args.len() < n {
                Err((
                    span,
                    format!(
                        "wrong number of args for {name}: want {n} got {}",
                        args.len()
                    ),
                ))
            } else {
                Ok(())
            }
        };
        match name {
            "include" => {
                n_args(2)?;
                let out = self.include(file, at, &text(&args[0]), &args[1])?;
                let origin = out.segments.iter().find_map(|(_, o)| match o {
                    Origin::Value(o, ov) => Some((o.clone(), ov.clone())),
                    Origin::Template(_) => None,
                });
                Ok(Value {
                    kind: Kind::Str(out.text),
                    origin: origin.as_ref().map(|o| o.0.clone()),
                    overrides: origin.map(|o| o.1).unwrap_or_default(),
                })
            }
            "default" => {
                n_args(1)?;
                let mut it = args.into_iter();
                let fallback = it.next().unwrap_or(Value::plain(Kind::Null));
                match it.next() {
                    Some(v) if v.is_true() => Ok(v),
                    _ => Ok(fallback),
                }
            }
            "quote" => s(args
                .iter()
                .filter(|v| v.kind != Kind::Null)
                .map(|v| format!("{:?}", text(v)))
                .collect::<Vec<_>>()
                .join(" ")),
            "squote" => s(args
                .iter()
                .filter(|v| v.kind != Kind::Null)
                .map(|v| format!("'{}'", text(v)))
                .collect::<Vec<_>>()
                .join(" ")),
            "toYaml" => {
                n_args(1)?;
                s(to_yaml(&args[0], 0).trim_end_matches('\n').to_string())
            }
            "indent" | "nindent" => {
                n_args(2)?;
                let pad = " ".repeat(number(&args[0]).max(0.0) as usize);
                let body = text(&args[1])
                    .split('\n')
                    .map(|l| format!("{pad}{l}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                s(if name == "nindent" {
                    format!("\n{body}")
                } else {
                    body
                })
            }
            "trunc" => {
                n_args(2)?;
                let n = number(&args[0]) as i64;
                let t: Vec<char> = text(&args[1]).chars().collect();
                let len = t.len() as i64;
                let kept: String = if n >= 0 {
                    t.iter().take(n as usize).collect()
                } else {
                    t.iter().skip((len + n).max(0) as usize).collect()
                };
                s(kept)
            }
            "trimSuffix" => {
                n_args(2)?;
                let t = text(&args[1]);
                s(t.strip_suffix(text(&args[0]).as_str())
                    .unwrap_or(&t)
                    .to_string())
            }
            "trimPrefix" => {
                n_args(2)?;
                let t = text(&args[1]);
                s(t.strip_prefix(text(&args[0]).as_str())
                    .unwrap_or(&t)
                    .to_string())
            }
            "trim" => {
                n_args(1)?;
                s(text(&args[0]).trim().to_string())
            }
            "lower" => {
                n_args(1)?;
                s(text(&args[0]).to_lowercase())
            }
            "upper" => {
                n_args(1)?;
                s(text(&args[0]).to_uppercase())
            }
            "toString" => {
                n_args(1)?;
                s(text(&args[0]))
            }
            "replace" => {
                n_args(3)?;
                s(text(&args[2]).replace(&text(&args[0]), &text(&args[1])))
            }
            "contains" => {
                n_args(2)?;
                Ok(Value::plain(Kind::Bool(
                    text(&args[1]).contains(&text(&args[0])),
                )))
            }
            "printf" => {
                n_args(1)?;
                s(printf(&text(&args[0]), &args[1..]))
            }
            "print" => s(args.iter().map(text).collect::<Vec<_>>().join("")),
            "int" | "int64" => {
                n_args(1)?;
                Ok(Value::plain(Kind::Number(number(&args[0]).trunc())))
            }
            "b64enc" => {
                n_args(1)?;
                s(b64(text(&args[0]).as_bytes()))
            }
            "not" => {
                n_args(1)?;
                Ok(Value::plain(Kind::Bool(!args[0].is_true())))
            }
            "empty" => {
                n_args(1)?;
                Ok(Value::plain(Kind::Bool(!args[0].is_true())))
            }
            "and" => {
                n_args(1)?;
                Ok(args
                    .iter()
                    .find(|v| !v.is_true())
                    .or(args.last())
                    .cloned()
                    .unwrap_or(Value::plain(Kind::Null)))
            }
            "or" => {
                n_args(1)?;
                Ok(args
                    .iter()
                    .find(|v| v.is_true())
                    .or(args.last())
                    .cloned()
                    .unwrap_or(Value::plain(Kind::Null)))
            }
            "eq" | "ne" => {
                n_args(2)?;
                let mut equal = false;
                for other in &args[1..] {
                    match go_compare(&args[0], other) {
                        Ok(Some(std::cmp::Ordering::Equal)) => equal = true,
                        Ok(_) => {}
                        Err(()) => {
                            return err(format!(
                                "error calling {name}: incompatible types for comparison"
                            ))
                        }
                    }
                }
                Ok(Value::plain(Kind::Bool(if name == "eq" {
                    equal
                } else {
                    !equal
                })))
            }
            "lt" | "le" | "gt" | "ge" => {
                n_args(2)?;
                let Ok(Some(ord)) = go_compare(&args[0], &args[1]) else {
                    return err(format!(
                        "error calling {name}: incompatible types for comparison"
                    ));
                };
                use std::cmp::Ordering::*;
                let r = match name {
                    "lt" => ord == Less,
                    "le" => ord != Greater,
                    "gt" => ord == Greater,
                    _ => ord != Less,
                };
                Ok(Value::plain(Kind::Bool(r)))
            }
            "required" => {
                n_args(2)?;
                match &args[1].kind {
                    Kind::Null => err(text(&args[0])),
                    Kind::Str(t) if t.is_empty() => err(text(&args[0])),
                    _ => Ok(args[1].clone()),
                }
            }
            "fail" => {
                n_args(1)?;
                err(text(&args[0]))
            }
            other => err(format!(
                "the function `{other}` is not supported by elpc's template renderer"
            )),
        }
    }
}

fn number(v: &Value) -> f64 {
    match &v.kind {
        Kind::Number(n) => *n,
        Kind::Str(s) => s.trim().parse().unwrap_or(0.0),
        Kind::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// Go's `eq`/`lt` on basic kinds: `Ok(None)` when one side is nil (never equal), `Err` for
/// two values of different kinds.
fn go_compare(a: &Value, b: &Value) -> Result<Option<std::cmp::Ordering>, ()> {
    match (&a.kind, &b.kind) {
        (Kind::Null, _) | (_, Kind::Null) => Ok(None),
        (Kind::Str(x), Kind::Str(y)) => Ok(Some(x.cmp(y))),
        (Kind::Number(x), Kind::Number(y)) => Ok(x.partial_cmp(y)),
        (Kind::Bool(x), Kind::Bool(y)) => Ok(Some(x.cmp(y))),
        _ => Err(()),
    }
}

/// `printf` with `%s`, `%v`, `%d`, `%q` and `%%`.
fn printf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(verb) => match args.next() {
                Some(v) => match verb {
                    'q' => out.push_str(&format!("{:?}", v.print())),
                    'd' => out.push_str(&format!("{}", number(v) as i64)),
                    _ => out.push_str(&v.print()),
                },
                None => out.push_str(&format!("%!{verb}(MISSING)")),
            },
            None => out.push_str("%!(NOVERB)"),
        }
    }
    out
}

/// `toYaml`: keys sorted, strings quoted when YAML would read them as something else.
fn to_yaml(v: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match &v.kind {
        Kind::Map(m) if !m.is_empty() => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            keys.iter()
                .map(|k| match &m[*k].kind {
                    Kind::Map(inner) if !inner.is_empty() => {
                        format!("{pad}{k}:\n{}", to_yaml(&m[*k], indent + 2))
                    }
                    Kind::List(l) if !l.is_empty() => {
                        format!("{pad}{k}:\n{}", to_yaml(&m[*k], indent))
                    }
                    _ => format!("{pad}{k}: {}\n", scalar_yaml(&m[*k])),
                })
                .collect()
        }
        Kind::List(l) if !l.is_empty() => l
            .iter()
            .map(|i| format!("{pad}- {}\n", scalar_yaml(i)))
            .collect(),
        _ => format!("{}\n", scalar_yaml(v)),
    }
}

fn scalar_yaml(v: &Value) -> String {
    match &v.kind {
        Kind::Null => "null".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Number(n) => go_float(*n),
        Kind::Str(s)
            if s.is_empty()
                || s.parse::<f64>().is_ok()
                || matches!(
                    s.as_str(),
                    "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
                )
                || s.contains(": ")
                || s.starts_with(['*', '&', '!', '{', '[', '#', '"', '\'']) =>
        {
            format!("{s:?}")
        }
        Kind::Str(s) => s.clone(),
        Kind::Map(_) => "{}".into(),
        Kind::List(_) => "[]".into(),
    }
}

fn b64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Helm's `.Chart` from `Chart.yaml` keys (`name` → `Name`, `appVersion` → `AppVersion`).
pub fn chart_object(chart_yaml: Option<&Value>) -> Value {
    let mut m = IndexMap::new();
    if let Some(Value {
        kind: Kind::Map(keys),
        ..
    }) = chart_yaml
    {
        for (k, v) in keys {
            let mut name: Vec<char> = k.chars().collect();
            if let Some(c) = name.first_mut() {
                *c = c.to_ascii_uppercase();
            }
            m.insert(name.into_iter().collect(), v.clone());
        }
    }
    Value::plain(Kind::Map(m))
}
