//! Segmentation: the normalized text cut with jieba, the tokens joined longest-first into
//! lexicon terms (a match may join up to [`MAX_JOIN`] adjacent words, so a cue the
//! segmenter split is still found), and the segmenter's glued words split back (a
//! modifier and its term, a pronoun and a one-char term, a head and a negative tail).
//!
//! Each [`Unit`] carries its normalized and its original char range, computed once here.

use jieba_rs::Jieba;

use crate::lexicon::function_words::{contact_class, PRONOUN_CHARS};
use crate::lexicon::{Entry, Lexicon, Probe};
use crate::normalize::Normalized;

/// Most segmenter tokens one lexicon match may join, not counting spaces and punctuation
/// between them.
pub const MAX_JOIN: usize = 7;

/// How a punctuation unit ends what stands before it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Break {
    /// No break (a word, or punctuation inside a clause such as quotes).
    None,
    /// The clause ends (，、：…).
    Clause,
    /// The sentence ends (。！？；).
    Sentence,
}

/// A word, a matched lexicon term or a run of punctuation.
pub(crate) struct Unit<'a> {
    /// Normalized char range: start.
    pub ns: usize,
    /// Normalized char range: end (exclusive).
    pub ne: usize,
    /// Original char range: start (`Normalized::original_range` of `ns..ne`).
    pub os: usize,
    /// Original char range: end (exclusive).
    pub oe: usize,
    /// The unit's normalized text.
    pub text: &'a str,
    /// Its lexicon entry, if it is a term.
    pub entry: Option<&'a Entry>,
    /// The break it makes (punctuation only).
    pub brk: Break,
    /// A run of punctuation.
    pub is_punct: bool,
    /// Clause index, set by the structure stage.
    pub clause: usize,
    /// Sentence index, set by the structure stage.
    pub sentence: usize,
    /// Inside quotation marks, set by the structure stage.
    pub in_quote: bool,
    /// Function-word classes of the unit's text (see `function_words::word_class`).
    pub class: u16,
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

pub(crate) fn break_of(text: &str) -> Break {
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

/// Slices of the original text by char offsets; the byte index is built on first use.
pub(crate) struct OriginalText<'a> {
    text: &'a str,
    char_bytes: Option<Vec<usize>>,
}

impl<'a> OriginalText<'a> {
    /// The original text, not indexed yet.
    pub fn new(text: &'a str) -> Self {
        OriginalText {
            text,
            char_bytes: None,
        }
    }

    /// The original text of a unit (its original char range).
    pub fn of(&mut self, unit: &Unit<'_>) -> String {
        self.slice(unit.os, unit.oe)
    }

    /// Texts up to this many bytes are walked per slice instead of indexed once.
    const WALK: usize = 256;

    /// The original text of chars `start..end`.
    pub fn slice(&mut self, start: usize, end: usize) -> String {
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

/// Split the normalized text into matched units, in the allocation of `out`.
pub(crate) fn segment<'a>(
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
    let unit = |ns, ne, text, entry, class| {
        let (os, oe) = norm.original_range(ns, ne);
        Unit {
            ns,
            ne,
            os,
            oe,
            text,
            entry,
            brk: Break::None,
            is_punct: false,
            clause: 0,
            sentence: 0,
            in_quote: false,
            class,
        }
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
    if cs.next().is_some() || !PRONOUN_CHARS.contains(first) {
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

/// An empty vector of units of any lifetime in the allocation of `v` (emptied first):
/// collecting a by-value iterator into a vector of a same-sized type reuses its buffer.
pub(crate) fn recycle<'a, 'b>(mut v: Vec<Unit<'a>>) -> Vec<Unit<'b>> {
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
        && segment(jieba, lex, &norm, term.trim(), Vec::new())
            .iter()
            .any(|u| u.entry.is_some() && u.ns == 0 && u.ne == chars)
}

/// The units of each clause or sentence (`key` of a unit), by its index: from its first
/// unit to past its last, empty for an index with no unit. One pass over the units, so a
/// long text's clauses or sentences are visited in linear time.
pub(crate) fn spans_by(
    units: &[Unit<'_>],
    key: impl Fn(&Unit<'_>) -> usize,
) -> Vec<std::ops::Range<usize>> {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for (k, u) in units.iter().enumerate() {
        let c = key(u);
        if spans.len() <= c {
            spans.resize(c + 1, k..k);
        }
        let s = &mut spans[c];
        if s.start == s.end {
            *s = k..k + 1;
        } else {
            s.end = k + 1;
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Segmentation and matching: the units of a text, joined with `|`.
    #[cfg(feature = "embedded-lexicons")]
    #[test]
    fn segments() {
        use crate::score::testing::cut;
        macro_rules! t {
            ($text:expr, $units:expr) => {
                assert_eq!(cut($text), $units, "{}", $text);
            };
        }
        // Longest-first join: a lexicon term the segmenter would split stays whole.
        t!("我要投诉", "我要投诉");
        t!("一点也不满意", "一点也|不满意");
        // split_modifier: a degree adverb glued to its term.
        t!("太不好", "太|不好");
        // split_pronoun: 我 + a one-char term jieba glued.
        t!("我怕", "我|怕");
        // split_tail: a head and a negative term.
        t!("又坏了", "又|坏了");
        // join_into: a negator joined into the head of the next token.
        t!("无法解决问题", "无法解决|问题");
        // Punctuation is a unit of its own (normalized to half-width).
        t!("好的！！", "好的|!|!");
        t!("", "");
    }

    /// Each unit's original range is the normalizer's map of its normalized range, over
    /// traditional characters, full-width punctuation and collapsed repeats.
    #[cfg(feature = "embedded-lexicons")]
    #[test]
    fn units_carry_their_original_range() {
        let (jieba, lex) = crate::score::testing::analyzer().parts();
        for text in [
            "我要投訴你們！！！ok",
            "好好好好好的",
            "第３次了，太慢了～～～",
        ] {
            let norm = crate::normalize::normalize(text);
            let units = segment(jieba, lex, &norm, text, Vec::new());
            assert!(!units.is_empty(), "{text}");
            for u in &units {
                assert_eq!(
                    (u.os, u.oe),
                    norm.original_range(u.ns, u.ne),
                    "{text}: {}",
                    u.text
                );
            }
            let mut o = OriginalText::new(text);
            let joined: String = units.iter().map(|u| o.of(u)).collect();
            assert_eq!(joined, text, "units cover the original text");
        }
    }

    #[test]
    fn original_slices_by_walk_and_by_index_agree() {
        let short = "我要投訴你們！！！ok";
        let long = short.repeat(20);
        for text in [short, long.as_str()] {
            let n = text.chars().count();
            let chars: Vec<char> = text.chars().collect();
            let mut o = OriginalText::new(text);
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
}
