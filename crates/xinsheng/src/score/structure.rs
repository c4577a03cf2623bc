//! Structure: sentences (and their punctuation, questions, quote markers), clauses and
//! their roles around a contrast word, quotation marks, reported speech, irony markers.

use super::weights::{CONTRAST_WEIGHTS, SUBJECT_WINDOW};
use crate::lexicon::function_words::{
    APPEAL_FILLERS, APPEAL_VERBS, DEMONSTRATIVES, EMPHATIC_KE_NEXT, FILLER, FIRST_PERSON,
    INTERROGATIVE, QUESTION_PARTICLES, SECOND_PERSON, SPEECH, SPEECH_CLOSERS,
};
use crate::lexicon::{ContrastRole, MarkerKind};
use crate::normalize::Normalized;
use crate::segment::{Break, Unit};

/// What a sentence holds, for the stages after structure.
#[derive(Default, Clone, Copy)]
pub(crate) struct SentenceInfo {
    /// ！ in the sentence (original repeats counted).
    pub exclaim: u32,
    /// ？ in the sentence (original repeats counted).
    pub question: u32,
    /// It is a question (？, 吗, or 呢 after a question word).
    pub ends_question: bool,
    /// It has a rhetorical opener (难道).
    pub rhetorical_open: bool,
    /// First unit index of a quote marker in this sentence.
    pub quote_from: Option<usize>,
    /// Where the speaker takes the word back (跟我说没办法，我就…: at 我): units from
    /// here on are not quoted.
    pub quote_to: Option<usize>,
    /// Sum of negative valence in this sentence.
    pub negative: f32,
    /// Sum of positive valence in this sentence.
    pub positive: f32,
    /// The sentence has a question word (怎么, 为什么, 什么, 哪, 谁, 多久).
    pub interrogative: bool,
    /// Index of the last non-punctuation unit of the sentence.
    pub last_word: Option<usize>,
}

/// Number the clauses and sentences of `units`, mark quoted units, and fill `sentences`
/// and `clause_roles` (one per clause: its role around a contrast word). Gives whether
/// the utterance has an irony marker.
pub(crate) fn build(
    units: &mut [Unit<'_>],
    norm: &Normalized,
    sentences: &mut Vec<SentenceInfo>,
    clause_roles: &mut Vec<Option<ContrastRole>>,
) -> bool {
    sentences.clear();
    sentences.push(SentenceInfo::default());
    clause_roles.clear();
    clause_roles.push(None);
    let (mut clause, mut sentence) = (0usize, 0usize);
    let mut in_quote = false;
    let mut irony = false;
    for k in 0..units.len() {
        units[k].clause = clause;
        units[k].sentence = sentence;
        let u = &units[k];
        if u.is_punct {
            for c in u.text.chars() {
                match c {
                    '“' | '「' | '『' => in_quote = true,
                    '”' | '」' | '』' => in_quote = false,
                    '"' => in_quote = !in_quote,
                    _ => {}
                }
            }
            let reps = |ch: char| -> u32 {
                let mut n = 0;
                for (ci, c) in u.text.chars().enumerate() {
                    if c == ch {
                        let (s, e) = norm.original_range(u.ns + ci, u.ns + ci + 1);
                        n += (e - s) as u32;
                    }
                }
                n
            };
            let (ex, q) = (reps('!'), reps('?'));
            let info = &mut sentences[sentence];
            info.exclaim += ex;
            info.question += q;
            if q > 0 {
                info.ends_question = true;
            }
        } else {
            units[k].in_quote = in_quote;
            let u = &units[k];
            if QUESTION_PARTICLES.contains(&u.text) {
                sentences[sentence].ends_question = true;
            }
            if u.class & INTERROGATIVE != 0 {
                sentences[sentence].interrogative = true;
            }
            if u.text == "呢" && sentences[sentence].interrogative {
                sentences[sentence].ends_question = true;
            }
            sentences[sentence].last_word = Some(k);
            if let Some(e) = u.entry {
                match e.marker {
                    Some(MarkerKind::RhetoricalOpen) => sentences[sentence].rhetorical_open = true,
                    Some(MarkerKind::Quote) => {
                        sentences[sentence].quote_from.get_or_insert(k);
                    }
                    Some(MarkerKind::Irony) => irony = true,
                    _ => {}
                }
                // 可真及时 / 可太慢了: 可 is emphasis here, not "but".
                let emphatic_ke = units[k].text == "可"
                    && units
                        .get(k + 1)
                        .is_some_and(|n| EMPHATIC_KE_NEXT.contains(&n.text));
                if let (Some(role), false) = (e.contrast, emphatic_ke) {
                    let opens_clause = k == 0 || units[k - 1].is_punct;
                    match role {
                        ContrastRole::AfterInitial if opens_clause => {
                            clause_roles[clause].get_or_insert(ContrastRole::After);
                        }
                        ContrastRole::AfterInitial => {}
                        _ => {
                            clause_roles[clause].get_or_insert(role);
                        }
                    }
                }
            }
            // 说好的 (as promised) is not speech.
            let promised = units.get(k + 1).is_some_and(|n| n.text.starts_with('好'));
            if units[k].class & SPEECH != 0
                && !promised
                && reported_subject(units, k)
                && !closes_clause(units, k)
                && !appeals_to_addressee(units, k)
            {
                sentences[sentence].quote_from.get_or_insert(k);
            }
        }
        match units[k].brk {
            Break::None => {}
            Break::Clause => {
                clause += 1;
                clause_roles.push(None);
                let info = &mut sentences[sentence];
                if let (Some(q), None) = (info.quote_from, info.quote_to) {
                    info.quote_to = speaker_resumes(units, q, k);
                }
            }
            Break::Sentence => {
                clause += 1;
                clause_roles.push(None);
                sentence += 1;
                sentences.push(SentenceInfo::default());
                in_quote = false;
            }
        }
    }
    irony
}

/// Clause weights around a contrast word (虽然…但是): the clauses before the last "after"
/// clause weigh less, it and those after it more; a 虽然 clause alone weighs less.
pub(crate) struct Contrast<'r> {
    roles: &'r [Option<ContrastRole>],
    last_after: Option<usize>,
}

