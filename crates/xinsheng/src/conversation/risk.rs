//! A call's escalation risk, level and reasons, from its signals.
//!
//! Call risk is a noisy-or of independent reasons, one per active signal: the strongest
//! cue per category (explicit threats first), persistent negativity, the call's cue mass,
//! repeated questions, agent refusals, a long exchange, repeated contact, agent prohibited
//! phrases, missed empathy, a worsening trajectory and a negative ending.

use super::signals::{CallSignals, CueSignal};
use super::weights::*;
use crate::types::{CallEscalation, Level, ProhibitedHit, Reason, ReasonKind};

/// The call's escalation from its signals; `prohibited` (the agent's prohibited phrases,
/// [`crate::AgentQa::prohibited`]) is the evidence their reasons quote.
pub(crate) fn call_escalation(s: &CallSignals, prohibited: &[ProhibitedHit]) -> CallEscalation {
    let mut reasons = reasons(s, prohibited);
    sort_reasons(&mut reasons);
    let risk = risk(&reasons, s);
    CallEscalation {
        risk,
        level: Level::from_risk(risk),
        escalated: s.explicit_threat,
        first_turn: s.first_cue_turn,
        reasons,
    }
}

/// Every reason the signals give, unsorted.
fn reasons(s: &CallSignals, prohibited: &[ProhibitedHit]) -> Vec<Reason> {
    let mut reasons: Vec<Reason> = s.cues.iter().map(cue_reason).collect();
    reasons.extend(persistent_negativity(s));
    reasons.extend(cue_mass(s));
    reasons.extend(repeated_questions(s));
    reasons.extend(agent_refusal(s));
    reasons.extend(long_exchange(s));
    reasons.extend(repeat_contact(s));
    reasons.extend(prohibited.iter().map(prohibited_phrase));
    reasons.extend(missed_empathy(s));
    reasons.extend(worsening(s));
    reasons.extend(negative_ending(s));
    reasons
}

/// The strongest cue of a category: an explicit threat when the category is formal.
fn cue_reason(c: &CueSignal) -> Reason {
    Reason {
        kind: if c.category.is_formal() {
            ReasonKind::ExplicitThreat
        } else {
            ReasonKind::Cue
        },
        turn: Some(c.turn),
        detail: format!("{}: {}", c.category, c.text),
        weight: c.max_weight * CALL_CUE_FACTOR,
    }
}

/// How much negative content the customer produced over the call, cues included: one
/// reason, pointing at the first clearly negative turn (counting negative turns as a
/// reason of its own would count the same evidence twice).
fn persistent_negativity(s: &CallSignals) -> Option<Reason> {
    let mass = s.negative_mass;
    (mass > 0.0).then(|| Reason {
        kind: ReasonKind::PersistentNegativity,
        turn: s.first_negative_turn,
        detail: if s.negative_turns == 0 {
            format!("recency-weighted negative mass {mass:.2} over the call")
        } else {
            format!(
                "{} of {} customer turns negative, negative mass {mass:.2}",
                s.negative_turns, s.customer_turns
            )
        },
        weight: PERSISTENT_NEGATIVITY_MAX * (1.0 - (-mass).exp()),
    })
}

/// All the customer's cues together.
fn cue_mass(s: &CallSignals) -> Option<Reason> {
    (s.cue_mass > 0.0).then(|| Reason {
        kind: ReasonKind::Cue,
        turn: None,
        detail: format!("{} active cues over the call", s.active_cues),
        weight: CUE_MASS_MAX * (1.0 - (-s.cue_mass / CUE_MASS_SCALE).exp()),
    })
}

/// A customer asking the same thing again: the answer did not land.
fn repeated_questions(s: &CallSignals) -> Option<Reason> {
    let first = s.first_repeated_question?;
    Some(Reason {
        kind: ReasonKind::RepeatContact,
        turn: Some(first),
        detail: format!(
            "customer repeated a question {} time(s)",
            s.repeated_questions
        ),
        weight: (REPEATED_QUESTION_STEP * s.repeated_questions as f32).min(REPEATED_QUESTION_MAX),
    })
}

/// An agent who keeps saying no.
fn agent_refusal(s: &CallSignals) -> Option<Reason> {
    let first = s.first_refusal_turn?;
    Some(Reason {
        kind: ReasonKind::AgentRefusal,
        turn: Some(first),
        detail: format!("agent said no in {} turn(s)", s.refusal_turns),
        weight: (REFUSAL_STEP * s.refusal_turns as f32).min(REFUSAL_MAX),
    })
}

