//! The call's signals: one small function per signal, gathered in [`CallSignals`].

use serde::{Deserialize, Serialize};

use super::repeats::repeated_questions;
use super::trajectory::is_customer;
use super::weights::{FIRST_TURN_SEVERITY, NEGATIVE_TURN, POSITIVE_TURN};
use crate::types::{
    AgentCategory, AgentQa, Cue, CueCategory, Emotion, Speaker, Trajectory, TurnValence,
    UtteranceAnalysis,
};

/// The signals a call's escalation risk is computed from, as named values: what the
/// customer said (cues, mood), what the agent did (refusals, empathy, prohibited
/// phrases), and the call's length.
///
/// Computed from the turns by the roll-up ([`crate::ConversationAnalysis::signals`]); the
/// call's risk, level and reasons are a function of these signals (and the prohibited
/// phrases of [`crate::AgentQa`], the evidence its reasons quote). Customer turns are the
/// turns whose speaker is not the agent (unknown speakers are scored like customers).
/// Only customer cues with a weight above zero count (negated cues weigh 0).
///
/// Mood is `valence − 0.6 × escalation risk` of a customer turn (valence saturates, so an
/// escalating turn must still read worse); mood statistics are 0 in a call without
/// customer turns.
///
/// ```
/// use xinsheng::{Analyzer, CueCategory, Turn};
/// let analyzer = Analyzer::new();
/// let call = analyzer.analyze_conversation(&[
///     Turn::customer("你们这是在敷衍我吧？我要投诉！"),
///     Turn::agent("这个不归我管"),
/// ]);
/// let s = &call.signals;
/// assert!(s.explicit_threat);
/// assert_eq!((s.customer_turns, s.agent_turns), (1, 1));
/// assert!(s.cues.iter().any(|c| c.category == CueCategory::Complaint));
/// assert_eq!(s.prohibited, 1);
/// assert!(s.mood_end < 0.0);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallSignals {
    /// Turns in the call.
    pub turns: usize,
    /// Customer turns (customer or unknown speaker).
    pub customer_turns: usize,
    /// Agent turns.
    pub agent_turns: usize,
    /// One entry per cue category found in customer turns, in order of first appearance.
    pub cues: Vec<CueSignal>,
    /// Active customer cues (neither negated nor quoted).
    pub active_cues: usize,
    /// Sum of the weights of all customer cues, quoted ones included.
    pub cue_mass: f32,
    /// An active formal cue (supervisor, complaint, regulator, legal, media, harm) of
    /// severity ≥ 4: the call is escalated.
    pub explicit_threat: bool,
    /// An active harm cue of severity 5 (violence, self-harm): the call is critical.
    pub harm_threat: bool,
    /// First customer turn with an active cue of severity ≥ 3.
    pub first_cue_turn: Option<usize>,
    /// Active impatience and repeat-contact cues (怎么还没, 第三次).
    pub repeat_contact_cues: usize,
    /// Mean mood over customer turns.
    pub mood_mean: f32,
    /// Lowest mood of a customer turn.
    pub mood_min: f32,
    /// Mood of the last customer turn.
    pub mood_end: f32,
    /// Recency-weighted negative mood mass `max(0, Σ (i+1)/n · −moodᵢ)` over the n customer turns.
    pub negative_mass: f32,
    /// Customer turns with valence at or below [`crate::NEGATIVE_TURN`].
    pub negative_turns: usize,
    /// `negative_turns / customer_turns` (0 without customer turns).
    pub negative_share: f32,
    /// First customer turn with valence at or below [`crate::NEGATIVE_TURN`].
    pub first_negative_turn: Option<usize>,
    /// Valence of the last customer turn (0 without customer turns).
    pub end_valence: f32,
    /// The last customer turn.
    pub last_customer_turn: Option<usize>,
    /// The customer's mood worsened over the call ([`crate::Trajectory::Worsening`]).
    pub worsening: bool,
    /// Customer turns that ask an earlier question again after an agent answer (0 when
    /// rolled up from turns read back from JSON: see [`crate::UtteranceAnalysis`]).
    pub repeated_questions: usize,
    /// First customer turn that repeats a question.
    pub first_repeated_question: Option<usize>,
    /// Times the agent said no (不支持, 没办法, 无法, refusal phrases; 0 when rolled up from
    /// turns read back from JSON).
    pub refusals: usize,
    /// Agent turns that say no.
    pub refusal_turns: usize,
    /// First agent turn that says no.
    pub first_refusal_turn: Option<usize>,
    /// Prohibited agent phrases that deflect (推诿甩锅 shirking, 系统搪塞 stonewall).
    pub deflections: usize,
    /// Upset customer turns (negative, or escalating at medium or above) an agent answered.
    pub empathy_opportunities: usize,
    /// Agent answers to upset customer turns without empathy or apology.
    pub missed_empathy: usize,
    /// First agent turn that answered an upset customer without empathy.
    pub first_missed_empathy: Option<usize>,
    /// Encouraged agent phrases (empathy, apology, ownership, follow-up, courtesy).
    pub encouraged: usize,
    /// Prohibited agent phrases (服务禁语).
    pub prohibited: usize,
    /// Highest severity of a prohibited agent phrase (0 without any).
    pub prohibited_max_severity: u8,
    /// The last customer turn when the call ends resolved: it is grateful or clearly
    /// positive (thanks, 好的谢谢, 可以了), an earlier customer turn was clearly negative
    /// (valence at or below [`crate::NEGATIVE_TURN`]), and an agent turn between the two
    /// acted (an ownership or follow-up phrase: 已经帮您, 我来跟进). A genuine outburst the
    /// agent resolved; `None` otherwise.
    #[serde(default)]
    pub resolution_turn: Option<usize>,
}

