//! The trace of an analysis: tokens, contributions of terms and markers, in text order
//! (what `xinsheng explain` prints).

use serde::{Deserialize, Serialize};

use super::cues::Found;
use crate::lexicon::{ContrastRole, Entry};
use crate::normalize::Normalized;
use crate::segment::Unit;
use crate::types::{Emotion, UtteranceAnalysis};

/// A token of the explanation: normalized text, original char offsets, lexicon roles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExplainToken {
    /// The token (normalized).
    pub text: String,
    /// Start in chars of the original text.
    pub start: usize,
    /// End (exclusive) in chars of the original text.
    pub end: usize,
    /// What the lexicons say about it, e.g. `emotion:anger:0.7`, `negation`.
    pub lexicon: Vec<String>,
}

/// What one term or marker contributed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The term (normalized).
    pub text: String,
    /// Start in chars of the original text.
    pub start: usize,
    /// End (exclusive) in chars of the original text.
    pub end: usize,
    /// Which lexicon: `emotion`, `sentiment`, `escalation`, `agent`, `marker`, `punctuation`.
    pub source: String,
    /// Valence before modifiers.
    pub base: f32,
    /// Modifiers applied, in order, e.g. `negated by 不 (×-0.75)`.
    pub modifiers: Vec<String>,
    /// Valence contributed after modifiers.
    pub valence: f32,
    /// Emotion fed, if any.
    pub emotion: Option<Emotion>,
    /// Emotion mass fed.
    pub emotion_weight: f32,
}

/// The explanation of one utterance's analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Normalized text (NFKC, simplified, repeats collapsed).
    pub normalized: String,
    /// Tokens after segmentation and lexicon matching.
    pub tokens: Vec<ExplainToken>,
    /// Contributions of terms and markers, in text order.
    pub contributions: Vec<Contribution>,
    /// The resulting analysis.
    pub analysis: Option<UtteranceAnalysis>,
}

/// Start the trace: the normalized text and its tokens with what the lexicons say.
pub(crate) fn start(trace: &mut Explanation, norm: &Normalized, units: &[Unit<'_>]) {
    trace.normalized = norm.text.clone();
    trace.tokens = units
        .iter()
        .map(|u| ExplainToken {
            text: u.text.to_string(),
            start: u.os,
            end: u.oe,
            lexicon: u.entry.map(describe).unwrap_or_default(),
        })
        .collect();
}

/// Tokens a customer-service pattern read (第五次, 三天了): the token list shows the
/// pattern's cue, the one the result holds, instead of the lexicon entry it replaced
/// (第五次 is a repeat of severity 3 by its count, not the entry's 2).
pub(crate) fn patterns(trace: &mut Explanation, found: &Found) {
    for (c, _, unit) in found.sites() {
        if let Some(t) = trace.tokens.get_mut(unit) {
            t.lexicon = vec![format!("pattern:{}:{}", c.category, c.severity)];
        }
    }
}

/// What the lexicons say about a term, e.g. `emotion:anger:0.70:-0.60`, `negation`.
fn describe(e: &Entry) -> Vec<String> {
    let mut v = Vec::new();
    if let Some((l, i, val)) = e.emotion {
        v.push(format!("emotion:{l}:{i:.2}:{val:+.2}"));
    }
    if let Some(s) = e.sentiment {
        v.push(format!("sentiment:{s:+.2}"));
    }
    if let Some(d) = e.degree {
        v.push(format!("degree:{d:.2}"));
    }
    if e.negation {
        v.push("negation".into());
    }
    if let Some(c) = e.contrast {
        v.push(format!(
            "contrast:{}",
            if c == ContrastRole::Before {
                "before"
            } else {
                "after"
            }
        ));
    }
    if let Some(m) = e.marker {
        v.push(format!("marker:{m:?}").to_lowercase());
    }
    if let Some((c, s)) = e.escalation {
        v.push(format!("escalation:{c}:{s}"));
    }
    if let Some((c, s)) = e.agent {
        v.push(format!("agent:{}:{c}:{s}", c.kind()));
    }
    if e.neutral {
        v.push("neutral".into());
    }
    v
}
