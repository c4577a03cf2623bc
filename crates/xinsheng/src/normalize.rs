//! Text normalization that keeps a map back to the original characters.
//!
//! Steps, per character: NFKC (full-width → half-width, compatibility forms), ASCII
//! lower-casing, control characters → space, emoji variation selectors dropped; then
//! traditional → simplified Chinese (character for character, so offsets survive); then
//! runs of three or more identical characters are collapsed to two, the extra characters
//! being counted as emphasis.

use unicode_normalization::UnicodeNormalization;

mod rules;
use rules::transform;

/// Normalized text with, for every normalized char, the range of original chars it
/// stands for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The normalized text.
    pub text: String,
    /// For normalized char `i`, its original char range is `spans[i].0 .. spans[i].1`.
    pub spans: Vec<(u32, u32)>,
}

impl Normalized {
    /// Original char range of normalized chars `start..end` (`end` exclusive, > `start`).
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.spans.get(start).map_or(0, |r| r.0 as usize);
        let e = self
            .spans
            .get(end.saturating_sub(1))
            .map_or(s, |r| r.1 as usize);
        (s, e.max(s))
    }

    /// How many original chars normalized chars `start..end` stand for, beyond their own
    /// count: the emphasis of collapsed repeats.
    pub fn extra_repeats(&self, start: usize, end: usize) -> u32 {
        let end = end.min(self.spans.len());
        if start >= end {
            return 0;
        }
        let covered: u32 = self.spans[start..end].iter().map(|r| r.1 - r.0).sum();
        covered.saturating_sub((end - start) as u32)
    }
}

#[inline]
fn is_plain_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

fn push_char(out: &mut String, spans: &mut Vec<(u32, u32)>, c: char, i: u32) {
    if let Some(c) = transform(c) {
        out.push(c);
        spans.push((i, i + 1));
    }
}

/// NFKC, case, controls and selectors, char by char, into a string and its spans.
fn first_pass(text: &str) -> (String, Vec<(u32, u32)>) {
    let mut out = String::with_capacity(text.len());
    let mut spans = Vec::with_capacity(text.len() / 2 + 1);
    for (i, c) in text.chars().enumerate() {
        let i = i as u32;
        if c.is_ascii() || is_plain_cjk(c) {
            push_char(&mut out, &mut spans, c, i);
        } else {
            for n in std::iter::once(c).nfkc() {
                push_char(&mut out, &mut spans, n, i);
            }
        }
    }
    (out, spans)
}

// CHARMAP_INDEX and CHARMAP_BLOCKS: what normalization makes of each BMP char (build.rs).
include!(concat!(env!("OUT_DIR"), "/charmap.rs"));

/// Table entry: the char needs the slow path (see build.rs).
const SLOW: u16 = 0xFFFF;

#[inline]
fn charmap(cp: u32) -> u16 {
    CHARMAP_BLOCKS[CHARMAP_INDEX[(cp >> 8) as usize & 0xFF] as usize][(cp & 0xFF) as usize]
}

/// Normalize `text` for matching, keeping offsets back to the original.
///
/// ```
/// use xinsheng::normalize::normalize;
/// let n = normalize("我要投訴！！！！");
/// assert_eq!(n.text, "我要投诉!!");
/// assert_eq!(n.original_range(4, 6), (4, 8));
/// ```
pub fn normalize(text: &str) -> Normalized {
    let mut n = Normalized::default();
    normalize_into(text, &mut n);
    n
}

/// [`normalize`] into `out`, reusing its buffers (what was in it is replaced).
pub(crate) fn normalize_into(text: &str, out: &mut Normalized) {
    out.text.clear();
    out.spans.clear();
    if !normalize_fast(text, out) {
        *out = normalize_slow(text);
    }
}

/// Collapses runs of ≥ 3 identical chars to two while chars are pushed.
struct Builder<'o> {
    out: &'o mut String,
    spans: &'o mut Vec<(u32, u32)>,
    prev: char,
    run: u32,
}

impl Builder<'_> {
    #[inline(always)]
    fn push(&mut self, c: char, i: u32) {
        if c == self.prev && !c.is_whitespace() {
            self.run += 1;
            if self.run >= 3 {
                if let Some(last) = self.spans.last_mut() {
                    last.1 = i + 1;
                }
                return;
            }
        } else {
            self.run = 1;
            self.prev = c;
        }
        self.out.push(c);
        self.spans.push((i, i + 1));
    }
}

