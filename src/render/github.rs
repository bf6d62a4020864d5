//! Diagnostics as GitHub Actions workflow commands (`::error file=...::message`), which show as
//! annotations on the pull request.

use super::printable::printable;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;

/// Workflow-command escaping, after control characters from policy or env text became visible
/// stand-ins ([`printable`]): a raw `ESC` would reach the terminal of whoever reads the log.
fn escape_data(s: &str) -> String {
    printable(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One line per diagnostic; `env_set` names the `--env-set` it was checked against.
pub fn annotations(sources: &SourceMap, diags: &[Diagnostic], env_set: Option<&str>) -> String {
    let mut out = String::new();
    for d in diags {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let file = sources.get(d.primary.span.file);
        let start = file.line_col(d.primary.span.start);
        let end = file.line_col(d.primary.span.end);
        let mut title = format!("{} {}", d.rule.code, d.rule.name);
        if let Some(set) = env_set {
            title.push_str(&format!(" [{set}]"));
        }
        let mut message = d.message.to_string();
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        if let Some(node) = file.node_path() {
            message.push_str(&format!("\nnote: the node runs this file as `{node}`"));
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(file.name()),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&title),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_per_the_workflow_command_rules() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(
            escape_data("x\u{1b}]52;c;aGk=\u{7}\r\ny"),
            "x␛]52;c;aGk=␇␍%0Ay"
        );
    }
}
