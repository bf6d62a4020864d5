//! `env-bad-duration-or-size` (EL108): env values that feed `int.time` (`N unit`) or
//! `int.storage` (`N[KB|MB|GB|TB]`) where-clause values (§3.5, LINT-31).

use crate::check::catalog::ENV_BAD_DURATION_OR_SIZE;
use crate::check::EnvContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::commands::ArgType;
use crate::resolve::arg_value::type_value;
use crate::resolve::scope::Profile;

/// Keys and the where-clause type their value must have.
const TYPED_KEYS: &[(&str, ArgType)] = &[
    ("THRESHOLD_TIME", ArgType::IntTime),
    ("BLOCKCHAIN_SYNC", ArgType::IntTime),
    ("PARTITION_INTERVAL", ArgType::IntTime),
    ("PARTITION_SYNC", ArgType::IntTime),
    ("MONITORING_FREQUENCY", ArgType::IntTime),
    ("THRESHOLD_VOLUME", ArgType::IntStorage),
];

/// Reports values the commands they feed would reject.
pub fn check(ctx: &EnvContext, diags: &mut Diagnostics) {
    if ctx.profile != Profile::EdgeLake {
        return;
    }
    for (entry, ty, value) in ctx.literal_values(TYPED_KEYS) {
        let key = entry.key.as_str();
        let Err(why) = type_value(&value, ty) else {
            continue;
        };
        let (expected, help) = match ty {
            ArgType::IntStorage => ("a size", "write N, NKB, NMB, NGB or NTB without a space, e.g. `10KB`"),
            _ => ("`N unit`", "write a number and a unit: second(s), minute(s), hour(s) or day(s), e.g. `30 seconds`"),
        };
        diags.push(
            Diagnostic::new(
                &ENV_BAD_DURATION_OR_SIZE,
                entry.value_span,
                format!("`{key}` is `{value}`, not {expected}"),
            )
            .label(format!("used as an `{}` where-clause value", ty.name()))
            .help(help)
            .note(why),
        );
    }
}
