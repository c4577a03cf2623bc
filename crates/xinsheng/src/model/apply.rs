//! Applying a call model to a rolled-up call: the risk becomes the model's probability,
//! the reasons its largest positive contributions with their evidence, and explicit
//! threats stay rules: a formal or external threat (an active supervisor, complaint,
//! regulator, legal, media or harm cue of severity ≥ 4) is at least `high`; a threat of
//! violence or self-harm, or a regulator, legal or media threat of severity 5, `critical`;
//! and a call whose agent used a prohibited phrase of severity ≥ 4 is at least `medium`.

use super::features::says_no;
use super::{CallModel, FEATURES};
use crate::conversation::NEGATIVE_TURN;
use crate::types::{
    ConversationAnalysis, CueCategory, Level, ProhibitedHit, Reason, ReasonKind, Speaker,
    UtteranceAnalysis,
};

/// Contributions (log-odds) below this are not listed as reasons.
pub const MIN_REASON: f64 = 0.05;
/// Severity of a harm or external (regulator, legal, media) cue that makes a call
/// critical.
const CRITICAL_SEVERITY: u8 = 5;
/// An active prohibited agent phrase of at least this severity (hostile or abusive words,
/// a private deal, a privacy breach, a false claim, "not my department" …) puts the call
/// on the QA worklist whatever the customer's mood: the model reads the customer, and a
/// polite customer can meet an agent at their worst.
pub const CONDUCT_SEVERITY: u8 = 4;
/// The level a call with such a phrase is at least.
pub const CONDUCT_LEVEL: Level = Level::Medium;

/// The reason kind a feature's contribution is shown as.
fn kind_of(feature: &str) -> ReasonKind {
    match feature {
        "neg_end" | "neg_tail" => ReasonKind::NegativeEnding,
        "turn_risk_max"
        | "turn_risk_mean"
        | "cue_dissatisfaction"
        | "cue_refund_churn"
        | "cue_formal"
        | "cue_severity_max"
        | "anger_mean" => ReasonKind::Cue,
        "cue_impatience" | "repeated" => ReasonKind::RepeatContact,
        "agent_refusal" | "agent_refusals" | "agent_deflect" | "refused_answers"
        | "polite_refused" | "end_refused" => ReasonKind::AgentRefusal,
        "agent_prohibited" => ReasonKind::AgentProhibited,
        "missed_empathy" | "empathy_rate" | "apology_deficit" => ReasonKind::NoEmpathy,
        "customer_turns" | "agent_share" | "customer_length" => ReasonKind::LongExchange,
        _ => ReasonKind::PersistentNegativity,
    }
}

fn customer_turns(c: &ConversationAnalysis) -> impl Iterator<Item = (usize, &UtteranceAnalysis)> {
    c.turns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.speaker != Speaker::Agent)
}

