//! Honest selection figures: the L2 strength chosen inside each outer fold (nested), and
//! a paired bootstrap of the ROC-AUC difference a candidate feature makes.

use xinsheng::model::eval::{grouped_folds, roc_auc, SplitMix};
use xinsheng::model::{cross_validate, CallModel, FitSpec, Provenance, FEATURES, N_FEATURES};

use crate::data::Call;
use crate::report::Fit;

/// Bootstrap resamples of the paired difference.
const RESAMPLES: usize = 2000;
/// Seed of the bootstrap.
const BOOT_SEED: u64 = 20261203;
/// Fewest positives and negatives an inner fit accepts.
const MIN_CLASS: usize = 20;

fn spec(features: &[usize], l2: f64) -> FitSpec {
    FitSpec {
        features: features.to_vec(),
        l2,
        min_class: MIN_CLASS,
    }
}

/// Mean of the two sets' ROC-AUC over `idx` (the criterion the L2 is chosen by).
fn criterion(calls: &[Call], idx: &[usize], score: &[f64]) -> f64 {
    (set_auc(calls, idx, score, "jddc") + set_auc(calls, idx, score, "stc3")) / 2.0
}

/// The calls outside one outer fold, as a fit takes them.
struct Train {
    /// Their indices among all calls.
    idx: Vec<usize>,
    rows: Vec<[f64; N_FEATURES]>,
    labels: Vec<bool>,
    weights: Option<Vec<f64>>,
}

impl Train {
    fn outside(f: &Fit, fold: usize) -> Train {
        let idx: Vec<usize> = (0..f.rows.len()).filter(|&i| f.folds[i] != fold).collect();
        Train {
            rows: idx.iter().map(|&i| f.rows[i]).collect(),
            labels: idx.iter().map(|&i| f.labels[i]).collect(),
            weights: f
                .weights
                .as_ref()
                .map(|w| idx.iter().map(|&i| w[i]).collect()),
            idx,
        }
    }

