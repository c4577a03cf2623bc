//! Aggregation: the running sums of valence and emotion mass, then the utterance's
//! valence, polarity, emotion mix, intensity and escalation risk.

use super::explain::{Contribution, Explanation};
use super::structure::SentenceInfo;
use super::weights::{
    AFFECT_ANGER, AFFECT_MAX, AFFECT_VALENCE, BELOW_LEVEL, CUE_DAMPING, EMPHASIS_MAX_MARKS,
    EMPHASIS_STEP, HIGH_MIN_SEVERITY, INTENSITY_EMOTION, INTENSITY_VALENCE, MENTION_WEIGHT,
    NEUTRAL_MASS, OUTBURST_ANGER, OUTBURST_INTENSITY, OUTBURST_VALENCE, POLARITY_THRESHOLD,
};
use crate::segment::{is_punct_char, Unit};
use crate::types::{Cue, CueCategory, Emotion, EmotionScores, Escalation, Level, Polarity};

/// The running sums of an utterance: valence, emotion mass, and the trace when explaining.
pub(crate) struct Acc<'t> {
    /// Sum of the valence contributed.
    pub valence: f32,
    /// Emotion mass per emotion (neutral excluded), in `Emotion` order.
    pub emo: [f32; 7],
    /// The explanation being written, if any.
    pub trace: Option<&'t mut Explanation>,
}

impl<'t> Acc<'t> {
    /// Empty sums.
    pub fn new(trace: Option<&'t mut Explanation>) -> Self {
        Acc {
            valence: 0.0,
            emo: [0.0; 7],
            trace,
        }
    }

    /// Add what a unit contributed; `modifiers` are only called when explaining.
    pub fn add(
        &mut self,
        unit: &Unit<'_>,
        source: &str,
        base: f32,
        valence: f32,
        emotion: Option<(Emotion, f32)>,
        modifiers: impl FnOnce() -> Vec<String>,
    ) {
        let (start, end) = (unit.os, unit.oe);
        self.add_at(
            || (unit.text.to_string(), start, end),
            source,
            base,
            valence,
            emotion,
            modifiers,
        );
    }

    /// Add a contribution that no single unit carries (punctuation of a sentence, the
    /// whole utterance); `what` gives its text and original offsets, only when explaining.
    pub fn add_at(
        &mut self,
        what: impl FnOnce() -> (String, usize, usize),
        source: &str,
        base: f32,
        valence: f32,
        emotion: Option<(Emotion, f32)>,
        modifiers: impl FnOnce() -> Vec<String>,
    ) {
        self.valence += valence;
        if let Some((e, w)) = emotion {
            if e != Emotion::Neutral && w > 0.0 {
                self.emo[emo_idx(e)] += w;
            }
        }
        if let Some(tr) = self.trace.as_deref_mut() {
            let (text, start, end) = what();
            tr.contributions.push(Contribution {
                text,
                start,
                end,
                source: source.to_string(),
                base,
                modifiers: modifiers(),
                valence,
                emotion: emotion.map(|e| e.0),
                emotion_weight: emotion.map_or(0.0, |e| e.1),
            });
        }
    }
}

fn emo_idx(e: Emotion) -> usize {
    e as usize
}

/// The utterance's scores, from its sums.
pub(crate) struct Scores {
    pub valence: f32,
    pub polarity: Polarity,
    pub emotions: EmotionScores,
    pub emotion: Emotion,
    pub intensity: f32,
}

