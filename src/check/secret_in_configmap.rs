//! `secret-in-configmap` (EL609): a password or key rendered into a ConfigMap's `data`, where
//! anyone who may read ConfigMaps in the namespace reads it. Both EdgeLake charts do this for
//! `DB_PASSWD`, `NOSQL_PASSWD`, `MQTT_PASSWD` and `LICENSE_KEY`.

use crate::check::catalog::SECRET_IN_CONFIGMAP;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::kubernetes::{EnvSource, NodePod};
use crate::resolve::env_layers::EnvOrigin;
use crate::secrets::is_secret_name;

/// Reports each non-empty secret-named key that reaches the container from a ConfigMap.
pub fn check(pod: &NodePod, diags: &mut Diagnostics) {
    for var in &pod.env {
        let EnvSource::ConfigMap(configmap) = &var.source else {
            continue;
        };
        let flag =
            var.value.eq_ignore_ascii_case("true") || var.value.eq_ignore_ascii_case("false");
        if !is_secret_name(&var.name) || var.value.trim().is_empty() || flag {
            continue;
        }
        let span = match &var.origin {
            EnvOrigin::File { value_span, .. } => *value_span,
            EnvOrigin::Base { .. } => pod.anchor,
        };
        diags.push(
            Diagnostic::new(
                &SECRET_IN_CONFIGMAP,
                span,
                format!("`{}` is rendered into ConfigMap `{configmap}`, in plain text", var.name),
            )
            .label("readable by anyone who may read ConfigMaps in the namespace")
            .help(format!("keep {} in a Secret and give it to the container with `envFrom: [{{secretRef: {{name: ...}}}}]` or `valueFrom.secretKeyRef`", var.name))
            .note("`kubectl get configmap -o yaml` shows ConfigMap data to every reader; Secrets have their own access rules"),
        );
    }
}
