//! Fuzzes the cost of the grammars (issue 13): with pest's call counter limited to a fixed
//! number of rule calls per input byte, `compile` must give exactly the findings it gives
//! without the limit. A grammar that backtracks exponentially or quadratically on some input
//! hits the limit there, a parse turns into an error, and the findings differ: a
//! deterministic work counter, where a time limit would flake on a loaded machine. (An input
//! that is exponential without the limit also trips libFuzzer's `-timeout`.)
#![no_main]

use std::num::NonZeroUsize;

use elpc::{compile, Input, Options};
use libfuzzer_sys::fuzz_target;

/// Rule calls allowed per input byte, plus a fixed allowance for tiny inputs.
const CALLS_PER_BYTE: usize = 400;

fuzz_target!(|data: &[u8]| {
    let (policy, env) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"NODE_TYPE=operator\n"[..]),
    };
    let inputs = || {
        (
            Input {
                name: "fuzz.policy".into(),
                bytes: policy.to_vec(),
            },
            [Input {
                name: "fuzz.env".into(),
                bytes: env.to_vec(),
            }],
        )
    };
    let (p, e) = inputs();
    pest::set_call_limit(NonZeroUsize::new(CALLS_PER_BYTE * data.len() + 10_000));
    let limited = compile(&p, &e, &Options::default());
    pest::set_call_limit(None);
    let unlimited = compile(&p, &e, &Options::default());
    assert_eq!(
        limited.diagnostics, unlimited.diagnostics,
        "the grammars needed more than {CALLS_PER_BYTE} rule calls per byte"
    );
});