/// Many customer turns.
fn long_exchange(s: &CallSignals) -> Option<Reason> {
    let n = s.customer_turns;
    (n > LONG_EXCHANGE).then(|| Reason {
        kind: ReasonKind::LongExchange,
        turn: None,
        detail: format!("{n} customer turns"),
        weight: (LONG_EXCHANGE_STEP * (n - LONG_EXCHANGE) as f32).min(LONG_EXCHANGE_MAX),
    })
}

/// Several impatience / repeat-contact cues.
fn repeat_contact(s: &CallSignals) -> Option<Reason> {
    let n = s.repeat_contact_cues;
    (n >= REPEAT_CUES_MIN).then(|| Reason {
        kind: ReasonKind::RepeatContact,
        turn: None,
        detail: format!("{n} impatience / repeat-contact cues"),
        weight: (REPEAT_CUE_STEP * n as f32).min(REPEAT_CUE_MAX),
    })
}

/// One prohibited agent phrase, weighed by its severity.
fn prohibited_phrase(p: &ProhibitedHit) -> Reason {
    Reason {
        kind: ReasonKind::AgentProhibited,
        turn: Some(p.turn),
        detail: format!("{}: {}", p.category, p.text),
        weight: PROHIBITED_PER_SEVERITY * p.severity as f32,
    }
}

/// Upset customer turns the agent answered without empathy.
fn missed_empathy(s: &CallSignals) -> Option<Reason> {
    let n = s.missed_empathy;
    (n > 0).then(|| Reason {
        kind: ReasonKind::NoEmpathy,
        turn: s.first_missed_empathy,
        detail: format!("{n} negative customer turn(s) answered without empathy"),
        weight: (MISSED_EMPATHY_STEP * n as f32).min(MISSED_EMPATHY_MAX),
    })
}

/// A worsening trajectory, pointing at the last customer turn.
fn worsening(s: &CallSignals) -> Option<Reason> {
    s.worsening.then(|| Reason {
        kind: ReasonKind::Worsening,
        turn: s.last_customer_turn,
        detail: "customer mood worsened".into(),
        weight: WORSENING_WEIGHT,
    })
}

/// The last customer turn clearly negative.
fn negative_ending(s: &CallSignals) -> Option<Reason> {
    let last = s.last_customer_turn?;
    let v = s.end_valence;
    (v <= NEGATIVE_TURN).then(|| Reason {
        kind: ReasonKind::NegativeEnding,
        turn: Some(last),
        detail: format!("last customer turn valence {v:.2}"),
        weight: (NEGATIVE_ENDING_BASE + NEGATIVE_ENDING_SLOPE * -v).min(NEGATIVE_ENDING_MAX),
    })
}

