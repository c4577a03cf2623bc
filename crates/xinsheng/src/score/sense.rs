//! Sense: a cue word read in the sense of its sentence. In a plain question (no negative
//! word, not rhetorical, no irony) a refund or urgency word asks about the topic
//! (退款几天到账？, 马上能发货吗？), and after an enquiry opener a complaint
//! or report word names a channel (请问投诉建议在哪里提交？): such cues are topics, not
//! signals, unless another cue of the sentence is a signal. And praise of the service
//! next to a bad outcome is sarcasm, marker or not. Closing a deceased relative's account
//! is not churn; 什么意思 after a named term asks what it means; a hypothetical clause of
//! a question (如果…怎么办) is a case asked about, not a problem reported.

use super::cues::Found;
use super::modifiers::{self, scan_back};
use super::pragmatics;
use super::structure::SentenceInfo;
use super::weights::{BARE_PRAISE_WORDS, TOPIC_MAX_SEVERITY};
use super::Ctx;
use crate::lexicon::function_words::{
    BARE_PRAISE, CAUSATIVE_ME, CONCILIATORY, COUNT_UNITS, CRIME_KIND_NOUNS, DECEASED,
    DURATION_ENDS, ENQUIRY_OPENERS, EPITHETS, HOW_OR_WHETHER, HYPOTHETICAL, HYPOTHETICAL_ENDS,
    IMPOSTOR_ACTS, INFO_WORDS, INTERROGATIVE, KIN, LATE_BEFORE, LATE_MARKERS, MEANING_QUESTIONS,
    MISTAKEN_BELIEF, NOT_HAPPENED, PRAISE_PARTICLES, PROCEDURE_WORDS, QUESTION_PARTICLES,
    QUESTION_TOPICS, SARCASTIC_DEGREE, SECOND_PERSON, SERVICE_PRAISE, SERVICE_TOPICS, TERM_NAMERS,
    USUALLY, USUALLY_NOT_BEFORE, VICTIM_BEFORE, WAITED,
};
use crate::lexicon::ContrastRole;
use crate::segment::{spans_by, Unit};
use crate::types::{AgentKind, Cue, CueCategory, Emotion};

