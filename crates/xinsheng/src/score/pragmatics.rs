//! Customer-service pragmatics: what a service dialogue makes of words no lexicon lists.
//! Acknowledgements (好的), impatient repeated affirmation (好好好好), counted repeat
//! contact (第三次, 打了五次), elapsed time (都三天了), inabilities (申请不了), negated words
//! (没货), a customer echoing a refusal (没办法), bare negation (没有 / 不是), an agent's
//! refusals, exasperated 啊, why-questions, open questions, bare ？, loud punctuation.

use std::borrow::Cow;

use super::aggregate::Acc;
use super::cues::Found;
use super::structure::SentenceInfo;
use super::weights::{
    ACCEPTANCE_VALENCE, BARE_PUNCTUATION, CHALLENGE, COUNTED_REPEAT_PER_SEVERITY, DISAGREEMENT,
    ELAPSED_SEVERITY, ELAPSED_TIME, EMPHATIC, EXASPERATION, HELPLESS, HELPLESS_SADNESS,
    INABILITY_DISGUST, INABILITY_VALENCE, LOUD, LOUD_QUESTION, LOUD_QUESTION_SURPRISE,
    OPEN_QUESTION, OPEN_QUESTION_MAX, PATTERN_ANGER_PER_SEVERITY, POLARITY_THRESHOLD,
    REPEATED_AFFIRMATION, REPEATED_AFFIRMATION_SEVERITY, REPEAT_HIGH_COUNT, REPEAT_MIN_COUNT,
    REPEAT_SEVERITY, RESIGNED,
};
use super::Ctx;
use crate::lexicon::function_words::{
    word_class, ACCEPT, AFFIRM, CONTACT, COUNT_STARTS, COUNT_UNITS, DURATION_UNITS, ELAPSED,
    EXASPERATION_PARTICLES, GRUDGING_ACKS, INABILITY, NOT_NEGATED, PARTICLE, RESIGNED_ACKS,
    WHY_WORD,
};
use crate::segment::{OriginalText, Unit};
use crate::types::{AgentCategory, AgentKind, AgentMatch, CueCategory, Emotion, Speaker};

/// Per clause, for `patterns`: words other than particles, and whether a contact verb
/// (打, 问, 联系 …) is among them.
#[derive(Clone, Copy, Default)]
pub(crate) struct ClauseInfo {
    words: usize,
    contact: bool,
}

