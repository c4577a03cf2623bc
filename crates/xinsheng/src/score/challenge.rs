//! Challenges: rhetorical accusations aimed at the company that no marker word carries,
//! recognized by their construction in a sentence that asks.
//!
//! - manner: a second person with a manner demonstrative, the question closing on 的
//!   (有你们这样做生意的吗？, 你们就是这么对待老客户的？): "is this how you do it?";
//! - doing what: a second person, 这是 / 这, and a what-are-you-doing word (你们这是在干
//!   什么？, 你这是搞啥呢).
//!
//! Each is a confrontational question aimed at the company: a dissatisfaction cue of the
//! firmer confrontation severity and the valence and anger of a rhetorical marker, as
//! 凭什么 or 这就是你们的服务？ have. Quoted sentences are left alone.

use super::aggregate::Acc;
use super::cues::Found;
use super::structure::SentenceInfo;
use super::weights::{CONFRONTATION_SEVERITY, RHETORICAL};
use crate::lexicon::function_words::{
    DOING_FILLERS, DOING_WHAT, MANNER_DEMONSTRATIVES, QUESTION_PARTICLES, SECOND_PERSON, THIS_IS,
};
use crate::segment::{OriginalText, Unit};
use crate::types::{CueCategory, Emotion};

/// Words looked ahead from a second person for the rest of a construction.
const REACH: usize = 3;

/// Find the challenges of a customer's utterance; add their cues and valence.
pub(crate) fn challenges(
    units: &[Unit<'_>],
    sentences: &[SentenceInfo],
    original: &mut OriginalText<'_>,
    acc: &mut Acc<'_>,
    found: &mut Found,
) {
    for (k, u) in units.iter().enumerate() {
        if u.is_punct || !SECOND_PERSON.iter().any(|p| u.text.starts_with(p)) {
            continue;
        }
        let st = &sentences[u.sentence];
        if st.quote_from.is_some_and(|q| q < k) || u.in_quote {
            continue;
        }
        let Some(last) = manner(units, st, k).or_else(|| doing_what(units, k)) else {
            continue;
        };
        found.pattern_cue(
            units,
            original,
            (k, last),
            CueCategory::Dissatisfaction,
            CONFRONTATION_SEVERITY.1,
        );
        acc.add(
            u,
            "pattern",
            RHETORICAL.0,
            RHETORICAL.0,
            Some((Emotion::Anger, RHETORICAL.1)),
            || vec!["challenge: a rhetorical accusation of the company".into()],
        );
        // One challenge per utterance is enough.
        return;
    }
}

/// The words of the clause of unit `k` from `k` on, with their indices.
fn ahead<'u, 'a>(units: &'u [Unit<'a>], k: usize) -> impl Iterator<Item = (usize, &'u Unit<'a>)> {
    let clause = units[k].clause;
    units
        .iter()
        .enumerate()
        .skip(k + 1)
        .take_while(move |(_, u)| u.clause == clause && !u.is_punct)
}

/// Manner: the second person at `k` is followed within [`REACH`] words by a manner
/// demonstrative (这样, 这么), and the sentence asks with its last words 的 (吗) or 的？.
/// Gives the last unit of the construction.
fn manner(units: &[Unit<'_>], st: &SentenceInfo, k: usize) -> Option<usize> {
    ahead(units, k)
        .take(REACH)
        .find(|(_, u)| MANNER_DEMONSTRATIVES.contains(&u.text))?;
    let last = st.last_word?;
    if units[last].sentence != units[k].sentence {
        return None;
    }
    let before_particle = if QUESTION_PARTICLES.contains(&units[last].text) {
        last.checked_sub(1)?
    } else if st.ends_question {
        last
    } else {
        return None;
    };
    (units[before_particle].text == "的").then_some(last)
}

/// Doing what: the second person at `k`, then 这是 / 这 (and 在 or 又), then a
/// what-are-you-doing word ([`DOING_WHAT`]), in its clause; the words are read as one
/// text (搞|啥 is 搞啥). Gives the last unit of the construction.
fn doing_what(units: &[Unit<'_>], k: usize) -> Option<usize> {
    let words: Vec<(usize, &Unit<'_>)> = ahead(units, k).take(REACH + 2).collect();
    let text: String = words.iter().map(|(_, u)| u.text).collect();
    let rest = THIS_IS.iter().find_map(|t| text.strip_prefix(t))?;
    let rest = DOING_FILLERS
        .iter()
        .find_map(|f| rest.strip_prefix(f))
        .unwrap_or(rest);
    let what = DOING_WHAT.iter().find(|w| rest.starts_with(*w))?;
    // The unit that ends the what-word.
    let end = text.len() - rest.len() + what.len();
    let mut seen = 0;
    words.iter().find_map(|&(j, u)| {
        seen += u.text.len();
        (seen >= end).then_some(j)
    })
}

#[cfg(all(test, feature = "embedded-lexicons"))]
mod tests {
    use crate::score::testing::explain;
    use crate::types::{CueCategory, Speaker};

    fn challenged(text: &str) -> bool {
        explain(text, Speaker::Customer)
            .contributions
            .iter()
            .any(|c| c.modifiers.iter().any(|m| m.starts_with("challenge")))
            && explain(text, Speaker::Customer)
                .analysis
                .unwrap()
                .escalation
                .cues
                .iter()
                .any(|c| c.category == CueCategory::Dissatisfaction && c.is_active())
    }

    #[test]
    fn constructions() {
        for t in [
            "有你们这样做生意的吗？",
            "有你这么当客服的吗",
            "你们平时就是这样办事的？",
            "你们这是在干什么？",
            "你这是搞啥呢",
        ] {
            assert!(challenged(t), "{t}");
        }
        for t in [
            // literal: how, not a challenge; no 的 closing the question
            "你们这样处理的话要多久？",
            "你们这么晚还上班吗",
            // the manner is the customer's
            "我这样操作对吗？",
            // a what-question about a thing, not a doing
            "你们这是什么套餐？",
            // reported
            "他说你们这是在干什么",
        ] {
            assert!(!challenged(t), "{t}");
        }
    }
}