/// Valence (the sum squashed into -1..1), polarity, emotion mix (neutral mass added) and
/// intensity (emphasis: the sentences' ！ and the terms' collapsed repeats).
pub(crate) fn scores(acc: &Acc<'_>, sentences: &[SentenceInfo], total_emphasis: u32) -> Scores {
    let s = acc.valence;
    let valence = if s == 0.0 {
        0.0
    } else {
        (s / (s * s + 1.0).sqrt()).clamp(-1.0, 1.0)
    };
    let polarity = if valence > POLARITY_THRESHOLD {
        Polarity::Positive
    } else if valence < -POLARITY_THRESHOLD {
        Polarity::Negative
    } else {
        Polarity::Neutral
    };
    let mass: f32 = acc.emo.iter().sum();
    let denom = mass + NEUTRAL_MASS;
    let mut arr = [0f32; 8];
    for (i, v) in acc.emo.iter().enumerate() {
        arr[i] = v / denom;
    }
    arr[7] = NEUTRAL_MASS / denom;
    let emotions = EmotionScores::from_array(arr);
    let emotion = emotions.dominant();
    let exclaim: u32 = sentences.iter().map(|s| s.exclaim).sum();
    let emphasis = 1.0 + EMPHASIS_STEP * (exclaim + total_emphasis).min(EMPHASIS_MAX_MARKS) as f32;
    let intensity = ((INTENSITY_VALENCE * valence.abs()
        + INTENSITY_EMOTION * (1.0 - emotions.neutral))
        * emphasis)
        .clamp(0.0, 1.0);
    Scores {
        valence,
        polarity,
        emotions,
        emotion,
        intensity,
    }
}

/// Escalation risk of a customer turn: the strongest cue counts in full, the others at
/// [`CUE_DAMPING`] of their weight (two medium cues make a high risk, but only a critical
/// cue makes a critical one); a negative, angry turn adds a little with no cue, and an
/// outburst (see [`is_outburst`]) reaches `medium` with no cue.
pub(crate) fn escalation(
    cues: Vec<Cue>,
    scores: &Scores,
    emo: &[f32; 7],
    statement: bool,
) -> Escalation {
    let valence = scores.valence;
    let strongest = cues
        .iter()
        .enumerate()
        .fold(None::<(usize, f32)>, |b, (i, c)| match b {
            Some((_, w)) if w >= c.weight => b,
            _ => Some((i, c.weight)),
        });
    let keep: f32 = cues
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if strongest.is_some_and(|(s, _)| s == i) {
                1.0 - c.weight
            } else {
                1.0 - CUE_DAMPING * c.weight
            }
        })
        .product();
    let anger = (emo[0] + emo[1]).min(1.0);
    let affect = if valence < 0.0 {
        (AFFECT_VALENCE * -valence + AFFECT_ANGER * anger).min(AFFECT_MAX)
    } else {
        0.0
    };
    let mut risk = (1.0 - keep * (1.0 - affect)).clamp(0.0, 1.0);
    // Impatience and urgency alone are `low` in the gold header, however many: the
    // anxiety they carry does not make them a complaint; anger does (等了一个小时还没到，
    // 我要疯了), as an outburst does.
    let pressing_only = cues
        .iter()
        .filter(|c| c.is_active() && c.weight > MENTION_WEIGHT)
        .all(|c| matches!(c.category, CueCategory::Impatience | CueCategory::Urgency));
    let angry = scores.emotions.anger + scores.emotions.disgust >= OUTBURST_ANGER;
    if pressing_only && !angry && !cues.is_empty() {
        risk = risk.min(Level::Medium.min_risk() - BELOW_LEVEL);
    }
    if statement && is_outburst(scores) {
        risk = risk.max(Level::Medium.min_risk());
    }
    let escalating = cues.iter().any(|c| {
        c.is_active()
            && (c.severity >= HIGH_MIN_SEVERITY
                || (c.category.is_formal() && c.weight > MENTION_WEIGHT))
    });
    if !escalating {
        risk = risk.min(Level::High.min_risk() - BELOW_LEVEL);
    }
    Escalation {
        risk,
        level: Level::from_risk(risk),
        cues,
    }
}

/// Clear anger or disgust with no cue word (这叫什么事, 我对你们彻底失望了): a valence of
/// at most [`OUTBURST_VALENCE`], an anger and disgust share of at least [`OUTBURST_ANGER`]
/// and an intensity of at least [`OUTBURST_INTENSITY`]. The caller guards the scope: only a
/// customer's statement (no question, not aimed at a third party, nothing quoted) counts.
pub(crate) fn is_outburst(scores: &Scores) -> bool {
    scores.valence <= OUTBURST_VALENCE
        && scores.emotions.anger + scores.emotions.disgust >= OUTBURST_ANGER
        && scores.intensity >= OUTBURST_INTENSITY
}

/// No escalation (an agent's turn).
pub(crate) fn no_escalation() -> Escalation {
    Escalation {
        risk: 0.0,
        level: Level::None,
        cues: Vec::new(),
    }
}

