//! The message loop: initialize (negotiating the position encoding), then a loop that hands
//! each message to the [`Session`] inside `catch_unwind`, debouncing re-checks.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    HoverProviderCapability, InitializeParams, InitializeResult, MessageType, OneOf,
    ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions,
};
use serde_json::Value as Json;

use super::position::Encoding;
use super::session::Session;

/// How long the server waits for more changes before re-checking.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// Environment variable that enables the `elpc/debugPanic` request (for tests of the panic
/// guard only).
pub const PANIC_REQUEST_ENV: &str = "ELPC_LSP_PANIC_REQUEST";

/// Serves the language server protocol on standard input and output until `exit` (or until
/// the client closes standard input). Bad input never ends it: see [`super::transport`].
pub fn run_stdio() -> Result<(), String> {
    let (connection, io_threads) = super::transport::stdio();
    let result = serve_with(&connection, Publish::Serialised(Default::default()));
    drop(connection);
    io_threads.join()?;
    result
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(["!", "$", ".", "'", "\""].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::REFACTOR_REWRITE,
            ]),
            ..CodeActionOptions::default()
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// Waits for `initialize`, answering other requests with "not initialized"; `None` when the
/// client leaves first.
fn wait_for_initialize(connection: &Connection) -> Result<Option<(RequestId, Json)>, String> {
    loop {
        match connection.receiver.recv() {
            Err(_) => return Ok(None),
            Ok(Message::Request(r)) if r.method == req::Initialize::METHOD => {
                return Ok(Some((r.id, r.params)))
            }
            Ok(Message::Request(r)) => send(
                connection,
                Message::Response(Response::new_err(
                    r.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "elpc: send `initialize` first".to_string(),
                )),
            ),
            Ok(Message::Notification(n)) if n.method == note::Exit::METHOD => {
                return Err("exit before initialize".to_string())
            }
            Ok(_) => {}
        }
    }
}

/// Runs the protocol over an established connection: until `exit`, whatever comes before it.
/// After `shutdown`, requests are answered with an error and only `exit` ends the loop.
pub fn serve(connection: &Connection) -> Result<(), String> {
    serve_with(connection, Publish::AsValue)
}

/// How diagnostics are handed to the connection.
enum Publish {
    /// As `lsp_server` notifications (any connection).
    AsValue,
    /// Serialised at once for the stdio transport's writer, each diagnostic once while it
    /// stays the same ([`super::publisher::Publisher`]).
    Serialised(super::publisher::Publisher),
}

fn serve_with(connection: &Connection, mut how: Publish) -> Result<(), String> {
    let Some((id, params)) = wait_for_initialize(connection)? else {
        return Ok(());
    };
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref());
    let encoding = Encoding::negotiate(offered);
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "elpc".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    send(connection, Message::Response(Response::new_ok(id, result)));

    let mut session = Session::new(encoding);
    let mut shut_down = false;
    loop {
        let message = if session.has_pending() {
            match connection.receiver.recv_timeout(DEBOUNCE) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    publish(
                        connection,
                        guarded("re-check", || session.flush()),
                        &mut how,
                    );
                    session.free_retired(); // after publishing: not on the edit's latency
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        } else {
            match connection.receiver.recv() {
                Ok(m) => m,
                Err(_) => return Ok(()),
            }
        };
        match message {
            Message::Request(request) => {
                if let Some(response) = lifecycle(&request, &mut shut_down) {
                    send(connection, Message::Response(response));
                    continue;
                }
                // Answer from fresh analyses: check pending edits first.
                if session.has_pending() {
                    publish(
                        connection,
                        guarded("re-check", || session.flush()),
                        &mut how,
                    );
                }
                let mut notices = Vec::new();
                let response = respond(&mut session, request, &mut notices);
                send(connection, Message::Response(response));
                for n in notices {
                    send(connection, Message::Notification(n));
                }
            }
            Message::Notification(n) if n.method == note::Exit::METHOD => {
                return match shut_down {
                    true => Ok(()),
                    false => Err("exit without shutdown".to_string()),
                };
            }
            Message::Notification(_) if shut_down => {}
            Message::Notification(n) => {
                let method = n.method.clone();
                let closed = guarded(&method, || notify(&mut session, n));
                publish(connection, closed, &mut how);
            }
            Message::Response(_) => {}
        }
    }
}

/// The answer to `shutdown`, to a second `initialize` and to anything after `shutdown`; `None`
/// for the requests the session handles.
fn lifecycle(request: &Request, shut_down: &mut bool) -> Option<Response> {
    let refuse = |message: &str| {
        Some(Response::new_err(
            request.id.clone(),
            ErrorCode::InvalidRequest as i32,
            message.to_string(),
        ))
    };
    if *shut_down {
        return refuse("elpc: the server is shutting down; only `exit` is accepted now");
    }
    match request.method.as_str() {
        req::Shutdown::METHOD => {
            *shut_down = true;
            Some(Response::new_ok(request.id.clone(), Json::Null))
        }
        req::Initialize::METHOD => refuse("elpc: the server is already initialized"),
        _ => None,
    }
}

