//! elpc for the browser: the core compiled to `wasm32-unknown-unknown` behind a tiny C ABI.
//!
//! No wasm-bindgen: the page's script (`../elpc.js`) passes one UTF-8 JSON request in linear
//! memory and reads one UTF-8 JSON answer back, so the build needs nothing but `rustup target
//! add wasm32-unknown-unknown` and the page needs no generated glue.
//!
//! Request: `{"policy": {"name", "text"}, "env": [{"name", "text"}], "target": "edgelake" |
//! "anylog", "profile": "edgelake" | "plain", "show_secrets": false}`.
//! Answer: the document `elpc compile --format json` prints (policy, resolved, servers,
//! commands, diagnostics), or `{"error": "..."}` when the request itself is malformed.

use serde_json::{json, Value as Json};

/// Compiles the request (JSON text) and returns the answer (JSON text).
pub fn compile_json(request: &str) -> String {
    match answer(request) {
        Ok(doc) => doc.to_string(),
        Err(message) => json!({ "error": message }).to_string(),
    }
}

fn input(value: &Json, what: &str) -> Result<elpc::Input, String> {
    let name = value["name"].as_str().unwrap_or(what);
    let text = value["text"]
        .as_str()
        .ok_or_else(|| format!("{what}: `text` must be a string"))?;
    Ok(elpc::Input::text(name, text))
}

fn answer(request: &str) -> Result<Json, String> {
    let request: Json = serde_json::from_str(request).map_err(|e| format!("request: {e}"))?;
    let policy = input(&request["policy"], "policy")?;
    let env = match &request["env"] {
        Json::Null => Vec::new(),
        Json::Array(files) => files
            .iter()
            .map(|f| input(f, "env"))
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err("request: `env` must be a list".into()),
    };
    let mut options = elpc::Options::default();
    match request["target"].as_str() {
        None | Some("edgelake") => {}
        Some("anylog") => options.target = elpc::Target::AnyLog,
        Some(other) => return Err(format!("request: unknown target `{other}`")),
    }
    match request["profile"].as_str() {
        None | Some("edgelake") => {}
        Some("plain") => options.profile = elpc::Profile::Plain,
        Some(other) => return Err(format!("request: unknown profile `{other}`")),
    }
    options.show_secrets = request["show_secrets"].as_bool().unwrap_or(false);
    let compilation = elpc::compile(&policy, &env, &options);
    Ok(compilation.to_json())
}

/// The answer of the last [`elpc_compile`] call, kept alive until the next one.
static mut ANSWER: Vec<u8> = Vec::new();

/// Reserves `len` bytes for the page to write a request into; returns their address.
#[no_mangle]
pub extern "C" fn elpc_alloc(len: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len.max(1));
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Frees a buffer from [`elpc_alloc`].
///
/// # Safety
/// `ptr` and `len` must be exactly what one `elpc_alloc` call gave and took.
#[no_mangle]
pub unsafe extern "C" fn elpc_free(ptr: *mut u8, len: usize) {
    drop(Vec::from_raw_parts(ptr, 0, len.max(1)));
}

/// Compiles the request at `ptr..ptr+len` (UTF-8 JSON, freed by this call) and returns the
/// address of the answer; [`elpc_answer_len`] gives its length.
///
/// # Safety
/// `ptr` must come from `elpc_alloc(len)` with `len` bytes written.
#[no_mangle]
pub unsafe extern "C" fn elpc_compile(ptr: *mut u8, len: usize) -> *const u8 {
    let bytes = Vec::from_raw_parts(ptr, len, len.max(1));
    let answer = match String::from_utf8(bytes) {
        Ok(request) => compile_json(&request),
        Err(_) => json!({ "error": "request is not UTF-8" }).to_string(),
    };
    let slot = &mut *std::ptr::addr_of_mut!(ANSWER);
    *slot = answer.into_bytes();
    slot.as_ptr()
}

/// The length in bytes of the last answer.
#[no_mangle]
pub extern "C" fn elpc_answer_len() -> usize {
    // SAFETY: the page is single-threaded; nothing else touches ANSWER during this read.
    unsafe { (*std::ptr::addr_of!(ANSWER)).len() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_is_a_diagnostic_and_secrets_stay_hidden() {
        let request = json!({
            "policy": {"name": "node.policy", "text": "{'config': {'script': ['set start = !start_data']}}"},
            "env": [{"name": "base.env", "text": "NODE_TYPE=operator\nSTART_DATE=7\nDB_PASSWD=hunter2\nDB_PASSWD=hunter2\n"}],
        });
        let answer: Json = serde_json::from_str(&compile_json(&request.to_string())).unwrap();
        let diags = answer["diagnostics"].as_array().unwrap();
        let typo = diags
            .iter()
            .find(|d| d["message"].as_str().unwrap().contains("start_data"))
            .expect("the typo is reported");
        assert_eq!(typo["help"], "did you mean `start_date`?");
        assert!(answer["diagnostics"].to_string().contains("DB_PASSWD"));
        assert!(
            !answer["diagnostics"].to_string().contains("hunter2"),
            "{answer}"
        );
    }

    #[test]
    fn a_malformed_request_is_an_error_not_a_panic() {
        let answer: Json = serde_json::from_str(&compile_json("{\"policy\": 3}")).unwrap();
        assert!(answer["error"].as_str().unwrap().contains("text"));
    }
}
