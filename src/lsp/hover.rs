//! Hover: what a `!var`, `$VAR`, cast, key or script line means for the node.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use crate::edgelake::config_keys::{self, KeyRole, LOOKUP_KEYS};
use crate::resolve::cast::Cast;
use crate::resolve::reference::Sigil;
use crate::source::{FileId, Span};

use super::analysis::{is_secret, Analysis, Outline, Site, MASK};
use super::describe::{
    env_var_text, line_text, origin_text, value_text, variable_is_secret, word_text,
};
use super::navigation::vars_of_env_key;
use super::position::{range, Encoding};

/// What each cast does (the runtime's conversions).
pub const CASTS: &[(&str, &str)] = &[
    (
        ".int",
        "Python `int()`; a value it cannot read gives the empty string",
    ),
    (".str", "Python `str()`"),
    (
        ".bool",
        "false only for exactly `false` or an empty value, true otherwise",
    ),
    (
        ".float",
        "Python `float()`; a value it cannot read gives the empty string",
    ),
    (
        ".len",
        "entries of a `[...]`/`{...}` value, else the string length",
    ),
    (".name", "spaces to `_`, then lower case"),
    (
        ".replies",
        "entries that replied in a `[...]`/`{...}` value",
    ),
    (".diff", "entries minus `.replies`"),
];

/// True when a cursor at `offset` touches `span` (its end included).
pub fn touches(span: Span, offset: u32) -> bool {
    span.start <= offset && offset <= span.end
}

/// A hover, with every secret value (and what was built from one, issue 13) masked.
fn markdown(analysis: &Analysis, span: Span, text: String, encoding: Encoding) -> Hover {
    let text = crate::secrets::secret_values(&analysis.compilation)
        .mask_as(&text, MASK)
        .unwrap_or(text);
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(range(analysis.file(span.file), span, encoding)),
    }
}

/// The hover at a byte offset of the policy.
pub fn policy_hover(
    analysis: &Analysis,
    outline: &Outline,
    offset: u32,
    encoding: Encoding,
) -> Option<Hover> {
    if let Some(site) = outline.refs.iter().find(|s| touches(s.span, offset)) {
        let text = site_text(analysis, site);
        return Some(markdown(analysis, site.span, text, encoding));
    }
    if let Some(site) = outline.refs.iter().find(|s| touches(s.word_span, offset)) {
        if let Some((_, cast)) = Cast::split(&site.word) {
            let suffix = cast.suffix();
            let cast_span = site
                .word_span
                .narrow(site.word.len() - suffix.len()..site.word.len());
            if touches(cast_span, offset) {
                let what = CASTS
                    .iter()
                    .find(|(s, _)| *s == suffix)
                    .map_or("", |(_, w)| *w);
                let secret = is_secret(&site.name);
                let text = format!(
                    "cast **`{suffix}`**: {what}  \n`{}` → {}",
                    site.word,
                    word_text(analysis, &site.word, secret)
                );
                return Some(markdown(analysis, cast_span, text, encoding));
            }
        }
    }
    if let Some(key) = outline.keys.iter().find(|k| touches(k.span, offset)) {
        let text = key_text(analysis, &key.key, key.depth);
        return Some(markdown(analysis, key.span, text, encoding));
    }
    let (span, index) = outline.lines.iter().find(|(s, _)| touches(*s, offset))?;
    let line = analysis.lines().get(*index)?;
    Some(markdown(
        analysis,
        *span,
        line_text(analysis, line),
        encoding,
    ))
}

fn site_text(analysis: &Analysis, site: &Site) -> String {
    let scope = &analysis.compilation.scope;
    let mut text = match site.sigil {
        Sigil::Param => match scope.get(&site.name) {
            Some(var) => format!(
                "**`!{}`** = {}  \n{}",
                site.name,
                value_text(var),
                origin_text(analysis, var)
            ),
            None => match assigned_by_script(analysis, site) {
                Some(line) => format!(
                    "**`!{}`** is assigned by the script line at `{line}`",
                    site.name
                ),
                None => format!(
                    "**`!{}`** is **not defined**: the node reads it as `\"\"`",
                    site.name
                ),
            },
        },
        Sigil::Env => match scope.env_layers().get(&site.name) {
            Some(var) => env_var_text(analysis, var),
            None => format!(
                "**`${}`** is not set by these env files: the node reads its own environment",
                site.name
            ),
        },
    };
    let written = format!(
        "{}{}",
        if site.sigil == Sigil::Param { "!" } else { "$" },
        site.name
    );
    if site.word != written && site.line.is_none() {
        let secret = is_secret(&site.name) || scope.get(&site.name).is_some_and(variable_is_secret);
        text.push_str(&format!(
            "\n\n`{}` → {}",
            site.word,
            word_text(analysis, &site.word, secret)
        ));
    }
    if let Some(line) = site.line.and_then(|i| analysis.lines().get(i)) {
        text.push_str("\n\n---\n");
        text.push_str(&line_text(analysis, line));
    }
    text
}

