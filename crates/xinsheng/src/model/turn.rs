//! A fitted per-turn dissatisfaction score: an L2-regularized logistic regression over
//! named features of one customer turn in its call ([`TURN_FEATURES`]), fitted on turns
//! labeled dissatisfied or not (JDDC-USS `sat3 = 0`). The call model reads the scores of
//! a call's customer turns through the `turn_score_*` call features.
//!
//! The built-in turn model ([`TurnModel::builtin`]) is a JSON file like the call model's,
//! with the provenance of its fit. The per-turn score is internal: it is not part of the
//! output records.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::logistic;
use super::Provenance;
use crate::conversation::repeated_questions;
use crate::types::{AgentCategory, AgentKind, ConversationAnalysis, CueCategory, Speaker};

/// A named turn feature with its one-line meaning.
pub use super::features::FeatureDoc as TurnFeatureDoc;

macro_rules! turn_features {
    ($($id:ident = $name:literal : $doc:literal,)+) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        enum T { $($id),+ }
        /// Every turn feature, in vector order.
        pub const TURN_FEATURES: &[TurnFeatureDoc] =
            &[$(TurnFeatureDoc { name: $name, doc: $doc }),+];
    };
}

turn_features! {
    Neg = "neg": "-valence of the turn",
    Intensity = "intensity": "emotional intensity of the turn",
    Risk = "risk": "escalation risk of the turn",
    Anger = "anger": "anger + disgust score",
    Sad = "sad": "sadness + anxiety score",
    CueDis = "cue_dissatisfaction": "ln(1 + active dissatisfaction / abuse cues)",
    CueImp = "cue_impatience": "ln(1 + active impatience / repeat-contact / urgency cues)",
    CueRefund = "cue_refund_churn": "ln(1 + active refund / churn cues)",
    CueFormal = "cue_formal": "ln(1 + active formal / external / harm cues)",
    CueSev = "cue_severity": "highest severity of an active cue (0 without)",
    Length = "length": "ln(1 + char bigrams of the turn)",
    Position = "position": "place among the call's customer turns, 0 (first) to 1 (last)",
    PrevNeg = "prev_neg": "-valence of the previous customer turn (0 for the first)",
    NextNeg = "next_neg": "-valence of the next customer turn (0 for the last)",
    WindowNeg = "window_neg": "highest -valence of this and the two previous customer turns",
    RunNeg = "run_neg": "mean -valence of the customer turns so far, this one included",
    PrevNo = "prev_no": "an agent turn since the previous customer turn says no or deflects (0/1)",
    PrevProhibited = "prev_prohibited": "an agent turn since the previous customer turn used another prohibited phrase (0/1)",
    PrevEmpathy = "prev_empathy": "an agent turn since the previous customer turn showed empathy or apology (0/1)",
    Unanswered = "unanswered": "no agent turn since the previous customer turn (0/1; 0 for the first)",
    Repeated = "repeated": "the turn repeats an earlier question after an agent answer (0/1)",
}

/// Number of turn features.
pub const N_TURN_FEATURES: usize = TURN_FEATURES.len();

/// Index of a turn feature by name.
pub fn turn_feature_index(name: &str) -> Option<usize> {
    TURN_FEATURES.iter().position(|f| f.name == name)
}

/// Standardized turn features are clipped to ±this many standard deviations. Wider than
/// the call model's `Z_CLIP`: a turn's -valence is skewed (most turns near 0), and a tight
/// clip would tie the most negative turns.
const TURN_Z_CLIP: f64 = 6.0;

/// Customer turns before this one averaged into `window_neg`'s window (besides itself).
const WINDOW_TURNS: usize = 2;

fn is_deflection(c: AgentCategory) -> bool {
    matches!(
        c,
        AgentCategory::Shirking | AgentCategory::Refusal | AgentCategory::Stonewall
    )
}

