//! Diagnostics: one data type for every finding, rendered only at the edge.

use std::borrow::Cow;

use crate::source::Span;

/// A diagnostic's text (as its fields hold it): most labels, notes and helps are fixed
/// sentences, held without a copy (a 100,000-line policy has tens of thousands of findings,
/// and each copied three or four fixed sentences into allocations of their own; issue 13).
pub type Text = Cow<'static, str>;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Note,
    /// Probably wrong; fails a run only under `--deny warnings`.
    Warning,
    /// The node will not do what the policy says (or will fail).
    Error,
}

impl Severity {
    /// Lower-case name (`error`, `warning`, `note`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule: the stable identity every diagnostic carries.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable code such as `EL201`.
    pub code: &'static str,
    /// Stable kebab-case name such as `undefined-variable`.
    pub name: &'static str,
    /// Severity when nothing overrides it.
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The explanation page: why it matters, a bad and a good example (Markdown).
    pub explain: &'static str,
}

/// A span with a message, pointing at the text a diagnostic talks about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What about it (may be empty).
    pub message: Cow<'static, str>,
}

/// A machine-applicable fix: replace the text of `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// What the fix does, in words.
    pub message: String,
    /// The text to replace.
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The rule that found it.
    pub rule: &'static Rule,
    /// Effective severity (the rule's default unless configuration changed it).
    pub severity: Severity,
    /// What is wrong, in the user's words.
    pub message: Cow<'static, str>,
    /// The main place.
    pub primary: Label,
    /// Other places that explain it (the env line a value came from, ...).
    pub secondary: Vec<Label>,
    /// Extra facts.
    pub notes: Vec<Cow<'static, str>>,
    /// How to fix it, when known.
    pub help: Option<Cow<'static, str>>,
    /// Fixes a tool can apply.
    pub suggestions: Vec<Suggestion>,
}

