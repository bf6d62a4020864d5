//! A hint to the processor that some memory will be read soon.
//!
//! After a policy of 100,000 lines has run, its records are some 150 MB: each later pass over
//! them (the rules, the output) reads every line's words and text from main memory, and the
//! processor cannot guess where those are (each is behind a pointer). Asking for the lines a
//! few places ahead keeps those reads off the critical path (`benches/README.md`, fifth pass).

/// Asks for the cache line at `p` to be loaded. Never reads `p` itself: any address is fine,
/// dangling or null, and on targets without a prefetch instruction this does nothing.
#[inline(always)]
pub(crate) fn prefetch<T: ?Sized>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` is a hint: it does not fault and has no architectural effect,
    // whatever the address; SSE, which it needs, is part of every x86_64 target.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
