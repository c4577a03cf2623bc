//! The call feature vector: named call signals, one number each, computed from a rolled-up
//! conversation. A [`crate::model::CallModel`] weighs a subset of them.
//!
//! Every feature is documented in [`FEATURES`] (name and one line); `docs/model.md` lists
//! them too. Counts enter as `ln(1 + n)` so that one very long call does not dominate a fit.

use super::TurnModel;
use crate::conversation::{NEGATIVE_TURN, POSITIVE_TURN};
use crate::types::{
    AgentCategory, ConversationAnalysis, CueCategory, Emotion, Speaker, UtteranceAnalysis,
};

/// A named feature with its one-line meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureDoc {
    /// The name used in model files.
    pub name: &'static str,
    /// What the number is.
    pub doc: &'static str,
}

macro_rules! features {
    ($($id:ident = $name:literal : $doc:literal,)+) => {
        /// Feature indices, in [`FEATURES`] order.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        enum F { $($id),+ }
        /// Every call feature, in vector order.
        pub const FEATURES: &[FeatureDoc] = &[$(FeatureDoc { name: $name, doc: $doc }),+];
    };
}

features! {
    NegShare = "neg_share": "share of customer turns with valence <= -0.25",
    PosShare = "pos_share": "share of customer turns with valence >= 0.2",
    NegMean = "neg_mean": "mean of -valence over customer turns",
    NegRecency = "neg_recency": "recency-weighted mean of -valence (weight (i+1)/n)",
    NegMax = "neg_max": "-valence of the most negative customer turn",
    NegEnd = "neg_end": "-valence of the last customer turn",
    NegTail = "neg_tail": "mean -valence of the last 3 customer turns",
    NegMoodMean = "neg_mood_mean": "mean of -mood over customer turns (mood = valence - 0.6 x turn risk)",
    AngerMean = "anger_mean": "mean anger + disgust score over customer turns",
    SadMean = "sad_mean": "mean sadness + anxiety score over customer turns",
    TurnRiskMax = "turn_risk_max": "highest escalation risk of a customer turn",
    TurnRiskMean = "turn_risk_mean": "mean escalation risk of customer turns",
    CueDissatisfaction = "cue_dissatisfaction": "ln(1 + active dissatisfaction / abuse cues)",
    CueImpatience = "cue_impatience": "ln(1 + active impatience / repeat-contact / urgency cues)",
    CueRefundChurn = "cue_refund_churn": "ln(1 + active refund / churn cues)",
    CueFormal = "cue_formal": "ln(1 + active supervisor / complaint / regulator / legal / media / harm cues)",
    CueSeverityMax = "cue_severity_max": "highest severity of an active customer cue (0 without)",
    Repeated = "repeated": "ln(1 + customer turns repeating an earlier question after an agent answer)",
    AgentRefusal = "agent_refusal": "share of agent turns that say no (不支持, 没办法, 无法)",
    AgentDeflect = "agent_deflect": "ln(1 + agent shirking / refusal / stonewall phrases)",
    AgentProhibited = "agent_prohibited": "ln(1 + other prohibited agent phrases)",
    AgentEmpathy = "agent_empathy": "share of agent turns with empathy or apology",
    MissedEmpathy = "missed_empathy": "ln(1 + negative customer turns answered without empathy)",
    EmpathyRate = "empathy_rate": "empathy responses / opportunities (1 with no opportunity)",
    EndThanks = "end_thanks": "the last customer turn is grateful or clearly positive (0/1)",
    EndResolved = "end_resolved": "last customer turn positive after an agent ownership / follow-up turn (0/1)",
    CustomerTurns = "customer_turns": "ln(1 + customer turns)",
    AgentShare = "agent_share": "agent turns / all turns (0.5 when no turn is the agent's)",
    RefusedAnswers = "refused_answers": "share of customer turns the agent answered with a refusal or deflection",
    MoodMass = "mood_mass": "ln(1 + negative_mass of CallSignals: max(0, sum of (i+1)/n x -mood over the n customer turns))",
    NegTurns = "neg_turns": "ln(1 + customer turns with valence <= -0.25)",
    AgentRefusals = "agent_refusals": "ln(1 + agent turns that say no)",
    CustLength = "customer_length": "mean ln(1 + char bigrams) of customer turns (at most 64 bigrams counted)",
    NegLate = "neg_share_late": "share of negative customer turns in the second half of the call",
    EndRefused = "end_refused": "the last agent turn says no or deflects (0/1)",
    PoliteRefused = "polite_refused": "ln(1 + customer turns, not negative, that the agent answered with a refusal or deflection)",
    EndUnanswered = "end_unanswered": "the call ends on customer turns the agent did not answer, the last one not grateful or positive (0/1)",
    TurnScoreMax = "turn_score_max": "highest fitted turn dissatisfaction score of a customer turn",
    TurnScoreMean = "turn_score_mean": "mean fitted turn dissatisfaction score over customer turns",
    TurnScoreEnd = "turn_score_end": "fitted turn dissatisfaction score of the last customer turn",
    TurnScoreTail = "turn_score_tail": "mean fitted turn dissatisfaction score of the last 3 customer turns",
    TurnScoreShare = "turn_score_share": "share of customer turns whose fitted dissatisfaction score is >= 0.5",
    TurnScoreRecency = "turn_score_recency": "recency-weighted mean turn dissatisfaction score (weight (i+1)/n)",
    ReaskSimilarity = "reask_similarity": "highest char-bigram Jaccard similarity of a customer turn to one of the 16 before it with an agent turn between",
    ConsecutiveOverlap = "consecutive_overlap": "mean char-bigram Jaccard similarity of consecutive customer turns",
    LengthTrend = "length_trend": "mean ln(1 + char bigrams) of the second half of customer turns minus the first half",
    CurtLate = "curt_late": "share of second-half customer turns, not positive, with at most 2 char bigrams",
    ActionDelay = "action_delay": "share of customer turns before the first agent ownership / follow-up phrase (1 without one)",
    Unactioned = "unactioned": "share of answered customer turns whose answer has no agent ownership / follow-up phrase",
    ApologyDeficit = "apology_deficit": "ln(1 + max(0, negative customer turns - agent turns with empathy or apology))",
    NegXRefusal = "neg_x_refusal": "neg_mean x agent_refusal",
    IntensityMean = "intensity_mean": "mean intensity of customer turns",
    GrudgingTurns = "grudging_turns": "ln(1 + customer turns opening with a grudging acknowledgement (行吧, 好吧), not positive)",
    AgentApology = "agent_apology": "share of agent turns with an apology (抱歉, 对不起)",
    SilentRun = "silent_run": "ln(1 + longest run of customer turns without an agent turn between)",
    LoudShare = "loud_share": "share of customer turns with loud punctuation (！, ？？, 。。, …)",
}