/// The feature vector of every customer turn of a call, in the order of
/// `customer_valence`.
pub fn turn_features(c: &ConversationAnalysis) -> Vec<[f64; N_TURN_FEATURES]> {
    let cust: Vec<usize> = c.customer_valence.iter().map(|t| t.turn).collect();
    let neg: Vec<f64> = c
        .customer_valence
        .iter()
        .map(|t| -(t.valence as f64))
        .collect();
    let repeated = repeated_questions(&c.turns, &c.customer_valence);
    let n = cust.len();
    let mut run = 0.0;
    (0..n)
        .map(|k| {
            let mut x = [0f64; N_TURN_FEATURES];
            let mut set = |f: T, v: f64| x[f as usize] = v;
            let i = cust[k];
            let t = &c.turns[i];
            set(T::Neg, neg[k]);
            set(T::Intensity, t.intensity as f64);
            set(T::Risk, t.escalation.risk as f64);
            set(T::Anger, (t.emotions.anger + t.emotions.disgust) as f64);
            set(T::Sad, (t.emotions.sadness + t.emotions.anxiety) as f64);
            let (mut dis, mut imp, mut refund, mut formal, mut sev) = (0usize, 0, 0, 0, 0u8);
            for q in t
                .escalation
                .cues
                .iter()
                .filter(|q| q.is_active() && q.weight > 0.0)
            {
                sev = sev.max(q.severity);
                match q.category {
                    CueCategory::Dissatisfaction | CueCategory::Abuse => dis += 1,
                    CueCategory::Impatience | CueCategory::RepeatContact | CueCategory::Urgency => {
                        imp += 1
                    }
                    CueCategory::Refund | CueCategory::Churn => refund += 1,
                    _ => formal += 1,
                }
            }
            let ln1p = |n: usize| (n as f64).ln_1p();
            set(T::CueDis, ln1p(dis));
            set(T::CueImp, ln1p(imp));
            set(T::CueRefund, ln1p(refund));
            set(T::CueFormal, ln1p(formal));
            set(T::CueSev, sev as f64);
            set(T::Length, ln1p(t.sketch.len()));
            set(
                T::Position,
                if n > 1 {
                    k as f64 / (n - 1) as f64
                } else {
                    0.0
                },
            );
            set(T::PrevNeg, if k > 0 { neg[k - 1] } else { 0.0 });
            set(T::NextNeg, neg.get(k + 1).copied().unwrap_or(0.0));
            let from = k.saturating_sub(WINDOW_TURNS);
            set(
                T::WindowNeg,
                neg[from..=k]
                    .iter()
                    .copied()
                    .fold(f64::NEG_INFINITY, f64::max),
            );
            run += neg[k];
            set(T::RunNeg, run / (k + 1) as f64);
            let start = if k > 0 { cust[k - 1] + 1 } else { 0 };
            let agents = || {
                c.turns[start..i]
                    .iter()
                    .filter(|a| a.speaker == Speaker::Agent)
            };
            let active = |pick: &dyn Fn(AgentCategory) -> bool| {
                agents().any(|a| a.agent.iter().any(|m| !m.negated && pick(m.category)))
            };
            let no = agents().any(|a| a.refusals > 0) || active(&is_deflection);
            set(T::PrevNo, no as u8 as f64);
            set(
                T::PrevProhibited,
                active(&|g| g.kind() == AgentKind::Prohibited && !is_deflection(g)) as u8 as f64,
            );
            set(T::PrevEmpathy, active(&|g| g.is_empathic()) as u8 as f64);
            set(
                T::Unanswered,
                (k > 0 && agents().next().is_none()) as u8 as f64,
            );
            set(T::Repeated, repeated.contains(&i) as u8 as f64);
            x
        })
        .collect()
}

/// One weighted turn feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TurnTerm {
    /// The feature's name (see [`TURN_FEATURES`]).
    pub name: String,
    /// Weight of the standardized value.
    pub weight: f64,
    /// Mean over the fitted turns.
    pub mean: f64,
    /// Standard deviation over the fitted turns (> 0).
    pub sd: f64,
}

/// The format tag of a turn model file.
pub const TURN_FORMAT: &str = "xinsheng-turn-model/1";

/// A fitted per-turn dissatisfaction model (JSON: `format`, `intercept`, `features`,
/// `provenance`).
///
/// ```
/// use xinsheng::model::TurnModel;
/// use xinsheng::{Analyzer, Turn};
///
/// let call = Analyzer::new().analyze_conversation(&[
///     Turn::customer("查一下订单"),
///     Turn::agent("请稍等"),
///     Turn::customer("太失望了，什么破服务"),
/// ]);
/// let scores = TurnModel::builtin().scores(&call);
/// assert!(scores[1] > scores[0]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TurnModel {
    /// Always [`TURN_FORMAT`].
    format: String,
    /// Log-odds of a turn at the mean of every feature.
    intercept: f64,
    /// The weighted features.
    features: Vec<TurnTerm>,
    /// Where the fit came from.
    pub provenance: Provenance,
    /// Indices of `features` into [`TURN_FEATURES`].
    #[serde(skip)]
    index: Vec<usize>,
}

/// The built-in turn model's file, fitted by the command recorded in its provenance.
const BUILTIN: &str = include_str!("default_turn_model.json");