/// The location of an earlier script line that assigns the site's variable.
fn assigned_by_script(analysis: &Analysis, site: &Site) -> Option<String> {
    let before = site.line.unwrap_or(usize::MAX);
    analysis
        .lines()
        .iter()
        .take_while(|l| l.index < before)
        .filter(|l| {
            let t = l.text.trim_start_matches("set ").trim_start();
            t.strip_prefix(site.name.as_str())
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .last()
        .map(|l| analysis.short_location(l.span))
}

fn key_text(analysis: &Analysis, key: &str, depth: usize) -> String {
    if depth == 0 {
        return format!(
            "**`{key}`**: the policy type (the node reads config policies under `config`)"
        );
    }
    if depth > 1 {
        return format!("**`{key}`**");
    }
    if let Some(k) = config_keys::read_key(key) {
        let role = match k.role {
            KeyRole::Id => "the policy id (required, never resolved)",
            KeyRole::Name => "the policy name, shown by `get config policies`",
            KeyRole::Script => "the command list the node runs after starting its servers",
            KeyRole::Address => "a server address",
            KeyRole::Port => "a server port (`int()` is applied)",
            KeyRole::Bind => "a bind flag (only exactly `\"true\"` is true)",
            KeyRole::Threads => "a thread count (`!` references resolved, then `int()`)",
        };
        let mut text = format!(
            "**`{key}`**: read by `config from policy`: {role}  \ndefault when absent: {}",
            k.default
        );
        let resolved = analysis.resolved_json().and_then(|resolved| {
            resolved
                .as_object()
                .and_then(|m| m.values().next())
                .and_then(|body| body.get(key))
                .filter(|v| !v.is_object() && !v.is_array())
                .cloned()
        });
        if let Some(value) = resolved {
            text.push_str(&format!("  \nthe node uses: `{value}`"));
        }
        return text;
    }
    if let Some(ignored) = config_keys::ignored_key(key) {
        return format!(
            "**`{key}`**: **never read** by `config from policy`: {}",
            ignored.advice
        );
    }
    if LOOKUP_KEYS.contains(&key) {
        return format!(
            "**`{key}`**: not read by `config from policy`; used to find the policy (`blockchain get config where {key} = ...`)"
        );
    }
    format!("**`{key}`**: never read by `config from policy`")
}

/// The hover on a key of an env file: its final value, where it was set and overridden, and
/// the variables the deployment scripts map it to.
pub fn env_hover(
    analysis: &Analysis,
    file: FileId,
    offset: u32,
    encoding: Encoding,
) -> Option<Hover> {
    let layers = analysis.compilation.scope.env_layers();
    let (var, span) = layers.iter().find_map(|v| {
        std::iter::once(&v.origin)
            .chain(&v.overrides)
            .find_map(|o| match o {
                crate::resolve::env_layers::EnvOrigin::File { key_span, .. }
                    if key_span.file == file && touches(*key_span, offset) =>
                {
                    Some((v, *key_span))
                }
                _ => None,
            })
    })?;
    let mut text = env_var_text(analysis, var);
    let vars = vars_of_env_key(analysis, &var.name);
    if !vars.is_empty() {
        let list: Vec<String> = vars
            .iter()
            .map(|name| match analysis.compilation.scope.get(name) {
                Some(v) => format!("`!{name}` = {}", value_text(v)),
                None => format!("`!{name}` (not set)"),
            })
            .collect();
        text.push_str(&format!("\n\nbecomes {}", list.join(", ")));
    }
    Some(markdown(analysis, span, text, encoding))
}
