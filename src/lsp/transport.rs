//! The stdio transport of the language server, in place of `lsp-server`'s (which ends the
//! process on the first bad frame and allocates whatever `Content-Length` says).
//!
//! A reader thread cuts standard input into frames ([`super::framing`]) and decodes each into an
//! `lsp_server::Message` for the message loop; what cannot be decoded is answered right there
//! with a JSON-RPC error (-32700 parse error, -32600 invalid request, `id` null when unknown) and
//! reading goes on. A writer thread frames everything sent to standard output, from the message
//! loop and from the reader.

use std::io::Write;
use std::thread::JoinHandle;

use crossbeam_channel::{select, unbounded, Receiver, Sender};
use lsp_server::{Connection, Message, Notification};
use serde_json::{json, Value as Json};

use super::framing::{Frame, FrameReader};

/// JSON-RPC: the message is not JSON.
pub const PARSE_ERROR: i32 = -32700;
/// JSON-RPC: JSON, but not a request, response or notification.
pub const INVALID_REQUEST: i32 = -32600;

/// The method of a notification that carries a whole message already serialised (its params
/// are that text as a JSON string): the writer thread writes the text as it is. See
/// [`serialised_notification`].
pub const SERIALISED: &str = "$/elpc/serialised";

/// A notification serialised at once, for this transport's writer (which writes it in order
/// with the other messages): the same text `lsp_server` writes for
/// `Notification::new(method, params)`, without building a `serde_json::Value` of `params`
/// first. For a 10,000-line policy's 2,700 diagnostics that value took 7.5 ms of the 10 ms
/// spent serialising (issue 13's re-check budget is 16 ms).
pub fn serialised_notification(method: &str, params: &impl serde::Serialize) -> Message {
    let method = Json::String(method.to_string());
    let params = serde_json::to_string(params).unwrap_or_else(|_| "null".to_string());
    serialised_text(format!(
        "{{\"jsonrpc\":\"2.0\",\"method\":{method},\"params\":{params}}}"
    ))
}

/// A whole message's text, for this transport's writer to write as it is.
pub(crate) fn serialised_text(text: String) -> Message {
    Message::Notification(Notification {
        method: SERIALISED.to_string(),
        params: Json::String(text),
    })
}

/// Writes one message with its header.
pub(crate) fn write_message(out: &mut impl Write, message: Message) {
    match message {
        Message::Notification(Notification {
            method,
            params: Json::String(text),
        }) if method == SERIALISED => {
            let _ = write!(out, "Content-Length: {}\r\n\r\n{text}", text.len());
            let _ = out.flush();
        }
        message => {
            let _ = message.write(out);
        }
    }
}

/// The writer thread; join it to flush what was sent before exiting.
pub struct IoThreads {
    writer: JoinHandle<()>,
}

impl IoThreads {
    /// Waits until everything sent has been written.
    pub fn join(self) -> Result<(), String> {
        self.writer
            .join()
            .map_err(|_| "the writer thread panicked".to_string())
    }
}

/// A connection over standard input and output. The reader thread is not joined: it may be
/// blocked on standard input when the loop ends, and ends with the process.
pub fn stdio() -> (Connection, IoThreads) {
    let (to_loop, from_reader) = unbounded::<Message>();
    let (to_writer, from_loop) = unbounded::<Message>();
    let (errors, from_errors) = unbounded::<Json>();
    std::thread::Builder::new()
        .name("elpc-lsp-reader".into())
        .spawn(move || read_loop(std::io::stdin().lock(), &to_loop, &errors))
        .expect("the reader thread starts");
    let writer = std::thread::Builder::new()
        .name("elpc-lsp-writer".into())
        .spawn(move || write_loop(&mut std::io::stdout().lock(), &from_loop, &from_errors))
        .expect("the writer thread starts");
    let connection = Connection {
        sender: to_writer,
        receiver: from_reader,
    };
    (connection, IoThreads { writer })
}

/// Decodes frames until the input ends or `exit` arrives.
fn read_loop(input: impl std::io::Read, messages: &Sender<Message>, errors: &Sender<Json>) {
    let mut frames = FrameReader::new(input);
    // Bytes right after a broken message belong to it: they are not reported again.
    let mut after_broken = false;
    while let Some(frame) = frames.next_frame() {
        let outcome = match frame {
            Frame::Garbage(_) if after_broken => Ok(None),
            Frame::Garbage(0) => Ok(None),
            Frame::Garbage(n) => Err(error(
                PARSE_ERROR,
                format!("skipped {n} bytes that were not a message (no Content-Length header)"),
                Json::Null,
            )),
            Frame::Broken(why) => Err(error(PARSE_ERROR, why, Json::Null)),
            Frame::Body(body) => decode(&body).map(Some),
        };
        after_broken = outcome.is_err();
        match outcome {
            Ok(Some(message)) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if messages.send(message).is_err() || exit {
                    return;
                }
            }
            Ok(None) => {}
            Err(reply) => {
                eprintln!("elpc lsp: {}", reply["error"]["message"]);
                let _ = errors.send(reply);
            }
        }
    }
}