impl CallSignals {
    /// The cues of one category over the call, if the customer used any.
    ///
    /// ```
    /// use xinsheng::{Analyzer, CueCategory, Turn};
    /// let call = Analyzer::new().analyze_conversation(&[Turn::customer("我要投诉你们")]);
    /// let complaint = call.signals.cue(CueCategory::Complaint).unwrap();
    /// assert_eq!((complaint.active, complaint.turn), (1, 0));
    /// assert!(call.signals.cue(CueCategory::Legal).is_none());
    /// ```
    pub fn cue(&self, category: CueCategory) -> Option<&CueSignal> {
        self.cues.iter().find(|c| c.category == category)
    }
}

/// The cues of one category over a call's customer turns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CueSignal {
    /// The category.
    pub category: CueCategory,
    /// Cues of this category, quoted ones included.
    pub count: usize,
    /// Of those, the active ones (neither negated nor quoted).
    pub active: usize,
    /// Highest severity of an active cue (0 without any).
    pub max_severity: u8,
    /// Highest weight of a cue (quoted ones included): the strongest cue.
    pub max_weight: f32,
    /// Turn of the strongest cue (the first one on ties).
    pub turn: usize,
    /// Text of the strongest cue.
    pub text: String,
}

/// Compute a call's signals from its turns and what the roll-up already derived from them.
pub(crate) fn call_signals(
    turns: &[UtteranceAnalysis],
    customer: &[TurnValence],
    moods: &[f32],
    trajectory: Trajectory,
    qa: &AgentQa,
) -> CallSignals {
    let repeated = repeated_questions(turns, customer);
    let refusing = refusal_turns(turns);
    let negative = negative_turns(customer);
    let last = customer.last();
    CallSignals {
        turns: turns.len(),
        customer_turns: customer.len(),
        agent_turns: qa.agent_turns,
        cues: cue_signals(turns),
        active_cues: customer_cues(turns).filter(|(_, c)| c.is_active()).count(),
        cue_mass: cue_mass(turns),
        explicit_threat: explicit_threat(turns),
        harm_threat: harm_threat(turns),
        first_cue_turn: first_cue_turn(turns),
        repeat_contact_cues: repeat_contact_cues(turns),
        mood_mean: mean(moods),
        mood_min: moods.iter().copied().reduce(f32::min).unwrap_or(0.0),
        mood_end: moods.last().copied().unwrap_or(0.0),
        negative_mass: negative_mass(moods),
        negative_turns: negative.len(),
        negative_share: share(negative.len(), customer.len()),
        first_negative_turn: negative.first().copied(),
        end_valence: last.map_or(0.0, |t| t.valence),
        last_customer_turn: last.map(|t| t.turn),
        worsening: trajectory == Trajectory::Worsening,
        repeated_questions: repeated.len(),
        first_repeated_question: repeated.first().copied(),
        refusals: turns
            .iter()
            .filter(|t| t.speaker == Speaker::Agent)
            .map(|t| usize::from(t.refusals))
            .sum(),
        refusal_turns: refusing.len(),
        first_refusal_turn: refusing.first().copied(),
        deflections: deflections(qa),
        empathy_opportunities: qa.empathy_opportunities,
        missed_empathy: qa.missed_empathy_turns.len(),
        first_missed_empathy: qa.missed_empathy_turns.first().copied(),
        encouraged: qa.encouraged,
        prohibited: qa.prohibited.len(),
        prohibited_max_severity: qa.prohibited.iter().map(|p| p.severity).max().unwrap_or(0),
        resolution_turn: resolution_turn(turns, customer),
    }
}

