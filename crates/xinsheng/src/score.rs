//! Utterance scoring: segmentation, lexicon matching and modifiers.
//!
//! The text is normalized, segmented with jieba, and the tokens are matched against the
//! lexicon longest-first (a match may join up to [`MAX_JOIN`] adjacent words, so a cue
//! the segmenter split is still found). Then every content term (emotion, sentiment,
//! escalation cue, agent phrase) is weighed by what stands before it in its clause
//! (negators and degree adverbs, in order, up to a scope break), by its clause's place
//! around a contrast word, by the emphasis of its sentence (！！, ？？, repeats), by
//! quotation, rhetorical questions and irony.

use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};

use crate::lexicon::{CjkSet, ContrastRole, Entry, Lexicon, MarkerKind, Probe};
use crate::normalize::{normalize_into, Normalized};
use crate::types::{
    AgentCategory, AgentKind, AgentMatch, Cue, CueCategory, Emotion, EmotionScores, Escalation,
    Level, Polarity, Speaker, UtteranceAnalysis,
};

/// Most segmenter tokens one lexicon match may join, not counting spaces and punctuation
/// between them.
pub const MAX_JOIN: usize = 7;
/// Tokens looked back from a term for negators and degree adverbs.
pub const SCOPE_WINDOW: usize = 3;
/// Raw emotion mass below which an utterance reads as neutral.
pub const NEUTRAL_MASS: f32 = 0.25;
/// Valence beyond which polarity is positive / negative.
pub const POLARITY_THRESHOLD: f32 = 0.10;
/// Risk weight of an active cue per severity 1..5.
pub const CUE_WEIGHT: [f32; 6] = [0.0, 0.12, 0.25, 0.45, 0.65, 0.85];
/// Valence of a customer's bare negation that negates no term (没有 / 不是): disagreement.
pub const DISAGREEMENT: f32 = -0.08;
/// Valence of each open question in a customer turn (up to three): an unresolved issue.
pub const OPEN_QUESTION: f32 = -0.04;
/// Weight factor of every cue but the strongest in an utterance.
pub const CUE_DAMPING: f32 = 0.35;
/// Factor applied to a quoted / reported cue.
pub const QUOTED_FACTOR: f32 = 0.35;
/// Clause weights around a contrast word: before it, after it, and a 虽然 clause alone.
pub const CONTRAST_WEIGHTS: (f32, f32, f32) = (0.5, 1.5, 0.7);

/// A token of the explanation: normalized text, original char offsets, lexicon roles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExplainToken {
    /// The token (normalized).
    pub text: String,
    /// Start in chars of the original text.
    pub start: usize,
    /// End (exclusive) in chars of the original text.
    pub end: usize,
    /// What the lexicons say about it, e.g. `emotion:anger:0.7`, `negation`.
    pub lexicon: Vec<String>,
}

/// What one term or marker contributed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The term (normalized).
    pub text: String,
    /// Start in chars of the original text.
    pub start: usize,
    /// End (exclusive) in chars of the original text.
    pub end: usize,
    /// Which lexicon: `emotion`, `sentiment`, `escalation`, `agent`, `marker`, `punctuation`.
    pub source: String,
    /// Valence before modifiers.
    pub base: f32,
    /// Modifiers applied, in order, e.g. `negated by 不 (×-0.75)`.
    pub modifiers: Vec<String>,
    /// Valence contributed after modifiers.
    pub valence: f32,
    /// Emotion fed, if any.
    pub emotion: Option<Emotion>,
    /// Emotion mass fed.
    pub emotion_weight: f32,
}

/// The explanation of one utterance's analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Normalized text (NFKC, simplified, repeats collapsed).
    pub normalized: String,
    /// Tokens after segmentation and lexicon matching.
    pub tokens: Vec<ExplainToken>,
    /// Contributions of terms and markers, in text order.
    pub contributions: Vec<Contribution>,
    /// The resulting analysis.
    pub analysis: Option<UtteranceAnalysis>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Break {
    None,
    Clause,
    Sentence,
}

struct Unit<'a> {
    /// Normalized char range.
    ns: usize,
    ne: usize,
    text: &'a str,
    entry: Option<&'a Entry>,
    brk: Break,
    is_punct: bool,
    clause: usize,
    sentence: usize,
    in_quote: bool,
    /// Function-word classes of the unit's text (see `word_class`).
    class: u16,
}

#[derive(Default, Clone)]
struct SentenceInfo {
    exclaim: u32,
    question: u32,
    ends_question: bool,
    rhetorical_open: bool,
    /// First unit index of a quote marker in this sentence.
    quote_from: Option<usize>,
    /// Sum of negative valence in this sentence.
    negative: f32,
    /// Sum of positive valence in this sentence.
    positive: f32,
    /// The sentence has a question word (怎么, 为什么, 什么, 哪, 谁, 多久).
    interrogative: bool,
    /// Index of the last non-punctuation unit of the sentence.
    last_word: Option<usize>,
}

#[inline]
pub(crate) fn is_punct_char(c: char) -> bool {
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_ascii_alphanumeric() {
        return false;
    }
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || ('\u{3000}'..='\u{303F}').contains(&c)
        || ('\u{2010}'..='\u{205E}').contains(&c)
        || ('\u{FE30}'..='\u{FE4F}').contains(&c)
        || ('\u{FF00}'..='\u{FF0F}').contains(&c)
        || matches!(c, '·' | '¡' | '¿' | '«' | '»')
}

fn break_of(text: &str) -> Break {
    let mut b = Break::None;
    for c in text.chars() {
        match c {
            '.' | '。' | '!' | '?' | ';' | '\n' | '｡' => return Break::Sentence,
            ',' | '、' | ':' | '~' | '…' | '(' | ')' | '[' | ']' | '【' | '】' | '—' | '-'
            | ' ' | '\t' | '\u{3000}' => b = Break::Clause,
            _ => {}
        }
    }
    b
}

fn emo_idx(e: Emotion) -> usize {
    e as usize
}

struct Mods {
    negators: Vec<usize>,
    degrees: Vec<(usize, f32)>,
    /// The speaker's intent (要/会/准备, or the 就 of a condition) stands before the term.
    intent: bool,
}

