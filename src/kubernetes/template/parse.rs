//! Go `text/template` syntax, the subset Helm charts of EdgeLake nodes use: text, actions with
//! pipelines, `if`/`else if`/`else`, `with`, `range`, `define`, `template`, comments,
//! variables and `{{-`/`-}}` trim markers. Anything else is a parse error with its position.

use std::ops::Range;

use super::lex::{lex, Tok};

/// Deeper nesting of blocks or parentheses is refused.
pub const MAX_NESTING: usize = 100;

/// A parsed template: its nodes and the `define`d templates found in it.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// The top-level nodes.
    pub nodes: Vec<Node>,
    /// `{{ define "name" }}` bodies.
    pub defines: Vec<(String, Vec<Node>)>,
}

/// A template node.
#[derive(Clone, Debug)]
pub enum Node {
    /// Literal text (byte range in the template, after trimming).
    Text(Range<usize>),
    /// `{{ pipeline }}`: printed unless it declares a variable.
    Action(Pipe),
    /// `if`/`with`: branches tried in order; `else` last.
    If {
        /// `with` sets dot to the value.
        with: bool,
        /// Conditions and bodies.
        branches: Vec<(Pipe, Vec<Node>)>,
        /// The `else` body.
        otherwise: Vec<Node>,
    },
    /// `range`.
    Range {
        /// The pipeline (its declaration names the key/value variables).
        pipe: Pipe,
        /// The body.
        body: Vec<Node>,
        /// The `else` body (empty collection).
        otherwise: Vec<Node>,
    },
    /// `{{ template "name" pipeline }}`.
    Template {
        /// The template's name.
        name: String,
        /// Its dot.
        pipe: Option<Pipe>,
        /// Where it is written.
        at: Range<usize>,
    },
}

/// A pipeline: commands joined by `|`, maybe declaring (`:=`) or assigning (`=`) variables.
#[derive(Clone, Debug)]
pub struct Pipe {
    /// `$a, $b :=` names.
    pub decl: Vec<String>,
    /// The commands.
    pub commands: Vec<Vec<Arg>>,
    /// Where the pipeline is written.
    pub at: Range<usize>,
}

/// An operand.
#[derive(Clone, Debug)]
pub enum Arg {
    /// `.A.B` (empty for `.`).
    Field(Vec<String>),
    /// `$x.A.B` (`$` alone is the root).
    Var(String, Vec<String>),
    /// A string literal.
    Str(String),
    /// A number.
    Num(f64),
    /// `true`/`false`.
    Bool(bool),
    /// `nil`.
    Nil,
    /// A function name.
    Func(String, Range<usize>),
    /// `( pipeline )`, possibly followed by fields.
    Paren(Box<Pipe>, Vec<String>),
}

/// A parse failure: where, and what.
pub type Error = (Range<usize>, String);

/// Parses template text.
pub fn parse(text: &str) -> Result<Parsed, Error> {
    let mut parsed = Parsed::default();
    let mut stack: Vec<(Frame, Vec<Node>)> = vec![(Frame::Root, Vec::new())];
    let mut pos = 0;
    let mut trim_next = false;
    while pos < text.len() {
        let open = text[pos..].find("{{").map(|i| pos + i);
        let text_end = open.unwrap_or(text.len());
        let mut chunk = pos..text_end;
        if trim_next {
            while chunk.start < chunk.end && text.as_bytes()[chunk.start].is_ascii_whitespace() {
                chunk.start += 1;
            }
        }
        let Some(open) = open else {
            push_text(&mut stack, chunk);
            break;
        };
        let trim_left = text[open + 2..].starts_with("- ")
            || text[open + 2..].starts_with("-\n")
            || text[open + 2..].starts_with("-\t");
        if trim_left {
            while chunk.end > chunk.start && text.as_bytes()[chunk.end - 1].is_ascii_whitespace() {
                chunk.end -= 1;
            }
        }
        push_text(&mut stack, chunk);
        let inner_start = open + 2 + usize::from(trim_left);
        let Some(close) = find_close(text, inner_start) else {
            return Err((open..open + 2, "unclosed action: `{{` without `}}`".into()));
        };
        let before = &text[inner_start..close];
        let trim_right = before.len() >= 2
            && (before.ends_with(" -") || before.ends_with("\n-") || before.ends_with("\t-"));
        let inner_end = if trim_right { close - 1 } else { close };
        trim_next = trim_right;
        pos = close + 2;
        let inner = text[inner_start..inner_end].trim();
        if inner.starts_with("/*") {
            if !inner.ends_with("*/") {
                return Err((open..pos, "unclosed comment".into()));
            }
            continue;
        }
        let offset = inner_start + text[inner_start..inner_end].find(inner).unwrap_or(0);
        let tokens = lex(inner, offset)?;
        action(&tokens, open..pos, &mut stack, &mut parsed)?;
        if stack.len() > MAX_NESTING {
            return Err((
                open..pos,
                format!("blocks nested deeper than {MAX_NESTING}"),
            ));
        }
    }
    match stack.pop() {
        Some((Frame::Root, nodes)) if stack.is_empty() => {
            parsed.nodes = nodes;
            Ok(parsed)
        }
        Some((frame, _)) => Err((
            text.len()..text.len(),
            format!("`{}` is never closed with `{{{{ end }}}}`", frame.name()),
        )),
        None => Err((0..0, "unbalanced `end`".into())),
    }
}

