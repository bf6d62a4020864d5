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

#[cfg(test)]
mod tests {
    use super::*;

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