/// One pass over the text with the per-char table, appended to `out` (empty); false
/// when a char needs its neighbours (fast2s's context rules, 著) or an NFKC output the
/// table does not cover, and `out` holds part of the text.
fn normalize_fast(text: &str, out: &mut Normalized) -> bool {
    out.text.reserve(text.len());
    out.spans.reserve(text.len());
    let mut b = Builder {
        out: &mut out.text,
        spans: &mut out.spans,
        // No char of a normalized text is NUL's successor: any start value that is not a
        // char of the text works, and NUL becomes a space.
        prev: '\0',
        run: 0,
    };
    for (i, c) in text.chars().enumerate() {
        let i = i as u32;
        let cp = c as u32;
        if cp < 0x80 {
            // ASCII needs neither NFKC nor the table; no ASCII char is dropped.
            if let Some(c) = transform(c) {
                b.push(c, i);
            }
            continue;
        }
        let m = if cp < 0x10000 { charmap(cp) } else { SLOW };
        match m {
            0 => b.push(c, i),
            SLOW => {
                for n in std::iter::once(c).nfkc() {
                    let Some(e) = transform(n) else { continue };
                    let ecp = e as u32;
                    if !(0x80..0x10000).contains(&ecp) {
                        b.push(e, i);
                        continue;
                    }
                    match charmap(ecp).into() {
                        0 => b.push(e, i),
                        r => match char::from_u32(r).filter(|_| r != u32::from(SLOW)) {
                            Some(r) => b.push(r, i),
                            None => return false,
                        },
                    }
                }
            }
            r => match char::from_u32(r.into()) {
                Some(r) => b.push(r, i),
                None => return false,
            },
        }
    }
    true
}

/// The reference implementation, step by step; used for texts with context-dependent
/// chars (and by the tests, to check the fast path).
fn normalize_slow(text: &str) -> Normalized {
    let (s, spans) = first_pass(text);
    // Traditional → simplified, char for char (ASCII needs no conversion).
    let s = if s.is_ascii() { s } else { to_simplified(&s) };
    // Chars fast2s leaves that depend on their neighbours: 著, 覆, 藉.
    let s = if s.contains(['著', '覆', '藉']) {
        fix_by_context(&s)
    } else {
        s
    };
    // Collapse runs of ≥ 3 identical chars to 2, widening the second char's span.
    if !has_long_run(&s) {
        return Normalized { text: s, spans };
    }
    let mut out = String::with_capacity(s.len());
    let mut out_spans: Vec<(u32, u32)> = Vec::with_capacity(spans.len());
    let mut prev: Option<char> = None;
    let mut run = 0usize;
    for (c, span) in s.chars().zip(spans) {
        if Some(c) == prev && !c.is_whitespace() {
            run += 1;
        } else {
            run = 1;
            prev = Some(c);
        }
        if run >= 3 {
            if let Some(last) = out_spans.last_mut() {
                last.1 = span.1;
            }
            continue;
        }
        out.push(c);
        out_spans.push(span);
    }
    Normalized {
        text: out,
        spans: out_spans,
    }
}

/// The text has a run of three identical non-space chars.
fn has_long_run(s: &str) -> bool {
    let mut it = s.chars();
    let (Some(mut a), Some(mut b)) = (it.next(), it.next()) else {
        return false;
    };
    for c in it {
        if c == a && c == b && !c.is_whitespace() {
            return true;
        }
        a = b;
        b = c;
    }
    false
}

/// Traditional → simplified with fast2s, char for char, except the simplified chars it
/// wrongly converts ([`rules::KEEP_CHARS`]), which stay.
fn to_simplified(s: &str) -> String {
    let converted = fast2s::convert(s);
    if !s.contains(|c| rules::KEEP_CHARS.contains(c)) {
        return converted;
    }
    s.chars()
        .zip(converted.chars())
        .map(|(a, b)| if rules::KEEP_CHARS.contains(a) { a } else { b })
        .collect()
}

/// Traditional chars fast2s leaves as they are, read by their neighbours, char for char
/// so that offsets survive:
/// - 著 is the aspect particle 着 (等著, 看著) unless it is 著 (zhù) of 著名, 著作, 显著 and
///   the like;
/// - 覆 → 复 in 回覆, 答覆, 反覆, 批覆, 覆核 (覆盖, 颠覆, 翻覆 stay);
/// - 藉 → 借 in 藉口, 藉故, 藉助, 藉机 and 凭藉 (狼藉, 慰藉 stay).
fn fix_by_context(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            match c {
                '著' if "名作称述录书".contains(next)
                    || "显卓土原编专巨名论新遗拙合译昭".contains(prev) =>
                {
                    '著'
                }
                '著' => '着',
                '覆' if "回答反批".contains(prev) || next == '核' => '复',
                '藉' if "口故助机".contains(next) || prev == '凭' => '借',
                _ => c,
            }
        })
        .collect()
}

