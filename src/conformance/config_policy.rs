//! `config from policy` over the corpus policies: `member_cmd.config_from_policy` with the
//! ledger answering the prepared policy, the servers `config_servers` starts, and the script
//! lines `process_commands_list` runs (command handlers recorded, not run: control flow and
//! assignments run for real). elpc compiles the same policy text with the case's variables as
//! `--set`; the node's own facts it is not given are decided at boot.

use serde_json::Value as Json;

use super::policy::{codes, compile_text};
use super::{Case, Verdict};
use crate::compile::Compilation;
use crate::edgelake::commands::Target;
use crate::emit::commands::{stop_at, Command, Stop};
use crate::emit::servers::{Field, ServerPlan};
use crate::resolve::scope::{Profile, Scope};
use crate::resolve::script::{LineOutcome, ScriptLine};
use crate::resolve::value::Value;
use crate::syntax::script::tokenize;

const REFUSED: [&str; 5] = ["EL001", "EL004", "EL005", "EL006", "EL007"];

fn policy_text(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/policies")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub(super) fn replay(case: &Case) -> Verdict {
    let text = policy_text(case.str("policy_file"));
    let c = compile_text(&text, &case.input["vars"], Profile::Plain);
    let e = &case.expect;
    if e["prepared"].is_null() {
        // The node cannot store this policy at all.
        return if codes(&c).iter().any(|code| REFUSED.contains(code)) {
            Ok(())
        } else {
            Err(format!(
                "the node cannot store this policy; elpc reports {:?}",
                codes(&c)
            ))
        };
    }
    let Some(out) = &c.output else {
        return Err(format!("elpc compiles no policy ({:?})", codes(&c)));
    };
    let runtime_lines = e["lines"].as_array().cloned().unwrap_or_default();
    let crashed = e.get("crash").and_then(Json::as_str);
    let failed = e["ret"] != 0;
    // config_servers failed: nothing of the script runs.
    let servers_failed = (failed || crashed.is_some()) && runtime_lines.is_empty();
    match (&out.servers.failure, servers_failed) {
        (Some(f), false) => {
            return Err(format!(
                "elpc stops at the servers ({}), the node does not",
                f.reason
            ))
        }
        (None, true) if case.boot_under("ret").is_none() => {
            return Err(format!(
                "the node stops configuring servers ({} {}), elpc does not",
                e["ret"],
                crashed.unwrap_or("")
            ))
        }
        _ => {}
    }
    compare_servers(case, &c)?;
    if servers_failed {
        return Ok(());
    }
    compare_lines(case, &out.lines, &runtime_lines, &c.scope)?;
    commands_agree_with_args(&out.commands)
}