impl Mods {
    fn neg_count(&self) -> usize {
        self.negators.len()
    }
    fn degree(&self) -> f32 {
        self.degrees
            .iter()
            .map(|d| d.1)
            .product::<f32>()
            .clamp(0.3, 3.0)
    }
    /// The nearest negator stands left of the nearest degree word: 不太好 (mild).
    fn negated_degree(&self) -> bool {
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
fn scan_back<'a>(units: &[Unit<'a>], k: usize) -> (Mods, Vec<&'a str>) {
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
fn acts_as_degree(units: &[Unit<'_>], k: usize) -> bool {
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

/// Where a cue came from, for the passes after matching.
#[derive(Clone, Copy)]
struct CueCtx {
    sentence: usize,
    unit: usize,
    /// The speaker's intent stands before it (要/会/准备, 就).
    intent: bool,
    /// An institution or role noun (律师, 12315).
    mention: bool,
    /// The term has no emotion or sentiment entry: the cue itself adds valence.
    speaks: bool,
}

impl CueCtx {
    /// A cue made by a pattern or marker, which adds its own valence.
    fn synthetic(sentence: usize, unit: usize) -> Self {
        CueCtx {
            sentence,
            unit,
            intent: false,
            mention: false,
            speaks: false,
        }
    }
}

/// Weight of an institution mention with no threat around it (律师事务所): kept as
/// evidence, below the `low` level.
pub const MENTION_WEIGHT: f32 = 0.05;

/// Speech verbs: with a subject other than the speaker (他说, 我老婆说, 新闻里说) what
/// follows in the sentence is reported speech.
const SPEECH_VERBS: &[&str] = &[
    "说", "讲", "称", "表示", "声称", "说要", "说是", "扬言", "嚷嚷", "喊着",
];
const FIRST_PERSON_WORDS: &[&str] = &[
    "我", "我们", "咱", "咱们", "本人", "俺", "我就", "我也", "我都",
];

/// The speech verb at `k` has a subject in its clause that is not the speaker.
fn reported_subject(units: &[Unit<'_>], k: usize) -> bool {
    let clause = units[k].clause;
    // The subject: the nearest word before the verb that is not a function word.
    match units[..k]
        .iter()
        .rev()
        .take_while(|u| u.clause == clause)
        .filter(|u| !u.is_punct)
        .take(8)
        .find(|u| u.class & FILLER == 0)
    {
        Some(subject) => subject.class & FIRST_PERSON == 0,
        None => false,
    }
}

/// Words that may stand between a speaker and a speech verb (我就说, 他当时还说).
const SPEECH_FILLERS: &[&str] = &[
    "得", "就", "也", "都", "还", "又", "一直", "再", "会", "要", "跟", "对", "和", "已经", "早就",
    "早", "刚", "刚才", "曾", "当时", "之前", "上次", "明明", "气得", "急得", "不是", "没", "也是",
];

/// Negators that deny the speaker's own intent (不用退款): they neutralize even refund
/// cues, where a bare 不/没 usually reports the other side's refusal (不给退款, 没退款).
const INTENT_NEGATORS: &[&str] = &[
    "不用",
    "不需要",
    "不要",
    "不想",
    "不是",
    "无需",
    "不必",
    "并不",
    "并没有",
    "没想",
];

/// An odd number of negators before a cue negates it, as [`negators_deny`] says.
fn cue_negated(cat: CueCategory, neg_texts: &[&str]) -> bool {
    neg_texts.len() % 2 == 1 && negators_deny(cat, neg_texts)
}

/// Whether negators (known to negate) deny a cue of this category: any of them does,
/// except that a refund cue is denied only by one that denies the speaker's intent
/// (不用退款, not 不给退款). Also decides whether a lexicon term inherits the cue it
/// contains (`Lexicon::inherit_cues`).
pub(crate) fn negators_deny(cat: CueCategory, negators: &[&str]) -> bool {
    match cat {
        CueCategory::Refund => negators.iter().any(|t| INTENT_NEGATORS.contains(t)),
        _ => true,
    }
}

struct Acc<'t> {
    valence: f32,
    emo: [f32; 7],
    trace: Option<&'t mut Explanation>,
}

impl Acc<'_> {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        unit: &Unit<'_>,
        norm: &Normalized,
        source: &str,
        base: f32,
        valence: f32,
        emotion: Option<(Emotion, f32)>,
        modifiers: impl FnOnce() -> Vec<String>,
    ) {
        let (start, end) = norm.original_range(unit.ns, unit.ne);
        self.add_at(
            || (unit.text.to_string(), start, end),
            source,
            base,
            valence,
            emotion,
            modifiers,
        );
    }

    /// Add a contribution that no single unit carries (punctuation of a sentence, the
    /// whole utterance); `what` gives its text and original offsets, only when explaining.
    fn add_at(
        &mut self,
        what: impl FnOnce() -> (String, usize, usize),
        source: &str,
        base: f32,
        valence: f32,
        emotion: Option<(Emotion, f32)>,
        modifiers: impl FnOnce() -> Vec<String>,
    ) {
        self.valence += valence;
        if let Some((e, w)) = emotion {
            if e != Emotion::Neutral && w > 0.0 {
                self.emo[emo_idx(e)] += w;
            }
        }
        if let Some(tr) = self.trace.as_deref_mut() {
            let (text, start, end) = what();
            tr.contributions.push(Contribution {
                text,
                start,
                end,
                source: source.to_string(),
                base,
                modifiers: modifiers(),
                valence,
                emotion: emotion.map(|e| e.0),
                emotion_weight: emotion.map_or(0.0, |e| e.1),
            });
        }
    }
}

/// Slices of the original text by char offsets; the byte index is built on first use.
struct OriginalText<'a> {
    text: &'a str,
    char_bytes: Option<Vec<usize>>,
}

impl OriginalText<'_> {
    /// Texts up to this many bytes are walked per slice instead of indexed once.
    const WALK: usize = 256;

    fn slice(&mut self, start: usize, end: usize) -> String {
        let text = self.text;
        let end = end.max(start);
        if text.len() <= Self::WALK && self.char_bytes.is_none() {
            // Short text (nearly all utterances): one walk, no index to allocate.
            let (mut from, mut to) = (text.len(), text.len());
            for (i, (b, _)) in text.char_indices().enumerate() {
                if i == start {
                    from = b;
                }
                if i == end {
                    to = b;
                    break;
                }
            }
            return text[from..to].to_string();
        }
        let idx = self.char_bytes.get_or_insert_with(|| {
            let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            v.push(text.len());
            v
        });
        let b = |i: usize| idx.get(i).copied().unwrap_or(text.len());
        text[b(start)..b(end)].to_string()
    }
}

/// A join's match: end token, text, entry, end char, probe class, end byte.
type Join<'a> = (usize, &'a str, &'a Entry, usize, u16, usize);

/// Extend the join from token `i` token by token while it is still a prefix of some
/// term, keeping the longest join that is a term: one probe per step. Gives the probe of
/// token `i` alone and the match.
#[inline(always)]
fn join<'a>(
    lex: &'a Lexicon,
    text: &'a str,
    toks: &[jieba_rs::Token<'_>],
    i: usize,
) -> (Option<Probe>, Option<Join<'a>>) {
    let t = &toks[i];
    let mut own: Option<Probe> = None;
    let mut matched = None;
    for j in i + 1..=toks.len() {
        let last = &toks[j - 1];
        if last.end - t.start > lex.max_probe_chars {
            break;
        }
        // Spaces and punctuation do not count (i'm so sorry to hear that is 7 words in
        // 13 tokens); checked only for long joins, which are rare.
        if j - i > MAX_JOIN
            && toks[i..j]
                .iter()
                .filter(|t| !text[t.byte_start..t.byte_end].chars().all(is_punct_char))
                .count()
                > MAX_JOIN
        {
            break;
        }
        let slice = &text[t.byte_start..last.byte_end];
        let Some(p) = lex.probe(slice) else {
            let negator = || own.and_then(|p| lex.entry(p)).is_some_and(|e| e.negation);
            if j - i >= 2 && last.end - last.start >= 4 && negator() {
                if let Some(m) = join_into(lex, text, t, last, j - 1) {
                    matched = Some(m);
                }
            }
            break;
        };
        if j == i + 1 {
            own = Some(p);
        }
        if let Some(e) = lex.entry(p) {
            matched = Some((j, slice, e, last.end, p.class, last.byte_end));
        }
        if !p.prefix {
            break;
        }
    }
    (own, matched)
}

/// A negated term that ends inside the token after a join: jieba glued the term's verb
/// to its object (无法 + 解决问题 holds 无法解决, 没有 + 解决方案 holds 没有解决), so the
/// negation found nothing to deny. The join then takes the token's head and leaves the
/// object as a unit of its own. Narrow on purpose: the join starts with a negator, the
/// token is a word the lexicon knows nothing of, and it splits into two words of two chars
/// or more (告诉我们, 网络, 办理 and 身体健康状况 stay whole); the caller checks the first
/// two. `k` is the token's index.
#[cold]
fn join_into<'a>(
    lex: &'a Lexicon,
    text: &'a str,
    first: &jieba_rs::Token<'_>,
    last: &jieba_rs::Token<'_>,
    k: usize,
) -> Option<Join<'a>> {
    let word = &text[last.byte_start..last.byte_end];
    let chars = last.end - last.start;
    if lex.probe(word).is_some_and(|p| p.entry.is_some()) {
        return None;
    }
    for (n, (b, _)) in word
        .char_indices()
        .enumerate()
        .skip(2)
        .take(chars.saturating_sub(3))
    {
        let slice = &text[first.byte_start..last.byte_start + b];
        let Some(p) = lex.probe(slice) else { continue };
        if let Some(e) = lex.entry(p) {
            return Some((
                k + 1,
                slice,
                e,
                last.start + n,
                p.class,
                last.byte_start + b,
            ));
        }
    }
    None
}

