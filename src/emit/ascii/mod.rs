//! The serializer behind [`ascii_json`](super::json::ascii_json): JSON written straight into a
//! byte buffer, laid out exactly as `serde_json`'s compact and pretty formatters lay it out,
//! with every non-ASCII character escaped as `\uXXXX`.
//!
//! It exists for speed (issue 13): the output document of a 100,000-line policy is about
//! 40 MB of JSON, and `serde_json`'s writer tests each byte of each string against its escape
//! table, then hands the clean runs to a formatter that tests them again for non-ASCII. Here a
//! string is searched a block of bytes at a time for the few bytes that need escaping and its
//! clean runs are copied at once; single bytes of layout are pushed, not written through
//! `io::Write`. Numbers other than integers are written by `serde_json` itself, so the text is
//! the same byte for byte (a differential test holds it to `serde_json`).

use serde::ser::{self, Serialize};

pub(crate) use direct::{Keys, Open};

use crate::syntax::bytes::{first_flagged, zero_bytes, ONES};

mod direct;
mod key;
mod ser_impl;
#[cfg(test)]
mod tests;

/// Why serialising failed: a map key that is not a string or a number, or an error raised by
/// a `Serialize` implementation.
#[derive(Debug)]
pub(crate) struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

type Result<T = ()> = std::result::Result<T, Error>;

/// The `Serializer` methods for the integers narrower than 128 bits, which widen them to
/// `serialize_i128` / `serialize_u128` (the value serializer and the map-key serializer
/// write integers the same way, one of them in quotes).
macro_rules! widen_integers {
    () => {
        fn serialize_i8(self, v: i8) -> Result {
            self.serialize_i128(v.into())
        }
        fn serialize_i16(self, v: i16) -> Result {
            self.serialize_i128(v.into())
        }
        fn serialize_i32(self, v: i32) -> Result {
            self.serialize_i128(v.into())
        }
        fn serialize_i64(self, v: i64) -> Result {
            self.serialize_i128(v.into())
        }
        fn serialize_u8(self, v: u8) -> Result {
            self.serialize_u128(v.into())
        }
        fn serialize_u16(self, v: u16) -> Result {
            self.serialize_u128(v.into())
        }
        fn serialize_u32(self, v: u32) -> Result {
            self.serialize_u128(v.into())
        }
        fn serialize_u64(self, v: u64) -> Result {
            self.serialize_u128(v.into())
        }
    };
}
use widen_integers;

/// A JSON writer: compact, or pretty with two-space indents as `serde_json::to_string_pretty`.
/// The text collects in `out`, or, with a sink, goes there in blocks of [`Writer::BLOCK`] bytes.
pub(crate) struct Writer<'s> {
    /// The text so far, or since the last block went to the sink (ASCII only).
    pub(crate) out: Vec<u8>,
    sink: Option<&'s mut dyn std::io::Write>,
    /// The first error of the sink (nothing more is written after it).
    pub(crate) failed: Option<std::io::Error>,
    pretty: bool,
    /// Pretty layout: the nesting depth and whether the current container has a member yet
    /// (one flag for all levels, as in `serde_json::ser::PrettyFormatter`).
    indent: usize,
    has_value: bool,
}

impl<'s> Writer<'s> {
    /// How much text a writer with a sink holds before passing it on.
    const BLOCK: usize = 64 * 1024;