/// Number of features.
pub const N_FEATURES: usize = FEATURES.len();

/// Index of a feature by name.
pub fn feature_index(name: &str) -> Option<usize> {
    FEATURES.iter().position(|f| f.name == name)
}

fn ln1p(n: usize) -> f64 {
    (n as f64).ln_1p()
}

/// `agent_share` of a transcript without agent turns.
const NO_AGENT_SHARE: f64 = 0.5;
/// Last customer turns averaged by `neg_tail`.
const TAIL_TURNS: usize = 3;

fn is_deflection(c: AgentCategory) -> bool {
    matches!(
        c,
        AgentCategory::Shirking | AgentCategory::Refusal | AgentCategory::Stonewall
    )
}

fn set(x: &mut [f64; N_FEATURES], f: F, v: f64) {
    x[f as usize] = v;
}

/// A turn whose fitted dissatisfaction score is at least this counts in `turn_score_share`.
const HIGH_TURN_SCORE: f64 = 0.5;

/// The feature vector of a rolled-up call, in [`FEATURES`] order, its `turn_score_*`
/// features from the built-in turn model.
pub fn call_features(c: &ConversationAnalysis) -> [f64; N_FEATURES] {
    call_features_with(c, TurnModel::builtin())
}

/// The feature vector of a rolled-up call, its `turn_score_*` features from `turn`.
pub fn call_features_with(c: &ConversationAnalysis, turn: &TurnModel) -> [f64; N_FEATURES] {
    features_for(c, Some(turn), true)
}

