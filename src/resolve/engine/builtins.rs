//! The control-flow commands: `if`/`do`/`else` (§4.5) and `process` (§4.6). The other commands
//! elpc models are in [`super::methods`].

use super::line::{emit, exec, store_result, Cmd};
use super::state::{group, Branch, Ret, State, Tri};
use super::{code, lints, report, runner, shape, Engine, Link};
use crate::resolve::condition::{evaluate, parse_if, Truth};
use crate::resolve::reference::resolve_word;
use crate::resolve::scope::VarValue;
use crate::resolve::value::Resolved;
use crate::syntax::script::Word;

/// Runs `inner` only on the boot paths where `why` holds: the paths that ran it and the path
/// that did not (returning `skipped`), joined per return code.
fn guarded(
    eng: &mut Engine,
    inner: &Cmd,
    mut st: State,
    why: String,
    (ran_result, skipped): (Tri, Ret),
    if_after: Option<Tri>,
) -> Vec<Branch> {
    // The commands run so far are the same on both paths: only what this line adds is joined.
    let before = std::mem::take(&mut st.emitted);
    let mut running = st.clone();
    running.guards.push(why.clone());
    let mut out: Vec<Branch> = exec(eng, inner, running)
        .into_iter()
        .map(|mut b| {
            b.state.guards.pop();
            b.state.assumed.push(why.clone());
            if let Some(r) = if_after {
                b.state.if_result = if r == Tri::AtBoot { ran_result } else { r };
            }
            b
        })
        .collect();
    let mut not_run = st;
    not_run
        .assumed
        .push(match why.strip_suffix(" is true at boot") {
            Some(c) => format!("{c} is false at boot"),
            None => format!("not: {why}"),
        });
    if let Some(r) = if_after {
        not_run.if_result = if r == Tri::AtBoot {
            if ran_result == Tri::True {
                Tri::False
            } else {
                Tri::True
            }
        } else {
            r
        };
    }
    out.push(Branch::new(not_run, skipped));
    let mut out = group(out);
    let mut before = Some(before);
    let last = out.len() - 1;
    for (i, b) in out.iter_mut().enumerate() {
        let added = std::mem::take(&mut b.state.emitted);
        b.state.emitted = match (i == last, &mut before) {
            (true, slot) => slot.take().unwrap_or_default(),
            (false, Some(v)) => v.clone(),
            (false, None) => Vec::new(),
        };
        b.state.emitted.extend(added);
    }
    out
}

/// `if <condition> [then <command>]`, also `x = if <condition>` (`member_cmd._process_if`).
pub fn if_command(
    eng: &mut Engine,
    cmd: &Cmd,
    words: &[Word],
    first: usize,
    mut st: State,
) -> Vec<Branch> {
    let parsed = match parse_if(&words[first..]) {
        Ok(p) => p,
        Err(e) => {
            report::if_fails(eng, cmd, &e.message);
            return Branch::with(st, code::COMMAND_STRUCT);
        }
    };
    let truth = match evaluate(&parsed.condition, &st.scope) {
        Truth::AtBoot { depends_on } => shape::truth(&parsed.condition, &st.scope, &st.shapes)
            .unwrap_or(Truth::AtBoot { depends_on }),
        t => t,
    };
    let condition_text = parsed
        .condition
        .words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    if first == 2 || !parsed.condition.has_then {
        // No `then`: the result is printed, or stored by `x = if …`.
        let value = match &truth {
            Truth::True => VarValue::Known("True".into()),
            Truth::False => VarValue::Known("False".into()),
            Truth::AtBoot { depends_on } => {
                VarValue::AtBoot(format!("an `if` on {}", depends_on.join(", ")))
            }
            Truth::RuntimeError { message } => {
                report::if_fails(eng, cmd, message);
                return Branch::with(st, code::COMMAND_STRUCT);
            }
            Truth::Crash { message } => {
                report::if_fails(eng, cmd, message);
                return Branch::with(st, code::CRASH);
            }
        };
        if first == 2 {
            store_result(cmd, &texts, first, &mut st, value);
        }
        st.if_result = match truth {
            Truth::True => Tri::True,
            Truth::False => Tri::False,
            _ => Tri::AtBoot,
        };
        return Branch::ok(st);
    }
    match truth {
        Truth::RuntimeError { message } => {
            report::if_fails(eng, cmd, &message);
            Branch::with(st, code::COMMAND_STRUCT)
        }
        Truth::Crash { message } => {
            report::if_fails(eng, cmd, &message);
            Branch::with(st, code::CRASH)
        }
        Truth::False => {
            st.if_result = Tri::False;
            Branch::ok(st)
        }
        Truth::True => match &parsed.then {
            Some(r) => {
                let inner = cmd.sub(r.start + first);
                exec(eng, &inner, st)
                    .into_iter()
                    .map(|mut b| {
                        b.state.if_result = Tri::True;
                        b
                    })
                    .collect()
            }
            None => {
                st.if_result = Tri::True;
                Branch::ok(st)
            }
        },
        Truth::AtBoot { depends_on } => {
            let _ = depends_on;
            let why = format!("`{condition_text}` is true at boot");
            match &parsed.then {
                Some(r) => {
                    let inner = cmd.sub(r.start + first);
                    guarded(
                        eng,
                        &inner,
                        st,
                        why,
                        (Tri::True, Ret::ok()),
                        Some(Tri::AtBoot),
                    )
                }
                None => {
                    st.if_result = Tri::AtBoot;
                    Branch::ok(st)
                }
            }
        }
    }
}