    /// A writer with room for `capacity` bytes.
    pub(crate) fn new(pretty: bool, capacity: usize) -> Writer<'static> {
        Writer {
            out: Vec::with_capacity(capacity),
            sink: None,
            failed: None,
            pretty,
            indent: 0,
            has_value: false,
        }
    }

    /// A writer that passes its text to `sink` as it goes ([`Writer::finish`] writes the rest).
    pub(crate) fn to_sink(pretty: bool, sink: &'s mut dyn std::io::Write) -> Writer<'s> {
        Writer {
            out: Vec::with_capacity(Self::BLOCK + 1024),
            sink: Some(sink),
            ..Writer::new(pretty, 0)
        }
    }

    /// Passes the text so far to the sink, once there is a block of it (or `all`).
    fn pass_on(&mut self, all: bool) {
        if self.out.len() < Self::BLOCK && !all {
            return;
        }
        if let Some(sink) = &mut self.sink {
            if let Err(e) = sink.write_all(&self.out) {
                self.failed = Some(e);
                self.sink = None;
            }
            self.out.clear();
        } else if self.failed.is_some() {
            self.out.clear();
        }
    }

    /// The text of a writer without a sink, kept exactly (without the spare room its doubling
    /// left: a kept text can be a whole policy).
    pub(crate) fn into_text(self) -> String {
        let mut out = self.out;
        out.shrink_to_fit();
        // Only ASCII was written: every other character went out as `\u` escapes.
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes the rest of the text to the sink and flushes it.
    pub(crate) fn finish(mut self) -> std::io::Result<()> {
        self.pass_on(true);
        if let Some(sink) = &mut self.sink {
            sink.flush()?;
        }
        self.failed.map_or(Ok(()), Err)
    }

    fn newline_indent(&mut self) {
        // A line break and the indent of the usual depths as one copy.
        const LINE: &[u8; 33] = b"\n                                ";
        let n = self.indent * 2;
        if n < LINE.len() {
            // The whole constant line copied (a few vector moves, no call to `memcpy` for a
            // length known only here), then cut to this depth.
            let end = self.out.len() + 1 + n;
            self.out.extend_from_slice(LINE);
            self.out.truncate(end);
        } else {
            self.out.push(b'\n');
            self.out.resize(self.out.len() + n, b' ');
        }
    }

    fn begin(&mut self, open: u8) {
        self.indent += 1;
        self.has_value = false;
        self.out.push(open);
    }

    fn end(&mut self, close: u8) {
        self.indent -= 1;
        if self.pretty && self.has_value {
            self.newline_indent();
        }
        self.out.push(close);
        self.pass_on(false);
    }

    fn member(&mut self, first: bool) {
        if !first {
            self.out.push(b',');
        }
        if self.pretty {
            self.newline_indent();
        }
    }

    fn colon(&mut self) {
        if self.pretty {
            self.out.extend_from_slice(b": ");
        } else {
            self.out.push(b':');
        }
    }

    /// A quoted, escaped string: control characters, `"` and `\` as `serde_json` escapes them,
    /// every other non-ASCII character as `\uXXXX` (a surrogate pair past U+FFFF).
    pub(crate) fn string(&mut self, text: &str) {
        let bytes = text.as_bytes();
        self.out.reserve(bytes.len() + 2);
        self.out.push(b'"');
        if is_clean(bytes) {
            // Nearly every string: one copy, no search for the next byte to escape.
            self.out.extend_from_slice(bytes);
        } else {
            self.string_contents(text);
        }
        self.out.push(b'"');
        self.pass_on(false);
    }

    fn string_contents(&mut self, text: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let bytes = text.as_bytes();
        let mut at = 0;
        loop {
            let p = clean_run(&bytes[at..]);
            self.out.extend_from_slice(&bytes[at..at + p]);
            at += p;
            let Some(&b) = bytes.get(at) else {
                return;
            };
            if b >= 0x80 {
                let c = text[at..].chars().next().unwrap_or('\u{fffd}');
                let mut units = [0u16; 2];
                for &unit in c.encode_utf16(&mut units).iter() {
                    self.out.extend_from_slice(b"\\u");
                    for shift in [12, 8, 4, 0] {
                        self.out.push(HEX[usize::from((unit >> shift) as u8 & 0xF)]);
                    }
                }
                at += c.len_utf8();
                continue;
            }
            let short = match b {
                b'"' => b'"',
                b'\\' => b'\\',
                0x08 => b'b',
                0x0C => b'f',
                b'\n' => b'n',
                b'\r' => b'r',
                b'\t' => b't',
                _ => 0,
            };
            if short != 0 {
                self.out.extend_from_slice(&[b'\\', short]);
            } else {
                self.out.extend_from_slice(b"\\u00");
                self.out.push(HEX[usize::from(b >> 4)]);
                self.out.push(HEX[usize::from(b & 0xF)]);
            }
            at += 1;
        }
    }

    /// A small integer (a line or column): its digits as one fixed-size copy cut to their
    /// length, without the 128-bit steps or a call to `memcpy`.
    pub(crate) fn small(&mut self, value: u32) {
        let mut buf = [0u8; 20];
        let mut i = 10;
        let mut v = value;
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        let end = self.out.len() + (10 - i);
        if let Some(digits) = buf.get(i..i + 10) {
            self.out.extend_from_slice(digits);
        }
        self.out.truncate(end);
    }

    fn integer(&mut self, negative: bool, magnitude: u128) {
        let mut buf = [0u8; 40];
        let mut i = buf.len();
        // 128-bit division only for the digits past a u64 (the rarest numbers).
        let mut large = magnitude;
        while large > u128::from(u64::MAX) {
            i -= 1;
            buf[i] = b'0' + (large % 10) as u8;
            large /= 10;
        }
        let mut small = large as u64;
        loop {
            i -= 1;
            buf[i] = b'0' + (small % 10) as u8;
            small /= 10;
            if small == 0 {
                break;
            }
        }
        if negative {
            i -= 1;
            buf[i] = b'-';
        }
        self.out.extend_from_slice(&buf[i..]);
    }

    /// A float exactly as `serde_json` writes it (`null` when not finite).
    fn float<T: Serialize>(&mut self, value: &T) -> Result {
        serde_json::to_writer(&mut self.out, value).map_err(|e| Error(e.to_string()))
    }
}

/// Whether no byte of `bytes` needs an escape: a fold without early exit, which the compiler
/// vectorizes (a string of the output is short, and nearly always clean, so one pass over all
/// of it costs less than searching it word by word with a padded last word).
#[inline]
fn is_clean(bytes: &[u8]) -> bool {
    let n = bytes.len();
    let word = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]));
    let half = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap_or([0; 4]));
    // Short strings (keys, names, numbers as text) as one or two overlapping words; a word
    // made of a half word twice holds the same bytes, so no padding is needed.
    let twice = |h: u32| u64::from(h) | (u64::from(h) << 32);
    match n {
        0 => true,
        1..=3 => {
            let b = [bytes[0], bytes[n / 2], bytes[n - 1], bytes[0]];
            special_bytes(twice(u32::from_le_bytes(b))) == 0
        }
        4..=7 => special_bytes(twice(half(0))) == 0 && special_bytes(twice(half(n - 4))) == 0,
        8..=16 => special_bytes(word(0)) == 0 && special_bytes(word(n - 8)) == 0,
        _ => {
            // The whole blocks of 16 bytes in one folded pass, then the last 16 bytes as two words
            // (overlapping the blocks: no byte loop for the tail).
            let special = |b: u8| b < 0x20 || b == b'"' || b == b'\\' || b >= 0x80;
            let dirty = bytes[..n & !15]
                .iter()
                .fold(false, |seen, &b| seen | special(b));
            !dirty && special_bytes(word(n - 16)) == 0 && special_bytes(word(n - 8)) == 0
        }
    }
}

/// The length of the run at the start of `bytes` that needs no escape (no control character,
/// `"`, `\\` or non-ASCII byte), tested eight bytes at a time, the last few too (copied into a
/// word padded with spaces). The lowest flag of [`special_bytes`] is exact, so the first
/// special byte is found without a byte loop.
fn clean_run(bytes: &[u8]) -> usize {
    first_flagged(bytes, b' ', special_bytes).unwrap_or(bytes.len())
}

/// The high bit of each byte of `w` that needs an escape set: below 0x20, `"`, `\\`, or 0x80
/// and up. Bytes above the lowest flagged one may be flagged wrongly (a borrow), never below.
fn special_bytes(w: u64) -> u64 {
    let control = w.wrapping_sub(ONES * 0x20) & !w;
    let quote = zero_bytes(w ^ (ONES * u64::from(b'"')));
    let backslash = zero_bytes(w ^ (ONES * u64::from(b'\\')));
    (w | control | quote | backslash) & (ONES << 7)
}
