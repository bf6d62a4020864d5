//! `literal-cast-suffix` (EL203): a literal server value ending in a cast suffix is cast by the
//! node (`"edge.name"` → `"edge"`, `"32148.int"` → 32148) (§2.2, LINT-04).

use crate::check::catalog::LITERAL_CAST_SUFFIX;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::cast::Cast;
use crate::syntax::policy::NodeKind;

/// Reports literal (non-reference) server values that end in a cast suffix.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for kv in ctx.keys {
        let NodeKind::Str(lit) = &kv.entry.value.kind else {
            continue;
        };
        let text = &*lit.value;
        if text.starts_with('!') || text.starts_with('$') {
            continue;
        }
        let Some((base, cast)) = Cast::split(text) else {
            continue;
        };
        let result = kv
            .value
            .as_ref()
            .map(|r| match r {
                crate::resolve::value::Resolved::Known(v) => format!("{v:?}"),
                _ => "a value decided at boot".into(),
            })
            .unwrap_or_default();
        diags.push(
            Diagnostic::new(&LITERAL_CAST_SUFFIX, kv.entry.value.span, format!("`{text}` ends in `{}`, so the node casts it", cast.suffix()))
                .label(format!("read as {result}"))
                .help(format!("if `{base}` with a cast is meant, fine; otherwise change the value so it does not end in `{}`", cast.suffix()))
                .note("get_value_if_available applies a cast suffix to literals too"),
        );
    }
}
