//! Agent conduct by stance: a sentence of an agent's turn that takes a hostile or
//! dismissive stance toward the customer, whatever its wording. Beside the phrase
//! families of `agent.tsv` (which catch the wording they were written from), this reads
//! the sentence's grammar and its stance markers (slots `{STANCE_*}` of `agent.tsv`,
//! weights `STANCE_*` in `weights.rs`):
//!
//! - **said to the customer**: 你/您/你们 (subject or object), an imperative opener
//!   (别…, 少…, 赶紧…), a word that makes the customer the one speaking to the agent
//!   (跟我们说, 冲我), or a rhetorical question;
//! - **stance markers** weigh enough: a strong one alone (识相, 听不懂, 耽误我, 自作自受,
//!   说了多少遍), two weak ones (这么 … 连 …, 再不 … 上门), or one weak one in a rhetorical
//!   question (a negative or a question word in a question: 犯得着这么…吗？);
//! - **not**: a turn with anything soft (an apology, empathy, reassurance, help offered, an
//!   encouraged phrase other than a greeting), a third party's reported words (快递员说…),
//!   a marker negated right before it (不会上门), a sentence a phrase family already caught.
//!
//! A firing is a `hostile` prohibited phrase whose text spans the markers that carried it.

use super::aggregate::Acc;
use super::cues::{agent_phrase_valence, Found};
use super::structure::SentenceInfo;
use super::weights::{
    STANCE_FIRE, STANCE_REPORT_WINDOW, STANCE_RHETORICAL, STANCE_SEVERITY, STANCE_STRONG,
    STANCE_UNADDRESSED, STANCE_WEAK, STOP_CLAUSE_MAX,
};
use super::Ctx;
use crate::lexicon::agent_patterns::AgentPatterns;
use crate::segment::{is_punct_char, spans_by, OriginalText};
use crate::types::{AgentCategory, AgentKind, AgentMatch};

const STRONG: &str = "STANCE_STRONG";
const WEAK: &str = "STANCE_WEAK";
const IMPERATIVE: &str = "STANCE_IMPERATIVE";
const SOFT: &str = "STANCE_SOFT";
const TO_YOU: &str = "STANCE_TO_YOU";
const REPORT: &str = "STANCE_REPORT";
const NEGATOR: &str = "STANCE_NEGATOR";
const YOU: &str = "YOU";
const THIRD: &str = "THIRD";

/// The markers of a sentence that count, as `(start, end, weight)` in the sentence's
/// chars: strong ones first, then weak ones that overlap none kept; a marker right after a
/// negator (不会上门, 没有后果), inside an emoji name ([呵呵]) or already counted does not
/// count.
fn markers(slots: &AgentPatterns, text: &[char]) -> Vec<(usize, usize, f32)> {
    let mut kept: Vec<(usize, usize, f32)> = Vec::new();
    for (slot, weight) in [(STRONG, STANCE_STRONG), (WEAK, STANCE_WEAK)] {
        let mut found = slots.slot_find(slot, text);
        // Longest first, so 难道你 wins over 难道.
        found.sort_by_key(|&(s, e)| (std::cmp::Reverse(e - s), s));
        for (s, e) in found {
            let overlaps = kept.iter().any(|&(ks, ke, _)| s < ke && ks < e);
            // The same marker twice counts once (黑名单 … 黑名单).
            let again = kept.iter().any(|&(ks, ke, _)| text[ks..ke] == text[s..e]);
            // An emoji name ([呵呵]) is no word of the agent's.
            let emoji = s > 0 && matches!(text[s - 1], '[' | '【');
            if overlaps || again || emoji || slots.slot_ends(NEGATOR, &text[..s]) {
                continue;
            }
            kept.push((s, e, weight));
        }
    }
    for (s, e) in stop_imperatives(slots, text) {
        if !kept.iter().any(|&(ks, ke, _)| s < ke && ks < e) {
            kept.push((s, e, STANCE_WEAK));
        }
    }
    kept.sort_by_key(|m| m.0);
    kept
}

/// Clauses that tell the customer to stop doing something: (你/您)(就/也/可/先)别…了
/// (别操心了, 您就别问了, 别扯别的了); 别着急了 and the like are soft and end the rule
/// before it. Gives each one's span from 别 to the clause's end.
fn stop_imperatives(slots: &AgentPatterns, text: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for clause in text.split(|&c| is_punct_char(c)) {
        let (from, end) = (start, start + clause.len());
        start = end + 1;
        let mut k = 0;
        if let Some(you) = slots.slot_find(YOU, clause).first().filter(|m| m.0 == 0) {
            k = you.1;
        }
        if clause.get(k).is_some_and(|c| STOP_ADVERBS.contains(c)) {
            k += 1;
        }
        let stops = clause.get(k) == Some(&'别')
            && clause.len() > k + 2
            && clause.ends_with(&['了'])
            && clause.len() - k <= STOP_CLAUSE_MAX;
        if stops {
            out.push((from + k, end));
        }
    }
    out
}

/// Adverbs between the addressee and 别 (您就别问了, 你也别催了).
const STOP_ADVERBS: [char; 5] = ['就', '也', '可', '先', '都'];

