//! Env layering against the deployment that reads it: `local-scripts-legacy-layout` (EL105,
//! §5.6, LINT-28) and `makefile-key-moved` (EL110, LINT-23).

use crate::check::catalog::{LOCAL_SCRIPTS_LEGACY_LAYOUT, MAKEFILE_KEY_MOVED};
use crate::check::EnvContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::scope::Profile;

/// Keys the docker-compose Makefile greps from one specific file.
const MAKEFILE_KEYS: &[(&str, &str)] = &[
    ("ANYLOG_SERVER_PORT", "base_configs.env"),
    ("ANYLOG_REST_PORT", "base_configs.env"),
    ("ANYLOG_BROKER_PORT", "base_configs.env"),
    ("NODE_NAME", "base_configs.env"),
    ("NIC_TYPE", "advance_configs.env"),
    ("REMOTE_CLI", "advance_configs.env"),
    ("ENABLE_NEBULA", "advance_configs.env"),
];

/// Reports the two cross-file contracts of the docker-compose deployment.
pub fn check(ctx: &EnvContext, diags: &mut Diagnostics) {
    if ctx.profile != Profile::EdgeLake {
        return;
    }
    if let Some(var) = ctx.layers.get("LOCAL_SCRIPTS") {
        if var
            .value
            .trim_end_matches('/')
            .ends_with("/node-deployment")
        {
            if let EnvOrigin::File { value_span, .. } = var.origin {
                let fixed = var
                    .value
                    .trim_end_matches('/')
                    .trim_end_matches("/node-deployment")
                    .to_string();
                diags.push(
                    Diagnostic::new(&LOCAL_SCRIPTS_LEGACY_LAYOUT, value_span, "`LOCAL_SCRIPTS` points at the legacy `node-deployment` directory")
                        .label("the scripts append node-deployment/ themselves")
                        .help(format!("set LOCAL_SCRIPTS={fixed} (the root of the deployment-scripts repository)"))
                        .suggest(format!("use {fixed}"), value_span, fixed.clone())
                        .note("main.al processes !local_scripts/node-deployment/set_params.al: that file is missing, main.al ends, and no env value, config policy or server is applied"),
                );
            }
        }
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
        for file in ctx.env_files {
            if file_name(file.file) == *home {
                continue;
            }
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