/// The last customer turn, if the call ends resolved (see
/// [`CallSignals::resolution_turn`]).
fn resolution_turn(turns: &[UtteranceAnalysis], customer: &[TurnValence]) -> Option<usize> {
    let last = customer.last()?;
    let t = &turns[last.turn];
    let satisfied =
        matches!(t.emotion, Emotion::Gratitude | Emotion::Joy) || last.valence >= POSITIVE_TURN;
    if !satisfied || last.valence < 0.0 {
        return None;
    }
    let outburst = customer
        .iter()
        .find(|c| c.turn < last.turn && c.valence <= NEGATIVE_TURN)?;
    let acted = turns[outburst.turn + 1..last.turn].iter().any(|a| {
        a.speaker == Speaker::Agent
            && a.agent.iter().any(|m| {
                !m.negated
                    && matches!(
                        m.category,
                        AgentCategory::Ownership | AgentCategory::Followup
                    )
            })
    });
    acted.then_some(last.turn)
}

/// Every customer cue that weighs anything, with its turn, in call and text order.
fn customer_cues(turns: &[UtteranceAnalysis]) -> impl Iterator<Item = (usize, &Cue)> {
    turns
        .iter()
        .enumerate()
        .filter(|(_, t)| is_customer(t))
        .flat_map(|(i, t)| t.escalation.cues.iter().map(move |c| (i, c)))
        .filter(|(_, c)| c.weight > 0.0)
}

/// Per cue category: counts, maxima and the strongest cue, in order of first appearance.
fn cue_signals(turns: &[UtteranceAnalysis]) -> Vec<CueSignal> {
    let mut out: Vec<CueSignal> = Vec::new();
    for (i, c) in customer_cues(turns) {
        let pos = match out.iter().position(|s| s.category == c.category) {
            Some(pos) => pos,
            None => {
                out.push(CueSignal {
                    category: c.category,
                    count: 0,
                    active: 0,
                    max_severity: 0,
                    max_weight: c.weight,
                    turn: i,
                    text: c.text.clone(),
                });
                out.len() - 1
            }
        };
        let s = &mut out[pos];
        s.count += 1;
        if c.is_active() {
            s.active += 1;
            s.max_severity = s.max_severity.max(c.severity);
        }
        if c.weight > s.max_weight {
            (s.max_weight, s.turn, s.text) = (c.weight, i, c.text.clone());
        }
    }
    out
}

/// Sum of the weights of all customer cues.
fn cue_mass(turns: &[UtteranceAnalysis]) -> f32 {
    let mut mass = 0.0f32;
    for (_, c) in customer_cues(turns) {
        mass += c.weight;
    }
    mass
}

/// An active cue at or above the severity its category escalates a call at (formal
/// categories, `CueTraits::escalates_at`).
fn explicit_threat(turns: &[UtteranceAnalysis]) -> bool {
    customer_cues(turns).any(|(_, c)| {
        c.is_active()
            && c.category
                .traits()
                .escalates_at
                .is_some_and(|s| c.severity >= s)
    })
}

/// An active cue at or above the severity its category makes a call critical at (harm,
/// `CueTraits::critical_at`).
fn harm_threat(turns: &[UtteranceAnalysis]) -> bool {
    customer_cues(turns).any(|(_, c)| {
        c.is_active()
            && c.category
                .traits()
                .critical_at
                .is_some_and(|s| c.severity >= s)
    })
}

