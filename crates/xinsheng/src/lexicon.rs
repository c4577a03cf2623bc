//! Lexicon files: parsing, validation and the merged term table.
//!
//! Every lexicon is a UTF-8, tab-separated file; `#` starts a comment line. The kind of a
//! file is told by its file name (`emotion-*.tsv`, `sentiment.tsv`, `escalation.tsv` …):
//! see [`LexiconKind::from_file_name`] and `lexicons/README.md`.

use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::error::{LexiconError, LineError};
use crate::normalize::normalize_term;
use crate::types::{AgentCategory, CueCategory, Emotion};

pub(crate) mod agent_patterns;
pub(crate) mod exposure_words;
pub(crate) mod function_words;
pub(crate) mod harm_words;

use agent_patterns::AgentPatterns;

/// The kinds of lexicon file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum LexiconKind {
    /// `term label intensity [valence]`.
    Emotion,
    /// `term valence`.
    Sentiment,
    /// `term weight`.
    Degree,
    /// `term`.
    Negation,
    /// `term role` (`before` / `after` / `after_initial`).
    Contrast,
    /// `term kind` (`rhetorical rhetorical_open irony quote scope_break polite intent`).
    Markers,
    /// `term category severity`.
    Escalation,
    /// `term kind category severity`.
    Agent,
    /// `term [note]`.
    Neutral,
}

impl LexiconKind {
    /// Every kind.
    pub const ALL: &'static [LexiconKind] = &[
        LexiconKind::Emotion,
        LexiconKind::Sentiment,
        LexiconKind::Degree,
        LexiconKind::Negation,
        LexiconKind::Contrast,
        LexiconKind::Markers,
        LexiconKind::Escalation,
        LexiconKind::Agent,
        LexiconKind::Neutral,
    ];

    /// The file-name prefix of this kind.
    pub fn prefix(self) -> &'static str {
        match self {
            LexiconKind::Emotion => "emotion",
            LexiconKind::Sentiment => "sentiment",
            LexiconKind::Degree => "degree",
            LexiconKind::Negation => "negation",
            LexiconKind::Contrast => "contrast",
            LexiconKind::Markers => "markers",
            LexiconKind::Escalation => "escalation",
            LexiconKind::Agent => "agent",
            LexiconKind::Neutral => "neutral",
        }
    }

    /// The kind of a lexicon file, from its name: the name (without directories) must
    /// start with the kind's prefix, e.g. `emotion-negative.tsv`, `escalation_banking.tsv`.
    ///
    /// ```
    /// use xinsheng::LexiconKind;
    /// assert_eq!(LexiconKind::from_file_name("lexicons/emotion-positive.tsv"), Some(LexiconKind::Emotion));
    /// assert_eq!(LexiconKind::from_file_name("my-words.tsv"), None);
    /// ```
    pub fn from_file_name(name: &str) -> Option<LexiconKind> {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        LexiconKind::ALL
            .iter()
            .copied()
            .find(|k| base.starts_with(k.prefix()))
    }

    fn columns(self) -> &'static str {
        match self {
            LexiconKind::Emotion => "term, label, intensity [, valence]",
            LexiconKind::Sentiment => "term, valence",
            LexiconKind::Degree => "term, weight",
            LexiconKind::Negation => "term",
            LexiconKind::Contrast => "term, role",
            LexiconKind::Markers => "term, kind",
            LexiconKind::Escalation => "term, category, severity",
            LexiconKind::Agent => "term, kind, category, severity",
            LexiconKind::Neutral => "term [, note]",
        }
    }

    fn column_range(self) -> (usize, usize) {
        match self {
            LexiconKind::Emotion => (3, 4),
            LexiconKind::Sentiment | LexiconKind::Degree => (2, 2),
            LexiconKind::Negation => (1, 1),
            LexiconKind::Contrast | LexiconKind::Markers => (2, 2),
            LexiconKind::Escalation => (3, 3),
            LexiconKind::Agent => (4, 4),
            LexiconKind::Neutral => (1, 2),
        }
    }
}

impl fmt::Display for LexiconKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

/// Role of a contrast word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContrastRole {
    /// 虽然: its clause weighs less.
    Before,
    /// 但是: its clause weighs more.
    After,
    /// 就是 / 结果: like `After`, but only when it opens its clause.
    AfterInitial,
}

