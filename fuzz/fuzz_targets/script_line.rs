//! Fuzzes the script-line tokenizer: words or a syntax error with a range inside the line.
#![no_main]

use elpc::syntax::script::tokenize;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    match tokenize(line) {
        Ok(tokens) => {
            for w in &tokens.words {
                assert!(w.range.start <= w.range.end && w.range.end <= line.len());
            }
        }
        Err(e) => assert!(e.range.start <= e.range.end && e.range.end <= line.len()),
    }
});
