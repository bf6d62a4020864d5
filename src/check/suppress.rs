//! Inline suppressions and rule levels: the last step of the check stage.
//!
//! A comment `# elpc: ignore[rule, ...] reason` in a policy or env file silences the named
//! rules (codes or names) on its own line, or — when the comment stands alone on its line — on
//! the next line. The reason is required; a suppression that silences nothing is reported.

use crate::check::catalog::{self, SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION};
use crate::config::LintLevels;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceFile, SourceMap, Span};

const MARKER: &str = "elpc: ignore[";

/// One `# elpc: ignore[...]` comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppression {
    /// The comment.
    pub span: Span,
    /// The rule codes or names it names, as written.
    pub rules: Vec<String>,
    /// The reason after the brackets (may be empty, which is an error).
    pub reason: String,
    /// 1-based lines it covers.
    pub lines: Vec<u32>,
}

/// Finds every suppression comment in a file. `#` starts a comment outside quotes.
pub fn find_suppressions(file: FileId, source: &SourceFile) -> Vec<Suppression> {
    let text = source.text();
    let mut out = Vec::new();
    // A suppression names its marker: lines without it (nearly all) need no quote scan.
    if !text.contains(MARKER) {
        return out;
    }
    let mut line_start = 0usize;
    for line in text.split_inclusive('\n') {
        if !line.contains(MARKER) {
            line_start += line.len();
            continue;
        }
        if let Some(hash) = comment_start(line) {
            let comment = &line[hash..];
            if let Some(found) = parse_comment(comment) {
                let start = line_start + hash;
                let span = Span::new(file, start..start + comment.trim_end().len());
                let line_no = source.line_col(start as u32).line;
                let alone = line[..hash].trim().is_empty();
                let lines = if alone {
                    vec![line_no + 1]
                } else {
                    vec![line_no]
                };
                out.push(Suppression {
                    span,
                    rules: found.0,
                    reason: found.1,
                    lines,
                });
            }
        }
        line_start += line.len();
    }
    out
}

fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' => return Some(i),
            None => {}
        }
    }
    None
}

fn parse_comment(comment: &str) -> Option<(Vec<String>, String)> {
    let body = comment.trim_start_matches('#').trim_start();
    let rest = body.strip_prefix(MARKER)?;
    let (list, reason) = rest.split_once(']')?;
    let rules = list
        .split(',')
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    Some((rules, reason.trim().to_string()))
}

/// Drops suppressed diagnostics, reports suppressions without a reason (they do not apply)
/// and suppressions that silenced nothing, then applies the configured rule levels.
pub fn apply(sources: &SourceMap, diags: Vec<Diagnostic>, levels: &LintLevels) -> Vec<Diagnostic> {
    let suppressions: Vec<Suppression> = sources
        .iter()
        .flat_map(|(id, file)| find_suppressions(id, file))
        .collect();
    let mut used = vec![false; suppressions.len()];
    // Filtered in place: a second list of every finding would be held beside the first.
    let mut out = diags;
    if !suppressions.is_empty() {
        out.retain(|d| {
            let line = sources
                .get(d.primary.span.file)
                .line_col(d.primary.span.start)
                .line;
            let hit = suppressions.iter().position(|s| {
                s.span.file == d.primary.span.file
                    && !s.reason.is_empty()
                    && s.lines.contains(&line)
                    && s.rules.iter().any(|r| names_rule(r, d.rule))
            });
            if let Some(i) = hit {
                used[i] = true;
            }
            hit.is_none()
        });
    }
    for (s, used) in suppressions.iter().zip(used) {
        if s.reason.is_empty() {
            out.push(
                Diagnostic::new(
                    &SUPPRESSION_WITHOUT_REASON,
                    s.span,
                    "this suppression gives no reason, so it is not applied",
                )
                .label("no reason after `]`")
                .help("say why the finding does not apply: `# elpc: ignore[rule] reason`"),
            );
        } else if !used {
            let unknown: Vec<&String> = s
                .rules
                .iter()
                .filter(|r| catalog::find(r).is_none())
                .collect();
            let message = if unknown.is_empty() {
                "this suppression silences nothing".to_string()
            } else {
                format!(
                    "this suppression names no known rule: {}",
                    unknown
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            out.push(
                Diagnostic::new(&UNUSED_SUPPRESSION, s.span, message)
                    .label("nothing here to suppress")
                    .help("remove it, or fix the rule name (`elpc explain` lists them)"),
            );
        }
    }
    apply_levels(out, levels)
}

fn names_rule(written: &str, rule: &crate::diagnostic::Rule) -> bool {
    written.eq_ignore_ascii_case(rule.code) || written.eq_ignore_ascii_case(rule.name)
}

/// Applies `allow`, then `warn`, then `deny`. `warnings` in `deny` turns every warning into an
/// error, except for rules named in `warn`.
pub fn apply_levels(diags: Vec<Diagnostic>, levels: &LintLevels) -> Vec<Diagnostic> {
    let listed = |list: &[String], d: &Diagnostic| list.iter().any(|w| names_rule(w, d.rule));
    let deny_warnings = levels
        .deny
        .iter()
        .any(|w| w.eq_ignore_ascii_case("warnings"));
    diags
        .into_iter()
        .filter_map(|mut d| {
            if listed(&levels.allow, &d) {
                return None;
            }
            if listed(&levels.warn, &d) {
                d.severity = Severity::Warning;
            }
            let named_warn = listed(&levels.warn, &d);
            if listed(&levels.deny, &d)
                || (deny_warnings && !named_warn && d.severity == Severity::Warning)
            {
                d.severity = Severity::Error;
            }
            Some(d)
        })
        .collect()
}

/// Names in `levels` that are not rules, each quoted and followed by the closest rule name when
/// one is close (for a usage error in the front end).
pub fn unknown_rule_names(levels: &LintLevels) -> Vec<String> {
    levels
        .deny
        .iter()
        .chain(&levels.warn)
        .chain(&levels.allow)
        .filter(|w| !w.eq_ignore_ascii_case("warnings") && catalog::find(w).is_none())
        .map(|w| match catalog::closest(w) {
            Some(best) => format!("`{w}` (did you mean `{best}`?)"),
            None => format!("`{w}`"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_strings_only() {
        let f = SourceFile::new("p", "{'a': '# elpc: ignore[x] no'}, # elpc: ignore[EL201, ignored-key] legacy doc\n# elpc: ignore[EL301]\nX=1\n");
        let s = find_suppressions(FileId(0), &f);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].rules, ["EL201", "ignored-key"]);
        assert_eq!(s[0].reason, "legacy doc");
        assert_eq!(s[0].lines, [1]);
        assert_eq!(s[1].lines, [3]);
        assert_eq!(s[1].reason, "");
    }
}
