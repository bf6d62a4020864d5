//! The where-clause of a command, parsed the way `interpreter.get_dict_from_words` does
//! (§3.5): keys up to `=`, values up to `and`, checked against the command's keyword table,
//! references resolved, values typed, required and "at least one of" keys enforced.

use std::ops::Range;

use serde_json::{Map, Value as Json};

use crate::edgelake::commands::{ArgType, CommandSpec};
use crate::resolve::arg_value::Quantity;
use crate::resolve::arg_value::{size_json, time_json, type_text, TypedText};
use crate::resolve::command::{joined, rhs_text, Parser, Problem, ProblemKind, Typed};
use crate::resolve::reference::resolve_word;
use crate::resolve::value::Resolved;
use crate::syntax::script::{tokenize, Quote, Word, WordText};

/// [`unknown_key_help`]'s cache: per command, per key, the help.
type HelpCache = std::collections::HashMap<
    &'static str,
    std::collections::HashMap<Box<str>, String, foldhash::fast::FixedState>,
    foldhash::fast::FixedState,
>;

thread_local! {
    /// The help of an unknown where-key, per command and key: a policy repeats its lines (a
    /// corpus-like one has one unknown key in twelve lines) and each search of the command's
    /// keys for the nearest name cost about 3,800 instructions.
    static UNKNOWN_KEY_HELP: std::cell::RefCell<(usize, HelpCache)> = std::cell::RefCell::default();
}

/// The most entries [`UNKNOWN_KEY_HELP`] keeps (emptied when full: the memory of a long-lived
/// language server stays bounded whatever the keys typed).
const HELP_CACHE_MOST: usize = 512;
/// The longest key [`UNKNOWN_KEY_HELP`] keeps (a hostile one is not held).
const HELP_KEY_MOST: usize = 64;

