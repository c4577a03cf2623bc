//! Agent phrase patterns: phrase families with slots, written in `agent.tsv` beside the
//! plain terms, matched on an agent's normalized text.
//!
//! A slot row names a set of alternatives: `{YOU}<TAB>slot<TAB>你|您|你们`. A pattern row
//! has the columns of a term row and a term made of
//! - literal text (normalized as terms are: traditional to simplified, lower case);
//! - `(a|b|c)`: one of the alternatives, each literal text;
//! - `{NAME}`: one of the alternatives of a slot defined on an earlier line;
//! - `?` after a literal char, a group or a slot: it may be missing;
//! - `…`: a gap of up to [`PATTERN_GAP`] chars, which never crosses the end of a sentence
//!   (it may cross a comma: 再不还款，我们就起诉你);
//! - `$`: the end of a clause or sentence (punctuation or the end of the text);
//! - `!` before a group or a slot: the text before this point does not end with one of
//!   its alternatives (`!{OBJ}{YOU}…`: 您 is not the object of 帮/为/让).
//!
//! The row is a pattern when its term has `{` or `…`, a group of words or a `?` after a word
//! char (see [`is_pattern`]); a question mark written `？`
//! matches the question mark of the text.

use rustc_hash::FxHashMap;

use crate::normalize::normalize_term;
use crate::score::weights::PATTERN_GAP;
use crate::types::AgentCategory;

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq)]
enum Elem {
    /// One of these texts (a literal is a one-text set).
    Alt(Vec<Vec<char>>),
    /// The inner element, or nothing.
    Opt(Box<Elem>),
    /// Up to [`PATTERN_GAP`] chars within the sentence.
    Gap,
    /// The end of a clause or sentence.
    End,
    /// The text before this point does not end with one of these (您 as an object:
    /// 帮您联系快递 is no instruction to the customer).
    NotAfter(Vec<Vec<char>>),
}

/// A parsed agent pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AgentPattern {
    elems: Vec<Elem>,
    /// The chars a match can start with, sorted (None: any, e.g. after a leading gap).
    firsts: Option<Vec<char>>,
    /// The pattern as written, for traces.
    pub source: String,
    /// The phrase's category and severity.
    pub agent: (AgentCategory, u8),
}

/// The slots and patterns of the agent lexicons.
#[derive(Debug, Clone, Default)]
pub(crate) struct AgentPatterns {
    slots: FxHashMap<String, Vec<Vec<char>>>,
    /// Each slot's alternatives sorted by their first char, as indices into `slots`
    /// (what [`AgentPatterns::slot_find`] scans a turn with).
    by_first: FxHashMap<String, Vec<(char, usize)>>,
    /// In file order.
    pub patterns: Vec<AgentPattern>,
}

/// The term of an agent row is a pattern or a slot name: it has `{` or `…`, a group `(…)`
/// of words (`(小)`, `(你|您)`) or a `?` after a word char (`我的?时间`). An emoticon such
/// as `(╯□╰)` or `:(` is none: its brackets hold symbols.
pub(crate) fn is_pattern(term: &str) -> bool {
    let wordy = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_ascii_alphanumeric();
    if term.contains(['{', '…']) {
        return true;
    }
    let chars: Vec<char> = term.chars().collect();
    let group = chars.iter().enumerate().any(|(i, &c)| {
        c == '('
            && chars[i + 1..]
                .iter()
                .position(|&d| d == ')')
                .is_some_and(|len| {
                    len > 0
                        && chars[i + 1..i + 1 + len]
                            .iter()
                            .all(|&d| wordy(d) || d == '|')
                })
    });
    group
        || chars
            .windows(2)
            .any(|w| w[1] == '?' && (wordy(w[0]) || w[0] == ')'))
}

/// A char that ends a sentence in normalized text.
fn ends_sentence(c: char) -> bool {
    matches!(
        c,
        '.' | '。' | '!' | '?' | ';' | '\n' | '｡' | '！' | '？' | '；'
    )
}

