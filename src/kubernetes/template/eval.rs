//! Evaluation of parsed templates against Helm's data (`.Values`, `.Chart`, `.Release`), with
//! the sprig functions the EdgeLake charts use. Every stretch of output remembers where it
//! came from (template text, or the values line of a printed value), so the manifests read
//! back from the output point at the values files. Helm stops at the first error; so does
//! this. Work and output are bounded.

use std::collections::HashMap;
use std::ops::Range;

use indexmap::IndexMap;

use crate::resolve::env_layers::EnvOrigin;
use crate::source::{FileId, Span};

use super::super::values::{go_float, Kind, Value};
use super::parse::{Arg, Node, Pipe};

/// Steps (nodes, commands, loop iterations) one chart may take.
const MAX_STEPS: usize = 5_000_000;
/// Output one chart may produce.
pub const MAX_OUTPUT: usize = 16 * 1024 * 1024;
/// `include`/`template` depth.
const MAX_DEPTH: usize = 64;

/// Where a stretch of output came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A printed value from a values file, with the lines it overrode.
    Value(EnvOrigin, Vec<EnvOrigin>),
    /// Template text.
    Template(Span),
}

/// Rendered text with the origin of each stretch.
#[derive(Clone, Debug, Default)]
pub struct Output {
    /// The text.
    pub text: String,
    /// `(range in text, origin)`, in order.
    pub segments: Vec<(Range<usize>, Origin)>,
}

impl Output {
    fn push(&mut self, text: &str, origin: Origin) {
        let start = self.text.len();
        self.text.push_str(text);
        if !text.is_empty() {
            self.segments.push((start..self.text.len(), origin));
        }
    }

    /// The origin of the stretch holding byte `at`.
    pub fn origin_at(&self, at: usize) -> Option<(&Range<usize>, &Origin)> {
        let i = self.segments.partition_point(|(r, _)| r.end <= at);
        self.segments
            .get(i)
            .filter(|(r, _)| r.start <= at)
            .map(|(r, o)| (r, o))
    }
}

/// A template file: its id, text and parsed nodes.
pub struct File<'t> {
    /// The source id (for spans).
    pub id: FileId,
    /// The text.
    pub text: &'t str,
    /// The nodes.
    pub nodes: &'t [Node],
}

/// A render failure: where and what Helm (or elpc's renderer) says.
pub type Failure = (Span, String);

/// Renders templates: `defines` are every `define` of the chart, by name.
pub struct Renderer<'t> {
    /// Every file, by index.
    pub files: Vec<File<'t>>,
    /// `define`d templates: name → (file index, body).
    pub defines: HashMap<String, (usize, &'t [Node])>,
    steps: usize,
    depth: usize,
}

type Vars = Vec<(String, Value)>;

impl<'t> Renderer<'t> {
    /// A renderer over these files.
    pub fn new(
        files: Vec<File<'t>>,
        defines: HashMap<String, (usize, &'t [Node])>,
    ) -> Renderer<'t> {
        Renderer {
            files,
            defines,
            steps: 0,
            depth: 0,
        }
    }

    /// Renders file `index` with `dot` as the data.
    pub fn render(&mut self, index: usize, dot: &Value) -> Result<Output, Failure> {
        let mut out = Output::default();
        let nodes = self.files[index].nodes;
        let mut vars = vec![("$".to_string(), dot.clone())];
        self.nodes(index, nodes, dot, &mut vars, &mut out)?;
        Ok(out)
    }

    fn span(&self, file: usize, range: &Range<usize>) -> Span {
        Span::new(self.files[file].id, range.clone())
    }

