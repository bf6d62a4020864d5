//! [`Spans`] for the types a script run's records, states and findings, and a policy's syntax
//! tree, hold: every field named (see the macros in the parent module).

use std::collections::HashMap;

use serde_json::Value as Json;

use super::{spans_enum, spans_none, spans_struct, Shifter, Spans};
use crate::diagnostic::{Diagnostic, Label, Rule, Severity, Suggestion};
use crate::edgelake::commands::CommandSpec;
use crate::resolve::command::{Arg, CommandUse, Guard, Problem, ProblemKind, Typed};
use crate::resolve::engine::report::Cause;
use crate::resolve::engine::{Emitted, Link, RunInfo, State, Tri};
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::reference::Sigil;
use crate::resolve::scope::{Provenance, VarValue, Variable};
use crate::resolve::script::{LineOutcome, ListStop, RefContext, RefUse, ScriptLine};
use crate::source::{FileId, Span};
use crate::syntax::policy::{Entry, Node, NodeKind, Number, ParsedPolicy, StrLit};
use crate::syntax::word_text::WordText;

spans_none!(
    String,
    bool,
    usize,
    u32,
    i32,
    FileId,
    WordText,
    Json,
    &'static str,
    &'static [&'static str],
    &'static Rule,
    &'static CommandSpec,
    Severity,
    Tri,
    Sigil,
    RefContext,
    ProblemKind,
    HashMap<String, String>,
    Number,
    char,
    str,
    std::sync::Arc<str>,
    std::borrow::Cow<'static, str>,
    crate::syntax::shared_text::SharedText,
    serde_json::Number,
    crate::resolve::arg_value::Quantity,
);

spans_struct!(ScriptLine {
    index,
    span,
    text,
    outcome,
    refs,
    words,
    odd_words,
    word_base,
    word_spans,
    command,
    ampersand,
    processed,
    stops,
    unreachable,
    failure,
    boot_text,
});
spans_enum!(LineOutcome {
    Skipped,
    Runs(text),
    FoldedAway,
    DecidedAtBoot(guards),
    ConditionFails(why),
    Fails(why),
    Invalid,
});
spans_struct!(RefUse {
    sigil,
    name,
    span,
    context,
    defined,
    after_process,
});
spans_struct!(ListStop { code, definite });
spans_struct!(CommandUse {
    spec,
    assignment,
    name,
    name_span,
    args,
    problems,
    guard,
});
spans_struct!(Arg {
    key,
    key_span,
    written,
    value_span,
    value,
    resolved,
});
spans_struct!(Problem {
    kind,
    span,
    message,
    help,
    related,
});
spans_enum!(Typed {
    Resolved,
    Written,
    Bool(b),
    Number(n),
    Time(quantity),
    Size(quantity),
    Other(json),
});
spans_enum!(Guard {
    Always,
    If { condition, decided },
});
spans_struct!(Emitted {
    text,
    origin,
    via,
    condition,
});
spans_enum!(Link { Label(span), File(id) });
spans_struct!(RunInfo { files, links });
spans_struct!(Cause {
    span,
    message,
    help,
    related,
    fix,
});
spans_struct!(State {
    scope,
    if_result,
    emitted,
    guards,
    assumed,
    shapes,
});
spans_struct!(Variable {
    name,
    value,
    provenance,
});
spans_enum!(VarValue { Known(v), AtBoot(how) });
spans_enum!(Provenance {
    Env { key, origin, overrides, source },
    ScriptDefault { source },
    Node { source },
    CommandLine,
    Assignment { span },
    EnvAtBoot { keys },
    Script { span, env },
});
spans_enum!(EnvOrigin {
    File { key_span, value_span },
    Base { label },
});
spans_struct!(Diagnostic {
    rule,
    severity,
    message,
    primary,
    secondary,
    notes,
    help,
    suggestions,
});
spans_struct!(Label { span, message });
spans_struct!(Suggestion {
    message,
    span,
    replacement,
});

spans_struct!(ParsedPolicy {
    root,
    trailing_commas,
    clean,
});
spans_struct!(Entry {
    key,
    key_span,
    key_quote,
    value,
});

/// A node's string holds source offsets of its file (not spans): visited as empty spans
/// there.
impl Spans for Node {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        let Node { kind, span } = self;
        f(span);
        match kind {
            NodeKind::Object(entries) => entries.spans(f),
            NodeKind::Array(items) => items.spans(f),
            NodeKind::Str(lit) => lit_offsets(lit, span.file, f),
            NodeKind::Number(_)
            | NodeKind::Bool(_)
            | NodeKind::Null
            | NodeKind::BareRef(_)
            | NodeKind::Error => {}
        }
    }
    fn shift(&mut self, by: &mut Shifter) {
        let Node { kind, span } = self;
        let file = span.file;
        span.shift(by);
        match kind {
            NodeKind::Object(entries) => entries.shift(by),
            NodeKind::Array(items) => items.shift(by),
            NodeKind::Str(lit) => {
                // A literal's only positions are its runs' source offsets (its other fields are
                // text; the runs are private to the syntax module, which lists them here).
                for offset in lit.source_offsets_mut() {
                    let mut at = Span {
                        file,
                        start: *offset,
                        end: *offset,
                    };
                    at.shift(by);
                    *offset = at.start;
                }
            }
            NodeKind::Number(_)
            | NodeKind::Bool(_)
            | NodeKind::Null
            | NodeKind::BareRef(_)
            | NodeKind::Error => {}
        }
    }
}

fn lit_offsets(lit: &StrLit, file: FileId, f: &mut dyn FnMut(&Span)) {
    for start in lit.source_offsets() {
        f(&Span {
            file,
            start,
            end: start,
        });
    }
}
