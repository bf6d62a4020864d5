//! The document `elpc compile` prints: policy, resolved, servers, commands and diagnostics,
//! written in one pass from the compilation (no JSON tree of the whole document is built, and
//! the policy trees are not copied).

use serde::Serialize;
use serde_json::Value as Json;

use crate::compile::{Compilation, CompiledPolicy};
use crate::emit::ascii::Writer;
use crate::emit::views::{PolicyView, ResolvedView};
use crate::render::json::DiagnosticsView;

/// The output document of `elpc compile` as pretty ASCII JSON: the same text as
/// [`Compilation::to_json`](crate::Compilation::to_json) serialised with
/// [`to_ascii_json`](crate::render::to_ascii_json).
pub fn compile_document(compilation: &Compilation) -> String {
    with_document(compilation, |document| {
        let mut w = Writer::new(true, 128);
        match document.write(&mut w) {
            Ok(()) => w.into_text(),
            Err(_) => String::new(),
        }
    })
}

/// [`compile_document`] written to `out` as it is serialised, in blocks: the document of a
/// large policy (about four times its size) is never held whole.
pub fn write_compile_document(
    compilation: &Compilation,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    with_document(compilation, |document| {
        // Written in blocks as it is produced; the sink's error first, then a value that
        // could not be serialised (what came before it is written).
        let mut w = Writer::to_sink(true, out);
        let written = document.write(&mut w);
        w.finish()?;
        written.map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    })
}

/// Calls `f` with the document's view of `compilation`.
fn with_document<R>(compilation: &Compilation, f: impl FnOnce(&Document) -> R) -> R {
    let sources = &compilation.sources;
    let diagnostics = DiagnosticsView {
        sources,
        diagnostics: &compilation.diagnostics,
    };
    let kubernetes = compilation
        .kubernetes
        .as_ref()
        .map(|pod| crate::kubernetes::plan::to_json(pod, sources, pod.secrets_shown));
    // Trees a compilation did not build (`Options::skip_json_trees`) are written from its
    // syntax tree.
    let views = crate::compile::output_views(compilation);
    let (policy, resolved) = match &views {
        Some((policy, resolved)) => (Out::Policy(policy), Out::Resolved(resolved)),
        None => match &compilation.output {
            Some(out) => (Out::Tree(&out.policy), Out::Tree(&out.resolved)),
            None => (Out::Tree(&Json::Null), Out::Tree(&Json::Null)),
        },
    };
    match &compilation.output {
        Some(out) => f(&Document {
            policy,
            resolved,
            servers: out.servers.to_json(),
            commands: commands(compilation, out),
            diagnostics,
            kubernetes,
        }),
        None => f(&Document {
            policy,
            resolved,
            servers: serde_json::json!({"tcp": null, "rest": null, "broker": null}),
            commands: Vec::new(),
            diagnostics,
            kubernetes,
        }),
    }
}

fn commands<'a>(compilation: &'a Compilation, out: &'a CompiledPolicy) -> Vec<CommandView<'a>> {
    let sources = &compilation.sources;
    out.commands
        .iter()
        .map(|c| CommandView {
            command: &c.command,
            origin: sources.location(c.origin),
            catalog: c.catalog,
            args: &c.args,
            node_origin: sources.node_location(c.origin),
            via: c.via.map(|v| sources.location(v)),
            condition: c.condition.as_deref(),
        })
        .collect()
}

/// An output tree, or a view that writes it from the syntax tree.
enum Out<'a> {
    Tree(&'a Json),
    Policy(&'a PolicyView<'a>),
    Resolved(&'a ResolvedView<'a>),
}

impl Out<'_> {
    /// Writes the tree, or the view straight from the syntax tree.
    fn write(&self, w: &mut Writer<'_>) -> Result<(), crate::emit::ascii::Error> {
        match self {
            Out::Tree(json) => json.serialize(w),
            Out::Policy(view) => view.write(w),
            Out::Resolved(view) => view.write(w),
        }
    }
}

/// The document's members, in order.
struct Document<'a> {
    policy: Out<'a>,
    resolved: Out<'a>,
    servers: Json,
    commands: Vec<CommandView<'a>>,
    diagnostics: DiagnosticsView<'a>,
    /// The network plan, when Helm values or manifests were given.
    /// Written only when present.
    kubernetes: Option<Json>,
}

impl Document<'_> {
    /// Writes the document as serde would lay the struct out; the diagnostics, most of a
    /// document with many findings, through the writer's direct path.
    fn write(&self, w: &mut Writer<'_>) -> Result<(), crate::emit::ascii::Error> {
        let mut o = w.object();
        o.key("policy");
        self.policy.write(o.writer())?;
        o.done();
        o.key("resolved");
        self.resolved.write(o.writer())?;
        o.done();
        o.serialized("servers", &self.servers)?;
        o.serialized("commands", &self.commands)?;
        o.key("diagnostics");
        self.diagnostics.write(o.writer());
        o.done();
        if let Some(kubernetes) = &self.kubernetes {
            o.serialized("kubernetes", kubernetes)?;
        }
        o.end();
        Ok(())
    }
}