/// A question that does not ask: a negative (不, 没, but not the A-not-A 是不是 / 有没有)
/// or a question word (怎么, 难道, 凭什么 …) inside a question.
fn rhetorical(s: &SentenceInfo, text: &[char]) -> bool {
    if !(s.ends_question || s.question > 0) {
        return false;
    }
    let negative = text.iter().enumerate().any(|(i, &c)| {
        matches!(c, '不' | '没') && !(i > 0 && i + 1 < text.len() && text[i - 1] == text[i + 1])
    });
    negative || s.interrogative || s.rhetorical_open
}

/// Said to the customer: 你/您, an imperative opener of one of its clauses, or a word that
/// makes the customer the one speaking to the agent.
fn addressed(slots: &AgentPatterns, text: &[char]) -> bool {
    slots.slot_in(YOU, text)
        || slots.slot_in(TO_YOU, text)
        || text
            .split(|c| matches!(c, '，' | ',' | '、' | '；' | ';' | '：' | ':'))
            .any(|clause| slots.slot_starts(IMPERATIVE, clause))
}

/// A third party's words reported: {THIRD} and a reporting verb within a few chars after
/// it, in its clause (快递员说, 商家那边回复).
fn reported(slots: &AgentPatterns, text: &[char]) -> bool {
    slots.slot_find(THIRD, text).into_iter().any(|(s, e)| {
        let window = &text[e..(e + STANCE_REPORT_WINDOW).min(text.len())];
        let window = window.split(|&c| is_punct_char(c)).next().unwrap_or(&[]);
        // 谁 asks who (您找谁去), it reports no one.
        text[s..e] != ['谁'] && slots.slot_in(REPORT, window)
    })
}

/// Whether the turn has anything soft: a word of `{STANCE_SOFT}` that is not part of a
/// strong marker (理解 of 理解能力) or an encouraged phrase other than a greeting
/// (empathy, apology, ownership, follow-up).
fn soft(ctx: &Ctx<'_, '_>, text: &[char]) -> bool {
    let slots = ctx.agent_patterns;
    let strong = slots.slot_find(STRONG, text);
    slots
        .slot_find(SOFT, text)
        .into_iter()
        .any(|(s, e)| !strong.iter().any(|&(ms, me)| s < me && ms < e))
        || ctx.units.iter().any(|u| {
            u.entry.and_then(|e| e.agent).is_some_and(|(c, _)| {
                c.kind() == AgentKind::Encouraged && c != AgentCategory::Courtesy
            })
        })
}

/// Add a hostile prohibited phrase for every sentence of an agent's turn whose stance is
/// hostile (see the module's text), unless a counted prohibited phrase is already in it.
pub(crate) fn stance(
    ctx: &Ctx<'_, '_>,
    sentences: &[SentenceInfo],
    original: &mut OriginalText<'_>,
    acc: &mut Acc<'_>,
    found: &mut Found,
) {
    let slots = ctx.agent_patterns;
    let units = ctx.units;
    let text: Vec<char> = ctx.norm.text.chars().collect();
    if units.is_empty() || soft(ctx, &text) {
        return;
    }
    let before = found.agent.len();
    let spans = spans_by(units, |u| u.sentence);
    for (si, info) in sentences.iter().enumerate() {
        let Some(span) = spans.get(si).filter(|s| !s.is_empty()) else {
            continue;
        };
        let (first, last) = (span.start, span.end - 1);
        let (a, b) = (units[first].ns, units[last].ne.min(text.len()));
        if a >= b {
            continue;
        }
        let (oa, ob) = ctx.norm.original_range(a, b);
        let caught = found
            .agent
            .iter()
            .any(|m| m.kind == AgentKind::Prohibited && !m.negated && m.start < ob && oa < m.end);
        let sentence = &text[a..b];
        if caught || reported(slots, sentence) {
            continue;
        }
        let marks = markers(slots, sentence);
        let (Some(&(ms, _, _)), Some(&(_, me, _))) = (marks.first(), marks.last()) else {
            continue;
        };
        let rhetorical = rhetorical(info, sentence);
        let mut weight: f32 = marks.iter().map(|m| m.2).sum();
        if rhetorical {
            weight += STANCE_RHETORICAL;
        }
        // Said to no one in particular, it needs more (这都第几回了，还是那句话).
        let needed = if rhetorical || addressed(slots, sentence) {
            STANCE_FIRE
        } else {
            STANCE_UNADDRESSED
        };
        if weight < needed {
            continue;
        }
        let (os, oe) = ctx.norm.original_range(a + ms, a + me);
        let cat = AgentCategory::Hostile;
        if let Some(u) = units[first..=last].iter().find(|u| u.ne > a + ms) {
            let (v, emo) = agent_phrase_valence(cat);
            acc.add(u, "agent stance", v, v, emo, Vec::new);
        }
        found.agent.push(AgentMatch {
            kind: cat.kind(),
            category: cat,
            text: original.slice(os, oe),
            start: os,
            end: oe,
            severity: STANCE_SEVERITY,
            negated: false,
        });
    }
    if found.agent.len() > before {
        found.agent.sort_by_key(|m| (m.start, m.end));
    }
}
