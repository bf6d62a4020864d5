//! `system <command>` within one bounded subset: a pipeline of `grep`, `awk '{print $N}'`,
//! `head`/`tail -n N` and `xargs` (no command) over a file elpc can read through the path map,
//! the shape `set_params.al` uses to read the scripts' version from `setup.cfg`. The node's
//! `system_call` turns `\n` into `\r\n` in the output. Any other command is decided at boot.

use super::{code, Engine};
use crate::path_map::NodeFile;
use crate::resolve::reference::resolve_word;
use crate::resolve::scope::{Scope, VarValue};
use crate::resolve::value::Resolved;

/// The code and stored value of `system` with these words (after `system`).
pub fn system(eng: &Engine, words: &[&str], scope: &Scope) -> (i32, VarValue) {
    let boot = || VarValue::AtBoot("the output of a shell command on the node".into());
    // `params.get_translated_string`: every word resolved, joined with spaces.
    let mut line = String::new();
    for (i, w) in words.iter().enumerate() {
        let t = match resolve_word(w, scope) {
            Resolved::Known(v) => v.to_python_str(),
            Resolved::AtBoot { .. } => return (code::SUCCESS, boot()),
        };
        if t.is_empty() {
            return (code::COMMAND_STRUCT, VarValue::Known(String::new()));
        }
        if i > 0 {
            line.push(' ');
        }
        line.push_str(&t);
    }
    match run_pipeline(eng, &line) {
        Some(Ok(out)) => {
            let out = if out.contains('\r') {
                out
            } else {
                out.replace('\n', "\r\n")
            };
            (code::SUCCESS, VarValue::Known(out))
        }
        Some(Err(())) => (code::SYSTEM_CALL, VarValue::Known(String::new())),
        None => (code::SUCCESS, boot()),
    }
}

/// Splits a shell line into words (`'…'` and `"…"` quoting); `None` on anything else special.
fn sh_words(s: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(w) = cur.take() {
                    out.push(w);
                }
            }
            '\'' | '"' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some('$' | '`' | '\\') if c == '"' => return None,
                        Some(x) => w.push(x),
                        None => return None,
                    }
                }
            }
            '|' => {
                if let Some(w) = cur.take() {
                    out.push(w);
                }
                out.push("|".into());
            }
            '$' | '`' | '\\' | ';' | '&' | '<' | '>' | '(' | ')' | '*' | '?' | '~' => return None,
            c => cur.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(w) = cur {
        out.push(w);
    }
    Some(out)
}

/// `Some(Ok(stdout))`, `Some(Err)` when a stage writes to stderr (the node reports
/// `System_call_error`), `None` outside the subset.
fn run_pipeline(eng: &Engine, line: &str) -> Option<Result<String, ()>> {
    let words = sh_words(line)?;
    let mut input: Option<String> = None;
    for stage in words.split(|w| w == "|") {
        let (prog, args) = stage.split_first()?;
        let out = match prog.as_str() {
            "grep" => grep(eng, args, input.as_deref())?,
            "awk" => Ok(awk(args, input.as_deref()?)?),
            "head" | "tail" => Ok(head_tail(prog == "head", args, input.as_deref()?)?),
            "xargs" if args.is_empty() => Ok(xargs(input.as_deref()?)?),
            _ => return None,
        };
        match out {
            Ok(o) => input = Some(o),
            Err(()) => return Some(Err(())),
        }
    }
    input.map(Ok)
}