/// Split the normalized text into matched units.
fn units<'a>(
    jieba: &Jieba,
    lex: &'a Lexicon,
    norm: &'a Normalized,
    original: &str,
    mut out: Vec<Unit<'a>>,
) -> Vec<Unit<'a>> {
    let text = norm.text.as_str();
    let toks = jieba.cut(text, true);
    out.clear();
    out.reserve(toks.len() + 2);
    let unit = |ns, ne, text, entry, class| Unit {
        ns,
        ne,
        text,
        entry,
        brk: Break::None,
        is_punct: false,
        clause: 0,
        sentence: 0,
        in_quote: false,
        class,
    };
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let word = &text[t.byte_start..t.byte_end];
        if word.chars().all(is_punct_char) {
            // An emoticon made of punctuation (^_^, :), >_<, (╯□╰)) is a term. An ASCII
            // one is typed as such: from full-width or CJK punctuation it is prose
            // (：（一）is no :( ); and a letter that ends one must not run on into a word
            // (地址:d栋). Kaomoji with other symbols (╯□╰, ㄒ) are never prose.
            let emoticon = lex
                .may_start_punct_term(&text[t.byte_start..])
                .then(|| join(lex, text, &toks, i).1)
                .flatten()
                .filter(|m| {
                    let last = m.1.chars().next_back();
                    let next = text[m.5..].chars().next();
                    let runs_on = last.is_some_and(|c| c.is_ascii_alphanumeric())
                        && next.is_some_and(|c| c.is_alphanumeric());
                    let (from, to) = norm.original_range(t.start, m.3);
                    let prose = m.1.is_ascii()
                        && original.chars().skip(from).take(to - from).any(|c| {
                            ('\u{3000}'..='\u{303F}').contains(&c)
                                || ('\u{FF01}'..='\u{FF5E}').contains(&c)
                        });
                    // Never a join that ends inside a word (`join_into`).
                    let whole = m.3 == toks[m.0 - 1].end;
                    !runs_on && !prose && whole
                });
            if let Some((j, slice, e, end, class, _)) = emoticon {
                out.push(unit(t.start, end, slice, Some(e), class));
                i = j;
                continue;
            }
            out.push(Unit {
                brk: break_of(word),
                is_punct: true,
                ..unit(t.start, t.end, word, None, 0)
            });
            i += 1;
            continue;
        }
        let (own, matched) = join(lex, text, &toks, i);
        match matched {
            Some((j, slice, e, end, class, end_byte)) => {
                out.push(unit(t.start, end, slice, Some(e), class));
                // The join ended inside token j - 1 (see `join_into`): the rest of it is a
                // unit of its own.
                let into = &toks[j - 1];
                if end < into.end {
                    let rest = &text[end_byte..into.byte_end];
                    let p = lex.probe(rest);
                    let class = p.map_or_else(|| contact_class(rest), |p| p.class);
                    out.push(unit(
                        end,
                        into.end,
                        rest,
                        p.and_then(|p| lex.entry(p)),
                        class,
                    ));
                }
                i = j;
            }
            None => {
                let split = split_modifier(lex, word)
                    .or_else(|| own.is_none().then(|| split_pronoun(lex, word)).flatten())
                    .or_else(|| split_tail(lex, word));
                if let Some([(head, hp), (tail, tp)]) = split {
                    let hl = head.chars().count();
                    out.push(unit(t.start, t.start + hl, head, lex.entry(hp), hp.class));
                    out.push(unit(t.start + hl, t.end, tail, lex.entry(tp), tp.class));
                } else {
                    let class = own.map_or_else(|| contact_class(word), |p| p.class);
                    out.push(unit(t.start, t.end, word, None, class));
                }
                i += 1;
            }
        }
    }
    out
}

/// First chars of a counted or elapsed-time pattern besides digits and 〇.
static COUNT_STARTS: CjkSet = CjkSet::new("第好零一二两三四五六七八九十百千几多");

/// The word may start a counted or elapsed-time pattern (三次, 第二次, 好几天, 3天): its
/// first char is a numeral, a digit, 第 or 好. Cheap; `leading_number` decides.
#[inline]
fn may_count(s: &str) -> bool {
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

const COUNT_UNITS: &[&str] = &["次", "遍", "回", "趟", "次了", "遍了", "个电话", "通电话"];
const DURATION_UNITS: &[&str] = &[
    "天",
    "日",
    "个月",
    "月",
    "周",
    "个星期",
    "星期",
    "个礼拜",
    "礼拜",
    "小时",
    "个小时",
    "个钟头",
    "分钟",
    "年",
    "个工作日",
    "工作日",
];
const ELAPSED_BEFORE: &[&str] = &[
    "都",
    "已经",
    "快",
    "整整",
    "足足",
    "等了",
    "过了",
    "拖了",
    "都已经",
];
/// Characters of contact verbs (打, 问, 联系, 电话, 催, 反映, 投诉 …): a clause with one of
/// them makes a counted repeat (打了五次) a repeat contact.
static CONTACT_CHARS: CjkSet = CjkSet::new("打问联说催电话映找提申投诉咨沟交重跑修门来");

#[inline]
fn is_contact_char(c: char) -> bool {
    CONTACT_CHARS.contains(c)
}
/// Acknowledgements that accept an answer when they make up a whole clause.
const ACCEPTANCE: &[&str] = &[
    "好的",
    "好",
    "嗯",
    "嗯嗯",
    "恩",
    "恩恩",
    "行",
    "ok",
    "okay",
    "好滴",
    "好嘞",
    "收到",
    "明白了",
    "知道了",
    "了解",
    "明白",
    "可以了",
    "好了",
    "好哒",
    "嗯呢",
    "好的呢",
];
/// Valence of an acknowledgement: mild, below the polarity threshold.
pub const ACCEPTANCE_VALENCE: f32 = 0.08;

/// Valence of a complaint or question ending in 啊/呀 in a customer turn.
pub const EXASPERATION: f32 = -0.05;

/// "Why" words that challenge an answer in a customer turn.
const WHY: &[&str] = &["为什么", "为啥", "干嘛", "干吗", "咋回事"];
/// Valence of a customer's why-question.
pub const CHALLENGE: f32 = -0.08;

/// Question words: with them, a final 呢 makes a question.
const INTERROGATIVES: &[&str] = &[
    "怎么办",
    "怎么回事",
    "怎样",
    "怎么样",
    "什么时候",
    "为何",
    "如何",
    "啥",
    "哪里",
    "哪儿",
    "哪个",
    "干什么",
    "怎么",
    "为什么",
    "为啥",
    "什么",
    "哪",
    "谁",
    "多久",
    "几时",
    "咋",
];

/// Sentence particles that close a negation's scope.
const SCOPE_PARTICLES: &[&str] = &["了", "啦", "吧", "啊", "呢", "哦", "嘛", "呀", "哈", "喔"];

/// Valence of a refusal phrase (没办法, 只能等了) in a customer's mouth.
pub const HELPLESS: f32 = -0.15;

/// Words that start with 不/没 but do not say no.
const NOT_NEGATED_WORDS: &[&str] = &[
    "不管",
    "不仅",
    "不但",
    "不论",
    "不断",
    "不同",
    "不少",
    "不久",
    "没收",
    "不然",
    "不如",
    "不过",
    "不止",
    "不只",
    "不禁",
    "不料",
    "不妨",
    "不免",
    "不时",
    "不外",
    "不论是",
    "不管是",
    "没事",
    "没关系",
    "不客气",
    "不好意思",
    "不要紧",
    "没什么",
];

// Function-word classes: one hash lookup per unit instead of scanning word lists.
const PARTICLE: u16 = 1;
const FILLER: u16 = 1 << 1;
const FIRST_PERSON: u16 = 1 << 2;
const SPEECH: u16 = 1 << 3;
const NOT_NEGATED: u16 = 1 << 4;
const ACCEPT: u16 = 1 << 5;
const AFFIRM: u16 = 1 << 6;
const INTERROGATIVE: u16 = 1 << 7;
const WHY_WORD: u16 = 1 << 8;
const ELAPSED: u16 = 1 << 9;
const CONTACT: u16 = 1 << 10;

/// The function-word lists and their class flags.
const CLASS_LISTS: [(&[&str], u16); 10] = [
    (SCOPE_PARTICLES, PARTICLE),
    (SPEECH_FILLERS, FILLER),
    (FIRST_PERSON_WORDS, FIRST_PERSON),
    (SPEECH_VERBS, SPEECH),
    (NOT_NEGATED_WORDS, NOT_NEGATED),
    (ACCEPTANCE, ACCEPT),
    (AFFIRMATIONS, AFFIRM),
    (INTERROGATIVES, INTERROGATIVE),
    (WHY, WHY_WORD),
    (ELAPSED_BEFORE, ELAPSED),
];

/// Every word of the function-word lists: the lexicon's probe table holds them, so that
/// the lookup that matches a token also gives its classes.
pub(crate) fn function_words() -> impl Iterator<Item = &'static str> {
    CLASS_LISTS
        .into_iter()
        .flat_map(|(list, _)| list.iter().copied())
}

