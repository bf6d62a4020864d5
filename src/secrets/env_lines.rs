//! The raw text of secret keys' lines in env files, whether or not the line parses: a syntax
//! error (`LICENSE_KEY Hunter3Lic`, an unterminated quote, text after the closing quote) shows
//! the line in a snippet, so everything after a secret key is hidden from the text itself.

use crate::source::{FileId, SourceMap, Span};

use super::is_secret_name;

/// A stretch of env file text that belongs to a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecretText {
    /// The text after the key (and its `=` or `:`), to the end of its line.
    pub value: Span,
    /// Where the key starts: a finding anywhere from here to the end of `value` is about the
    /// secret's line.
    pub line_start: u32,
}

/// Every line of the files other than the policy (file 0) that starts with a secret-looking key
/// (`KEY=value`, `export KEY=value`, `KEY: value`, `KEY value`), with the text after the key.
pub fn secret_lines(sources: &SourceMap) -> Vec<SecretText> {
    let mut out = Vec::new();
    for (id, file) in sources.iter() {
        if id == FileId(0) {
            continue;
        }
        let text = file.text();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            if let Some(found) = secret_in_line(line) {
                out.push(SecretText {
                    value: Span::new(id, start + found.start..start + found.end),
                    line_start: start as u32,
                });
            }
            start += line.len();
        }
    }
    out
}

/// The byte range of the value in one line whose key looks secret.
fn secret_in_line(line: &str) -> Option<std::ops::Range<usize>> {
    let body = line.trim_end_matches(['\n', '\r']);
    let indent = body.len() - body.trim_start().len();
    let mut at = indent;
    if body[at..].starts_with("export ") {
        at += "export ".len();
        at += body[at..].len() - body[at..].trim_start().len();
    }
    let key_len = body[at..]
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .unwrap_or(body.len() - at);
    let key = &body[at..at + key_len];
    if key.is_empty() || !is_secret_name(key) {
        return None;
    }
    let mut value = at + key_len;
    value += body[value..].len() - body[value..].trim_start().len();
    if body[value..].starts_with(['=', ':']) {
        value += 1;
    }
    value += body[value..].len() - body[value..].trim_start().len();
    (value < body.len()).then_some(value..body.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_after_secret_keys_parsed_or_not() {
        for (line, value) in [
            ("DB_PASSWD=Hunter2\n", Some("Hunter2")),
            ("LICENSE_KEY Hunter3Lic", Some("Hunter3Lic")),
            (
                "  export API_TOKEN = \"abc\" junk\r\n",
                Some("\"abc\" junk"),
            ),
            ("  licenseKey: xyz", Some("xyz")),
            ("SECRET=", None),
            ("COMPANY_NAME=key", None),
            ("# DB_PASSWD=x", None),
        ] {
            assert_eq!(secret_in_line(line).map(|r| &line[r]), value, "{line:?}");
        }
    }
}
