//! `port-resolves-empty` (EL308): `port` or `rest_port` is a reference that resolves to nothing,
//! so the server is silently not configured (§2.3–2.4, LINT-08). An unset `broker_port` is the
//! normal way to run without a broker and is not reported.

use crate::check::catalog::PORT_RESOLVES_EMPTY;
use crate::check::{with_origin, CheckContext};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::resolve::reference::{references_in, Sigil};
use crate::resolve::value::{Resolved, Value};

/// Reports an empty `port` (error) or `rest_port` (warning).
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for kv in ctx
        .keys
        .iter()
        .filter(|k| k.entry.key == "port" || k.entry.key == "rest_port")
    {
        let empty = matches!(&kv.value, Some(Resolved::Known(Value::Str(s))) if s.is_empty());
        let written = kv.entry.value.as_str().unwrap_or("");
        let reference = references_in(written)
            .into_iter()
            .find(|r| r.sigil == Sigil::Param);
        let (true, Some(r)) = (empty, reference) else {
            continue;
        };
        let tcp = kv.entry.key == "port";
        let what = if tcp {
            "the TCP server"
        } else {
            "the REST server"
        };
        let mut d = Diagnostic::new(
            &PORT_RESOLVES_EMPTY,
            kv.entry.value.span,
            format!(
                "`{}` resolves to nothing, so {what} is not started",
                kv.entry.key
            ),
        )
        .label(format!("`!{}` is empty", r.name))
        .help(format!(
            "set the env key behind `!{}`, or fix the reference",
            r.name
        ))
        .note("the node does not report this: the server is silently not configured");
        if !tcp {
            d = d.severity(Severity::Warning);
        }
        diags.push(with_origin(d, ctx.scope, &r.name));
    }
}
