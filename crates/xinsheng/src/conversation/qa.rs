//! Agent QA: phrases the agent used, and whether upset customer turns got empathy.

use super::trajectory::is_customer;
use super::weights::NEGATIVE_TURN;
use crate::types::{AgentKind, AgentQa, Level, ProhibitedHit, Speaker, UtteranceAnalysis};

/// The agent's conduct over a call.
pub(crate) fn agent_qa(turns: &[UtteranceAnalysis]) -> AgentQa {
    let (encouraged, prohibited) = agent_phrases(turns);
    let (opportunities, missed) = empathy(turns);
    let responses = opportunities - missed.len();
    AgentQa {
        agent_turns: turns.iter().filter(|t| t.speaker == Speaker::Agent).count(),
        empathy_opportunities: opportunities,
        empathy_responses: responses,
        empathy_rate: (opportunities > 0).then(|| responses as f32 / opportunities as f32),
        missed_empathy_turns: missed,
        encouraged,
        prohibited,
    }
}

/// Encouraged phrases (count) and prohibited phrases (with their turn) of the agent's
/// turns; negated phrases do not count.
fn agent_phrases(turns: &[UtteranceAnalysis]) -> (usize, Vec<ProhibitedHit>) {
    let mut encouraged = 0;
    let mut prohibited = Vec::new();
    for (i, t) in turns.iter().enumerate() {
        if t.speaker != Speaker::Agent {
            continue;
        }
        for m in t.agent.iter().filter(|m| !m.negated) {
            match m.kind {
                AgentKind::Encouraged => encouraged += 1,
                AgentKind::Prohibited => prohibited.push(ProhibitedHit {
                    turn: i,
                    category: m.category,
                    text: m.text.clone(),
                    severity: m.severity,
                }),
            }
        }
    }
    (encouraged, prohibited)
}

/// True when a customer turn is upset enough to call for empathy: clearly negative, or
/// escalating at `medium` or above.
pub(crate) fn is_upset(t: &UtteranceAnalysis) -> bool {
    t.valence <= NEGATIVE_TURN || t.escalation.level >= Level::Medium
}

/// Empathy opportunities and the agent turns that missed them.
///
/// An opportunity is an upset customer turn that ends a run of customer turns (only the
/// last turn of a run is the one the agent answers) and that an agent turn answers; the
/// answer misses when it has no (unnegated) empathic phrase.
fn empathy(turns: &[UtteranceAnalysis]) -> (usize, Vec<usize>) {
    let mut opportunities = 0;
    let mut missed = Vec::new();
    for (i, t) in turns.iter().enumerate() {
        if !is_customer(t) || !is_upset(t) || turns.get(i + 1).is_some_and(is_customer) {
            continue;
        }
        let reply = turns[i + 1..]
            .iter()
            .position(|r| r.speaker == Speaker::Agent);
        if let Some(off) = reply {
            opportunities += 1;
            let r = &turns[i + 1 + off];
            let empathic = r
                .agent
                .iter()
                .any(|m| !m.negated && m.category.is_empathic());
            if !empathic {
                missed.push(i + 1 + off);
            }
        }
    }
    (opportunities, missed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::test_util::{agent_phrase, turn};
    use crate::types::AgentCategory;
    use Speaker::{Agent, Customer, Unknown};

    fn call(spec: &[(Speaker, f32, &[AgentCategory])]) -> Vec<UtteranceAnalysis> {
        spec.iter()
            .map(|&(s, v, phrases)| {
                let mut t = turn(s, v);
                t.agent = phrases.iter().map(|&c| agent_phrase(c, 2)).collect();
                t
            })
            .collect()
    }

    #[test]
    fn empathy_table() {
        use AgentCategory::{Apology, Courtesy, Empathy};
        // (turns, opportunities, missed agent turns)
        type Spec<'a> = &'a [(Speaker, f32, &'a [AgentCategory])];
        let cases: &[(Spec, usize, &[usize])] = &[
            (&[], 0, &[]),
            (&[(Customer, -0.5, &[]), (Agent, 0.0, &[Empathy])], 1, &[]),
            (&[(Customer, -0.5, &[]), (Agent, 0.0, &[Apology])], 1, &[]),
            (&[(Customer, -0.5, &[]), (Agent, 0.0, &[Courtesy])], 1, &[1]),
            // Not upset: no opportunity.
            (&[(Customer, -0.1, &[]), (Agent, 0.0, &[])], 0, &[]),
            // No agent answer: no opportunity.
            (&[(Agent, 0.0, &[]), (Customer, -0.5, &[])], 0, &[]),
            // Only the last turn of a customer run counts, unknown speakers included.
            (
                &[
                    (Customer, -0.5, &[]),
                    (Unknown, -0.6, &[]),
                    (Agent, 0.0, &[]),
                ],
                1,
                &[2],
            ),
            (
                &[
                    (Customer, -0.5, &[]),
                    (Agent, 0.0, &[]),
                    (Customer, -0.5, &[]),
                    (Agent, 0.0, &[Empathy]),
                ],
                2,
                &[1],
            ),
        ];
        for (spec, opp, missed) in cases {
            let turns = call(spec);
            assert_eq!(empathy(&turns), (*opp, missed.to_vec()), "{spec:?}");
        }
    }

    #[test]
    fn upset_by_level() {
        let mut t = turn(Customer, 0.0);
        assert!(!is_upset(&t));
        t.escalation.level = Level::Medium;
        assert!(is_upset(&t));
        assert!(is_upset(&turn(Customer, NEGATIVE_TURN)));
    }

    #[test]
    fn negated_phrases_do_not_count() {
        let mut turns = call(&[
            (Customer, -0.5, &[]),
            (
                Agent,
                0.0,
                &[AgentCategory::Empathy, AgentCategory::Refusal],
            ),
        ]);
        for m in &mut turns[1].agent {
            m.negated = true;
        }
        let qa = agent_qa(&turns);
        assert_eq!(qa.missed_empathy_turns, [1]);
        assert!(qa.prohibited.is_empty());
        assert_eq!(qa.encouraged, 0);
    }

    #[test]
    fn phrases_and_rate() {
        let turns = call(&[
            (Customer, -0.5, &[]),
            (
                Agent,
                0.0,
                &[AgentCategory::Empathy, AgentCategory::Refusal],
            ),
            (Customer, -0.5, &[]),
            (Agent, 0.0, &[AgentCategory::Courtesy]),
            // A customer turn's phrases are not the agent's.
            (Customer, 0.0, &[AgentCategory::Hostile]),
        ]);
        let qa = agent_qa(&turns);
        assert_eq!(qa.agent_turns, 2);
        assert_eq!(qa.encouraged, 2);
        assert_eq!(
            qa.prohibited
                .iter()
                .map(|p| (p.turn, p.category))
                .collect::<Vec<_>>(),
            [(1, AgentCategory::Refusal)]
        );
        assert_eq!((qa.empathy_opportunities, qa.empathy_responses), (2, 1));
        assert_eq!(qa.empathy_rate, Some(0.5));
        assert_eq!(qa.missed_empathy_turns, [3]);
        assert_eq!(agent_qa(&[]).empathy_rate, None);
    }
}