/// Whether feature `index` is one of the `turn_score_*` features (which need the turn
/// model run over every customer turn).
pub(crate) fn is_turn_score(index: usize) -> bool {
    (F::TurnScoreMax as usize..=F::TurnScoreRecency as usize).contains(&index)
}

/// Whether feature `index` compares customer turns' bigram sets (`reask_similarity`,
/// `consecutive_overlap`), which costs more than the others.
pub(crate) fn is_overlap(index: usize) -> bool {
    index == F::ReaskSimilarity as usize || index == F::ConsecutiveOverlap as usize
}

/// The feature vector; without a turn model the `turn_score_*` features are 0, and
/// without `overlap` the [`is_overlap`] ones (a model that does not use them need not pay
/// for them).
pub(crate) fn features_for(
    c: &ConversationAnalysis,
    turn: Option<&TurnModel>,
    overlap: bool,
) -> [f64; N_FEATURES] {
    let mut x = [0f64; N_FEATURES];
    let turns = &c.turns;
    let cust: Vec<usize> = c.customer_valence.iter().map(|t| t.turn).collect();
    let vals: Vec<f64> = c
        .customer_valence
        .iter()
        .map(|t| t.valence as f64)
        .collect();
    mood_features(&mut x, c, &cust, &vals);
    cue_features(&mut x, turns, &cust);
    set(&mut x, F::Repeated, ln1p(c.signals.repeated_questions));
    let agent: Vec<usize> = (0..turns.len())
        .filter(|&i| turns[i].speaker == Speaker::Agent)
        .collect();
    agent_features(&mut x, c, &agent);
    end_features(&mut x, turns, &cust, &agent);
    shape_features(&mut x, c, &cust, &vals, &agent);
    structure_features(&mut x, turns, &cust, &vals, &agent);
    if overlap {
        overlap_features(&mut x, turns, &cust);
    }
    if let Some(turn) = turn {
        turn_score_features(&mut x, &turn.scores(c));
    }
    x
}

/// Bigrams a turn needs for its similarity to count in `reask_similarity`.
const REASK_MIN_BIGRAMS: usize = 3;
/// Earlier customer turns a turn is compared with for `reask_similarity` (bounds the work
/// on very long calls).
const REASK_WINDOW: usize = 16;
/// A customer turn with at most this many char bigrams is curt (`curt_late`).
const CURT_BIGRAMS: usize = 2;

/// Jaccard similarity of two sorted, deduplicated hash sets (0 when both are empty), in
/// `f64` (the roll-up's `repeats::similarity` is `f32`).
fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (common, union) = crate::conversation::repeats::common_and_union(a, b);
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

fn acts(a: &UtteranceAnalysis) -> bool {
    a.speaker == Speaker::Agent
        && a.agent.iter().any(|m| {
            !m.negated
                && matches!(
                    m.category,
                    AgentCategory::Ownership | AgentCategory::Followup
                )
        })
}