/// Kind of a discourse marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkerKind {
    Rhetorical,
    RhetoricalOpen,
    Irony,
    Quote,
    ScopeBreak,
    Polite,
    Intent,
}

/// Everything the lexicons say about one term.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Entry {
    pub emotion: Option<(Emotion, f32, f32)>,
    pub sentiment: Option<f32>,
    pub degree: Option<f32>,
    pub negation: bool,
    pub contrast: Option<ContrastRole>,
    pub marker: Option<MarkerKind>,
    pub escalation: Option<(CueCategory, u8)>,
    /// The cue is an institution or role noun (律师, 法院, 12315, 媒体): a threat only in a
    /// threat context (an intent before it, or a threat verb in its sentence).
    pub mention: bool,
    pub agent: Option<(AgentCategory, u8)>,
    pub neutral: bool,
}

impl Entry {
    /// A negator or degree adverb with no meaning of its own (不, 很, 不太): what a
    /// glued word (很快, 不准时) may start with.
    pub fn is_bare_modifier(&self) -> bool {
        (self.negation || self.degree.is_some()) && !self.is_content()
    }

    /// A degree adverb that is a sentiment word too (好, 出奇, 嘎嘎) and nothing else (no
    /// cue, no agent phrase): before an emotional word it is the adverb ("so").
    pub fn is_sentiment_adverb(&self) -> bool {
        self.degree.is_some()
            && self.has_valence()
            && self.escalation.is_none()
            && self.agent.is_none()
    }

    /// The term has an emotion or a sentiment entry.
    pub fn has_valence(&self) -> bool {
        self.emotion.is_some() || self.sentiment.is_some()
    }

    /// A term the matcher may take off the end of a word (`split_tail`): it says
    /// something bad (negative emotion or sentiment) or is a formal cue, and is no
    /// modifier, marker or look-alike.
    pub fn splits_off_as_tail(&self) -> bool {
        let bad = self.emotion.is_some_and(|(_, _, v)| v < 0.0)
            || self.sentiment.is_some_and(|v| v < 0.0);
        let formal = self.escalation.is_some_and(|(c, _)| c.is_formal());
        (bad || formal)
            && !self.neutral
            && !self.negation
            && self.degree.is_none()
            && self.marker.is_none()
    }

    /// The term carries meaning of its own (not just a modifier).
    pub fn is_content(&self) -> bool {
        self.emotion.is_some()
            || self.sentiment.is_some()
            || self.escalation.is_some()
            || self.agent.is_some()
    }
}

/// The entry lines of a lexicon file's text, as the parser reads them: 1-based line
/// number and the line (without its `\r`); blank and `#` comment lines are skipped, and
/// a leading byte-order mark. The term is the first tab-separated column, trimmed.
///
/// ```
/// let lines: Vec<_> = xinsheng::lexicon_lines("# comment\n\n好\t0.5\r\n  # more\n差\t-0.5\n").collect();
/// assert_eq!(lines, [(3, "好\t0.5"), (5, "差\t-0.5")]);
/// ```
pub fn lexicon_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .enumerate()
        .map(|(i, raw)| (i + 1, raw.trim_end_matches('\r')))
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
}

/// One parsed lexicon source.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub name: String,
    pub kind: LexiconKind,
    pub text: String,
}

/// Counts per lexicon kind and category, for `xinsheng lexicon stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LexiconStats {
    /// Entries per kind (`emotion`, `escalation` …).
    pub per_kind: BTreeMap<String, usize>,
    /// Entries per kind and label/category, e.g. `emotion/anger`, `escalation/regulator`.
    pub per_category: BTreeMap<String, usize>,
    /// Distinct terms after normalization.
    pub terms: usize,
    /// Lines never used because an earlier line of the same file is the same term after
    /// normalization (繁/简, 哈哈哈/哈哈), as `path:line: reason` ([`crate::AnalyzerBuilder::check`]
    /// and `xinsheng lexicon check` report them as warnings).
    pub shadowed: Vec<String>,
}

