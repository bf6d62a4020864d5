//! `if` lines: `member_cmd.process_cmd` → `_process_if` (`analyze_if`, `process_analyzed_if`)
//! against elpc's tokenizer, `parse_if` and `evaluate`, and the `then` command the node runs.

use super::vars::CaseVars;
use super::{Case, Verdict};
use crate::resolve::condition::{evaluate, parse_if, Truth};
use crate::syntax::script::tokenize;

/// elpc's answer for an `if` line: the truth and the `then` command it re-joins.
fn elpc(line: &str, vars: &CaseVars) -> (Truth, Option<String>) {
    let words = match tokenize(line) {
        Ok(t) => t.words,
        Err(e) => return (Truth::RuntimeError { message: e.message }, None),
    };
    match parse_if(&words) {
        Ok(parsed) => (evaluate(&parsed.condition, vars), parsed.then_text()),
        Err(e) => (Truth::RuntimeError { message: e.message }, None),
    }
}

pub(super) fn replay(case: &Case) -> Verdict {
    let vars = CaseVars::from_input(&case.input);
    let (truth, then) = elpc(case.str("line"), &vars);
    let result = case.expect["result"].as_str().unwrap_or("?");
    if let Some(why) = case.boot_under("result") {
        return match truth {
            Truth::AtBoot { .. } => Ok(()),
            other => Err(format!("decided at boot ({why}), elpc says {other:?}")),
        };
    }
    let agrees = match (result, &truth) {
        ("true", Truth::True) => {
            let want = case.expect["then"].as_str();
            return if want == then.as_deref() {
                Ok(())
            } else {
                Err(format!("true; the node runs {want:?}, elpc {then:?}"))
            };
        }
        ("false", Truth::False)
        | ("error", Truth::RuntimeError { .. })
        | ("crash", Truth::Crash { .. }) => true,
        _ => false,
    };
    if agrees {
        Ok(())
    } else {
        let crash = case.expect["crash"].as_str().unwrap_or("");
        Err(format!("runtime {result} {crash}, elpc {truth:?}"))
    }
}