/// A char that ends a clause or sentence in normalized text.
fn ends_clause(c: char) -> bool {
    ends_sentence(c) || matches!(c, ',' | '，' | '、' | ':' | '：' | '~' | ' ')
}

fn literal(s: &str) -> Result<Vec<char>, String> {
    // `？` is kept (normalization would make it the `?` of the text, which it matches).
    let n = normalize_term(s);
    if n.is_empty() {
        return Err(format!("`{s}` is empty after normalization"));
    }
    Ok(n.chars().collect())
}

fn alternatives(s: &str) -> Result<Vec<Vec<char>>, String> {
    s.split('|').map(literal).collect()
}

/// Whether a literal still holds pattern syntax (a slot inside a slot's definition).
fn has_syntax(alts: &[Vec<char>]) -> bool {
    alts.iter()
        .flatten()
        .any(|c| matches!(c, '{' | '}' | '(' | ')'))
}

impl AgentPatterns {
    /// Whether `word` is one of the alternatives of slot `name` (false for an unknown slot).
    pub fn slot_has(&self, name: &str, word: &str) -> bool {
        self.slots
            .get(name)
            .is_some_and(|alts| alts.iter().any(|a| word.chars().eq(a.iter().copied())))
    }

    /// Define slot `{NAME}` (written with its braces) as `a|b|c`.
    pub fn add_slot(&mut self, name: &str, alts: &str) -> Result<(), String> {
        let key = name
            .strip_prefix('{')
            .and_then(|n| n.strip_suffix('}'))
            .filter(|n| !n.is_empty() && !n.contains(['{', '}']))
            .ok_or_else(|| format!("slot name `{name}` must be written {{NAME}}"))?;
        if self.slots.contains_key(key) {
            return Err(format!("slot `{name}` is defined twice"));
        }
        let alts = alternatives(alts)?;
        if has_syntax(&alts) {
            return Err(format!("slot `{name}`: alternatives are plain text"));
        }
        let mut firsts: Vec<(char, usize)> = alts
            .iter()
            .enumerate()
            .filter_map(|(i, a)| Some((*a.first()?, i)))
            .collect();
        firsts.sort_unstable();
        self.by_first.insert(key.to_string(), firsts);
        self.slots.insert(key.to_string(), alts);
        Ok(())
    }

    /// Whether one of the alternatives of slot `name` occurs in `text` (false for an
    /// unknown slot).
    pub fn slot_in(&self, name: &str, text: &[char]) -> bool {
        self.slots.get(name).is_some_and(|alts| {
            alts.iter()
                .any(|a| !a.is_empty() && text.windows(a.len()).any(|w| starts(w, a)))
        })
    }

