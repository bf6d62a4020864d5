//! What a boot path carries from line to line, and how two paths are joined.

use super::merge::merge_emitted;
use super::Emitted;
use crate::resolve::scope::Scope;

/// A truth value the node may decide only at boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tri {
    /// True.
    True,
    /// False.
    False,
    /// Decided at boot.
    AtBoot,
}

impl Tri {
    /// The value of a known boolean.
    pub fn of(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

/// What a line returned: the node's code, and the label of a `goto`/`call`/`on error`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ret {
    /// The `process_status` code.
    pub code: i32,
    /// The label named (`goto x`, `call x`, `on error goto x`).
    pub label: Option<String>,
}

impl Ret {
    /// A code without a label.
    pub fn code(code: i32) -> Ret {
        Ret { code, label: None }
    }

    /// Success.
    pub fn ok() -> Ret {
        Ret::code(0)
    }

    /// A code naming a label.
    pub fn to(code: i32, label: &str) -> Ret {
        Ret {
            code,
            label: Some(label.to_string()),
        }
    }
}

/// The state of one boot path.
#[derive(Clone, Debug)]
pub struct State {
    /// The dictionary and the environment.
    pub scope: Scope,
    /// The saved result of the last `if` (what `do` and `else` read, §4.5).
    pub if_result: Tri,
    /// The commands run so far.
    pub emitted: Vec<Emitted>,
    /// Why the current line runs only on some boot paths (innermost last).
    pub guards: Vec<String>,
    /// What this boot path assumes about boot-time decisions taken so far.
    pub assumed: Vec<String>,
    /// The shapes of variables decided at boot (see [`super::shape`]).
    pub shapes: std::collections::HashMap<String, String>,
}

impl State {
    /// A state over `scope`, nothing run yet.
    pub fn new(scope: Scope) -> State {
        State {
            scope,
            if_result: Tri::False,
            emitted: Vec::new(),
            guards: Vec::new(),
            assumed: Vec::new(),
            shapes: Default::default(),
        }
    }

    /// Why what happens now happens only on some boot paths, if it does.
    pub fn conditional(&self) -> Option<String> {
        let all: Vec<&str> = self
            .assumed
            .iter()
            .chain(&self.guards)
            .map(String::as_str)
            .collect();
        (!all.is_empty()).then(|| all.join("; "))
    }

    /// The two paths as one: variables they disagree on are decided at boot, commands only
    /// one ran are marked as running on some boot paths.
    pub fn join(self, other: State) -> State {
        State {
            scope: self.scope.join(&other.scope),
            if_result: if self.if_result == other.if_result {
                self.if_result
            } else {
                Tri::AtBoot
            },
            emitted: merge_emitted(self.emitted, other.emitted),
            assumed: self
                .assumed
                .iter()
                .zip(&other.assumed)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a.clone())
                .collect(),
            shapes: self
                .shapes
                .into_iter()
                .filter(|(k, v)| other.shapes.get(k) == Some(v))
                .collect(),
            guards: self.guards,
        }
    }
}

/// One way a line can end.
#[derive(Clone, Debug)]
pub struct Branch {
    /// The state after it.
    pub state: State,
    /// What it returned.
    pub ret: Ret,
}

impl Branch {
    /// A branch.
    pub fn new(state: State, ret: Ret) -> Branch {
        Branch { state, ret }
    }

    /// A single successful branch.
    pub fn ok(state: State) -> Vec<Branch> {
        vec![Branch::new(state, Ret::ok())]
    }

    /// A single branch with `code`.
    pub fn with(state: State, code: i32) -> Vec<Branch> {
        vec![Branch::new(state, Ret::code(code))]
    }
}

/// Branches that return the same thing, joined into one each (first-seen order).
pub fn group(branches: Vec<Branch>) -> Vec<Branch> {
    let mut out: Vec<Branch> = Vec::new();
    for b in branches {
        match out.iter().position(|o| o.ret == b.ret) {
            Some(i) => {
                let existing = out.remove(i);
                let joined = existing.state.join(b.state);
                out.insert(i, Branch::new(joined, b.ret));
            }
            None => out.push(b),
        }
    }
    out
}
