//! `number-out-of-range` (EL014): a number the node cannot keep as written. Recorded with the
//! oracle's `parse_policy`/`policy_id` ops (EdgeLake faba50d): orjson reads an integer past 64
//! bits (above `u64::MAX`, below `i64::MIN`) as a float, so `123456789012345678901234567890`
//! is stored and hashed as `1.2345678901234568e+29` (a warning: digits are lost); a number past
//! the largest float (`1e999999`) becomes `inf`, which the node stores but strict JSON cannot
//! carry — elpc's canonical output has `null` there (an error).

use crate::check::catalog::NUMBER_OUT_OF_RANGE;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::resolve::value::python_float_repr;
use crate::syntax::policy::{Node, NodeKind, NumberValue};

/// Reports every number of the policy the node changes or cannot store as JSON.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    walk(ctx.document.root, diags);
}

fn walk(node: &Node, diags: &mut Diagnostics) {
    match &node.kind {
        NodeKind::Number(n) => {
            let NumberValue::Float(f) = n.value else {
                return;
            };
            let written = &n.text;
            let integer = !written.contains(['.', 'e', 'E']);
            let d = if !f.is_finite() {
                Diagnostic::new(
                    &NUMBER_OUT_OF_RANGE,
                    node.span,
                    format!("`{written}` is beyond the largest float: the node stores `inf`, which is not JSON"),
                )
                .label("becomes inf")
                .help("write the number you mean (floats go up to 1.7976931348623157e308), or quote it as a string")
                .note("elpc's canonical JSON cannot hold inf and shows null here; other nodes reading the stored policy with a strict JSON parser fail on it")
            } else if integer {
                Diagnostic::new(
                    &NUMBER_OUT_OF_RANGE,
                    node.span,
                    format!(
                        "`{written}` is past 64 bits: the node reads it as the float {} and loses digits",
                        python_float_repr(f)
                    ),
                )
                .severity(Severity::Warning)
                .label("becomes a float")
                .help("quote it as a string if it is an identifier; a number this large is stored only approximately")
            } else {
                return;
            };
            diags.push(d);
        }
        NodeKind::Object(entries) => entries.iter().for_each(|e| walk(&e.value, diags)),
        NodeKind::Array(items) => items.iter().for_each(|i| walk(i, diags)),
        _ => {}
    }
}
