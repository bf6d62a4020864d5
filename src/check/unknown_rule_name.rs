//! `unknown-rule-name` (EL030): a name in `[lint]` of `elpc.toml` that is no rule's code or
//! name. Without this finding the entry would silently do nothing: `allow = ["env-duplicte-key"]`
//! leaves the warning on, `deny = ["EL2O1"]` lets the error through as before.

use crate::check::catalog::{self, UNKNOWN_RULE_NAME};
use crate::config::LintLevels;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap, Span};

/// Reports the unknown names of `levels` in `file`, the `elpc.toml` they were read from.
/// Names that do not stand in the file (given on a command line) are the caller's to report.
pub fn check(sources: &SourceMap, file: FileId, levels: &LintLevels, diags: &mut Diagnostics) {
    let text = sources.get(file).text();
    for (list, names) in [
        ("deny", &levels.deny),
        ("warn", &levels.warn),
        ("allow", &levels.allow),
    ] {
        for name in names {
            if name.eq_ignore_ascii_case("warnings") || catalog::find(name).is_some() {
                continue;
            }
            let Some(range) = quoted_in_lint_table(text, name) else {
                continue;
            };
            let span = Span::new(file, range.clone());
            let mut d = Diagnostic::new(
                &UNKNOWN_RULE_NAME,
                span,
                format!("`{name}` in `{list}` is not a rule elpc knows"),
            )
            .label("unknown rule")
            .note("an unknown name changes nothing: the rule it was meant for keeps its level");
            match catalog::closest(name) {
                Some(best) => {
                    let quote = &text[range.start..range.start + 1];
                    let inner = Span::new(file, range.start + 1..range.end - quote.len());
                    d = d.help(format!("did you mean `{best}`?")).suggest(
                        format!("replace with `{best}`"),
                        inner,
                        best,
                    );
                }
                None => d = d.help("`elpc explain` lists every rule's code and name"),
            }
            diags.push(d);
        }
    }
}

/// The byte range of the first string literal `"name"` or `'name'` inside the `[lint]` table
/// (from its header to the next table header).
fn quoted_in_lint_table(text: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    let mut in_lint = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && !trimmed.starts_with("[[") && trimmed.ends_with(']') {
            in_lint = trimmed.trim_matches(['[', ']']).trim() == "lint";
        } else if trimmed.starts_with("[[") {
            in_lint = false;
        } else if in_lint {
            let code = line.split(" #").next().unwrap_or(line);
            let first = ['"', '\'']
                .iter()
                .filter_map(|quote| {
                    let needle = format!("{quote}{name}{quote}");
                    code.find(&needle).map(|at| (at, needle.len()))
                })
                .min();
            if let Some((at, len)) = first {
                return Some(offset + at..offset + at + len);
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_name_in_the_lint_table_only() {
        let text =
            "[[policies]]\nfiles = [\"x\"]\n[lint]\nwarn = [\"EL202\"]\nallow = [ 'x', \"x\" ]\n";
        let range = quoted_in_lint_table(text, "x").unwrap();
        assert_eq!(&text[range.clone()], "'x'");
        assert_eq!(text[..range.start].lines().count(), 5);
        assert_eq!(quoted_in_lint_table(text, "y"), None);
        assert_eq!(quoted_in_lint_table("[lint] # \"z\"\n", "z"), None);
    }
}
