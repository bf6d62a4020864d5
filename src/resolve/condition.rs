//! `if` conditions: the grammar of `params.analyze_if` (spec §4.2) and the three-valued
//! evaluation of `test_condition`, `test_conditions_sequentially` and `process_analyzed_if`
//! (spec §4.3–§4.4). The `then` command is re-joined as `utils_data.get_str_from_array` does
//! (spec §4.5).
//!
//! The condition keeps its words as written: the node decides the group shapes while it
//! evaluates (a malformed group is a runtime error, not a parse error), so [`evaluate`] works
//! on the words exactly as the node does.

use std::ops::Range;

use super::value::Variables;
use crate::syntax::script::{tokenize, ScriptSyntaxError, Word};

#[path = "compare.rs"]
mod compare;
#[path = "operand.rs"]
mod operand;

/// The operators `analyze_if` accepts as the second word of a group (`not` also passes there).
pub const OPERATORS: [&str; 10] = [
    "==",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "contains",
    "startswith",
    "endswith",
    "childfrom",
];

/// `and` / `or` between groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// `and`.
    And,
    /// `or`.
    Or,
}

/// What a group looks like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupKind {
    /// `<word>`: truthiness (a `(…)` word under parentheses is a nested condition).
    Truthy,
    /// `not <word>`.
    Not,
    /// `<word> <op> <word>` (or the four-word form `a > = b`, op joined).
    Compare {
        /// The operator.
        op: String,
    },
    /// Any other shape; the node fails the `if` when it evaluates it.
    Malformed,
}

/// One group between `and`/`or` connectors (as `analyze_if` splits them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group<'a> {
    /// The connector before the group (`None` for the first).
    pub connector: Option<Connector>,
    /// The group's words, without the connector (the line's own words, borrowed).
    pub words: &'a [Word],
}

impl Group<'_> {
    /// The group's shape.
    pub fn kind(&self) -> GroupKind {
        match self.words {
            [_] => GroupKind::Truthy,
            [n, _] if n.text == "not" => GroupKind::Not,
            [_, op, _] if op.text != "not" && OPERATORS.contains(&op.text.as_str()) => {
                GroupKind::Compare {
                    op: op.text.to_string(),
                }
            }
            [_, a, b, _] => GroupKind::Compare {
                op: format!("{}{}", a.text, b.text),
            },
            _ => GroupKind::Malformed,
        }
    }
}

/// A parsed `if` condition. It borrows the line's words: an `if` line is parsed once per
/// line of every script, and copies of its words were most of that work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition<'a> {
    /// The groups, split on `and`/`or`.
    pub groups: Vec<Group<'a>>,
    /// Whether any word starts with `(`: the node then uses the left-to-right scan.
    pub parenthesised: bool,
    /// Every condition word, in order, connectors included.
    pub words: &'a [Word],
    /// Whether a `then` ends the condition (else the condition runs to the end of the line).
    pub has_then: bool,
}

/// A parsed `if … [then …]` line (borrowing the line's words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfLine<'a> {
    /// The condition.
    pub condition: Condition<'a>,
    /// Word indices of the `then` command (`None` when there is no `then` or nothing follows it).
    pub then: Option<Range<usize>>,
    /// Word index of the `then` keyword, when there is one.
    pub then_word: Option<usize>,
    /// The line's words.
    words: &'a [Word],
}

impl IfLine<'_> {
    /// The `then` command re-joined as the node re-joins it before running it (built on
    /// demand: the script run reads the `then` words themselves).
    pub fn then_text(&self) -> Option<String> {
        self.then
            .as_ref()
            .map(|r| join_words(&self.words[r.clone()]))
    }
}

/// The outcome of a condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Truth {
    /// True.
    True,
    /// False.
    False,
    /// Decided only on the node at boot, by these references.
    AtBoot {
        /// The references, as written, that decide it.
        depends_on: Vec<String>,
    },
    /// The node's `if` itself fails (the line returns `ERR_command_struct`). Before an `or`
    /// the node moves on to the next group, as if the group were false.
    RuntimeError {
        /// Why.
        message: String,
    },
    /// The node's Python code raises while comparing (a `childfrom` of numbers, an operator
    /// its table lacks): the command crashes whatever follows.
    Crash {
        /// Why.
        message: String,
    },
}

fn err(message: String, range: Range<usize>, help: Option<&str>) -> ScriptSyntaxError {
    ScriptSyntaxError {
        message,
        range,
        help: help.map(str::to_string),
    }
}