/// The utterance opens an enquiry (请问, 想问一下, 咨询一下).
pub(crate) fn has_enquiry_opener(units: &[Unit<'_>]) -> bool {
    units.iter().any(|u| ENQUIRY_OPENERS.contains(&u.text))
}

/// Demote the cues of plain questions that ask rather than complain (see the module).
pub(crate) fn enquiries(ctx: &Ctx<'_, '_>, sentences: &[SentenceInfo], found: &mut Found) {
    if found.cues.is_empty() || ctx.irony {
        return;
    }
    let units = ctx.units;
    let opener = has_enquiry_opener(units);
    // Per clause: it asks for a piece of information (one pass, not one per cue).
    let mut info = vec![false; units.last().map_or(0, |u| u.clause + 1)];
    for k in 0..units.len() {
        if asks_for_information(units, k) || asks_meaning(units, k) {
            info[units[k].clause] = true;
        }
    }
    let plain_sentences: Vec<bool> = sentences
        .iter()
        .map(|st| {
            let asks_info = st.last_word.is_some_and(|w| info[units[w].clause]);
            (st.ends_question || st.interrogative || asks_info)
                && st.negative <= 0.0
                && !st.rhetorical_open
        })
        .collect();
    let plain = |s: usize| plain_sentences[s];
    // How-long questions (多久能到账) stay impatience: in real chats they come with it.
    // A refund or urgency word is the topic only in the clause that asks (孩子还在医院躺着，
    // 报销什么时候能下来: the stakes are not asked about).
    let asks = |c: &Cue, s: usize, k: usize| match c.category {
        CueCategory::Refund | CueCategory::Urgency => {
            c.severity <= TOPIC_MAX_SEVERITY && in_asking_clause(units, &sentences[s], k)
        }
        CueCategory::Complaint | CueCategory::Regulator => {
            opener || asks_how_or_whether(units, &sentences[s], k, c)
        }
        _ => false,
    };
    let mut signal = vec![false; sentences.len()];
    for (c, s, k) in found.sites() {
        if c.is_active() && !(plain(s) && asks(c, s, k)) {
            signal[s] = true;
        }
    }
    found.demote_topics(|c, s, k| !signal[s] && plain(s) && asks(c, s, k));
}

/// A legal cue that names the kind of call or message the customer got (诈骗电话, 诈骗短信)
/// or a belief found wrong (我还以为是诈骗) is a topic, not a legal step: it falls to a
/// mention (issue 12).
///
/// Likewise a scammer who acts on the customer (有个骗子冒充你们客服, 被骗子骗了两千块): the
/// 骗子 is someone else, not an epithet of the company; its dissatisfaction is a topic.
pub(crate) fn crime_of_others(units: &[Unit<'_>], found: &mut Found) {
    found.demote_topics(|c, _, k| {
        if c.category == CueCategory::Dissatisfaction && EPITHETS.contains(&units[k].text) {
            let acts = units
                .get(k + 1)
                .is_some_and(|n| IMPOSTOR_ACTS.iter().any(|a| n.text.starts_with(a)));
            let victim = k > 0 && VICTIM_BEFORE.contains(&units[k - 1].text);
            return acts || victim;
        }
        if c.category != CueCategory::Legal {
            return false;
        }
        let clause = units[k].clause;
        let names_kind = units
            .get(k + 1)
            .is_some_and(|u| u.clause == clause && CRIME_KIND_NOUNS.contains(&u.text));
        let mistaken = units[..k]
            .iter()
            .rev()
            .take_while(|u| u.clause == clause)
            .any(|u| MISTAKEN_BELIEF.contains(&u.text));
        names_kind || mistaken
    });
}

/// The complaint or report word at unit `k` is asked about: how or whether one can (怎么投诉？,
/// 这种号码也能举报吗？), in the clause that asks (issue 12).
fn asks_how_or_whether(units: &[Unit<'_>], st: &SentenceInfo, k: usize, c: &Cue) -> bool {
    let clause = units[k].clause;
    let how = HOW_OR_WHETHER.iter().any(|w| c.text.starts_with(w))
        || units[..k]
            .iter()
            .rev()
            .take_while(|u| u.clause == clause)
            .any(|u| HOW_OR_WHETHER.contains(&u.text));
    how && in_asking_clause(units, st, k)
}

/// The unit at `k` stands in a clause that asks: it has a question word or particle, or
/// it ends a sentence that ends with ？.
fn in_asking_clause(units: &[Unit<'_>], st: &SentenceInfo, k: usize) -> bool {
    let clause = units[k].clause;
    let last_clause = st.last_word.map(|w| units[w].clause);
    (st.ends_question && last_clause == Some(clause))
        || units
            .iter()
            .filter(|u| u.clause == clause)
            .any(|u| u.class & INTERROGATIVE != 0 || QUESTION_PARTICLES.contains(&u.text))
}

/// Praise of the service or thanks that clash with a bad outcome reported in another
/// clause of the utterance, with no contrast word between them: unmarked sarcasm
/// (效率真高，一个月前报的故障今天才回; 可真厉害，退款能拖三个礼拜; 感谢你们让我多等了六个
/// 小时). Read like an irony marker: the praise flips. `found` holds the pattern cues.
/// Gives the praise's unit.
pub(crate) fn sarcasm(
    units: &[Unit<'_>],
    clause_roles: &[Option<ContrastRole>],
    found: &Found,
) -> Option<usize> {
    if clause_roles.iter().any(Option::is_some)
        || units.iter().any(|u| CONCILIATORY.contains(&u.text))
    {
        return None;
    }
    let (praise, clause) = units
        .iter()
        .enumerate()
        .find_map(|(k, u)| praises_service(units, k).then_some((k, u.clause)))?;
    let bad_cue = |cat: CueCategory| {
        matches!(
            cat,
            CueCategory::Impatience
                | CueCategory::RepeatContact
                | CueCategory::Dissatisfaction
                | CueCategory::Refund
        )
    };
    let thanks_blame = units[praise]
        .entry
        .and_then(|e| e.emotion)
        .is_some_and(|(l, _, _)| l == Emotion::Gratitude)
        && blames(units, praise);
    let outcome = |k: usize| {
        let u = &units[k];
        if u.clause == clause && !thanks_blame {
            return false;
        }
        // 今天才有人打电话; 东西没到, 说的都不一样 (a word the lexicons do not know that
        // says no).
        if reports_late(units, k) || pragmatics::is_negated_word(u) || negates_verb(units, k) {
            return true;
        }
        let Some(e) = u.entry else { return false };
        // 不知道 / 没办法 in the customer's mouth: the answer they got.
        let refused = e
            .agent
            .is_some_and(|(a, _)| a.kind() == AgentKind::Prohibited);
        let negative = refused || modifiers::base_valence(e).is_some_and(|v| v < 0.0);
        let cue = e.escalation.is_some_and(|(c, _)| bad_cue(c));
        (negative || cue) && !scan_back(units, k).0.odd()
    };
    (found
        .sites()
        .any(|(c, _, k)| bad_cue(c.category) && (units[k].clause != clause || thanks_blame))
        || (0..units.len()).any(outcome))
    .then_some(praise)
}

/// The unit at `k` praises the service with an intensifier (效率真高, 太贴心了, 可真厉害),
/// or thanks the addressee for what follows (感谢你们让我…).
fn praises_service(units: &[Unit<'_>], k: usize) -> bool {
    let u = &units[k];
    let Some(e) = u.entry else { return false };
    if u.is_punct || !modifiers::base_valence(e).is_some_and(|v| v > 0.0) {
        return false;
    }
    let prev = units[..k]
        .iter()
        .rev()
        .take_while(|p| p.clause == u.clause && !p.is_punct)
        .map(|p| p.text)
        .collect::<Vec<_>>();
    // 真高 / 可真 + 高; or the term itself is topic + intensifier + praise (效率真高).
    let intensified = SARCASTIC_DEGREE
        .iter()
        .any(|d| u.text.starts_with(d) && u.text.len() > d.len())
        || prev.first().is_some_and(|p| SARCASTIC_DEGREE.contains(p))
        || SERVICE_TOPICS.iter().any(|t| {
            u.text.strip_prefix(t).is_some_and(|rest| {
                SARCASTIC_DEGREE
                    .iter()
                    .any(|d| rest.starts_with(d) && rest.len() > d.len())
            })
        });
    let virtue = SERVICE_PRAISE.iter().any(|s| u.text.contains(s))
        || prev
            .iter()
            .take(2)
            .any(|p| SERVICE_TOPICS.iter().any(|t| p.contains(t)));
    let thanks = e.emotion.is_some_and(|(l, _, _)| l == Emotion::Gratitude) && blames(units, k);
    (intensified && virtue) || thanks || bare_praise(units, k)
}

/// The unit at `k` is bare praise that makes up the utterance's opening clause, with
/// more after it: a word of [`BARE_PRAISE`] (厉害，…; 佩服，…; 服务一流啊，…) or any
/// praise of a service topic said to the company (你们效率高，…), with nothing else but a
/// particle, a service topic or a second person.
fn bare_praise(units: &[Unit<'_>], k: usize) -> bool {
    let u = &units[k];
    let first = units.iter().find(|x| !x.is_punct).map(|x| x.clause);
    if first != Some(u.clause) || !units.iter().any(|x| x.clause > u.clause && !x.is_punct) {
        return false;
    }
    let words: Vec<&str> = units
        .iter()
        .filter(|x| x.clause == u.clause && !x.is_punct)
        .map(|x| x.text)
        .collect();
    let topic = |w: &str| SERVICE_TOPICS.iter().any(|t| w.starts_with(t));
    let lone = words.iter().all(|w| {
        *w == u.text
            || topic(w)
            || PRAISE_PARTICLES.contains(w)
            || SECOND_PERSON.iter().any(|p| w.starts_with(p))
    });
    // Praise of a service topic (速度很快，…) is sarcasm only said to the company (你们效率
    // 高，…): a review praising one thing and blaming another means both.
    let addressed = words
        .iter()
        .any(|w| SECOND_PERSON.iter().any(|p| w.starts_with(p)));
    let praise = BARE_PRAISE.iter().any(|p| u.text.ends_with(p))
        || (addressed
            && (SERVICE_TOPICS.iter().any(|t| u.text.starts_with(t))
                || words.iter().any(|w| *w != u.text && topic(w))));
    lone && words.len() <= BARE_PRAISE_WORDS && praise
}

/// After thanks at unit `k`, the addressee is blamed for what follows: a causative in
/// the rest of its clause (感谢你们让我…), or the next clause opening with one or with a
/// wait (真是谢谢你们了，让我白跑了三趟; 谢谢您，等了四十分钟…).
fn blames(units: &[Unit<'_>], k: usize) -> bool {
    let clause = units[k].clause;
    let same = units[k + 1..]
        .iter()
        .take_while(|n| n.clause == clause && !n.is_punct)
        .take(2)
        .any(|n| CAUSATIVE_ME.contains(&n.text));
    let next: String = units[k + 1..]
        .iter()
        .filter(|n| !n.is_punct)
        .skip_while(|n| n.clause == clause)
        .take_while(|n| n.clause == clause + 1)
        .take(2)
        .map(|n| n.text)
        .collect();
    same || WAITED.iter().any(|w| next.starts_with(w))
}

/// The unit at `k` is a bare 没 / 没有 / 还没 before another word of its clause: 东西没
/// 到, the thing did not happen (不 is left out: 不用我再跑 is good news).
fn negates_verb(units: &[Unit<'_>], k: usize) -> bool {
    NOT_HAPPENED.contains(&units[k].text)
        && pragmatics::is_bare_negator(&units[k])
        && units.get(k + 1).is_some_and(|n| {
            // 没让我多跑: sparing the customer is good news.
            !n.is_punct && n.clause == units[k].clause && !CAUSATIVE_ME.contains(&n.text)
        })
}

/// The unit at `k` is 才 or 终于 after a time word: something came late (今天才有人打电话,
/// 三天了才回, 一个月才到, 今天终于有人回了).
fn reports_late(units: &[Unit<'_>], k: usize) -> bool {
    LATE_MARKERS.iter().any(|m| units[k].text.starts_with(m))
        && k > 0
        && units[k - 1].clause == units[k].clause
        && !units[k - 1].is_punct
        && (LATE_BEFORE.contains(&units[k - 1].text)
            || units[k - 1]
                .text
                .chars()
                .last()
                .is_some_and(|c| DURATION_ENDS.contains(c)))
}

/// The utterance (normalized `text`) says someone died (去世, 不在了, 我爸走了): its
/// churn cues (注销, 销户) close that person's account, an errand: they become topics.
pub(crate) fn deceased_account(text: &str, found: &mut Found) {
    if !found.cues.iter().any(|c| c.category == CueCategory::Churn) {
        return;
    }
    let died = DECEASED.iter().any(|d| text.contains(d))
        || text
            .match_indices("走了")
            .any(|(i, _)| KIN.iter().any(|k| text[..i].contains(k)));
    if died {
        found.demote_topics(|c, _, _| c.category == CueCategory::Churn);
    }
}

/// The unit at `k` asks what a named term means: 什么意思 after a quoted term (“待揽收”是
/// 什么意思), an enquiry opener, or a term named by 这个 / …的 (账单上的滞纳金是什么意思),
/// with no second person before it (你这是什么意思 challenges the agent).
pub(crate) fn asks_meaning(units: &[Unit<'_>], k: usize) -> bool {
    if !MEANING_QUESTIONS.contains(&units[k].text) {
        return false;
    }
    let before = &units[..k];
    let addressed = before
        .iter()
        .any(|u| !u.is_punct && SECOND_PERSON.iter().any(|p| u.text.starts_with(p)));
    if addressed {
        return false;
    }
    let clause: Vec<&str> = before
        .iter()
        .filter(|u| u.clause == units[k].clause && !u.is_punct)
        .map(|u| u.text)
        .collect();
    // 这个 / …的 followed by a word other than 是: a named term.
    let named = clause
        .windows(2)
        .any(|w| TERM_NAMERS.contains(&w[0]) && w[1] != "是");
    before.iter().any(|u| u.in_quote) || has_enquiry_opener(units) || named
}

/// The unit at `k` is 一般 meaning "usually": another word follows it in its clause
/// (一般什么时候解冻), so it qualifies the verb and evaluates nothing.
pub(crate) fn usual_adverb(units: &[Unit<'_>], k: usize) -> bool {
    USUALLY.contains(&units[k].text)
        && units.get(k + 1).is_some_and(|n| {
            !n.is_punct && n.clause == units[k].clause && !USUALLY_NOT_BEFORE.contains(&n.text)
        })
}

/// The unit indices of the clause of unit `k` (a walk from `k`, not a scan of the text).
fn clause_range(units: &[Unit<'_>], k: usize) -> std::ops::Range<usize> {
    let clause = units[k].clause;
    let start = units[..k]
        .iter()
        .rposition(|u| u.clause != clause)
        .map_or(0, |p| p + 1);
    let end = units[k..]
        .iter()
        .position(|u| u.clause != clause)
        .map_or(units.len(), |p| k + p);
    start..end
}

/// The unit at `k` asks for a piece of information (多少, 几天, 哪个, 什么 时候 split by the
/// segmenter).
fn asks_for_information(units: &[Unit<'_>], k: usize) -> bool {
    let u = &units[k];
    let counts = units
        .get(k + 1)
        .is_some_and(|n| COUNT_UNITS.contains(&n.text));
    (INFO_WORDS.contains(&u.text) && !counts)
        || (u.text == "时候" && k > 0 && units[k - 1].text == "什么")
}

/// The last clause of the sentence asks for information (断网报修的电话是多少, 这个状态是
/// 什么意思) without ？ or a question word.
fn asks_information(units: &[Unit<'_>], st: &SentenceInfo) -> bool {
    let Some(last) = st.last_word else {
        return false;
    };
    clause_range(units, last).any(|k| asks_for_information(units, k) || asks_meaning(units, k))
}

/// Per clause: a case asked about, not a problem reported. A clause that opens with a
/// hypothetical word (如果, 要是, 万一) or ends with one (…的话) in a question (如果自己装坏了
/// 怎么办, 万一收到的是坏的，可以换吗); and the clauses of a procedure enquiry (see
/// [`procedure_clauses`]). Empty when no clause is.
pub(crate) fn hypothetical_clauses(
    units: &[Unit<'_>],
    sentences: &[SentenceInfo],
    found: &Found,
) -> Vec<bool> {
    let mut out = Vec::new();
    let mark = |out: &mut Vec<bool>, clause: usize| {
        if out.is_empty() {
            out.resize(units.last().map_or(0, |l| l.clause + 1), false);
        }
        out[clause] = true;
    };
    let mut seen = usize::MAX;
    for u in units.iter().filter(|u| !u.is_punct) {
        let opens = u.clause != seen;
        seen = u.clause;
        let st = &sentences[u.sentence];
        let hypothetical =
            (opens && HYPOTHETICAL.contains(&u.text)) || HYPOTHETICAL_ENDS.contains(&u.text);
        if hypothetical && (st.ends_question || st.interrogative) {
            mark(&mut out, u.clause);
        }
    }
    for clause in procedure_clauses(units, sentences, found) {
        mark(&mut out, clause);
    }
    out
}

/// The clauses of a procedure enquiry: a question (not rhetorical) whose asking clause
/// names a procedure ([`PROCEDURE_WORDS`]: 怎么申请赔付？, 赔付标准是怎样的？, 保修范围包括
/// 吗) or a thing asked about ([`QUESTION_TOPICS`]: 差评能撤回吗？, 违约金怎么算？) with no negator (赔偿款怎么还没到账 is impatience) and no cue but a refund or
/// urgency word; with it, the clauses before it in its sentence that state the
/// circumstance (手机屏幕碎了，…) with no cue and no second person. Their negative words
/// name the case asked about and their refund words the topic (快递丢了怎么申请赔付？).
fn procedure_clauses(units: &[Unit<'_>], sentences: &[SentenceInfo], found: &Found) -> Vec<usize> {
    let mut out = Vec::new();
    // Each clause's span of units (clauses run in text order), and the clauses holding a
    // pattern cue, once: a long text's clauses are then read in linear time.
    let spans = spans_by(units, |u| u.clause);
    let span = |c: usize| spans.get(c).cloned().unwrap_or(0..0);
    let in_clause = |c: usize| {
        units[span(c)]
            .iter()
            .filter(move |u| u.clause == c && !u.is_punct)
    };
    let mut cued = vec![false; spans.len()];
    for (_, _, k) in found.sites() {
        if let Some(f) = cued.get_mut(units[k].clause) {
            *f = true;
        }
    }
    let pattern_cue = |c: usize| cued.get(c).copied().unwrap_or(false);
    let topic_noun = |c: usize| in_clause(c).any(|u| QUESTION_TOPICS.contains(&u.text));
    let cue_other_than_topic = |c: usize| {
        pattern_cue(c)
            || in_clause(c).any(|u| {
                !QUESTION_TOPICS.contains(&u.text)
                    && u.entry.and_then(|e| e.escalation).is_some_and(|(cat, _)| {
                        let topic = matches!(cat, CueCategory::Refund | CueCategory::Urgency)
                            || (cat == CueCategory::Churn && topic_noun(c));
                        !topic
                    })
            })
    };
    for st in sentences {
        let Some(last) = st.last_word else { continue };
        if !(st.ends_question || st.interrogative || asks_information(units, st))
            || st.rhetorical_open
        {
            continue;
        }
        let sentence = units[last].sentence;
        let first = units[..=last]
            .iter()
            .rposition(|u| u.sentence != sentence)
            .map_or(0, |k| k + 1);
        let first = units[first].clause;
        // The clause that asks is the last one, or one that asks how or whether itself
        // (外卖洒了能不能申请赔偿，需要拍照吗).
        let procedure = |c: usize| {
            let asks = c == units[last].clause
                || in_clause(c)
                    .any(|u| HOW_OR_WHETHER.contains(&u.text) || u.class & INTERROGATIVE != 0);
            // An information question said to the company (东西坏了你们什么时候来修) is a
            // demand about the problem, not an enquiry.
            let addressed =
                in_clause(c).any(|u| SECOND_PERSON.iter().any(|p| u.text.starts_with(p)));
            let what = span(c).any(|k| {
                units[k].clause == c
                    && (PROCEDURE_WORDS.contains(&units[k].text)
                        || asks_meaning(units, k)
                        || (!addressed && asks_for_information(units, k)))
            });
            asks && (what || topic_noun(c))
                && !span(c).any(|k| {
                    let u = &units[k];
                    u.clause == c
                        && (pragmatics::is_bare_negator(u)
                            || pragmatics::is_negated_word(u)
                            || u.entry.is_some_and(|e| e.negation))
                        && !a_not_a(units, k)
                })
                && !cue_other_than_topic(c)
        };
        let Some(asking) = (first..=units[last].clause).find(|&c| procedure(c)) else {
            continue;
        };
        out.extend((asking..=units[last].clause).filter(|&c| procedure(c)));
        for c in first..asking {
            let addressed =
                in_clause(c).any(|u| SECOND_PERSON.iter().any(|p| u.text.starts_with(p)));
            // 孩子还在医院躺着，…什么时候能下来: stakes (an urgency cue) are not the case asked
            // about.
            let stakes = in_clause(c).any(|u| {
                u.entry
                    .and_then(|e| e.escalation)
                    .is_some_and(|(cat, _)| cat == CueCategory::Urgency)
            });
            if !addressed && !stakes && !cue_other_than_topic(c) && in_clause(c).next().is_some() {
                out.push(c);
            }
        }
    }
    out
}

/// The negator at `k` is the middle of an A-not-A question (能|不能, 可|不可以, 是|不是):
/// it asks whether, it does not negate.
fn a_not_a(units: &[Unit<'_>], k: usize) -> bool {
    let rest = units[k]
        .text
        .strip_prefix('不')
        .or_else(|| units[k].text.strip_prefix('没'));
    k > 0
        && !units[k - 1].is_punct
        && rest.is_some_and(|r| !r.is_empty() && r.starts_with(units[k - 1].text))
}

/// The unit at `k` stands in a hypothetical clause (see [`hypothetical_clauses`]).
pub(crate) fn in_hypothetical(hypothetical: &[bool], units: &[Unit<'_>], k: usize) -> bool {
    hypothetical.get(units[k].clause).copied().unwrap_or(false)
}

/// Cues of a hypothetical clause, other than formal threats, are topics.
pub(crate) fn hypothetical_cues(hypothetical: &[bool], units: &[Unit<'_>], found: &mut Found) {
    if hypothetical.is_empty() {
        return;
    }
    found.demote_topics(|c, _, k| {
        !c.category.is_formal() && in_hypothetical(hypothetical, units, k)
    });
}
