//! `id-mismatch` (EL008): an `id` that is not the md5 the node computes for the policy's
//! content (§1.5).

use crate::check::catalog::ID_MISMATCH;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::json::policy_json;
use crate::emit::policy_id::compute_id;
use crate::syntax::policy::NodeKind;

/// Compares a written 32-hex `id` with the computed one. Symbolic ids
/// (`"generic-master-policy"`) are deliberate and not reported.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    let Some(entry) = ctx.document.body.get("id") else {
        return;
    };
    let NodeKind::Str(lit) = &entry.value.kind else {
        return;
    };
    let written = &*lit.value;
    if written.len() != 32 || !written.chars().all(|c| c.is_ascii_hexdigit()) {
        return;
    }
    let object = match &ctx.document.root.kind {
        NodeKind::Array(items) if items.len() == 1 => &items[0],
        _ => ctx.document.root,
    };
    let Some(computed) = compute_id(&policy_json(object)) else {
        return;
    };
    if computed == written.to_ascii_lowercase() {
        return;
    }
    let quote = lit.quote;
    diags.push(
        Diagnostic::new(&ID_MISMATCH, entry.value.span, format!("this id is not the one the node computes for this content ({computed})"))
            .label("written id")
            .help("remove `id` (and `date`) so the node computes it, or use the computed id")
            .suggest(format!("use the computed id {computed}"), entry.value.span, format!("{quote}{computed}{quote}"))
            .note("the id is md5 of the policy's Python repr without id, date and ledger; an edited policy keeps its old id"),
    );
}
