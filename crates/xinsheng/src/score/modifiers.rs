//! Modifiers: what stands around a term changes what it says. Negation with scope,
//! degree adverbs in order (不太好 vs 太不好), the clause's place around a contrast word,
//! emphasis (！！, repeats), quotation, questions, rhetorical questions and irony.

use super::aggregate::Acc;
use super::weights::{
    AGENT_DESCRIBES, AGENT_FORMULAIC, DEGREE_MAX, DEGREE_MIN, DOUBLE_NEGATION, EMPHASIS_MAX_MARKS,
    EMPHASIS_MAX_REPEATS, EMPHASIS_STEP, FLIP, FLIP_DISGUST, HYPOTHETICAL_TERM, IRONY,
    NEGATED_DEGREE_NEGATIVE, NEGATED_DEGREE_POSITIVE, NEGATED_JOY_SADNESS, NEGATED_NEGATIVE,
    NEGATED_POSITIVE, QUESTIONED, QUOTED_TERM, RHETORICAL, RHETORICAL_OPEN, SCOPE_WINDOW,
    SENTIMENT_EMOTION, SUBJECT_WINDOW,
};
use super::Ctx;
use crate::lexicon::function_words::{CUSTOMER_SUBJECT, FIRST_PERSON, PARTICLE, REQUEST_CLOSERS};
use crate::lexicon::{Entry, MarkerKind};
use crate::segment::{Break, Unit};
use crate::types::{AgentCategory, Emotion, Speaker};

/// The modifiers before a term in its clause.
pub(crate) struct Mods {
    /// Units of the negators.
    pub negators: Vec<usize>,
    /// Units and weights of the degree adverbs.
    pub degrees: Vec<(usize, f32)>,
    /// The speaker's intent (要/会/准备, or the 就 of a condition) stands before the term.
    pub intent: bool,
}

impl Mods {
    /// How many negators.
    pub fn neg_count(&self) -> usize {
        self.negators.len()
    }
    /// An odd number of negators: the term is negated.
    pub fn odd(&self) -> bool {
        self.neg_count() % 2 == 1
    }
    /// The product of the degree adverbs.
    pub fn degree(&self) -> f32 {
        self.degrees
            .iter()
            .map(|d| d.1)
            .product::<f32>()
            .clamp(DEGREE_MIN, DEGREE_MAX)
    }
    /// The nearest negator stands left of the nearest degree word: 不太好 (mild).
    pub fn negated_degree(&self) -> bool {
        match (
            self.negators.iter().max(),
            self.degrees.iter().map(|d| d.0).max(),
        ) {
            (Some(&n), Some(d)) => n <= d,
            _ => false,
        }
    }
}

/// Negators, degree words and negator texts before unit `k` in its clause.
pub(crate) fn scan_back<'a>(units: &[Unit<'a>], k: usize) -> (Mods, Vec<&'a str>) {
    let mut mods = Mods {
        negators: Vec::new(),
        degrees: Vec::new(),
        intent: false,
    };
    let mut neg_texts = Vec::new();
    let clause = units[k].clause;
    let mut seen = 0;
    let mut m = k;
    while m > 0 && seen < SCOPE_WINDOW {
        m -= 1;
        let u = &units[m];
        if u.clause != clause || u.brk != Break::None {
            break;
        }
        if u.is_punct {
            continue;
        }
        // A particle closes what stands before it (没有了，谢谢 does not negate 谢谢).
        if u.class & PARTICLE != 0 {
            break;
        }
        seen += 1;
        if let Some(e) = u.entry {
            match e.marker {
                Some(MarkerKind::ScopeBreak) => {
                    mods.intent = true;
                    break;
                }
                Some(MarkerKind::Intent) => mods.intent = true,
                _ => {}
            }
            if e.negation {
                mods.negators.push(m);
                neg_texts.push(u.text);
                // 不太 / 没那么: a negator with a degree of its own (mild).
                if let Some(w) = e.degree {
                    mods.degrees.push((m, w));
                }
                continue;
            }
            if let Some(w) = e.degree {
                // A word that is both an adverb and a sentiment word (好 in 好麻烦, 出奇)
                // modifies only the term right after it; further back it is content of
                // its own. Other degree words (确实, 绝对: agent phrases too) always are.
                if !e.has_valence() || acts_as_degree(units, m) {
                    mods.degrees.push((m, w));
                    continue;
                }
            }
            if e.is_content() {
                break;
            }
        }
    }
    (mods, neg_texts)
}

