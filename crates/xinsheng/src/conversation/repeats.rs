//! Repeated questions: a customer asking the same thing again after the agent answered.

use super::weights::{REPEAT_MIN_BIGRAMS, REPEAT_SIMILARITY};
use crate::types::{Speaker, TurnValence, UtteranceAnalysis};

/// Jaccard similarity of two sorted, deduplicated hash sets (0 when both are empty).
pub(crate) fn similarity(a: &[u32], b: &[u32]) -> f32 {
    let (common, union) = common_and_union(a, b);
    if union == 0 {
        0.0
    } else {
        common as f32 / union as f32
    }
}

/// How many hashes two sorted, deduplicated hash sets share, and the size of their union.
pub(crate) fn common_and_union(a: &[u32], b: &[u32]) -> (usize, usize) {
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
    (common, a.len() + b.len() - common)
}

/// The customer turns (indices in the call) that repeat an earlier customer turn.
///
/// A turn repeats when its bigram set (at least `REPEAT_MIN_BIGRAMS` of them) is at least
/// `REPEAT_SIMILARITY` similar to an earlier customer turn's *and* an agent turn came in
/// between: the same line sent twice before any answer is waiting (or an export's
/// duplicate), not an answer that missed.
///
/// Reads the turns' bigram sketches, which are not serialized: after a JSON round trip
/// of the turns no turn repeats (see `Analyzer::roll_up`).
pub(crate) fn repeated_questions(
    turns: &[UtteranceAnalysis],
    customer: &[TurnValence],
) -> Vec<usize> {
    // The sketches come in text order; as sets they are sorted and deduplicated here.
    let sketches: Vec<Vec<u32>> = customer
        .iter()
        .map(|t| {
            let mut s = turns[t.turn].sketch.clone();
            s.sort_unstable();
            s.dedup();
            s
        })
        .collect();
    let agent_between = |from: usize, to: usize| {
        turns[from + 1..to]
            .iter()
            .any(|t| t.speaker == Speaker::Agent)
    };
    let mut repeated = Vec::new();
    for (j, b) in customer.iter().enumerate() {
        let tb = &sketches[j];
        if tb.len() < REPEAT_MIN_BIGRAMS {
            continue;
        }
        if sketches[..j]
            .iter()
            .zip(customer)
            .any(|(ta, a)| similarity(ta, tb) >= REPEAT_SIMILARITY && agent_between(a.turn, b.turn))
        {
            repeated.push(b.turn);
        }
    }
    repeated
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::test_util::turn;
    use crate::conversation::trajectory::customer_valence;
    use Speaker::{Agent, Customer};

    #[test]
    fn similarities() {
        let cases: &[(&[u32], &[u32], f32)] = &[
            (&[], &[], 0.0),
            (&[1, 2, 3], &[], 0.0),
            (&[1, 2, 3], &[1, 2, 3], 1.0),
            (&[1, 2, 3], &[4, 5, 6], 0.0),
            (&[1, 2, 3], &[2, 3, 4], 0.5),
            (&[1, 2], &[1, 2, 3, 4], 0.5),
        ];
        for (a, b, want) in cases {
            assert_eq!(similarity(a, b), *want, "{a:?} {b:?}");
            assert_eq!(similarity(b, a), *want, "{b:?} {a:?}");
        }
    }

    fn sketched(speaker: Speaker, sketch: &[u32]) -> UtteranceAnalysis {
        let mut t = turn(speaker, 0.0);
        t.sketch = sketch.to_vec();
        t
    }

    #[test]
    fn repeats_table() {
        let q: &[u32] = &[5, 1, 2, 3, 1];
        let other: &[u32] = &[7, 8, 9];
        let short: &[u32] = &[1, 2];
        // (turns, repeated turns)
        type Spec<'a> = &'a [(Speaker, &'a [u32])];
        let cases: &[(Spec, &[usize])] = &[
            (&[], &[]),
            (&[(Customer, q), (Agent, &[]), (Customer, q)], &[2]),
            // No answer in between: a duplicate, not a repeat.
            (&[(Customer, q), (Customer, q), (Agent, &[])], &[]),
            (&[(Customer, q), (Agent, &[]), (Customer, other)], &[]),
            // Too short to compare.
            (&[(Customer, short), (Agent, &[]), (Customer, short)], &[]),
            // Text order and duplicates in the sketch do not matter.
            (
                &[(Customer, q), (Agent, &[]), (Customer, &[3, 2, 1, 5])],
                &[2],
            ),
            (
                &[
                    (Customer, q),
                    (Agent, &[]),
                    (Customer, q),
                    (Agent, &[]),
                    (Customer, q),
                ],
                &[2, 4],
            ),
        ];
        for (spec, want) in cases {
            let turns: Vec<_> = spec.iter().map(|&(s, k)| sketched(s, k)).collect();
            let cv = customer_valence(&turns);
            assert_eq!(repeated_questions(&turns, &cv), *want, "{spec:?}");
        }
    }
}