/// `score` (which never rolls up) does not pay for it.
pub(crate) fn sketch(text: &str) -> Vec<u32> {
    let mut hashes = [0u32; 64];
    let mut n = 0;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if is_punct_char(c) {
            continue;
        }
        if let Some(p) = prev {
            let mut h: u32 = 0x811c_9dc5;
            h ^= p as u32;
            h = h.wrapping_mul(0x0100_0193);
            h ^= c as u32;
            h = h.wrapping_mul(0x0100_0193);
            hashes[n] = h;
            n += 1;
            if n == hashes.len() {
                break;
            }
        }
        prev = Some(c);
    }
    hashes[..n].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::weights::{CUE_WEIGHT, POLARITY_THRESHOLD as P};

    /// Float tolerance of the expected figures.
    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() <= f32::EPSILON.sqrt()
    }

    fn cue(weight: f32) -> Cue {
        Cue {
            category: crate::types::CueCategory::Complaint,
            text: String::new(),
            start: 0,
            end: 0,
            severity: 3,
            weight,
            negated: false,
            quoted: false,
        }
    }

    /// (summed valence) → (valence, polarity): squashed into -1..1, polar beyond the
    /// threshold.
    #[test]
    fn valence_and_polarity() {
        macro_rules! t {
            ($sum:expr, $valence:expr, $polarity:ident) => {
                let mut acc = Acc::new(None);
                acc.valence = $sum;
                let s = scores(&acc, &[], 0);
                assert!(close(s.valence, $valence), "{}: {}", $sum, s.valence);
                assert_eq!(s.polarity, Polarity::$polarity, "{}", $sum);
            };
        }
        t!(0.0, 0.0, Neutral);
        t!(1.0, std::f32::consts::FRAC_1_SQRT_2, Positive);
        t!(-1.0, -std::f32::consts::FRAC_1_SQRT_2, Negative);
        // Just inside the threshold once squashed.
        t!(P, P / (P * P + 1.0).sqrt(), Neutral);
        t!(-(u16::MAX as f32), -1.0, Negative);
    }

    /// No emotion mass: all neutral; the neutral mass dilutes a little emotion.
    #[test]
    fn emotion_mix() {
        let mut acc = Acc::new(None);
        assert_eq!(scores(&acc, &[], 0).emotion, Emotion::Neutral);
        acc.emo[0] = NEUTRAL_MASS;
        let s = scores(&acc, &[], 0);
        assert_eq!(s.emotions.anger, s.emotions.neutral);
        acc.emo[0] = 1.0;
        assert_eq!(scores(&acc, &[], 0).emotion, Emotion::Anger);
    }

    /// (cue weights, valence) → risk: the strongest cue in full, the others damped;
    /// affect adds a little only with a negative valence.
    #[test]
    fn risk() {
        macro_rules! t {
            ($weights:expr, $valence:expr, $risk:expr) => {
                let cues: Vec<Cue> = $weights.iter().map(|&w| cue(w)).collect();
                // No emotion mass: never an outburst.
                let mut s = scores(&Acc::new(None), &[], 0);
                s.valence = $valence;
                let e = escalation(cues, &s, &[0.0; 7], true);
                assert!(close(e.risk, $risk), "{:?}: {}", $weights, e.risk);
                assert_eq!(e.level, Level::from_risk(e.risk));
            };
        }
        let w = CUE_WEIGHT[3];
        let none: [f32; 0] = [];
        t!(none, 0.0, 0.0);
        t!([w], 0.0, w);
        // A positive valence adds nothing.
        t!([w], 1.0, w);
        // The second cue damped.
        t!([w, w], 0.0, 1.0 - (1.0 - w) * (1.0 - CUE_DAMPING * w));
        // Affect alone, below its cap.
        t!(none, -1.0, AFFECT_VALENCE);
        t!([w], -1.0, 1.0 - (1.0 - w) * (1.0 - AFFECT_VALENCE));
    }

    #[test]
    fn sketch_hashes_bigrams_of_words() {
        assert_eq!(sketch("好"), Vec::<u32>::new());
        assert_eq!(sketch("退款").len(), 1);
        assert_eq!(sketch("退，款"), sketch("退款"));
        assert_eq!(sketch(&"退款".repeat(100)).len(), 64);
    }
}
