//! Out-of-fold evaluation of call scores: ROC-AUC with a bootstrap interval, precision
//! among the top calls, a calibration table, and grouped fold assignment.

/// A small deterministic generator (SplitMix64) for folds and bootstrap resamples.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A uniform index below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// FNV-1a hash of a group key: folds follow the key, not the row order.
fn key_hash(key: &str, seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in key.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    SplitMix::new(h).next_u64()
}

/// Assign each row a fold in `0..k`, grouped by `groups[i]` (rows with the same key share a
/// fold) and stratified by label: the groups of each label are ordered by a seeded hash
/// of their key and dealt round-robin. A group's label is its first row's.
pub fn grouped_folds(groups: &[&str], labels: &[bool], k: usize, seed: u64) -> Vec<usize> {
    use std::collections::HashMap;
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        first.entry(g).or_insert(i);
    }
    let mut fold_of: HashMap<&str, usize> = HashMap::new();
    for label in [true, false] {
        let mut keys: Vec<(&str, u64)> = first
            .iter()
            .filter(|(_, &i)| labels[i] == label)
            .map(|(g, _)| (*g, key_hash(g, seed)))
            .collect();
        keys.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
        for (n, (g, _)) in keys.into_iter().enumerate() {
            fold_of.insert(g, n % k.max(1));
        }
    }
    groups.iter().map(|g| fold_of[g]).collect()
}

/// ROC-AUC of `scores` for `labels` (Mann-Whitney U, ties count half); NaN without both
/// classes.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum = 0f64;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += r * idx[i..=j].iter().filter(|&&k| labels[k]).count() as f64;
        i = j + 1;
    }
    let pos = labels.iter().filter(|&&p| p).count() as f64;
    let neg = labels.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return f64::NAN;
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Percentile bootstrap interval of the ROC-AUC: `(low, high)` at `level` (e.g. 0.95),
/// from `resamples` resamples of the calls drawn with a seeded generator.
pub fn bootstrap_auc(
    scores: &[f64],
    labels: &[bool],
    resamples: usize,
    level: f64,
    seed: u64,
) -> (f64, f64) {
    let n = scores.len();
    if n == 0 || resamples == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mut rng = SplitMix::new(seed);
    let mut aucs = Vec::with_capacity(resamples);
    let mut s = vec![0f64; n];
    let mut l = vec![false; n];
    for _ in 0..resamples {
        for i in 0..n {
            let k = rng.below(n);
            s[i] = scores[k];
            l[i] = labels[k];
        }
        let a = roc_auc(&s, &l);
        if a.is_finite() {
            aucs.push(a);
        }
    }
    if aucs.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    aucs.sort_by(f64::total_cmp);
    let q = |p: f64| aucs[((p * (aucs.len() - 1) as f64).round() as usize).min(aucs.len() - 1)];
    ((q)((1.0 - level) / 2.0), (q)(1.0 - (1.0 - level) / 2.0))
}

/// Share of positives among the `fraction` highest-scored calls (at least one call; ties
/// broken by input order).
pub fn precision_at(scores: &[f64], labels: &[bool], fraction: f64) -> f64 {
    if scores.is_empty() {
        return f64::NAN;
    }
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let top = ((scores.len() as f64 * fraction).ceil() as usize).clamp(1, scores.len());
    idx[..top].iter().filter(|&&i| labels[i]).count() as f64 / top as f64
}

/// One bin of a calibration table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationBin {
    /// Lower bound of the predicted probability (inclusive).
    pub low: f64,
    /// Upper bound (exclusive, inclusive for the last bin).
    pub high: f64,
    /// Calls in the bin.
    pub calls: usize,
    /// Mean predicted probability of those calls.
    pub predicted: f64,
    /// Share of positives among them.
    pub observed: f64,
}

/// Calibration table over `bins` equal-width probability bins; empty bins are left out.
pub fn calibration(probs: &[f64], labels: &[bool], bins: usize) -> Vec<CalibrationBin> {
    let bins = bins.max(1);
    let mut out = Vec::new();
    for b in 0..bins {
        let low = b as f64 / bins as f64;
        let high = (b + 1) as f64 / bins as f64;
        let inside: Vec<usize> = (0..probs.len())
            .filter(|&i| {
                probs[i] >= low && (probs[i] < high || (b + 1 == bins && probs[i] <= high))
            })
            .collect();
        if inside.is_empty() {
            continue;
        }
        let n = inside.len() as f64;
        out.push(CalibrationBin {
            low,
            high,
            calls: inside.len(),
            predicted: inside.iter().map(|&i| probs[i]).sum::<f64>() / n,
            observed: inside.iter().filter(|&&i| labels[i]).count() as f64 / n,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_known_values() {
        assert_eq!(
            roc_auc(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]),
            1.0
        );
        assert_eq!(
            roc_auc(&[0.9, 0.8, 0.2, 0.1], &[false, false, true, true]),
            0.0
        );
        assert_eq!(roc_auc(&[0.5, 0.5], &[false, true]), 0.5);
        // One of the four positive/negative pairs is misordered.
        assert_eq!(
            roc_auc(&[0.1, 0.6, 0.5, 0.9], &[false, false, true, true]),
            0.75
        );
        assert!(roc_auc(&[0.1], &[true]).is_nan());
    }

    #[test]
    fn folds_group_and_stratify() {
        let groups = ["a", "a", "b", "c", "d", "e", "f", "g"];
        let labels = [true, true, true, true, false, false, false, false];
        let f = grouped_folds(&groups, &labels, 2, 7);
        assert_eq!(f[0], f[1]);
        // Three positive groups (a, b, c) and four negative ones over two folds.
        let pos_in_0 = ["a", "b", "c"]
            .iter()
            .filter(|g| f[groups.iter().position(|x| x == *g).unwrap()] == 0)
            .count();
        assert!(pos_in_0 == 1 || pos_in_0 == 2);
        assert_eq!(f, grouped_folds(&groups, &labels, 2, 7));
    }

    #[test]
    fn precision_and_calibration() {
        let s = [0.9, 0.8, 0.1, 0.2, 0.3, 0.05, 0.4, 0.6, 0.7, 0.01];
        let l = [
            true, false, false, false, false, false, false, true, true, false,
        ];
        assert_eq!(precision_at(&s, &l, 0.1), 1.0);
        assert_eq!(precision_at(&s, &l, 0.2), 0.5);
        let t = calibration(&s, &l, 2);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].calls + t[1].calls, 10);
        assert_eq!(t[1].observed, 0.75);
        let (lo, hi) = bootstrap_auc(&s, &l, 200, 0.9, 1);
        assert!(lo <= roc_auc(&s, &l) && roc_auc(&s, &l) <= hi);
    }
}