/// A pattern cue found at a unit: category, severity, last unit, valence, anger mass,
/// what it is.
type PatternCue = (CueCategory, u8, usize, f32, f32, &'static str);

/// Patterns no lexicon lists: acknowledgements, impatient repeated affirmation
/// (好好好好), counted repeat contact (第三次, 打了五次), elapsed time (都三天了),
/// inabilities and negated words. They add customer cues and valence, and consume their
/// units.
pub(crate) fn patterns(
    ctx: &Ctx<'_, '_>,
    original: &mut OriginalText<'_>,
    acc: &mut Acc<'_>,
    found: &mut Found,
    consumed: &mut [bool],
    clause_info: &mut Vec<ClauseInfo>,
) {
    let (units, norm) = (ctx.units, ctx.norm);
    let clauses = units.last().map_or(0, |u| u.clause + 1);
    clause_info.clear();
    clause_info.resize(clauses, ClauseInfo::default());
    for x in units.iter().filter(|x| !x.is_punct) {
        let ci = &mut clause_info[x.clause];
        if x.class & PARTICLE == 0 {
            ci.words += 1;
        }
        if x.class & CONTACT != 0 {
            ci.contact = true;
        }
    }
    for k in 0..units.len() {
        let u = &units[k];
        if u.is_punct || consumed[k] {
            continue;
        }
        if trails_off(units, k) {
            // 好吧…… / 行吧... : the customer gives up, not accepts.
            consumed[k] = true;
            acc.add(
                u,
                "pattern",
                RESIGNED.0,
                RESIGNED.0,
                Some((Emotion::Sadness, RESIGNED.1)),
                || vec!["acknowledgement trailing off: resigned".into()],
            );
            continue;
        }
        // Only this word and particles in its clause.
        let alone_in_clause = clause_info[u.clause].words == 1;
        if u.class & ACCEPT != 0 && alone_in_clause && norm.extra_repeats(u.ns, u.ne) == 0 {
            // 好的 / 嗯 / 收到 as a whole clause: the customer accepts the answer. A
            // grudging 行吧 / 好吧 neither accepts nor refuses by itself (the roll-up reads
            // it after an agent's no).
            consumed[k] = true;
            let (v, what) = if grudging_at(units, k) {
                (0.0, "grudging acknowledgement: neither accepts nor refuses")
            } else {
                (ACCEPTANCE_VALENCE, "acknowledgement: accepts the answer")
            };
            acc.add(u, "pattern", v, v, None, || vec![what.into()]);
            continue;
        }
        let cue = if u.class & AFFIRM != 0 && norm.extra_repeats(u.ns, u.ne) > 0 {
            Some((
                CueCategory::Impatience,
                REPEATED_AFFIRMATION_SEVERITY,
                k,
                REPEATED_AFFIRMATION.0,
                REPEATED_AFFIRMATION.1,
                "repeated affirmation: impatient",
            ))
        } else if may_count(u.text) {
            counted(units, k, clause_info[u.clause].contact)
        } else {
            None
        };
        let Some((cat, sev, last, v, anger, what)) = cue else {
            if u.entry.is_none() && says_no(units, k, acc) {
                consumed[k] = true;
            }
            continue;
        };
        for c in consumed.iter_mut().take(last + 1).skip(k) {
            *c = true;
        }
        acc.add(u, "pattern", v, v, Some((Emotion::Anger, anger)), || {
            vec![what.to_string()]
        });
        found.pattern_cue(units, original, (k, last), cat, sev);
    }
}

/// An acknowledgement (好吧, 行吧, 嗯), with its particles, followed by an ellipsis
/// (…… / ...).
fn trails_off(units: &[Unit<'_>], k: usize) -> bool {
    RESIGNED_ACKS.contains(&units[k].text)
        && units[k + 1..]
            .iter()
            .find(|n| n.is_punct || n.class & PARTICLE == 0)
            .is_some_and(|n| n.is_punct && (n.text.contains('…') || n.text.contains("..")))
}

/// The turn opens with a grudging acknowledgement (行吧, 好吧) and is not positive (no
/// thanks): resignation if it answers an agent's no, which only the roll-up can see.
/// The segmenter may split the acknowledgement (行 / 吧).
pub(crate) fn grudging(units: &[Unit<'_>], valence: f32) -> bool {
    valence < POLARITY_THRESHOLD
        && units.first().is_some_and(|u| !u.is_punct)
        && grudging_at(units, 0)
}

/// A grudging acknowledgement (行吧, 好吧) starts at unit `k`, whole or split from its 吧.
fn grudging_at(units: &[Unit<'_>], k: usize) -> bool {
    let u = &units[k];
    GRUDGING_ACKS.contains(&u.text)
        || units
            .get(k + 1)
            .filter(|n| n.text == "吧" && n.clause == u.clause)
            .is_some_and(|_| GRUDGING_ACKS.contains(&format!("{}吧", u.text).as_str()))
}

/// The unit before `k` in its clause, if it is a word.
fn prev_word<'u, 'a>(units: &'u [Unit<'a>], k: usize) -> Option<&'u Unit<'a>> {
    k.checked_sub(1)
        .and_then(|p| units.get(p))
        .filter(|u| !u.is_punct && u.clause == units[k].clause)
}

/// A counted repeat (第三次, 打了五次: with a contact verb in the clause) or elapsed time
/// (都三天了, 三天了) starting at unit `k`, a numeral glued to its counter or split from
/// it (十几 个电话).
fn counted(units: &[Unit<'_>], k: usize, contact: bool) -> Option<PatternCue> {
    let u = &units[k];
    let next_word = |k: usize| units.get(k + 1).filter(|u| !u.is_punct).map(|u| u.text);
    let (text, last): (Cow<'_, str>, usize) = match next_word(k) {
        // 十几 个电话, 半个 月, 六个 小时: a numeral (with its 个) split from its unit.
        Some(n) if leading_number(u.text).is_some_and(|(_, r)| r.is_empty() || r == "个") => {
            (format!("{}{}", u.text, n).into(), k + 1)
        }
        _ => (u.text.into(), k),
    };
    let (ordinal, body) = match text.strip_prefix('第') {
        Some(b) => (true, b),
        None => (false, text.strip_prefix('好').unwrap_or(&text)),
    };
    let (n, rest) = leading_number(body)?;
    if n >= REPEAT_MIN_COUNT && COUNT_UNITS.contains(&rest) && (ordinal || contact) {
        let sev = if n >= REPEAT_HIGH_COUNT {
            REPEAT_SEVERITY.1
        } else {
            REPEAT_SEVERITY.0
        };
        Some((
            CueCategory::RepeatContact,
            sev,
            last,
            COUNTED_REPEAT_PER_SEVERITY * sev as f32,
            PATTERN_ANGER_PER_SEVERITY * sev as f32,
            "counted repeat",
        ))
    } else if n >= 1
        && DURATION_UNITS.contains(&rest)
        && !ordinal
        && (next_word(last).is_some_and(|w| w.starts_with('了'))
            || prev_word(units, k).is_some_and(|w| w.class & ELAPSED != 0)
            || elapsed_verb_split(units, k))
    {
        Some((
            CueCategory::Impatience,
            ELAPSED_SEVERITY,
            last,
            ELAPSED_TIME,
            PATTERN_ANGER_PER_SEVERITY * ELAPSED_SEVERITY as f32,
            "elapsed time",
        ))
    } else {
        None
    }
}

/// The two words before unit `k` are a waiting verb split from its 了 (等 / 了, 拖 / 了):
/// 等了 四十分钟 reads like 等了四十分钟.
fn elapsed_verb_split(units: &[Unit<'_>], k: usize) -> bool {
    prev_word(units, k).is_some_and(|w| w.text == "了")
        && prev_word(units, k - 1)
            .is_some_and(|v| word_class(&format!("{}了", v.text)) & ELAPSED != 0)
}

/// A word the lexicons do not know at unit `k` that says the customer cannot get
/// something done (申请不了, 找不到, 打不开) or starts with a negator (没货, 没法, 不知):
/// add it and say so.
fn says_no(units: &[Unit<'_>], k: usize, acc: &mut Acc<'_>) -> bool {
    let u = &units[k];
    if u.text.contains('不') {
        // Glued (申请不了) or split after a verb in its clause (申请 / 不了).
        let after_verb = prev_word(units, k).is_some();
        if let Some(ending) = INABILITY.iter().find(|e| {
            u.text.ends_with(*e) && (u.text.chars().count() > e.chars().count() || after_verb)
        }) {
            acc.add(
                u,
                "pattern",
                INABILITY_VALENCE,
                INABILITY_VALENCE,
                Some((Emotion::Disgust, INABILITY_DISGUST)),
                || vec![format!("inability (…{ending})")],
            );
            return true;
        }
    }
    // Like a bare negation, a negated word says no.
    if is_negated_word(u) {
        acc.add(u, "pattern", DISAGREEMENT, DISAGREEMENT, None, || {
            vec!["negated word: says no".into()]
        });
        return true;
    }
    false
}

/// The word may start a counted or elapsed-time pattern (三次, 第二次, 好几天, 3天): its
/// first char is a numeral, a digit, 第 or 好. Cheap; `leading_number` decides.
#[inline]
pub(crate) fn may_count(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '〇' || COUNT_STARTS.contains(c))
}

/// Value of a leading numeral (digits or Chinese numerals; 几/多 count as 3) and the rest.
fn leading_number(s: &str) -> Option<(u32, &str)> {
    let first = s.chars().next()?;
    let numeral = matches!(
        first,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '几'
            | '多'
            | '半'
    );
    if !(first.is_ascii_digit() || numeral) {
        return None;
    }
    let mut end = 0;
    let mut digits: u32 = 0;
    let mut value: u32 = 0;
    let mut any = false;
    for (i, c) in s.char_indices() {
        let d = match c {
            '0'..='9' => {
                digits = digits
                    .saturating_mul(10)
                    .saturating_add(c as u32 - '0' as u32);
                any = true;
                end = i + c.len_utf8();
                continue;
            }
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' | '几' | '多' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            '十' => 10,
            // 半个月, 半天: at least one unit.
            '半' => 1,
            '百' => 100,
            '千' => 1000,
            _ => break,
        };
        value = value.max(d).max(if d == 10 { value + 10 } else { 0 });
        any = true;
        end = i + c.len_utf8();
    }
    any.then(|| (value.max(digits), &s[end..]))
}

/// A negator unit with no meaning of its own (没有, 不是); whether it negated a term is
/// tracked separately.
pub(crate) fn is_bare_negator(u: &Unit<'_>) -> bool {
    u.entry
        .is_some_and(|e| e.negation && !e.is_content() && !e.neutral)
}

/// A word the lexicons do not know that starts with 不/没 and says no (没货, 没法, 不知).
pub(crate) fn is_negated_word(u: &Unit<'_>) -> bool {
    u.entry.is_none()
        && (2..=3).contains(&u.text.chars().count())
        && (u.text.starts_with('不') || u.text.starts_with('没'))
        && u.class & NOT_NEGATED == 0
}

/// A customer saying an agent's refusal (没办法, 不知道, 只能等了): helplessness. For a
/// term with an agent phrase, no valence of its own (`speaks`), no cue and no negation.
pub(crate) fn helpless(
    acc: &mut Acc<'_>,
    u: &Unit<'_>,
    agent: AgentCategory,
    speaks: bool,
    negated: bool,
    sentences: &mut [SentenceInfo],
) {
    if agent.kind() == AgentKind::Prohibited && speaks && !negated {
        acc.add(
            u,
            "agent",
            HELPLESS,
            HELPLESS,
            Some((Emotion::Sadness, HELPLESS_SADNESS)),
            || vec!["customer echoes a refusal: helplessness".into()],
        );
        sentences[u.sentence].negative -= HELPLESS;
    }
}

/// A customer's bare negation (没有 / 不是 / 不行) that negated no term: in a service
/// dialogue it signals disagreement.
pub(crate) fn bare_negations(units: &[Unit<'_>], used_negator: &[bool], acc: &mut Acc<'_>) {
    for (k, u) in units.iter().enumerate() {
        if is_bare_negator(u) && !used_negator[k] {
            acc.add(u, "negation", DISAGREEMENT, DISAGREEMENT, None, || {
                vec!["bare negation: disagreement".into()]
            });
        }
    }
}

/// An agent who says no (不支持, 没办法, 无法 …), counted for the roll-up: bare negators
/// and negated words (unless the turn has an encouraged phrase) and refusal phrases.
pub(crate) fn refusals(ctx: &Ctx<'_, '_>, used_negator: &[bool], agent: &[AgentMatch]) -> u8 {
    let mut refusals = 0u8;
    if ctx.speaker == Speaker::Agent && !ctx.agent_encouraged {
        for (k, u) in ctx.units.iter().enumerate() {
            if (is_bare_negator(u) && !used_negator[k]) || is_negated_word(u) {
                refusals = refusals.saturating_add(1);
            }
        }
    }
    refusals.saturating_add(
        agent
            .iter()
            .filter(|m| !m.negated && m.category == AgentCategory::Refusal)
            .count()
            .min(255) as u8,
    )
}

/// A customer's complaint or question that ends in 啊/呀 (电话没人接啊): exasperation;
/// "why" questions that challenge the agent's answer (为什么要手机号码); open questions:
/// an unresolved issue. After an enquiry opener (请问为什么要上传身份证？) a question asks:
/// no challenge, nothing unresolved.
pub(crate) fn questions(
    units: &[Unit<'_>],
    sentences: &[SentenceInfo],
    enquiry: bool,
    acc: &mut Acc<'_>,
) {
    for st in sentences.iter() {
        let Some(last) = st.last_word else { continue };
        let u = &units[last];
        if EXASPERATION_PARTICLES.contains(&u.text)
            && (st.negative > 0.0 || st.ends_question || st.interrogative)
        {
            acc.add(u, "pattern", EXASPERATION, EXASPERATION, None, || {
                vec!["final 啊 on a complaint or question: exasperation".into()]
            });
        }
    }
    if enquiry {
        return;
    }
    for u in units.iter() {
        if !u.is_punct && u.entry.is_none() && u.class & WHY_WORD != 0 {
            acc.add(u, "pattern", CHALLENGE, CHALLENGE, None, || {
                vec!["why-question: challenges the answer".into()]
            });
        }
    }
    let open = sentences.iter().filter(|s| s.ends_question).count();
    if open > 0 {
        let v = OPEN_QUESTION * open.min(OPEN_QUESTION_MAX) as f32;
        acc.add_at(
            || ("?".into(), 0, 0),
            "punctuation",
            0.0,
            v,
            None,
            || vec![format!("{open} open question(s): unresolved")],
        );
    }
}

/// A customer's utterance of bare ？ or …… : confusion, speechlessness.
pub(crate) fn bare_punctuation(units: &[Unit<'_>], text: &str, acc: &mut Acc<'_>) {
    if !units.iter().all(|u| u.is_punct) {
        return;
    }
    let marks = units
        .iter()
        .flat_map(|u| u.text.chars())
        .filter(|c| matches!(c, '?' | '…' | '.' | '。'))
        .count();
    if marks > 0 {
        acc.add_at(
            || (text.chars().take(8).collect(), 0, 0),
            "punctuation",
            0.0,
            BARE_PUNCTUATION.0,
            Some((Emotion::Disgust, BARE_PUNCTUATION.1)),
            || vec!["only ？ / …… : confusion or speechlessness".into()],
        );
    }
}

/// The turn is said loudly: an exclamation mark, two question marks in a row, or trailing
/// dots (。。, ..., …). Punctuation, not words: the roll-up's `loud_share` reads it.
pub(crate) fn loud_turn(text: &str) -> bool {
    let mut prev = '\0';
    let mut dots = 0;
    for ch in text.chars() {
        let question = |c: char| c == '？' || c == '?';
        if ch == '！' || ch == '!' || ch == '…' || (question(ch) && question(prev)) {
            return true;
        }
        dots = if ch == '.' || ch == '。' {
            dots + 1
        } else {
            0
        };
        // 。。 or ..., not a single full stop or a decimal point.
        if (ch == '。' && prev == '。') || dots >= 3 {
            return true;
        }
        prev = ch;
    }
    false
}

/// Sentence punctuation: ？？, ？！ and ！！ — surprise after good news, impatience or
/// agitation in a customer's complaint, emphasis of an agent's negative sentence.
pub(crate) fn loud_punctuation(sentences: &[SentenceInfo], customer_side: bool, acc: &mut Acc<'_>) {
    for st in sentences.iter() {
        let loud_question = st.question >= 2 || (st.question >= 1 && st.exclaim >= 1);
        let loud = st.exclaim >= 2;
        if !(loud_question || loud) {
            continue;
        }
        let praise = st.positive > 0.0 && st.negative == 0.0;
        let (v, emo, what) = if praise {
            if loud_question {
                (
                    0.0,
                    (Emotion::Surprise, LOUD_QUESTION_SURPRISE),
                    "？？ after good news: surprise",
                )
            } else {
                continue;
            }
        } else if customer_side {
            if loud_question {
                (
                    LOUD_QUESTION.0,
                    (Emotion::Anger, LOUD_QUESTION.1),
                    "？？ / ？！ in a complaint: impatience",
                )
            } else {
                (
                    LOUD.0,
                    (Emotion::Anger, LOUD.1),
                    "！！ without praise: agitation",
                )
            }
        } else if st.negative > 0.0 {
            (
                EMPHATIC.0,
                (Emotion::Anger, EMPHATIC.1),
                "emphatic punctuation",
            )
        } else {
            continue;
        };
        let marks = || {
            let q = "?".repeat(st.question.min(4) as usize);
            (q + &"!".repeat(st.exclaim.min(4) as usize), 0, 0)
        };
        acc.add_at(
            marks,
            "punctuation",
            0.0,
            v,
            Some(emo),
            || vec![what.into()],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loud_turn_is_told_by_its_punctuation() {
        for t in [
            "到底什么时候发货！",
            "又没到??",
            "怎么还没到？？",
            "唉。。",
            "算了...",
            "好吧……",
            "太慢了!",
        ] {
            assert!(loud_turn(t), "{t}");
        }
        // One question mark, one full stop, a decimal point: calm.
        for t in [
            "什么时候发货？",
            "好的。谢谢。",
            "价格是12.5元",
            "第一个？第二个？",
            "",
        ] {
            assert!(!loud_turn(t), "{t}");
        }
    }

    #[test]
    fn count_starts_hold_exactly_their_chars() {
        for w in ["第三次", "好几天", "3天", "〇点", "两次", "十几个"] {
            assert!(may_count(w), "{w}");
        }
        for w in ["", "次", "天了", "订单", "a3"] {
            assert!(!may_count(w), "{w}");
        }
    }
}

#[cfg(all(test, feature = "embedded-lexicons"))]
mod stage_tests {
    use crate::score::testing::contributions;
    use crate::types::Speaker;

    /// Customer-service patterns, as the trace reads them: `term source: note`.
    #[test]
    fn pragmatics() {
        macro_rules! t {
            ($text:expr, $want:expr) => {
                let got = contributions($text, Speaker::Customer);
                assert!(got.iter().any(|c| c == $want), "{}: {:?}", $text, got);
            };
        }
        t!("好好好好", "好好 pattern: repeated affirmation: impatient");
        t!("第三次打电话了", "第三次 pattern: counted repeat");
        t!("都三天了", "三天 pattern: elapsed time");
        // A waiting verb split from its 了, a numeral split from 个 and its unit, 半.
        t!("等了四十分钟", "四十分钟 pattern: elapsed time");
        t!("在机场等了六个小时", "六个 pattern: elapsed time");
        t!("下单半个月了", "半个 pattern: elapsed time");
        t!("申请不了", "不了 pattern: inability (…不了)");
        t!("好的", "好的 pattern: acknowledgement: accepts the answer");
        t!(
            "为什么要手机号码",
            "为什么 pattern: why-question: challenges the answer"
        );
        t!(
            "电话没人接啊",
            "啊 pattern: final 啊 on a complaint or question: exasperation"
        );
        t!("没有", "没有 negation: bare negation: disagreement");
        t!(
            "？？？",
            "？？？ punctuation: only ？ / …… : confusion or speechlessness"
        );
        t!(
            "？？？",
            "?? punctuation: ？？ / ？！ in a complaint: impatience"
        );
        t!("解决了吗", "? punctuation: 1 open question(s): unresolved");
    }

    /// Patterns are a customer's: an agent's turn has none.
    #[test]
    fn agents_have_no_customer_patterns() {
        for text in ["好好好好", "第三次打电话了", "没有", "为什么要手机号码"]
        {
            let got = contributions(text, Speaker::Agent);
            assert!(
                got.iter().all(|c| !c.contains(" pattern: ")),
                "{text}: {got:?}"
            );
        }
    }

    /// An agent saying no is counted for the roll-up.
    #[test]
    fn agent_refusals_are_counted() {
        let an = crate::score::testing::analyzer();
        assert!(an.analyze("这个没办法", Speaker::Agent).refusals > 0);
        assert_eq!(an.analyze("好的，我马上帮您查", Speaker::Agent).refusals, 0);
    }
}