/// The merged term table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lexicon {
    /// The terms as parsed; [`Lexicon::finish`] moves them into `entries` and `probes`.
    pub map: FxHashMap<Box<str>, Entry>,
    /// The agent phrase patterns and their slots (agent rows whose term is a pattern).
    pub agent_patterns: AgentPatterns,
    pub stats: LexiconStats,
    /// Longest probe key (term or function word), in chars: a longer join can match
    /// nothing. Set by [`Lexicon::finish`].
    pub max_probe_chars: usize,
    /// One probe per term, per proper prefix of a term and per function word: built by
    /// [`Lexicon::finish`], so that matching does one hash lookup per join step.
    pub probes: FxHashMap<Box<str>, Probe>,
    /// The entries the probes point to.
    pub entries: Vec<Entry>,
    /// A 4096-bit filter of the first chars of modifier terms (negators and degree
    /// adverbs, 好 included): a word whose first char is not in it cannot start with a
    /// modifier.
    pub modifier_heads: Vec<u64>,
    /// The first chars of the terms that may split off the end of a word
    /// ([`Entry::splits_off_as_tail`]) of the main CJK block, one bit each (a hashed
    /// filter would let a third of all chars through).
    pub tail_heads: CjkSet,
    /// First two chars of the terms that start with punctuation (emoticons such as ^_^
    /// and :( ; the second is `\0` for a one-char term): the matcher tries a join from a
    /// punctuation token only where the text starts like one of them. A handful.
    pub punct_heads: Vec<(char, char)>,
    /// The ASCII first chars of `punct_heads` as bits: most punctuation tokens (, . ! ?)
    /// are turned away by one test.
    pub punct_heads_ascii: u128,
}

/// A set of chars of the main CJK block (U+4E00..=U+9FFF) as a bitmap: one load and a
/// shift per test, where a long `matches!` compiled to a chain of mispredicted branches.
#[derive(Debug, Clone)]
pub(crate) struct CjkSet([u64; 328]);

impl CjkSet {
    pub const fn new(chars: &str) -> CjkSet {
        let mut bits = [0u64; 328];
        let b = chars.as_bytes();
        let mut i = 0;
        // Decode the (all three-byte) chars by hand: `chars()` is not const.
        while i + 2 < b.len() {
            let c = ((b[i] as u32 & 0x0F) << 12)
                | ((b[i + 1] as u32 & 0x3F) << 6)
                | (b[i + 2] as u32 & 0x3F);
            assert!(
                b[i] & 0xF0 == 0xE0 && c >= 0x4E00 && c <= 0x9FFF,
                "main-block CJK chars only"
            );
            let k = (c - 0x4E00) as usize;
            bits[k / 64] |= 1 << (k % 64);
            i += 3;
        }
        assert!(i == b.len(), "main-block CJK chars only");
        CjkSet(bits)
    }

    /// Add `c`, when it is a char of the block (others are left out).
    pub fn insert(&mut self, c: char) {
        if let Some(k) = (c as u32).checked_sub(0x4E00).filter(|&k| k < 328 * 64) {
            self.0[k as usize / 64] |= 1 << (k % 64);
        }
    }

    #[inline]
    pub fn contains(&self, c: char) -> bool {
        let Some(k) = (c as u32).checked_sub(0x4E00) else {
            return false;
        };
        self.0
            .get(k as usize / 64)
            .is_some_and(|w| w >> (k % 64) & 1 != 0)
    }
}

impl Default for CjkSet {
    fn default() -> Self {
        CjkSet([0; 328])
    }
}

/// What one lookup tells about a string.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Probe {
    /// Index into [`Lexicon::entries`] when the string is a term.
    pub entry: Option<u32>,
    /// Some longer term starts with the string.
    pub prefix: bool,
    /// Function-word classes (the scorer's bit flags) of the string as a whole word.
    pub class: u16,
}

fn parse_f32(s: &str, what: &str, lo: f32, hi: f32, lo_open: bool) -> Result<f32, String> {
    let v: f32 = s
        .trim()
        .parse()
        .map_err(|_| format!("{what} `{s}` is not a number"))?;
    let ok = v.is_finite() && v <= hi && if lo_open { v > lo } else { v >= lo };
    if !ok {
        let open = if lo_open { "(" } else { "[" };
        return Err(format!("{what} {v} is outside {open}{lo}, {hi}]"));
    }
    Ok(v)
}

fn parse_severity(s: &str) -> Result<u8, String> {
    match s.trim().parse::<u8>() {
        Ok(v @ 1..=5) => Ok(v),
        _ => Err(format!("severity `{s}` is not an integer 1..5")),
    }
}

fn parse_label<T: FromStr<Err = crate::error::ParseLabelError>>(s: &str) -> Result<T, String> {
    s.parse::<T>().map_err(|e| e.to_string())
}