/// The function-word classes of a word (0 for most words). The scorer reads them from
/// the units (their probes); this is what the probes are built from.
pub(crate) fn word_class(word: &str) -> u16 {
    let mut class = 0;
    for (list, flag) in CLASS_LISTS {
        if list.contains(&word) {
            class |= flag;
        }
    }
    class | contact_class(word)
}

/// [`CONTACT`] when the word has a contact verb char, the only class a word outside the
/// function-word lists can have.
#[inline]
fn contact_class(word: &str) -> u16 {
    if word.chars().any(is_contact_char) {
        CONTACT
    } else {
        0
    }
}

/// A negator unit with no meaning of its own (没有, 不是); whether it negated a term is
/// tracked separately.
fn is_bare_negator(u: &Unit<'_>) -> bool {
    u.entry
        .is_some_and(|e| e.negation && !e.is_content() && !e.neutral)
}

/// A word the lexicons do not know that starts with 不/没 and says no (没货, 没法, 不知).
fn is_negated_word(u: &Unit<'_>) -> bool {
    u.entry.is_none()
        && (2..=3).contains(&u.text.chars().count())
        && (u.text.starts_with('不') || u.text.starts_with('没'))
        && u.class & NOT_NEGATED == 0
}

/// Potential complements of failure: 申请不了, 找不到, 打不开, 登不上.
const INABILITY: &[&str] = &[
    "不了",
    "不到",
    "不上",
    "不开",
    "不通",
    "不出",
    "不动",
    "不进去",
    "不进",
    "不下来",
    "不回来",
    "不过来",
    "不着",
];
/// Valence of an inability (申请不了) in a customer turn.
pub const INABILITY_VALENCE: f32 = -0.2;
const AFFIRMATIONS: &[&str] = &["好好", "行行", "是是", "对对", "嗯嗯", "知道知道"];

/// Per clause, for `patterns`: words other than particles, and whether a contact verb
/// (打, 问, 联系 …) is among them.
#[derive(Clone, Copy, Default)]
struct ClauseInfo {
    words: usize,
    contact: bool,
}

/// Patterns no lexicon lists: impatient repeated affirmation (好好好好), counted repeat
/// contact (第三次, 打了五次), elapsed time (都三天了). They add customer cues and
/// valence, and consume their units.
#[allow(clippy::too_many_arguments)]
fn patterns(
    units: &[Unit<'_>],
    norm: &Normalized,
    original: &mut OriginalText<'_>,
    acc: &mut Acc<'_>,
    cues: &mut Vec<Cue>,
    cue_ctx: &mut Vec<CueCtx>,
    consumed: &mut [bool],
    clause_info: &mut Vec<ClauseInfo>,
) {
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
    let next_word = |k: usize| units.get(k + 1).filter(|u| !u.is_punct).map(|u| u.text);
    let prev_unit = |k: usize| {
        k.checked_sub(1)
            .and_then(|p| units.get(p))
            .filter(|u| !u.is_punct && u.clause == units[k].clause)
    };
    for k in 0..units.len() {
        let u = &units[k];
        if u.is_punct || consumed[k] {
            continue;
        }
        let mut found: Option<(CueCategory, u8, usize, f32, &str)> = None;
        // Only this word and particles in its clause.
        let alone_in_clause = clause_info[u.clause].words == 1;
        if u.class & ACCEPT != 0 && alone_in_clause && norm.extra_repeats(u.ns, u.ne) == 0 {
            // 好的 / 嗯 / 收到 as a whole clause: the customer accepts the answer.
            consumed[k] = true;
            acc.add(
                u,
                norm,
                "pattern",
                ACCEPTANCE_VALENCE,
                ACCEPTANCE_VALENCE,
                None,
                || vec!["acknowledgement: accepts the answer".into()],
            );
            continue;
        }
        if u.class & AFFIRM != 0 && norm.extra_repeats(u.ns, u.ne) > 0 {
            found = Some((
                CueCategory::Impatience,
                1,
                k,
                -0.3,
                "repeated affirmation: impatient",
            ));
        } else if may_count(u.text) {
            // The numeral may be glued to its unit (三次) or split from it (十几 个电话).
            let (text, last): (std::borrow::Cow<'_, str>, usize) = match next_word(k) {
                Some(n) if leading_number(u.text).is_some_and(|(_, r)| r.is_empty()) => {
                    (format!("{}{}", u.text, n).into(), k + 1)
                }
                _ => (u.text.into(), k),
            };
            let (ordinal, body) = match text.strip_prefix('第') {
                Some(b) => (true, b),
                None => (false, text.strip_prefix('好').unwrap_or(&text)),
            };
            if let Some((n, rest)) = leading_number(body) {
                let contact = clause_info[u.clause].contact;
                if n >= 2 && COUNT_UNITS.contains(&rest) && (ordinal || contact) {
                    let sev = if n >= 3 { 3 } else { 2 };
                    found = Some((
                        CueCategory::RepeatContact,
                        sev,
                        last,
                        -0.1 * sev as f32,
                        "counted repeat",
                    ));
                } else if n >= 1
                    && DURATION_UNITS.contains(&rest)
                    && !ordinal
                    && (next_word(last).is_some_and(|w| w.starts_with('了'))
                        || prev_unit(k).is_some_and(|w| w.class & ELAPSED != 0))
                {
                    found = Some((CueCategory::Impatience, 2, last, -0.2, "elapsed time"));
                }
            }
        }
        if found.is_none() && u.entry.is_none() && u.text.contains('不') {
            // Glued (申请不了) or split after a verb in its clause (申请 / 不了).
            let after_verb = prev_unit(k).is_some();
            if let Some(ending) = INABILITY.iter().find(|e| {
                u.text.ends_with(*e) && (u.text.chars().count() > e.chars().count() || after_verb)
            }) {
                // 申请不了 / 找不到 / 打不开: the customer cannot get something done.
                consumed[k] = true;
                acc.add(
                    u,
                    norm,
                    "pattern",
                    INABILITY_VALENCE,
                    INABILITY_VALENCE,
                    Some((Emotion::Disgust, 0.15)),
                    || vec![format!("inability (…{ending})")],
                );
                continue;
            }
        }
        if found.is_none() && u.entry.is_none() {
            // A word the lexicons do not know that starts with a negator (没货, 没法, 不知):
            // like a bare negation, it says no.
            if is_negated_word(u) {
                consumed[k] = true;
                acc.add(u, norm, "pattern", DISAGREEMENT, DISAGREEMENT, None, || {
                    vec!["negated word: says no".into()]
                });
                continue;
            }
        }
        let Some((cat, sev, last, v, what)) = found else {
            continue;
        };
        for c in consumed.iter_mut().take(last + 1).skip(k) {
            *c = true;
        }
        let (start, end) = norm.original_range(u.ns, units[last].ne);
        let emo = if cat == CueCategory::Impatience && sev == 1 {
            (Emotion::Anger, 0.3)
        } else {
            (Emotion::Anger, 0.1 * sev as f32)
        };
        acc.add(u, norm, "pattern", v, v, Some(emo), || {
            vec![what.to_string()]
        });
        cue_ctx.push(CueCtx::synthetic(u.sentence, k));
        cues.push(Cue {
            category: cat,
            text: original.slice(start, end),
            start,
            end,
            severity: sev,
            weight: CUE_WEIGHT[sev as usize],
            negated: false,
            quoted: false,
        });
    }
}

/// FNV hashes of the char bigrams of the text's words (no punctuation), in text order, at
/// most 64 of them. The roll-up sorts and dedups them when it compares turns, so that
/// `score` (which never rolls up) does not pay for it.
fn sketch(text: &str) -> Vec<u32> {
    let mut hashes = [0u32; 64];
    let mut n = 0;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if is_punct_char(c) {
            continue;
        }
        if let Some(p) = prev {
            let mut h: u32 = 0x811c_9dc5;
            h ^= p as u32;
            h = h.wrapping_mul(0x0100_0193);
            h ^= c as u32;
            h = h.wrapping_mul(0x0100_0193);
            hashes[n] = h;
            n += 1;
            if n == hashes.len() {
                break;
            }
        }
        prev = Some(c);
    }
    hashes[..n].to_vec()
}