/// The help for `key`, which `spec` does not take: the nearest key it takes, or all of them.
fn unknown_key_help(spec: &'static CommandSpec, key: &str) -> String {
    let compute = || {
        let names = spec.keys.iter().map(|k| k.name);
        match crate::diagnostic::did_you_mean(key, names) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "`{}` takes: {}",
                spec.name,
                spec.keys
                    .iter()
                    .map(|k| k.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    };
    if key.len() > HELP_KEY_MOST {
        return compute();
    }
    UNKNOWN_KEY_HELP.with(|cache| {
        let Ok(mut cache) = cache.try_borrow_mut() else {
            return compute();
        };
        let (count, cache) = &mut *cache;
        if let Some(help) = cache.get(spec.name).and_then(|keys| keys.get(key)) {
            return help.clone();
        }
        let help = compute();
        if *count >= HELP_CACHE_MOST {
            cache.clear();
            *count = 0;
        }
        *count += 1;
        (cache.entry(spec.name).or_default()).insert(key.into(), help.clone());
        help
    })
}

impl Parser<'_, '_> {
    /// `k = v and k = v …` (`get_dict_from_words`).
    pub(crate) fn pairs(&mut self, words: &[Word]) {
        let mut i = 0;
        while i < words.len() {
            let key_start = i;
            while i < words.len() && words[i].text != "=" {
                i += 1;
            }
            let key_words = &words[key_start..i];
            let key_range = key_words.first().map_or(0..0, |w| {
                w.range.start..key_words[key_words.len() - 1].range.end
            });
            if i == words.len() {
                self.problem(
                    ProblemKind::Structure,
                    key_range,
                    format!("`{}` has no `= value`", rhs_text(key_words)),
                    Some("write `key = value`, pairs joined with `and`".into()),
                );
                return;
            }
            let eq = words[i].range.clone();
            i += 1;
            let value_start = i;
            while i < words.len() && words[i].text != "and" {
                i += 1;
            }
            let value_words = &words[value_start..i];
            i += 1; // skip `and`
            if key_words.is_empty() {
                self.problem(
                    ProblemKind::Structure,
                    eq,
                    "this `=` has no key before it".into(),
                    None,
                );
                continue;
            }
            let key = joined(key_words);
            if value_words.is_empty() {
                self.problem(
                    ProblemKind::Structure,
                    eq,
                    format!("`{key}` has no value"),
                    None,
                );
                continue;
            }
            self.pair(key, key_range, value_words);
        }
    }

    fn pair(&mut self, key: WordText, key_range: Range<usize>, value_words: &[Word]) {
        let value_range = value_words[0].range.start..value_words[value_words.len() - 1].range.end;
        let written = joined(value_words);
        let name = self.spec.name;
        let Some(spec_key) = self.spec.key(&key) else {
            let help = unknown_key_help(self.spec, &key);
            self.problem(
                ProblemKind::UnknownKey,
                key_range.clone(),
                format!("`{name}` has no where-key `{key}`"),
                Some(help),
            );
            let resolved = self.resolved_if_any(value_words);
            self.push_arg(key, key_range, written, value_range, None);
            if let Some(arg) = self.args.last_mut() {
                arg.resolved = resolved;
            }
            return;
        };
        if let Some(previous) = self
            .args
            .iter()
            .find(|a| a.key == key)
            .filter(|_| spec_key.unique)
        {
            let related = Some(previous.key_span);
            let span = (self.span_of)(key_range.clone());
            self.problems.push(Problem {
                kind: ProblemKind::DuplicateKey,
                span,
                message: format!("`{key}` is given twice; `{name}` takes it once"),
                help: Some("remove one of them".into()),
                related,
            });
        }
        if let Some(why) = spec_key.ignored {
            self.problem(
                ProblemKind::IgnoredKey,
                key_range.clone(),
                format!("`{name}` accepts `{key}` but never reads it"),
                Some(why.to_string()),
            );
        }
        // One resolution for the typed value and the text (they were resolved twice); a
        // value without references is typed from its written text, kept once.
        let resolved = self.resolved_if_any(value_words);
        let text = match &resolved {
            Some(r) => Some(r.as_str()),
            None if has_reference(value_words) => None,
            None => Some(written.as_str()),
        };
        let mut value = self.typed(
            &key,
            spec_key.ty,
            value_words,
            value_range.clone(),
            (text, &written),
        );
        if resolved.is_none() && value == Some(Typed::Resolved) {
            value = Some(Typed::Written);
        }
        let number = match &value {
            Some(Typed::Number(n)) => n.as_u64(),
            _ => None,
        };
        if let (Some(max), Some(n)) = (spec_key.max, number) {
            if n > max {
                self.problem(
                    ProblemKind::InvalidValue,
                    value_range.clone(),
                    format!("`{name}` takes at most {max} for `{key}`; {n} fails the command"),
                    Some(format!("use {max} or fewer")),
                );
            }
        }
        self.push_arg(key, key_range, written, value_range, value);
        if let Some(arg) = self.args.last_mut() {
            arg.resolved = resolved;
        }
    }

    /// [`Self::resolved_text`] of a value with a reference; `None` without one (the text
    /// is the written one: the record does not keep it twice).
    fn resolved_if_any(&mut self, words: &[Word]) -> Option<String> {
        if has_reference(words) {
            self.resolved_text(words)
        } else {
            None
        }
    }

    /// The value's words joined after reference resolution (`None` when a reference is
    /// undefined or known only on the node).
    fn resolved_text(&mut self, words: &[Word]) -> Option<String> {
        if let [w] = words {
            return self.resolved_piece(w).map(str::to_string);
        }
        let mut text = String::with_capacity(words.iter().map(|w| w.text.len() + 1).sum());
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(self.resolved_piece(w)?);
        }
        Some(text)
    }

    /// One value word after reference resolution (`None` when it resolves to nothing now).
    fn resolved_piece<'w>(&'w mut self, w: &'w Word) -> Option<&'w str> {
        if w.quoted == Quote::None && (w.text.starts_with('!') || w.text.starts_with('$')) {
            self.values.text(w, self.vars)
        } else {
            Some(&w.text)
        }
    }

    /// A value that is not of its key's type (one item of a list, or the whole value).
    fn invalid_value(&mut self, key: &str, ty: ArgType, range: Range<usize>, why: &str) {
        self.problem(
            ProblemKind::InvalidValue,
            range,
            format!("`{key}` needs an `{}` value: {why}", ty.name()),
            None,
        );
    }

    /// The value after reference resolution (`resolved`, from [`Self::resolved_text`]), typed;
    /// `None` when only the node knows it, when a reference is undefined (reported as an
    /// undefined variable) or when it is invalid.
    fn typed(
        &mut self,
        key: &str,
        ty: ArgType,
        words: &[Word],
        range: Range<usize>,
        (resolved, written): (Option<&str>, &str),
    ) -> Option<Typed> {
        let typed = |v: Json| Typed::new(v, resolved, written);
        if ty == ArgType::Nested {
            return match words {
                [w] if w.quoted == Quote::Paren => self.nested(&w.text).map(typed),
                _ => {
                    self.problem(
                        ProblemKind::InvalidValue,
                        range,
                        format!("`{key}` takes a `( key = value and … )` group"),
                        None,
                    );
                    None
                }
            };
        }
        let text = resolved?;
        let items: Vec<&str> = match words {
            [w] if w.quoted == Quote::Paren => w.text[1..w.text.len() - 1]
                .split(',')
                .map(str::trim)
                .collect(),
            // One value (nearly all): typed without a copy when it stays the resolved text.
            _ => {
                return match type_text(text, ty) {
                    Ok(TypedText::Same) => Some(Typed::Resolved),
                    Ok(TypedText::Time(m, negative, unit)) => {
                        Some(match Quantity::new(m, negative, unit) {
                            Some(q) => Typed::Time(q),
                            None => typed(time_json(m, negative, unit)),
                        })
                    }
                    Ok(TypedText::Size(m, unit)) => Some(match Quantity::new(m, false, unit) {
                        Some(q) => Typed::Size(q),
                        None => typed(size_json(m, unit)),
                    }),
                    Ok(TypedText::Json(v)) => Some(typed(v)),
                    Err(why) => {
                        self.invalid_value(key, ty, range, &why);
                        None
                    }
                };
            }
        };
        let mut values = Vec::new();
        for item in items {
            match type_text(item, ty) {
                Ok(v) => values.push(v.into_json(item)),
                Err(why) => {
                    self.invalid_value(key, ty, range, &why);
                    return None;
                }
            }
        }
        match values.len() {
            1 => values.pop().map(typed),
            _ => Some(typed(Json::Array(values))),
        }
    }

    /// `( name = x and dbms = y )`: keys as written, values resolved.
    fn nested(&mut self, group: &str) -> Option<Json> {
        let inner = &group[1..group.len() - 1];
        let tokens = tokenize(inner).ok()?;
        let mut out = Map::new();
        let mut key = String::new();
        let mut value: Vec<String> = Vec::new();
        let mut in_value = false;
        let end = Word {
            text: "and".into(),
            range: 0..0,
            quoted: Quote::None,
            as_written: false,
        };
        for w in tokens.words.iter().chain(std::iter::once(&end)) {
            match w.text.as_str() {
                "=" if !in_value => in_value = true,
                "and" if in_value => {
                    out.insert(std::mem::take(&mut key), Json::String(value.join(" ")));
                    value.clear();
                    in_value = false;
                }
                _ if in_value => value.push(match resolve_word(&w.text, self.vars) {
                    Resolved::Known(v) if w.text.starts_with('!') || w.text.starts_with('$') => {
                        v.to_python_str()
                    }
                    _ => w.text.to_string(),
                }),
                _ => {
                    if !key.is_empty() {
                        key.push(' ');
                    }
                    key.push_str(&w.text);
                }
            }
        }
        Some(Json::Object(out))
    }

    pub(crate) fn missing(&mut self) {
        let name = self.spec.name;
        for k in self.spec.keys.iter().filter(|k| k.required) {
            if !self.args.iter().any(|a| a.key == k.name) {
                let span = self.out.name_span;
                self.problems.push(Problem {
                    kind: ProblemKind::MissingKey,
                    span,
                    message: format!("`{name}` needs `{}` in its where-clause", k.name),
                    help: Some(format!("add `and {} = <{}>`", k.name, k.ty.name())),
                    related: None,
                });
            }
        }
        let counted = || self.spec.keys.iter().filter(|k| k.counted).map(|k| k.name);
        if counted().next().is_some()
            && !self
                .args
                .iter()
                .any(|a| counted().any(|name| a.key == name))
        {
            let counted: Vec<&str> = counted().collect();
            let span = self.out.name_span;
            self.problems.push(Problem {
                kind: ProblemKind::MissingKey,
                span,
                message: format!("`{name}` needs at least one of {}", counted.join(", ")),
                help: None,
                related: None,
            });
        }
    }
}

/// Whether a value's words hold a reference the node resolves (an unquoted `!`/`$` word).
fn has_reference(words: &[Word]) -> bool {
    words
        .iter()
        .any(|w| w.quoted == Quote::None && (w.text.starts_with('!') || w.text.starts_with('$')))
}