/// The `}}` closing an action, skipping strings (a `}}` inside quotes does not close it).
fn find_close(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == b'\\' && q == b'"' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'`' || b == b'\'' => quote = Some(b),
            None if b == b'}' && bytes.get(i + 1) == Some(&b'}') => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

fn push_text(stack: &mut [(Frame, Vec<Node>)], range: Range<usize>) {
    if range.start < range.end {
        if let Some((_, nodes)) = stack.last_mut() {
            nodes.push(Node::Text(range));
        }
    }
}

/// An open block.
enum Frame {
    Root,
    If {
        with: bool,
        branches: Vec<(Pipe, Vec<Node>)>,
        cond: Pipe,
        in_else: bool,
    },
    Range {
        pipe: Pipe,
        body: Option<Vec<Node>>,
    },
    Define(String),
}

impl Frame {
    fn name(&self) -> &'static str {
        match self {
            Frame::Root => "template",
            Frame::If { with: true, .. } => "with",
            Frame::If { .. } => "if",
            Frame::Range { .. } => "range",
            Frame::Define(_) => "define",
        }
    }
}

fn action(
    tokens: &[(Tok, Range<usize>)],
    at: Range<usize>,
    stack: &mut Vec<(Frame, Vec<Node>)>,
    parsed: &mut Parsed,
) -> Result<(), Error> {
    let keyword = match tokens.first() {
        Some((Tok::Word(w), _)) => w.as_str(),
        _ => "",
    };
    let rest = tokens.get(1..).unwrap_or(&[]);
    match keyword {
        "if" | "with" => {
            let cond = pipe(rest, at.clone())?;
            stack.push((
                Frame::If {
                    with: keyword == "with",
                    branches: Vec::new(),
                    cond,
                    in_else: false,
                },
                Vec::new(),
            ));
        }
        "range" => {
            let p = pipe(rest, at.clone())?;
            stack.push((
                Frame::Range {
                    pipe: p,
                    body: None,
                },
                Vec::new(),
            ));
        }
        "define" => {
            let Some((Tok::Str(name), _)) = rest.first() else {
                return Err((at, "`define` needs a quoted name".into()));
            };
            stack.push((Frame::Define(name.clone()), Vec::new()));
        }
        "else" => {
            let Some((frame, body)) = stack.last_mut() else {
                return Err((at, "`else` outside a block".into()));
            };
            let body = std::mem::take(body);
            match frame {
                Frame::If {
                    branches,
                    cond,
                    in_else,
                    with,
                } => {
                    if *in_else {
                        return Err((at, "a second `else`".into()));
                    }
                    let finished = std::mem::replace(cond, empty_pipe(at.clone()));
                    branches.push((finished, body));
                    match rest.first() {
                        Some((Tok::Word(w), _)) if w == "if" || w == "with" => {
                            *with = w == "with";
                            *cond = pipe(&rest[1..], at.clone())?;
                        }
                        _ => *in_else = true,
                    }
                }
                Frame::Range { body: b, .. } => *b = Some(body),
                _ => return Err((at, "`else` outside `if`, `with` or `range`".into())),
            }
        }
        "end" => {
            let Some((frame, body)) = stack.pop() else {
                return Err((at, "`end` without a block".into()));
            };
            let node = match frame {
                Frame::Root => return Err((at, "`end` without a block".into())),
                Frame::If {
                    with,
                    mut branches,
                    cond,
                    in_else,
                } => {
                    let otherwise = if in_else {
                        body
                    } else {
                        branches.push((cond, body));
                        Vec::new()
                    };
                    Node::If {
                        with,
                        branches,
                        otherwise,
                    }
                }
                Frame::Range {
                    pipe,
                    body: Some(b),
                } => Node::Range {
                    pipe,
                    body: b,
                    otherwise: body,
                },
                Frame::Range { pipe, body: None } => Node::Range {
                    pipe,
                    body,
                    otherwise: Vec::new(),
                },
                Frame::Define(name) => {
                    parsed.defines.push((name, body));
                    return Ok(());
                }
            };
            if let Some((_, nodes)) = stack.last_mut() {
                nodes.push(node);
            }
        }
        "template" => {
            let Some((Tok::Str(name), _)) = rest.first() else {
                return Err((at, "`template` needs a quoted name".into()));
            };
            let p = if rest.len() > 1 {
                Some(pipe(&rest[1..], at.clone())?)
            } else {
                None
            };
            if let Some((_, nodes)) = stack.last_mut() {
                nodes.push(Node::Template {
                    name: name.clone(),
                    pipe: p,
                    at,
                });
            }
        }
        "block" | "break" | "continue" => {
            return Err((
                at,
                format!("`{keyword}` is not supported by elpc's template renderer"),
            ));
        }
        _ => {
            let p = pipe(tokens, at)?;
            if let Some((_, nodes)) = stack.last_mut() {
                nodes.push(Node::Action(p));
            }
        }
    }
    Ok(())
}