impl TurnModel {
    /// The built-in turn model (parsed once).
    pub fn builtin() -> &'static TurnModel {
        static MODEL: OnceLock<TurnModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            TurnModel::from_json(BUILTIN).expect("the built-in turn model is valid (tested)")
        })
    }

    /// Log-odds of a turn at the mean of every feature.
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// The weighted features.
    pub fn features(&self) -> &[TurnTerm] {
        &self.features
    }

    /// Parse a turn model file (only the embedded one is read); the error says what is
    /// wrong.
    pub(crate) fn from_json(text: &str) -> Result<TurnModel, String> {
        let mut m: TurnModel = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if m.format != TURN_FORMAT {
            return Err(format!("format `{}` is not `{TURN_FORMAT}`", m.format));
        }
        m.index = Vec::with_capacity(m.features.len());
        for t in &m.features {
            let j = turn_feature_index(&t.name)
                .ok_or_else(|| format!("unknown turn feature `{}`", t.name))?;
            if !(t.weight.is_finite() && t.mean.is_finite() && t.sd.is_finite() && t.sd > 0.0) {
                return Err(format!("turn feature `{}`: bad weight, mean or sd", t.name));
            }
            m.index.push(j);
        }
        if !m.intercept.is_finite() {
            return Err("intercept is not finite".into());
        }
        Ok(m)
    }

    /// The model as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a turn model serializes") + "\n"
    }

    /// Probability that a turn is a dissatisfied one.
    pub fn probability(&self, x: &[f64; N_TURN_FEATURES]) -> f64 {
        let z: f64 = self
            .features
            .iter()
            .zip(&self.index)
            .map(|(t, &j)| t.weight * ((x[j] - t.mean) / t.sd).clamp(-TURN_Z_CLIP, TURN_Z_CLIP))
            .sum();
        logistic::sigmoid(self.intercept + z)
    }

    /// The score of every customer turn of a call, in the order of `customer_valence`.
    pub fn scores(&self, c: &ConversationAnalysis) -> Vec<f64> {
        turn_features(c)
            .iter()
            .map(|x| self.probability(x))
            .collect()
    }

    /// Fit on turn rows and labels over the features `features` (indices into
    /// [`TURN_FEATURES`]) with L2 strength `l2` (> 0). A feature constant over the rows
    /// is left out.
    pub fn fit(
        rows: &[[f64; N_TURN_FEATURES]],
        labels: &[bool],
        features: &[usize],
        l2: f64,
        mut provenance: Provenance,
    ) -> TurnModel {
        let n = rows.len().max(1) as f64;
        let mut scale = Vec::new();
        for &j in features {
            let mean = rows.iter().map(|r| r[j]).sum::<f64>() / n;
            let var = rows.iter().map(|r| (r[j] - mean).powi(2)).sum::<f64>() / n;
            if var > 0.0 {
                scale.push((j, mean, var.sqrt()));
            }
        }
        let x: Vec<Vec<f64>> = rows
            .iter()
            .map(|r| {
                scale
                    .iter()
                    .map(|&(j, m, s)| ((r[j] - m) / s).clamp(-TURN_Z_CLIP, TURN_Z_CLIP))
                    .collect()
            })
            .collect();
        let f = logistic::fit(&x, labels, &vec![1.0; rows.len()], l2);
        provenance.l2 = l2;
        provenance.calls = rows.len();
        provenance.positives = labels.iter().filter(|&&l| l).count();
        TurnModel {
            format: TURN_FORMAT.into(),
            intercept: f.intercept,
            features: scale
                .iter()
                .zip(&f.weights)
                .map(|(&(j, mean, sd), &weight)| TurnTerm {
                    name: TURN_FEATURES[j].name.into(),
                    weight,
                    mean,
                    sd,
                })
                .collect(),
            provenance,
            index: scale.iter().map(|s| s.0).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Analyzer, Turn};

    #[test]
    fn the_builtin_turn_model_parses_and_round_trips() {
        let m = TurnModel::builtin();
        assert_eq!(TurnModel::from_json(&m.to_json()).unwrap(), *m);
        assert!(TurnModel::from_json("{}").is_err());
    }

    #[test]
    fn turn_features_read_the_turn_and_what_the_agent_said_before_it() {
        let c = Analyzer::new().analyze_conversation(&[
            Turn::customer("你好，查一下订单"),
            Turn::agent("这个没办法，我们不支持"),
            Turn::customer("太失望了"),
            Turn::customer("怎么回事"),
        ]);
        let x = turn_features(&c);
        assert_eq!(x.len(), 3);
        assert_eq!(x[1][T::PrevNo as usize], 1.0);
        assert_eq!(x[0][T::PrevNo as usize], 0.0);
        assert_eq!(x[2][T::Unanswered as usize], 1.0);
        assert_eq!(x[1][T::Unanswered as usize], 0.0);
        assert!(x[1][T::Neg as usize] > x[0][T::Neg as usize]);
        assert_eq!(x[2][T::Position as usize], 1.0);
        assert_eq!(x[0][T::NextNeg as usize], x[1][T::Neg as usize]);
    }

    #[test]
    fn a_fit_ranks_the_turns_it_learned_from() {
        let (mut rows, mut labels) = (Vec::new(), Vec::new());
        for i in 0..200 {
            let mut x = [0f64; N_TURN_FEATURES];
            x[T::Neg as usize] = (i % 10) as f64 / 10.0;
            rows.push(x);
            labels.push(i % 10 >= 7);
        }
        let m = TurnModel::fit(
            &rows,
            &labels,
            &[T::Neg as usize, T::Risk as usize],
            1.0,
            Provenance::default(),
        );
        assert_eq!(m.features.len(), 1, "the constant feature is left out");
        assert!(m.probability(&rows[9]) > m.probability(&rows[0]));
    }
}
