//! Fuzzes the policy parser: any UTF-8 text must parse or become diagnostics, never panic.
#![no_main]

use elpc::diagnostic::Diagnostics;
use elpc::FileId;
use elpc::syntax::policy::parse_policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut diags = Diagnostics::new();
    let _ = parse_policy(FileId(0), text, &mut diags);
    for d in diags.iter() {
        assert!(d.primary.span.end as usize <= text.len());
        assert!(text.is_char_boundary(d.primary.span.start as usize));
        assert!(text.is_char_boundary(d.primary.span.end as usize));
    }
});