    /// Every occurrence `(start, end)` of the alternatives of slot `name` in `text`, in
    /// chars, overlapping ones included (none for an unknown slot).
    pub fn slot_find(&self, name: &str, text: &[char]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        // One pass over the text, each position tried only against the alternatives that
        // start with its char.
        let (Some(alts), Some(firsts)) = (self.slots.get(name), self.by_first.get(name)) else {
            return out;
        };
        for (s, c) in text.iter().enumerate() {
            let from = firsts.partition_point(|f| f.0 < *c);
            for &(_, i) in firsts[from..].iter().take_while(|f| f.0 == *c) {
                if text[s..].starts_with(&alts[i]) {
                    out.push((s, s + alts[i].len()));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether `text` ends with one of the alternatives of slot `name`.
    pub fn slot_ends(&self, name: &str, text: &[char]) -> bool {
        self.slots
            .get(name)
            .is_some_and(|alts| alts.iter().any(|a| !a.is_empty() && text.ends_with(a)))
    }

    /// Whether `text` starts with one of the alternatives of slot `name`.
    pub fn slot_starts(&self, name: &str, text: &[char]) -> bool {
        self.slots
            .get(name)
            .is_some_and(|alts| alts.iter().any(|a| !a.is_empty() && text.starts_with(a)))
    }

    /// Parse pattern `src` of an agent row.
    pub fn add_pattern(&mut self, src: &str, agent: (AgentCategory, u8)) -> Result<(), String> {
        let elems = self.parse(src)?;
        if !elems.iter().any(|e| matches!(e, Elem::Alt(_))) {
            return Err(format!("pattern `{src}` matches no text of its own"));
        }
        if self.patterns.iter().any(|p| p.source == src) {
            return Err(format!("duplicate pattern `{src}`"));
        }
        let firsts = first_chars(&elems);
        self.patterns.push(AgentPattern {
            elems,
            firsts,
            source: src.to_string(),
            agent,
        });
        Ok(())
    }

    /// The alternatives of group `(inner)`; an alternative may hold slots (`给{YOU}`): it
    /// stands for each of their texts.
    fn group(&self, inner: &str, src: &str) -> Result<Vec<Vec<char>>, String> {
        let mut out = Vec::new();
        for alt in inner.split('|') {
            // Expand the alternative's slots left to right.
            let mut texts: Vec<String> = vec![String::new()];
            let mut rest = alt;
            while let Some(open) = rest.find('{') {
                let close = rest[open..]
                    .find('}')
                    .map(|c| open + c)
                    .ok_or_else(|| format!("`{{` without `}}` in `{src}`"))?;
                let (head, name) = (&rest[..open], &rest[open + 1..close]);
                let slot = self
                    .slots
                    .get(name)
                    .ok_or_else(|| format!("unknown slot `{{{name}}}` in `{src}`"))?;
                texts = texts
                    .iter()
                    .flat_map(|t| {
                        slot.iter()
                            .map(move |s| format!("{t}{head}{}", s.iter().collect::<String>()))
                    })
                    .collect();
                rest = &rest[close + 1..];
            }
            for t in texts {
                out.push(literal(&format!("{t}{rest}"))?);
            }
        }
        if has_syntax(&out) {
            return Err(format!(
                "a group holds `(`, `}}`, `$` or `…` in `{src}`: write them outside it"
            ));
        }
        Ok(out)
    }

    fn parse(&self, src: &str) -> Result<Vec<Elem>, String> {
        let mut elems = Vec::new();
        let mut lit = String::new();
        let mut rest = src;
        let mut not_after = false;
        let flush = |lit: &mut String, elems: &mut Vec<Elem>| -> Result<(), String> {
            if !lit.is_empty() {
                elems.push(Elem::Alt(vec![literal(lit)?]));
                lit.clear();
            }
            Ok(())
        };
        while let Some(c) = rest.chars().next() {
            rest = &rest[c.len_utf8()..];
            match c {
                '(' | '{' => {
                    let close = if c == '(' { ')' } else { '}' };
                    let end = rest
                        .find(close)
                        .ok_or_else(|| format!("`{c}` without `{close}` in `{src}`"))?;
                    let (inner, after) = (&rest[..end], &rest[end + 1..]);
                    rest = after;
                    flush(&mut lit, &mut elems)?;
                    let alts = if c == '(' {
                        self.group(inner, src)?
                    } else {
                        self.slots
                            .get(inner)
                            .cloned()
                            .ok_or_else(|| format!("unknown slot `{{{inner}}}` in `{src}`"))?
                    };
                    elems.push(if std::mem::take(&mut not_after) {
                        Elem::NotAfter(alts)
                    } else {
                        Elem::Alt(alts)
                    });
                }
                '!' if rest.starts_with(['(', '{']) => {
                    flush(&mut lit, &mut elems)?;
                    not_after = true;
                }
                '?' => {
                    // Optional: the last literal char, or the last element.
                    if let Some(last) = lit.pop() {
                        flush(&mut lit, &mut elems)?;
                        elems.push(Elem::Alt(vec![literal(&last.to_string())?]));
                    }
                    let e = elems
                        .pop()
                        .filter(|e| matches!(e, Elem::Alt(_)))
                        .ok_or_else(|| format!("`?` follows nothing optional in `{src}`"))?;
                    elems.push(Elem::Opt(Box::new(e)));
                }
                '…' | '$' => {
                    flush(&mut lit, &mut elems)?;
                    elems.push(if c == '…' { Elem::Gap } else { Elem::End });
                }
                ')' | '}' | '|' => return Err(format!("stray `{c}` in `{src}`")),
                _ => lit.push(c),
            }
        }
        flush(&mut lit, &mut elems)?;
        Ok(elems)
    }
}

/// The chars a match of `elems` can start with, sorted; None when a match may start
/// anywhere (a leading gap or end, or all elements optional).
fn first_chars(elems: &[Elem]) -> Option<Vec<char>> {
    let mut out = Vec::new();
    for e in elems {
        match e {
            Elem::NotAfter(_) => continue,
            Elem::Alt(alts) => {
                out.extend(alts.iter().filter_map(|a| a.first().copied()));
                out.sort_unstable();
                out.dedup();
                return Some(out);
            }
            Elem::Opt(inner) => match &**inner {
                Elem::Alt(alts) => out.extend(alts.iter().filter_map(|a| a.first().copied())),
                _ => return None,
            },
            Elem::Gap | Elem::End => return None,
        }
    }
    None
}

impl AgentPattern {
    /// Whether a match can start with `c`.
    #[inline]
    pub fn may_start(&self, c: char) -> bool {
        self.firsts
            .as_ref()
            .is_none_or(|f| f.binary_search(&c).is_ok())
    }

    /// Every leftmost, non-overlapping match in `text` (normalized chars) as
    /// `(start, end)` char ranges, the longest at each start.
    pub fn find(&self, text: &[char]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < text.len() {
            if !self.may_start(text[at]) {
                at += 1;
                continue;
            }
            match best(&self.elems, text, at) {
                Some(end) if end > at => {
                    out.push((at, end));
                    at = end;
                }
                _ => at += 1,
            }
        }
        out
    }
}

/// The furthest end of a match of `elems` starting at `pos`.
fn best(elems: &[Elem], text: &[char], pos: usize) -> Option<usize> {
    let Some((e, rest)) = elems.split_first() else {
        return Some(pos);
    };
    match e {
        Elem::Alt(alts) => alt_ends(alts, rest, text, pos),
        Elem::Opt(inner) => {
            let with = match &**inner {
                Elem::Alt(alts) => alt_ends(alts, rest, text, pos),
                _ => None,
            };
            with.max(best(rest, text, pos))
        }
        Elem::Gap => {
            let mut found = None;
            for len in 0..=PATTERN_GAP {
                let p = pos + len;
                if p > text.len() || (len > 0 && ends_sentence(text[p - 1])) {
                    break;
                }
                if let Some(end) = best(rest, text, p) {
                    found = found.max(Some(end));
                }
            }
            found
        }
        Elem::NotAfter(alts) => {
            if alts.iter().any(|a| text[..pos].ends_with(a)) {
                None
            } else {
                best(rest, text, pos)
            }
        }
        Elem::End => {
            if pos == text.len() || ends_clause(text[pos]) {
                best(rest, text, pos)
            } else {
                None
            }
        }
    }
}

/// The furthest end of a match of one of `alts` at `pos` followed by `rest`.
fn alt_ends(alts: &[Vec<char>], rest: &[Elem], text: &[char], pos: usize) -> Option<usize> {
    alts.iter()
        .filter(|a| text[pos..].starts_with(a))
        .filter_map(|a| best(rest, text, pos + a.len()))
        .max()
}

/// Whether `text` starts with `word`, the first char compared before the rest (most
/// windows of a turn differ in it: cheaper than a slice comparison per window).
fn starts(text: &[char], word: &[char]) -> bool {
    text.first() == word.first() && text.starts_with(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> AgentPatterns {
        let mut p = AgentPatterns::default();
        p.add_slot("{YOU}", "你|您").unwrap();
        p
    }

    fn matches(p: &AgentPatterns, pat: &str, text: &str) -> Vec<String> {
        let mut p = p.clone();
        p.add_pattern(pat, (AgentCategory::Hostile, 4)).unwrap();
        let chars: Vec<char> = text.chars().collect();
        p.patterns[0]
            .find(&chars)
            .into_iter()
            .map(|(s, e)| chars[s..e].iter().collect())
            .collect()
    }

    #[test]
    fn slots_groups_options_gaps_and_ends() {
        let p = set();
        assert_eq!(matches(&p, "{YOU}这种人", "你这种人我见多了"), ["你这种人"]);
        assert_eq!(matches(&p, "{YOU}这种人", "他这种人"), Vec::<String>::new());
        assert_eq!(
            matches(&p, "爱(退|买)不(退|买)", "您爱退不退吧"),
            ["爱退不退"]
        );
        // A slot inside a group stands for each of its texts.
        assert_eq!(
            matches(&p, "肯定(给{YOU})?送到", "肯定给您送到"),
            ["肯定给您送到"]
        );
        assert_eq!(matches(&p, "肯定(给{YOU})?送到", "肯定送到"), ["肯定送到"]);
        assert_eq!(matches(&p, "{YOU}?自己看", "自己看吧"), ["自己看"]);
        assert_eq!(matches(&p, "{YOU}?自己看", "您自己看吧"), ["您自己看"]);
        // A gap crosses a comma, never a sentence end.
        assert_eq!(
            matches(&p, "再不…就起诉", "再不还，我们就起诉"),
            ["再不还，我们就起诉"]
        );
        assert!(matches(&p, "再不…就起诉", "再不还。我们就起诉").is_empty());
        // `$`: the end of a clause.
        assert_eq!(matches(&p, "不行$", "不行，改不了"), ["不行"]);
        assert!(matches(&p, "不行$", "不行的话").is_empty());
        // `!`: not after one of these.
        assert_eq!(matches(&p, "!(帮|为){YOU}联系", "您联系快递"), ["您联系"]);
        assert!(matches(&p, "!(帮|为){YOU}联系", "我帮您联系快递").is_empty());
        // `？` matches the text's question mark (normalized `?`).
        assert_eq!(matches(&p, "几遍了？", "问了几遍了?"), ["几遍了?"]);
    }

    #[test]
    fn patterns_are_told_from_terms_and_emoticons() {
        for p in [
            "{YOU}这种人",
            "没(有)?义务",
            "浪费我的?时间",
            "(你|您)好",
            "再不…就",
        ] {
            assert!(is_pattern(p), "{p}");
        }
        for t in [
            "(╯□╰)",
            ":(",
            "o(╯□╰)o",
            "╮(╯▽╰)╭",
            "(ㄒoㄒ)",
            "我要投诉",
            "?_?",
        ] {
            assert!(!is_pattern(t), "{t}");
        }
    }

    #[test]
    fn bad_patterns_and_slots_are_reported() {
        let mut p = set();
        let cat = (AgentCategory::Hostile, 4);
        assert!(p
            .add_pattern("{THEY}说", cat)
            .unwrap_err()
            .contains("unknown slot"));
        assert!(p
            .add_pattern("(你|您", cat)
            .unwrap_err()
            .contains("without"));
        assert!(p.add_pattern("…", cat).unwrap_err().contains("no text"));
        assert!(p
            .add_pattern("?好", cat)
            .unwrap_err()
            .contains("follows nothing"));
        assert!(p.add_slot("YOU", "你").unwrap_err().contains("{NAME}"));
        assert!(p.add_slot("{YOU}", "你").unwrap_err().contains("twice"));
    }
}