/// Unit `k` opens a request: more words follow it in its clause, and they are not just a
/// particle (麻烦您帮我查一下 vs 太麻烦了).
fn opens_request(units: &[Unit<'_>], k: usize) -> bool {
    let clause = units[k].clause;
    units[k + 1..]
        .iter()
        .take_while(|u| u.clause == clause && !u.is_punct)
        .any(|u| {
            !matches!(
                u.text,
                "了" | "啦" | "死" | "死了" | "的" | "啊" | "呀" | "吧"
            )
        })
}

/// A word the segmenter glued from a modifier and a content term (很快, 太坑, 不准时,
/// 好烦): split it into its head (degree adverb or negator) and its tail (content term),
/// each with its probe.
fn split_modifier<'w>(lex: &Lexicon, word: &'w str) -> Option<[(&'w str, Probe); 2]> {
    if !word
        .chars()
        .next()
        .is_some_and(|c| lex.may_start_modifier(c))
    {
        return None;
    }
    let mut it = word.char_indices().skip(1);
    for _ in 0..2 {
        let (b, _) = it.next()?;
        let (head, tail) = word.split_at(b);
        let Some((hp, bare)) = lex.probe(head).and_then(|p| {
            let e = lex.entry(p)?;
            // 好 of 好烦 is a degree adverb with a valence of its own (好, 嘎嘎): it splits
            // off only before a clearly emotional word, where it works as the adverb.
            let adverb = e.is_sentiment_adverb() && !e.negation && tail != head;
            (e.is_bare_modifier() || adverb).then_some((p, e.is_bare_modifier()))
        }) else {
            continue;
        };
        if let Some(tp) = lex.probe(tail).filter(|p| {
            lex.entry(*p).is_some_and(|e| {
                !e.neutral
                    && if bare {
                        e.is_content()
                    } else {
                        e.emotion.is_some_and(|(_, i, _)| i >= 0.5)
                            || e.sentiment.is_some_and(|v| v.abs() >= 0.5)
                    }
            })
        }) {
            return Some([(head, hp), (tail, tp)]);
        }
    }
    None
}

/// A word jieba's HMM glued from a pronoun and a one-char term it did not know as a word
/// (我怕, 我烦, 我晕: 我 + 怕): split it back. Only for a word the lexicon knows nothing of,
/// so 您好 and 你好 stay whole.
fn split_pronoun<'w>(lex: &Lexicon, word: &'w str) -> Option<[(&'w str, Probe); 2]> {
    let mut cs = word.char_indices();
    let (_, first) = cs.next()?;
    let (b, _) = cs.next()?;
    if cs.next().is_some() || !matches!(first, '我' | '你' | '您' | '他' | '她' | '它' | '咱')
    {
        return None;
    }
    let (head, tail) = word.split_at(b);
    // A pronoun the lexicon has no probe for is a plain word.
    let hp = lex.probe(head).unwrap_or_default();
    let tp = lex
        .probe(tail)
        .filter(|p| lex.entry(*p).is_some_and(|e| e.is_content() && !e.neutral))?;
    Some([(head, hp), (tail, tp)])
}

/// A word jieba made of a head and a negative term or a formal cue (又坏了, 网络故障,
/// 出现异常, 中国消费者协会): split the term off, the longest one. The head may be any
/// word of two chars or more, or a one-char term; the tail is two chars or more and says
/// something bad or names a body to complain to — a positive tail is left in its word
/// (信息安全 is a topic, not praise).
fn split_tail<'w>(lex: &Lexicon, word: &'w str) -> Option<[(&'w str, Probe); 2]> {
    if word.len() < 9 || word.is_ascii() {
        return None;
    }
    for (b, c) in word.char_indices().skip(1) {
        let tail = &word[b..];
        if tail.len() == c.len_utf8() {
            break;
        }
        if !lex.may_start_tail(c) {
            continue;
        }
        let Some(tp) = lex.probe(tail) else { continue };
        if !lex.entry(tp).is_some_and(Entry::splits_off_as_tail) {
            continue;
        }
        let head = &word[..b];
        let hp = lex.probe(head).unwrap_or_default();
        // A one-char head only when it is a term itself (又 + 坏了; not 透 + 心凉 of a cold
        // drink, 尽 + 量少 of 尽量少放辣), and never the A of an A-not-A question (行不行).
        let one_char = b == head.chars().next().map_or(0, char::len_utf8);
        if (one_char && lex.entry(hp).is_none()) || tail.strip_prefix(['不', '没']) == Some(head)
        {
            return None;
        }
        return Some([(head, hp), (tail, tp)]);
    }
    None
}

fn describe(e: &Entry) -> Vec<String> {
    let mut v = Vec::new();
    if let Some((l, i, val)) = e.emotion {
        v.push(format!("emotion:{l}:{i:.2}:{val:+.2}"));
    }
    if let Some(s) = e.sentiment {
        v.push(format!("sentiment:{s:+.2}"));
    }
    if let Some(d) = e.degree {
        v.push(format!("degree:{d:.2}"));
    }
    if e.negation {
        v.push("negation".into());
    }
    if let Some(c) = e.contrast {
        v.push(format!(
            "contrast:{}",
            if c == ContrastRole::Before {
                "before"
            } else {
                "after"
            }
        ));
    }
    if let Some(m) = e.marker {
        v.push(format!("marker:{m:?}").to_lowercase());
    }
    if let Some((c, s)) = e.escalation {
        v.push(format!("escalation:{c}:{s}"));
    }
    if let Some((c, s)) = e.agent {
        v.push(format!("agent:{}:{c}:{s}", c.kind()));
    }
    if e.neutral {
        v.push("neutral".into());
    }
    v
}

/// Per-thread buffers that `analyze` reuses from one utterance to the next instead of
/// allocating them each time (about six allocations per utterance).
#[derive(Default)]
struct Scratch {
    norm: Normalized,
    /// Always empty between calls: only its allocation is kept.
    units: Vec<Unit<'static>>,
    sentences: Vec<SentenceInfo>,
    clause_roles: Vec<Option<ContrastRole>>,
    marks: Vec<bool>,
    clause_info: Vec<ClauseInfo>,
}

impl Scratch {
    /// Drop buffers a very long utterance left large, so that a thread does not keep
    /// megabytes for the rest of the run.
    fn trim(&mut self) {
        const KEEP: usize = 1 << 14;
        if self.norm.text.capacity() > 4 * KEEP || self.norm.spans.capacity() > KEEP {
            self.norm = Normalized::default();
        }
        if self.units.capacity() > KEEP {
            self.units = Vec::new();
        }
        if self.sentences.capacity() > KEEP || self.clause_roles.capacity() > KEEP {
            self.sentences = Vec::new();
            self.clause_roles = Vec::new();
        }
        if self.marks.capacity() > 2 * KEEP || self.clause_info.capacity() > KEEP {
            self.marks = Vec::new();
            self.clause_info = Vec::new();
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// An empty vector of units of any lifetime in the allocation of `v` (emptied first):
/// collecting a by-value iterator into a vector of a same-sized type reuses its buffer.
fn recycle<'a, 'b>(mut v: Vec<Unit<'a>>) -> Vec<Unit<'b>> {
    v.clear();
    v.into_iter()
        .map(|_| unreachable!("the vector was cleared"))
        .collect()
}

/// See [`crate::Analyzer::matches_as_one_term`].
pub(crate) fn matches_as_one_term(jieba: &Jieba, lex: &Lexicon, term: &str) -> bool {
    let norm = crate::normalize::normalize(term.trim());
    let chars = norm.text.chars().count();
    chars > 0
        && units(jieba, lex, &norm, term.trim(), Vec::new())
            .iter()
            .any(|u| u.entry.is_some() && u.ns == 0 && u.ne == chars)
}

/// Analyze one utterance; fill `trace` when given.
pub(crate) fn analyze(
    jieba: &Jieba,
    lex: &Lexicon,
    text: &str,
    speaker: Speaker,
    trace: Option<&mut Explanation>,
) -> UtteranceAnalysis {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let a = analyze_with(jieba, lex, text, speaker, trace, &mut scratch);
            scratch.trim();
            a
        }
        // Not reentrant in practice; a fresh scratch keeps it correct if it ever is.
        Err(_) => analyze_with(jieba, lex, text, speaker, trace, &mut Scratch::default()),
    })
}

fn analyze_with(
    jieba: &Jieba,
    lex: &Lexicon,
    text: &str,
    speaker: Speaker,
    trace: Option<&mut Explanation>,
    scratch: &mut Scratch,
) -> UtteranceAnalysis {
    let Scratch {
        norm,
        units: units_buf,
        sentences,
        clause_roles,
        marks,
        clause_info,
    } = scratch;
    normalize_into(text, norm);
    let norm = &*norm;
    let mut units = units(jieba, lex, norm, text, recycle(std::mem::take(units_buf)));

    // --- structure: clauses, sentences, quotes, contrast, markers ---
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
            if matches!(u.text, "吗" | "么" | "嘛") {
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
                if let Some(role) = e.contrast {
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
            if units[k].class & SPEECH != 0 && !promised && reported_subject(&units, k) {
                sentences[sentence].quote_from.get_or_insert(k);
            }
        }
        match units[k].brk {
            Break::None => {}
            Break::Clause => {
                clause += 1;
                clause_roles.push(None);
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
    let last_after = clause_roles
        .iter()
        .rposition(|r| *r == Some(ContrastRole::After));
    let (w_before, w_after, w_concessive) = CONTRAST_WEIGHTS;
    let clause_weight = |c: usize| -> f32 {
        match last_after {
            Some(a) if c < a => w_before,
            Some(_) => w_after,
            None if clause_roles[c] == Some(ContrastRole::Before) => w_concessive,
            None => 1.0,
        }
    };

    let mut acc = Acc {
        valence: 0.0,
        emo: [0.0; 7],
        trace,
    };
    if let Some(tr) = acc.trace.as_deref_mut() {
        tr.normalized = norm.text.clone();
        tr.tokens = units
            .iter()
            .map(|u| {
                let (start, end) = norm.original_range(u.ns, u.ne);
                ExplainToken {
                    text: u.text.to_string(),
                    start,
                    end,
                    lexicon: u.entry.map(describe).unwrap_or_default(),
                }
            })
            .collect();
    }

    let customer_side = speaker != Speaker::Agent;
    let tracing = acc.trace.is_some();
    let mut original = OriginalText {
        text,
        char_bytes: None,
    };
    let mut cues: Vec<Cue> = Vec::new();
    let mut agent: Vec<AgentMatch> = Vec::new();
    let mut total_emphasis = 0u32;
    // Per unit, in one allocation: consumed by a pattern (好好好, 第三次, 三天了) before
    // lexicon scoring; a negator that negated a term.
    marks.clear();
    marks.resize(2 * units.len(), false);
    let (consumed, used_negator) = marks.split_at_mut(units.len());
    // Per cue, in push order.
    let mut cue_ctx: Vec<CueCtx> = Vec::new();
    let agent_encouraged = speaker == Speaker::Agent
        && units.iter().any(|u| {
            u.entry
                .and_then(|e| e.agent)
                .is_some_and(|(c, _)| c.kind() == AgentKind::Encouraged)
        });
    if customer_side {
        patterns(
            &units,
            norm,
            &mut original,
            &mut acc,
            &mut cues,
            &mut cue_ctx,
            consumed,
            clause_info,
        );
    }

    for k in 0..units.len() {
        let u = &units[k];
        let Some(e) = u.entry else { continue };
        if u.is_punct || consumed[k] {
            continue;
        }
        if e.neutral {
            // A look-alike (系统升级, 没问题) says nothing, but an agent's 您好 still counts.
            if let (Some((cat, sev)), Speaker::Agent) = (e.agent, speaker) {
                let (start, end) = norm.original_range(u.ns, u.ne);
                agent.push(AgentMatch {
                    kind: cat.kind(),
                    category: cat,
                    text: original.slice(start, end),
                    start,
                    end,
                    severity: sev,
                    negated: false,
                });
            }
            continue;
        }
        let s = &sentences[u.sentence];
        let quoted = u.in_quote || s.quote_from.is_some_and(|q| q < k);
        let rhetorical = s.rhetorical_open && s.ends_question;
        let repeats = norm.extra_repeats(u.ns, u.ne);
        total_emphasis += repeats;

        // Markers that carry meaning by themselves.
        if let Some(m) = e.marker {
            let qf = if quoted { 0.5 } else { 1.0 };
            let confrontational =
                m == MarkerKind::Rhetorical || (m == MarkerKind::RhetoricalOpen && s.ends_question);
            if confrontational && customer_side && e.escalation.is_none() {
                // A confrontational question (凭什么, 难道…吗) is a dissatisfaction cue.
                let (start, end) = norm.original_range(u.ns, u.ne);
                let weight = CUE_WEIGHT[2] * if quoted { QUOTED_FACTOR } else { 1.0 };
                cues.push(Cue {
                    category: CueCategory::Dissatisfaction,
                    text: original.slice(start, end),
                    start,
                    end,
                    severity: 2,
                    weight,
                    negated: false,
                    quoted,
                });
                cue_ctx.push(CueCtx::synthetic(u.sentence, k));
            }
            match m {
                MarkerKind::Rhetorical => acc.add(
                    u,
                    norm,
                    "marker",
                    -0.35,
                    -0.35 * qf,
                    Some((Emotion::Anger, 0.45 * qf)),
                    || vec!["rhetorical question".into()],
                ),
                MarkerKind::RhetoricalOpen if s.ends_question => acc.add(
                    u,
                    norm,
                    "marker",
                    -0.25,
                    -0.25 * qf,
                    Some((Emotion::Anger, 0.3 * qf)),
                    || vec!["rhetorical question (…吗/？)".into()],
                ),
                MarkerKind::Irony => acc.add(
                    u,
                    norm,
                    "marker",
                    -0.3,
                    -0.3 * qf,
                    Some((Emotion::Disgust, 0.45 * qf)),
                    || vec!["irony".into()],
                ),
                _ => {}
            }
        }
        // 好 of 好麻烦 only strengthens the term after it (unless a pattern took that).
        if !e.is_content() || (acts_as_degree(&units, k) && !consumed[k + 1]) {
            continue;
        }
        let (mods, neg_texts) = scan_back(&units, k);
        for &n in &mods.negators {
            used_negator[n] = true;
        }
        let odd = mods.neg_count() % 2 == 1;
        let cw = clause_weight(u.clause);
        let emph = (1.0 + 0.1 * s.exclaim.min(4) as f32) * (1.0 + 0.1 * repeats.min(3) as f32);

        // --- emotion / sentiment ---
        let base = match (e.emotion, e.sentiment) {
            (Some((_, _, v)), _) if v != 0.0 => Some(v),
            (_, Some(v)) => Some(v),
            (Some(_), None) => Some(0.0),
            (None, None) => None,
        };
        let polite = e.marker == Some(MarkerKind::Polite)
            && mods.neg_count() == 0
            && mods.degrees.is_empty()
            && opens_request(&units, k);
        if polite {
            acc.add(u, norm, "marker", base.unwrap_or(0.0), 0.0, None, || {
                vec!["polite request opener: not sentiment".into()]
            });
        }
        if let (Some(base), false) = (base, polite) {
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
                    (Emotion::Disgust, 0.5 * -base)
                } else {
                    (Emotion::Joy, 0.5 * base)
                });
            }
            if mods.neg_count() == 0 {
                if d != 1.0 {
                    note!("degree ×{d:.2}");
                }
                v *= d;
                emo = emo.map(|(l, i)| (l, i * d));
            } else if odd {
                let negs = neg_texts.join("/");
                if mods.negated_degree() {
                    // 不太好: negation of a degree phrase is mild.
                    let f = if v > 0.0 { -0.45 } else { -0.3 };
                    note!("negated degree by {negs} (×{f})");
                    v *= f;
                } else {
                    let f = if v > 0.0 { -0.75 } else { -0.2 };
                    note!("negated by {negs} (×{f})");
                    if d != 1.0 {
                        note!("degree before negation ×{d:.2}");
                    }
                    v *= f * d;
                }
                emo = emo.and_then(|(l, i)| match l {
                    Emotion::Joy | Emotion::Gratitude => Some((Emotion::Sadness, 0.5 * i)),
                    _ => None,
                });
            } else {
                note!("double negation {} (×0.5)", neg_texts.join("/"));
                v *= 0.5 * d;
                emo = emo.map(|(l, i)| (l, 0.5 * i));
            }
            let mut f = cw * emph;
            if cw != 1.0 {
                note!("contrast clause ×{cw}");
            }
            if emph != 1.0 {
                note!("emphasis ×{emph:.2}");
            }
            if quoted {
                f *= 0.5;
                note!("quoted ×0.5");
            }
            v *= f;
            emo = emo.map(|(l, i)| (l, i * f));
            if v > 0.0 && s.ends_question && !rhetorical && !irony {
                // 解决了吗 / 满意吗: asked, not asserted.
                note!("questioned, not asserted (×0.25)");
                v *= 0.25;
                emo = emo.map(|(l, i)| (l, i * 0.25));
            }
            if v < 0.0 && speaker == Speaker::Agent {
                // An agent naming the customer's trouble (换谁都会着急, 丢失的包裹) is not
                // the agent's own negativity, least of all next to empathy or ownership.
                let f = if agent_encouraged { 0.0 } else { 0.3 };
                note!("agent describes the customer's trouble (×{f})");
                v *= f;
                emo = emo.filter(|_| f > 0.0).map(|(l, i)| (l, i * f));
            }
            if v > 0.0 && (rhetorical || irony) {
                note!(
                    "{} flips (×-0.6)",
                    if rhetorical {
                        "rhetorical question"
                    } else {
                        "irony"
                    }
                );
                v *= -0.6;
                emo = emo.map(|(_, i)| (Emotion::Disgust, i * 0.6));
            }
            let source = if e.emotion.is_some() {
                "emotion"
            } else {
                "sentiment"
            };
            acc.add(u, norm, source, base, v, emo, move || notes);
            if v < 0.0 {
                sentences[u.sentence].negative -= v;
            } else {
                sentences[u.sentence].positive += v;
            }
        }

        // --- customer escalation cues ---
        if let (Some((cat, lex_sev)), true) = (e.escalation, customer_side) {
            let negated = cue_negated(cat, &neg_texts);
            // 我要投诉 / 准备去举报: the speaker's own intent makes a threat one level firmer.
            let sev = if mods.intent && cat.is_formal() && !negated {
                (lex_sev + 1).min(5)
            } else {
                lex_sev
            };
            let mut weight = CUE_WEIGHT[sev as usize];
            if negated {
                weight = 0.0;
            } else if quoted {
                weight *= QUOTED_FACTOR;
            }
            let (start, end) = norm.original_range(u.ns, u.ne);
            cue_ctx.push(CueCtx {
                sentence: u.sentence,
                unit: k,
                intent: mods.intent,
                mention: e.mention,
                speaks: base.is_none(),
            });
            cues.push(Cue {
                category: cat,
                text: original.slice(start, end),
                start,
                end,
                severity: sev,
                weight,
                negated,
                quoted: quoted && !negated,
            });
        }

        // A customer saying an agent's refusal (没办法, 不知道, 只能等了): helplessness.
        if let (Some((cat, _)), true) = (e.agent, customer_side) {
            if cat.kind() == AgentKind::Prohibited
                && base.is_none()
                && e.escalation.is_none()
                && !odd
            {
                acc.add(
                    u,
                    norm,
                    "agent",
                    HELPLESS,
                    HELPLESS,
                    Some((Emotion::Sadness, 0.1)),
                    || vec!["customer echoes a refusal: helplessness".into()],
                );
                sentences[u.sentence].negative -= HELPLESS;
            }
        }

        // --- agent phrases ---
        if let (Some((cat, sev)), Speaker::Agent) = (e.agent, speaker) {
            let negated = odd;
            let (start, end) = norm.original_range(u.ns, u.ne);
            agent.push(AgentMatch {
                kind: cat.kind(),
                category: cat,
                text: original.slice(start, end),
                start,
                end,
                severity: sev,
                negated,
            });
            if !negated && base.is_none() {
                let (v, emo) = match cat {
                    AgentCategory::Hostile | AgentCategory::Abuse => {
                        (-0.45, Some((Emotion::Anger, 0.4)))
                    }
                    AgentCategory::Shirking | AgentCategory::Refusal | AgentCategory::Stonewall => {
                        (-0.25, Some((Emotion::Disgust, 0.2)))
                    }
                    AgentCategory::Empathy
                    | AgentCategory::Apology
                    | AgentCategory::Ownership
                    | AgentCategory::Followup => (0.1, None),
                    AgentCategory::Courtesy => (0.05, None),
                    _ => (0.0, None),
                };
                if v != 0.0 {
                    acc.add(u, norm, "agent", v, v, emo, Vec::new);
                }
            }
        }
    }

    // --- institution mentions (律师事务所, 12315这个号码) are threats only in context ---
    let mut threat_in_sentence = vec![false; if cues.is_empty() { 0 } else { sentences.len() }];
    for (c, y) in cues.iter().zip(&cue_ctx) {
        if !y.mention && c.category.is_formal() && c.is_active() {
            threat_in_sentence[y.sentence] = true;
        }
    }
    for i in 0..cues.len() {
        let x = cue_ctx[i];
        if !x.mention || x.intent || !cues[i].is_active() {
            continue;
        }
        if !threat_in_sentence[x.sentence] {
            cues[i].severity = 1;
            cues[i].weight = MENTION_WEIGHT;
        }
    }
    // --- what cues with no emotion entry of their own say ---
    for (c, x) in cues.iter().zip(&cue_ctx) {
        if !x.speaks || c.weight <= MENTION_WEIGHT {
            continue;
        }
        let sevf = c.severity as f32 * c.weight / CUE_WEIGHT[c.severity as usize];
        let (label, v) = match c.category {
            CueCategory::Urgency => (Emotion::Anxiety, -0.05 * sevf),
            CueCategory::Churn => (Emotion::Disgust, -0.08 * sevf),
            CueCategory::Supervisor => (Emotion::Anger, -0.03 * sevf),
            // Asking for a refund is business; the anger is in other words.
            CueCategory::Refund => (Emotion::Anger, -0.04 * sevf),
            CueCategory::Impatience | CueCategory::RepeatContact => (Emotion::Anger, -0.1 * sevf),
            _ => (Emotion::Anger, -0.08 * sevf),
        };
        let u = &units[x.unit];
        acc.add(
            u,
            norm,
            "escalation",
            v,
            v,
            Some((label, 0.1 * sevf)),
            Vec::new,
        );
        sentences[u.sentence].negative -= v;
    }
    cues.sort_by_key(|c| (c.start, c.end));

    // --- a customer's bare negation (没有 / 不是 / 不行) and open questions: in a service
    // dialogue they signal disagreement and an unresolved issue ---
    if customer_side {
        for (k, u) in units.iter().enumerate() {
            if is_bare_negator(u) && !used_negator[k] {
                acc.add(
                    u,
                    norm,
                    "negation",
                    DISAGREEMENT,
                    DISAGREEMENT,
                    None,
                    || vec!["bare negation: disagreement".into()],
                );
            }
        }
    }
    // An agent who says no (不支持, 没办法, 无法 …): counted for the roll-up.
    let mut refusals = 0u8;
    if speaker == Speaker::Agent && !agent_encouraged {
        for (k, u) in units.iter().enumerate() {
            if (is_bare_negator(u) && !used_negator[k]) || is_negated_word(u) {
                refusals = refusals.saturating_add(1);
            }
        }
    }
    refusals = refusals.saturating_add(
        agent
            .iter()
            .filter(|m| !m.negated && m.category == AgentCategory::Refusal)
            .count()
            .min(255) as u8,
    );
    if customer_side {
        // A complaint or question that ends in 啊/呀 (电话没人接啊): exasperation.
        for st in sentences.iter() {
            let Some(last) = st.last_word else { continue };
            let u = &units[last];
            if matches!(u.text, "啊" | "呀" | "嘛")
                && (st.negative > 0.0 || st.ends_question || st.interrogative)
            {
                acc.add(u, norm, "pattern", EXASPERATION, EXASPERATION, None, || {
                    vec!["final 啊 on a complaint or question: exasperation".into()]
                });
            }
        }
        // "Why" questions challenge the agent's answer (为什么要手机号码).
        for u in units.iter() {
            if !u.is_punct && u.entry.is_none() && u.class & WHY_WORD != 0 {
                acc.add(u, norm, "pattern", CHALLENGE, CHALLENGE, None, || {
                    vec!["why-question: challenges the answer".into()]
                });
            }
        }
        let open = sentences.iter().filter(|s| s.ends_question).count();
        if open > 0 {
            let v = OPEN_QUESTION * open.min(3) as f32;
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

    // --- an utterance of bare ？ or …… : confusion, speechlessness ---
    if customer_side && units.iter().all(|u| u.is_punct) {
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
                -0.2,
                Some((Emotion::Disgust, 0.25)),
                || vec!["only ？ / …… : confusion or speechlessness".into()],
            );
        }
    }

    // --- sentence punctuation: ？？, ？！ and ！！ ---
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
                    (Emotion::Surprise, 0.2),
                    "？？ after good news: surprise",
                )
            } else {
                continue;
            }
        } else if customer_side {
            if loud_question {
                (
                    -0.15,
                    (Emotion::Anger, 0.25),
                    "？？ / ？！ in a complaint: impatience",
                )
            } else {
                (
                    -0.1,
                    (Emotion::Anger, 0.2),
                    "！！ without praise: agitation",
                )
            }
        } else if st.negative > 0.0 {
            (-0.1, (Emotion::Anger, 0.2), "emphatic punctuation")
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

    // --- aggregate ---
    let s = acc.valence;
    let valence = if s == 0.0 {
        0.0
    } else {
        (s / (s * s + 1.0).sqrt()).clamp(-1.0, 1.0)
    };
    let polarity = if valence > POLARITY_THRESHOLD {
        Polarity::Positive
    } else if valence < -POLARITY_THRESHOLD {
        Polarity::Negative
    } else {
        Polarity::Neutral
    };
    let mass: f32 = acc.emo.iter().sum();
    let denom = mass + NEUTRAL_MASS;
    let mut arr = [0f32; 8];
    for (i, v) in acc.emo.iter().enumerate() {
        arr[i] = v / denom;
    }
    arr[7] = NEUTRAL_MASS / denom;
    let emotions = EmotionScores::from_array(arr);
    let emotion = emotions.dominant();
    let exclaim: u32 = sentences.iter().map(|s| s.exclaim).sum();
    let emphasis = 1.0 + 0.1 * (exclaim + total_emphasis).min(4) as f32;
    let intensity =
        ((0.6 * valence.abs() + 0.4 * (1.0 - emotions.neutral)) * emphasis).clamp(0.0, 1.0);

    let escalation = if customer_side {
        // The strongest cue counts in full, the others at CUE_DAMPING of their weight:
        // two medium cues make a high risk, but only a critical cue makes a critical one.
        let strongest = cues
            .iter()
            .enumerate()
            .fold(None::<(usize, f32)>, |b, (i, c)| match b {
                Some((_, w)) if w >= c.weight => b,
                _ => Some((i, c.weight)),
            });
        let keep: f32 = cues
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if strongest.is_some_and(|(s, _)| s == i) {
                    1.0 - c.weight
                } else {
                    1.0 - CUE_DAMPING * c.weight
                }
            })
            .product();
        let anger = (acc.emo[0] + acc.emo[1]).min(1.0);
        let affect = if valence < 0.0 {
            (0.2 * -valence + 0.1 * anger).min(0.3)
        } else {
            0.0
        };
        let risk = (1.0 - keep * (1.0 - affect)).clamp(0.0, 1.0);
        Escalation {
            risk,
            level: Level::from_risk(risk),
            cues,
        }
    } else {
        Escalation {
            risk: 0.0,
            level: Level::None,
            cues: Vec::new(),
        }
    };

    // Keep the units' allocation for the next utterance.
    *units_buf = recycle(units);
    // Only the roll-up reads it, and only for customer turns.
    let sketch = if customer_side {
        sketch(&norm.text)
    } else {
        Vec::new()
    };
    UtteranceAnalysis {
        refusals,
        sketch,
        speaker,
        emotion,
        emotions,
        polarity,
        valence,
        intensity,
        escalation,
        agent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_slices_by_walk_and_by_index_agree() {
        let short = "我要投訴你們！！！ok";
        let long = short.repeat(20);
        for text in [short, long.as_str()] {
            let n = text.chars().count();
            let chars: Vec<char> = text.chars().collect();
            let mut o = OriginalText {
                text,
                char_bytes: None,
            };
            for (s, e) in [
                (0, 0),
                (0, 2),
                (2, 4),
                (5, n),
                (n - 1, n),
                (n, n),
                (3, 1),
                (n, n + 3),
            ] {
                let want: String = chars[s.min(n)..e.max(s).min(n)].iter().collect();
                assert_eq!(o.slice(s, e), want, "{s}..{e} of {} chars", n);
            }
        }
    }

    #[test]
    fn cjk_sets_hold_exactly_their_chars() {
        let list = "打问联说催电话映找提申投诉咨沟交重跑修门来";
        for c in list.chars() {
            assert!(is_contact_char(c), "{c}");
        }
        for c in ['的', '了', 'a', '1', '〇', '\u{4DFF}', '\u{A000}', '😀'] {
            assert!(!is_contact_char(c), "{c}");
        }
        for w in ["第三次", "好几天", "3天", "〇点", "两次", "十几个"] {
            assert!(may_count(w), "{w}");
        }
        for w in ["", "次", "天了", "订单", "a3"] {
            assert!(!may_count(w), "{w}");
        }
    }
}