/// The turn and text that show a feature's value.
fn evidence(c: &ConversationAnalysis, feature: &str) -> (Option<usize>, String) {
    let strongest_cue = |pick: &dyn Fn(CueCategory) -> bool| {
        customer_turns(c)
            .flat_map(|(i, t)| {
                t.escalation
                    .cues
                    .iter()
                    .filter(|q| q.is_active() && q.weight > 0.0 && pick(q.category))
                    .map(move |q| (i, q))
            })
            .fold(
                None,
                |best: Option<(usize, &crate::types::Cue)>, (i, q)| match best {
                    Some((_, b)) if b.weight >= q.weight => best,
                    _ => Some((i, q)),
                },
            )
            .map(|(i, q)| (Some(i), format!("{}: {}", q.category, q.text)))
    };
    let negative = c
        .customer_valence
        .iter()
        .filter(|t| t.valence <= NEGATIVE_TURN)
        .count();
    let total = c.customer_valence.len();
    match feature {
        "neg_end" | "neg_tail" => match c.customer_valence.last() {
            Some(t) => (
                Some(t.turn),
                format!("last customer turn valence {:.2}", t.valence),
            ),
            None => (None, "no customer turn".into()),
        },
        "turn_risk_max" | "turn_risk_mean" | "cue_severity_max" | "anger_mean" => {
            strongest_cue(&|_| true).unwrap_or_else(|| {
                let top = customer_turns(c).max_by(|a, b| {
                    a.1.escalation
                        .risk
                        .total_cmp(&b.1.escalation.risk)
                        .then(b.0.cmp(&a.0))
                });
                (
                    top.map(|(i, _)| i),
                    format!(
                        "highest turn risk {:.2}",
                        top.map_or(0.0, |(_, t)| t.escalation.risk)
                    ),
                )
            })
        }
        "cue_dissatisfaction" => {
            strongest_cue(&|k| matches!(k, CueCategory::Dissatisfaction | CueCategory::Abuse))
                .unwrap_or((None, String::new()))
        }
        "cue_impatience" => strongest_cue(&|k| {
            matches!(
                k,
                CueCategory::Impatience | CueCategory::RepeatContact | CueCategory::Urgency
            )
        })
        .unwrap_or((None, String::new())),
        "cue_refund_churn" => {
            strongest_cue(&|k| matches!(k, CueCategory::Refund | CueCategory::Churn))
                .unwrap_or((None, String::new()))
        }
        "agent_refusal" | "agent_refusals" | "agent_deflect" | "refused_answers"
        | "polite_refused" | "end_refused" => {
            let no: Vec<usize> = (0..c.turns.len())
                .filter(|&i| c.turns[i].speaker == Speaker::Agent && says_no(&c.turns[i]))
                .collect();
            (
                no.first().copied(),
                format!("{} agent turn(s) said no or deflected", no.len()),
            )
        }
        "missed_empathy" | "empathy_rate" | "apology_deficit" => (
            c.agent_qa.missed_empathy_turns.first().copied(),
            format!(
                "{} negative customer turn(s) answered without empathy",
                c.agent_qa.missed_empathy_turns.len()
            ),
        ),
        "agent_empathy" | "agent_apology" => soothing_evidence(c),
        "loud_share" => loud_evidence(c, total),
        "customer_turns" | "agent_share" | "customer_length" => (
            None,
            format!(
                "{total} customer turns, {} agent turns",
                c.agent_qa.agent_turns
            ),
        ),
        _ => {
            let first = c
                .customer_valence
                .iter()
                .find(|t| t.valence <= NEGATIVE_TURN)
                .or_else(|| {
                    c.customer_valence
                        .iter()
                        .min_by(|a, b| a.valence.total_cmp(&b.valence))
                });
            (
                first.map(|t| t.turn),
                format!(
                    "negative mood mass {:.2} over {total} customer turns, {negative} clearly negative",
                    c.signals.negative_mass
                ),
            )
        }
    }
}

/// The first agent turn that apologized or soothed, and how many did.
fn soothing_evidence(c: &ConversationAnalysis) -> (Option<usize>, String) {
    let soothing: Vec<usize> = (0..c.turns.len())
        .filter(|&i| {
            let t = &c.turns[i];
            t.speaker == Speaker::Agent
                && t.agent
                    .iter()
                    .any(|m| !m.negated && m.category.is_empathic())
        })
        .collect();
    (
        soothing.first().copied(),
        format!(
            "the agent apologized or soothed in {} of {} turns: a problem the agent acknowledged",
            soothing.len(),
            c.agent_qa.agent_turns
        ),
    )
}

/// The first loud customer turn, and how many of the `total` customer turns were loud.
fn loud_evidence(c: &ConversationAnalysis, total: usize) -> (Option<usize>, String) {
    let loud: Vec<usize> = customer_turns(c)
        .filter(|(_, t)| t.loud)
        .map(|(i, _)| i)
        .collect();
    (
        loud.first().copied(),
        format!(
            "{} of {total} customer turns said loudly (！, ？？, 。。, …)",
            loud.len()
        ),
    )
}

