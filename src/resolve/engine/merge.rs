//! Joining the command lists of two boot paths into one, in execution order.

use super::Emitted;

/// Above this many comparisons the lists are joined without aligning them.
const MAX_CELLS: usize = 1 << 18;

fn same(a: &Emitted, b: &Emitted) -> bool {
    a.origin == b.origin && a.text == b.text && a.via == b.via
}

/// The commands of both paths: those both ran (aligned by a longest common subsequence) keep
/// their condition; those only one ran are marked as running on some boot paths.
pub fn merge_emitted(a: Vec<Emitted>, b: Vec<Emitted>) -> Vec<Emitted> {
    if a == b {
        return a;
    }
    let some = |mut e: Emitted| {
        e.condition
            .get_or_insert_with(|| "only on some boot paths".to_string());
        e
    };
    // Most joins share a long prefix (the lines before the fork): align only the rest.
    let prefix = a.iter().zip(&b).take_while(|(x, y)| same(x, y)).count();
    let (n, m) = (a.len() - prefix, b.len() - prefix);
    if n.saturating_mul(m) > MAX_CELLS {
        let mut out = a;
        out.extend(b.into_iter().skip(prefix).map(some));
        return out;
    }
    let (xs, ys) = (&a[prefix..], &b[prefix..]);
    // lcs[i][j]: length of the common subsequence of xs[i..] and ys[j..].
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if same(&xs[i], &ys[j]) {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let mut out: Vec<Emitted> = a[..prefix].to_vec();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && same(&xs[i], &ys[j]) {
            let mut e = xs[i].clone();
            if e.condition.is_none() {
                e.condition = ys[j].condition.clone();
            }
            out.push(e);
            i += 1;
            j += 1;
        } else if j == m || (i < n && lcs[at(i + 1, j)] >= lcs[at(i, j + 1)]) {
            out.push(some(xs[i].clone()));
            i += 1;
        } else {
            out.push(some(ys[j].clone()));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn e(n: usize) -> Emitted {
        Emitted {
            text: format!("c{n}"),
            origin: Span::new(FileId(0), n..n + 1),
            via: Vec::new(),
            condition: None,
        }
    }

    #[test]
    fn common_commands_stay_unconditional_and_in_order() {
        let merged = merge_emitted(vec![e(1), e(2), e(4)], vec![e(1), e(3), e(4)]);
        let texts: Vec<_> = merged
            .iter()
            .map(|c| (c.text.as_str(), c.condition.is_some()))
            .collect();
        assert_eq!(
            texts,
            [("c1", false), ("c2", true), ("c3", true), ("c4", false)]
        );
    }
}
