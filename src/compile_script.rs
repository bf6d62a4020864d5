//! `.al` scripts as inputs: [`compile_script`] runs a script the way the node runs it with
//! `process`, in the scope the env files give (the built-in profile, or the deployment scripts
//! with `Options::scripts`), and reports what fails at boot, at the script's own lines.

use crate::compile::{finish, prepare, Compilation, Finished, Input, Options, Unreadable};
use crate::resolve::engine::{Emitted, Engine, Link, State};
use crate::source::{FileId, Span};

/// Largest script elpc reads (the deployment scripts are a few kilobytes each).
pub const MAX_SCRIPT_BYTES: usize = 8 * 1024 * 1024;

/// What running a script does.
#[derive(Clone, Debug, Default)]
pub struct ScriptRun {
    /// The node's return code for each way the script can end (one when nothing only the node
    /// knows changes its course).
    pub outcomes: Vec<i32>,
    /// The commands it runs, in order (those of the files it processes too).
    pub commands: Vec<Emitted>,
    /// Words that point somewhere: labels for `goto`/`call`, files for `process`.
    pub links: Vec<(Span, Link)>,
    /// The files it processed that elpc read, by node path.
    pub files: Vec<(String, FileId)>,
}

/// Checks an `.al` script (file 0) against env files layered in order. The compilation's
/// `scope` is what the script leaves behind (variables several boot paths disagree on are
/// decided at boot); `output` is `None`.
pub fn compile_script(script: &Input, env_files: &[Input], options: &Options) -> Compilation {
    compile_script_files(
        &Ok(script.clone()),
        &env_files.iter().cloned().map(Ok).collect::<Vec<_>>(),
        options,
    )
}

/// [`compile_script`] for a front end that may have refused some files (see
/// [`crate::compile::compile_files`]).
pub fn compile_script_files(
    script: &Result<Input, Unreadable>,
    env_files: &[Result<Input, Unreadable>],
    options: &Options,
) -> Compilation {
    let mut p = prepare(
        script.as_ref().map(std::borrow::Cow::Borrowed),
        MAX_SCRIPT_BYTES,
        env_files.iter().map(Result::as_ref),
        &crate::kubernetes::Kubernetes::default(),
        options,
    );
    let (id, usable) = p.main;
    let mut run = ScriptRun::default();
    let mut scope = p.scope.clone();
    if usable {
        let mut engine = Engine::new(options, &mut p.sources, &mut p.diags);
        let ends = engine.run_source(id, State::new(p.scope.clone()));
        run.links = std::mem::take(&mut engine.info.links);
        run.files = std::mem::take(&mut engine.info.files);
        let mut joined: Option<State> = None;
        for (ret, st) in ends {
            run.outcomes.push(ret.code);
            joined = Some(match joined {
                Some(j) => j.join(st),
                None => st,
            });
        }
        if let Some(st) = joined {
            scope = st.scope;
            run.commands = st.emitted;
        }
    }
    finish(
        p.sources,
        p.diags,
        Finished {
            output: None,
            scope,
            syntax: None,
            kubernetes: None,
            script: Some(run),
        },
        options,
        None,
    )
}

/// Whether a file name is a script (`.al`) rather than a policy.
pub fn is_script(name: &str) -> bool {
    name.rsplit('.')
        .next()
        .is_some_and(|e| e.eq_ignore_ascii_case("al"))
        && name.contains('.')
}
