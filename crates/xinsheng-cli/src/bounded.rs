//! The analysed length of one record is capped, so that memory stays bounded whatever
//! the input: the analyzer's working memory grows with the text (a 15 MB utterance
//! peaked at about 500 MB), while real utterances, even a whole call pasted into one
//! field, are far shorter than the cap.
//!
//! A longer text is analysed up to the last sentence end (`。！？!?；;…` or a line end)
//! before [`MAX_ANALYSED_BYTES`] (or the cap itself when none is near), and the record is
//! marked: `"truncated": true, "analysed_chars": N` in JSONL, `truncated_turns` in call
//! summaries and worklist entries, and a count in the run summary. The rest is not
//! analysed: an analysis of the head is honest about the head; windows analysed apart
//! could not be combined into one utterance's analysis without the analyzer's help.

use xinsheng::{Analyzer, Speaker, UtteranceAnalysis};

/// Most bytes of one record's text analysed (256 KiB, about 87,000 Chinese characters).
pub const MAX_ANALYSED_BYTES: usize = 256 << 10;

/// How far before the cap a sentence end is looked for, in bytes.
pub const SENTENCE_WINDOW: usize = 4 << 10;

/// Characters that end a sentence.
const SENTENCE_ENDS: &[char] = &['。', '！', '？', '!', '?', '；', ';', '…', '\n', '\r'];

/// A text analysed in part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// Characters analysed (from the start).
    pub analysed_chars: usize,
}

/// The byte length of the part of `text` that is analysed with a cap of `max` bytes.
pub fn analysed_len(text: &str, max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let floor = end.saturating_sub(SENTENCE_WINDOW);
    match head.rfind(SENTENCE_ENDS) {
        Some(i) if i >= floor => i + head[i..].chars().next().map_or(0, char::len_utf8),
        _ => end,
    }
}

/// Analyse `text`, at most [`MAX_ANALYSED_BYTES`] of it (see the module).
pub fn analyze(
    analyzer: &Analyzer,
    text: &str,
    speaker: Speaker,
) -> (UtteranceAnalysis, Option<Cut>) {
    analyze_capped(analyzer, text, speaker, MAX_ANALYSED_BYTES)
}

/// [`analyze`] with a cap of `max` bytes.
pub fn analyze_capped(
    analyzer: &Analyzer,
    text: &str,
    speaker: Speaker,
    max: usize,
) -> (UtteranceAnalysis, Option<Cut>) {
    let n = analysed_len(text, max);
    if n == text.len() {
        return (analyzer.analyze(text, speaker), None);
    }
    let head = &text[..n];
    let cut = Cut {
        analysed_chars: head.chars().count(),
    };
    (analyzer.analyze(head, speaker), Some(cut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cut_falls_on_a_sentence_end_near_the_cap_else_on_a_char() {
        assert_eq!(analysed_len("短句。", 100), "短句。".len());
        let text = format!("{}。{}", "好".repeat(10), "坏".repeat(10));
        // The cap falls inside the second sentence: cut after 。.
        assert_eq!(
            &text[..analysed_len(&text, 40)],
            format!("{}。", "好".repeat(10))
        );
        // No sentence end: the last whole char under the cap.
        let plain = "好".repeat(100);
        assert_eq!(analysed_len(&plain, 10), 9);
        // A sentence end too far back is not used.
        let far = format!("好。{}", "坏".repeat(SENTENCE_WINDOW));
        assert_eq!(
            analysed_len(&far, SENTENCE_WINDOW + 100),
            SENTENCE_WINDOW + 98
        );
    }

    #[test]
    fn a_long_text_is_analysed_in_part_and_marked() {
        let a = Analyzer::new();
        let short = "我要投诉";
        assert_eq!(analyze(&a, short, Speaker::Customer).1, None);
        let long = "我要投诉，马上退款！".repeat(30);
        let (an, cut) = analyze_capped(&a, &long, Speaker::Customer, 100);
        let cut = cut.unwrap();
        assert_eq!(cut.analysed_chars, 30, "three sentences of 10 chars");
        let head: String = long.chars().take(30).collect();
        assert_eq!(an, a.analyze(&head, Speaker::Customer));
    }
}
