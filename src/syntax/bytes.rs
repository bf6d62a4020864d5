//! Byte searches over large texts (issue 13): the re-check of a 10,000-line policy looks for a
//! few bytes in about a megabyte of strings several times over.

/// The offset of the first byte of `bytes` for which `hit` is true. Tested a block of bytes at
/// a time with a fold without early exit, which the compiler vectorizes (a byte-by-byte search
/// for `!` and `$` was most of listing a policy's secrets on each re-check).
pub(crate) fn position_of(bytes: &[u8], hit: impl Fn(u8) -> bool) -> Option<usize> {
    const BLOCK: usize = 32;
    let mut blocks = bytes.chunks_exact(BLOCK);
    for (i, block) in blocks.by_ref().enumerate() {
        if block.iter().fold(false, |seen, &b| seen | hit(b)) {
            return block.iter().position(|&b| hit(b)).map(|p| i * BLOCK + p);
        }
    }
    let rest = blocks.remainder();
    rest.iter()
        .position(|&b| hit(b))
        .map(|p| bytes.len() - rest.len() + p)
}

/// The offset of the first byte of `bytes` equal to one of `targets`, tested eight bytes at a
/// time (a word holding none of them costs a few operations, not eight comparisons each).
pub(crate) fn find_any(bytes: &[u8], targets: [u8; 3]) -> Option<usize> {
    // The last few bytes are tested in a word padded with a byte that is no target.
    let pad = (0..=3).find(|b| !targets.contains(b)).unwrap_or(0);
    first_flagged(bytes, pad, |w| {
        targets
            .iter()
            .fold(0, |hits, &t| hits | zero_bytes(w ^ (ONES * u64::from(t))))
    })
}

/// The offset of the first byte of `bytes` that `flags` marks, tested eight bytes at a time.
/// `flags` sets the high bit of each marked byte of a little-endian word; flags above the
/// lowest one may be wrong (a borrow), the lowest must be exact. The last few bytes are
/// tested in a word padded with `pad`, which `flags` must not mark.
pub(crate) fn first_flagged(bytes: &[u8], pad: u8, flags: impl Fn(u64) -> u64) -> Option<usize> {
    let mut words = bytes.chunks_exact(8);
    for (i, word) in words.by_ref().enumerate() {
        let w = u64::from_le_bytes([
            word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
        ]);
        let hits = flags(w);
        if hits != 0 {
            return Some(i * 8 + (hits.trailing_zeros() / 8) as usize);
        }
    }
    let rest = words.remainder();
    if rest.is_empty() {
        return None;
    }
    let mut padded = [pad; 8];
    padded[..rest.len()].copy_from_slice(rest);
    match flags(u64::from_le_bytes(padded)) {
        0 => None,
        hits => Some(bytes.len() - rest.len() + (hits.trailing_zeros() / 8) as usize),
    }
}

/// Whether `a` and `b` hold the same bytes. Slices of up to 16 bytes (nearly every script
/// word) are compared with two overlapping loads each, without a call to `memcmp`.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let at = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().unwrap_or([0; 8]));
    let at4 = |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().unwrap_or([0; 4]));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => at4(a, 0) == at4(b, 0) && at4(a, n - 4) == at4(b, n - 4),
        8..=16 => at(a, 0) == at(b, 0) && at(a, n - 8) == at(b, n - 8),
        _ => a == b,
    }
}

/// One in each byte.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of `v` that is zero set (bytes above the first zero may be
/// flagged too).
pub(crate) fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & (ONES << 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_any_is_the_first_hit() {
        let targets = [b'"', b'\\', b'\n'];
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 40] {
            for at in 0..=len {
                for first in targets.into_iter().chain([0x80, 0xff, 0x00, 0x01]) {
                    // Bytes around each target (a borrow from a zero byte must not hide or
                    // invent a hit below it).
                    let mut text: Vec<u8> =
                        (0..len).map(|i| [b'!', b'#', 0x5b, 0xdc][i % 4]).collect();
                    if at < len {
                        text[at] = first;
                        if at + 1 < len {
                            text[at + 1] = targets[at % 3];
                        }
                    }
                    let naive = text.iter().position(|b| targets.contains(b));
                    assert_eq!(
                        find_any(&text, targets),
                        naive,
                        "len {len}, at {at}, {first}"
                    );
                }
            }
        }
    }

    #[test]
    fn same_is_slice_equality() {
        for len in 0..=40 {
            let a: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(same(&a, &a.clone()), "len {len}");
            // One byte different, wherever it is.
            for at in 0..len {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same(&a, &b), "len {len}, at {at}");
            }
            assert!(!same(&a, &a[..len.saturating_sub(1)]) || len == 0);
        }
    }

    #[test]
    fn position_of_is_the_first_hit() {
        let sigil = |b: u8| b == b'!' || b == b'$';
        // Lengths around the block size, the byte at every place (and none).
        for len in [0, 1, 31, 32, 33, 63, 64, 65, 100] {
            for at in 0..=len {
                for first in [b'!', b'$'] {
                    let mut text = vec![b'a'; len];
                    if at < len {
                        text[at] = first;
                        // A later hit of the other kind does not count.
                        if at + 1 < len {
                            text[len - 1] = b'!' + b'$' - first;
                        }
                    }
                    let naive = text.iter().position(|&b| sigil(b));
                    assert_eq!(position_of(&text, sigil), naive, "len {len}, at {at}");
                }
            }
        }
    }
}