/// Replace the hand-set call risk of `c` by the model's.
pub(crate) fn apply(model: &CallModel, c: &mut ConversationAnalysis) {
    // The turn model runs over every customer turn: only when the model reads its scores.
    let turn = model
        .terms
        .iter()
        .any(|t| super::features::is_turn_score(t.index))
        .then(super::TurnModel::builtin);
    let overlap = model
        .terms
        .iter()
        .any(|t| super::features::is_overlap(t.index));
    let x = super::features::features_for(c, turn, overlap);
    let z = model.log_odds(&x);
    let p = super::sigmoid(z);
    let mut reasons: Vec<Reason> = c
        .escalation
        .reasons
        .iter()
        .filter(|r| r.kind == ReasonKind::ExplicitThreat)
        .cloned()
        .collect();
    // Only where the conduct floor applies (no threat lifts the call further).
    if !c.escalation.escalated {
        reasons.extend(conduct_reason(c, p as f32));
    }
    // Reasons are signals that are high on this call and raise its risk; a feature with a
    // negative weight only corrects the others (a low value is not a reason).
    for contrib in model.contributions(&x) {
        if contrib.value < MIN_REASON {
            break;
        }
        if contrib.z <= 0.0 {
            continue;
        }
        let name = FEATURES[contrib.index].name;
        let (turn, text) = evidence(c, name);
        reasons.push(Reason {
            kind: kind_of(name),
            turn,
            detail: if text.is_empty() {
                name.to_string()
            } else {
                format!("{name}: {text}")
            },
            // How much lower the risk would be without this contribution.
            weight: (p - super::sigmoid(z - contrib.value)) as f32,
        });
    }
    let risk = with_rules(c, p) as f32;
    c.escalation.risk = risk;
    c.escalation.level = Level::from_risk(risk);
    c.escalation.reasons = reasons;
}

/// A threat of violence or self-harm, or of the regulator, the law or the media at the
/// highest severity (打12315, 起诉, 曝光).
fn critical_threat(c: &ConversationAnalysis) -> bool {
    customer_turns(c).any(|(_, t)| {
        t.escalation.cues.iter().any(|q| {
            q.is_active()
                && q.severity >= CRITICAL_SEVERITY
                && matches!(
                    q.category,
                    CueCategory::Harm
                        | CueCategory::Regulator
                        | CueCategory::Legal
                        | CueCategory::Media
                )
        })
    })
}

/// The agent's most severe prohibited phrase of at least [`CONDUCT_SEVERITY`] (the first
/// of equals), and how many such phrases the call has.
fn severe_conduct(c: &ConversationAnalysis) -> Option<(&ProhibitedHit, usize)> {
    let severe = || {
        c.agent_qa
            .prohibited
            .iter()
            .filter(|h| h.severity >= CONDUCT_SEVERITY)
    };
    let top = severe().fold(None, |best: Option<&ProhibitedHit>, h| match best {
        Some(b) if b.severity >= h.severity => best,
        _ => Some(h),
    })?;
    Some((top, severe().count()))
}

/// The reason a severe prohibited agent phrase gives: the phrase and its turn; its weight
/// is how much the conduct floor raised the risk `p` (0 when the model already put the
/// call at [`CONDUCT_LEVEL`] or above: the phrase is still shown for QA review).
fn conduct_reason(c: &ConversationAnalysis, p: f32) -> Option<Reason> {
    let (hit, n) = severe_conduct(c)?;
    Some(Reason {
        kind: ReasonKind::AgentProhibited,
        turn: Some(hit.turn),
        detail: format!(
            "agent conduct ({n} prohibited phrase(s) of severity >= {CONDUCT_SEVERITY}): {}: {}",
            hit.category, hit.text
        ),
        weight: (lift(p, CONDUCT_LEVEL) - p).max(0.0),
    })
}

