//! `local-scripts-legacy-layout` (EL105): `LOCAL_SCRIPTS` set to the legacy
//! `.../node-deployment` directory stops the deployment scripts (§5.6, LINT-28).

use crate::check::catalog::LOCAL_SCRIPTS_LEGACY_LAYOUT;
use crate::check::EnvContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::scope::Profile;

/// Reports the effective `LOCAL_SCRIPTS` definition when it ends in `/node-deployment`.
pub fn check(ctx: &EnvContext, diags: &mut Diagnostics) {
    if ctx.profile != Profile::EdgeLake {
        return;
    }
    let Some(var) = ctx.layers.get("LOCAL_SCRIPTS") else {
        return;
    };
    let value = var.value.trim_end_matches('/');
    let Some(fixed) = value.strip_suffix("/node-deployment") else {
        return;
    };
    let EnvOrigin::File { value_span, .. } = var.origin else {
        return;
    };
    diags.push(
        Diagnostic::new(&LOCAL_SCRIPTS_LEGACY_LAYOUT, value_span, "`LOCAL_SCRIPTS` points at the legacy `node-deployment` directory")
            .label("the scripts append node-deployment/ themselves")
            .help(format!("set LOCAL_SCRIPTS={fixed} (the root of the deployment-scripts repository)"))
            .suggest(format!("use {fixed}"), value_span, fixed)
            .note("main.al processes !local_scripts/node-deployment/set_params.al: that file is missing, main.al ends, and no env value, config policy or server is applied"),
    );
}
