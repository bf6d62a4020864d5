//! `invalid-port` (EL301): server ports must be integers from 1 to 65535 (`int()` is applied,
//! §2.3–2.5).

use crate::check::catalog::INVALID_PORT;
use crate::check::{with_origin, CheckContext};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::config_keys::KeyRole;
use crate::emit::servers::{int_of, int_text, Field};
use crate::resolve::reference::{references_in, Sigil};
use crate::resolve::value::{Resolved, Value};
use crate::syntax::policy::NodeKind;

/// Reports ports that are not integers in range.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for kv in ctx.keys.iter().filter(|k| k.role == KeyRole::Port) {
        let Some(Resolved::Known(value)) = &kv.value else {
            continue;
        };
        let span = kv.entry.value.span;
        let written = kv.entry.value.as_str().unwrap_or("");
        let variable = references_in(written)
            .into_iter()
            .find(|r| r.sigil == Sigil::Param)
            .map(|r| r.name);
        let problem = match value {
            Value::Str(s) if s.is_empty() => None, // unset: the server is simply not started
            Value::Bool(_) => Some(format!("`{}` is a boolean, not a port", kv.entry.key)),
            _ => match int_of(&Field::Known(value.clone())) {
                None => Some(format!(
                    "`{}` is `{}`, which is not an integer",
                    kv.entry.key,
                    value.to_python_str()
                )),
                Some(Field::Known(Value::Int(n))) if !(1..=65535).contains(&n) => Some(format!(
                    "`{}` is {}, outside the port range 1–65535",
                    kv.entry.key,
                    int_text(value)
                )),
                Some(_) => None,
            },
        };
        let Some(message) = problem else { continue };
        let nested_quotes =
            written.len() > 2 && written.starts_with('\'') && written.ends_with('\'');
        let mut d = Diagnostic::new(&INVALID_PORT, span, message)
            .label("the node applies int() to this value")
            .help(if nested_quotes {
                "remove the inner quotes: a quoted reference is a literal string to the node, e.g. \"!anylog_server_port.int\""
            } else {
                "use a whole number from 1 to 65535, e.g. 32148"
            })
            .note("a port int() cannot convert stops the node's configuration with Wrong_port_value (221)");
        if matches!(kv.entry.value.kind, NodeKind::Bool(_)) {
            d = d.note("a JSON true/false is read as the port 1/0");
        }
        if let Some(name) = variable {
            d = with_origin(d, ctx.scope, &name);
        }
        diags.push(d);
    }
}