/// Kind, category and severity of an agent row (`term kind category severity`).
fn parse_agent(cols: &[&str]) -> Result<(AgentCategory, u8), String> {
    let kind: crate::types::AgentKind = parse_label(cols[1])?;
    let cat: AgentCategory = parse_label(cols[2])?;
    if cat.kind() != kind {
        return Err(format!(
            "category `{cat}` belongs to kind `{}`, not `{kind}`",
            cat.kind()
        ));
    }
    Ok((cat, parse_severity(cols[3])?))
}

impl Lexicon {
    /// An agent row that defines a slot (`{NAME} slot a|b|c`) or a pattern (a term with
    /// `( { …`, then kind, category and severity): see [`agent_patterns`].
    fn agent_pattern_row(&mut self, cols: &[&str]) -> Result<(), String> {
        let term = cols[0].trim();
        if cols.get(1).map(|k| k.trim()) == Some("slot") {
            if cols.len() != 3 {
                return Err(format!(
                    "a slot row has 3 tab-separated columns ({{NAME}}, slot, a|b|c), found {}",
                    cols.len()
                ));
            }
            return self.agent_patterns.add_slot(term, cols[2].trim());
        }
        if cols.len() != 4 {
            return Err(format!(
                "expected 4 tab-separated column(s) ({}), found {}",
                LexiconKind::Agent.columns(),
                cols.len()
            ));
        }
        let (cat, sev) = parse_agent(cols)?;
        self.agent_patterns.add_pattern(term, (cat, sev))?;
        *self.stats.per_kind.entry("agent".to_string()).or_default() += 1;
        *self
            .stats
            .per_category
            .entry(format!("agent/{}/{cat}", cat.kind()))
            .or_default() += 1;
        Ok(())
    }

    /// Parse and merge sources; every bad line of every source is reported.
    pub fn from_sources(sources: &[Source]) -> Result<Lexicon, LexiconError> {
        let mut lex = Lexicon::default();
        let mut errors = Vec::new();
        for src in sources {
            lex.add_source(src, &mut errors);
        }
        if !errors.is_empty() {
            return Err(LexiconError { errors });
        }
        lex.inherit_cues();
        lex.inherit_affect();
        lex.stats.terms = lex.map.len();
        Ok(lex)
    }

    fn add_source(&mut self, src: &Source, errors: &mut Vec<LineError>) {
        // Normalized term -> (line, raw term) of its first entry in this file.
        let mut seen: FxHashMap<String, (usize, String)> = FxHashMap::default();
        for (line_no, line) in lexicon_lines(&src.text) {
            let mut err = |reason: String| {
                errors.push(LineError {
                    source: src.name.clone(),
                    line: line_no,
                    reason,
                })
            };
            let cols: Vec<&str> = line.split('\t').collect();
            if src.kind == LexiconKind::Agent
                && (cols.get(1).map(|k| k.trim()) == Some("slot")
                    || agent_patterns::is_pattern(cols[0]))
            {
                if let Err(reason) = self.agent_pattern_row(&cols) {
                    err(reason);
                }
                continue;
            }
            let (lo, hi) = src.kind.column_range();
            if cols.len() < lo || cols.len() > hi {
                err(format!(
                    "expected {} tab-separated column(s) ({}), found {}",
                    if lo == hi {
                        lo.to_string()
                    } else {
                        format!("{lo}-{hi}")
                    },
                    src.kind.columns(),
                    cols.len()
                ));
                continue;
            }
            let term_raw = cols[0].trim();
            if term_raw.is_empty() {
                err("empty term".to_string());
                continue;
            }
            let term = normalize_term(term_raw);
            if term.is_empty() {
                err(format!("term `{term_raw}` is empty after normalization"));
                continue;
            }
            if let Some((prev, prev_raw)) = seen.get(&term) {
                if prev_raw == term_raw {
                    err(format!(
                        "duplicate term `{term_raw}` (first on line {prev} of this file)"
                    ));
                }
                // A different spelling of the same normalized term (繁/简, 哈哈哈/哈哈):
                // the first entry stands, and the line is reported as shadowed.
                self.stats.shadowed.push(format!(
                    "{}:{line_no}: `{term_raw}` is `{prev_raw}` of line {prev} once \
                     normalized to `{term}`; the first entry stands and this line is never used",
                    src.name
                ));
                continue;
            }
            match self.apply(src.kind, &term, &cols) {
                Ok(category) => {
                    seen.insert(term, (line_no, term_raw.to_string()));
                    *self
                        .stats
                        .per_kind
                        .entry(src.kind.prefix().to_string())
                        .or_default() += 1;
                    if let Some(c) = category {
                        *self
                            .stats
                            .per_category
                            .entry(format!("{}/{}", src.kind.prefix(), c))
                            .or_default() += 1;
                    }
                }
                Err(reason) => err(reason),
            }
        }
    }

