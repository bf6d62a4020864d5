//! `env-key-unread` (EL104): env keys no deployment script reads (§5.4, LINT-24), with the key
//! that is read when one is meant.

use crate::check::catalog::ENV_KEY_UNREAD;
use crate::check::EnvContext;
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Severity};
use crate::edgelake::profile;
use crate::resolve::scope::Profile;

/// Reports each unread key once per file.
pub fn check(ctx: &EnvContext, diags: &mut Diagnostics) {
    if ctx.profile != Profile::EdgeLake {
        return;
    }
    for file in ctx.env_files {
        let mut seen: Vec<&str> = Vec::new();
        for entry in &file.entries {
            let key = entry.key.as_str();
            if profile::env_key_is_read(key) || seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let renamed = profile::RENAMED_KEYS
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, to)| *to);
            let typo = did_you_mean(key, profile::read_env_keys());
            let d = Diagnostic::new(
                &ENV_KEY_UNREAD,
                entry.key_span,
                format!("no deployment script reads `{key}`"),
            )
            .label("never reaches the node");
            let d = match renamed.or(typo) {
                Some(read) => d.help(format!("the scripts read `{read}`")).suggest(
                    format!("rename to `{read}`"),
                    entry.key_span,
                    read,
                ),
                None => d
                    .severity(Severity::Note)
                    .help("remove it, or read it in a script of your own"),
            };
            diags.push(d);
        }
    }
}
