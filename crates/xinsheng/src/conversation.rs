//! Conversation roll-up: customer trajectory, peak, call escalation and agent QA.
//!
//! Call risk is a noisy-or of independent signals, each listed as a [`Reason`]:
//! the strongest active cue per category (explicit threats first), persistent
//! negativity, repeated contact, agent prohibited phrases, missed empathy, a worsening
//! trajectory and a negative ending.

use crate::types::{
    AgentKind, AgentQa, CallEscalation, ConversationAnalysis, CueCategory, Emotion, Level, Peak,
    ProhibitedHit, Reason, ReasonKind, Speaker, Trajectory, TurnValence, UtteranceAnalysis,
};

/// Customer valence at or below which a turn counts as clearly negative.
pub const NEGATIVE_TURN: f32 = -0.25;
/// Share of a cue's utterance weight it adds to call risk. An explicit threat still lifts
/// the call to at least `high` (see `CallEscalation::escalated`); within a level, how
/// negative the whole call was ranks it.
pub const CALL_CUE_FACTOR: f32 = 0.6;
/// How far a call's hazard is spread before it becomes risk (see `roll_up`).
pub const RISK_SPREAD: f32 = 2.0;
/// Weight of a turn's escalation risk in the mood the trajectory follows.
pub const RISK_IN_MOOD: f32 = 0.6;
/// Bigram similarity at or above which a customer turn repeats an earlier one.
pub const REPEAT_SIMILARITY: f32 = 0.6;
/// Customer turns beyond which a call counts as a long back-and-forth.
pub const LONG_EXCHANGE: usize = 4;
/// Customer valence at or above which a turn counts as clearly positive.
pub const POSITIVE_TURN: f32 = 0.2;

/// Classify the shape of a mood series (one value per customer turn).
///
/// Middle turns of a service call are often plain information (订单号, 地址) and score
/// near zero, so the shape is read from where the customer starts, where they end, and
/// the deepest dip, not from averages.
///
/// ```
/// use xinsheng::{trajectory, Trajectory};
/// assert_eq!(trajectory(&[-0.6, 0.0, 0.4]), Trajectory::Improving);
/// assert_eq!(trajectory(&[-0.3, 0.0, -0.9]), Trajectory::Worsening);
/// assert_eq!(trajectory(&[0.1, -0.6, 0.0, 0.3]), Trajectory::Recovered);
/// ```
pub fn trajectory(vals: &[f32]) -> Trajectory {
    let n = vals.len();
    if n < 2 {
        return Trajectory::Stable;
    }
    // Swings: changes between clearly negative and clearly positive turns.
    let mut swings = 0;
    let mut state = 0i8;
    for &v in vals {
        let s = if v <= NEGATIVE_TURN {
            -1
        } else if v >= POSITIVE_TURN {
            1
        } else {
            0
        };
        if s != 0 {
            if state != 0 && s != state {
                swings += 1;
            }
            state = s;
        }
    }
    let (start, end) = (vals[0], vals[n - 1]);
    let (min_i, min_v) =
        vals.iter().copied().enumerate().fold(
            (0, f32::INFINITY),
            |a, (i, v)| if v < a.1 { (i, v) } else { a },
        );
    if swings >= 3 {
        Trajectory::Volatile
    } else if end <= start - 0.25 && end < -0.2 {
        Trajectory::Worsening
    } else if min_i > 0 && min_i < n - 1 && min_v <= -0.3 && end >= -0.05 && start > min_v + 0.15 {
        Trajectory::Recovered
    } else if start < -0.15 && end >= start + 0.3 {
        Trajectory::Improving
    } else {
        Trajectory::Stable
    }
}

/// Jaccard similarity of two sorted hash sets.
fn similarity(a: &[u32], b: &[u32]) -> f32 {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f32 / union as f32
    }
}