/// Re-asking and overlap: customer turns' bigram sets compared (only for a model that
/// uses [`is_overlap`] features).
fn overlap_features(x: &mut [f64; N_FEATURES], turns: &[UtteranceAnalysis], cust: &[usize]) {
    let n = cust.len();
    let sketches: Vec<Vec<u32>> = cust
        .iter()
        .map(|&i| {
            let mut s = turns[i].sketch.clone();
            s.sort_unstable();
            s.dedup();
            s
        })
        .collect();
    // The last agent turn before each turn: an agent turn lies between customer turns
    // k < j when the one before j comes after k.
    let mut last_agent = None;
    let mut agent_before = vec![None; turns.len()];
    for (i, t) in turns.iter().enumerate() {
        agent_before[i] = last_agent;
        if t.speaker == Speaker::Agent {
            last_agent = Some(i);
        }
    }
    let mut reask = 0f64;
    for j in 1..n {
        if sketches[j].len() < REASK_MIN_BIGRAMS {
            continue;
        }
        for k in j.saturating_sub(REASK_WINDOW)..j {
            if agent_before[cust[j]].is_some_and(|a| a > cust[k]) {
                reask = reask.max(jaccard(&sketches[k], &sketches[j]));
            }
        }
    }
    set(x, F::ReaskSimilarity, reask);
    if n > 1 {
        let overlap: f64 = (1..n)
            .map(|j| jaccard(&sketches[j - 1], &sketches[j]))
            .sum();
        set(x, F::ConsecutiveOverlap, overlap / (n - 1) as f64);
    }
}

/// Lexicon-light structure: length trend, curt replies, when the agent first
/// acts, answers without action, apologies against negativity, runs without an answer.
fn structure_features(
    x: &mut [f64; N_FEATURES],
    turns: &[UtteranceAnalysis],
    cust: &[usize],
    vals: &[f64],
    agent: &[usize],
) {
    let n = cust.len();
    if n == 0 {
        return;
    }
    if n > 1 {
        let len = |k: usize| ln1p(turns[cust[k]].sketch.len());
        let mean = |r: std::ops::Range<usize>| {
            let m = r.len().max(1) as f64;
            r.map(len).sum::<f64>() / m
        };
        set(x, F::LengthTrend, mean(n / 2..n) - mean(0..n / 2));
    }
    let late = n / 2..n;
    let curt = late
        .clone()
        .filter(|&k| turns[cust[k]].sketch.len() <= CURT_BIGRAMS && vals[k] < POSITIVE_TURN as f64)
        .count();
    set(x, F::CurtLate, curt as f64 / late.len() as f64);
    let first_act = agent.iter().copied().find(|&i| acts(&turns[i]));
    let before = first_act.map_or(n, |a| cust.iter().filter(|&&i| i < a).count());
    set(x, F::ActionDelay, before as f64 / n as f64);
    let (mut answered, mut unactioned) = (0usize, 0usize);
    for (k, &i) in cust.iter().enumerate() {
        let end = cust.get(k + 1).copied().unwrap_or(turns.len());
        let answer = &turns[i + 1..end];
        if answer.iter().any(|t| t.speaker == Speaker::Agent) {
            answered += 1;
            if !answer.iter().any(acts) {
                unactioned += 1;
            }
        }
    }
    if answered > 0 {
        set(x, F::Unactioned, unactioned as f64 / answered as f64);
    }
    let negative = vals.iter().filter(|&&v| v <= NEGATIVE_TURN as f64).count();
    let empathic = agent
        .iter()
        .filter(|&&i| {
            turns[i]
                .agent
                .iter()
                .any(|m| !m.negated && m.category.is_empathic())
        })
        .count();
    set(
        x,
        F::ApologyDeficit,
        ln1p(negative.saturating_sub(empathic)),
    );
    let apologies = agent
        .iter()
        .filter(|&&i| {
            turns[i]
                .agent
                .iter()
                .any(|m| !m.negated && m.category == AgentCategory::Apology)
        })
        .count();
    if !agent.is_empty() {
        set(x, F::AgentApology, apologies as f64 / agent.len() as f64);
    }
    set(
        x,
        F::NegXRefusal,
        x[F::NegMean as usize] * x[F::AgentRefusal as usize],
    );
    let intensity: f64 = cust.iter().map(|&i| turns[i].intensity as f64).sum();
    set(x, F::IntensityMean, intensity / n as f64);
    let grudging = cust
        .iter()
        .zip(vals)
        .filter(|(&i, &v)| turns[i].grudging && v < POSITIVE_TURN as f64)
        .count();
    set(x, F::GrudgingTurns, ln1p(grudging));
    let loud = cust.iter().filter(|&&i| turns[i].loud).count();
    set(x, F::LoudShare, loud as f64 / n as f64);
    let (mut run, mut longest) = (0usize, 0usize);
    for t in turns {
        if t.speaker == Speaker::Agent {
            run = 0;
        } else {
            run += 1;
            longest = longest.max(run);
        }
    }
    set(x, F::SilentRun, ln1p(longest));
}

