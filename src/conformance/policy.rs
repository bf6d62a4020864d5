//! Policy text: `blockchain prepare policy` (`json_str_replace_key_with_value`, the `|`
//! conversion, `utils_json.str_to_json`, `policies.add_json_id_date`) against elpc's parser,
//! its canonical JSON and its policy id.

use serde_json::Value as Json;

use super::vars::text_of;
use super::{Case, Verdict};
use crate::compile::{compile, Compilation, Input, Options};
use crate::resolve::scope::Profile;

/// Rules that say the node refuses (or rewrites) the text.
const REFUSED: [&str; 5] = ["EL001", "EL004", "EL005", "EL006", "EL007"];

/// Compiles `text` with the case's variables given as `--set` (no profile, no env file).
pub(super) fn compile_text(text: &str, vars: &Json, profile: Profile) -> Compilation {
    let sets = vars
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| Some((p[0].as_str()?.to_string(), text_of(&p[1]))))
                .collect()
        })
        .unwrap_or_default();
    let options = Options {
        profile,
        sets,
        ..Options::default()
    };
    compile(&Input::text("policy", text), &[], &options)
}

/// The codes elpc reported.
pub(super) fn codes(c: &Compilation) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.rule.code).collect()
}

fn without_date(mut policy: Json) -> Json {
    if let Some(inner) = policy
        .as_object_mut()
        .and_then(|o| o.values_mut().next())
        .and_then(Json::as_object_mut)
    {
        inner.shift_remove("date");
    }
    policy
}

fn got_id(policy: &Json) -> Option<&Json> {
    policy.as_object()?.values().next()?.get("id")
}

/// Replaces, in the runtime's answer, every value decided at boot by elpc's (which must be the
/// reference as written, a string starting with `!`), and drops a boot-decided id.
fn excuse_boot(case: &Case, want: &mut Json, got: &Json, path: &str) {
    match (want, got) {
        (Json::Object(w), Json::Object(g)) => {
            let keys: Vec<String> = w.keys().cloned().collect();
            for k in keys {
                let p = format!("{path}.{k}");
                if case.boot_under(&p).is_some() && !g.contains_key(&k) {
                    w.shift_remove(&k);
                } else if let (Some(wv), Some(gv)) = (w.get_mut(&k), g.get(&k)) {
                    excuse_boot(case, wv, gv, &p);
                }
            }
        }
        (Json::Array(w), Json::Array(g)) => {
            for (i, (wv, gv)) in w.iter_mut().zip(g).enumerate() {
                excuse_boot(case, wv, gv, &format!("{path}.{i}"));
            }
        }
        (w, Json::String(g)) if g.starts_with('!') && case.boot_under(path).is_some() => {
            *w = Json::String(g.clone());
        }
        _ => {}
    }
}

pub(super) fn replay(case: &Case) -> Verdict {
    let c = compile_text(case.str("text"), &case.input["vars"], Profile::Plain);
    let refused = codes(&c).iter().any(|code| REFUSED.contains(code));
    let e = &case.expect;
    let accepted = e["ret"] == 0;
    if !accepted {
        let why = e["crash"].as_str().or(e["ret_text"].as_str()).unwrap_or("");
        return if refused {
            Ok(())
        } else {
            Err(format!(
                "the node refuses the text ({why}); elpc reports {:?}",
                codes(&c)
            ))
        };
    }
    let Some(out) = &c.output else {
        return Err(format!(
            "the node accepts the text; elpc has no policy ({:?})",
            codes(&c)
        ));
    };
    let mut want = without_date(e["policy"].clone());
    let got = without_date(out.policy.clone());
    // Where the stored value depends on the node (an unquoted `!ip`), elpc keeps the
    // reference as written and computes no id: take elpc's value there.
    if let Some(why) = case.boot_under("id") {
        if got_id(&got).is_some() {
            return Err(format!(
                "the id is decided at boot ({why}), elpc computes one"
            ));
        }
    }
    excuse_boot(case, &mut want, &got, "policy");
    let (got_text, want_text) = (got.to_string(), want.to_string());
    if got_text != want_text {
        return Err(format!("the node stores {want}, elpc {got}"));
    }
    if refused {
        return Err(format!(
            "the node accepts the text as elpc reads it, yet elpc reports {:?}",
            codes(&c)
        ));
    }
    Ok(())
}
