//! Fuzzes the whole pipeline: the input is split at the first NUL byte into a policy and an env
//! file; `compile` must return, with every diagnostic span inside its file.
#![no_main]

use elpc::{compile, Input, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (policy, env) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\n"[..]),
    };
    let policy = Input {
        name: "fuzz.policy".into(),
        bytes: policy.to_vec(),
    };
    let env = [Input {
        name: "fuzz.env".into(),
        bytes: env.to_vec(),
    }];
    let c = compile(&policy, &env, &Options::default());
    for d in &c.diagnostics {
        for span in std::iter::once(d.primary.span).chain(d.secondary.iter().map(|l| l.span)) {
            let text = c
                .sources
                .iter()
                .find(|(id, _)| *id == span.file)
                .map(|(_, f)| f.text())
                .expect("span in a known file");
            assert!(span.start <= span.end && span.end as usize <= text.len());
            assert!(text.is_char_boundary(span.start as usize));
            assert!(text.is_char_boundary(span.end as usize));
        }
    }
});