/// A call's risk `p` (the model's probability) after the rules: a formal or external
/// threat makes it at least `high`, a threat of violence, self-harm or a severity-5
/// regulator / legal / media threat `critical`, and an agent's prohibited phrase of
/// severity >= [`CONDUCT_SEVERITY`] at least [`CONDUCT_LEVEL`] (for QA review). Inside a
/// level's band the model's order is kept.
///
/// ```
/// use xinsheng::model::with_rules;
/// use xinsheng::{Analyzer, Level, Turn};
///
/// let call = Analyzer::new().analyze_conversation(&[
///     Turn::customer("我的快递到哪了"),
///     Turn::agent("你爱信不信，自己去查"),
/// ]);
/// assert!(Level::from_risk(with_rules(&call, 0.01) as f32) >= Level::Medium);
/// ```
pub fn with_rules(c: &ConversationAnalysis, p: f64) -> f64 {
    let mut risk = p as f32;
    // The conduct floor only where no threat rule lifts the call further, so a threat's
    // lift is the same with or without a prohibited phrase.
    if !c.escalation.escalated && severe_conduct(c).is_some() {
        risk = lift(risk, CONDUCT_LEVEL);
    }
    if c.escalation.escalated {
        risk = lift(risk, Level::High);
    }
    if critical_threat(c) {
        risk = lift(risk, Level::Critical);
    }
    risk as f64
}

/// Raise a probability `p` into `level`'s band when a rule says the call is at least
/// that level, keeping the model's order inside the band: `floor + (top − floor) · p`
/// (`top`: the next level's floor, or 1), or `p` itself when it is higher. Calls held up
/// by the same rule are not all tied at the floor, so the worklist still ranks them.
fn lift(p: f32, level: Level) -> f32 {
    let floor = level.min_risk();
    let top = match level {
        Level::None => Level::Low.min_risk(),
        Level::Low => Level::Medium.min_risk(),
        Level::Medium => Level::High.min_risk(),
        Level::High => Level::Critical.min_risk(),
        Level::Critical => 1.0,
    };
    p.max(floor + (top - floor) * p)
}

#[cfg(test)]
mod tests {
    use crate::{Analyzer, Level, ReasonKind, Turn};

    #[test]
    fn a_rule_lifts_into_the_band_and_keeps_the_order() {
        use super::lift;
        let (a, b) = (lift(0.05, Level::Critical), lift(0.30, Level::Critical));
        assert!(Level::from_risk(a) == Level::Critical && Level::from_risk(b) == Level::Critical);
        assert!(a < b, "{a} {b}");
        assert!(Level::from_risk(lift(0.10, Level::High)) == Level::High);
        assert_eq!(lift(0.95, Level::High), 0.95);
    }

