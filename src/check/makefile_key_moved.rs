//! `makefile-key-moved` (EL110): keys the docker-compose Makefile reads from one specific env
//! file, set in another (LINT-23).

use crate::check::catalog::MAKEFILE_KEY_MOVED;
use crate::check::EnvContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::scope::Profile;

/// Keys the Makefile greps from one specific file.
const MAKEFILE_KEYS: &[(&str, &str)] = &[
    ("ANYLOG_SERVER_PORT", "base_configs.env"),
    ("ANYLOG_REST_PORT", "base_configs.env"),
    ("ANYLOG_BROKER_PORT", "base_configs.env"),
    ("NODE_NAME", "base_configs.env"),
    ("NIC_TYPE", "advance_configs.env"),
    ("REMOTE_CLI", "advance_configs.env"),
    ("ENABLE_NEBULA", "advance_configs.env"),
];

/// Reports each such key defined outside its file, in a docker-makefiles layering.
pub fn check(ctx: &EnvContext, diags: &mut Diagnostics) {
    if ctx.profile != Profile::EdgeLake {
        return;
    }
    let file_name = |id| {
        let name = ctx.sources.get(id).name();
        name.rsplit(['/', '\\']).next().unwrap_or(name).to_string()
    };
    let names: Vec<String> = ctx.env_files.iter().map(|f| file_name(f.file)).collect();
    for (key, home) in MAKEFILE_KEYS {
        if !names.iter().any(|n| n == home) {
            continue; // not a docker-makefiles layering
        }
        for file in ctx.env_files.iter().filter(|f| file_name(f.file) != *home) {
            for entry in file.entries.iter().filter(|e| e.key == *key) {
                diags.push(
                    Diagnostic::new(&MAKEFILE_KEY_MOVED, entry.key_span, format!("the Makefile reads `{key}` from {home} only"))
                        .label(format!("set outside {home}"))
                        .help(format!("move `{key}` to {home}"))
                        .note("the Makefile builds port mappings and container names from that file: compose and the node would disagree"),
                );
            }
        }
    }
}
