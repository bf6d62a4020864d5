//! `service-selects-nothing` (EL610): a Service in the manifests whose selector matches no
//! pod template: it has no endpoints, so every connection and port-forward to it fails.

use crate::check::catalog::SERVICE_SELECTS_NOTHING;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::kubernetes::NodePod;

/// Reports each such Service.
pub fn check(pod: &NodePod, diags: &mut Diagnostics) {
    for service in &pod.unselected {
        diags.push(
            Diagnostic::new(
                &SERVICE_SELECTS_NOTHING,
                service.span,
                format!(
                    "Service `{}` selects no pod in these manifests",
                    service.name
                ),
            )
            .label("no endpoints")
            .help("make `spec.selector` a subset of the pod template's `metadata.labels`"),
        );
    }
}