    fn an() -> &'static Analyzer {
        static A: std::sync::OnceLock<Analyzer> = std::sync::OnceLock::new();
        A.get_or_init(Analyzer::new)
    }

    #[test]
    fn threats_stay_rules_whatever_the_model_says() {
        // A polite complaint threat: the model alone would not make it high.
        let c = an().analyze_conversation(&[
            Turn::customer("你好，麻烦帮我查下订单"),
            Turn::agent("好的"),
            Turn::customer("再不处理我就投诉"),
        ]);
        assert!(c.escalation.escalated);
        assert!(c.escalation.level >= Level::High, "{:?}", c.escalation);
        assert_eq!(c.escalation.reasons[0].kind, ReasonKind::ExplicitThreat);
        let r = an().analyze_conversation(&[Turn::customer("再不退款我就打12315")]);
        assert_eq!(r.escalation.level, Level::Critical, "{:?}", r.escalation);
        let calm = an().analyze_conversation(&[
            Turn::customer("你好，查一下订单"),
            Turn::agent("好的，请稍等"),
            Turn::customer("好的，谢谢"),
        ]);
        assert_eq!(calm.escalation.level, Level::None, "{:?}", calm.escalation);
        assert!(calm.escalation.reasons.is_empty());
    }

    #[test]
    fn a_severe_prohibited_agent_phrase_puts_a_calm_call_on_the_worklist() {
        use crate::model::{call_features, CallModel};
        let turns = [
            Turn::customer("你好，我的快递到哪了"),
            Turn::agent("你爱信不信，自己去查"),
            Turn::customer("好的"),
        ];
        let c = an().analyze_conversation(&turns);
        // The model alone reads a calm customer: below medium.
        let p = CallModel::builtin().probability(&call_features(&c));
        assert!(Level::from_risk(p as f32) < Level::Medium, "{p}");
        assert!(!c.escalation.escalated);
        assert!(c.escalation.level >= Level::Medium, "{:?}", c.escalation);
        let r = &c.escalation.reasons[0];
        assert_eq!(r.kind, ReasonKind::AgentProhibited, "{r:?}");
        assert_eq!(r.turn, Some(1));
        assert!(r.detail.contains("你爱信不信") && r.weight > 0.0, "{r:?}");
        // A milder one (severity 2) is left to the model.
        let mild = an().analyze_conversation(&[
            Turn::customer("你好，我的快递到哪了"),
            Turn::agent("您再等等"),
            Turn::customer("好的"),
        ]);
        assert!(
            mild.escalation.level < Level::Medium,
            "{:?}",
            mild.escalation
        );
    }

    #[test]
    fn a_polite_customer_told_no_has_the_agents_no_as_reason() {
        let c = an().analyze_conversation(&[
            Turn::customer("你好，我想问下这个能退吗"),
            Turn::agent("这个没办法，不支持"),
            Turn::customer("那能换货吗"),
            Turn::agent("这个我也不知道"),
            Turn::customer("好吧"),
        ]);
        let r = c
            .escalation
            .reasons
            .iter()
            .find(|r| r.kind == ReasonKind::AgentRefusal)
            .unwrap_or_else(|| panic!("an agent-refusal reason: {:?}", c.escalation));
        assert_eq!(r.turn, Some(1), "{r:?}");
        assert!(
            r.detail.starts_with("polite_refused: 2 agent turn(s)"),
            "{r:?}"
        );
    }

    #[test]
    fn agent_soothing_is_shown_with_the_first_soothing_turn() {
        let c = an().analyze_conversation(&[
            Turn::customer("快递一个星期了还没到"),
            Turn::agent("请稍等"),
            Turn::customer("怎么回事"),
            Turn::agent("非常抱歉给您带来不便"),
        ]);
        let (turn, text) = super::evidence(&c, "agent_empathy");
        assert_eq!(turn, Some(3));
        assert!(text.contains("1 of 2 turns"), "{text}");
        assert_eq!(super::kind_of("apology_deficit"), ReasonKind::NoEmpathy);
    }

    #[test]
    fn loud_turns_are_shown_with_the_first_loud_turn() {
        let c = an().analyze_conversation(&[
            Turn::customer("快递到哪了"),
            Turn::agent("请稍等！"),
            Turn::customer("到底什么时候到？？"),
            Turn::customer("快点！"),
        ]);
        let (turn, text) = super::evidence(&c, "loud_share");
        assert_eq!(turn, Some(2));
        assert!(
            text.starts_with("2 of 3 customer turns said loudly"),
            "{text}"
        );
    }

    #[test]
    fn reasons_are_the_raised_signals_with_their_turn() {
        let c = an().analyze_conversation(&[
            Turn::customer("快递一个星期了还没到"),
            Turn::agent("这个没办法"),
            Turn::customer("太失望了，你们这什么服务，气死我了"),
        ]);
        assert!(!c.escalation.reasons.is_empty());
        for r in &c.escalation.reasons {
            assert!(r.weight > 0.0 && r.weight < 1.0, "{r:?}");
        }
        // The strongest cue is quoted with its turn.
        let cue = c
            .escalation
            .reasons
            .iter()
            .find(|r| r.kind == ReasonKind::Cue)
            .expect("a cue reason");
        assert_eq!(cue.turn, Some(2), "{cue:?}");
        // Without a model: the hand-set roll-up, a different risk.
        let hand = Analyzer::builder().without_call_model().build().unwrap();
        let h = hand.analyze_conversation(&[Turn::customer("太失望了")]);
        let m = an().analyze_conversation(&[Turn::customer("太失望了")]);
        assert_ne!(h.escalation.risk, m.escalation.risk);
    }
}
