//! `policy-type-not-config` (EL009): the root key of a config policy should be `config`.

use crate::check::catalog::POLICY_TYPE_NOT_CONFIG;
use crate::check::CheckContext;
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics};

/// Reports a root key other than `config`.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    let entry = ctx.document.policy_type;
    if entry.key == "config" {
        return;
    }
    let mut d = Diagnostic::new(
        &POLICY_TYPE_NOT_CONFIG,
        entry.key_span,
        format!("the policy type is `{}`, not `config`", entry.key),
    )
    .label("policy type")
    .note("config from policy accepts any type, but `blockchain get config` will not find it");
    if did_you_mean(&entry.key, ["config"]).is_some() || entry.key.eq_ignore_ascii_case("config") {
        let q = entry.key_quote;
        d = d.help("did you mean `config`?").suggest(
            "rename to `config`",
            entry.key_span,
            format!("{q}config{q}"),
        );
    } else {
        d = d.help("a config policy is {'config': {...}}");
    }
    diags.push(d);
}