/// The fitted turn scores rolled up: highest, mean, end, tail, share of high, recency.
fn turn_score_features(x: &mut [f64; N_FEATURES], s: &[f64]) {
    let n = s.len();
    if n == 0 {
        return;
    }
    let nf = n as f64;
    set(x, F::TurnScoreMax, s.iter().copied().fold(0.0, f64::max));
    set(x, F::TurnScoreMean, s.iter().sum::<f64>() / nf);
    set(x, F::TurnScoreEnd, s[n - 1]);
    let tail = &s[n.saturating_sub(TAIL_TURNS)..];
    set(
        x,
        F::TurnScoreTail,
        tail.iter().sum::<f64>() / tail.len() as f64,
    );
    let high = s.iter().filter(|&&v| v >= HIGH_TURN_SCORE).count();
    set(x, F::TurnScoreShare, high as f64 / nf);
    let wsum: f64 = (1..=n).map(|i| i as f64).sum();
    let rec: f64 = s
        .iter()
        .enumerate()
        .map(|(i, v)| (i as f64 + 1.0) * v)
        .sum();
    set(x, F::TurnScoreRecency, rec / wsum);
}

/// The customer's mood: shares, means, extremes, recency, emotions, turn risk.
fn mood_features(
    x: &mut [f64; N_FEATURES],
    c: &ConversationAnalysis,
    cust: &[usize],
    vals: &[f64],
) {
    let n = vals.len();
    if n == 0 {
        return;
    }
    let nf = n as f64;
    let share = |keep: &dyn Fn(f64) -> bool| vals.iter().filter(|&&v| keep(v)).count() as f64 / nf;
    set(x, F::NegShare, share(&|v| v <= NEGATIVE_TURN as f64));
    set(x, F::PosShare, share(&|v| v >= POSITIVE_TURN as f64));
    set(x, F::NegMean, -vals.iter().sum::<f64>() / nf);
    let wsum: f64 = (1..=n).map(|i| i as f64).sum();
    let rec: f64 = vals
        .iter()
        .enumerate()
        .map(|(i, v)| (i as f64 + 1.0) * -v)
        .sum();
    set(x, F::NegRecency, rec / wsum);
    set(
        x,
        F::NegMax,
        -vals.iter().copied().fold(f64::INFINITY, f64::min),
    );
    set(x, F::NegEnd, -vals[n - 1]);
    let tail = &vals[n.saturating_sub(TAIL_TURNS)..];
    set(x, F::NegTail, -tail.iter().sum::<f64>() / tail.len() as f64);
    let (mut anger, mut sad, mut rmax, mut rsum) = (0f64, 0f64, 0f64, 0f64);
    for &i in cust {
        let t = &c.turns[i];
        let r = t.escalation.risk as f64;
        anger += (t.emotions.anger + t.emotions.disgust) as f64;
        sad += (t.emotions.sadness + t.emotions.anxiety) as f64;
        rmax = rmax.max(r);
        rsum += r;
    }
    set(x, F::NegMoodMean, -c.signals.mood_mean as f64);
    set(x, F::AngerMean, anger / nf);
    set(x, F::SadMean, sad / nf);
    set(x, F::TurnRiskMax, rmax);
    set(x, F::TurnRiskMean, rsum / nf);
}

