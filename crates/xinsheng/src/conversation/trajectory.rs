//! The customer's side of a call: valence per turn, the mood the trajectory follows, its
//! shape, and the most intense moment.

use super::weights::{
    IMPROVING_RISE, IMPROVING_START, NEGATIVE_TURN, POSITIVE_TURN, RECOVERED_DIP, RECOVERED_END,
    RESIGNED_MOOD, RISK_IN_MOOD, VOLATILE_SWINGS, WORSENING_DROP, WORSENING_END,
};
use crate::types::{AgentKind, Emotion, Peak, Speaker, Trajectory, TurnValence, UtteranceAnalysis};

/// True for the turns the customer side of the roll-up reads: customer and unknown
/// speakers (an unknown speaker is scored like a customer).
pub(crate) fn is_customer(t: &UtteranceAnalysis) -> bool {
    t.speaker != Speaker::Agent
}

/// Valence of every customer turn, with its index in the call.
pub(crate) fn customer_valence(turns: &[UtteranceAnalysis]) -> Vec<TurnValence> {
    turns
        .iter()
        .enumerate()
        .filter(|(_, t)| is_customer(t))
        .map(|(i, t)| TurnValence {
            turn: i,
            valence: t.valence,
        })
        .collect()
}

/// Mood of every customer turn, for the trajectory and the negativity signals.
///
/// Valence saturates, so a turn that escalates (a threat after a complaint) must still
/// read worse: mood = valence − `RISK_IN_MOOD` × escalation risk. A grudging 行吧 / 好吧
/// right after an agent turn that said no is resignation: its mood is at most
/// `RESIGNED_MOOD`.
pub(crate) fn moods(turns: &[UtteranceAnalysis], customer: &[TurnValence]) -> Vec<f32> {
    customer
        .iter()
        .map(|t| {
            let mood = t.valence - RISK_IN_MOOD * turns[t.turn].escalation.risk;
            if resigned(turns, t.turn) {
                mood.min(RESIGNED_MOOD)
            } else {
                mood
            }
        })
        .collect()
}

/// The customer turn `i` is grudging and the turn before it is an agent's no (a refusal,
/// or a prohibited phrase).
fn resigned(turns: &[UtteranceAnalysis], i: usize) -> bool {
    turns[i].grudging
        && i.checked_sub(1).is_some_and(|p| {
            let a = &turns[p];
            a.speaker == Speaker::Agent
                && (a.refusals > 0
                    || a.agent
                        .iter()
                        .any(|m| !m.negated && m.kind == AgentKind::Prohibited))
        })
}

/// Classify the shape of a mood series (one value per customer turn).
///
/// Middle turns of a service call are often plain information (订单号, 地址) and score
/// near zero, so the shape is read from where the customer starts, where they end, and
/// the deepest dip, not from averages. The first that holds, in this order:
///
/// - `volatile`: at least `VOLATILE_SWINGS` (3) changes between clearly negative (mood ≤
///   [`NEGATIVE_TURN`]) and clearly positive (≥ [`POSITIVE_TURN`]) turns;
/// - `worsening`: the last turn is at least `WORSENING_DROP` (0.25) below the first and
///   negative (< `WORSENING_END`, −0.2);
/// - `recovered`: a turn before the last, the first one included, is clearly negative (≤
///   `RECOVERED_DIP`, −0.3) and the last is fine (≥ `RECOVERED_END`, −0.05): an angry or
///   anxious customer who ends satisfied;
/// - `improving`: the first turn is negative (< `IMPROVING_START`, −0.15) and the last is
///   at least `IMPROVING_RISE` (0.3) higher, without ending fine after a clear low;
/// - `stable`: none of these.
///
/// ```
/// use xinsheng::{trajectory, Trajectory};
/// assert_eq!(trajectory(&[-0.6, 0.0, 0.4]), Trajectory::Recovered);
/// assert_eq!(trajectory(&[-0.6, -0.4, -0.2]), Trajectory::Improving);
/// assert_eq!(trajectory(&[-0.3, 0.0, -0.9]), Trajectory::Worsening);
/// assert_eq!(trajectory(&[0.1, -0.6, 0.0, 0.3]), Trajectory::Recovered);
/// ```
pub fn trajectory(vals: &[f32]) -> Trajectory {
    let n = vals.len();
    if n < 2 {
        return Trajectory::Stable;
    }
    let (start, end) = (vals[0], vals[n - 1]);
    let (min_i, min_v) =
        vals.iter().copied().enumerate().fold(
            (0, f32::INFINITY),
            |a, (i, v)| if v < a.1 { (i, v) } else { a },
        );
    if swings(vals) >= VOLATILE_SWINGS {
        Trajectory::Volatile
    } else if end <= start - WORSENING_DROP && end < WORSENING_END {
        Trajectory::Worsening
    } else if min_i < n - 1 && min_v <= RECOVERED_DIP && end >= RECOVERED_END {
        Trajectory::Recovered
    } else if start < IMPROVING_START && end >= start + IMPROVING_RISE {
        Trajectory::Improving
    } else {
        Trajectory::Stable
    }
}

