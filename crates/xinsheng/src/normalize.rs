//! Text normalization that keeps a map back to the original characters.
//!
//! Steps, per character: NFKC (full-width → half-width, compatibility forms), ASCII
//! lower-casing, control characters → space, emoji variation selectors dropped; then
//! traditional → simplified Chinese (character for character, so offsets survive); then
//! runs of three or more identical characters are collapsed to two, the extra characters
//! being counted as emphasis.

use unicode_normalization::UnicodeNormalization;

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
    let c = if c.is_control() && c != '\n' {
        ' '
    } else if c == '\r' {
        '\n'
    } else {
        c.to_ascii_lowercase()
    };
    if matches!(
        c,
        '\u{FE0E}' | '\u{FE0F}' | '\u{200B}' | '\u{200C}' | '\u{FEFF}'
    ) {
        return;
    }
    out.push(c);
    spans.push((i, i + 1));
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

/// Normalize `text` for matching, keeping offsets back to the original.
///
/// ```
/// use xinsheng::normalize::normalize;
/// let n = normalize("我要投訴！！！！");
/// assert_eq!(n.text, "我要投诉!!");
/// assert_eq!(n.original_range(4, 6), (4, 8));
/// ```
pub fn normalize(text: &str) -> Normalized {
    let (s, spans) = first_pass(text);
    // Traditional → simplified, char for char (ASCII needs no conversion).
    let s = if needs_t2s(&s) {
        fast2s::convert(&s)
    } else {
        s
    };
    // 著 is the traditional aspect particle 着 (等著, 看著) except in a few words (著名).
    let s = if s.contains('著') { fix_zhe(&s) } else { s };
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

/// Some char of the text may change under traditional → simplified conversion.
///
/// fast2s converts only 3-byte UTF-8 chars; the set of those it can change is found once
/// by converting each one alone, plus the few it converts differently by context.
fn needs_t2s(s: &str) -> bool {
    static SET: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    if s.is_ascii() {
        return false;
    }
    let set = SET.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        let mut buf = String::new();
        for cp in 0x800u32..0x10000 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            buf.clear();
            buf.push(c);
            if fast2s::convert(&buf) != buf {
                bits[cp as usize / 64] |= 1 << (cp % 64);
            }
        }
        // Converted by context (prev/next char), possibly unchanged alone.
        for c in "兒覆夥藉瞭麽幺於乾著苧闔鍾讎畫".chars() {
            let cp = c as usize;
            bits[cp / 64] |= 1 << (cp % 64);
        }
        bits
    });
    s.chars().any(|c| {
        let cp = c as usize;
        cp < 0x10000 && set[cp / 64] & (1 << (cp % 64)) != 0
    })
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

/// Replace 著 by 着 unless it is 著 (zhù) of 著名, 著作, 显著 and the like.
fn fix_zhe(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c != '著' {
            out.push(c);
            continue;
        }
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        let zhu = "名作称述录书".contains(next) || "显卓土原编专巨名论新遗拙合译昭".contains(prev);
        out.push(if zhu { '著' } else { '着' });
    }
    out
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
    }

    #[test]
    fn t2s_is_skipped_only_when_nothing_can_change() {
        assert!(!needs_t2s("我要投诉你们 abc"));
        assert!(needs_t2s("我要投訴"));
        // Chars that fast2s converts by context only.
        for c in "兒覆夥藉瞭麽幺於乾著苧闔鍾讎畫".chars() {
            assert!(needs_t2s(&c.to_string()), "{c}");
        }
        for t in ["計畫書", "看著辦", "乾隆", "謝謝你們", "简体不变"] {
            assert_eq!(
                normalize(t).text,
                fast2s::convert(t).replace('著', "着"),
                "{t}"
            );
        }
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
