//! The per-turn model: fitted on the labeled JDDC customer turns, out of fold with the
//! call folds, and its scores rolled up into the `turn_score_*` call features.

use xinsheng::model::eval::roc_auc;
use xinsheng::model::{
    call_features_with, turn_features, Provenance, TurnModel, N_FEATURES, N_TURN_FEATURES,
    TURN_FEATURES,
};

use crate::data::Call;

/// The turn model's features (indices into `TURN_FEATURES`) and L2 strength.
pub struct TurnSpec {
    pub features: Vec<usize>,
    pub l2: f64,
}

/// The labeled customer turns of every call: features, label, call index.
pub struct TurnRows {
    pub rows: Vec<[f64; N_TURN_FEATURES]>,
    pub labels: Vec<bool>,
    pub call: Vec<usize>,
}

pub fn turn_rows(calls: &[Call]) -> TurnRows {
    let mut t = TurnRows {
        rows: Vec::new(),
        labels: Vec::new(),
        call: Vec::new(),
    };
    for (ci, c) in calls.iter().enumerate() {
        for (x, l) in turn_features(&c.analysis).into_iter().zip(&c.turn_labels) {
            if let Some(l) = l {
                t.rows.push(x);
                t.labels.push(*l);
                t.call.push(ci);
            }
        }
    }
    t
}

/// Fit the turn model on the labeled turns of the calls `keep` accepts.
pub fn fit_turns(t: &TurnRows, keep: &dyn Fn(usize) -> bool, spec: &TurnSpec) -> TurnModel {
    let idx: Vec<usize> = (0..t.rows.len()).filter(|&i| keep(t.call[i])).collect();
    let rows: Vec<[f64; N_TURN_FEATURES]> = idx.iter().map(|&i| t.rows[i]).collect();
    let labels: Vec<bool> = idx.iter().map(|&i| t.labels[i]).collect();
    TurnModel::fit(
        &rows,
        &labels,
        &spec.features,
        spec.l2,
        Provenance::default(),
    )
}

/// Call feature rows whose `turn_score_*` features come from a turn model fitted without
/// the call's group (`group[i]`: every call of group g is scored by the turn model fitted
/// on the labeled turns of the other groups' calls that `train` accepts). Also the score
/// of every labeled turn by its group's model, in `t`'s order.
pub fn stacked_rows(
    calls: &[Call],
    t: &TurnRows,
    group: &[usize],
    train: &dyn Fn(usize) -> bool,
    spec: &TurnSpec,
) -> (Vec<[f64; N_FEATURES]>, Vec<f64>) {
    let k = group.iter().copied().max().map_or(0, |m| m + 1);
    let mut rows = vec![[0f64; N_FEATURES]; calls.len()];
    let mut turn_oof = vec![f64::NAN; t.rows.len()];
    for g in 0..k {
        let m = fit_turns(t, &|ci| group[ci] != g && train(ci), spec);
        for (ci, c) in calls.iter().enumerate().filter(|(ci, _)| group[*ci] == g) {
            rows[ci] = call_features_with(&c.analysis, &m);
        }
        for i in (0..t.rows.len()).filter(|&i| group[t.call[i]] == g) {
            turn_oof[i] = m.probability(&t.rows[i]);
        }
    }
    (rows, turn_oof)
}

/// Turn-level ROC-AUC of `score`, whole and on the sealed half.
pub fn turn_auc(calls: &[Call], t: &TurnRows, score: &[f64]) -> (f64, f64) {
    let sealed: Vec<usize> = (0..t.rows.len())
        .filter(|&i| calls[t.call[i]].sealed)
        .collect();
    let s: Vec<f64> = sealed.iter().map(|&i| score[i]).collect();
    let l: Vec<bool> = sealed.iter().map(|&i| t.labels[i]).collect();
    (roc_auc(score, &t.labels), roc_auc(&s, &l))
}

/// Mean over the folds of the turn-level ROC-AUC within each fold, whole and sealed: free
/// of the tie-breaking between fold models that a pooled ROC-AUC suffers when many turns
/// share a value (valence 0).
pub fn turn_auc_per_fold(
    calls: &[Call],
    t: &TurnRows,
    score: &[f64],
    folds: &[usize],
) -> (f64, f64) {
    let k = folds.iter().copied().max().map_or(0, |m| m + 1);
    let (mut w, mut s) = (0.0, 0.0);
    for g in 0..k {
        let pick = |sealed_only: bool| {
            let (sc, l): (Vec<f64>, Vec<bool>) = (0..t.rows.len())
                .filter(|&i| folds[t.call[i]] == g && (!sealed_only || calls[t.call[i]].sealed))
                .map(|i| (score[i], t.labels[i]))
                .unzip();
            roc_auc(&sc, &l)
        };
        w += pick(false);
        s += pick(true);
    }
    (w / k as f64, s / k as f64)
}

/// Print the turn-level table: the valence baseline, each feature alone (with `single`),
/// and the fitted turn model out of fold.
pub fn report(calls: &[Call], t: &TurnRows, oof: &[f64], folds: &[usize], single: bool) {
    let n_pos = t.labels.iter().filter(|&&l| l).count();
    println!(
        "\nJDDC labeled customer turns: {} ({} with sat3 = 0)",
        t.rows.len(),
        n_pos
    );
    println!("| turn score (ROC-AUC, out of fold) | JDDC turns | sealed | per fold | sealed |");
    println!("|---|---|---|---|---|");
    let neg = xinsheng::model::turn_feature_index("neg").expect("neg exists");
    let base: Vec<f64> = t.rows.iter().map(|r| r[neg]).collect();
    let line = |name: &str, score: &[f64]| {
        let (w, s) = turn_auc(calls, t, score);
        let (fw, fs) = turn_auc_per_fold(calls, t, score, folds);
        println!("| {name} | {w:.3} | {s:.3} | {fw:.3} | {fs:.3} |");
    };
    line("turn −valence", &base);
    line("fitted turn model", oof);
    if single {
        for (j, f) in TURN_FEATURES.iter().enumerate() {
            let v: Vec<f64> = t.rows.iter().map(|r| r[j]).collect();
            line(f.name, &v);
        }
    }
}