impl Diagnostic {
    /// A diagnostic of `rule` at `span`, with the rule's default severity.
    pub fn new(
        rule: &'static Rule,
        span: Span,
        message: impl Into<Cow<'static, str>>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            primary: Label {
                span,
                message: Cow::Borrowed(""),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestions: Vec::new(),
        }
    }

    /// Sets the primary label's text.
    pub fn label(mut self, message: impl Into<Cow<'static, str>>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    /// Adds a secondary label.
    pub fn with_secondary(
        mut self,
        span: Span,
        message: impl Into<Cow<'static, str>>,
    ) -> Diagnostic {
        push_short(
            &mut self.secondary,
            Label {
                span,
                message: message.into(),
            },
        );
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<Cow<'static, str>>) -> Diagnostic {
        push_short(&mut self.notes, note.into());
        self
    }

    /// Sets the help text.
    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a machine-applicable replacement.
    pub fn suggest(
        mut self,
        message: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Diagnostic {
        self.suggestions.push(Suggestion {
            message: message.into(),
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// Overrides the severity.
    pub fn severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }
}

/// Pushes onto one of a finding's lists, which hold one to three items nearly always: room
/// for one more at a time up to four (a first push made room for four; a large policy keeps
/// tens of thousands of findings).
fn push_short<T>(list: &mut Vec<T>, item: T) {
    if list.len() < 4 {
        list.reserve_exact(1);
    }
    list.push(item);
}

/// The sink every stage writes its findings into.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty sink.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Records a finding.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// The findings, in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Number of findings.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorts by file and position (stable for equal positions) and drops exact repeats.
    pub fn sort(&mut self) {
        self.items.sort_by_key(|d| {
            (
                d.primary.span.file,
                d.primary.span.start,
                d.primary.span.end,
            )
        });
        self.items.dedup();
    }

    /// The findings, by value.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// The closest of `candidates` to `word`, if one is close enough to be a likely typo: at most
/// one edit per five characters (adjacent transpositions count as one edit), ties broken by
/// similarity.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_sketch = Sketch::of(word);
    nearest(
        word,
        &word_sketch,
        candidates.into_iter().map(|c| (c, Sketch::of(c))),
    )
}

/// Names to suggest from, read once for many [`Names::nearest`] questions: a generated env
/// file asks for each of its (up to a million) keys among the hundreds of keys the scripts
/// read. Sorted by length, so a question looks only at the names of about its word's length.
pub(crate) struct Names<'a> {
    by_length: Vec<(&'a str, Sketch)>,
}

impl<'a> Names<'a> {
    /// The names to suggest from.
    pub(crate) fn new(names: impl IntoIterator<Item = &'a str>) -> Names<'a> {
        let mut by_length: Vec<(&str, Sketch)> =
            names.into_iter().map(|n| (n, Sketch::of(n))).collect();
        by_length.sort_by_key(|(_, s)| s.chars);
        Names { by_length }
    }

    /// [`did_you_mean`] among these names.
    pub(crate) fn nearest(&self, word: &str) -> Option<&'a str> {
        let sketch = Sketch::of(word);
        let allowed = allowed_edits(sketch.chars);
        let from = self
            .by_length
            .partition_point(|(_, s)| s.chars + allowed < sketch.chars);
        let to = self
            .by_length
            .partition_point(|(_, s)| s.chars <= sketch.chars + allowed);
        nearest(
            word,
            &sketch,
            self.by_length[from..to.max(from)]
                .iter()
                .map(|(n, s)| (*n, *s)),
        )
    }
}

/// The most edits a likely typo of a word of `chars` characters has: one per five characters.
fn allowed_edits(chars: usize) -> usize {
    (chars / 5).max(1)
}

/// The closest candidate to `word` (see [`did_you_mean`]), each with its sketch.
fn nearest<'a>(
    word: &str,
    word_sketch: &Sketch,
    candidates: impl Iterator<Item = (&'a str, Sketch)>,
) -> Option<&'a str> {
    let word_chars = word_sketch.chars;
    let allowed = allowed_edits(word_chars);
    let mut best: Option<(usize, f64, &str)> = None;
    for (candidate, sketch) in candidates {
        if candidate == word {
            continue;
        }
        // Cheap bounds first: the edit distance is at least the length difference, and at
        // least the number of distinct characters one word has that the other lacks.
        if word_chars.abs_diff(sketch.chars) > allowed
            || word_sketch.missing_from(&sketch) > allowed
            || bag_distance(word, candidate) > allowed
        {
            continue;
        }
        let distance = strsim::osa_distance(word, candidate);
        if distance > allowed {
            continue;
        }
        let score = strsim::jaro_winkler(word, candidate);
        let better = match best {
            None => true,
            Some((d, s, c)) => {
                distance < d || (distance == d && (score > s || (score == s && candidate < c)))
            }
        };
        if better {
            best = Some((distance, score, candidate));
        }
    }
    best.map(|(_, _, c)| c)
}

/// A word's length in characters and, for ASCII text, the set of its bytes: read in one pass.
#[derive(Clone, Copy)]
struct Sketch {
    chars: usize,
    /// Bit `b` set when byte `b` occurs (`None`: not ASCII, no set).
    bytes: Option<u128>,
}

impl Sketch {
    fn of(word: &str) -> Sketch {
        let mut set = 0u128;
        let mut high = 0u8;
        for b in word.bytes() {
            high |= b;
            set |= 1u128 << (b & 0x7f);
        }
        if high < 0x80 {
            Sketch {
                chars: word.len(),
                bytes: Some(set),
            }
        } else {
            Sketch {
                chars: word.chars().count(),
                bytes: None,
            }
        }
    }

    /// A lower bound of the edit distance between the two words: the larger count of distinct
    /// characters that one has and the other lacks (each needs an edit of its own; no bound
    /// for text that is not ASCII).
    fn missing_from(&self, other: &Sketch) -> usize {
        match (self.bytes, other.bytes) {
            (Some(a), Some(b)) => ((a & !b).count_ones().max((b & !a).count_ones())) as usize,
            _ => 0,
        }
    }
}

/// A lower bound of the edit distance that costs one pass over each word: how many characters
/// one word has that the other lacks (the larger of the two counts). A transposition changes
/// no count, so it also bounds the optimal-string-alignment distance.
fn bag_distance(a: &str, b: &str) -> usize {
    if !(a.is_ascii() && b.is_ascii()) {
        return 0; // no cheap bound; let the real distance decide
    }
    let mut counts = [0i32; 128];
    for byte in a.bytes() {
        counts[byte as usize] += 1;
    }
    for byte in b.bytes() {
        counts[byte as usize] -= 1;
    }
    let (more, fewer) = counts.iter().fold((0, 0), |(m, f), &c| {
        if c > 0 {
            (m + c as usize, f)
        } else {
            (m, f + (-c) as usize)
        }
    });
    more.max(fewer)
}

#[cfg(test)]
mod tests {
    use super::{bag_distance, did_you_mean, Sketch};
    use proptest::prelude::*;

    #[test]
    fn bag_distance_never_exceeds_the_edit_distance() {
        for (a, b) in [
            ("start_data", "start_date"),
            ("CLUTSER_NAME", "CLUSTER_NAME"),
            ("abc", "xyz"),
            ("", "abc"),
            ("tcp_thread", "tcp_threads"),
        ] {
            assert!(bag_distance(a, b) <= strsim::osa_distance(a, b), "{a} {b}");
        }
        assert_eq!(bag_distance("abc", "xyz"), 3);
        assert_eq!(Sketch::of("abc").missing_from(&Sketch::of("xyzz")), 3);
        assert_eq!(Sketch::of("KEY_12").missing_from(&Sketch::of("KEY_1")), 1);
    }

    proptest! {
        /// The two cheap bounds `did_you_mean` skips candidates by never exceed the distance it
        /// would compute (a bound above it would lose a suggestion).
        #[test]
        fn cheap_bounds_never_exceed_the_edit_distance(
            a in "[a-dA-D_0-2é]{0,12}",
            b in "[a-dA-D_0-2é]{0,12}",
        ) {
            let osa = strsim::osa_distance(&a, &b);
            prop_assert!(Sketch::of(&a).missing_from(&Sketch::of(&b)) <= osa);
            prop_assert!(bag_distance(&a, &b) <= osa);
            prop_assert_eq!(Sketch::of(&a).chars, a.chars().count());
        }

        /// Asking [`Names`] gives what [`did_you_mean`] gives over the same names.
        #[test]
        fn names_suggest_as_did_you_mean_does(
            word in "[a-c_0é]{0,11}",
            names in proptest::collection::vec("[a-c_0é]{0,11}", 0..30),
        ) {
            let list = super::Names::new(names.iter().map(String::as_str));
            prop_assert_eq!(list.nearest(&word), did_you_mean(&word, names.iter().map(String::as_str)));
        }
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["start_date", "enable_ha", "tcp_threads"];
        assert_eq!(did_you_mean("start_data", names), Some("start_date"));
        assert_eq!(did_you_mean("tcp_thread", names), Some("tcp_threads"));
        assert_eq!(did_you_mean("completely_else", names), None);
        assert_eq!(did_you_mean("operator_id", ["operator_threads"]), None);
        assert_eq!(did_you_mean("ENABLE_NOSQL", ["ENABLE_DNS"]), None);
        assert_eq!(
            did_you_mean("CLUTSER_NAME", ["CLUSTER_NAME"]),
            Some("CLUSTER_NAME")
        );
        assert_eq!(
            did_you_mean("rest_prot", ["rest_port", "port"]),
            Some("rest_port")
        );
    }
}
