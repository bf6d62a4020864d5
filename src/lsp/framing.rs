//! Cutting the client's byte stream into messages, whatever it sends: `Content-Length` framed
//! bodies come out whole, and everything else — garbage, a missing or non-numeric length, a
//! length that is too short or too long, a length of gigabytes — comes out as a [`Frame`] the
//! transport answers with an error, after which reading goes on at the next header.
//!
//! A body is never allocated from its declared length: it grows as bytes arrive, and one past
//! [`MAX_MESSAGE_BYTES`] is skipped without being stored. Resynchronising relies on a fact of
//! JSON: a raw line break cannot occur inside a string, so `Content-Length: <digits>` followed
//! by a line break inside a body can only be the next message's header (the declared length was
//! too long); reading stops there instead of waiting for bytes that never come.

use std::io::{ErrorKind, Read};

use crate::compile::MAX_ENV_BYTES;

/// Largest message body accepted: an env file at its size limit, JSON-escaped, fits.
pub const MAX_MESSAGE_BYTES: u64 = 2 * MAX_ENV_BYTES as u64;
/// Longest header block (all header lines of one message).
const MAX_HEADER_BYTES: usize = 8 * 1024;
/// How much is read at a time.
const CHUNK: usize = 64 * 1024;
/// The header name, lower case (header names are case-insensitive).
const TOKEN: &[u8] = b"content-length:";
/// Longest `Content-Length: <digits>\r\n` looked for across two reads.
const MARKER_SPAN: usize = 64;

/// One unit of the input stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// The body of a well-framed message (not yet known to be JSON).
    Body(Vec<u8>),
    /// A framing error, described; the bytes it spoiled were dropped.
    Broken(String),
    /// This many bytes that were not whitespace came before the next `Content-Length` header.
    Garbage(usize),
}

/// Reads [`Frame`]s from a byte stream.
pub struct FrameReader<R> {
    input: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// Bytes of an oversized body still to drop.
    skip: u64,
}

impl<R: Read> FrameReader<R> {
    /// A reader of `input`.
    pub fn new(input: R) -> FrameReader<R> {
        FrameReader {
            input,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            skip: 0,
        }
    }

    /// The next frame; `None` at the end of the input.
    pub fn next_frame(&mut self) -> Option<Frame> {
        if self.skip > 0 {
            let n = self.skip;
            self.skip = 0;
            self.take(n, false)?;
        }
        let garbage = self.seek_header()?;
        if garbage > 0 {
            return Some(Frame::Garbage(garbage));
        }
        let length = match self.header_block()? {
            Ok(length) => length,
            Err(why) => return Some(Frame::Broken(why)),
        };
        if length > MAX_MESSAGE_BYTES {
            self.skip = length;
            return Some(Frame::Broken(format!(
                "a message of {length} bytes is larger than the {} MiB elpc accepts; it is skipped",
                MAX_MESSAGE_BYTES >> 20
            )));
        }
        self.take(length, true)
    }

