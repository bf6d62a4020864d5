//! `pod-address-published` (EL607): an address that changes when the pod restarts, published
//! in the node's policy (§7, LINT-25): an address key resolving to `!ip` (the pod's IP), or a
//! literal address in a default pod network (10.244.0.0/16 kubeadm+flannel, 10.42.0.0/16 k3s)
//! in the policy or in `OVERLAY_IP`.

use crate::check::catalog::POD_ADDRESS_PUBLISHED;
use crate::check::KubeContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::config_keys::KeyRole;
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::policy::value_span;
use crate::resolve::value::{Resolved, Value};

const HELP: &str = "set `node_configs.networking.OVERLAY_IP` to the host's static internal IP in the values and publish `'!overlay_ip'`";

/// Reports each address key that publishes the pod's own address.
pub fn check(ctx: &KubeContext, diags: &mut Diagnostics) {
    for kv in ctx.keys.iter().filter(|k| k.role == KeyRole::Address) {
        let message = match &kv.value {
            Some(Resolved::AtBoot { depends_on }) if depends_on.iter().any(|d| d == "!ip") => {
                format!(
                    "`{}` resolves to `!ip`, the pod's IP, which changes on every restart",
                    kv.entry.key
                )
            }
            Some(Resolved::Known(Value::Str(s))) if in_pod_network(s) => {
                format!("`{}` is {s}, an address in a default pod network: it belongs to one pod and changes when the pod restarts", kv.entry.key)
            }
            _ => continue,
        };
        diags.push(
            Diagnostic::new(&POD_ADDRESS_PUBLISHED, value_span(kv), message)
                .label("published in the shared metadata")
                .help(HELP)
                .note("other nodes find this node by the addresses in its policy; after a redeploy they point at nothing"),
        );
    }
    if let Some(var) = ctx.scope.env_layers().get("OVERLAY_IP") {
        if let (true, EnvOrigin::File { value_span, .. }) =
            (in_pod_network(&var.value), &var.origin)
        {
            diags.push(
                Diagnostic::new(
                    &POD_ADDRESS_PUBLISHED,
                    *value_span,
                    format!(
                        "`OVERLAY_IP` is {}, an address in a default pod network",
                        var.value
                    ),
                )
                .label("a pod's address, not the host's")
                .help("set OVERLAY_IP to the host's static internal IP (the node the pod runs on)"),
            );
        }
    }
}

/// True for an IPv4 address in 10.244.0.0/16 or 10.42.0.0/16.
fn in_pod_network(s: &str) -> bool {
    let parts: Vec<&str> = s.trim().split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| p.parse::<u8>().is_ok())
        && parts[0] == "10"
        && (parts[1] == "244" || parts[1] == "42")
}