/// Explicit threats first (the evidence a reviewer checks first), then by weight, then
/// by turn; the sort is stable.
fn sort_reasons(reasons: &mut [Reason]) {
    reasons.sort_by(|a, b| {
        let threat = |r: &Reason| r.kind != ReasonKind::ExplicitThreat;
        threat(a)
            .cmp(&threat(b))
            .then(
                b.weight
                    .partial_cmp(&a.weight)
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
            .then(a.turn.cmp(&b.turn))
    });
}

/// Independent reasons combine like hazards: H = Σ −ln(1 − wᵢ). The call's risk is
/// 1 − exp(−H / RISK_SPREAD): spreading the hazard keeps levels meaningful when many
/// small reasons pile up (a rude agent and an upset customer make a `high` call; a
/// regulator threat on top makes it `critical`). A call that ends resolved keeps
/// `RESOLVED_HAZARD` of its hazard. An explicit threat is never below `high`, a threat of
/// harm never below `critical`.
fn risk(sorted_reasons: &[Reason], s: &CallSignals) -> f32 {
    let hazard: f32 = sorted_reasons
        .iter()
        .map(|r| -(1.0 - r.weight.min(HAZARD_WEIGHT_CAP)).ln())
        .sum();
    // A genuine outburst the agent resolved, ending in thanks, ranks below unresolved
    // calls with the same signals.
    let hazard = if s.resolution_turn.is_some() {
        hazard * RESOLVED_HAZARD
    } else {
        hazard
    };
    let mut risk = (1.0 - (-hazard / RISK_SPREAD).exp()).clamp(0.0, 1.0);
    if s.explicit_threat {
        risk = risk.max(Level::High.min_risk());
    }
    if s.harm_threat {
        risk = risk.max(Level::Critical.min_risk());
    }
    risk
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{AgentCategory, CueCategory};

    fn signals(f: impl FnOnce(&mut CallSignals)) -> CallSignals {
        let mut s = CallSignals::default();
        f(&mut s);
        s
    }

    /// The reasons of these signals as (kind, turn, weight), in sorted order.
    fn summary(s: &CallSignals) -> Vec<(ReasonKind, Option<usize>, f32)> {
        call_escalation(s, &[])
            .reasons
            .iter()
            .map(|r| (r.kind, r.turn, r.weight))
            .collect()
    }

    fn cue_signal(category: CueCategory, weight: f32, turn: usize) -> CueSignal {
        CueSignal {
            category,
            count: 1,
            active: 1,
            max_severity: 3,
            max_weight: weight,
            turn,
            text: "x".into(),
        }
    }

    #[test]
    fn reason_table() {
        use ReasonKind::*;
        type Case = (fn(&mut CallSignals), Vec<(ReasonKind, Option<usize>, f32)>);
        let cases: Vec<Case> = vec![
            (|_| {}, vec![]),
            (
                |s| s.cues = vec![cue_signal(CueCategory::Refund, 0.5, 2)],
                vec![(Cue, Some(2), 0.5 * CALL_CUE_FACTOR)],
            ),
            (
                |s| s.cues = vec![cue_signal(CueCategory::Legal, 0.5, 1)],
                vec![(ExplicitThreat, Some(1), 0.5 * CALL_CUE_FACTOR)],
            ),
            (
                |s| {
                    s.negative_mass = 1.0;
                    s.first_negative_turn = Some(3);
                    s.negative_turns = 1;
                },
                vec![(
                    PersistentNegativity,
                    Some(3),
                    PERSISTENT_NEGATIVITY_MAX * (1.0 - (-1.0f32).exp()),
                )],
            ),
            (
                |s| s.cue_mass = CUE_MASS_SCALE,
                vec![(Cue, None, CUE_MASS_MAX * (1.0 - (-1.0f32).exp()))],
            ),
            (
                |s| {
                    s.repeated_questions = 1;
                    s.first_repeated_question = Some(4);
                },
                vec![(RepeatContact, Some(4), REPEATED_QUESTION_STEP)],
            ),
            (
                |s| {
                    s.repeated_questions = 9;
                    s.first_repeated_question = Some(4);
                },
                vec![(RepeatContact, Some(4), REPEATED_QUESTION_MAX)],
            ),
            (
                |s| {
                    s.refusal_turns = 2;
                    s.first_refusal_turn = Some(1);
                },
                vec![(AgentRefusal, Some(1), 2.0 * REFUSAL_STEP)],
            ),
            (|s| s.customer_turns = LONG_EXCHANGE, vec![]),
            (
                |s| s.customer_turns = LONG_EXCHANGE + 2,
                vec![(LongExchange, None, 2.0 * LONG_EXCHANGE_STEP)],
            ),
            (|s| s.repeat_contact_cues = REPEAT_CUES_MIN - 1, vec![]),
            (
                |s| s.repeat_contact_cues = REPEAT_CUES_MIN,
                vec![(RepeatContact, None, 2.0 * REPEAT_CUE_STEP)],
            ),
            (
                |s| {
                    s.missed_empathy = 1;
                    s.first_missed_empathy = Some(5);
                },
                vec![(NoEmpathy, Some(5), MISSED_EMPATHY_STEP)],
            ),
            (
                |s| {
                    s.worsening = true;
                    s.last_customer_turn = Some(6);
                },
                vec![(Worsening, Some(6), WORSENING_WEIGHT)],
            ),
            (
                |s| {
                    s.end_valence = -1.0;
                    s.last_customer_turn = Some(6);
                },
                vec![(NegativeEnding, Some(6), NEGATIVE_ENDING_MAX)],
            ),
            (
                |s| {
                    s.end_valence = NEGATIVE_TURN;
                    s.last_customer_turn = Some(6);
                },
                vec![(
                    NegativeEnding,
                    Some(6),
                    NEGATIVE_ENDING_BASE + NEGATIVE_ENDING_SLOPE * -NEGATIVE_TURN,
                )],
            ),
            // No customer turn: no ending.
            (|s| s.end_valence = -1.0, vec![]),
            // Explicit threats first, then by weight, then by turn.
            (
                |s| {
                    s.cues = vec![
                        cue_signal(CueCategory::Refund, 0.9, 0),
                        cue_signal(CueCategory::Complaint, 0.2, 3),
                        cue_signal(CueCategory::Churn, 0.2, 1),
                    ];
                },
                vec![
                    (ExplicitThreat, Some(3), 0.2 * CALL_CUE_FACTOR),
                    (Cue, Some(0), 0.9 * CALL_CUE_FACTOR),
                    (Cue, Some(1), 0.2 * CALL_CUE_FACTOR),
                ],
            ),
        ];
        for (i, (set, want)) in cases.into_iter().enumerate() {
            assert_eq!(summary(&signals(set)), want, "case {i}");
        }
    }

    #[test]
    fn prohibited_phrases_by_severity() {
        let hit = |turn, severity| ProhibitedHit {
            turn,
            category: AgentCategory::Shirking,
            text: "不归我管".into(),
            severity,
        };
        let e = call_escalation(&CallSignals::default(), &[hit(1, 2), hit(3, 4)]);
        let got: Vec<_> = e.reasons.iter().map(|r| (r.turn, r.weight)).collect();
        assert_eq!(
            got,
            [
                (Some(3), 4.0 * PROHIBITED_PER_SEVERITY),
                (Some(1), 2.0 * PROHIBITED_PER_SEVERITY)
            ]
        );
        assert_eq!(e.reasons[0].detail, "shirking: 不归我管");
    }

    #[test]
    fn risk_floors_and_levels() {
        let none = call_escalation(&CallSignals::default(), &[]);
        assert_eq!(
            (none.risk, none.level, none.escalated),
            (0.0, Level::None, false)
        );
        let threat = call_escalation(&signals(|s| s.explicit_threat = true), &[]);
        assert_eq!(
            (threat.risk, threat.level),
            (Level::High.min_risk(), Level::High)
        );
        assert!(threat.escalated);
        let harm = call_escalation(
            &signals(|s| {
                s.explicit_threat = true;
                s.harm_threat = true;
            }),
            &[],
        );
        assert_eq!(harm.level, Level::Critical);
        let first = call_escalation(&signals(|s| s.first_cue_turn = Some(2)), &[]);
        assert_eq!(first.first_turn, Some(2));
    }

    #[test]
    fn a_resolved_call_keeps_part_of_its_hazard() {
        let open = call_escalation(&signals(|s| s.worsening = true), &[]);
        let resolved = call_escalation(
            &signals(|s| {
                s.worsening = true;
                s.resolution_turn = Some(4);
            }),
            &[],
        );
        let want = 1.0 - (-RESOLVED_HAZARD * -(1.0 - WORSENING_WEIGHT).ln() / RISK_SPREAD).exp();
        assert!(
            (resolved.risk - want).abs() < 1e-6,
            "{} {want}",
            resolved.risk
        );
        assert!(resolved.risk < open.risk);
        // An explicit threat keeps its floor.
        let threat = call_escalation(
            &signals(|s| {
                s.explicit_threat = true;
                s.resolution_turn = Some(4);
            }),
            &[],
        );
        assert_eq!(threat.level, Level::High);
    }

    #[test]
    fn hazards_add_up() {
        // One reason of weight w: risk = 1 − (1 − w)^(1 / RISK_SPREAD).
        let one = call_escalation(&signals(|s| s.worsening = true), &[]);
        let want = 1.0 - (-(-(1.0 - WORSENING_WEIGHT).ln()) / RISK_SPREAD).exp();
        assert_eq!(one.risk, want);
        // More reasons, more risk; a certain reason is capped, not infinite.
        let two = call_escalation(
            &signals(|s| {
                s.worsening = true;
                s.missed_empathy = 1;
            }),
            &[],
        );
        assert!(two.risk > one.risk);
        let mut sure = vec![cue_signal(CueCategory::Refund, 1.0, 0)];
        sure[0].max_weight = 1.0 / CALL_CUE_FACTOR;
        let capped = call_escalation(&signals(|s| s.cues = sure), &[]);
        assert!(capped.risk.is_finite() && capped.risk < 1.0);
    }
}
