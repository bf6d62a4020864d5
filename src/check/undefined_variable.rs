//! `undefined-variable` (EL201) and `undefined-in-condition` (EL202): a `!name` that no env
//! file, `--set` value, node variable or earlier script line defines (§3.4).

use std::cell::OnceCell;
use std::collections::HashMap;

use crate::check::catalog::{UNDEFINED_IN_CONDITION, UNDEFINED_VARIABLE};
use crate::check::{known_names, CheckContext};
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::edgelake::profile;
use crate::resolve::reference::{references_in, Sigil};
use crate::resolve::scope::Scope;
use crate::resolve::script::{RefContext, ScriptLine};
use crate::syntax::policy::NodeKind;

/// The known name closest to a misspelt one. The best match depends only on the name: the
/// same typo on 10,000 lines is looked up once, not compared against every known name 10,000
/// times (issue 13).
pub(crate) struct Suggestions<'a> {
    scope: &'a Scope,
    /// Every known name, borrowed: only a misspelt name needs them, so they are collected on
    /// first use (issue #6, `scaling/env` bench).
    names: OnceCell<Vec<&'a str>>,
    found: HashMap<String, Option<String>, foldhash::fast::FixedState>,
}

impl<'a> Suggestions<'a> {
    /// Suggestions from the names `scope` knows.
    pub(crate) fn new(scope: &'a Scope) -> Suggestions<'a> {
        Suggestions {
            scope,
            names: OnceCell::new(),
            found: HashMap::default(),
        }
    }

    fn get(&mut self, name: &str) -> Option<String> {
        if let Some(known) = self.found.get(name) {
            return known.clone();
        }
        let candidates = self
            .names
            .get_or_init(|| known_names(self.scope))
            .iter()
            .copied();
        let best = did_you_mean(name, candidates).map(str::to_string);
        self.found.insert(name.to_string(), best.clone());
        best
    }
}

/// Reports undefined references in the server keys.
pub(crate) fn check_keys(ctx: &CheckContext, suggest: &mut Suggestions, diags: &mut Diagnostics) {
    // Server keys: a profile variable left unset is the normal way to disable a server, so
    // only names nothing could ever define are reported here.
    for kv in ctx.keys {
        let NodeKind::Str(lit) = &kv.entry.value.kind else {
            continue;
        };
        for r in references_in(&lit.value) {
            if r.sigil != Sigil::Param
                || ctx.scope.get(&r.name).is_some()
                || profile::defines(&r.name)
            {
                continue;
            }
            let span = lit.span_of(kv.entry.value.span.file, r.range.clone());
            diags.push(undefined(
                span,
                &r.name,
                &format!("`{}` reads it", kv.entry.key),
                suggest.get(&r.name),
                false,
            ));
        }
    }
}

/// Reports undefined references in a script line.
pub(crate) fn line(
    ctx: &CheckContext,
    line: &ScriptLine,
    suggest: &mut Suggestions,
    diags: &mut Diagnostics,
) {
    // `if !x then ... !x ...`: the command only runs when `!x` is set (looked up only for
    // an undefined reference: a list per line was 2% of a keystroke's re-check).
    let guarded = |name: &str| {
        line.refs
            .iter()
            .any(|g| g.context == RefContext::ConditionAlone && g.name == name)
    };
    for u in &line.refs {
        if u.defined
            || u.sigil != Sigil::Param
            || u.context == RefContext::ConditionAlone
            || (u.context == RefContext::Value && guarded(&u.name))
        {
            continue;
        }
        let known = profile::defines(&u.name);
        if known {
            // A profile variable that this env layering leaves unset.
            if u.context == RefContext::Value && u.after_process.is_none() {
                diags.push(
                        Diagnostic::new(&UNDEFINED_VARIABLE, u.span, format!("`!{}` is not set by these env files", u.name))
                            .label("resolves to an empty value")
                            .help("set its env key, or guard the line with `if !name then ...`")
                            .note("in a where-clause an empty variable fails the command (\"Missing dictionary definition\")"),
                    );
            }
            continue;
        }
        if !u
            .name
            .trim_start_matches('!')
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            diags.push(
                    Diagnostic::new(&UNDEFINED_VARIABLE, u.span, format!("`!{}` is read as a variable reference, not an operator", u.name))
                        .label("an undefined reference: the command fails")
                        .help("a where-clause value cannot contain a comparison; compute it with an `if` line first")
                        .note("the tokenizer splits `!=` into its own word, and the where-clause resolves it like `!name`"),
                );
            continue;
        }
        let in_condition = u.context == RefContext::ConditionCompared;
        let mut d = undefined(u.span, &u.name, "", suggest.get(&u.name), in_condition);
        if in_where_clause(line, u.span) {
            d = d.note("in a where-clause an undefined variable fails the command (\"Missing dictionary definition\"), and the node stops the script list at this line");
        }
        if let Some(process) = u.after_process {
            let line = ctx.sources.get(process.file).line_col(process.start).line;
            d = d.note(format!(
                "unless a script processed earlier (from line {line}) sets it"
            ));
        }
        diags.push(d);
    }
}

fn undefined(
    span: crate::source::Span,
    name: &str,
    context: &str,
    suggestion: Option<String>,
    in_condition: bool,
) -> Diagnostic {
    let rule = if in_condition {
        &UNDEFINED_IN_CONDITION
    } else {
        &UNDEFINED_VARIABLE
    };
    let mut message = format!("`!{name}` is not defined");
    if !context.is_empty() {
        message.push_str(&format!(" ({context})"));
    }
    let mut d = Diagnostic::new(rule, span, message).label(if in_condition {
        "compares as an empty string"
    } else {
        "no env file, --set value, node variable or earlier line defines this"
    });
    match suggestion {
        Some(best) => {
            d = d
                .help(format!("did you mean `{best}`?"))
                .suggest(format!("replace with `!{best}`"), span, format!("!{best}"));
        }
        None => d = d.help("define it in an env file, pass --set NAME=VALUE, or assign it in an earlier script line"),
    }
    if in_condition {
        d = d.note("an undefined variable resolves to \"\", so this condition is decided by an empty value");
    }
    d
}

/// True when `span` lies inside a where-clause value of the line's command.
fn in_where_clause(line: &crate::resolve::script::ScriptLine, span: crate::source::Span) -> bool {
    line.command.as_ref().is_some_and(|c| {
        !c.assignment
            && c.process().is_none()
            && c.args.iter().any(|a| {
                a.value_span.file == span.file
                    && a.value_span.start <= span.start
                    && span.end <= a.value_span.end
            })
    })
}
