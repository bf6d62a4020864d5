//! `ignored-key` (EL306): keys `config from policy` never reads, such as `threads` for
//! `tcp_threads` (§2.2, LINT-07), and near-misses of the keys it does read.

use crate::check::catalog::IGNORED_KEY;
use crate::check::CheckContext;
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::edgelake::config_keys::{self, READ_KEYS};
use crate::syntax::policy::NodeKind;

/// Reports each ignored key once, with the key the runtime reads when there is one.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    let NodeKind::Object(entries) = &ctx.document.body.kind else {
        return;
    };
    for entry in entries {
        let key = entry.key.as_str();
        if config_keys::read_key(key).is_some() || config_keys::LOOKUP_KEYS.contains(&key) {
            continue;
        }
        let quote = entry.key_quote;
        if let Some(ignored) = config_keys::ignored_key(key) {
            let mut d = Diagnostic::new(
                &IGNORED_KEY,
                entry.key_span,
                format!("the node never reads `{key}`"),
            )
            .label("ignored by config from policy")
            .note(ignored.advice);
            match ignored.instead {
                Some(instead) if ctx.document.body.get(instead).is_none() => {
                    d = d.help(format!("rename it to `{instead}`")).suggest(
                        format!("rename to `{instead}`"),
                        entry.key_span,
                        format!("{quote}{instead}{quote}"),
                    );
                }
                Some(instead) => {
                    d = d.help(format!("remove it: `{instead}` is already set"));
                }
                None => d = d.help("remove it"),
            }
            diags.push(d);
        } else if let Some(best) = did_you_mean(key, READ_KEYS.iter().map(|k| k.name)) {
            if ctx.document.body.get(best).is_none() {
                diags.push(
                    Diagnostic::new(
                        &IGNORED_KEY,
                        entry.key_span,
                        format!("the node never reads `{key}`"),
                    )
                    .label("not a key config from policy reads")
                    .help(format!("did you mean `{best}`?"))
                    .suggest(
                        format!("rename to `{best}`"),
                        entry.key_span,
                        format!("{quote}{best}{quote}"),
                    ),
                );
            }
        }
    }
}
