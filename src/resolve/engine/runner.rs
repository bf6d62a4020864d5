//! One `.al` file run the way `member_cmd.exec_script` runs it (spec §4.6): labels,
//! `goto`/`call`/`return`, `on error`, `end script`, `exit scripts`, and the codes that end a
//! file. Control flow that only the node can decide forks the run into boot paths; the paths
//! are bounded and joined per way the file ends.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use super::line::{exec, Cmd};
use super::state::{group, Branch, Ret, State};
use super::{code, lints, report, Engine, MAX_PATHS};
use crate::source::FileId;
use crate::syntax::script::tokenize;
use crate::syntax::script_file::ScriptFile;

/// The most lines one file run executes before elpc stops following it.
const MAX_RUN_STEPS: usize = 20_000;

/// The `on error` setting of a running file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum OnError {
    None,
    Goto(String),
    Call(String),
    Ignore,
    End,
}

/// Where one boot path is in the file.
#[derive(Clone, Debug)]
struct Frame {
    pc: usize,
    calls: Vec<usize>,
    on_error: OnError,
    /// The last `goto`/`call` target (an `on error` jump there is not taken again).
    location: String,
    /// The code of the last command (what the file returns when it runs off its end).
    last: i32,
    /// States seen at jumps since this path last forked.
    seen: HashSet<u64>,
}

enum Control {
    Continue,
    Finish(Ret),
    /// The same state already reached this point on another path: nothing new follows.
    Drop,
}

/// A hash of everything that decides what a path does next.
pub fn fingerprint_state(st: &State, extra: u64) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    extra.hash(&mut h);
    st.if_result.hash(&mut h);
    st.scope.fingerprint(&mut h);
    h.finish()
}

fn fingerprint(f: &Frame, st: &State) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    f.pc.hash(&mut h);
    f.calls.hash(&mut h);
    f.on_error.hash(&mut h);
    f.location.hash(&mut h);
    fingerprint_state(st, h.finish())
}

/// Runs `script` (file `id`) from `st`; returns each way it can end with the joined state.
pub fn run_file(eng: &mut Engine, id: FileId, script: &ScriptFile, st: State) -> Vec<(Ret, State)> {
    if let Some((name, second, first)) = &script.duplicate_label {
        lints::duplicate_label(eng, name, *second, *first);
        return vec![(Ret::code(code::PROCESS_FAILURE), st)];
    }
    lints::file_lints(eng, script);
    let entry = eng.stack.len() <= 1;
    let mut work = vec![(
        Frame {
            pc: 0,
            calls: Vec::new(),
            on_error: OnError::None,
            location: String::new(),
            last: code::SUCCESS,
            seen: HashSet::new(),
        },
        st,
    )];
    let mut done: Vec<Branch> = Vec::new();
    let mut global_seen: HashSet<u64> = HashSet::new();
    let mut paths = 1usize;
    let start_steps = eng.steps;
    'paths: while let Some((mut frame, mut state)) = work.pop() {
        loop {
            let Some(line) = script.lines.get(frame.pc) else {
                done.push(Branch::new(state, Ret::code(frame.last)));
                continue 'paths;
            };
            if eng.steps - start_steps > MAX_RUN_STEPS || eng.steps > super::MAX_STEPS {
                lints::not_followed(eng, line.span(), "it runs more lines than elpc follows");
                done.push(Branch::new(havoc(script, state, line.span()), Ret::ok()));
                continue 'paths;
            }
            let cmd = Cmd::new(&line.text, line.span(), &|r| line.span_of(r));
            eng.cause = None;
            let all = exec(eng, &cmd, state);
            if let Some(trace) = eng.trace.as_mut().filter(|t| t.len() < 10_000) {
                trace.push((id, line.text.clone(), all[0].ret.code));
            }
            let branches_forked = all.len() > 1;
            let mut branches = all.into_iter();
            let first = branches.next().expect("a line returns at least one branch");
            for b in branches {
                if paths >= MAX_PATHS {
                    lints::not_followed(eng, cmd.line, "its boot paths are too many to follow");
                    done.push(Branch::new(havoc(script, b.state, cmd.line), Ret::ok()));
                    continue;
                }
                paths += 1;
                let mut f = frame.clone();
                f.seen.clear();
                let mut s = b.state;
                match step(
                    eng,
                    script,
                    &mut f,
                    &mut s,
                    b.ret,
                    &cmd,
                    entry,
                    &mut global_seen,
                ) {
                    Control::Continue => work.push((f, s)),
                    Control::Finish(r) => done.push(Branch::new(s, r)),
                    Control::Drop => {}
                }
            }
            if branches_forked {
                frame.seen.clear(); // a loop through a boot-time decision is not certain
            }
            state = first.state;
            let forked = paths > 1;
            match step(
                eng,
                script,
                &mut frame,
                &mut state,
                first.ret,
                &cmd,
                entry,
                &mut global_seen,
            ) {
                Control::Continue => {}
                Control::Finish(r) => {
                    done.push(Branch::new(state, r));
                    continue 'paths;
                }
                Control::Drop if forked => continue 'paths,
                Control::Drop => continue 'paths,
            }
        }
    }
    group(done).into_iter().map(|b| (b.ret, b.state)).collect()
}

