//! The engine's findings (EL501–EL510). A failing line first records its cause; the runner
//! then decides, from the `on error` setting, whether the script stops there (`script-stops`)
//! or carries on (`script-error-handled`).

use super::line::Cmd;
use super::state::State;
use super::{code, Engine, Link};
use crate::check::catalog::{
    DUPLICATE_LABEL, ENDLESS_LOOP, IF_RESULT_OVERWRITTEN, LABEL_WITHOUT_COLON,
    SCRIPT_ERROR_HANDLED, SCRIPT_EXITS, SCRIPT_NOT_FOLLOWED, SCRIPT_STOPS, UNCLOSED_BLOCK,
};
use crate::diagnostic::{did_you_mean, Diagnostic, Severity};
use crate::edgelake::runtime_commands::command_names;
use crate::resolve::reference::references_in;
use crate::resolve::scope::Provenance;
use crate::source::Span;
use crate::syntax::script::ScriptSyntaxError;
use crate::syntax::script_file::ScriptFile;

/// Every rule the engine reports, for the catalog's tests.
pub fn script_rules() -> [&'static crate::diagnostic::Rule; 9] {
    [
        &SCRIPT_STOPS,
        &SCRIPT_ERROR_HANDLED,
        &SCRIPT_EXITS,
        &DUPLICATE_LABEL,
        &LABEL_WITHOUT_COLON,
        &ENDLESS_LOOP,
        &IF_RESULT_OVERWRITTEN,
        &SCRIPT_NOT_FOLLOWED,
        &UNCLOSED_BLOCK,
    ]
}

/// Why a line fails: said where it happens, reported once the runner knows what follows.
#[derive(Clone, Debug, PartialEq)]
pub struct Cause {
    /// The words at fault.
    pub span: Span,
    /// What fails.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Another place that explains it, with its label.
    pub related: Vec<(Span, String)>,
    /// A replacement for `span`.
    pub fix: Option<String>,
}

impl Cause {
    fn new(span: Span, message: impl Into<String>) -> Cause {
        Cause {
            span,
            message: message.into(),
            help: None,
            related: Vec::new(),
            fix: None,
        }
    }
}

fn set_cause(eng: &mut Engine, cause: Cause) {
    eng.cause = Some(cause);
}

/// A line the node cannot split into words.
pub fn syntax(eng: &mut Engine, cmd: &Cmd, e: &ScriptSyntaxError) {
    let mut c = Cause::new(cmd.line, e.message.clone());
    c.help = e.help.clone();
    set_cause(eng, c);
}

/// An `if` that fails (it does not parse, or its comparison raises on the node).
pub fn if_fails(eng: &mut Engine, cmd: &Cmd, message: &str) {
    set_cause(
        eng,
        Cause::new(cmd.line, format!("this `if` fails on the node: {message}")),
    );
}

/// The key of `keys` closest to the first words of `words` (as many words as the key has).
fn closest<'a>(words: &[&str], keys: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for key in keys {
        let n = key.split(' ').count();
        if n > words.len() {
            continue;
        }
        let written = words[..n].join(" ");
        if written == key || written.len().abs_diff(key.len()) > 3 {
            continue;
        }
        let distance = strsim::osa_distance(&written, key);
        if distance > (written.chars().count() / 4).max(1) {
            continue;
        }
        let score = strsim::jaro_winkler(&written, key);
        if best.is_none_or(|(b, k)| score > b || (score == b && key < k)) {
            best = Some((score, key));
        }
    }
    best.map(|(_, k)| k)
}

/// Words that name no command of the interpreter.
pub fn unknown_command(eng: &mut Engine, cmd: &Cmd, words: &[&str]) {
    let first = cmd.words.as_ref().map_or(0, |w| w.len() - words.len());
    let span = cmd.span(first);
    let mut c = Cause::new(
        span,
        format!(
            "`{}` is not a command of the node",
            shown(words.first().unwrap_or(&""))
        ),
    );
    if let Some(best) = closest(words, command_names()) {
        c.help = Some(format!("did you mean `{best}`?"));
        let n = best.split(' ').count();
        c.span = cmd.span_words(first, first + n);
        c.fix = Some(best.to_string());
    } else if words
        .first()
        .is_some_and(|w| cmd.text.contains(&format!(":{w}:")))
    {
        c.help = Some("to jump to a label write `goto <label>`".into());
    }
    set_cause(eng, c);
}

