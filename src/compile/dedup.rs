//! Findings in order of place, and those made twice (by two runs over one file) shown once.

use crate::diagnostic::Diagnostic;

/// Sorts findings by place (file, start, end), keeping the order they were found in among
/// findings at the same place. The keys and indices are sorted, then the findings moved into
/// place along the permutation's cycles: a finding is 176 bytes, and a 100,000-line policy
/// has about 27,000, which a merge sort of the findings themselves moved many times over.
pub(super) fn sort_by_place(diagnostics: &mut [Diagnostic]) {
    let place = |d: &Diagnostic| {
        (
            d.primary.span.file,
            d.primary.span.start,
            d.primary.span.end,
        )
    };
    if diagnostics.is_sorted_by_key(place) {
        return;
    }
    // Unique keys (the index breaks ties), so an unstable sort gives the stable order.
    let mut order: Vec<_> = diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| (place(d), i))
        .collect();
    order.sort_unstable();
    // `from[k]`: where the finding that goes to `k` is now; `from[k] == k` once it is there.
    let mut from: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
    for start in 0..from.len() {
        let mut k = start;
        loop {
            let j = from[k];
            from[k] = k;
            if j == start || j == k {
                break;
            }
            diagnostics.swap(k, j);
            k = j;
        }
    }
}

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
    (d.rule.code, &d.message)
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

    #[test]
    fn findings_are_sorted_by_place_stably() {
        // Places drawn from a few values, so that many findings share one; their messages
        // number them in the order found.
        let mut state = 7u32;
        let mut next = || {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 16) as usize
        };
        for len in [0, 1, 2, 5, 40, 300] {
            let found: Vec<Diagnostic> = (0..len)
                .map(|i| {
                    let (file, start) = ((next() % 2) as u32, next() % 7);
                    let span = Span::new(FileId(file), start..start + next() % 3);
                    Diagnostic::new(&SCRIPT_SYNTAX, span, format!("{i}"))
                })
                .collect();
            let mut expected = found.clone();
            expected.sort_by_key(|d| {
                (
                    d.primary.span.file,
                    d.primary.span.start,
                    d.primary.span.end,
                )
            });
            let mut sorted = found;
            sort_by_place(&mut sorted);
            assert_eq!(sorted, expected, "{len} findings");
        }
    }
}