impl<'r> Contrast<'r> {
    /// The weights of the clauses of `roles`.
    pub fn new(roles: &'r [Option<ContrastRole>]) -> Self {
        let last_after = roles.iter().rposition(|r| *r == Some(ContrastRole::After));
        Contrast { roles, last_after }
    }

    /// Weight of clause `c`.
    pub fn weight(&self, c: usize) -> f32 {
        let (w_before, w_after, w_concessive) = CONTRAST_WEIGHTS;
        match self.last_after {
            Some(a) if c < a => w_before,
            Some(_) => w_after,
            None if self.roles[c] == Some(ContrastRole::Before) => w_concessive,
            None => 1.0,
        }
    }
}

/// The speech verb at `k` closes its clause (上次也是这么说的，…; 说过了): what was said
/// stands before it, nothing after it is reported.
fn closes_clause(units: &[Unit<'_>], k: usize) -> bool {
    let mut after = units[k + 1..].iter().take_while(|u| !u.is_punct).peekable();
    after.peek().is_some() && after.all(|u| SPEECH_CLOSERS.contains(&u.text))
}

/// A quote opened at `q` ends where, after the clause break at `k`, the next clause opens
/// with a contrast word (客服也说会退，可到现在…: the speaker answers what was said), or,
/// for words said to the speaker (跟我说, 告诉我), with the speaker (…没办法，我明天就…):
/// the first unit of that clause.
fn speaker_resumes(units: &[Unit<'_>], q: usize, k: usize) -> Option<usize> {
    let next = k + 1 + units[k + 1..].iter().take_while(|u| u.is_punct).count();
    let contrast = units
        .get(next)
        .and_then(|u| u.entry)
        .and_then(|e| e.contrast)
        .is_some_and(|r| r != ContrastRole::Before);
    if contrast {
        return Some(next);
    }
    if !units[q].text.contains('我') {
        return None;
    }
    units
        .get(next)
        .filter(|u| u.class & FIRST_PERSON != 0)
        .map(|_| next)
}

/// The speech verb at `k` asks the addressee to judge (你说这像话吗？, 你们自己说说，这合理
/// 吗): an appeal verb ([`APPEAL_VERBS`], repeated or not) after a second person (and
/// fillers such as 自己) in a sentence that goes on to ask (a question word or particle,
/// or ？) about what comes next: 这 … or a question word. 你说过会退 (说过) and 你说会退款，
/// 为什么没退？ are reported speech.
fn appeals_to_addressee(units: &[Unit<'_>], k: usize) -> bool {
    if !APPEAL_VERBS.contains(&units[k].text) {
        return false;
    }
    let clause = units[k].clause;
    let mut before = units[..k]
        .iter()
        .rev()
        .take_while(|u| u.clause == clause && !u.is_punct)
        .filter(|u| !APPEAL_VERBS.contains(&u.text) && !APPEAL_FILLERS.contains(&u.text));
    let addressee = before
        .next()
        .is_some_and(|u| SECOND_PERSON.iter().any(|p| u.text.starts_with(p)));
    // What is judged comes next: 这 … or a question word (你说怎么办？), not what was said
    // (你说会退款，为什么没退？).
    let judged = units[k + 1..]
        .iter()
        .find(|u| !u.is_punct && !APPEAL_VERBS.contains(&u.text))
        .is_some_and(|u| {
            DEMONSTRATIVES.iter().any(|d| u.text.starts_with(d)) || u.class & INTERROGATIVE != 0
        });
    let sentence = units[k].sentence;
    let asks = units[k + 1..]
        .iter()
        .take_while(|u| u.sentence == sentence)
        .any(|u| {
            u.class & INTERROGATIVE != 0
                || QUESTION_PARTICLES.contains(&u.text)
                || u.text.ends_with('吗')
                || (u.is_punct && u.text.contains('?'))
        });
    addressee && judged && asks
}

/// The speech verb at `k` has a subject in its clause that is not the speaker.
fn reported_subject(units: &[Unit<'_>], k: usize) -> bool {
    let clause = units[k].clause;
    // The subject: the nearest word before the verb that is not a function word.
    match units[..k]
        .iter()
        .rev()
        .take_while(|u| u.clause == clause)
        .filter(|u| !u.is_punct)
        .take(SUBJECT_WINDOW)
        .find(|u| u.class & FILLER == 0)
    {
        Some(subject) => subject.class & FIRST_PERSON == 0,
        None => false,
    }
}

#[cfg(all(test, feature = "embedded-lexicons"))]
mod tests {
    use crate::score::testing::with_units;
    use crate::score::weights::CONTRAST_WEIGHTS;

    /// Per text: sentences, then per sentence (ends as a question, has a question word,
    /// reported from unit), then the clause weights.
    #[test]
    fn structure() {
        let (before, after, concessive) = CONTRAST_WEIGHTS;
        macro_rules! t {
            ($text:expr, $sentences:expr, $weights:expr) => {
                with_units($text, |units, sentences, contrast| {
                    let got: Vec<(bool, bool, Option<&str>)> = sentences
                        .iter()
                        .map(|s| {
                            let q = s.quote_from.map(|k| units[k].text);
                            (s.ends_question, s.interrogative, q)
                        })
                        .collect();
                    assert_eq!(got, $sentences, "{}", $text);
                    let clauses = units.last().map_or(0, |u| u.clause + 1);
                    let weights: Vec<f32> = (0..clauses).map(|c| contrast.weight(c)).collect();
                    assert_eq!(weights, $weights, "{}", $text);
                });
            };
        }
        t!("解决了吗", [(true, false, None)], [1.0]);
        // Every sentence break opens a sentence (the last one empty).
        t!("怎么办呢", [(true, true, None)], [1.0]);
        t!(
            "好。好！",
            [
                (false, false, None),
                (false, false, None),
                (false, false, None)
            ],
            [1.0, 1.0]
        );
        // Reported speech: from a quote marker, or a speech verb after someone else.
        t!("他说很满意", [(false, false, Some("他说"))], [1.0]);
        t!("我老婆说要投诉", [(false, false, Some("说"))], [1.0]);
        t!("我说要投诉", [(false, false, None)], [1.0]);
        // Contrast: before / after the contrast word; a 虽然 clause alone.
        t!("虽然快，但是很贵", [(false, false, None)], [before, after]);
        t!("虽然快", [(false, false, None)], [concessive]);
    }

    /// Units inside quotation marks are quoted; the marks close at the sentence end.
    #[test]
    fn quotation_marks() {
        with_units("他们“很满意”。满意", |units, _, _| {
            let quoted: Vec<&str> = units
                .iter()
                .filter(|u| u.in_quote)
                .map(|u| u.text)
                .collect();
            assert_eq!(quoted, ["很满意"]);
        });
    }
}