/// Normalize a lexicon term the same way text is normalized.
pub(crate) fn normalize_term(term: &str) -> String {
    normalize(term.trim()).text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_case() {
        assert_eq!(normalize("ＡＢＣ１２３，Ｙｙｄｓ").text, "abc123,yyds");
    }

    #[test]
    fn traditional_to_simplified_keeps_offsets() {
        let n = normalize("我要投訴你們");
        assert_eq!(n.text, "我要投诉你们");
        assert_eq!(n.spans.len(), 6);
        assert_eq!(n.original_range(2, 4), (2, 4));
    }

    #[test]
    fn repeats_collapse_and_count() {
        let n = normalize("气死了了了了");
        assert_eq!(n.text, "气死了了");
        assert_eq!(n.extra_repeats(0, 4), 2);
        assert_eq!(n.original_range(2, 4), (2, 6));
        // Two repeats are kept as they are (谢谢, 哈哈).
        assert_eq!(normalize("谢谢").text, "谢谢");
    }

    #[test]
    fn expansions_map_to_one_original_char() {
        // ㈱ expands under NFKC to three chars.
        let n = normalize("a㈱b");
        assert_eq!(n.text, "a(株)b");
        assert_eq!(n.original_range(1, 4), (1, 2));
        assert_eq!(n.original_range(4, 5), (2, 3));
    }

    #[test]
    fn traditional_zhe_particle() {
        assert_eq!(normalize("你們等著被告吧").text, "你们等着被告吧");
        assert_eq!(normalize("著名品牌").text, "著名品牌");
        assert_eq!(normalize("一直沒人回覆").text, "一直没人回复");
        assert_eq!(normalize("反覆催，找藉口").text, "反复催,找借口");
        assert_eq!(normalize("覆蓋範圍，一片狼藉").text, "覆盖范围,一片狼藉");
    }

    #[test]
    fn fast_path_equals_the_reference_on_every_char() {
        // Every char of the BMP (and a few beyond) alone, and between neighbours that
        // repeat it, so that the table, the NFKC expansions and the collapse all agree.
        let extra = ['😀', '𝐀', '🈶', '\u{1F3FB}'];
        let chars = (0u32..0x10000).filter_map(char::from_u32).chain(extra);
        for c in chars {
            for t in [c.to_string(), format!("a{c}{c}{c}b")] {
                assert_eq!(normalize(&t), normalize_slow(&t), "{:?}", t);
            }
        }
    }

    #[test]
    fn context_chars_take_the_reference_path() {
        for t in [
            "計畫書",
            "看著辦",
            "乾隆的乾兒子",
            "謝謝你們",
            "简体不变",
            "著名品牌",
        ] {
            let fast = normalize_fast(t, &mut Normalized::default());
            assert!(!fast || !t.contains(|c| "畫著乾兒".contains(c)));
            assert_eq!(normalize(t), normalize_slow(t), "{t}");
            assert_eq!(
                normalize(t).text,
                fast2s::convert(t)
                    .replace('著', "着")
                    .replace("着名", "著名"),
                "{t}"
            );
        }
        assert!(normalize_fast(
            "我要投訴你們！！！",
            &mut Normalized::default()
        ));
        for c in rules::CONTEXT_CHARS.chars() {
            let t = format!("看{c}了");
            assert!(!normalize_fast(&t, &mut Normalized::default()), "{t}");
            assert_eq!(normalize(&t), normalize_slow(&t), "{t}");
        }
    }

    #[test]
    fn normalize_into_replaces_what_was_there() {
        let mut n = normalize("一段很长的旧文本！！！！");
        for t in ["我要投訴", "計畫書", "", "好好好好好"] {
            normalize_into(t, &mut n);
            assert_eq!(n, normalize_slow(t), "{t}");
        }
    }

    #[test]
    fn simplified_chars_fast2s_would_convert_stay() {
        // fast2s reads 呵 as traditional 嗬; 呵呵 is the irony marker and must show as such.
        for t in ["呵呵", "顶呱呱", "彷徨", "呵呵，又是這樣"] {
            let n = normalize(t);
            assert!(n.text.contains(['呵', '呱', '彷']), "{t} -> {}", n.text);
            assert_eq!(n, normalize_slow(t), "{t}");
        }
        assert_eq!(normalize("呵呵，又是這樣").text, "呵呵,又是这样");
    }

    #[test]
    fn emoji_selectors_dropped() {
        assert_eq!(normalize("❤\u{FE0F}").text, "❤");
    }

    #[test]
    fn empty() {
        let n = normalize("");
        assert!(n.text.is_empty());
        assert_eq!(n.original_range(0, 0), (0, 0));
    }
}