/// A message from a body, or the error response that answers it.
pub fn decode(body: &[u8]) -> Result<Message, Json> {
    let value: Json = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(first) => repair_lone_surrogates(body)
            .and_then(|fixed| serde_json::from_slice(&fixed).ok())
            .ok_or_else(|| {
                error(
                    PARSE_ERROR,
                    format!("the message is not JSON: {first}"),
                    Json::Null,
                )
            })?,
    };
    if value.is_array() {
        return Err(error(
            INVALID_REQUEST,
            "JSON-RPC batches are not part of the Language Server Protocol; send one message per frame"
                .to_string(),
            Json::Null,
        ));
    }
    let id = value
        .get("id")
        .filter(|id| id.is_number() || id.is_string())
        .cloned()
        .unwrap_or(Json::Null);
    let has_id = value.get("id").is_some_and(|id| !id.is_null());
    match serde_json::from_value::<Message>(value) {
        // A request whose id `lsp-server` cannot hold (a float, a number past 32 bits, an
        // object) parses as a notification: answer it rather than leave the client waiting.
        Ok(Message::Notification(_)) if has_id => Err(error(
            INVALID_REQUEST,
            "a request id must be a 32-bit integer or a string".to_string(),
            id,
        )),
        Ok(message) => Ok(message),
        Err(e) => Err(error(
            INVALID_REQUEST,
            format!("not a JSON-RPC request, response or notification: {e}"),
            id,
        )),
    }
}

/// A JSON-RPC error response.
fn error(code: i32, message: String, id: Json) -> Json {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// `body` with every `\uD800`–`\uDFFF` escape that is not half of a pair replaced by `\uFFFD`
/// (one UTF-16 unit for one, so positions the editor sends later still line up); `None` when
/// there is none. serde_json refuses such escapes, which editors send for a lone surrogate in
/// a document.
fn repair_lone_surrogates(body: &[u8]) -> Option<Vec<u8>> {
    let hex = |at: usize| -> Option<u32> {
        let digits = body.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let escape_at =
        |at: usize| -> Option<u32> { (body.get(at..at + 2) == Some(b"\\u")).then(|| hex(at + 2))? };
    let mut out = Vec::with_capacity(body.len());
    let mut changed = false;
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        match escape_at(i) {
            Some(0xD800..=0xDBFF)
                if escape_at(i + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) =>
            {
                out.extend_from_slice(&body[i..i + 12]);
                i += 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.extend_from_slice(b"\\ufffd");
                changed = true;
                i += 6;
            }
            _ => {
                // Any other escape: copy it whole, so `\\u…` (an escaped backslash) is not taken
                // for a `\u` escape.
                let len = if escape_at(i).is_some() { 6 } else { 2 };
                out.extend_from_slice(&body[i..(i + len).min(body.len())]);
                i += len;
            }
        }
    }
    changed.then_some(out)
}

/// Writes messages from the loop and error replies from the reader until the loop hangs up.
fn write_loop(out: &mut impl Write, messages: &Receiver<Message>, errors: &Receiver<Json>) {
    let write_raw = |out: &mut dyn Write, reply: &Json| {
        let body = reply.to_string();
        let _ = write!(out, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = out.flush();
    };
    loop {
        select! {
            recv(messages) -> message => match message {
                Ok(message) => write_message(out, message),
                Err(_) => return,
            },
            recv(errors) -> reply => match reply {
                Ok(reply) => write_raw(out, &reply),
                Err(_) => {
                    // The reader is done; the loop may still be answering.
                    for message in messages {
                        write_message(out, message);
                    }
                    return;
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: &str) -> i64 {
        decode(body.as_bytes()).expect_err("refused")["error"]["code"]
            .as_i64()
            .unwrap()
    }

    #[test]
    fn bad_bodies_get_their_json_rpc_error() {
        assert_eq!(code("{\"jsonrpc\": "), -32700);
        assert_eq!(
            code("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\"}]"),
            -32600
        );
        assert_eq!(
            code("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}"),
            -32600
        );
        let big_id = decode(b"{\"jsonrpc\":\"2.0\",\"id\":1099511627776,\"method\":\"x\"}");
        assert_eq!(big_id.unwrap_err()["id"], 1099511627776u64);
        assert_eq!(code("17"), -32600);
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let body =
            r#"{"jsonrpc":"2.0","method":"m","params":{"t":"a\udcffb\ud83d\ude00\\udcff\ud800"}}"#;
        let Message::Notification(n) = decode(body.as_bytes()).unwrap() else {
            panic!("a notification");
        };
        assert_eq!(n.params["t"], "a\u{fffd}b😀\\udcff\u{fffd}");
    }
}