/// A method a command with a method table does not have (`set frob on`).
pub fn unknown_method(eng: &mut Engine, cmd: &Cmd, first: usize, command: &str, rest: &[&str]) {
    let span = cmd.span_words(first + 1, cmd.spans.len());
    let written: Vec<String> = rest.iter().take(3).map(|w| shown(w)).collect();
    let message = if rest.is_empty() {
        format!("`{command}` alone is not a command: it needs a form after it")
    } else {
        format!(
            "`{command} {}` is not a form of `{command}` the node has",
            written.join(" ")
        )
    };
    let mut c = Cause::new(span, message);
    if let Some(best) = closest(
        rest,
        crate::edgelake::runtime_commands::method_names(command),
    ) {
        c.help = Some(format!("did you mean `{command} {best}`?"));
        let n = best.split(' ').count();
        c.span = cmd.span_words(first + 1, first + 1 + n);
        c.fix = Some(best.to_string());
    }
    set_cause(eng, c);
}

/// A control word in a form the node refuses.
pub fn bad_form(eng: &mut Engine, cmd: &Cmd, first: usize, message: &str) {
    set_cause(
        eng,
        Cause::new(cmd.span_words(first, cmd.spans.len()), message),
    );
}

/// A word as shown in a message: long words (a whole policy in braces) are cut.
fn shown(word: &str) -> String {
    match word.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &word[..at]),
        None => word.to_string(),
    }
}

/// `process` with words after the path that are not `+ <more path>`.
pub fn process_words(eng: &mut Engine, cmd: &Cmd, word: usize) {
    let mut c = Cause::new(
        cmd.span_words(word, cmd.spans.len()),
        "`process` takes one path (parts joined with `+`); these words are not part of it",
    );
    c.help = Some("put the path in one word, or join its parts with ` + `".into());
    set_cause(eng, c);
}

/// `process` of a file that does not exist.
pub fn missing_script(eng: &mut Engine, cmd: &Cmd, path: &str, st: &State) {
    let span = cmd.span_words(1, cmd.spans.len());
    let mut c = Cause::new(span, format!("`{path}` does not exist"));
    // The legacy layout: `!local_scripts/policies/x.al` is now under `node-deployment/`, and
    // `LOCAL_SCRIPTS` is the repository root (not `…/node-deployment`).
    if let Some(found) = legacy_layout_path(eng, path) {
        c.help = Some(format!(
            "the file is at `{found}` (the current deployment-scripts layout)"
        ));
    } else if path.contains("/node-deployment/node-deployment/") {
        let found = path.replacen("/node-deployment/node-deployment/", "/node-deployment/", 1);
        if matches!(
            eng.options.path_map.read(&found),
            crate::path_map::NodeFile::Read(..)
        ) {
            c.help = Some(format!(
                "the file is at `{found}`: the directory the path starts from is `node-deployment` itself (the legacy layout); it must be the root of the deployment-scripts checkout"
            ));
        }
    }
    if let Ok(words) = &cmd.words {
        for w in words.iter().skip(1) {
            for r in references_in(&w.text) {
                if r.sigil != crate::resolve::reference::Sigil::Param {
                    continue;
                }
                if let Some(var) = st.scope.get(&r.name) {
                    if let Some(at) = env_origin(&var.provenance) {
                        c.related
                            .push((at, format!("`{}` comes from here", r.name)));
                    }
                }
            }
        }
    }
    set_cause(eng, c);
}

fn env_origin(p: &Provenance) -> Option<Span> {
    use crate::resolve::env_layers::EnvOrigin;
    match p {
        Provenance::Env {
            origin: EnvOrigin::File { value_span, .. },
            ..
        }
        | Provenance::Script {
            env: Some((_, EnvOrigin::File { value_span, .. })),
            ..
        } => Some(*value_span),
        _ => None,
    }
}

/// `…/X` missing but `…/node-deployment/X` present under the same mapped directory.
pub fn legacy_layout_path(eng: &Engine, path: &str) -> Option<String> {
    let map = &eng.options.path_map;
    for m in &map.mappings {
        let rest = path.strip_prefix(&m.node_dir)?.strip_prefix('/')?;
        if rest.starts_with("node-deployment/") {
            continue;
        }
        let candidate = format!("{}/node-deployment/{rest}", m.node_dir);
        if matches!(map.read(&candidate), crate::path_map::NodeFile::Read(..)) {
            return Some(candidate);
        }
    }
    None
}

/// Records the label a jump reaches (for go to definition).
pub fn label_link(eng: &mut Engine, cmd: &Cmd, label: &str, script: &ScriptFile) {
    if let (Some(l), Ok(words)) = (script.labels.get(label), &cmd.words) {
        if let Some(i) = words.iter().rposition(|w| w.text == label) {
            eng.info.links.push((cmd.span(i), Link::Label(l.span)));
        }
    }
}

