//! Reference resolution: `params.get_value_if_available(word)` against elpc's `resolve_word`.

use super::vars::{same_value, CaseVars};
use super::{Case, Verdict};
use crate::resolve::reference::resolve_word;
use crate::resolve::value::Resolved;

pub(super) fn replay(case: &Case) -> Verdict {
    let vars = CaseVars::from_input(&case.input);
    let got = resolve_word(case.str("word"), &vars);
    if let Some(why) = case.boot_under("value") {
        return match got {
            Resolved::AtBoot { .. } => Ok(()),
            Resolved::Known(v) => Err(format!("decided at boot ({why}), elpc knows {v:?}")),
        };
    }
    let expect = &case.expect["value"];
    if let Some(e) = expect.get("exception") {
        return Err(format!("the runtime raises {e}; elpc gives {got:?}"));
    }
    match got {
        Resolved::Known(v) => same_value(&v, expect),
        Resolved::AtBoot { depends_on } => Err(format!(
            "runtime {expect}, elpc says decided at boot by {depends_on:?}"
        )),
    }
}
