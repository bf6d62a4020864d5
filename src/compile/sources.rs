//! Inputs into the source map: usable text, or the finding that says why not.

use std::borrow::Cow;
use std::sync::Arc;

use crate::check::catalog::INVALID_INPUT;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, SourceFile, SourceMap, Span};

use super::{Input, Unreadable, UnreadableReason};

/// Adds an input to the map, reporting input that is not usable text (then `false`). Unusable
/// input keeps only its valid prefix, so the diagnostic can point where the problem starts.
pub(crate) fn add_source(
    sources: &mut SourceMap,
    input: Result<&Input, &Unreadable>,
    max_bytes: usize,
    diags: &mut Diagnostics,
) -> (FileId, bool) {
    add_input(sources, input.map(Cow::Borrowed), max_bytes, diags)
}

/// [`add_source`] for an input given or lent: text given is kept without a copy (a policy of
/// 10 MB held once, not twice, while it compiles).
pub(crate) fn add_input(
    sources: &mut SourceMap,
    input: Result<Cow<'_, Input>, &Unreadable>,
    max_bytes: usize,
    diags: &mut Diagnostics,
) -> (FileId, bool) {
    let input = match input {
        Ok(input) => input,
        Err(refused) => return add_refused(sources, refused, diags),
    };
    let bytes = &input.bytes;
    let problem = if bytes.len() > max_bytes {
        Some((
            0,
            format!(
                "`{}` is {} MiB; elpc reads files up to {} MiB",
                input.name,
                bytes.len() / (1024 * 1024),
                max_bytes / (1024 * 1024)
            ),
            "check that this is the file you meant",
        ))
    } else if let Some(at) = bytes
        .contains(&0) // memchr; the position only when there is one
        .then(|| bytes.iter().position(|&b| b == 0))
        .flatten()
    {
        Some((
            at,
            format!(
                "`{}` is a binary file (NUL byte at offset {at})",
                input.name
            ),
            "give a policy or env text file",
        ))
    } else if let Err(e) = std::str::from_utf8(bytes) {
        Some((
            e.valid_up_to(),
            format!(
                "`{}` is not UTF-8 text (invalid byte at offset {})",
                input.name,
                e.valid_up_to()
            ),
            "save the file as UTF-8",
        ))
    } else {
        None
    };
    match problem {
        None => {
            let text = match input {
                // Validated above (the check again is a vectorized pass, not a copy).
                Cow::Owned(Input { name, bytes }) => (
                    name,
                    Arc::<str>::from(String::from_utf8(bytes).unwrap_or_default()),
                ),
                // Validated above: copied once, straight into the shared text, without
                // decoding it a second time.
                Cow::Borrowed(input) => (
                    input.name.clone(),
                    std::str::from_utf8(&input.bytes).unwrap_or_default().into(),
                ),
            };
            (sources.add(SourceFile::new(&text.0, text.1)), true)
        }
        Some((at, message, help)) => {
            let keep = at.min(bytes.len()).min(64 * 1024);
            let prefix = String::from_utf8_lossy(&bytes[..keep]).into_owned();
            let len = prefix.len();
            let id = sources.add(SourceFile::new(&input.name, prefix));
            diags
                .push(Diagnostic::new(&INVALID_INPUT, Span::new(id, len..len), message).help(help));
            (id, false)
        }
    }
}

/// Adds an empty file for input a front end refused to read, with the finding that says why.
fn add_refused(
    sources: &mut SourceMap,
    refused: &Unreadable,
    diags: &mut Diagnostics,
) -> (FileId, bool) {
    let name = &refused.name;
    let (message, help) = match &refused.reason {
        UnreadableReason::NotRegular(kind) => (
            format!("`{name}` is {kind}, not a regular file; elpc reads only regular files"),
            "give the path of a policy or env file (write a stream to a file first)".to_string(),
        ),
        UnreadableReason::TooLarge {
            size: Some(size),
            limit,
        } => (
            format!(
                "`{name}` is {} MiB; elpc reads files up to {} MiB",
                size >> 20,
                limit >> 20
            ),
            "check that this is the file you meant".to_string(),
        ),
        UnreadableReason::TooLarge { size: None, limit } => (
            format!(
                "`{name}` is larger than {} MiB, the most elpc reads",
                limit >> 20
            ),
            "check that this is the file you meant".to_string(),
        ),
        UnreadableReason::Io(_, why) => (
            format!("cannot read `{name}`: {why}"),
            "check the path and its permissions".to_string(),
        ),
    };
    let id = sources.add(SourceFile::new(name, String::new()));
    diags.push(Diagnostic::new(&INVALID_INPUT, Span::new(id, 0..0), message).help(help));
    (id, false)
}
