//! `duplicate-policy-key` (EL013, warning): a key written twice in one object of the policy.
//! The node parses policy text into a Python dict, where the last value wins (at the place of
//! the first): recorded with the oracle's `policy_id` op (EdgeLake faba50d), `{"config":
//! {"script": ["a"], "script": ["b"]}}` is stored as `{'config': {'script': ['b']}}`, for JSON
//! and Python-literal text alike. A first `script` list silently vanishes.

use std::collections::HashMap;

use crate::check::catalog::DUPLICATE_POLICY_KEY;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::syntax::policy::{Node, NodeKind};

/// Reports every key written again in the same object, below the policy type.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    walk(ctx.document.body, diags);
}

fn walk(node: &Node, diags: &mut Diagnostics) {
    match &node.kind {
        NodeKind::Object(entries) => {
            let mut first: HashMap<&str, usize> = HashMap::new();
            for (i, entry) in entries.iter().enumerate() {
                match first.get(entry.key.as_str()) {
                    Some(&earlier) => diags.push(
                        Diagnostic::new(
                            &DUPLICATE_POLICY_KEY,
                            entries[earlier].key_span,
                            format!(
                                "`{}` is written more than once in this object; the node keeps only the last value",
                                entry.key
                            ),
                        )
                        .label("this value is dropped")
                        .with_secondary(entry.key_span, "this one wins")
                        .help("keep one of them (merge the two if both are wanted)"),
                    ),
                    None => {
                        first.insert(&entry.key, i);
                    }
                }
                walk(&entry.value, diags);
            }
        }
        NodeKind::Array(items) => items.iter().for_each(|i| walk(i, diags)),
        _ => {}
    }
}
