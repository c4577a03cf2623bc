//! A fitted call model: an L2-regularized logistic regression over standardized, named
//! call signals ([`FEATURES`]), kept in a human-readable JSON file.
//!
//! The built-in model ([`CallModel::builtin`]) was fitted on open labeled data; a team
//! fits its own with `xinsheng calibrate` (or [`CallModel::fit`]) and loads it with
//! [`CallModel::load`]. A call's risk is the model's probability; its reasons are the
//! largest contributions (weight × standardized value).
//!
//! ```
//! use xinsheng::model::{call_features, CallModel};
//! use xinsheng::{Analyzer, Turn};
//!
//! let analyzer = Analyzer::new();
//! let call = analyzer.analyze_conversation(&[
//!     Turn::customer("退款到现在还没到账，太失望了"),
//!     Turn::agent("这个我也不知道，系统就是这样"),
//!     Turn::customer("你们这什么服务"),
//! ]);
//! let model = CallModel::builtin();
//! let x = call_features(&call);
//! let p = model.probability(&x);
//! assert!(p > 0.0 && p < 1.0);
//! // The strongest reason first.
//! let top = &model.contributions(&x)[0];
//! assert!(top.value > 0.0);
//! ```

mod apply;
pub mod eval;
mod features;
mod file;
mod logistic;
mod turn;

use std::sync::OnceLock;

pub(crate) use apply::apply;
pub use apply::{with_rules, CONDUCT_LEVEL, CONDUCT_SEVERITY, MIN_REASON};
pub use features::{
    call_features, call_features_with, feature_index, FeatureDoc, FEATURES, N_FEATURES,
};
pub use file::{ModelError, Provenance};
pub use logistic::sigmoid;
pub use turn::{
    turn_feature_index, turn_features, TurnModel, TurnTerm, N_TURN_FEATURES, TURN_FEATURES,
    TURN_FORMAT,
};

/// The built-in model's file, fitted by the command recorded in its provenance.
const BUILTIN: &str = include_str!("default_model.json");

/// Standardized values are clipped to ±this many standard deviations, in fitting and in
/// scoring alike: a call far outside the fitted calls (no agent turns at all, hundreds of
/// turns) cannot get an arbitrarily large risk from one feature.
pub const Z_CLIP: f64 = 3.0;

fn z(x: f64, mean: f64, sd: f64) -> f64 {
    ((x - mean) / sd).clamp(-Z_CLIP, Z_CLIP)
}

/// Fewest positives and negatives `fit` accepts by default.
pub const MIN_CLASS: usize = 20;

/// One weighted feature of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Index into [`FEATURES`].
    pub index: usize,
    /// Weight of the standardized value.
    pub weight: f64,
    /// Mean of the feature over the fitted calls.
    pub mean: f64,
    /// Standard deviation of the feature over the fitted calls (> 0).
    pub sd: f64,
}

impl Term {
    /// The feature's name.
    pub fn name(&self) -> &'static str {
        FEATURES[self.index].name
    }
}

/// A fitted call model.
#[derive(Debug, Clone, PartialEq)]
pub struct CallModel {
    /// Log-odds of a call at the mean of every feature.
    pub intercept: f64,
    /// The weighted features, in [`FEATURES`] order.
    pub terms: Vec<Term>,
    /// Where the fit came from.
    pub provenance: Provenance,
}

/// One feature's share of a call's log-odds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeatureContribution {
    /// Index into [`FEATURES`].
    pub index: usize,
    /// weight × standardized value (log-odds; > 0 raises risk).
    pub value: f64,
    /// The standardized value (clipped to ±[`Z_CLIP`]); > 0: above the fitted calls' mean.
    pub z: f64,
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// Too few calls of one label.
    #[error(
        "{positives} positive and {negatives} negative calls: at least {min} of each are needed"
    )]
    TooFew {
        /// Positive calls.
        positives: usize,
        /// Negative calls.
        negatives: usize,
        /// The minimum of each.
        min: usize,
    },
    /// A feature has the same value on every call.
    #[error("feature `{0}` is constant over the calls: nothing to learn from it (leave it out)")]
    Constant(&'static str),
    /// A feature is NaN or infinite on some call.
    #[error("feature `{name}` is not a finite number on call {row} (0-based)")]
    NotFinite {
        /// The feature.
        name: &'static str,
        /// The call's row.
        row: usize,
    },
    /// The L2 strength is not a positive number.
    #[error("L2 strength must be a positive number, not {0}")]
    BadL2(f64),
}

/// What to fit.
#[derive(Debug, Clone, PartialEq)]
pub struct FitSpec {
    /// Feature indices to use (into [`FEATURES`]).
    pub features: Vec<usize>,
    /// L2 strength on the standardized weights (the intercept is not penalized).
    pub l2: f64,
    /// Fewest positives and negatives accepted.
    pub min_class: usize,
}

impl FitSpec {
    /// The features and L2 strength of the built-in model.
    pub fn builtin() -> FitSpec {
        let m = CallModel::builtin();
        FitSpec {
            features: m.terms.iter().map(|t| t.index).collect(),
            l2: m.provenance.l2,
            min_class: MIN_CLASS,
        }
    }
}