/// First turn with an active cue of severity ≥ `FIRST_TURN_SEVERITY`.
fn first_cue_turn(turns: &[UtteranceAnalysis]) -> Option<usize> {
    customer_cues(turns)
        .find(|(_, c)| c.is_active() && c.severity >= FIRST_TURN_SEVERITY)
        .map(|(i, _)| i)
}

/// Active impatience and repeat-contact cues (`CueTraits::repeat`).
fn repeat_contact_cues(turns: &[UtteranceAnalysis]) -> usize {
    customer_cues(turns)
        .filter(|(_, c)| c.is_active() && c.category.traits().repeat)
        .count()
}

/// Recency-weighted negative mood mass: later turns weigh more (the end of a call shapes
/// how it is remembered), and satisfied turns offset negative ones:
/// `Σ (i+1)/n · (−moodᵢ)`, kept ≥ 0.
fn negative_mass(moods: &[f32]) -> f32 {
    let n = moods.len() as f32;
    moods
        .iter()
        .enumerate()
        .map(|(i, m)| (i as f32 + 1.0) / n * -m)
        .sum::<f32>()
        .max(0.0)
}

/// Customer turns with valence at or below `NEGATIVE_TURN`.
fn negative_turns(customer: &[TurnValence]) -> Vec<usize> {
    customer
        .iter()
        .filter(|t| t.valence <= NEGATIVE_TURN)
        .map(|t| t.turn)
        .collect()
}

/// Agent turns that say no.
fn refusal_turns(turns: &[UtteranceAnalysis]) -> Vec<usize> {
    turns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.speaker == Speaker::Agent && t.refusals > 0)
        .map(|(i, _)| i)
        .collect()
}

/// Prohibited agent phrases that push the customer away: shirking and stonewalling.
fn deflections(qa: &AgentQa) -> usize {
    qa.prohibited
        .iter()
        .filter(|p| {
            matches!(
                p.category,
                AgentCategory::Shirking | AgentCategory::Stonewall
            )
        })
        .count()
}

/// Mean of a series (0 when empty).
fn mean(xs: &[f32]) -> f32 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f32>() / xs.len() as f32
    }
}

