//! `local-scripts-legacy-layout` (EL105): `LOCAL_SCRIPTS` set to the legacy
//! `.../node-deployment` directory stops the deployment scripts: `main.al` processes
//! `!local_scripts/node-deployment/set_params.al`, which is then missing.

use crate::check::catalog::LOCAL_SCRIPTS_LEGACY_LAYOUT;
use crate::check::EnvContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::scope::Profile;
use crate::source::Span;
use crate::syntax::yaml::{parse_yaml, YamlNode, YamlValue};

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
            .help(format!("{} (the root of the deployment-scripts repository)", how_to_set(ctx, value_span, fixed)))
            .suggest(format!("use {fixed}"), value_span, fixed)
            .note("main.al processes !local_scripts/node-deployment/set_params.al: that file is missing, main.al ends, and no env value, config policy or server is applied"),
    );
}

/// The fix in the words of the file that set the value: `KEY=value` in an env file, the key
/// path in a Helm values file or manifest (`node_configs.directories.LOCAL_SCRIPTS: value`).
fn how_to_set(ctx: &EnvContext, value_span: Span, value: &str) -> String {
    if ctx.env_files.iter().any(|f| f.file == value_span.file) {
        return format!("set LOCAL_SCRIPTS={value}");
    }
    let text = ctx.sources.get(value_span.file).text();
    let docs = parse_yaml(value_span.file, text, &mut Diagnostics::default());
    let mut path = Vec::new();
    match docs.iter().find(|d| key_path(d, value_span, &mut path)) {
        Some(_) => format!("set `{}: {value}`", path.join(".")),
        None => format!("give `LOCAL_SCRIPTS` the value `{value}`"),
    }
}

/// True when the mapping entry whose scalar value is written at `value_span` is under `node`;
/// `path` then holds its keys from the document root (sequence items as `[i]` on their key).
fn key_path(node: &YamlNode, value_span: Span, path: &mut Vec<String>) -> bool {
    match &node.value {
        YamlValue::Map(entries) => entries.iter().any(|e| {
            path.push(e.key.clone());
            let scalar = !matches!(e.value.value, YamlValue::Map(_) | YamlValue::Seq(_));
            if (scalar && e.value.span == value_span) || key_path(&e.value, value_span, path) {
                return true;
            }
            path.pop();
            false
        }),
        YamlValue::Seq(items) => items.iter().enumerate().any(|(i, item)| {
            let Some(last) = path.last_mut() else {
                return false;
            };
            let before = last.len();
            last.push_str(&format!("[{i}]"));
            if key_path(item, value_span, path) {
                return true;
            }
            if let Some(last) = path.last_mut() {
                last.truncate(before);
            }
            false
        }),
        _ => false,
    }
}
