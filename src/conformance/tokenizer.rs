//! The tokenizer: `utils_data.cmd_line_to_list_with_json` against elpc's `tokenize`.
//!
//! The node refuses a line whose word list is `None` (an unclosed quote or parenthesis) or
//! whose brackets do not balance (`process_cmd` fails it); elpc must refuse those too, and
//! split every other line into the same words, with the same text after a `&`.

use super::{Case, Verdict};
use crate::syntax::script::tokenize;

pub(super) fn replay(case: &Case) -> Verdict {
    let line = case.str("line");
    let e = &case.expect;
    let refused = e["words"].is_null() || e["left"] != e["right"];
    match tokenize(line) {
        Err(err) if refused => {
            let _ = err;
            Ok(())
        }
        Err(err) => Err(format!(
            "the node splits it into {}, elpc refuses it: {}",
            e["words"], err.message
        )),
        Ok(_) if refused => Err(format!(
            "the node refuses it (words {}, brackets {}/{}), elpc splits it",
            e["words"], e["left"], e["right"]
        )),
        Ok(tokens) => {
            let words: Vec<&str> = tokens.words.iter().map(|w| w.text.as_str()).collect();
            let want: Vec<&str> = e["words"]
                .as_array()
                .map(|a| a.iter().filter_map(|w| w.as_str()).collect())
                .unwrap_or_default();
            if words != want {
                return Err(format!("runtime words {want:?}, elpc {words:?}"));
            }
            let next = tokens
                .rest_after_ampersand
                .map(|r| line[r].to_string())
                .filter(|s| !s.is_empty());
            let want_next = e["next_command"].as_str().map(String::from);
            if next != want_next {
                return Err(format!("runtime next command {want_next:?}, elpc {next:?}"));
            }
            Ok(())
        }
    }
}