/// Active customer cues by kind, and the highest severity.
fn cue_features(x: &mut [f64; N_FEATURES], turns: &[UtteranceAnalysis], cust: &[usize]) {
    let (mut dis, mut imp, mut refund, mut formal, mut sev) = (0, 0, 0, 0, 0u8);
    for &i in cust {
        for cue in turns[i]
            .escalation
            .cues
            .iter()
            .filter(|c| c.is_active() && c.weight > 0.0)
        {
            sev = sev.max(cue.severity);
            match cue.category {
                CueCategory::Dissatisfaction | CueCategory::Abuse => dis += 1,
                CueCategory::Impatience | CueCategory::RepeatContact | CueCategory::Urgency => {
                    imp += 1
                }
                CueCategory::Refund | CueCategory::Churn => refund += 1,
                _ => formal += 1,
            }
        }
    }
    set(x, F::CueDissatisfaction, ln1p(dis));
    set(x, F::CueImpatience, ln1p(imp));
    set(x, F::CueRefundChurn, ln1p(refund));
    set(x, F::CueFormal, ln1p(formal));
    set(x, F::CueSeverityMax, sev as f64);
}

/// An agent turn says no: a refusal, or an active deflecting phrase.
pub(super) fn says_no(a: &UtteranceAnalysis) -> bool {
    a.refusals > 0
        || a.agent
            .iter()
            .any(|m| !m.negated && is_deflection(m.category))
}

/// Agent conduct: refusals, deflections, prohibited phrases, empathy.
fn agent_features(x: &mut [f64; N_FEATURES], c: &ConversationAnalysis, agent: &[usize]) {
    let (mut refusing, mut deflect, mut prohibited, mut empathic) = (0, 0, 0, 0);
    for &i in agent {
        let t = &c.turns[i];
        if t.refusals > 0 {
            refusing += 1;
        }
        let active = || t.agent.iter().filter(|m| !m.negated);
        deflect += active().filter(|m| is_deflection(m.category)).count();
        prohibited += active()
            .filter(|m| m.kind == crate::types::AgentKind::Prohibited && !is_deflection(m.category))
            .count();
        if active().any(|m| m.category.is_empathic()) {
            empathic += 1;
        }
    }
    let na = agent.len();
    if na > 0 {
        set(x, F::AgentRefusal, refusing as f64 / na as f64);
        set(x, F::AgentEmpathy, empathic as f64 / na as f64);
    }
    set(x, F::AgentDeflect, ln1p(deflect));
    set(x, F::AgentProhibited, ln1p(prohibited));
    set(x, F::AgentRefusals, ln1p(refusing));
    set(
        x,
        F::MissedEmpathy,
        ln1p(c.agent_qa.missed_empathy_turns.len()),
    );
    set(
        x,
        F::EmpathyRate,
        c.agent_qa.empathy_rate.map_or(1.0, |r| r as f64),
    );
}

/// How the call ends: thanks, resolution after an agent action, a last agent no.
fn end_features(
    x: &mut [f64; N_FEATURES],
    turns: &[UtteranceAnalysis],
    cust: &[usize],
    agent: &[usize],
) {
    if let Some(&last) = cust.last() {
        let t = &turns[last];
        let positive = t.emotion == Emotion::Gratitude
            || t.emotion == Emotion::Joy
            || t.valence >= POSITIVE_TURN;
        set(x, F::EndThanks, positive as u8 as f64);
        let acted = turns[..last].iter().any(|a| {
            a.speaker == Speaker::Agent
                && a.agent.iter().any(|m| {
                    !m.negated
                        && matches!(
                            m.category,
                            AgentCategory::Ownership | AgentCategory::Followup
                        )
                })
        });
        set(x, F::EndResolved, (positive && acted) as u8 as f64);
    }
    if let Some(&last) = agent.last() {
        set(x, F::EndRefused, says_no(&turns[last]) as u8 as f64);
    }
    if let (Some(&c), Some(&a)) = (cust.last(), agent.last()) {
        let thanks = x[F::EndThanks as usize] > 0.0;
        set(x, F::EndUnanswered, (c > a && !thanks) as u8 as f64);
    }
}