    fn available(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Reads more input; false at the end (a read error counts as the end).
    fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        loop {
            match self.input.read(&mut self.buf[old..]) {
                Ok(n) => {
                    self.buf.truncate(old + n);
                    self.eof = n == 0;
                    return n > 0;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => {
                    self.buf.truncate(old);
                    self.eof = true;
                    return false;
                }
            }
        }
    }

    /// Moves to the next `Content-Length` header; the number of non-blank bytes passed over.
    fn seek_header(&mut self) -> Option<usize> {
        let mut garbage = 0;
        loop {
            if let Some(i) = find_token(self.available()) {
                garbage += non_blank(&self.available()[..i]);
                self.pos += i;
                return Some(garbage);
            }
            // Keep what could be the start of the token.
            let pass = self.available().len().saturating_sub(TOKEN.len() - 1);
            garbage += non_blank(&self.available()[..pass]);
            self.pos += pass;
            if !self.fill() {
                return None;
            }
        }
    }

    /// Reads the header block at the current position: the declared length, or why there is
    /// none. Leaves the position at the body.
    fn header_block(&mut self) -> Option<Result<u64, String>> {
        let end = loop {
            if let Some(end) = blank_line_end(self.available()) {
                break end;
            }
            if self.available().len() > MAX_HEADER_BYTES {
                self.pos += TOKEN.len();
                return Some(Err("a header block without its end".to_string()));
            }
            if !self.fill() {
                return None;
            }
        };
        let mut length = Err("a Content-Length that is not a number".to_string());
        for line in self.available()[..end].split(|&b| b == b'\n') {
            let line = trim(line);
            if line.len() >= TOKEN.len() && line[..TOKEN.len()].eq_ignore_ascii_case(TOKEN) {
                let value = trim(&line[TOKEN.len()..]);
                length = parse_length(value).ok_or_else(|| {
                    format!(
                        "Content-Length `{}` is not a number",
                        String::from_utf8_lossy(&value[..value.len().min(40)])
                    )
                });
            }
        }
        self.pos += end;
        Some(length)
    }

    /// Takes a body of `length` bytes (keeping it when `keep`), stopping early at a header that
    /// shows the declared length was too long.
    fn take(&mut self, length: u64, keep: bool) -> Option<Frame> {
        let mut body = Vec::new();
        let mut tail: Vec<u8> = Vec::new();
        let mut left = length;
        while left > 0 {
            if self.available().is_empty() && !self.fill() {
                return None;
            }
            let n = (left.min(self.available().len() as u64)) as usize;
            let mut window = std::mem::take(&mut tail);
            let carried = window.len();
            window.extend_from_slice(&self.available()[..n]);
            if let Some(at) = find_marker(&window) {
                // The next message starts at `at`: give back what was taken of it.
                if at >= carried {
                    self.consume(at - carried, keep, &mut body);
                } else {
                    let back = window[at..carried].to_vec();
                    self.buf.splice(self.pos..self.pos, back);
                    if keep {
                        body.truncate(body.len() - (carried - at));
                    }
                }
                return Some(Frame::Broken(
                    "a message shorter than its Content-Length".to_string(),
                ));
            }
            self.consume(n, keep, &mut body);
            left -= n as u64;
            tail = window[window.len().saturating_sub(MARKER_SPAN)..].to_vec();
        }
        Some(if keep {
            Frame::Body(body)
        } else {
            Frame::Garbage(0)
        })
    }

    fn consume(&mut self, n: usize, keep: bool, body: &mut Vec<u8>) {
        if keep {
            body.extend_from_slice(&self.available()[..n]);
        }
        self.pos += n;
    }
}

/// Where `Content-Length:` (any case) starts in `bytes`.
fn find_token(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(TOKEN.len())
        .position(|w| w.eq_ignore_ascii_case(TOKEN))
}

/// Where a complete `Content-Length: <digits>` header line starts in `bytes`.
fn find_marker(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = find_token(&bytes[from..]) {
        let at = from + i;
        let rest = &bytes[at + TOKEN.len()..];
        let spaces = rest
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let digits = rest[spaces..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let after = &rest[spaces + digits..];
        if digits > 0 && (after.starts_with(b"\r\n") || after.starts_with(b"\n")) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The offset just past the blank line that ends a header block.
fn blank_line_end(bytes: &[u8]) -> Option<usize> {
    let mut line_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            if trim(&bytes[line_start..i]).is_empty() && line_start > 0 {
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &bytes[start..end]
}

fn non_blank(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| !b.is_ascii_whitespace()).count()
}

fn parse_length(value: &[u8]) -> Option<u64> {
    if value.is_empty() || value.len() > 19 || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames of `input`, fed one byte at a time when `trickle`.
    fn frames(input: &[u8], trickle: bool) -> Vec<Frame> {
        struct Trickle<'a>(&'a [u8], bool);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = if self.1 { 1 } else { out.len() }.min(self.0.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = FrameReader::new(Trickle(input, trickle));
        std::iter::from_fn(|| r.next_frame()).collect()
    }

    fn msg(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn body(s: &str) -> Frame {
        Frame::Body(s.as_bytes().to_vec())
    }

    #[test]
    fn well_framed_messages_and_header_spellings() {
        let input = format!(
            "{}content-length:2\ncontent-type: x\n\n[]{}",
            msg("{}"),
            msg("{\"a\":1}")
        );
        for trickle in [false, true] {
            assert_eq!(
                frames(input.as_bytes(), trickle),
                [body("{}"), body("[]"), body("{\"a\":1}")]
            );
        }
    }

    #[test]
    fn resynchronises_after_every_kind_of_bad_frame() {
        let good = msg("{\"ok\":1}");
        let cases = [
            // Too short: the rest of the body is skipped as part of the broken message.
            "Content-Length: 3\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_string(),
            // Too long: stops at the next header instead of swallowing it.
            "Content-Length: 500\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_string(),
            // Missing header.
            "Content-Type: application/json\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_string(),
            // Not a number, and gigantic.
            "Content-Length: abc\r\n\r\n".to_string(),
            "Content-Length: 99999999999\r\n\r\n{}".to_string(),
            "Content-Length: 3000000000\r\n\r\n{}".to_string(),
        ];
        for case in cases {
            for trickle in [false, true] {
                let input = format!("{case}{good}{good}");
                let got = frames(input.as_bytes(), trickle);
                let tail = [body("{\"ok\":1}"), body("{\"ok\":1}")];
                assert!(got.ends_with(&tail), "{case:?}: {got:?}");
                assert!(
                    got[..got.len() - 2]
                        .iter()
                        .any(|f| !matches!(f, Frame::Body(_))),
                    "{case:?} was not reported: {got:?}"
                );
            }
        }
    }

    #[test]
    fn a_huge_declared_length_allocates_nothing_up_front() {
        let input = format!("Content-Length: 3000000000\r\n\r\n{{}}{}", msg("{}"));
        let mut r = FrameReader::new(input.as_bytes());
        assert!(matches!(r.next_frame(), Some(Frame::Broken(_))));
        assert_eq!(r.next_frame(), Some(body("{}")));
        assert!(r.buf.capacity() < 1 << 20);
        assert_eq!(r.next_frame(), None);
    }
}