impl CallModel {
    /// The built-in model (parsed once).
    pub fn builtin() -> &'static CallModel {
        static MODEL: OnceLock<CallModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            CallModel::from_json("embedded:default_model.json", BUILTIN)
                .expect("the built-in model file is valid (checked by tests)")
        })
    }

    /// Log-odds of a call.
    pub fn log_odds(&self, x: &[f64; N_FEATURES]) -> f64 {
        self.intercept
            + self
                .terms
                .iter()
                .map(|t| t.weight * z(x[t.index], t.mean, t.sd))
                .sum::<f64>()
    }

    /// Probability that a call is a positive (dissatisfied, escalation-worthy) one.
    pub fn probability(&self, x: &[f64; N_FEATURES]) -> f64 {
        sigmoid(self.log_odds(x))
    }

    /// Every term's contribution, largest first (ties in feature order).
    pub fn contributions(&self, x: &[f64; N_FEATURES]) -> Vec<FeatureContribution> {
        let mut c: Vec<FeatureContribution> = self
            .terms
            .iter()
            .map(|t| FeatureContribution {
                index: t.index,
                value: t.weight * z(x[t.index], t.mean, t.sd),
                z: z(x[t.index], t.mean, t.sd),
            })
            .collect();
        c.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.index.cmp(&b.index)));
        c
    }

    /// Fit a model on feature rows and labels, with optional sample weights (default 1).
    /// Features are standardized with the (weighted) mean and standard deviation of the
    /// rows; `provenance` is stored as given, with `l2`, `calls` and `positives` filled in.
    pub fn fit(
        rows: &[[f64; N_FEATURES]],
        labels: &[bool],
        weights: Option<&[f64]>,
        spec: &FitSpec,
        mut provenance: Provenance,
    ) -> Result<CallModel, FitError> {
        check(rows, labels, spec)?;
        let ones = vec![1.0; rows.len()];
        let w = weights.unwrap_or(&ones);
        let model = fit_unchecked(rows, labels, w, spec)?;
        provenance.l2 = spec.l2;
        provenance.calls = rows.len();
        provenance.positives = labels.iter().filter(|&&l| l).count();
        Ok(CallModel {
            provenance,
            ..model
        })
    }
}

/// Reject a fit that would be silent nonsense.
fn check(rows: &[[f64; N_FEATURES]], labels: &[bool], spec: &FitSpec) -> Result<(), FitError> {
    if !(spec.l2 > 0.0 && spec.l2.is_finite()) {
        return Err(FitError::BadL2(spec.l2));
    }
    let positives = labels.iter().filter(|&&l| l).count();
    let negatives = labels.len() - positives;
    if positives < spec.min_class || negatives < spec.min_class {
        return Err(FitError::TooFew {
            positives,
            negatives,
            min: spec.min_class,
        });
    }
    for &j in &spec.features {
        if let Some(row) = rows.iter().position(|r| !r[j].is_finite()) {
            return Err(FitError::NotFinite {
                name: FEATURES[j].name,
                row,
            });
        }
        if rows.iter().all(|r| r[j] == rows[0][j]) {
            return Err(FitError::Constant(FEATURES[j].name));
        }
    }
    Ok(())
}

/// Standardize, fit and un-index: no checks beyond a zero spread (kept at weight 0).
fn fit_unchecked(
    rows: &[[f64; N_FEATURES]],
    labels: &[bool],
    w: &[f64],
    spec: &FitSpec,
) -> Result<CallModel, FitError> {
    let wsum: f64 = w.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let mut feats = spec.features.clone();
    feats.sort_unstable();
    feats.dedup();
    let mut scale = Vec::with_capacity(feats.len());
    for &j in &feats {
        let mean = rows.iter().zip(w).map(|(r, w)| w * r[j]).sum::<f64>() / wsum;
        let var = rows
            .iter()
            .zip(w)
            .map(|(r, w)| w * (r[j] - mean).powi(2))
            .sum::<f64>()
            / wsum;
        scale.push((mean, var.sqrt()));
    }
    let x: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| {
            feats
                .iter()
                .zip(&scale)
                .map(|(&j, &(m, s))| if s > 0.0 { z(r[j], m, s) } else { 0.0 })
                .collect()
        })
        .collect();
    let f = logistic::fit(&x, labels, w, spec.l2);
    let terms = feats
        .iter()
        .zip(&scale)
        .zip(&f.weights)
        .map(|((&index, &(mean, sd)), &weight)| Term {
            index,
            weight: if sd > 0.0 { weight } else { 0.0 },
            mean,
            sd: if sd > 0.0 { sd } else { 1.0 },
        })
        .collect();
    Ok(CallModel {
        intercept: f.intercept,
        terms,
        provenance: Provenance::default(),
    })
}

/// Out-of-fold probabilities: for each fold `k` in `folds`, fit on the other folds and
/// predict the rows of `k`. A feature constant within a training fold gets weight 0 there.
pub fn cross_validate(
    rows: &[[f64; N_FEATURES]],
    labels: &[bool],
    weights: Option<&[f64]>,
    folds: &[usize],
    spec: &FitSpec,
) -> Result<Vec<f64>, FitError> {
    check(rows, labels, spec)?;
    let k = folds.iter().copied().max().map_or(0, |m| m + 1);
    let mut out = vec![f64::NAN; rows.len()];
    for fold in 0..k {
        let train: Vec<usize> = (0..rows.len()).filter(|&i| folds[i] != fold).collect();
        if train.len() == rows.len() {
            continue;
        }
        let tr: Vec<[f64; N_FEATURES]> = train.iter().map(|&i| rows[i]).collect();
        let tl: Vec<bool> = train.iter().map(|&i| labels[i]).collect();
        let tw: Vec<f64> = train
            .iter()
            .map(|&i| weights.map_or(1.0, |w| w[i]))
            .collect();
        let m = fit_unchecked(&tr, &tl, &tw, spec)?;
        for i in (0..rows.len()).filter(|&i| folds[i] == fold) {
            out[i] = m.probability(&rows[i]);
        }
    }
    Ok(out)
}