    fn step(&mut self, file: usize, at: &Range<usize>) -> Result<(), Failure> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err((
                self.span(file, at),
                format!("the chart takes more than {MAX_STEPS} template steps"),
            ));
        }
        Ok(())
    }

    fn nodes(
        &mut self,
        file: usize,
        nodes: &[Node],
        dot: &Value,
        vars: &mut Vars,
        out: &mut Output,
    ) -> Result<(), Failure> {
        let scope = vars.len();
        for node in nodes {
            if out.text.len() > MAX_OUTPUT {
                return Err((
                    self.span(file, &(0..0)),
                    format!("the chart renders more than {} MiB", MAX_OUTPUT >> 20),
                ));
            }
            match node {
                Node::Text(r) => {
                    let text = &self.files[file].text[r.clone()];
                    out.push(text, Origin::Template(self.span(file, r)));
                }
                Node::Action(pipe) => {
                    self.step(file, &pipe.at)?;
                    let v = self.pipe(file, pipe, dot, vars)?;
                    if pipe.decl.is_empty() {
                        let origin = match &v.origin {
                            Some(o) => Origin::Value(o.clone(), v.overrides.clone()),
                            None => Origin::Template(self.span(file, &pipe.at)),
                        };
                        out.push(&v.print(), origin);
                    }
                }
                Node::If {
                    with,
                    branches,
                    otherwise,
                } => {
                    let mut taken = false;
                    for (cond, body) in branches {
                        self.step(file, &cond.at)?;
                        let v = self.pipe(file, cond, dot, vars)?;
                        if v.is_true() {
                            let inner_dot = if *with { v } else { dot.clone() };
                            self.nodes(file, body, &inner_dot, vars, out)?;
                            taken = true;
                            break;
                        }
                    }
                    if !taken {
                        self.nodes(file, otherwise, dot, vars, out)?;
                    }
                }
                Node::Range {
                    pipe,
                    body,
                    otherwise,
                } => {
                    let collection = self.pipe_value(file, pipe, dot, vars)?;
                    let items: Vec<(Value, Value)> = match &collection.kind {
                        Kind::List(l) => l
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (Value::plain(Kind::Number(i as f64)), v.clone()))
                            .collect(),
                        Kind::Map(m) => {
                            let mut keys: Vec<&String> = m.keys().collect();
                            keys.sort();
                            keys.into_iter()
                                .map(|k| (Value::plain(Kind::Str(k.clone())), m[k].clone()))
                                .collect()
                        }
                        Kind::Null => Vec::new(),
                        _ => {
                            return Err((
                                self.span(file, &pipe.at),
                                format!("range can't iterate over {}", collection.print()),
                            ))
                        }
                    };
                    if items.is_empty() {
                        self.nodes(file, otherwise, dot, vars, out)?;
                    }
                    for (key, item) in items {
                        self.step(file, &pipe.at)?;
                        let mark = vars.len();
                        match pipe.decl.as_slice() {
                            [v] => vars.push((v.clone(), item.clone())),
                            [k, v] => {
                                vars.push((k.clone(), key));
                                vars.push((v.clone(), item.clone()));
                            }
                            _ => {}
                        }
                        self.nodes(file, body, &item, vars, out)?;
                        vars.truncate(mark);
                    }
                }
                Node::Template { name, pipe, at } => {
                    let inner = match pipe {
                        Some(p) => self.pipe(file, p, dot, vars)?,
                        None => Value::plain(Kind::Null),
                    };
                    let rendered = self.include(file, at, name, &inner)?;
                    let base = out.text.len();
                    out.text.push_str(&rendered.text);
                    out.segments.extend(
                        rendered
                            .segments
                            .into_iter()
                            .map(|(r, o)| (r.start + base..r.end + base, o)),
                    );
                }
            }
        }
        vars.truncate(scope);
        Ok(())
    }

    fn include(
        &mut self,
        file: usize,
        at: &Range<usize>,
        name: &str,
        dot: &Value,
    ) -> Result<Output, Failure> {
        let Some(&(def_file, body)) = self.defines.get(name) else {
            return Err((
                self.span(file, at),
                format!("no template \"{name}\" associated with template"),
            ));
        };
        if self.depth >= MAX_DEPTH {
            return Err((
                self.span(file, at),
                format!("templates include each other more than {MAX_DEPTH} deep"),
            ));
        }
        self.depth += 1;
        let mut out = Output::default();
        let mut vars = vec![("$".to_string(), dot.clone())];
        let result = self.nodes(def_file, body, dot, &mut vars, &mut out);
        self.depth -= 1;
        result.map(|()| out)
    }

    /// A pipeline's value, declaring its variables.
    fn pipe(
        &mut self,
        file: usize,
        pipe: &Pipe,
        dot: &Value,
        vars: &mut Vars,
    ) -> Result<Value, Failure> {
        let v = self.pipe_value(file, pipe, dot, vars)?;
        if let [name] = pipe.decl.as_slice() {
            match vars.iter_mut().rev().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = v.clone(),
                None => vars.push((name.clone(), v.clone())),
            }
        }
        Ok(v)
    }

    fn pipe_value(
        &mut self,
        file: usize,
        pipe: &Pipe,
        dot: &Value,
        vars: &mut Vars,
    ) -> Result<Value, Failure> {
        let mut last: Option<Value> = None;
        for command in &pipe.commands {
            self.step(file, &pipe.at)?;
            last = Some(self.command(file, &pipe.at, command, last, dot, vars)?);
        }
        Ok(last.unwrap_or(Value::plain(Kind::Null)))
    }

    fn command(
        &mut self,
        file: usize,
        at: &Range<usize>,
        args: &[Arg],
        piped: Option<Value>,
        dot: &Value,
        vars: &mut Vars,
    ) -> Result<Value, Failure> {
        let fail = |s: &Self, m: String| Err((s.span(file, at), m));
        let Some(first) = args.first() else {
            return fail(self, "empty command".into());
        };
        if let Arg::Func(name, range) = first {
            let mut values = Vec::new();
            for a in &args[1..] {
                values.push(self.operand(file, at, a, dot, vars)?);
            }
            values.extend(piped);
            return self.call(file, range, name, values);
        }
        if args.len() > 1 || piped.is_some() {
            return fail(self, "can't give argument to non-function".into());
        }
        self.operand(file, at, first, dot, vars)
    }

    fn operand(
        &mut self,
        file: usize,
        at: &Range<usize>,
        arg: &Arg,
        dot: &Value,
        vars: &mut Vars,
    ) -> Result<Value, Failure> {
        let span = self.span(file, at);
        match arg {
            Arg::Field(fields) => fields_of(dot, fields).map_err(|m| (span, m)),
            Arg::Var(name, fields) => {
                let Some((_, v)) = vars.iter().rev().find(|(n, _)| n == name) else {
                    return Err((span, format!("undefined variable \"{name}\"")));
                };
                let v = v.clone();
                fields_of(&v, fields).map_err(|m| (span, m))
            }
            Arg::Str(s) => Ok(Value::plain(Kind::Str(s.clone()))),
            Arg::Num(n) => Ok(Value::plain(Kind::Number(*n))),
            Arg::Bool(b) => Ok(Value::plain(Kind::Bool(*b))),
            Arg::Nil => Ok(Value::plain(Kind::Null)),
            Arg::Func(name, range) => self.call(file, range, name, Vec::new()),
            Arg::Paren(pipe, fields) => {
                let v = self.pipe_value(file, pipe, dot, vars)?;
                fields_of(&v, fields).map_err(|m| (span, m))
            }
        }
    }

    fn call(
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

/// `.A.B` on a value: a missing key is nil; a field of nil or of a non-map fails as in Go.
fn fields_of(v: &Value, fields: &[String]) -> Result<Value, String> {
    let mut cur = v.clone();
    for f in fields {
        cur = match &cur.kind {
            Kind::Map(m) => m.get(f).cloned().unwrap_or(Value::plain(Kind::Null)),
            Kind::Null => return Err(format!("nil pointer evaluating interface {{}}.{f}")),
            _ => {
                return Err(format!(
                    "can't evaluate field {f} in type {}",
                    cur.go_type()
                ))
            }
        };
    }
    Ok(cur)
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
