//! `port-conflict` (EL302): no two servers may listen on one port (§2.3–2.5).

use crate::check::catalog::PORT_CONFLICT;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::servers::{Field, ServerPlan};
use crate::resolve::value::Value;

/// Reports a server that listens on a port an earlier server already uses.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    let plans: Vec<&ServerPlan> = ctx.servers.plans().collect();
    for (i, later) in plans.iter().enumerate() {
        let Field::Known(Value::Int(port)) = later.internal_port else {
            continue;
        };
        if let Some(earlier) = plans[..i]
            .iter()
            .find(|p| p.internal_port == Field::Known(Value::Int(port)))
        {
            diags.push(
                Diagnostic::new(
                    &PORT_CONFLICT,
                    later.origin,
                    format!(
                        "the {} server and the {} server both listen on port {port}",
                        earlier.kind.as_str().to_uppercase(),
                        later.kind.as_str().to_uppercase()
                    ),
                )
                .label(format!("{} server on {port}", later.kind.as_str().to_uppercase()))
                .with_secondary(earlier.origin, format!("{} server on {port}", earlier.kind.as_str().to_uppercase()))
                .help("give each server its own port (EdgeLake's defaults are TCP 32148, REST 32149 for an operator)")
                .note("the second server fails to bind its socket; the node keeps running without it"),
            );
        }
    }
}