/// Unit `k` is both a degree adverb and a sentiment word (好, 出奇) and here works as
/// the adverb: the next unit, in the same clause, is a term with emotion or sentiment
/// (好麻烦 "so troublesome", 好开心). Then it only modifies that term and has no valence
/// of its own; elsewhere (好，谢谢 / 挺好) it is the sentiment word. A polite request
/// opener after it (好 麻烦您看下) is not modified: 好 is the customer's "OK".
pub(crate) fn acts_as_degree(units: &[Unit<'_>], k: usize) -> bool {
    let u = &units[k];
    let Some(e) = u.entry else { return false };
    // Only a pure sentiment word yields to the adverb: a cue or agent phrase keeps its
    // own meaning.
    if !e.is_sentiment_adverb() || u.brk != Break::None {
        return false;
    }
    let Some(next) = units.get(k + 1) else {
        return false;
    };
    if next.is_punct || next.clause != u.clause {
        return false;
    }
    next.entry.is_some_and(|n| {
        !n.neutral
            && n.has_valence()
            && !(n.marker == Some(MarkerKind::Polite) && opens_request(units, k + 1))
    })
}

/// Unit `k` opens a request: more words follow it in its clause, and they are not just a
/// particle (麻烦您帮我查一下 vs 太麻烦了).
pub(crate) fn opens_request(units: &[Unit<'_>], k: usize) -> bool {
    let clause = units[k].clause;
    units[k + 1..]
        .iter()
        .take_while(|u| u.clause == clause && !u.is_punct)
        .any(|u| !REQUEST_CLOSERS.contains(&u.text))
}

/// Where a term stands: what its sentence and clause make of it.
#[derive(Clone, Copy)]
pub(crate) struct Site {
    /// Quoted or reported speech.
    pub quoted: bool,
    /// In a rhetorical question.
    pub rhetorical: bool,
    /// In a question.
    pub ends_question: bool,
    /// The weight of its clause around a contrast word.
    pub clause_weight: f32,
    /// Emphasis of its sentence's ！ and its own repeats.
    pub emphasis: f32,
    /// In the hypothetical clause of a question (如果…怎么办): a case asked about.
    pub hypothetical: bool,
}

/// Emphasis factor of a term: the ！ of its sentence and its collapsed repeats.
pub(crate) fn emphasis(exclaim: u32, repeats: u32) -> f32 {
    (1.0 + EMPHASIS_STEP * exclaim.min(EMPHASIS_MAX_MARKS) as f32)
        * (1.0 + EMPHASIS_STEP * repeats.min(EMPHASIS_MAX_REPEATS) as f32)
}

/// The valence a term says before modifiers: its emotion's, else its sentiment's; an
/// emotion with no valence counts 0; `None` when it has neither (a bare cue).
pub(crate) fn base_valence(e: &Entry) -> Option<f32> {
    match (e.emotion, e.sentiment) {
        (Some((_, _, v)), _) if v != 0.0 => Some(v),
        (_, Some(v)) => Some(v),
        (Some(_), None) => Some(0.0),
        (None, None) => None,
    }
}

/// A marker that carries meaning by itself: a rhetorical question (凭什么, 难道…吗) or
/// irony (呵呵).
pub(crate) fn marker(acc: &mut Acc<'_>, u: &Unit<'_>, m: MarkerKind, site: Site) {
    let qf = if site.quoted { QUOTED_TERM } else { 1.0 };
    match m {
        MarkerKind::Rhetorical => acc.add(
            u,
            "marker",
            RHETORICAL.0,
            RHETORICAL.0 * qf,
            Some((Emotion::Anger, RHETORICAL.1 * qf)),
            || vec!["rhetorical question".into()],
        ),
        MarkerKind::RhetoricalOpen if site.ends_question => acc.add(
            u,
            "marker",
            RHETORICAL_OPEN.0,
            RHETORICAL_OPEN.0 * qf,
            Some((Emotion::Anger, RHETORICAL_OPEN.1 * qf)),
            || vec!["rhetorical question (…吗/？)".into()],
        ),
        MarkerKind::Irony => acc.add(
            u,
            "marker",
            IRONY.0,
            IRONY.0 * qf,
            Some((Emotion::Disgust, IRONY.1 * qf)),
            || vec!["irony".into()],
        ),
        _ => {}
    }
}

/// Weigh the emotion or sentiment of the content term at unit `k` by its modifiers and
/// its site, and add it. Gives the valence added, if any (a polite request opener such
/// as 麻烦您 adds none).
#[allow(clippy::too_many_arguments)]
pub(crate) fn weigh_term(
    ctx: &Ctx<'_, '_>,
    acc: &mut Acc<'_>,
    k: usize,
    e: &Entry,
    base: Option<f32>,
    mods: &Mods,
    neg_texts: &[&str],
    site: Site,
) -> Option<f32> {
    let u = &ctx.units[k];
    let polite = e.marker == Some(MarkerKind::Polite)
        && mods.neg_count() == 0
        && mods.degrees.is_empty()
        && opens_request(ctx.units, k);
    if polite {
        acc.add(u, "marker", base.unwrap_or(0.0), 0.0, None, || {
            vec!["polite request opener: not sentiment".into()]
        });
    }
    let (Some(base), false) = (base, polite) else {
        return None;
    };
    let tracing = ctx.tracing;
    let mut notes: Vec<String> = Vec::new();
    // Notes are only written when explaining.
    macro_rules! note {
        ($($t:tt)*) => {
            if tracing {
                notes.push(format!($($t)*));
            }
        };
    }
    let d = mods.degree();
    let mut v = base;
    let mut emo = e.emotion.map(|(l, i, _)| (l, i));
    if emo.is_none() {
        // Evaluative words feed a generic emotion: dislike or contentment.
        emo = Some(if base < 0.0 {
            (Emotion::Disgust, SENTIMENT_EMOTION * -base)
        } else {
            (Emotion::Joy, SENTIMENT_EMOTION * base)
        });
    }
    if mods.neg_count() == 0 {
        if d != 1.0 {
            note!("degree ×{d:.2}");
        }
        v *= d;
        emo = emo.map(|(l, i)| (l, i * d));
    } else if mods.odd() {
        let negs = neg_texts.join("/");
        if mods.negated_degree() {
            // 不太好: negation of a degree phrase is mild.
            let f = if v > 0.0 {
                NEGATED_DEGREE_POSITIVE
            } else {
                NEGATED_DEGREE_NEGATIVE
            };
            note!("negated degree by {negs} (×{f})");
            v *= f;
        } else {
            let f = if v > 0.0 {
                NEGATED_POSITIVE
            } else {
                NEGATED_NEGATIVE
            };
            note!("negated by {negs} (×{f})");
            if d != 1.0 {
                note!("degree before negation ×{d:.2}");
            }
            v *= f * d;
        }
        emo = emo.and_then(|(l, i)| match l {
            Emotion::Joy | Emotion::Gratitude => Some((Emotion::Sadness, NEGATED_JOY_SADNESS * i)),
            _ => None,
        });
    } else {
        note!(
            "double negation {} (×{DOUBLE_NEGATION})",
            neg_texts.join("/")
        );
        v *= DOUBLE_NEGATION * d;
        emo = emo.map(|(l, i)| (l, DOUBLE_NEGATION * i));
    }
    let cw = site.clause_weight;
    let emph = site.emphasis;
    let mut f = cw * emph;
    if cw != 1.0 {
        note!("contrast clause ×{cw}");
    }
    if emph != 1.0 {
        note!("emphasis ×{emph:.2}");
    }
    if site.quoted {
        f *= QUOTED_TERM;
        note!("quoted ×{QUOTED_TERM}");
    }
    // A surprise (居然要多少钱) is the speaker's reaction now, not the case asked about.
    if site.hypothetical && emo.is_none_or(|(l, _)| l != Emotion::Surprise) {
        f *= HYPOTHETICAL_TERM;
        note!("hypothetical case asked about ×{HYPOTHETICAL_TERM}");
    }
    v *= f;
    emo = emo.map(|(l, i)| (l, i * f));
    let (rhetorical, irony) = (site.rhetorical, ctx.irony);
    if v > 0.0 && site.ends_question && !rhetorical && !irony {
        // 解决了吗 / 满意吗: asked, not asserted.
        note!("questioned, not asserted (×{QUESTIONED})");
        v *= QUESTIONED;
        emo = emo.map(|(l, i)| (l, i * QUESTIONED));
    }
    if let Some((f, why)) = agent_factor(ctx, base, v, rhetorical || irony) {
        note!("{why} (×{f})");
        v *= f;
        emo = emo.filter(|_| f > 0.0).map(|(l, i)| (l, i * f));
    }
    if v > 0.0 && (rhetorical || irony) {
        note!(
            "{} flips (×{FLIP})",
            if rhetorical {
                "rhetorical question"
            } else {
                "irony"
            }
        );
        v *= FLIP;
        emo = emo.map(|(_, i)| (Emotion::Disgust, i * FLIP_DISGUST));
    }
    let source = if e.emotion.is_some() {
        "emotion"
    } else {
        "sentiment"
    };
    acc.add(u, source, base, v, emo, move || notes);
    Some(v)
}

/// How an agent's own term weighs (`None`: as anyone's), with the note saying why. A
/// negative term names the customer's trouble (换谁都会着急, 丢失的包裹): not the agent's own
/// negativity, least of all next to empathy or ownership. A positive word is how service
/// talk is worded by habit; a negated negative (不用担心) is the agent's own reassurance,
/// and a flipped one (a rhetorical question, irony) is left to the flip.
fn agent_factor(ctx: &Ctx<'_, '_>, base: f32, v: f32, flips: bool) -> Option<(f32, &'static str)> {
    if ctx.speaker != Speaker::Agent {
        return None;
    }
    if v < 0.0 {
        let f = if ctx.agent_encouraged {
            0.0
        } else {
            AGENT_DESCRIBES
        };
        return Some((f, "agent describes the customer's trouble"));
    }
    (base > 0.0 && v > 0.0 && !flips)
        .then_some((AGENT_FORMULAIC, "agent's habitual positive wording"))
}

/// Whether an agent phrase of category `cat` at unit `k` is a promise the agent does not
/// make, as negation and the subject say for customer cues: the customer is its subject
/// (请您保证包装完好, 您需要确保: something the customer is asked to ensure), or it stands
/// under a declined promise of its clause (不能保证一定能退: 一定能 under 不能保证).
pub(crate) fn promise_not_made(units: &[Unit<'_>], k: usize, cat: AgentCategory) -> bool {
    if !is_promise(cat) {
        return false;
    }
    let clause = units[k].clause;
    let before = || {
        units[..k]
            .iter()
            .enumerate()
            .rev()
            .take_while(|(_, u)| u.clause == clause)
            .filter(|(_, u)| !u.is_punct)
    };
    // The subject: the nearest first person (我保证: the agent's) or customer word.
    for (_, u) in before().take(SUBJECT_WINDOW) {
        if u.class & FIRST_PERSON != 0 {
            break;
        }
        if CUSTOMER_SUBJECT.contains(&u.text) {
            return true;
        }
    }
    // A declined promise before it in the clause covers it.
    before().any(|(j, u)| {
        u.entry
            .and_then(|e| e.agent)
            .is_some_and(|(c, _)| is_promise(c))
            && scan_back(units, j).0.odd()
    })
}

/// The promise categories of agent phrases.
fn is_promise(cat: AgentCategory) -> bool {
    matches!(
        cat,
        AgentCategory::AbsolutePromise
            | AgentCategory::PaymentPromise
            | AgentCategory::DeadlinePromise
    )
}

#[cfg(all(test, feature = "embedded-lexicons"))]
mod tests {
    use super::*;
    use crate::score::testing::{contributions, with_units};

    /// What stands before a term: (negators, degree adverbs, the nearest negator stands
    /// before the nearest degree word, intent).
    #[test]
    fn scan_back_finds_the_modifiers() {
        macro_rules! t {
            ($text:expr, $term:expr, $want:expr) => {
                with_units($text, |units, _, _| {
                    let k = units.iter().position(|u| u.text == $term).expect($term);
                    let (mods, negs) = scan_back(units, k);
                    let got = (negs, mods.degrees.len(), mods.negated_degree(), mods.intent);
                    assert_eq!(got, $want, "{}", $text);
                });
            };
        }
        t!("不是很满意", "很满意", (vec!["不是"], 0, false, false));
        t!("一点也不满意", "不满意", (vec![], 1, false, false));
        t!("我不是不满意", "不满意", (vec!["不是"], 0, false, false));
        t!("我准备投诉", "投诉", (vec![], 0, false, true));
        t!("我不投诉", "投诉", (vec!["不"], 0, false, false));
        // A particle closes the scope: 没有了，谢谢 does not negate 谢谢.
        t!("没有了谢谢", "谢谢", (vec![], 0, false, false));
    }

    /// How the weighing of a term reads in the trace: `term source: notes`.
    #[test]
    fn modifiers_weigh_terms() {
        macro_rules! t {
            ($text:expr, $want:expr) => {
                let got = contributions($text, Speaker::Customer);
                assert!(got.iter().any(|c| c == $want), "{}: {:?}", $text, got);
            };
        }
        t!("太不好", "不好 sentiment: degree ×1.80");
        t!("不是很满意", "很满意 emotion: negated by 不是 (×-0.75)");
        t!("我不是不满意", "不满意 emotion: negated by 不是 (×-0.2)");
        t!("他说很满意", "很满意 emotion: quoted ×0.5");
        t!(
            "很满意吗",
            "很满意 emotion: questioned, not asserted (×0.25)"
        );
        t!("很满意！！！", "很满意 emotion: emphasis ×1.10");
        t!(
            "难道很满意吗",
            "很满意 emotion: rhetorical question flips (×-0.6)"
        );
        t!("难道很满意吗", "难道 marker: rhetorical question (…吗/？)");
        t!("虽然快但是很贵", "快 sentiment: contrast clause ×0.7");
        t!("好麻烦", "麻烦 sentiment: degree ×1.40");
    }

    #[test]
    fn emphasis_grows_by_marks_and_repeats_up_to_their_caps() {
        assert_eq!(emphasis(0, 0), 1.0);
        assert!(emphasis(1, 0) > 1.0 && emphasis(0, 1) > 1.0);
        assert_eq!(
            emphasis(EMPHASIS_MAX_MARKS, 0),
            emphasis(EMPHASIS_MAX_MARKS + 5, 0)
        );
        assert_eq!(
            emphasis(0, EMPHASIS_MAX_REPEATS),
            emphasis(0, EMPHASIS_MAX_REPEATS + 5)
        );
    }
}