/// Applies what a line returned to the path, as `exec_script` does.
#[allow(clippy::too_many_arguments)]
fn step(
    eng: &mut Engine,
    script: &ScriptFile,
    f: &mut Frame,
    st: &mut State,
    ret: Ret,
    cmd: &Cmd,
    entry: bool,
    global_seen: &mut HashSet<u64>,
) -> Control {
    let c = ret.code;
    let is_error = c != code::SUCCESS && c < code::NON_ERROR;
    // Another boot path of the same line may not have failed: the cause stays for the one
    // that did.
    let cause = if is_error { eng.cause.take() } else { None };
    f.last = c;
    let label = ret.label.clone().unwrap_or_default();
    if c == code::SUCCESS || (c > code::NON_ERROR && !is_control(c)) {
        if entry && stops_here(eng, cmd) {
            return Control::Finish(Ret::ok());
        }
        f.pc += 1;
        return Control::Continue;
    }
    match c {
        code::CRASH | code::LOOPS => return Control::Finish(ret),
        code::GOTO => return jump(eng, script, f, st, &label, true, cmd, global_seen),
        code::CALL => {
            f.calls.push(f.pc);
            return jump(eng, script, f, st, &label, true, cmd, global_seen);
        }
        code::ON_ERROR_GOTO => f.on_error = OnError::Goto(label),
        code::ON_ERROR_CALL => f.on_error = OnError::Call(label),
        code::ON_ERROR_IGNORE => f.on_error = OnError::Ignore,
        code::ON_ERROR_END => f.on_error = OnError::End,
        code::END_SCRIPT => return Control::Finish(Ret::ok()),
        code::EXIT_SCRIPTS => {
            report::exits(eng, cmd, st);
            return Control::Finish(ret);
        }
        code::RETURN => match f.calls.pop() {
            Some(at) => {
                f.pc = at;
                if let Some(u) = loop_check(eng, f, st, cmd, global_seen) {
                    return u;
                }
            }
            None => return Control::Finish(Ret::ok()),
        },
        _ => {
            // An error.
            let fatal = matches!(
                c,
                code::UNRECOGNIZED | code::COMMAND_STRUCT | code::MISSING_SCRIPT
            );
            let handled = match (&f.on_error, fatal) {
                (OnError::Ignore, _) => Some("`on error ignore`".to_string()),
                (_, true) => None,
                (OnError::Goto(l), _) if *l != f.location => Some(format!("`on error goto {l}`")),
                (OnError::Call(l), _) if *l != f.location => Some(format!("`on error call {l}`")),
                _ => None,
            };
            report::error(eng, cmd, c, cause, handled.as_deref(), st);
            match f.on_error.clone() {
                OnError::Ignore => f.last = code::SUCCESS,
                _ if fatal => return Control::Finish(ret),
                OnError::Goto(l) if l != f.location => {
                    return jump(eng, script, f, st, &l, false, cmd, global_seen)
                }
                OnError::Call(l) if l != f.location => {
                    f.calls.push(f.pc);
                    return jump(eng, script, f, st, &l, false, cmd, global_seen);
                }
                OnError::End => return Control::Finish(ret),
                _ => return Control::Finish(Ret::code(code::UNCOVERED)),
            }
        }
    }
    if entry && stops_here(eng, cmd) {
        return Control::Finish(Ret::ok());
    }
    f.pc += 1;
    Control::Continue
}

fn is_control(c: i32) -> bool {
    matches!(
        c,
        code::CALL
            | code::GOTO
            | code::END_SCRIPT
            | code::RETURN
            | code::ON_ERROR_GOTO
            | code::ON_ERROR_CALL
            | code::ON_ERROR_IGNORE
            | code::ON_ERROR_END
            | code::EXIT_SCRIPTS
    )
}

/// Whether the entry file stops after this line (main.al after `process …set_params.al`).
fn stops_here(eng: &Engine, cmd: &Cmd) -> bool {
    eng.stop_after.is_some_and(|suffix| {
        cmd.text.starts_with("process ") && cmd.text.trim_end().ends_with(suffix)
    })
}

#[allow(clippy::too_many_arguments)]
fn jump(
    eng: &mut Engine,
    script: &ScriptFile,
    f: &mut Frame,
    st: &State,
    label: &str,
    sets_location: bool,
    cmd: &Cmd,
    global_seen: &mut HashSet<u64>,
) -> Control {
    if sets_location {
        f.location = label.to_string();
    }
    match script.after_label(label) {
        Some(pc) => {
            report::label_link(eng, cmd, label, script);
            f.pc = pc;
            loop_check(eng, f, st, cmd, global_seen).unwrap_or(Control::Continue)
        }
        None => {
            report::missing_label(eng, cmd, label, script, st);
            Control::Finish(Ret::code(code::COMMAND_STRUCT))
        }
    }
}

/// A path that reaches a jump target in a state it was already in loops forever; one that
/// reaches the state of another path adds nothing.
fn loop_check(
    eng: &mut Engine,
    f: &mut Frame,
    st: &State,
    cmd: &Cmd,
    global_seen: &mut HashSet<u64>,
) -> Option<Control> {
    let h = fingerprint(f, st);
    if !f.seen.insert(h) {
        lints::endless_loop(eng, cmd);
        return Some(Control::Finish(Ret::code(code::LOOPS)));
    }
    if !global_seen.insert(h) {
        return Some(Control::Drop);
    }
    None
}

/// The state of a path elpc stops following: everything the file assigns is decided at boot.
fn havoc(script: &ScriptFile, mut st: State, at: crate::source::Span) -> State {
    let mut names = Vec::new();
    for line in &script.lines {
        let Ok(t) = tokenize(&line.text) else {
            continue;
        };
        for (i, w) in t.words.iter().enumerate() {
            let next_is_eq = t.words.get(i + 1).is_some_and(|n| n.text == "=");
            let head =
                i == 0 || matches!(t.words[i - 1].text.as_str(), "then" | "do" | "else" | "set");
            if next_is_eq && head {
                names.push(w.text.to_string());
            }
        }
    }
    st.scope
        .forget(&names, "set by a script line elpc did not follow");
    st.scope.mark_opaque(at);
    st
}
