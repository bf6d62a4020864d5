//! `secret-dereferenced` (EL106): a password-like env value that starts with `!` or `$` is
//! dereferenced by the node and usually vanishes (§3.6, §5.6, LINT-29).

use crate::check::catalog::SECRET_DEREFERENCED;
use crate::check::EnvContext;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Reports secret values starting with `!` or `$` (the value itself is never printed).
pub fn check(ctx: &EnvContext, diags: &mut Diagnostics) {
    for file in ctx.env_files {
        for entry in file
            .entries
            .iter()
            .filter(|e| crate::secrets::is_secret_name(&e.key))
        {
            let value = super::entry_text(entry);
            let Some(first) = value.chars().next().filter(|c| *c == '!' || *c == '$') else {
                continue;
            };
            diags.push(
                Diagnostic::new(&SECRET_DEREFERENCED, entry.value_span, format!("`{}` starts with `{first}`, so the node reads it as a reference", entry.key))
                    .label("dereferenced when stored")
                    .help("change the secret so it does not start with `!` or `$`")
                    .note("the node resolves a stored value that starts with ! or $ once more; the secret is lost and the script's default is used"),
            );
        }
    }
}