fn grep(eng: &Engine, args: &[String], input: Option<&str>) -> Option<Result<String, ()>> {
    let mut max: Option<usize> = None;
    let mut rest = args;
    while let Some((a, tail)) = rest.split_first() {
        if let Some(n) = a.strip_prefix("-m") {
            if n.is_empty() {
                max = Some(tail.first()?.parse().ok()?);
                rest = &tail[1..];
            } else {
                max = Some(n.parse().ok()?);
                rest = tail;
            }
        } else if a.starts_with('-') {
            return None;
        } else {
            break;
        }
    }
    let (pattern, files) = rest.split_first()?;
    let text = match files {
        [] => input?.to_string(),
        [file] => match eng.options.path_map.read(file) {
            NodeFile::Read(bytes, _) => String::from_utf8_lossy(&bytes).into_owned(),
            NodeFile::Missing(_) => return Some(Err(())),
            NodeFile::Unknown if eng.closed_world() => return Some(Err(())),
            NodeFile::Unknown => return None,
        },
        _ => return None,
    };
    let (anchored, literal) = match pattern.strip_prefix('^') {
        Some(p) => (true, p),
        None => (false, pattern.as_str()),
    };
    if literal.contains([
        '.', '*', '[', ']', '\\', '$', '+', '?', '(', ')', '{', '}', '|',
    ]) {
        return None;
    }
    let mut out = String::new();
    let mut found = 0;
    for line in text.lines() {
        if max.is_some_and(|m| found >= m) {
            break;
        }
        let hit = if anchored {
            line.starts_with(literal)
        } else {
            line.contains(literal)
        };
        if hit {
            out.push_str(line);
            out.push('\n');
            found += 1;
        }
    }
    Some(Ok(out))
}

/// `awk [-F SEP] '{print $N}'` with a one-character or literal separator.
fn awk(args: &[String], input: &str) -> Option<String> {
    let (sep, program) = match args {
        [f, sep, program] if f == "-F" => (Some(sep.as_str()), program),
        [program] => (None, program),
        _ => return None,
    };
    let field: usize = program
        .trim()
        .strip_prefix("{print $")?
        .strip_suffix('}')?
        .trim()
        .parse()
        .ok()?;
    if let Some(s) = sep {
        let regex = s.chars().count() > 1 && s.chars().any(|c| "\\^$.[]|()*+?{}".contains(c));
        if s.is_empty() || s == " " || regex {
            return None;
        }
    }
    let mut out = String::new();
    for line in input.lines() {
        let fields: Vec<&str> = match sep {
            None => line.split_whitespace().collect(),
            Some(s) => line.split(s).collect(),
        };
        let value = if field == 0 {
            line
        } else {
            fields.get(field - 1).copied().unwrap_or("")
        };
        out.push_str(value);
        out.push('\n');
    }
    Some(out)
}

fn head_tail(head: bool, args: &[String], input: &str) -> Option<String> {
    let n: usize = match args {
        [] => 10,
        [flag, n] if flag == "-n" => n.parse().ok()?,
        [flag] => flag
            .strip_prefix("-n")
            .or(flag.strip_prefix('-'))?
            .parse()
            .ok()?,
        _ => return None,
    };
    let lines: Vec<&str> = input.lines().collect();
    let picked = if head {
        &lines[..n.min(lines.len())]
    } else {
        &lines[lines.len().saturating_sub(n)..]
    };
    Some(picked.iter().map(|l| format!("{l}\n")).collect())
}

/// `xargs` with no command: `echo` of the input's words.
fn xargs(input: &str) -> Option<String> {
    if input.contains(['\'', '"', '\\']) {
        return None;
    }
    let words: Vec<&str> = input.split_whitespace().collect();
    Some(format!("{}\n", words.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_params_version_pipeline() {
        let text = "[metadata]\nversion = 1.4 (pre-develop - 64f5d1 [2026-04-30])\nname = x\n";
        let grep_out = "version = 1.4 (pre-develop - 64f5d1 [2026-04-30])\n";
        assert!(text.contains(grep_out));
        let fields = awk(&["-F".into(), "=".into(), "{print $2}".into()], grep_out).unwrap();
        assert_eq!(fields, " 1.4 (pre-develop - 64f5d1 [2026-04-30])\n");
        assert_eq!(
            xargs(&fields).unwrap(),
            "1.4 (pre-develop - 64f5d1 [2026-04-30])\n"
        );
        assert_eq!(
            sh_words("grep -m1 ^version /x | awk -F  =  '{print $2}' | xargs").unwrap(),
            [
                "grep",
                "-m1",
                "^version",
                "/x",
                "|",
                "awk",
                "-F",
                "=",
                "{print $2}",
                "|",
                "xargs"
            ]
        );
        assert_eq!(sh_words("rm -rf $HOME"), None);
    }
}