/// `part / whole` (0 when `whole` is 0).
fn share(part: usize, whole: usize) -> f32 {
    if whole == 0 {
        0.0
    } else {
        part as f32 / whole as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::test_util::{agent_phrase, cue, turn};
    use CueCategory::{Complaint, Dissatisfaction, Harm, Impatience, Refund, RepeatContact};
    use Speaker::{Agent, Customer, Unknown};

    /// A call of customer turns, each with these cues.
    fn cued(cues: &[&[Cue]]) -> Vec<UtteranceAnalysis> {
        cues.iter()
            .map(|cs| {
                let mut t = turn(Customer, 0.0);
                t.escalation.cues = cs.to_vec();
                t
            })
            .collect()
    }

    fn quoted(mut c: Cue) -> Cue {
        c.quoted = true;
        c
    }

    fn negated(mut c: Cue) -> Cue {
        c.negated = true;
        c.weight = 0.0;
        c
    }

    #[test]
    fn resolution_turns() {
        use crate::conversation::trajectory::customer_valence;
        use AgentCategory::{Empathy, Ownership, Shirking};
        // (customer valence and emotion, agent phrase) per step: C A C A C.
        let call = |first: f32, phrase: Option<AgentCategory>, last: (f32, Emotion)| {
            let mut agent = turn(Agent, 0.0);
            agent.agent = phrase.map(|p| agent_phrase(p, 2)).into_iter().collect();
            let mut end = turn(Customer, last.0);
            end.emotion = last.1;
            vec![
                turn(Customer, first),
                turn(Agent, 0.0),
                turn(Customer, 0.0),
                agent,
                end,
            ]
        };
        let thanks = (0.4, Emotion::Gratitude);
        type Case = (f32, Option<AgentCategory>, (f32, Emotion), Option<usize>);
        let cases: &[Case] = &[
            // An outburst, the agent acts, the customer thanks: resolved at the last turn.
            (-0.6, Some(Ownership), thanks, Some(4)),
            // Clearly positive without a gratitude label also counts.
            (-0.6, Some(Ownership), (0.3, Emotion::Neutral), Some(4)),
            // No outburst, no action, an action that is not one, or no thanks: not resolved.
            (-0.1, Some(Ownership), thanks, None),
            (-0.6, None, thanks, None),
            (-0.6, Some(Empathy), thanks, None),
            (-0.6, Some(Shirking), thanks, None),
            (-0.6, Some(Ownership), (0.1, Emotion::Neutral), None),
            // Sarcastic thanks that read negative are not a resolution.
            (-0.6, Some(Ownership), (-0.3, Emotion::Gratitude), None),
        ];
        for (i, (first, phrase, last, want)) in cases.iter().enumerate() {
            let turns = call(*first, *phrase, *last);
            let cv = customer_valence(&turns);
            assert_eq!(resolution_turn(&turns, &cv), *want, "case {i}");
        }
        // The action must come after the outburst.
        let mut turns = call(-0.6, None, thanks);
        turns[1].agent = vec![agent_phrase(Ownership, 2)];
        turns[0].valence = 0.0;
        turns[2].valence = -0.6;
        let cv = customer_valence(&turns);
        assert_eq!(resolution_turn(&turns, &cv), None);
    }

    #[test]
    fn cue_flags() {
        // (cues per customer turn, explicit threat, harm threat, first cue turn, repeat cues)
        type Spec<'a> = &'a [&'a [Cue]];
        let cases: &[(Spec, bool, bool, Option<usize>, usize)] = &[
            (&[], false, false, None, 0),
            (&[&[cue(Complaint, 4, 0.5)]], true, false, Some(0), 0),
            // Below the formal severity: not escalated, still a first turn.
            (&[&[], &[cue(Complaint, 3, 0.5)]], false, false, Some(1), 0),
            (&[&[cue(Refund, 4, 0.5)]], false, false, Some(0), 0),
            (&[&[cue(Harm, 5, 0.9)]], true, true, Some(0), 0),
            (&[&[cue(Harm, 4, 0.9)]], true, false, Some(0), 0),
            // Quoted and negated cues do not count.
            (&[&[quoted(cue(Complaint, 5, 0.3))]], false, false, None, 0),
            (&[&[negated(cue(Harm, 5, 0.9))]], false, false, None, 0),
            (
                &[&[cue(Impatience, 2, 0.2)], &[cue(RepeatContact, 2, 0.2)]],
                false,
                false,
                None,
                2,
            ),
            // An active cue that weighs nothing does not count either.
            (&[&[cue(Complaint, 5, 0.0)]], false, false, None, 0),
        ];
        for (spec, threat, harm, first, repeats) in cases {
            let turns = cued(spec);
            assert_eq!(explicit_threat(&turns), *threat, "{spec:?}");
            assert_eq!(harm_threat(&turns), *harm, "{spec:?}");
            assert_eq!(first_cue_turn(&turns), *first, "{spec:?}");
            assert_eq!(repeat_contact_cues(&turns), *repeats, "{spec:?}");
        }
    }

    #[test]
    fn agent_turn_cues_are_ignored() {
        let mut turns = cued(&[&[cue(Complaint, 5, 0.8)]]);
        turns[0].speaker = Agent;
        assert!(!explicit_threat(&turns));
        assert_eq!(cue_mass(&turns), 0.0);
        assert!(cue_signals(&turns).is_empty());
        turns[0].speaker = Unknown;
        assert!(explicit_threat(&turns));
    }

    #[test]
    fn strongest_cue_per_category() {
        let turns = cued(&[
            &[cue(Dissatisfaction, 2, 0.3), cue(Refund, 3, 0.4)],
            &[
                quoted(cue(Dissatisfaction, 4, 0.5)),
                negated(cue(Refund, 5, 0.9)),
            ],
            &[cue(Dissatisfaction, 3, 0.5)],
        ]);
        let s = cue_signals(&turns);
        let got: Vec<_> = s
            .iter()
            .map(|c| {
                (
                    c.category,
                    c.count,
                    c.active,
                    c.max_severity,
                    c.max_weight,
                    c.turn,
                )
            })
            .collect();
        // First appearance order; the first of equally strong cues wins; a quoted cue can
        // be the strongest, but only active cues set the maximum severity.
        assert_eq!(
            got,
            [
                (Dissatisfaction, 3, 2, 3, 0.5, 1),
                (Refund, 1, 1, 3, 0.4, 0)
            ]
        );
        assert_eq!(s[0].text, "dissatisfaction4");
        let signals = CallSignals {
            cues: s,
            ..CallSignals::default()
        };
        assert_eq!(signals.cue(Refund).map(|c| c.turn), Some(0));
        assert!(signals.cue(Complaint).is_none());
        assert_eq!(cue_mass(&turns), 0.3 + 0.4 + 0.5 + 0.5);
    }

    #[test]
    fn negative_masses() {
        let cases: &[(&[f32], f32)] = &[
            (&[], 0.0),
            (&[-0.5], 0.5),
            // Later turns weigh more.
            (&[-0.5, 0.0], 0.25),
            (&[0.0, -0.5], 0.5),
            // Satisfied turns offset negative ones, never below zero.
            (&[-0.5, 0.5], 0.0),
            (&[0.5, 0.5], 0.0),
        ];
        for (moods, want) in cases {
            assert_eq!(negative_mass(moods), *want, "{moods:?}");
        }
    }

    #[test]
    fn refusals_and_deflections() {
        let mut says_no = turn(Agent, 0.0);
        says_no.refusals = 2;
        let mut customer_no = turn(Customer, 0.0);
        customer_no.refusals = 1;
        let turns = vec![customer_no, turn(Agent, 0.0), says_no.clone(), says_no];
        assert_eq!(refusal_turns(&turns), [2, 3]);
        let mut qa = crate::conversation::qa::agent_qa(&turns);
        assert_eq!(deflections(&qa), 0);
        for c in [
            AgentCategory::Shirking,
            AgentCategory::Stonewall,
            AgentCategory::Hostile,
        ] {
            let m = agent_phrase(c, 3);
            qa.prohibited.push(crate::types::ProhibitedHit {
                turn: 1,
                category: m.category,
                text: m.text,
                severity: m.severity,
            });
        }
        assert_eq!(deflections(&qa), 2);
    }

    #[test]
    fn whole_call() {
        let mut t0 = turn(Customer, -0.5);
        t0.escalation.cues = vec![cue(Complaint, 4, 0.6)];
        t0.escalation.risk = 0.5;
        let mut t1 = turn(Agent, 0.0);
        t1.refusals = 1;
        t1.agent = vec![agent_phrase(AgentCategory::Shirking, 3)];
        let t2 = turn(Customer, 0.3);
        let turns = vec![t0, t1, t2];
        let cv = crate::conversation::trajectory::customer_valence(&turns);
        let moods = crate::conversation::trajectory::moods(&turns, &cv);
        let qa = crate::conversation::qa::agent_qa(&turns);
        let s = call_signals(&turns, &cv, &moods, Trajectory::Improving, &qa);
        assert_eq!((s.turns, s.customer_turns, s.agent_turns), (3, 2, 1));
        assert_eq!((s.active_cues, s.cue_mass), (1, 0.6));
        assert!(s.explicit_threat && !s.harm_threat && !s.worsening);
        assert_eq!(s.first_cue_turn, Some(0));
        assert_eq!(s.mood_min, -0.8);
        assert_eq!(s.mood_end, 0.3);
        assert_eq!(s.mood_mean, (-0.8 + 0.3) / 2.0);
        assert_eq!((s.negative_turns, s.negative_share), (1, 0.5));
        assert_eq!(s.first_negative_turn, Some(0));
        assert_eq!((s.end_valence, s.last_customer_turn), (0.3, Some(2)));
        assert_eq!(
            (s.refusals, s.refusal_turns, s.first_refusal_turn),
            (1, 1, Some(1))
        );
        assert_eq!((s.empathy_opportunities, s.missed_empathy), (1, 1));
        assert_eq!(s.first_missed_empathy, Some(1));
        assert_eq!(
            (s.prohibited, s.prohibited_max_severity, s.deflections),
            (1, 3, 1)
        );
        assert_eq!((s.repeated_questions, s.first_repeated_question), (0, None));
    }

    #[test]
    fn empty_call() {
        let qa = crate::conversation::qa::agent_qa(&[]);
        let s = call_signals(&[], &[], &[], Trajectory::Stable, &qa);
        assert_eq!(s, CallSignals::default());
    }

    #[test]
    fn send_sync() {
        fn check<T: Send + Sync>() {}
        check::<CallSignals>();
        check::<CueSignal>();
    }
}