/// `do <command>` / `else <command>`: run on the saved `if` result (`_process_do_else`).
pub fn do_else(eng: &mut Engine, cmd: &Cmd, which: &str, st: State) -> Vec<Branch> {
    let inner = cmd.sub(1);
    if inner.text.is_empty() {
        return Branch::with(st, code::COMMAND_STRUCT);
    }
    let is_do = which == "do";
    let ignored = if is_do {
        code::DO_IGNORED
    } else {
        code::ELSE_IGNORED
    };
    let runs = match (st.if_result, is_do) {
        (Tri::AtBoot, _) => None,
        (Tri::True, true) | (Tri::False, false) => Some(true),
        _ => Some(false),
    };
    // `do process …` / `else process …` put the saved result back afterwards.
    let restores = inner.text.starts_with("process ");
    let saved = st.if_result;
    let finish = |mut b: Branch| {
        if restores {
            b.state.if_result = saved;
        }
        b
    };
    match runs {
        Some(false) => Branch::with(st, ignored),
        Some(true) => exec(eng, &inner, st).into_iter().map(finish).collect(),
        None => {
            let why = format!("the `if` before this `{which}` lets it run");
            let out = guarded(
                eng,
                &inner,
                st,
                why,
                (Tri::AtBoot, Ret::code(ignored)),
                None,
            );
            out.into_iter().map(finish).collect()
        }
    }
}

/// `process <path>`: the words after `process` joined with `+` (`concatenate_words`),
/// references resolved, then the file run (§4.6).
pub fn process(eng: &mut Engine, cmd: &Cmd, texts: &[&str], st: State) -> Vec<Branch> {
    if texts.len() < 2 {
        return Branch::with(st, code::COMMAND_STRUCT);
    }
    let mut path = String::new();
    let mut boot: Vec<String> = Vec::new();
    for (i, w) in texts[1..].iter().enumerate() {
        if i % 2 == 1 {
            if *w != "+" {
                report::process_words(eng, cmd, i + 1);
                return Branch::with(st, code::COMMAND_STRUCT);
            }
            continue;
        }
        match resolve_word(w, &st.scope) {
            Resolved::Known(v) => path.push_str(&v.to_python_str()),
            Resolved::AtBoot { depends_on } => boot.extend(depends_on),
        }
    }
    let path = path.trim_matches(['"', '\'']).replace('\\', "/");
    let mut st = st;
    emit(eng, &mut st, cmd, 0);
    if !boot.is_empty() || path.ends_with(".json") || path.contains('$') || path.contains('~') {
        // Only the node knows which file this is: what it sets is decided at boot.
        st.scope.mark_opaque(cmd.line);
        return Branch::ok(st);
    }
    process_path(eng, &path, Some(cmd), st)
}

/// Runs the node file `path` for a `process` line (`cmd`, when there is one).
pub fn process_path(eng: &mut Engine, path: &str, cmd: Option<&Cmd>, mut st: State) -> Vec<Branch> {
    let found = if path.is_empty() {
        Ok(None)
    } else {
        eng.script(path)
    };
    let (id, script) = match found {
        Err(()) => {
            st.scope.mark_opaque(cmd.map_or(st_line(&st), |c| c.line));
            return Branch::ok(st);
        }
        Ok(None) => {
            eng.missing = Some(path.to_string());
            if let Some(cmd) = cmd {
                report::missing_script(eng, cmd, path, &st);
            }
            return Branch::with(st, code::MISSING_SCRIPT);
        }
        Ok(Some(found)) => found,
    };
    if let Some(cmd) = cmd {
        eng.info
            .links
            .push((cmd.span_words(1, cmd.spans.len()), Link::File(id)));
    }
    let saved = st.if_result;
    let fingerprint = runner::fingerprint_state(&st, 0);
    if eng.stack.iter().any(|(f, h)| *f == id && *h == fingerprint) {
        if let Some(cmd) = cmd {
            lints::endless_process(eng, cmd, path);
        }
        return Branch::with(st, code::CRASH);
    }
    if eng.stack.len() >= super::MAX_DEPTH {
        if let Some(cmd) = cmd {
            lints::too_deep(eng, cmd, path);
        }
        st.scope.mark_opaque(cmd.map_or(st_line(&st), |c| c.line));
        return Branch::ok(st);
    }
    eng.stack.push((id, fingerprint));
    eng.files_run += 1;
    if let Some(cmd) = cmd {
        eng.via.push(cmd.line);
    }
    let outcomes = runner::run_file(eng, id, &script, st);
    if cmd.is_some() {
        eng.via.pop();
    }
    eng.stack.pop();
    outcomes
        .into_iter()
        .map(|(ret, mut state)| {
            state.if_result = saved; // exec_script restores the caller's `if` result
            Branch::new(state, ret)
        })
        .collect()
}

fn st_line(st: &State) -> crate::source::Span {
    st.emitted
        .last()
        .map(|e| e.origin)
        .unwrap_or(crate::source::Span::new(crate::source::FileId(0), 0..0))
}
