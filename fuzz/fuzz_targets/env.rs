//! Fuzzes the env file parser: every line parses or is reported and skipped, never a panic.
#![no_main]

use elpc::diagnostic::Diagnostics;
use elpc::FileId;
use elpc::syntax::env::parse_env;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut diags = Diagnostics::new();
    let file = parse_env(FileId(0), text, &mut diags);
    for e in &file.entries {
        assert!(e.key_span.end as usize <= text.len());
        assert!(e.value_span.end as usize <= text.len());
    }
    for d in diags.iter() {
        assert!(d.primary.span.end as usize <= text.len());
        assert!(text.is_char_boundary(d.primary.span.start as usize));
        assert!(text.is_char_boundary(d.primary.span.end as usize));
    }
});