/// Changes between clearly negative and clearly positive turns (neutral turns between
/// them do not count).
fn swings(vals: &[f32]) -> usize {
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
    swings
}

/// The customer's most intense non-neutral turn (the first one on ties).
pub(crate) fn peak(turns: &[UtteranceAnalysis]) -> Option<Peak> {
    turns
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
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::test_util::turn;

    #[test]
    fn trajectories() {
        use Trajectory::*;
        let cases: &[(&[f32], Trajectory)] = &[
            (&[], Stable),
            (&[-0.9], Stable),
            (&[0.0, 0.1, 0.0], Stable),
            // Angry, then satisfied: recovered (issue 13); better but not fine: improving.
            (&[-0.6, -0.3, 0.4], Recovered),
            (&[-0.6, 0.0, 0.4], Recovered),
            (&[-0.6, -0.4, -0.2], Improving),
            (&[0.1, -0.2, -0.7], Worsening),
            (&[-0.3, 0.0, -0.9], Worsening),
            // Neutral middle turns do not hide the shape.
            (&[-0.4, 0.0, 0.0, -0.9], Worsening),
            // Dropping but ending above WORSENING_END is not worsening.
            (&[0.3, 0.0, -0.1], Stable),
            (&[0.0, -0.6, -0.5, 0.2], Recovered),
            (&[0.1, -0.6, 0.0, 0.3], Recovered),
            // The low may be the first turn; the last must be fine.
            (&[-0.6, 0.0, 0.0], Recovered),
            (&[-0.6, -0.2, -0.1], Improving),
            (&[-0.5, 0.5, -0.5, 0.5, -0.4], Volatile),
            // Two swings are not volatile.
            (&[-0.5, 0.5, -0.5], Stable),
        ];
        for (vals, want) in cases {
            assert_eq!(trajectory(vals), *want, "{vals:?}");
        }
    }

    /// Each label just inside and just outside its definition (docs/context.md), and the
    /// order in which the definitions are tried.
    #[test]
    fn each_label_at_its_definition() {
        use Trajectory::*;
        const E: f32 = 0.01;
        let cases: &[(&[f32], Trajectory)] = &[
            // volatile: three changes between clearly negative and clearly positive turns.
            (&[-0.3, 0.3, -0.3, 0.3], Volatile),
            // Neutral turns between them do not count, and do not break a swing.
            (&[-0.3, 0.0, 0.3, 0.0, -0.3, 0.0, 0.3], Volatile),
            // A turn just short of clearly positive is no swing (two swings, then a rise
            // from a first turn that is no clear low: improving).
            (
                &[NEGATIVE_TURN, 0.3, NEGATIVE_TURN, POSITIVE_TURN - E],
                Improving,
            ),
            // worsening: the last at least WORSENING_DROP below the first and below
            // WORSENING_END.
            (&[0.0, -0.3], Worsening),
            (&[0.1, WORSENING_END - E], Worsening),
            // Ending just above WORSENING_END, or dropping less than WORSENING_DROP: not.
            (&[0.1, WORSENING_END + E], Stable),
            (&[-0.3, -0.3 - WORSENING_DROP + E], Stable),
            // Worsening is tried before recovered: a low in the middle and a worse end.
            (&[-0.1, -0.6, -0.5], Worsening),
            // recovered: a turn before the last at or below RECOVERED_DIP (the first one
            // included), the last at least RECOVERED_END.
            (&[RECOVERED_DIP - E, RECOVERED_END + E], Recovered),
            (&[0.0, RECOVERED_DIP - E, 0.0], Recovered),
            // Not a clear low, or not ending fine.
            (&[RECOVERED_DIP + E, 0.0, 0.3], Improving),
            (&[-0.6, RECOVERED_END - E], Improving),
            // The low at the last turn is no recovery.
            (&[-0.1, 0.0, -0.3], Stable),
            // improving: the first below IMPROVING_START, the last at least IMPROVING_RISE
            // higher.
            (&[-0.5, -0.5 + IMPROVING_RISE + E], Improving),
            (&[-0.5, -0.5 + IMPROVING_RISE - E], Stable),
            // Starting at IMPROVING_START is not starting negative.
            (&[IMPROVING_START + E, 0.3], Stable),
            // stable: none of these.
            (&[0.2, 0.3, 0.2], Stable),
            (&[-0.4, -0.4, -0.4], Stable),
        ];
        for (vals, want) in cases {
            assert_eq!(trajectory(vals), *want, "{vals:?}");
        }
    }

    #[test]
    fn swing_counts() {
        let cases: &[(&[f32], usize)] = &[
            (&[], 0),
            (&[-0.5, 0.0, -0.5], 0),
            (&[-0.5, 0.0, 0.5], 1),
            (&[-0.5, 0.5, -0.5, 0.5], 3),
            // Thresholds are inclusive.
            (&[NEGATIVE_TURN, POSITIVE_TURN], 1),
        ];
        for (vals, want) in cases {
            assert_eq!(swings(vals), *want, "{vals:?}");
        }
    }

    #[test]
    fn moods_subtract_risk() {
        let mut threat = turn(Speaker::Customer, -0.5);
        threat.escalation.risk = 0.5;
        let turns = vec![
            turn(Speaker::Customer, 0.5),
            turn(Speaker::Agent, 0.9),
            threat,
        ];
        let cv = customer_valence(&turns);
        assert_eq!(cv.iter().map(|t| t.turn).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(moods(&turns, &cv), [0.5, -0.5 - RISK_IN_MOOD * 0.5]);
    }

    #[test]
    fn a_grudging_ack_after_a_no_is_resigned() {
        let ack = |v: f32| {
            let mut t = turn(Speaker::Customer, v);
            t.grudging = true;
            t
        };
        let mut no = turn(Speaker::Agent, 0.0);
        no.refusals = 1;
        let mut prohibited = turn(Speaker::Agent, 0.0);
        prohibited.agent = vec![crate::conversation::test_util::agent_phrase(
            crate::AgentCategory::Shirking,
            2,
        )];
        let helpful = turn(Speaker::Agent, 0.0);
        let cases: Vec<(Vec<UtteranceAnalysis>, f32)> = vec![
            (vec![no.clone(), ack(0.08)], RESIGNED_MOOD),
            (vec![prohibited, ack(0.08)], RESIGNED_MOOD),
            // Already lower: kept.
            (vec![no.clone(), ack(-0.5)], -0.5),
            // After help, or with a customer turn between: as scored.
            (vec![helpful, ack(0.08)], 0.08),
            (vec![no, turn(Speaker::Customer, 0.0), ack(0.08)], 0.08),
        ];
        for (i, (turns, want)) in cases.into_iter().enumerate() {
            let cv = customer_valence(&turns);
            assert_eq!(moods(&turns, &cv).last().copied(), Some(want), "case {i}");
        }
    }

    #[test]
    fn peaks() {
        let mut a = turn(Speaker::Customer, -0.5);
        a.emotion = Emotion::Anger;
        a.intensity = 0.7;
        let mut b = a.clone();
        b.intensity = 0.7;
        let mut agent = a.clone();
        agent.speaker = Speaker::Agent;
        agent.intensity = 0.9;
        let mut neutral = turn(Speaker::Customer, 0.0);
        neutral.intensity = 1.0;
        // Agent and neutral turns never peak; the first of equals wins.
        let p = peak(&[neutral, agent, a, b]).unwrap();
        assert_eq!((p.turn, p.emotion), (2, Emotion::Anger));
        assert_eq!(peak(&[turn(Speaker::Customer, 0.0)]), None);
    }
}
