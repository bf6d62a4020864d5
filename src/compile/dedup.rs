//! Findings made twice (by two runs over one file) are shown once.

use crate::diagnostic::Diagnostic;

/// For findings sorted by primary span: false for each that repeats an earlier one's rule,
/// span and message. Repeats share a span, so each finding is compared with the earlier ones
/// of its span only (hashing every message was 6% of a language server's re-check); a span
/// with many findings is looked up in a set, so that many findings at one place stay linear.
pub(super) fn first_of_each(sorted: &[Diagnostic]) -> Vec<bool> {
    const FEW: usize = 16;
    let mut first = Vec::with_capacity(sorted.len());
    let mut group = 0;
    let mut seen = std::collections::HashSet::new();
    for (i, d) in sorted.iter().enumerate() {
        if i > 0 && sorted[i - 1].primary.span != d.primary.span {
            group = i;
            seen.clear();
        }
        let new = if i - group < FEW {
            sorted[group..i].iter().all(|e| key(e) != key(d))
        } else {
            if seen.is_empty() {
                seen.extend(sorted[group..i].iter().map(key));
            }
            seen.insert(key(d))
        };
        first.push(new);
    }
    first
}

fn key(d: &Diagnostic) -> (&'static str, &str) {
    (d.rule.code, d.message.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::catalog::{RUNTIME_REJECTS_TEXT, SCRIPT_SYNTAX};
    use crate::source::{FileId, Span};

    /// The same marks as one set over every finding, for few and for many findings at a span.
    #[test]
    fn marks_the_first_of_each_rule_span_and_message() {
        let at = |s: u32| Span::new(FileId(0), s as usize..s as usize + 1);
        let mut sorted = Vec::new();
        for span in 0..3u32 {
            for i in 0..[3, 40, 1][span as usize] {
                let rule = if i % 3 == 0 {
                    &SCRIPT_SYNTAX
                } else {
                    &RUNTIME_REJECTS_TEXT
                };
                sorted.push(Diagnostic::new(rule, at(span), format!("m{}", i % 7)));
            }
        }
        let mut seen = std::collections::HashSet::new();
        let expected: Vec<bool> = sorted
            .iter()
            .map(|d| seen.insert((d.rule.code, d.primary.span, d.message.clone())))
            .collect();
        assert_eq!(first_of_each(&sorted), expected);
        assert!(expected.iter().any(|k| !k) && expected.iter().filter(|k| **k).count() > 3);
    }
}
