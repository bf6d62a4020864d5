//! The lookups `process_cmd` does with EdgeLake's command table (`member_cmd.commands`): which
//! words of a line name a command (the keys in [`super::dispatch`]), and which method of a
//! command with a method table (`set`, `get`, `file`, …) they name (`runtime_methods.tsv`,
//! dumped from the runtime by `tools/conformance/dump_commands.py`).
//!
//! This is the interpreter's own view, wider than the policy catalog in [`super::commands`]
//! (which knows the where-keys of the commands policies use).

/// Maps hashed with foldhash (fixed seed): the table is built at every process start and read
/// for every script line (SipHash was half of building it).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
use std::sync::OnceLock;

const TABLE: &str = include_str!("runtime_methods.tsv");

/// The version `get version` reports on the runtime the table was dumped from (EdgeLake
/// faba50d, `version.py`): `EdgeLake Version: 1.4.2604`.
pub const RUNTIME_VERSION: &str = "1.4.2604";

/// Word-count limits of a command or method (`words_min`, `words_count`, `key_only`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Limits {
    /// Fewest words the whole command needs (0: no limit).
    pub words_min: usize,
    /// Exact number of words (0: any).
    pub words_count: usize,
    /// Nothing may follow the key.
    pub key_only: bool,
}

struct Table {
    commands: HashMap<&'static str, Limits>,
    methods: HashMap<&'static str, HashMap<&'static str, Limits>>,
    max_words: usize,
    max_method_words: HashMap<&'static str, usize>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = Table {
            commands: HashMap::default(),
            methods: HashMap::default(),
            max_words: super::dispatch::MAX_COMMAND_WORDS,
            max_method_words: HashMap::default(),
        };
        for (key, words_min) in super::dispatch::COMMAND_KEYS {
            let limits = Limits {
                words_min: *words_min,
                ..Limits::default()
            };
            t.commands.insert(key, limits);
        }
        for line in TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut cols = line.split('\t');
            let name = cols.next().unwrap_or_default();
            let num = |s: Option<&str>| s.and_then(|s| s.parse::<usize>().ok()).unwrap_or(0);
            let limits = Limits {
                words_min: num(cols.next()),
                words_count: num(cols.next()),
                key_only: cols.next() == Some("1"),
            };
            // `command > method` (split at the `>`: a search for the three-byte separator cost
            // more than the rest of building the table, at every process start).
            let pair = name
                .split_once('>')
                .and_then(|(c, m)| Some((c.strip_suffix(' ')?, m.strip_prefix(' ')?)));
            if let Some((command, method)) = pair {
                t.methods.entry(command).or_default().insert(method, limits);
                let n = method.bytes().filter(|&b| b == b' ').count() + 1;
                let max = t.max_method_words.entry(command).or_insert(1);
                *max = (*max).max(n);
            }
        }
        t
    })
}

/// A command the interpreter dispatches to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dispatch {
    /// The command's key (`set`, `run scheduler`).
    pub key: &'static str,
    /// How many words the key has.
    pub words: usize,
}

/// What the lookup of a line's command words finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// A command of the table.
    Command(Dispatch),
    /// No command: an assignment, or an unknown command.
    Nothing,
    /// A word the lookup needs is only known at boot (a `!name` in command position).
    AtBoot,
}

/// The command `words` run, the way `process_cmd` looks it up: the growing prefix of up to the
/// table's longest key that is a key and has enough words (`words_min`). `words` are the
/// command's words (after an `x =` assignment prefix); `total` is the line's word count.
#[cfg(test)]
pub fn dispatch(words: &[&str], total: usize) -> Option<Dispatch> {
    match dispatch_with(words.len(), |i| Some(words[i].to_string()), total) {
        Found::Command(d) => Some(d),
        _ => None,
    }
}

/// The look-up of `process_cmd` (the growing prefix of up to the table's longest key that is a
/// key and has enough words), with each word given by `word(i)` as the node reads it (a
/// leading `!name` is replaced by its value); `word` returning `None` (a value only the node
/// knows) stops the lookup.
pub fn dispatch_with(
    count: usize,
    mut word: impl FnMut(usize) -> Option<String>,
    total: usize,
) -> Found {
    let t = table();
    let mut key = String::new();
    for i in 0..count.min(t.max_words) {
        if i > 0 {
            key.push(' ');
        }
        let Some(w) = word(i) else {
            return Found::AtBoot;
        };
        key.push_str(&w);
        if let Some((k, limits)) = t.commands.get_key_value(key.as_str()) {
            if limits.words_min > total {
                continue; // not enough words: the node tries a longer key
            }
            return Found::Command(Dispatch {
                key: k,
                words: i + 1,
            });
        }
    }
    Found::Nothing
}

/// Whether `command` has a method table (`set`, `get`, `file`, `blockchain`, …).
pub fn has_methods(command: &str) -> bool {
    table().methods.contains_key(command)
}

/// The method of `command` that `words` (the words after the command's key) name, with its
/// limits: the longest key of up to the table's longest method that matches
/// (`member_cmd._words_to_command`).
pub fn method(command: &str, words: &[&str]) -> Option<(&'static str, Limits)> {
    let t = table();
    let methods = t.methods.get(command)?;
    let max = t.max_method_words.get(command).copied().unwrap_or(1);
    (1..=words.len().min(max)).rev().find_map(|n| {
        let key = words[..n].join(" ");
        methods.get_key_value(key.as_str()).map(|(k, l)| (*k, *l))
    })
}

/// The method names of `command` (for suggestions).
pub fn method_names(command: &str) -> impl Iterator<Item = &'static str> {
    table()
        .methods
        .get(command)
        .into_iter()
        .flat_map(|m| m.keys().copied())
}

/// Every top-level command key (for suggestions).
pub fn command_names() -> impl Iterator<Item = &'static str> {
    table().commands.keys().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of the recorded table is read: its `command > method` pairs, all of them.
    #[test]
    fn every_method_line_is_read() {
        let lines = TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .count();
        let read: usize = table().methods.values().map(|m| m.len()).sum();
        assert_eq!(read, lines);
    }

    #[test]
    fn the_table_has_the_interpreters_commands() {
        assert_eq!(dispatch(&["set", "x", "=", "1"], 4).unwrap().key, "set");
        assert_eq!(
            dispatch(&["run", "scheduler", "1"], 3).unwrap().key,
            "run scheduler"
        );
        assert_eq!(dispatch(&["frobnicate"], 1), None);
        assert_eq!(
            dispatch(&["create", "work", "directories"], 3).unwrap().key,
            "create work directories"
        );
        // `rest` needs 6 words
        assert_eq!(dispatch(&["rest", "get"], 2), None);
        assert_eq!(
            method("set", &["anylog", "home", "/app"]).unwrap().0,
            "anylog home"
        );
        assert_eq!(method("get", &["version"]).unwrap().0, "version");
        assert_eq!(method("set", &["frob", "on"]), None);
        assert!(has_methods("file"));
    }
}
