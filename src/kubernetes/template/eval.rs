//! Evaluation of parsed templates against Helm's data (`.Values`, `.Chart`, `.Release`), with
//! the sprig functions the EdgeLake charts use. Every stretch of output remembers where it
//! came from (template text, or the values line of a printed value), so the manifests read
//! back from the output point at the values files. Helm stops at the first error; so does
//! this. Work and output are bounded.

use std::collections::HashMap;
use std::ops::Range;

use crate::resolve::env_layers::EnvOrigin;
use crate::source::{FileId, Span};

use super::super::values::{Kind, Value};
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

    pub(super) fn span(&self, file: usize, range: &Range<usize>) -> Span {
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

    pub(super) fn include(
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
                fields_of(v, fields).map_err(|m| (span, m))
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
}

/// `.A.B` on a value: a missing key is nil; a field of nil or of a non-map fails as in Go.
fn fields_of(v: &Value, fields: &[String]) -> Result<Value, String> {
    // Walks by reference and clones only the result: `.Values.a.b` must not copy the values.
    let mut cur = v;
    for (i, f) in fields.iter().enumerate() {
        cur = match &cur.kind {
            Kind::Map(m) => match m.get(f) {
                Some(next) => next,
                None => {
                    return match fields.get(i + 1) {
                        None => Ok(Value::plain(Kind::Null)),
                        Some(next) => Err(format!("nil pointer evaluating interface {{}}.{next}")),
                    }
                }
            },
            Kind::Null => return Err(format!("nil pointer evaluating interface {{}}.{f}")),
            _ => {
                return Err(format!(
                    "can't evaluate field {f} in type {}",
                    cur.go_type()
                ))
            }
        };
    }
    Ok(cur.clone())
}