fn send(connection: &Connection, message: Message) {
    if connection.sender.send(message).is_err() {
        eprintln!("elpc lsp: the client is gone");
    }
}

fn publish(
    connection: &Connection,
    params: Vec<lsp_types::PublishDiagnosticsParams>,
    how: &mut Publish,
) {
    let method = note::PublishDiagnostics::METHOD;
    for p in params {
        let message = match how {
            Publish::AsValue => Message::Notification(Notification::new(method.to_string(), p)),
            Publish::Serialised(publisher) => publisher.notification(p),
        };
        send(connection, message);
    }
    if let Publish::Serialised(publisher) = how {
        publisher.free_retired();
    }
}

/// Runs `f`; a panic is logged on standard error and gives the default value.
fn guarded<T: Default>(what: &str, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        eprintln!("elpc lsp: internal error while handling {what}; the server keeps running");
        T::default()
    })
}

fn notify(session: &mut Session, n: Notification) -> Vec<lsp_types::PublishDiagnosticsParams> {
    match n.method.as_str() {
        note::DidOpenTextDocument::METHOD => {
            if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
            {
                let doc = p.text_document;
                session.did_open(doc.uri, doc.text, doc.version);
            }
        }
        note::DidChangeTextDocument::METHOD => {
            if let Ok(p) =
                serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
            {
                let doc = p.text_document;
                session.did_change(&doc.uri, doc.version, p.content_changes);
            }
        }
        note::DidCloseTextDocument::METHOD => {
            if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
            {
                return session.did_close(&p.text_document.uri);
            }
        }
        note::DidChangeWatchedFiles::METHOD => {
            if let Ok(p) =
                serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(n.params)
            {
                let uris: Vec<_> = p.changes.into_iter().map(|c| c.uri).collect();
                session.disk_changed(&uris);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Answers a request; a panic becomes an `InternalError` response.
fn respond(session: &mut Session, request: Request, notices: &mut Vec<Notification>) -> Response {
    let id = request.id.clone();
    let method = request.method.clone();
    let outcome = catch_unwind(AssertUnwindSafe(|| handle(session, request, notices)));
    match outcome {
        Ok(Ok(value)) => Response::new_ok(id, value),
        Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
        Err(_) => {
            eprintln!("elpc lsp: internal error while handling {method}; the server keeps running");
            Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("elpc: internal error while handling {method}"),
            )
        }
    }
}

type Handled = Result<Json, (ErrorCode, String)>;

fn params<P: serde::de::DeserializeOwned>(value: Json) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(value).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn json(value: impl serde::Serialize) -> Handled {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn handle(session: &mut Session, request: Request, notices: &mut Vec<Notification>) -> Handled {
    match request.method.as_str() {
        req::HoverRequest::METHOD => {
            let p: lsp_types::HoverParams = params(request.params)?;
            let at = p.text_document_position_params;
            json(session.hover(&at.text_document.uri, at.position))
        }
        req::GotoDefinition::METHOD => {
            let p: lsp_types::GotoDefinitionParams = params(request.params)?;
            let at = p.text_document_position_params;
            json(session.definition(&at.text_document.uri, at.position))
        }
        req::References::METHOD => {
            let p: lsp_types::ReferenceParams = params(request.params)?;
            let at = p.text_document_position;
            json(session.references(
                &at.text_document.uri,
                at.position,
                p.context.include_declaration,
            ))
        }
        req::Completion::METHOD => {
            let p: lsp_types::CompletionParams = params(request.params)?;
            let at = p.text_document_position;
            json(session.completion(&at.text_document.uri, at.position))
        }
        req::CodeActionRequest::METHOD => {
            let p: lsp_types::CodeActionParams = params(request.params)?;
            json(session.code_actions(&p.text_document.uri, p.range, &p.context.diagnostics))
        }
        req::Formatting::METHOD => {
            let p: lsp_types::DocumentFormattingParams = params(request.params)?;
            match session.formatting(&p.text_document.uri) {
                Ok(edits) => json(edits),
                Err(why) => {
                    // Say why nothing changed, but answer normally: format-on-save must not
                    // turn into an error popup on every save.
                    notices.push(Notification::new(
                        note::ShowMessage::METHOD.to_string(),
                        ShowMessageParams {
                            typ: MessageType::WARNING,
                            message: why,
                        },
                    ));
                    json(Vec::<lsp_types::TextEdit>::new())
                }
            }
        }
        "elpc/debugPanic" if std::env::var_os(PANIC_REQUEST_ENV).is_some() => {
            panic!("elpc/debugPanic was requested")
        }
        _ => Err((
            ErrorCode::MethodNotFound,
            format!("elpc does not handle {}", request.method),
        )),
    }
}