/// The call's shape: lengths, the agent's share, refused answers, mood mass, late
/// negativity.
fn shape_features(
    x: &mut [f64; N_FEATURES],
    c: &ConversationAnalysis,
    cust: &[usize],
    vals: &[f64],
    agent: &[usize],
) {
    let turns = &c.turns;
    let n = vals.len();
    let nf = n.max(1) as f64;
    set(x, F::CustomerTurns, ln1p(n));
    // A transcript with no agent turn at all (customer side only) reads as an ordinary
    // exchange: one agent turn per customer turn.
    let share = if agent.is_empty() {
        NO_AGENT_SHARE
    } else {
        agent.len() as f64 / turns.len() as f64
    };
    set(x, F::AgentShare, share);
    // Customer turns whose answer was a refusal or deflection.
    let refused_answers = cust
        .iter()
        .enumerate()
        .filter(|&(k, &i)| {
            let end = cust.get(k + 1).copied().unwrap_or(turns.len());
            turns[i + 1..end]
                .iter()
                .any(|a| a.speaker == Speaker::Agent && says_no(a))
        })
        .count();
    set(x, F::RefusedAnswers, refused_answers as f64 / nf);
    // The same, counting only customer turns that were not negative: the polite customer
    // who was told no, and whose mood says nothing.
    let polite_refused = cust
        .iter()
        .enumerate()
        .filter(|&(k, &i)| {
            let end = cust.get(k + 1).copied().unwrap_or(turns.len());
            vals[k] > NEGATIVE_TURN as f64
                && turns[i + 1..end]
                    .iter()
                    .any(|a| a.speaker == Speaker::Agent && says_no(a))
        })
        .count();
    set(x, F::PoliteRefused, ln1p(polite_refused));
    set(
        x,
        F::MoodMass,
        (c.signals.negative_mass as f64).max(0.0).ln_1p(),
    );
    let negative = |v: &&f64| **v <= NEGATIVE_TURN as f64;
    set(x, F::NegTurns, ln1p(vals.iter().filter(negative).count()));
    let length: f64 = cust.iter().map(|&i| ln1p(turns[i].sketch.len())).sum();
    set(x, F::CustLength, length / nf);
    let late = &vals[n / 2..];
    if !late.is_empty() {
        set(
            x,
            F::NegLate,
            late.iter().filter(negative).count() as f64 / late.len() as f64,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TurnModel;
    use crate::{Analyzer, Turn};

    fn x(turns: &[Turn]) -> [f64; N_FEATURES] {
        call_features(&Analyzer::new().analyze_conversation(turns))
    }

    #[test]
    fn loud_share_is_the_share_of_customer_turns_with_loud_punctuation() {
        let call = x(&[
            Turn::customer("我的快递呢？？"),
            Turn::agent("您好，请提供单号！"),
            Turn::customer("单号是123。"),
            Turn::customer("快点吧！"),
        ]);
        // Two of the three customer turns; the agent's ！ does not count.
        assert!((call[F::LoudShare as usize] - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(
            x(&[Turn::customer("好的，谢谢。")])[F::LoudShare as usize],
            0.0
        );
    }

    #[test]
    fn polite_refused_counts_calm_turns_answered_with_a_no() {
        let polite = x(&[
            Turn::customer("你好，我想问下这个能退吗"),
            Turn::agent("这个没办法，不支持"),
            Turn::customer("那能换货吗"),
            Turn::agent("好的，我帮您申请"),
        ]);
        assert_eq!(polite[F::PoliteRefused as usize], 1f64.ln_1p());
        // An upset turn told no counts in refused_answers, not here.
        let upset = x(&[
            Turn::customer("太失望了，气死我了"),
            Turn::agent("这个没办法"),
        ]);
        assert_eq!(upset[F::PoliteRefused as usize], 0.0);
        assert!(upset[F::RefusedAnswers as usize] > 0.0);
    }

    #[test]
    fn end_unanswered_is_a_last_word_left_without_answer_and_not_thanks() {
        let left = x(&[
            Turn::customer("查一下订单"),
            Turn::agent("请稍等"),
            Turn::customer("怎么还没到"),
        ]);
        assert_eq!(left[F::EndUnanswered as usize], 1.0);
        let thanked = x(&[
            Turn::customer("查一下订单"),
            Turn::agent("请稍等"),
            Turn::customer("好的，谢谢"),
        ]);
        assert_eq!(thanked[F::EndUnanswered as usize], 0.0);
    }

    #[test]
    fn apology_deficit_counts_negative_turns_the_agent_did_not_soothe() {
        let unsoothed = x(&[
            Turn::customer("太失望了，气死我了"),
            Turn::agent("请提供订单号"),
            Turn::customer("你们这什么服务，太差了"),
            Turn::agent("好的"),
        ]);
        assert_eq!(unsoothed[F::ApologyDeficit as usize], 2f64.ln_1p());
        let soothed = x(&[
            Turn::customer("太失望了，气死我了"),
            Turn::agent("非常抱歉给您带来不便"),
            Turn::customer("你们这什么服务，太差了"),
            Turn::agent("好的"),
        ]);
        assert_eq!(soothed[F::ApologyDeficit as usize], 1f64.ln_1p());
        assert_eq!(soothed[F::AgentApology as usize], 0.5);
    }

    #[test]
    fn structure_features_read_turn_shapes_not_words() {
        let c = x(&[
            Turn::customer("我的订单什么时候发货"),
            Turn::customer("很急"),
            Turn::agent("请稍等"),
            Turn::customer("我的订单什么时候发货啊"),
            Turn::agent("我来帮您处理"),
            Turn::customer("嗯"),
        ]);
        // The question asked again across an agent answer (only computed when asked).
        let c0 = Analyzer::new().analyze_conversation(&[
            Turn::customer("我的订单什么时候发货"),
            Turn::agent("请稍等"),
            Turn::customer("我的订单什么时候发货啊"),
        ]);
        assert_eq!(
            features_for(&c0, None, false)[F::ReaskSimilarity as usize],
            0.0
        );
        assert!(features_for(&c0, None, true)[F::ReaskSimilarity as usize] > 0.7);
        assert!(
            c[F::ReaskSimilarity as usize] > 0.7,
            "{}",
            c[F::ReaskSimilarity as usize]
        );
        // Two customer turns before the agent's first answer.
        assert_eq!(c[F::SilentRun as usize], 2f64.ln_1p());
        // The agent first acts (我来帮您) after three of the four customer turns.
        assert_eq!(c[F::ActionDelay as usize], 0.75);
        // Of the two answered customer turns, the first answer has no action.
        assert_eq!(c[F::Unactioned as usize], 0.5);
        // The last half is shorter than the first: the trend is negative; 嗯 is curt.
        assert!(c[F::LengthTrend as usize] < 0.0);
        assert_eq!(c[F::CurtLate as usize], 0.5);
    }

    #[test]
    fn turn_scores_come_from_the_turn_model_only_when_asked() {
        let c = Analyzer::new().analyze_conversation(&[
            Turn::customer("查一下订单"),
            Turn::agent("请稍等"),
            Turn::customer("太失望了"),
        ]);
        let with = call_features_with(&c, TurnModel::builtin());
        let scores = TurnModel::builtin().scores(&c);
        assert_eq!(with[F::TurnScoreEnd as usize], scores[1]);
        assert!(scores[1] > scores[0]);
        let without = features_for(&c, None, false);
        assert_eq!(without[F::TurnScoreMax as usize], 0.0);
        assert!(is_overlap(F::ReaskSimilarity as usize) && !is_overlap(F::ApologyDeficit as usize));
        assert!(
            is_turn_score(F::TurnScoreShare as usize) && !is_turn_score(F::EndUnanswered as usize)
        );
    }
}