#[derive(Serialize)]
struct CommandView<'a> {
    command: &'a str,
    /// Where the command is written, on this machine (as diagnostics name files).
    origin: String,
    catalog: Option<&'static str>,
    args: &'a Json,
    /// The same place as the node sees it, for a line of a deployment script elpc read through
    /// the path map.
    #[serde(skip_serializing_if = "Option::is_none")]
    node_origin: Option<String>,
    /// The script line that processed the file this command is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<String>,
    /// Why the command runs only on some boot paths.
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::{compile, output_json, Input, Options};
    use crate::emit::json::to_ascii_json;
    use crate::render::json::diagnostics_json;

    #[test]
    fn the_streamed_document_equals_the_tree() {
        let cases = [
            "{'config': {'name': 'é😀', 'ip': '!external_ip', 'port': '!anylog_server_port.int',\n 'script': ['run scheduler 1', 'if !x == 1 then run streamer', 'set y = !z', 'bad \"']}}",
            "{'config': {'a': [1, 'b': 2}}",
            "not a policy",
        ];
        for text in cases {
            let env = Input::text(
                "e.env",
                "NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\nA=1\nA=2\n",
            );
            let c = compile(&Input::text("p.policy", text), &[env], &Options::default());
            let tree = output_json(&c, diagnostics_json(&c.sources, &c.diagnostics));
            assert_eq!(compile_document(&c), to_ascii_json(&tree, true), "{text}");
            let mut streamed = Vec::new();
            write_compile_document(&c, &mut streamed).expect("written to memory");
            assert_eq!(String::from_utf8(streamed).ok(), Some(compile_document(&c)));
        }
    }

    #[test]
    fn the_document_written_from_the_syntax_tree_is_the_documents_with_trees() {
        let cases = [
            "{'config': {'name': 'é😀 \\u0001', 'ip': '!external_ip', 'port': '!anylog_server_port.int',\n 'script': ['run scheduler 1', 'if !x == 1 then run streamer', 'set y = !z', 'bad \"', ['nested', {'k': !a}]]}}",
            "{'config': {'a': 1, 'a': 2, 'b': [1.5, -0.0, 1e999, 123456789012345678901234567890, None, True, False], 'n': {'x': {'y': '!a'}}}}",
            "{'config': {'name': 'x', 'id': 'written', 'port': !anylog_server_port}}",
            "{'config': {'name': 'x', 'port': !not_known_here, 'rest_port': !anylog_rest_port}}",
            "{'config': {'name': 'x', 'ip': !ip, 'ip': '1.2.3.4'}}",
            "{'config': !structured}",
            "{'config': {'list': !structured_list, 'obj': !structured, 'empty': !empty, 'num': !a}}",
            "{'table': {'company': 'c', 'name': 'n', 'dbms': !a, 'other': 1}}",
            "{'cluster': {'company': 'c', 'name': !structured, 'parent': [1, 'x'], 'table': {'t': 1}}}",
            "{'config': {}, 'second': {}}",
            "{'config': {'name': 'x', 'port': [1, ['a']], 'rest_port': [!anylog_rest_port], 'script': ['run scheduler 1', ['set a = 1']]}}",
            "[{'config': {'name': 'listed', 'script': ['run scheduler 1']}}]",
            "{'config': 'not an object'}",
            "{'config': {'a': [1, 'b': 2}}",
        ];
        let env = "NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\nANYLOG_REST_PORT=32149\nA=7\nX=1\nEMPTY=\n\
                   STRUCTURED={\"k\": [1, \"v\"]}\nSTRUCTURED_LIST=[1, 2]\nZ=zz\n";
        for text in cases {
            let env = Input::text("e.env", env);
            let policy = Input::text("p.policy", text);
            let built = compile(&policy, std::slice::from_ref(&env), &Options::default());
            let options = Options {
                skip_json_trees: true,
                ..Options::default()
            };
            let skipped = compile(&policy, &[env], &options);
            if let Some(out) = &skipped.output {
                assert!(out.policy.is_null() && out.resolved.is_null(), "{text}");
            }
            assert_eq!(
                compile_document(&skipped),
                compile_document(&built),
                "{text}"
            );
            assert_eq!(skipped.to_json(), built.to_json(), "{text}");
        }
    }

    /// Files in memory, for a `process` line read through the path map.
    struct Files;
    impl crate::path_map::LocalFiles for Files {
        fn is_file(&self, path: &std::path::Path) -> bool {
            path == std::path::Path::new("ds/x.al")
        }
        fn read(&self, path: &std::path::Path) -> Option<Vec<u8>> {
            self.is_file(path).then(|| b"run scheduler 1\n".to_vec())
        }
    }

    #[test]
    fn a_processed_scripts_commands_carry_both_places_in_both_documents() {
        let options = Options {
            path_map: crate::path_map::PathMap {
                mappings: vec![crate::path_map::Mapping::parse("/app/ds=ds").unwrap()],
                files: Some(std::sync::Arc::new(Files)),
            },
            ..Options::default()
        };
        let policy = Input::text(
            "p.policy",
            "{'config': {'script': ['process /app/ds/x.al']}}",
        );
        let c = compile(&policy, &[], &options);
        let tree = output_json(&c, diagnostics_json(&c.sources, &c.diagnostics));
        let processed = &tree["commands"][1];
        assert_eq!(processed["origin"], "ds/x.al:1:1", "{tree}");
        assert_eq!(processed["node_origin"], "/app/ds/x.al:1:1", "{tree}");
        assert_eq!(processed["via"], "p.policy:1:24", "{tree}");
        assert_eq!(compile_document(&c), to_ascii_json(&tree, true));
    }
}
