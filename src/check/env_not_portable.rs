//! `env-not-portable` (EL109, LINT-22): lines docker compose v2 reads one way and
//! `docker run --env-file` / compose v1 another.

use crate::check::catalog::ENV_NOT_PORTABLE;
use crate::check::{EnvContext, NoteBudget};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::syntax::env::QuoteStyle;

/// Reports quoted values and spaces around `=`, at note severity.
pub fn check(ctx: &EnvContext, diags: &mut Diagnostics) {
    for file in ctx.env_files {
        let source = ctx.sources.get(file.file);
        let mut budget = NoteBudget::new();
        for entry in &file.entries {
            let between = source
                .text()
                .get(entry.key_span.end as usize..entry.value_span.start as usize)
                .unwrap_or("");
            if between.contains(' ') || between.contains('\t') {
                budget.push(
                    diags,
                    Diagnostic::new(
                        &ENV_NOT_PORTABLE,
                        entry.key_span.to(entry.value_span),
                        "spaces around `=`",
                    )
                    .label("compose v2 trims them")
                    .help(format!("write {}=...", entry.key))
                    .note("`docker run --env-file` rejects a key with spaces"),
                );
            } else if entry.quote != QuoteStyle::None {
                budget.push(
                    diags,
                    Diagnostic::new(&ENV_NOT_PORTABLE, entry.value_span, "quoted value")
                        .label("compose v2 strips the quotes")
                        .help("leave the value unquoted unless it needs quoting")
                        .note("`docker run --env-file` and compose v1 keep the quotes as part of the value"),
                );
            }
        }
        budget.finish(
            diags,
            &ENV_NOT_PORTABLE,
            "lines that other env-file readers read differently",
        );
    }
}