/// `goto`/`call` to a label the file does not define.
pub fn missing_label(eng: &mut Engine, cmd: &Cmd, label: &str, script: &ScriptFile, st: &State) {
    let i = cmd
        .words
        .as_ref()
        .ok()
        .and_then(|w| w.iter().rposition(|w| w.text == label));
    let span = i.map_or(cmd.line, |i| cmd.span(i));
    let mut c = Cause::new(span, format!("there is no label `:{label}:` in this file"));
    if let Some((_, at)) = script.not_labels.iter().find(|(n, _)| n == label) {
        c.help = Some(format!(
            "write the label as `:{label}:` (with the closing colon)"
        ));
        c.related
            .push((*at, "not a label: the closing colon is missing".into()));
    } else if let Some(best) = did_you_mean(label, script.labels.keys().map(String::as_str)) {
        c.help = Some(format!("did you mean `{best}`?"));
        c.fix = Some(best.to_string());
    } else {
        c.help = Some(format!(
            "add a line `:{label}:` where the jump should land (`on error ignore` does not cover a missing label)"
        ));
    }
    error(eng, cmd, code::COMMAND_STRUCT, Some(c), None, st);
}

/// A line that fails: the script stops there (`handled` is `None`) or carries on.
pub fn error(
    eng: &mut Engine,
    cmd: &Cmd,
    c: i32,
    cause: Option<Cause>,
    handled: Option<&str>,
    st: &State,
) {
    let file = eng.sources.get(cmd.line.file).name();
    let file = file.rsplit('/').next().unwrap_or(file).to_string();
    let cause = cause.unwrap_or_else(|| {
        Cause::new(
            cmd.line,
            format!("this command fails on the node with {}", code::name(c)),
        )
    });
    let conditional = st.conditional();
    let mut d = match handled {
        Some(how) => Diagnostic::new(&SCRIPT_ERROR_HANDLED, cause.span, cause.message.clone())
            .note(format!("{how} handles it: `{file}` carries on")),
        None => {
            let mut d = Diagnostic::new(&SCRIPT_STOPS, cause.span, cause.message.clone())
                .label(format!("the node stops running `{file}` here"))
                .note(format!(
                    "the line returns {}, which ends the script{}",
                    code::name(c),
                    match c {
                        code::UNRECOGNIZED | code::COMMAND_STRUCT | code::MISSING_SCRIPT =>
                            " unless `on error ignore` is set (`on error goto/call` do not catch it)",
                        _ => " (no `on error` handler covers it)",
                    }
                ));
            if let Some(first) = eng.via.first() {
                d = d.with_secondary(*first, "processed from here");
            }
            if eng.deployment && eng.stack.len() <= 1 {
                d = d.note(
                    "main.al ends here: the node never reaches its config policy (no env value after this line is applied, no server is configured)",
                );
            }
            d
        }
    };
    if let Some(h) = &cause.help {
        d = d.help(h.clone());
    } else if handled.is_none() {
        d = d.help("fix the line, or put `on error ignore` before it if the failure is expected");
    }
    for (span, label) in &cause.related {
        d = d.with_secondary(*span, label.clone());
    }
    if let Some(fix) = &cause.fix {
        d = d.suggest(format!("replace with `{fix}`"), cause.span, fix.clone());
    }
    if let Some(why) = conditional {
        d = d
            .note(format!("only on some boot paths: {why}"))
            .severity(if handled.is_some() {
                Severity::Note
            } else {
                Severity::Warning
            });
    }
    eng.report(d);
}

/// `exit scripts` reached in a processed file: every script up to the node's stops.
pub fn exits(eng: &mut Engine, cmd: &Cmd, st: &State) {
    if eng.via.is_empty() && !eng.deployment {
        return; // the file itself is the entry: nothing else to stop
    }
    let mut d = Diagnostic::new(
        &SCRIPT_EXITS,
        cmd.line,
        "`exit scripts` stops every running script",
    )
    .label("the node stops here")
    .note("the scripts that processed this file stop too, without running their next lines");
    if eng.deployment {
        d = d.note("the deployment scripts end here: the node never reaches its config policy");
    }
    if let Some(first) = eng.via.first() {
        d = d.with_secondary(*first, "processed from here");
    }
    if let Some(why) = st.conditional() {
        d = d
            .note(format!("only on some boot paths: {why}"))
            .severity(Severity::Note);
    }
    eng.report(d);
}