    /// Fits `features` at `l2` on these calls and scores the calls of `fold` into `out`.
    fn fit_and_score(&self, f: &Fit, fold: usize, features: &[usize], l2: f64, out: &mut [f64]) {
        let m = CallModel::fit(
            &self.rows,
            &self.labels,
            self.weights.as_deref(),
            &spec(features, l2),
            Provenance::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        for i in (0..f.rows.len()).filter(|&i| f.folds[i] == fold) {
            out[i] = m.probability(&f.rows[i]);
        }
    }
}

/// Out-of-fold probabilities with the L2 strength of each outer fold chosen among `grid`
/// by an inner cross-validation over the other folds (mean of the two sets' ROC-AUC).
/// Returns the probabilities and the L2 chosen per fold.
pub fn nested_l2(f: &Fit, grid: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let k = f.fold_count();
    let mut out = vec![f64::NAN; f.rows.len()];
    let mut chosen = Vec::with_capacity(k);
    for fold in 0..k {
        let t = Train::outside(f, fold);
        // The other folds keep their own assignment, renumbered to 0..k-1.
        let inner: Vec<usize> = t
            .idx
            .iter()
            .map(|&i| f.folds[i] - (f.folds[i] > fold) as usize)
            .collect();
        let mut best = (f64::NEG_INFINITY, grid[0]);
        for &l2 in grid {
            let oof = cross_validate(
                &t.rows,
                &t.labels,
                t.weights.as_deref(),
                &inner,
                &spec(&f.features, l2),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let c = criterion(f.calls, &t.idx, &oof);
            if c > best.0 {
                best = (c, l2);
            }
        }
        chosen.push(best.1);
        t.fit_and_score(f, fold, &f.features, best.1, &mut out);
    }
    (out, chosen)
}

/// The ROC-AUC difference (with − without `extra`) on each set, whole and sealed, with a
/// 95 % paired bootstrap interval (the calls of the set resampled, both scores kept).
pub fn compare(f: &Fit, extra: &[usize]) {
    let l2 = f.l2s[0];
    let base = cross_validate(
        f.rows,
        f.labels,
        f.weights.as_deref(),
        f.folds,
        &spec(&f.features, l2),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut feats = f.features.clone();
    feats.extend_from_slice(extra);
    let with = cross_validate(
        f.rows,
        f.labels,
        f.weights.as_deref(),
        f.folds,
        &spec(&feats, l2),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = extra.iter().map(|&j| FEATURES[j].name).collect();
    println!(
        "\n| + {} (paired, 95 % bootstrap) | difference | low | high |",
        names.join(", ")
    );
    println!("|---|---|---|---|");
    for set in ["jddc", "stc3"] {
        for sealed_only in [false, true] {
            let idx: Vec<usize> = (0..f.calls.len())
                .filter(|&i| f.calls[i].set == set && (!sealed_only || f.calls[i].sealed))
                .collect();
            let diff = |pick: &[usize]| {
                let l: Vec<bool> = pick.iter().map(|&i| f.labels[i]).collect();
                let a: Vec<f64> = pick.iter().map(|&i| with[i]).collect();
                let b: Vec<f64> = pick.iter().map(|&i| base[i]).collect();
                roc_auc(&a, &l) - roc_auc(&b, &l)
            };
            let d = diff(&idx);
            let mut rng = SplitMix::new(BOOT_SEED);
            let mut ds: Vec<f64> = (0..RESAMPLES)
                .map(|_| {
                    let pick: Vec<usize> =
                        (0..idx.len()).map(|_| idx[rng.below(idx.len())]).collect();
                    diff(&pick)
                })
                .filter(|d| d.is_finite())
                .collect();
            ds.sort_by(f64::total_cmp);
            let q = |p: f64| ds[((p * (ds.len() - 1) as f64).round() as usize).min(ds.len() - 1)];
            let half = if sealed_only { "sealed" } else { "whole" };
            println!(
                "| {set} {half} | {d:+.4} | {:+.4} | {:+.4} |",
                q(0.025),
                q(0.975)
            );
        }
    }
}

/// ROC-AUC of the calls of `set` among `idx`, scored by `score` (in `idx` order).
fn set_auc(calls: &[Call], idx: &[usize], score: &[f64], set: &str) -> f64 {
    let (s, l): (Vec<f64>, Vec<bool>) = idx
        .iter()
        .zip(score)
        .filter(|(&i, _)| calls[i].set == set)
        .map(|(&i, &s)| (s, calls[i].label))
        .unzip();
    roc_auc(&s, &l)
}

/// Seeds of the inner fold draws a candidate must win at.
const INNER_SEEDS: [u64; 3] = [1, 2, 3];

/// The selection of one candidate feature, itself out of fold: inside each outer fold,
/// the other folds' calls are re-dealt into inner folds with each of [`INNER_SEEDS`]; a
/// candidate qualifies when, added to the base features, it raises the inner JDDC
/// ROC-AUC at every draw without lowering STC-3 by more than `STC_SLACK`; the one with
/// the largest mean JDDC gain (or none) is fitted on the other folds and scores the outer
/// fold. Returns the probabilities and the feature picked per fold.
pub fn nested_pick(f: &Fit, candidates: &[usize]) -> (Vec<f64>, Vec<Option<usize>>) {
    /// How much an inner STC-3 ROC-AUC may drop for a candidate to be picked.
    const STC_SLACK: f64 = 0.003;
    let l2 = f.l2s[0];
    let k = f.fold_count();
    let mut out = vec![f64::NAN; f.rows.len()];
    let mut picked = Vec::with_capacity(k);
    for fold in 0..k {
        let t = Train::outside(f, fold);
        let keys: Vec<String> = t
            .idx
            .iter()
            .map(|&i| format!("{}:{}", f.calls[i].set, f.calls[i].id))
            .collect();
        let groups: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        let draws: Vec<Vec<usize>> = INNER_SEEDS
            .iter()
            .map(|&seed| grouped_folds(&groups, &t.labels, k - 1, seed))
            .collect();
        let score = |feats: &[usize], inner: &[usize]| {
            let oof = cross_validate(
                &t.rows,
                &t.labels,
                t.weights.as_deref(),
                inner,
                &spec(feats, l2),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            (
                set_auc(f.calls, &t.idx, &oof, "jddc"),
                set_auc(f.calls, &t.idx, &oof, "stc3"),
            )
        };
        let base: Vec<(f64, f64)> = draws.iter().map(|d| score(&f.features, d)).collect();
        let mut best: (f64, Option<usize>) = (0.0, None);
        for &c in candidates {
            let mut feats = f.features.clone();
            feats.push(c);
            let mut gain = 0.0;
            let mut wins = true;
            for (d, &(bj, bs)) in draws.iter().zip(&base) {
                let (j, s) = score(&feats, d);
                wins &= j > bj && s >= bs - STC_SLACK;
                gain += j - bj;
            }
            if wins && gain > best.0 {
                best = (gain, Some(c));
            }
        }
        picked.push(best.1);
        let mut feats = f.features.clone();
        feats.extend(best.1);
        t.fit_and_score(f, fold, &feats, l2, &mut out);
    }
    (out, picked)
}
