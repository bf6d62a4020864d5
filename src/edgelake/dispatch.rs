//! How `member_cmd.process_cmd` finds the command a line names: the keys of EdgeLake's command
//! table (`member_cmd.commands`, EdgeLake faba50d), each with the fewest words the line must
//! have (`words_min`). The conformance suite holds this table to the recorded runtime
//! (`tests/conformance/runtime.json`).

use crate::resolve::value::{Lookup, Variables};

/// The longest key, in words (`max_command_words`).
pub const MAX_COMMAND_WORDS: usize = 4;

/// Every key of the command table, with its `words_min` (0: none).
pub static COMMAND_KEYS: &[(&str, usize)] = &[
    ("backup", 0),
    ("blockchain", 0),
    ("bucket", 0),
    ("call", 0),
    ("config from policy", 7),
    ("connect dbms", 0),
    ("continue", 0),
    ("continuous", 2),
    ("create policy", 5),
    ("create table", 0),
    ("create view", 0),
    ("create work directories", 0),
    ("debug", 0),
    ("delete archive", 0),
    ("directory", 0),
    ("disconnect dbms", 0),
    ("do", 0),
    ("drop dbms", 0),
    ("drop network table", 11),
    ("drop partition", 0),
    ("drop table", 0),
    ("echo", 0),
    ("else", 0),
    ("email", 0),
    ("end script", 0),
    ("event", 0),
    ("exit", 2),
    ("file", 0),
    ("flush buffers", 0),
    ("from", 0),
    ("generate insert from json", 0),
    ("get", 0),
    ("goto", 0),
    ("help", 0),
    ("id", 0),
    ("if", 0),
    ("import function", 13),
    ("incr", 0),
    ("info table", 0),
    ("info view", 0),
    ("job", 0),
    ("json", 0),
    ("monitor", 0),
    ("mqtt", 0),
    ("next", 0),
    ("on error", 0),
    ("partition", 0),
    ("pi", 0),
    ("print", 0),
    ("process", 0),
    ("python", 0),
    ("query", 0),
    ("random substr", 0),
    ("reset", 0),
    ("rest", 6),
    ("return", 0),
    ("run blobs archiver", 0),
    ("run blockchain sync", 0),
    ("run client", 0),
    ("run grpc client", 0),
    ("run kafka consumer", 0),
    ("run message broker", 0),
    ("run msg client", 0),
    ("run opcua client", 7),
    ("run operator", 0),
    ("run plc client", 7),
    ("run rest server", 5),
    ("run scheduled pull", 0),
    ("run scheduler", 0),
    ("run smtp client", 0),
    ("run streamer", 0),
    ("run tcp server", 5),
    ("run uns streamer", 1),
    ("run video stream", 7),
    ("schedule", 0),
    ("set", 0),
    ("sms", 0),
    ("sql", 0),
    ("stop", 0),
    ("stream", 2),
    ("streaming data", 0),
    ("subprocess", 2),
    ("suggest create", 0),
    ("system", 0),
    ("task", 0),
    ("test", 0),
    ("thread", 0),
    ("time file", 0),
    ("trace level", 0),
    ("trace method", 4),
    ("video", 0),
    ("wait", 2),
];

/// The key depends on a variable only the node knows (a leading `!word`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecidedAtBoot;

/// The key `process_cmd` dispatches `words` to, trying `words[first..]` one word longer at a
/// time (a word starting with `!` is replaced by the variable's value, without casts), or
/// `None` when no key matches: the node then tries a dictionary assignment.
pub fn command_key(
    words: &[&str],
    first: usize,
    vars: &dyn Variables,
) -> Result<Option<&'static str>, DecidedAtBoot> {
    let mut key = String::new();
    let end = words.len().min(MAX_COMMAND_WORDS + first);
    for (x, word) in words.iter().enumerate().take(end).skip(first) {
        if x != first {
            key.push(' ');
        }
        match word.strip_prefix('!').filter(|_| word.chars().count() > 1) {
            Some(name) => match vars.param(name) {
                Lookup::Defined(v) => key.push_str(&v),
                Lookup::Undefined => {}
                Lookup::AtBoot => return Err(DecidedAtBoot),
            },
            None => key.push_str(word),
        }
        if let Some((k, min)) = COMMAND_KEYS.iter().find(|(k, _)| *k == key) {
            if *min > words.len() {
                continue;
            }
            return Ok(Some(k));
        }
    }
    Ok(None)
}
