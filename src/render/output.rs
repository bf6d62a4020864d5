//! The document `elpc compile` prints: policy, resolved, servers, commands and diagnostics,
//! written in one pass from the compilation (no JSON tree of the whole document is built, and
//! the policy trees are not copied).

use serde::Serialize;
use serde_json::Value as Json;

use crate::compile::Compilation;
use crate::emit::json::{ascii_json, ascii_json_to};
use crate::render::json::DiagnosticsView;

/// The output document of `elpc compile` as pretty ASCII JSON: the same text as
/// [`Compilation::to_json`](crate::Compilation::to_json) serialised with
/// [`to_ascii_json`](crate::render::to_ascii_json).
pub fn compile_document(compilation: &Compilation) -> String {
    with_document(compilation, |document| ascii_json(document, true))
}

/// [`compile_document`] written to `out` as it is serialised, in blocks: the document of a
/// large policy (about four times its size) is never held whole.
pub fn write_compile_document(
    compilation: &Compilation,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    with_document(compilation, |document| ascii_json_to(document, true, out))
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
    match &compilation.output {
        Some(out) => f(&Document {
            policy: &out.policy,
            resolved: &out.resolved,
            servers: out.servers.to_json(),
            commands: out
                .commands
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
                .collect(),
            diagnostics,
            kubernetes,
        }),
        None => f(&Document {
            policy: &Json::Null,
            resolved: &Json::Null,
            servers: serde_json::json!({"tcp": null, "rest": null, "broker": null}),
            commands: Vec::new(),
            diagnostics,
            kubernetes,
        }),
    }
}

#[derive(Serialize)]
struct Document<'a> {
    policy: &'a Json,
    resolved: &'a Json,
    servers: Json,
    commands: Vec<CommandView<'a>>,
    diagnostics: DiagnosticsView<'a>,
    /// The network plan, when Helm values or manifests were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    kubernetes: Option<Json>,
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