fn compare_servers(case: &Case, c: &Compilation) -> Verdict {
    let Some(out) = &c.output else { return Ok(()) };
    let recorded = case.expect["servers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let plans: Vec<&ServerPlan> = out.servers.plans().collect();
    if case.boot_under("servers").is_none() && plans.len() != recorded.len() {
        return Err(format!(
            "the node starts {} server(s), elpc {}",
            recorded.len(),
            plans.len()
        ));
    }
    for (i, (r, p)) in recorded.iter().zip(&plans).enumerate() {
        if r["server"].as_str() != Some(p.kind.as_str()) {
            return Err(format!(
                "server {i}: the node starts {}, elpc {}",
                r["server"],
                p.kind.as_str()
            ));
        }
        let threads = r["args"]["threads"].clone();
        let threads = if threads.is_null() {
            // REST passes its threads in `conditions` ({'threads': [8]}).
            r["args"]["conditions"]["$repr"]
                .as_str()
                .and_then(|s| {
                    s.split('[')
                        .nth(1)?
                        .split(']')
                        .next()?
                        .trim()
                        .parse::<i64>()
                        .ok()
                })
                .map_or(Json::Null, Json::from)
        } else {
            threads
        };
        // `start_tcp_threads` (not run by the recorder) listens on the policy's own address and
        // port when the local ones are empty; elpc's plan holds where it listens.
        let empty = |v: &Json| v.as_str() == Some("");
        let tcp = p.kind.as_str() == "tcp";
        let ip_fell_back = tcp && empty(&r["args"]["internal_ip"]);
        let port_fell_back = tcp && empty(&r["args"]["internal_port"]);
        let side = |fell_back: bool, name: &str| {
            let key = if fell_back {
                name.replace("internal", "external")
            } else {
                name.to_string()
            };
            r["args"][key.as_str()].clone()
        };
        let fields = [
            (
                "external_ip",
                &p.external_ip,
                r["args"]["external_ip"].clone(),
            ),
            (
                "external_port",
                &p.external_port,
                r["args"]["external_port"].clone(),
            ),
            (
                "internal_ip",
                &p.internal_ip,
                side(ip_fell_back, "internal_ip"),
            ),
            (
                "internal_port",
                &p.internal_port,
                side(port_fell_back, "internal_port"),
            ),
            ("bind", &p.bind, r["args"]["bind"].clone()),
            ("threads", &p.threads, threads),
        ];
        for (name, field, want) in fields {
            if want.is_null() {
                continue;
            }
            let mut boot = case.boot_under(&format!("servers.{i}.args.{name}"));
            let fell_back = (name == "internal_ip" && ip_fell_back)
                || (name == "internal_port" && port_fell_back);
            if boot.is_none() && fell_back {
                let outer = name.replace("internal", "external");
                boot = case.boot_under(&format!("servers.{i}.args.{outer}"));
            }
            match (field, boot) {
                (Field::AtBoot(_), Some(_)) => {}
                (Field::AtBoot(r), None) => {
                    return Err(format!(
                        "{} {name}: the node uses {want}, elpc says decided at boot ({r})",
                        p.kind.as_str()
                    ))
                }
                (Field::Known(v), Some(why)) => {
                    return Err(format!(
                        "{} {name} is decided at boot ({why}), elpc knows {v:?}",
                        p.kind.as_str()
                    ))
                }
                (Field::Known(v), None) if !same(v, &want) => {
                    return Err(format!(
                        "{} {name}: the node uses {want}, elpc {v:?}",
                        p.kind.as_str()
                    ))
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn same(v: &Value, want: &Json) -> bool {
    match (v, want) {
        (Value::Str(s), Json::String(w)) => s == w,
        (Value::Int(i), Json::Number(n)) => n.as_i64() == Some(*i),
        (Value::Bool(b), Json::Bool(w)) => b == w,
        (Value::Float(f), Json::Number(n)) => n.as_f64() == Some(*f),
        _ => false,
    }
}

/// The script lines the node runs (non-empty string entries), paired with elpc's.
fn compare_lines(case: &Case, lines: &[ScriptLine], runtime: &[Json], scope: &Scope) -> Verdict {
    let elpc: Vec<&ScriptLine> = lines.iter().filter(|l| !l.text.is_empty()).collect();
    for (i, r) in runtime.iter().enumerate() {
        let Some(l) = elpc.get(i) else {
            return Err(format!(
                "the node runs line {i} `{}`, elpc has no such line",
                r["command"]
            ));
        };
        if r["command"].as_str() != Some(&*l.text) {
            return Err(format!(
                "line {i}: the node runs `{}`, elpc reads `{}`",
                r["command"], l.text
            ));
        }
        let boot = case.boot_under(&format!("lines.{i}"));
        let stop = stop_at(l, Target::EdgeLake, scope);
        if stop == Some(Stop::Handler) && r["ret"] == 0 {
            // The recorder does not run command handlers: what follows is not comparable.
            return Ok(());
        }
        if l.stops.is_some() && r["ret"] == 0 {
            // elpc's interpreter stops the list here on some boot paths (a `process` of a
            // missing file, a processed script's code): the recorder runs no `process`, so
            // what follows is not comparable either.
            return Ok(());
        }
        // A line whose whole entry depends on the node was reached in some runs only (an
        // earlier line decided at boot may stop the list): elpc lists it as reached.
        let decision = [".then", ".ret", ".command"]
            .iter()
            .find_map(|f| case.boot_under_exact(&format!("lines.{i}{f}")));
        if let Some(why) = decision {
            check_boot_line(i, l, r, &why)?;
            continue;
        }
        if let Some(why) = boot {
            // Only the file a `process` opens depends on the node.
            let resolved = l
                .command
                .as_ref()
                .and_then(|c| c.process())
                .and_then(|p| p.resolved.map(str::to_string));
            if resolved.is_some() {
                return Err(format!(
                    "line {i}: the file is decided at boot ({why}), elpc knows {resolved:?}"
                ));
            }
            continue;
        }
        let ret_ok = r["ret"] == 0;
        if !ret_ok {
            if stop.is_none() {
                return Err(format!(
                    "line {i} `{}` fails on the node ({}), elpc runs on",
                    l.text, r["ret"]
                ));
            }
            return Ok(());
        }
        if stop == Some(Stop::Dispatch) {
            return Err(format!(
                "line {i} `{}` runs on the node, elpc stops there",
                l.text
            ));
        }
        let then = r["then"].as_str();
        let is_if = l.words().next().is_some_and(|w| w.text == "if");
        match (&l.outcome, then) {
            (LineOutcome::Runs(_), Some(t)) if is_if => {
                let want: Vec<String> = tokenize(t)
                    .map(|tk| tk.words.into_iter().map(|w| w.text.into()).collect())
                    .unwrap_or_default();
                let got: Vec<String> = l.command_words().map(|w| w.text.to_string()).collect();
                if want != got {
                    return Err(format!("line {i}: the node runs `{t}`, elpc {got:?}"));
                }
            }
            (LineOutcome::FoldedAway, None) if is_if => {}
            (LineOutcome::Runs(_) | LineOutcome::Skipped, None) if !is_if => {}
            (outcome, _) => {
                return Err(format!(
                    "line {i} `{}`: the node runs {then:?}, elpc {outcome:?}",
                    l.text
                ))
            }
        }
        if let Some(file) = r.get("process") {
            let got = l.command.as_ref().and_then(|c| c.process());
            let want = file.as_str();
            match got {
                Some(p) if p.resolved == want => {}
                Some(p) if p.resolved.is_none() && want == Some("") => {}
                other => {
                    return Err(format!(
                        "line {i}: the node processes {file}, elpc {:?}",
                        other.map(|p| p.resolved)
                    ))
                }
            }
        }
    }
    if elpc.len() > runtime.len() {
        let extra = elpc[runtime.len()];
        let last_failed = runtime.last().is_some_and(|r| r["ret"] != 0);
        if !last_failed && runtime.len() < elpc.len() {
            return Err(format!(
                "the node stops before `{}`, elpc runs it",
                extra.text
            ));
        }
    }
    Ok(())
}

fn check_boot_line(i: usize, l: &ScriptLine, r: &Json, why: &str) -> Verdict {
    let is_if = l.words().next().is_some_and(|w| w.text == "if");
    if is_if && !matches!(l.outcome, LineOutcome::DecidedAtBoot(_)) {
        return Err(format!(
            "line {i} `{}` is decided at boot ({why}), elpc says {:?}",
            l.text, l.outcome
        ));
    }
    if r.get("process").is_some() && !is_if {
        let resolved = l
            .command
            .as_ref()
            .and_then(|c| c.process())
            .and_then(|p| p.resolved.map(str::to_string));
        if resolved.is_some() {
            return Err(format!(
                "line {i}: the file is decided at boot ({why}), elpc knows {resolved:?}"
            ));
        }
    }
    Ok(())
}

/// Every emitted command's typed `args` come from the same resolution as its text: a
/// where-clause value in `args` is the value written after `key =` in the command.
fn commands_agree_with_args(commands: &[Command]) -> Verdict {
    for c in commands {
        let Ok(tokens) = tokenize(&c.command) else {
            continue;
        };
        let words: Vec<&str> = tokens.words.iter().map(|w| w.text.as_str()).collect();
        let Some(args) = c.args.as_object() else {
            continue;
        };
        let Some(at) = words.iter().position(|w| *w == "where") else {
            continue;
        };
        let mut i = at + 1;
        while i + 2 <= words.len() {
            let key = words[i];
            if words.get(i + 1) != Some(&"=") {
                break;
            }
            let end = words[i + 2..]
                .iter()
                .position(|w| *w == "and")
                .map_or(words.len(), |p| p + i + 2);
            let value = words[i + 2..end].join(" ");
            let typed = match args.get(key) {
                Some(Json::String(s)) => Some(s.clone()),
                Some(Json::Number(n)) => Some(n.to_string()),
                Some(Json::Bool(b)) => Some(b.to_string()),
                _ => None,
            };
            if let Some(t) = typed {
                if t != value && !t.eq_ignore_ascii_case(&value) {
                    return Err(format!(
                        "`{}`: args say {key} = {t}, the command text says {value}",
                        c.command
                    ));
                }
            }
            i = end + 1;
        }
    }
    Ok(())
}
