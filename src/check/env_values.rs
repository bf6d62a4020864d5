//! Env values the scripts read in a narrow format: `env-not-integer` (EL107, LINT-30) and
//! `env-bad-duration-or-size` (EL108, LINT-31).

use crate::check::catalog::{ENV_BAD_DURATION_OR_SIZE, ENV_NOT_INTEGER};
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

/// Keys read as `int.time` (`N unit`).
const DURATION_KEYS: &[&str] = &[
    "THRESHOLD_TIME",
    "BLOCKCHAIN_SYNC",
    "PARTITION_INTERVAL",
    "PARTITION_SYNC",
    "MONITORING_FREQUENCY",
];

const UNITS: &[&str] = &[
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days",
];

/// Reports values in the wrong format for how they are read.
pub fn check(ctx: &EnvContext, diags: &mut Diagnostics) {
    if ctx.profile != Profile::EdgeLake {
        return;
    }
    for file in ctx.env_files {
        for entry in &file.entries {
            let value = super::entry_text(entry);
            let value = value.trim();
            if value.is_empty() || value.starts_with('!') || value.starts_with('$') {
                continue;
            }
            let key = entry.key.as_str();
            if let Some((_, consequence)) = INTEGER_KEYS.iter().find(|(k, _)| *k == key) {
                if py_int(value).is_none() {
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
            } else if DURATION_KEYS.contains(&key) && !is_duration(value) {
                diags.push(
                    Diagnostic::new(&ENV_BAD_DURATION_OR_SIZE, entry.value_span, format!("`{key}` is `{value}`, not `N unit`"))
                        .label("used as a where-clause time value")
                        .help("write a number and a unit: second(s), minute(s), hour(s) or day(s), e.g. `30 seconds`"),
                );
            } else if key == "THRESHOLD_VOLUME" && !is_storage(value) {
                diags.push(
                    Diagnostic::new(
                        &ENV_BAD_DURATION_OR_SIZE,
                        entry.value_span,
                        format!("`{key}` is `{value}`, not a size"),
                    )
                    .label("used as a where-clause volume value")
                    .help("write N, NKB, NMB, NGB or NTB without a space, e.g. `10KB`"),
                );
            }
        }
    }
}

/// `N unit` with exactly two words, N an optionally negative integer, unit case-sensitive (§3.5).
pub fn is_duration(value: &str) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    matches!(words.as_slice(), [n, unit]
        if n.strip_prefix('-').unwrap_or(n).chars().all(|c| c.is_ascii_digit()) && !n.trim_start_matches('-').is_empty()
        && UNITS.contains(unit))
}

/// `N`, `NKB`, `NMB`, `NGB`, `NTB`, unit case-insensitive, no space (§3.5).
pub fn is_storage(value: &str) -> bool {
    let upper = value.to_ascii_uppercase();
    let digits = ["KB", "MB", "GB", "TB"]
        .iter()
        .find_map(|u| upper.strip_suffix(u))
        .unwrap_or(&upper);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_5_duration_and_storage_formats() {
        assert!(is_duration("30 second") && is_duration("14 days") && is_duration("-1 day"));
        assert!(
            !is_duration("60")
                && !is_duration("60sec")
                && !is_duration("1 Day")
                && !is_duration("1 week")
        );
        assert!(is_storage("10KB") && is_storage("100kb") && is_storage("5"));
        assert!(!is_storage("10 KB") && !is_storage("KB") && !is_storage("1.5MB"));
    }
}
