//! `env-not-integer` (EL107): thread counts and ports in env files go through `.int` guards in
//! the deployment scripts, so a non-number silently changes meaning (LINT-30).

use crate::check::catalog::ENV_NOT_INTEGER;
use crate::check::EnvContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::cast::py_int;
use crate::resolve::scope::Profile;

/// Keys read as whole numbers, and what a non-number turns into.
const INTEGER_KEYS: &[(&str, &str)] = &[
    ("TCP_THREADS", "the scripts replace it with 1 thread"),
    ("REST_THREADS", "the scripts replace it with 1 thread"),
    ("OPERATOR_THREADS", "the scripts keep the default 3"),
    ("QUERY_POOL", "the scripts keep the default 6"),
    ("REST_TIMEOUT", "the scripts replace it with 0"),
    ("ANYLOG_SERVER_PORT", "the TCP server fails to start"),
    ("ANYLOG_REST_PORT", "the REST server fails to start"),
    ("ANYLOG_BROKER_PORT", "the message broker fails to start"),
    ("DB_PORT", "the database connection fails"),
    ("MQTT_PORT", "the MQTT client fails"),
    ("ARCHIVE_DELETE", "`delete archive where days = ...` fails"),
    ("PARTITION_KEEP", "`drop partition ... keep = ...` fails"),
];

/// Reports non-integer values of the keys above.
pub fn check(ctx: &EnvContext, diags: &mut Diagnostics) {
    if ctx.profile != Profile::EdgeLake {
        return;
    }
    for (entry, consequence, value) in ctx.literal_values(INTEGER_KEYS) {
        let key = entry.key.as_str();
        if py_int(&value).is_some() {
            continue;
        }
        diags.push(
            Diagnostic::new(
                &ENV_NOT_INTEGER,
                entry.value_span,
                format!("`{key}` is `{value}`, not a whole number"),
            )
            .label("read with .int")
            .help("write a whole number")
            .note(format!("with this value {consequence}")),
        );
    }
}