/// Roll analyzed turns up into a conversation analysis.
pub(crate) fn roll_up(turns: Vec<UtteranceAnalysis>) -> ConversationAnalysis {
    let is_customer = |t: &UtteranceAnalysis| t.speaker != Speaker::Agent;
    let customer_valence: Vec<TurnValence> = turns
        .iter()
        .enumerate()
        .filter(|(_, t)| is_customer(t))
        .map(|(i, t)| TurnValence {
            turn: i,
            valence: t.valence,
        })
        .collect();
    // Mood for the trajectory: valence saturates, so a turn that escalates (a threat after
    // a complaint) must still read worse: mood = valence − RISK_IN_MOOD × risk.
    let moods: Vec<f32> = customer_valence
        .iter()
        .map(|t| t.valence - RISK_IN_MOOD * turns[t.turn].escalation.risk)
        .collect();
    let traj = trajectory(&moods);

    let peak = turns
        .iter()
        .enumerate()
        .filter(|(_, t)| is_customer(t) && t.emotion != Emotion::Neutral)
        .fold(
            None::<(usize, &UtteranceAnalysis)>,
            |best, (i, t)| match best {
                Some((_, b)) if b.intensity >= t.intensity => best,
                _ => Some((i, t)),
            },
        )
        .map(|(i, t)| Peak {
            turn: i,
            emotion: t.emotion,
            intensity: t.intensity,
            valence: t.valence,
        });

    // --- agent QA ---
    let mut qa = AgentQa {
        agent_turns: turns.iter().filter(|t| t.speaker == Speaker::Agent).count(),
        empathy_opportunities: 0,
        empathy_responses: 0,
        empathy_rate: None,
        missed_empathy_turns: Vec::new(),
        encouraged: 0,
        prohibited: Vec::new(),
    };
    for (i, t) in turns.iter().enumerate() {
        if t.speaker == Speaker::Agent {
            for m in t.agent.iter().filter(|m| !m.negated) {
                match m.kind {
                    AgentKind::Encouraged => qa.encouraged += 1,
                    AgentKind::Prohibited => qa.prohibited.push(ProhibitedHit {
                        turn: i,
                        category: m.category,
                        text: m.text.clone(),
                        severity: m.severity,
                    }),
                }
            }
            continue;
        }
        let upset = t.valence <= NEGATIVE_TURN || t.escalation.level >= Level::Medium;
        if !upset {
            continue;
        }
        // The agent's answer: the first agent turn after the customer's run of turns.
        let reply = turns[i + 1..]
            .iter()
            .enumerate()
            .skip_while(|(_, r)| is_customer(r))
            .find(|(_, r)| r.speaker == Speaker::Agent);
        // Only the last turn of a customer run is the one the agent answers.
        if turns.get(i + 1).is_some_and(is_customer) {
            continue;
        }
        if let Some((off, r)) = reply {
            qa.empathy_opportunities += 1;
            let empathic = r
                .agent
                .iter()
                .any(|m| !m.negated && m.category.is_empathic());
            if empathic {
                qa.empathy_responses += 1;
            } else {
                qa.missed_empathy_turns.push(i + 1 + off);
            }
        }
    }
    if qa.empathy_opportunities > 0 {
        qa.empathy_rate = Some(qa.empathy_responses as f32 / qa.empathy_opportunities as f32);
    }

    // --- call escalation ---
    let mut reasons: Vec<Reason> = Vec::new();
    // Strongest active cue per category, with its turn.
    let mut best: Vec<(CueCategory, usize, String, f32)> = Vec::new();
    let mut escalated = false;
    // A threat of violence or self-harm (severity 5): the call is critical whatever else.
    let mut harm = false;
    let mut first_turn = None;
    let mut repeat_cues = 0usize;
    let mut cue_mass = 0f32;
    let mut active_cues = 0usize;
    for (i, t) in turns.iter().enumerate().filter(|(_, t)| is_customer(t)) {
        for c in &t.escalation.cues {
            if c.weight <= 0.0 {
                continue;
            }
            cue_mass += c.weight;
            if c.is_active() {
                active_cues += 1;
                if c.category.is_formal() && c.severity >= 4 {
                    escalated = true;
                }
                if c.category == CueCategory::Harm && c.severity >= 5 {
                    harm = true;
                }
                if matches!(
                    c.category,
                    CueCategory::RepeatContact | CueCategory::Impatience
                ) {
                    repeat_cues += 1;
                }
                if c.severity >= 3 && first_turn.is_none() {
                    first_turn = Some(i);
                }
            }
            match best.iter_mut().find(|b| b.0 == c.category) {
                Some(b) if b.3 >= c.weight => {}
                Some(b) => *b = (c.category, i, c.text.clone(), c.weight),
                None => best.push((c.category, i, c.text.clone(), c.weight)),
            }
        }
    }
    for (cat, turn, text, weight) in best {
        reasons.push(Reason {
            kind: if cat.is_formal() {
                ReasonKind::ExplicitThreat
            } else {
                ReasonKind::Cue
            },
            turn: Some(turn),
            detail: format!("{cat}: {text}"),
            weight: weight * CALL_CUE_FACTOR,
        });
    }
    // Negativity mass: how much negative content the customer produced over the call,
    // cues included (the mood of each turn); long complaints and many small jabs add up.
    // Later turns weigh more (the end of a call shapes how it is remembered), and
    // satisfied turns offset negative ones: mass = Σ (i+1)/n · (−moodᵢ), kept ≥ 0.
    // One reason, pointing at the first clearly negative turn: counting negative turns
    // as a reason of its own would count the same evidence twice.
    let n = moods.len() as f32;
    let mass: f32 = moods
        .iter()
        .enumerate()
        .map(|(i, m)| (i as f32 + 1.0) / n * -m)
        .sum::<f32>()
        .max(0.0);
    if mass > 0.0 {
        let negative: Vec<&TurnValence> = customer_valence
            .iter()
            .filter(|t| t.valence <= NEGATIVE_TURN)
            .collect();
        let detail = if negative.is_empty() {
            format!("recency-weighted negative mass {mass:.2} over the call")
        } else {
            format!(
                "{} of {} customer turns negative, negative mass {mass:.2}",
                negative.len(),
                customer_valence.len()
            )
        };
        reasons.push(Reason {
            kind: ReasonKind::PersistentNegativity,
            turn: negative.first().map(|t| t.turn),
            detail,
            weight: 0.7 * (1.0 - (-mass).exp()),
        });
    }
    if cue_mass > 0.0 {
        reasons.push(Reason {
            kind: ReasonKind::Cue,
            turn: None,
            detail: format!("{active_cues} active cues over the call"),
            weight: 0.35 * (1.0 - (-cue_mass / 1.5).exp()),
        });
    }
    // A customer asking the same thing again: the answer did not land. The sketches come
    // in text order; as sets they are sorted and deduplicated here.
    let sketches: Vec<Vec<u32>> = customer_valence
        .iter()
        .map(|t| {
            let mut s = turns[t.turn].sketch.clone();
            s.sort_unstable();
            s.dedup();
            s
        })
        .collect();
    // Only a question asked again after the agent answered counts: the same line sent
    // twice before any answer is waiting (or an export's duplicate), not an answer that
    // missed.
    let agent_between = |from: usize, to: usize| {
        turns[from + 1..to]
            .iter()
            .any(|t| t.speaker == Speaker::Agent)
    };
    let mut repeated: Vec<usize> = Vec::new();
    for (j, b) in customer_valence.iter().enumerate() {
        let tb = &sketches[j];
        if tb.len() < 3 {
            continue;
        }
        if sketches[..j]
            .iter()
            .zip(&customer_valence)
            .any(|(ta, a)| similarity(ta, tb) >= REPEAT_SIMILARITY && agent_between(a.turn, b.turn))
        {
            repeated.push(b.turn);
        }
    }
    if let Some(&first) = repeated.first() {
        reasons.push(Reason {
            kind: ReasonKind::RepeatContact,
            turn: Some(first),
            detail: format!("customer repeated a question {} time(s)", repeated.len()),
            weight: (0.15 * repeated.len() as f32).min(0.35),
        });
    }
    let refusing: Vec<usize> = turns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.speaker == Speaker::Agent && t.refusals > 0)
        .map(|(i, _)| i)
        .collect();
    if let Some(&first) = refusing.first() {
        reasons.push(Reason {
            kind: ReasonKind::AgentRefusal,
            turn: Some(first),
            detail: format!("agent said no in {} turn(s)", refusing.len()),
            weight: (0.08 * refusing.len() as f32).min(0.3),
        });
    }
    let customer_turns = customer_valence.len();
    if customer_turns > LONG_EXCHANGE {
        reasons.push(Reason {
            kind: ReasonKind::LongExchange,
            turn: None,
            detail: format!("{customer_turns} customer turns"),
            weight: (0.02 * (customer_turns - LONG_EXCHANGE) as f32).min(0.2),
        });
    }
    if repeat_cues >= 2 {
        reasons.push(Reason {
            kind: ReasonKind::RepeatContact,
            turn: None,
            detail: format!("{repeat_cues} impatience / repeat-contact cues"),
            weight: (0.1 * repeat_cues as f32).min(0.35),
        });
    }
    for p in &qa.prohibited {
        let w = 0.06 * p.severity as f32;
        reasons.push(Reason {
            kind: ReasonKind::AgentProhibited,
            turn: Some(p.turn),
            detail: format!("{}: {}", p.category, p.text),
            weight: w,
        });
    }
    if !qa.missed_empathy_turns.is_empty() {
        reasons.push(Reason {
            kind: ReasonKind::NoEmpathy,
            turn: qa.missed_empathy_turns.first().copied(),
            detail: format!(
                "{} negative customer turn(s) answered without empathy",
                qa.missed_empathy_turns.len()
            ),
            weight: (0.06 * qa.missed_empathy_turns.len() as f32).min(0.2),
        });
    }
    if traj == Trajectory::Worsening {
        reasons.push(Reason {
            kind: ReasonKind::Worsening,
            turn: customer_valence.last().map(|t| t.turn),
            detail: "customer mood worsened".into(),
            weight: 0.15,
        });
    }
    if let Some(last) = customer_valence.last() {
        if last.valence <= NEGATIVE_TURN {
            reasons.push(Reason {
                kind: ReasonKind::NegativeEnding,
                turn: Some(last.turn),
                detail: format!("last customer turn valence {:.2}", last.valence),
                weight: (0.15 + 0.2 * -last.valence).min(0.35),
            });
        }
    }
    // Explicit threats first (the evidence a reviewer checks first), then by weight.
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
    // Independent reasons combine like hazards: H = Σ −ln(1 − wᵢ). The call's risk is
    // 1 − exp(−H / RISK_SPREAD): spreading the hazard keeps levels meaningful when many
    // small reasons pile up (a rude agent and an upset customer make a `high` call; a
    // regulator threat on top makes it `critical`).
    let hazard: f32 = reasons
        .iter()
        .map(|r| -(1.0 - r.weight.min(0.999)).ln())
        .sum();
    let mut risk = (1.0 - (-hazard / RISK_SPREAD).exp()).clamp(0.0, 1.0);
    if escalated {
        // An explicit formal or external threat is never below `high`.
        risk = risk.max(Level::High.min_risk());
    }
    if harm {
        risk = risk.max(Level::Critical.min_risk());
    }
    let level = Level::from_risk(risk);

    ConversationAnalysis {
        turns,
        customer_valence,
        trajectory: traj,
        peak,
        escalation: CallEscalation {
            risk,
            level,
            escalated,
            first_turn,
            reasons,
        },
        agent_qa: qa,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectories() {
        assert_eq!(trajectory(&[]), Trajectory::Stable);
        assert_eq!(trajectory(&[0.0, 0.1, 0.0]), Trajectory::Stable);
        assert_eq!(trajectory(&[-0.6, -0.3, 0.4]), Trajectory::Improving);
        assert_eq!(trajectory(&[0.1, -0.2, -0.7]), Trajectory::Worsening);
        // Neutral middle turns do not hide the shape.
        assert_eq!(trajectory(&[-0.4, 0.0, 0.0, -0.9]), Trajectory::Worsening);
        assert_eq!(trajectory(&[0.0, -0.6, -0.5, 0.2]), Trajectory::Recovered);
        assert_eq!(
            trajectory(&[-0.5, 0.5, -0.5, 0.5, -0.4]),
            Trajectory::Volatile
        );
    }
}
