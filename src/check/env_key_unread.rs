//! `env-key-unread` (EL104): env keys no deployment script reads (§5.4, LINT-24), with the key
//! that is read when one is meant.

/// Hashed with foldhash: a generated env file can hold a million keys (SipHash was a fifth of
/// this rule's time on them).
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

use crate::check::catalog::ENV_KEY_UNREAD;
use crate::check::{EnvContext, NoteBudget};
use crate::diagnostic::{Diagnostic, Diagnostics, Names, Severity};
use crate::edgelake::profile;
use crate::resolve::scope::Profile;

/// Reports each unread key once per file.
pub fn check(ctx: &EnvContext, diags: &mut Diagnostics) {
    if ctx.profile != Profile::EdgeLake {
        return;
    }
    // Sets, not list scans: a generated fleet env file can hold 100,000 keys (issue 6).
    let read: HashSet<&str> = profile::read_env_keys()
        .chain(profile::COMPOSE_KEYS.iter().copied())
        .collect();
    // Read once for all keys: a generated env file asks for each of its keys.
    let candidates = Names::new(profile::read_env_keys());
    for file in ctx.env_files {
        let mut seen: HashSet<&str> =
            HashSet::with_capacity_and_hasher(file.entries.len(), Default::default());
        let mut budget = NoteBudget::new();
        for entry in &file.entries {
            let key = entry.key.as_str();
            if read.contains(key) || key.starts_with("HZN_") || !seen.insert(key) {
                continue;
            }
            let renamed = profile::RENAMED_KEYS
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, to)| *to);
            // Known unread keys have nothing to suggest; skip the distance search for them.
            let typo = if profile::is_known_unread(key) {
                None
            } else {
                candidates.nearest(key)
            };
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
            budget.push(diags, d);
        }
        budget.finish(diags, &ENV_KEY_UNREAD, "keys no script reads");
    }
}