/// Parse an `if` line (`words[0]` is `if`), with the checks of `analyze_if`: the second word
/// of a group must be an operator (or the group starts with `not`), and a word ending in `)`
/// must be followed by `and`/`or`. `includes`, `is declared` and `not declared` are refused
/// with their own message (documented, never implemented by EdgeLake).
pub fn parse_if(words: &[Word]) -> Result<IfLine<'_>, ScriptSyntaxError> {
    let Some(first) = words.first().filter(|w| w.text == "if") else {
        let range = words.first().map_or(0..0, |w| w.range.clone());
        return Err(err(
            "an `if` line has to start with `if`".into(),
            range,
            None,
        ));
    };
    if words.len() < 2 {
        return Err(err(
            "`if` needs a condition after it".into(),
            first.range.clone(),
            Some("write `if <condition> then <command>`"),
        ));
    }
    let then_word = words
        .iter()
        .skip(1)
        .position(|w| w.text == "then")
        .map(|i| i + 1);
    let end = then_word.unwrap_or(words.len());
    let cond_words = &words[1..end];
    check_unsupported(cond_words)?;

    let mut groups = vec![Group {
        connector: None,
        words: &cond_words[..0],
    }];
    let mut group_start = 0;
    let mut parenthesised = false;
    let mut offset_cond = 0usize;
    let mut need_connector: Option<&Word> = None;
    for (i, w) in cond_words.iter().enumerate() {
        offset_cond += 1;
        let connector = match w.text.as_str() {
            "and" => Some(Connector::And),
            "or" => Some(Connector::Or),
            _ => None,
        };
        if connector.is_some() {
            offset_cond = 0;
            need_connector = None;
        } else if w.text == "not" {
            offset_cond = 2;
        }
        if offset_cond == 2 && !(w.text == "not" || OPERATORS.contains(&w.text.as_str())) {
            let help = if w.text == "=" {
                Some("compare with `==`")
            } else {
                None
            };
            return Err(err(
                format!("`{}` is not a comparison operator; the node expects one of == != > >= < <= contains startswith endswith childfrom here", w.text),
                w.range.clone(),
                help,
            ));
        }
        if let (Some(p), None) = (need_connector, connector) {
            return Err(err(
                format!(
                    "after `{}` the node expects `and` or `or`, not `{}`",
                    p.text, w.text
                ),
                w.range.clone(),
                Some("a word ending in `)` must be followed by `and`/`or` (or `then`)"),
            ));
        }
        if let Some(c) = connector {
            group_start = i + 1;
            groups.push(Group {
                connector: Some(c),
                words: &cond_words[..0],
            });
        } else {
            if w.text.starts_with('(') {
                parenthesised = true;
            }
            if let Some(g) = groups.last_mut() {
                g.words = &cond_words[group_start..=i];
            }
        }
        if w.text.ends_with(')') {
            need_connector = Some(w);
        }
    }
    let then = then_word
        .filter(|t| t + 1 < words.len())
        .map(|t| t + 1..words.len());
    Ok(IfLine {
        condition: Condition {
            groups,
            parenthesised,
            words: cond_words,
            has_then: then_word.is_some(),
        },
        then,
        then_word,
        words,
    })
}

fn check_unsupported(words: &[Word]) -> Result<(), ScriptSyntaxError> {
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).map(|n| n.text.as_str());
        let (what, help) = match (w.text.as_str(), next) {
            ("includes", _) => ("`includes`", "use `contains`"),
            ("is", Some("declared")) => ("`is declared`", "test the value itself: `if !x then …`"),
            ("not", Some("declared")) => (
                "`not declared`",
                "test the value itself: `if not !x then …`",
            ),
            _ => continue,
        };
        let end = if what == "`includes`" {
            w.range.end
        } else {
            words[i + 1].range.end
        };
        return Err(err(
            format!("{what} appears in the EdgeLake docs but the node does not implement it; this `if` fails"),
            w.range.start..end,
            Some(help),
        ));
    }
    Ok(())
}

/// `utils_data.get_str_from_array`: words joined by one space, empty words skipped (but still
/// separated), words containing a space wrapped in `"` unless they are `(…)`, `{…}`, `[…]` or
/// `"…"` groups.
pub fn join_words(words: &[Word]) -> String {
    let mut out = String::with_capacity(words.iter().map(|w| w.text.len() + 3).sum());
    for (i, w) in words.iter().enumerate() {
        let t = &w.text;
        let (Some(&first), Some(&last)) = (t.as_bytes().first(), t.as_bytes().last()) else {
            continue; // empty
        };
        if i > 0 {
            out.push(' ');
        }
        let grouped = matches!(
            (first, last),
            (b'(', b')') | (b'{', b'}') | (b'[', b']') | (b'"', b'"')
        );
        if !grouped && t.contains(' ') {
            out.push('"');
            out.push_str(t);
            out.push('"');
        } else {
            out.push_str(t);
        }
    }
    out
}

/// Whether both `and` and `or` connect groups (LINT-19).
pub fn operators_mixed(cond: &Condition) -> bool {
    let has = |c| cond.groups.iter().any(|g| g.connector == Some(c));
    has(Connector::And) && has(Connector::Or)
}

/// Evaluate a condition as the node does (spec §4.3–§4.4), three-valued: `False and <boot>` is
/// False, `True or <boot>` is True, otherwise a boot-time group makes the result
/// [`Truth::AtBoot`] with the union of the references. When the two possible boot outcomes
/// differ only in that one fails the `if`, the result is also `AtBoot`.
pub fn evaluate(cond: &Condition, vars: &dyn Variables) -> Truth {
    if cond.parenthesised {
        compare::scan_parenthesised(&cond.groups, vars)
    } else {
        compare::sequential(cond.words, cond.has_then, vars)
    }
}

/// Re-tokenize the text of a parenthesised group word, as `process_analyzed_if` does.
fn inner_words(word: &str) -> Option<Vec<String>> {
    let inner = if word.starts_with('(') {
        let mut chars = word.chars();
        chars.next();
        chars.next_back();
        chars.as_str().to_string()
    } else {
        word.to_string()
    };
    tokenize(&inner)
        .ok()
        .map(|t| t.words.into_iter().map(|w| w.text.into()).collect())
}

#[cfg(test)]
#[path = "condition_tests.rs"]
mod tests;