    /// Apply one parsed line to the entry of `term`; returns the category for stats.
    fn apply(
        &mut self,
        kind: LexiconKind,
        term: &str,
        cols: &[&str],
    ) -> Result<Option<String>, String> {
        // Parse fully before touching the table, so a bad line changes nothing.
        let mut entry = self.map.get(term).cloned().unwrap_or_default();
        let category = match kind {
            LexiconKind::Emotion => {
                let label: Emotion = parse_label(cols[1])?;
                if label == Emotion::Neutral {
                    return Err("label `neutral` is not a lexicon emotion".to_string());
                }
                let intensity = parse_f32(cols[2], "intensity", 0.0, 1.0, true)?;
                let valence = match cols.get(3).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                    Some(v) => parse_f32(v, "valence", -1.0, 1.0, false)?,
                    None => label.default_sign() * intensity,
                };
                entry.emotion = Some((label, intensity, valence));
                Some(label.to_string())
            }
            LexiconKind::Sentiment => {
                let v = parse_f32(cols[1], "valence", -1.0, 1.0, false)?;
                if v == 0.0 {
                    return Err("valence 0 says nothing; use neutral.tsv".to_string());
                }
                entry.sentiment = Some(v);
                Some(if v < 0.0 { "negative" } else { "positive" }.to_string())
            }
            LexiconKind::Degree => {
                entry.degree = Some(parse_f32(cols[1], "weight", 0.0, 4.0, true)?);
                None
            }
            LexiconKind::Negation => {
                entry.negation = true;
                None
            }
            LexiconKind::Contrast => {
                let role = match cols[1].trim() {
                    "before" => ContrastRole::Before,
                    "after" => ContrastRole::After,
                    "after_initial" => ContrastRole::AfterInitial,
                    other => {
                        return Err(format!(
                        "unknown contrast role `{other}` (expected before, after or after_initial)"
                    ))
                    }
                };
                entry.contrast = Some(role);
                Some(cols[1].trim().to_string())
            }
            LexiconKind::Markers => {
                let k = match cols[1].trim() {
                    "rhetorical" => MarkerKind::Rhetorical,
                    "rhetorical_open" => MarkerKind::RhetoricalOpen,
                    "irony" => MarkerKind::Irony,
                    "quote" => MarkerKind::Quote,
                    "scope_break" => MarkerKind::ScopeBreak,
                    "polite" => MarkerKind::Polite,
                    "intent" => MarkerKind::Intent,
                    other => {
                        return Err(format!(
                            "unknown marker kind `{other}` (expected one of: rhetorical, rhetorical_open, irony, quote, scope_break, polite, intent)"
                        ))
                    }
                };
                entry.marker = Some(k);
                Some(cols[1].trim().to_string())
            }
            LexiconKind::Escalation => {
                let cat: CueCategory = parse_label(cols[1])?;
                let sev = parse_severity(cols[2])?;
                entry.escalation = Some((cat, sev));
                Some(cat.to_string())
            }
            LexiconKind::Agent => {
                let (cat, sev) = parse_agent(cols)?;
                entry.agent = Some((cat, sev));
                Some(format!("{}/{cat}", cat.kind()))
            }
            LexiconKind::Neutral => {
                entry.neutral = true;
                None
            }
        };
        self.map.insert(term.into(), entry);
        Ok(category)
    }

    /// A longer term of another lexicon (怎么还没发货, 不给退款) would hide the cue inside it
    /// (还没, 退款), since matching is longest-first. Such terms inherit the longest cue
    /// they contain, unless a negator inside the term comes before it (不投诉了).
    fn inherit_cues(&mut self) {
        let mut inherited: Vec<(Box<str>, (CueCategory, u8))> = Vec::new();
        for (term, entry) in &self.map {
            if entry.escalation.is_some() || entry.neutral {
                continue;
            }
            let chars: Vec<(usize, char)> = term.char_indices().collect();
            if chars.len() < 3 {
                continue;
            }
            let byte = |i: usize| chars.get(i).map_or(term.len(), |c| c.0);
            let mut best: Option<(usize, usize, (CueCategory, u8))> = None;
            for start in 0..chars.len() {
                for end in (start + 2..=chars.len()).rev() {
                    if end - start == chars.len() {
                        continue;
                    }
                    if best.is_some_and(|(s, e, _)| e - s >= end - start) {
                        break;
                    }
                    let sub = &term[byte(start)..byte(end)];
                    if let Some(cue) = self.map.get(sub).and_then(|e| e.escalation) {
                        best = Some((start, end, cue));
                        break;
                    }
                }
            }
            let Some((start, _, cue)) = best else {
                continue;
            };
            // Negators inside the term before the cue.
            let mut negators = Vec::new();
            for a in 0..start {
                for b in a + 1..=start {
                    let sub = &term[byte(a)..byte(b)];
                    if self.map.get(sub).is_some_and(|e| e.negation) {
                        negators.push(sub);
                    }
                }
            }
            // A negator inside the term denies the cue as one before a cue in a text does.
            let negated = !negators.is_empty() && function_words::negators_deny(cue.0, &negators);
            if !negated {
                inherited.push((term.clone(), cue));
            }
        }
        for (term, cue) in inherited {
            if let Some(e) = self.map.get_mut(&term) {
                e.escalation = Some(cue);
            }
        }
    }

    /// A cue written with its degree adverb or a closing particle (很失望, 太麻烦, 真后悔,
    /// 太慢了, 欺骗我) would hide the emotion or sentiment of the word inside it, since
    /// matching is longest-first: 很失望 read weaker than 失望 alone. Such a term, with no
    /// emotion or sentiment of its own, takes that word's, scaled by the adverb's weight
    /// the way the scorer scales 很 + 失望 (the first split into a degree adverb and a
    /// word with one: 非常 | 失望, 超级 | 失望).
    fn inherit_affect(&mut self) {
        /// What may close such a cue after its word: a particle or the object 我.
        const CLOSERS: [&str; 4] = ["我了", "了", "啦", "我"];
        let affect = |word: &str| {
            self.map
                .get(word)
                .filter(|e| e.has_valence() && !e.negation)
                .map(|e| (e.emotion, e.sentiment))
        };
        let mut inherited = Vec::new();
        for (term, entry) in &self.map {
            if entry.escalation.is_none() || entry.has_valence() || entry.neutral {
                continue;
            }
            let closed = CLOSERS
                .iter()
                .find_map(|c| term.strip_suffix(c).filter(|w| !w.is_empty()));
            let word = closed.unwrap_or(term);
            let with_adverb = word.char_indices().skip(1).find_map(|(b, _)| {
                let (head, rest) = word.split_at(b);
                let w = self.map.get(head).and_then(|e| e.degree)?;
                Some((w.clamp(0.3, 3.0), affect(rest)?))
            });
            let found = with_adverb.or_else(|| closed.and_then(|w| Some((1.0, affect(w)?))));
            if let Some((w, (emotion, sentiment))) = found {
                let emotion = emotion.map(|(label, i, v)| (label, i * w, v * w));
                inherited.push((term.clone(), emotion, sentiment.map(|v| v * w)));
            }
        }
        for (term, emotion, sentiment) in inherited {
            if let Some(e) = self.map.get_mut(&term) {
                e.emotion = emotion;
                e.sentiment = sentiment;
            }
        }
    }

    /// Build the probe table once the entries are final: every term, every proper
    /// prefix of a term, and every word of `words`, each with `class_of` of it;
    /// `is_punct` tells the chars the matcher treats as punctuation.
    pub fn finish<'w>(
        &mut self,
        words: impl IntoIterator<Item = &'w str>,
        class_of: impl Fn(&str) -> u16,
        is_punct: impl Fn(char) -> bool,
    ) {
        let mut probes: FxHashMap<Box<str>, Probe> = FxHashMap::default();
        // The entries move out of the map: matching reads them through the probes only.
        let mut terms: Vec<(Box<str>, Entry)> = std::mem::take(&mut self.map).into_iter().collect();
        // Entry indices in term order, whatever the hash order: the same lexicon gives
        // the same table.
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut entries = Vec::with_capacity(terms.len());
        let mut heads = vec![0u64; 64];
        let mut tails = CjkSet::default();
        let mut punct_heads: Vec<(char, char)> = Vec::new();
        let mut punct_ascii = 0u128;
        for (term, entry) in terms {
            let mut cs = term.chars();
            if let Some(c) = cs.next().filter(|&c| is_punct(c)) {
                if c.is_ascii() {
                    punct_ascii |= 1u128 << (c as u32);
                }
                let head = (c, cs.next().unwrap_or('\0'));
                if !punct_heads.contains(&head) {
                    punct_heads.push(head);
                }
            }
            let c0 = term.chars().next().unwrap_or('\0');
            if entry.is_bare_modifier() || entry.degree.is_some() {
                heads[(c0 as usize >> 6) & 63] |= 1 << (c0 as u32 & 63);
            }
            if entry.splits_off_as_tail() {
                tails.insert(c0);
            }
            for (b, _) in term.char_indices().skip(1) {
                probes.entry(term[..b].into()).or_default().prefix = true;
            }
            probes.entry(term).or_default().entry = Some(entries.len() as u32);
            entries.push(entry);
        }
        for w in words {
            probes.entry(w.into()).or_default();
        }
        self.max_probe_chars = probes.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        for (k, p) in probes.iter_mut() {
            p.class = class_of(k);
        }
        self.probes = probes;
        self.entries = entries;
        self.modifier_heads = heads;
        self.tail_heads = tails;
        self.punct_heads = punct_heads;
        self.punct_heads_ascii = punct_ascii;
    }

    /// What the lexicon knows of `s` (None: neither a term, a term's prefix nor a
    /// function word). Needs [`Lexicon::finish`].
    #[inline]
    pub fn probe(&self, s: &str) -> Option<Probe> {
        self.probes.get(s).copied()
    }

    /// The entry a probe points to.
    #[inline]
    pub fn entry(&self, p: Probe) -> Option<&Entry> {
        p.entry.map(|i| &self.entries[i as usize])
    }

    /// Some term that starts with punctuation may start where `s` does.
    #[inline]
    pub fn may_start_punct_term(&self, s: &str) -> bool {
        match s.as_bytes().first() {
            Some(&b) if b < 128 && self.punct_heads_ascii >> b & 1 == 0 => return false,
            None => return false,
            _ => {}
        }
        let mut cs = s.chars();
        let (Some(c0), c1) = (cs.next(), cs.next().unwrap_or('\0')) else {
            return false;
        };
        self.punct_heads
            .iter()
            .any(|&(a, b)| a == c0 && (b == c1 || b == '\0'))
    }

    /// Some modifier term may start with `c` (false: none does).
    #[inline]
    pub fn may_start_modifier(&self, c: char) -> bool {
        self.modifier_heads
            .get((c as usize >> 6) & 63)
            .is_some_and(|w| w & (1 << (c as u32 & 63)) != 0)
    }

    /// Some term that splits off the end of a word starts with `c`, a char of the main
    /// CJK block (false for any other char).
    #[inline]
    pub fn may_start_tail(&self, c: char) -> bool {
        self.tail_heads.contains(c)
    }
}

/// The lexicon files built into the crate (feature `embedded-lexicons`).
#[cfg(feature = "embedded-lexicons")]
pub(crate) const EMBEDDED: &[(&str, &str)] = &[
    (
        "emotion-negative.tsv",
        include_str!("../lexicons/emotion-negative.tsv"),
    ),
    (
        "emotion-positive.tsv",
        include_str!("../lexicons/emotion-positive.tsv"),
    ),
    ("sentiment.tsv", include_str!("../lexicons/sentiment.tsv")),
    ("degree.tsv", include_str!("../lexicons/degree.tsv")),
    ("negation.tsv", include_str!("../lexicons/negation.tsv")),
    ("contrast.tsv", include_str!("../lexicons/contrast.tsv")),
    ("markers.tsv", include_str!("../lexicons/markers.tsv")),
    ("escalation.tsv", include_str!("../lexicons/escalation.tsv")),
    ("agent.tsv", include_str!("../lexicons/agent.tsv")),
    ("neutral.tsv", include_str!("../lexicons/neutral.tsv")),
];

/// No lexicons are built in without the `embedded-lexicons` feature.
#[cfg(not(feature = "embedded-lexicons"))]
pub(crate) const EMBEDDED: &[(&str, &str)] = &[];