fn empty_pipe(at: Range<usize>) -> Pipe {
    Pipe {
        decl: Vec::new(),
        commands: Vec::new(),
        at,
    }
}

fn pipe(tokens: &[(Tok, Range<usize>)], at: Range<usize>) -> Result<Pipe, Error> {
    let mut decl = Vec::new();
    let mut rest = tokens;
    // `$a :=`, `$a, $b :=`, `$a =`
    let declares = tokens
        .iter()
        .position(|(t, _)| matches!(t, Tok::Declare | Tok::Assign));
    if let Some(d) = declares {
        let names = &tokens[..d];
        if names
            .iter()
            .all(|(t, _)| matches!(t, Tok::Var(_, f) if f.is_empty()) || *t == Tok::Comma)
        {
            decl = names
                .iter()
                .filter_map(|(t, _)| match t {
                    Tok::Var(n, _) => Some(n.clone()),
                    _ => None,
                })
                .collect();
            rest = &tokens[d + 1..];
        }
    }
    let mut commands = Vec::new();
    let mut i = 0;
    let mut current = Vec::new();
    while i < rest.len() {
        let (tok, range) = &rest[i];
        match tok {
            Tok::Pipe => commands.push(std::mem::take(&mut current)),
            Tok::Open => {
                let mut depth = 1;
                let mut j = i + 1;
                while j < rest.len() && depth > 0 {
                    match rest[j].0 {
                        Tok::Open => depth += 1,
                        Tok::Close => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                if depth != 0 || depth > MAX_NESTING {
                    return Err((range.clone(), "unbalanced parenthesis".into()));
                }
                let inner = pipe(&rest[i + 1..j - 1], range.start..rest[j - 1].1.end)?;
                current.push(Arg::Paren(Box::new(inner), Vec::new()));
                i = j;
                // `(...).field`
                if let Some((Tok::Dot(f), _)) = rest.get(i) {
                    if let Some(Arg::Paren(_, fields)) = current.last_mut() {
                        *fields = f.clone();
                    }
                    i += 1;
                }
                continue;
            }
            Tok::Close => return Err((range.clone(), "unexpected `)`".into())),
            Tok::Dot(f) => current.push(Arg::Field(f.clone())),
            Tok::Var(n, f) => current.push(Arg::Var(n.clone(), f.clone())),
            Tok::Str(s) => current.push(Arg::Str(s.clone())),
            Tok::Num(n) => current.push(Arg::Num(*n)),
            Tok::Word(w) => current.push(match w.as_str() {
                "true" => Arg::Bool(true),
                "false" => Arg::Bool(false),
                "nil" => Arg::Nil,
                _ => Arg::Func(w.clone(), range.clone()),
            }),
            Tok::Declare | Tok::Assign | Tok::Comma => {
                return Err((range.clone(), "unexpected `:=`, `=` or `,`".into()))
            }
        }
        i += 1;
    }
    commands.push(current);
    if commands.iter().any(Vec::is_empty) {
        return Err((at, "empty command in a pipeline".into()));
    }
    Ok(Pipe { decl, commands, at })
}
