//! `chart-key-unread` (EL608): env keys the Helm charts put into the node's ConfigMap that no
//! deployment script reads (§7): `IS_KUBERNETES` and `PROXY_IP` (meant to publish the
//! Service's name), `SYNC_TIME` (the scripts read `BLOCKCHAIN_SYNC`) and
//! `BLOCKCHAIN_DESTINATION` (they read `DESTINATION`).

use crate::check::catalog::CHART_KEY_UNREAD;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::kubernetes::{EnvSource, NodePod};
use crate::resolve::env_layers::EnvOrigin;

/// The keys, with what to do instead.
const UNREAD: &[(&str, &str)] = &[
    ("IS_KUBERNETES", "nothing reads it; to keep the node's address across pod restarts set OVERLAY_IP to the host's internal IP (see `elpc explain pod-address-published`)"),
    ("PROXY_IP", "nothing publishes the Service name from it; set OVERLAY_IP to the host's internal IP, or publish the Service name in the policy's `ip`"),
    ("SYNC_TIME", "the scripts read BLOCKCHAIN_SYNC (`run blockchain sync where time = ...`); set that instead"),
    ("BLOCKCHAIN_DESTINATION", "the scripts read DESTINATION, and default to `file`"),
];

/// Reports each of the keys the pod gets from a ConfigMap.
pub fn check(pod: &NodePod, diags: &mut Diagnostics) {
    for var in &pod.env {
        if !matches!(var.source, EnvSource::ConfigMap(_)) {
            continue;
        }
        let Some((_, help)) = UNREAD.iter().find(|(k, _)| *k == var.name) else {
            continue;
        };
        let (span, from) = match &var.origin {
            EnvOrigin::File { key_span, .. } => (*key_span, "the chart renders it from this value"),
            EnvOrigin::Base { .. } => (pod.anchor, "the chart adds it"),
        };
        diags.push(
            Diagnostic::new(
                &CHART_KEY_UNREAD,
                span,
                format!(
                    "the chart sets `{}`, which no deployment script reads",
                    var.name
                ),
            )
            .label(from)
            .help(*help),
        );
    }
}
