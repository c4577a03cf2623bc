//! Plain-text transcripts: `[time] speaker: text`, one utterance per line.
//!
//! * A line is `[TIME] SPEAKER: TEXT`; the time and the speaker are optional. The time is
//!   a bracketed `[00:01:23]` / `(10:00)` / `【2024-05-01 10:00:01】`, or a bare
//!   `2024-05-01 10:00:01` / `10:00:01` followed by a space. The colon may be `:` or `：`.
//! * The speaker is the text before the first colon (within the first 24 characters)
//!   when it is a known label (`客服`, `客户小李`, `Agent` … see [`crate::SpeakerMap`]) or
//!   looks like a name (up to 12 letters, digits, `_-#()` and spaces, not only digits): an unknown name
//!   gives [`xinsheng::Speaker::Unknown`]. Otherwise the whole line is the text, speaker
//!   unknown.
//! * A file is one conversation, whose id is the file name. A line of three or more `-`,
//!   `=` or `—` starts a new conversation (`FILE#2`, `FILE#3` …), and so does a header
//!   line `call id: X`, `session id: X`, `通话编号：X` or `会话ID：X` (its id is `X`).
//!   Separator and header lines are counted as skipped, like blank lines.

use std::sync::Arc;

use xinsheng::Speaker;

use crate::record::{Original, Record, Source};
use crate::speaker::SpeakerMap;

/// What a transcript line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranscriptLine<'a> {
    /// Nothing but white space.
    Blank,
    /// `---`: a new conversation starts.
    Separator,
    /// `call id: X` / `通话编号：X`: a new conversation with this id starts.
    Header(&'a str),
    /// An utterance.
    Utterance {
        /// The time, when the line starts with one.
        time: Option<&'a str>,
        /// The speaker label, when there is one.
        label: Option<&'a str>,
        /// The speaker the label maps to.
        speaker: Speaker,
        /// The utterance text.
        text: &'a str,
    },
}

const HEADERS: &[&str] = &[
    "call id",
    "call_id",
    "call-id",
    "callid",
    "session id",
    "session_id",
    "conversation id",
    "通话编号",
    "通话id",
    "通话 id",
    "会话编号",
    "会话id",
    "会话 id",
];

fn is_colon(c: char) -> bool {
    c == ':' || c == '：'
}

/// Parse one transcript line.
///
/// ```
/// use xinsheng::Speaker;
/// use xinsheng_io::{parse_transcript_line, SpeakerMap, TranscriptLine};
/// let map = SpeakerMap::default();
/// assert_eq!(
///     parse_transcript_line("[00:01:23] 客服小王：您好，请问有什么可以帮您？", &map),
///     TranscriptLine::Utterance {
///         time: Some("00:01:23"),
///         label: Some("客服小王"),
///         speaker: Speaker::Agent,
///         text: "您好，请问有什么可以帮您？",
///     }
/// );
/// assert_eq!(parse_transcript_line("通话编号：C-42", &map), TranscriptLine::Header("C-42"));
/// assert_eq!(parse_transcript_line("-----", &map), TranscriptLine::Separator);
/// ```
pub fn parse_transcript_line<'a>(line: &'a str, speakers: &SpeakerMap) -> TranscriptLine<'a> {
    let line = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if line.is_empty() {
        return TranscriptLine::Blank;
    }
    if line.chars().count() >= 3
        && (line.chars().all(|c| c == '-')
            || line.chars().all(|c| c == '=')
            || line.chars().all(|c| c == '—'))
    {
        return TranscriptLine::Separator;
    }
    if let Some(id) = header(line) {
        return TranscriptLine::Header(id);
    }
    let (time, rest) = split_time(line, speakers);
    let (label, speaker, text) = split_speaker(rest, speakers);
    TranscriptLine::Utterance {
        time,
        label,
        speaker,
        text,
    }
}

fn header(line: &str) -> Option<&str> {
    let l = line.trim_start_matches('#').trim_start();
    for h in HEADERS {
        if l.len() >= h.len() && l.is_char_boundary(h.len()) && l[..h.len()].eq_ignore_ascii_case(h)
        {
            let rest = l[h.len()..].trim_start();
            let mut chars = rest.chars();
            if chars.next().is_some_and(is_colon) {
                let id = chars.as_str().trim();
                if !id.is_empty() {
                    return Some(id);
                }
            }
        }
    }
    None
}

/// A clock time `H:MM`, `HH:MM:SS`, `MMM:SS`, with `.fff` or `,fff` after the seconds.
fn is_clock(s: &str) -> bool {
    let (hms, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let digits = |p: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    (2..=3).contains(&parts.len())
        && digits(parts[0], 1, 3)
        && parts[1..].iter().all(|p| digits(p, 2, 2))
        && frac.is_none_or(|f| digits(f, 1, 6))
}

/// A date `2024-05-01`, `2024/5/1`, `2024.05.01` (or with a two-digit year).
fn is_date(s: &str) -> bool {
    let Some(sep) = s.chars().find(|c| matches!(c, '-' | '/' | '.')) else {
        return false;
    };
    let parts: Vec<&str> = s.split(sep).collect();
    let digits = |p: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    parts.len() == 3
        && (parts[0].len() == 2 || parts[0].len() == 4)
        && digits(parts[0], 2, 4)
        && parts[1..].iter().all(|p| digits(p, 1, 2))
}

/// A time stamp: a clock time, a date, or a date and a clock time (a space or `T`
/// between). `12345:` and `12315` are not.
fn is_time_like(s: &str) -> bool {
    let s = s.trim();
    match s.split_once([' ', 'T']) {
        Some((date, clock)) => is_date(date) && is_clock(clock.trim()),
        None => is_clock(s) || is_date(s),
    }
}

/// Split a leading time off a line.
fn split_time<'a>(line: &'a str, speakers: &SpeakerMap) -> (Option<&'a str>, &'a str) {
    let mut chars = line.char_indices();
    let Some((_, first)) = chars.next() else {
        return (None, line);
    };
    let close = match first {
        '[' => Some(']'),
        '(' => Some(')'),
        '【' => Some('】'),
        '（' => Some('）'),
        _ => None,
    };
    if let Some(close) = close {
        let open_len = first.len_utf8();
        if let Some(end) = line[open_len..].find(close) {
            let inner = line[open_len..open_len + end].trim();
            if end <= 48 && is_time_like(inner) {
                let rest = &line[open_len + end + close.len_utf8()..];
                return (Some(inner), trim_sep(rest));
            }
        }
        return (None, line);
    }
    if !first.is_ascii_digit() {
        return (None, line);
    }
    // A bare time: digits and - / : . and spaces (T between digits).
    let bytes = line.as_bytes();
    let mut end = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let ok = b.is_ascii_digit()
            || matches!(b, b'-' | b'/' | b':' | b'.' | b' ')
            || (b == b'T'
                && i > 0
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 1).is_some_and(|n| n.is_ascii_digit()));
        if !ok {
            break;
        }
        end = i + 1;
    }
    let candidate = line[..end].trim_end_matches([' ', '-', '.', '/']);
    if candidate.is_empty() || !is_time_like(candidate) {
        return (None, line);
    }
    let rest = &line[candidate.len()..];
    let spaced = rest.is_empty() || rest.starts_with(char::is_whitespace);
    let rest = trim_sep(rest);
    if spaced || split_speaker(rest, speakers).1 != Speaker::Unknown {
        (Some(candidate), rest)
    } else {
        (None, line)
    }
}

fn trim_sep(s: &str) -> &str {
    s.trim_start().trim_start_matches(['-', '|']).trim_start()
}

fn is_name_like(label: &str) -> bool {
    let n = label.chars().count();
    (1..=12).contains(&n)
        && !label.chars().all(|c| c.is_ascii_digit() || c == ' ')
        && label.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, '_' | '-' | '#' | '(' | ')' | '（' | '）' | ' ')
        })
}

/// URL schemes whose `scheme:` does not start with `//`.
const URL_SCHEMES: &[&str] = &["mailto", "tel", "sms", "weixin", "alipays", "data"];

fn is_url_scheme(label: &str) -> bool {
    URL_SCHEMES.iter().any(|s| label.eq_ignore_ascii_case(s))
}

/// Split a speaker label off a line: (label, speaker, text).
fn split_speaker<'a>(s: &'a str, speakers: &SpeakerMap) -> (Option<&'a str>, Speaker, &'a str) {
    let colon = s
        .char_indices()
        .take(25)
        .find(|(_, c)| is_colon(*c))
        .map(|(i, c)| (i, c.len_utf8()));
    // `http://…`, `mailto:…`: a URL scheme, not a speaker.
    if let Some((i, 1)) = colon {
        if s[i + 1..].starts_with("//") || is_url_scheme(&s[..i]) {
            return (None, Speaker::Unknown, s);
        }
    }
    let Some((i, clen)) = colon else {
        return (None, Speaker::Unknown, s);
    };
    let label = s[..i]
        .trim()
        .trim_matches(|c: char| matches!(c, '[' | ']' | '【' | '】'))
        .trim();
    if label.is_empty() {
        return (None, Speaker::Unknown, s);
    }
    let text = s[i + clen..].trim();
    match speakers.lookup(label) {
        Some(speaker) => (Some(label), speaker, text),
        None if is_name_like(label) => (Some(label), Speaker::Unknown, text),
        None => (None, Speaker::Unknown, s),
    }
}

/// Conversation state of a transcript reader.
#[derive(Debug)]
pub(crate) struct TextState {
    file: Arc<str>,
    segment: u32,
    records: u64,
    call_id: String,
}

impl TextState {
    pub fn new(file: Arc<str>) -> TextState {
        TextState {
            call_id: file.to_string(),
            file,
            segment: 1,
            records: 0,
        }
    }

    /// Feed one decoded line: a record, or `None` for blank/separator/header lines.
    pub fn line(&mut self, line: &str, source: Source, speakers: &SpeakerMap) -> Option<Record> {
        match parse_transcript_line(line, speakers) {
            TranscriptLine::Blank => None,
            TranscriptLine::Separator => {
                if self.records > 0 {
                    self.segment += 1;
                    self.call_id = format!("{}#{}", self.file, self.segment);
                    self.records = 0;
                }
                None
            }
            TranscriptLine::Header(id) => {
                if self.records > 0 {
                    self.segment += 1;
                }
                self.call_id = id.to_string();
                self.records = 0;
                None
            }
            TranscriptLine::Utterance {
                time,
                label,
                speaker,
                text,
            } => {
                self.records += 1;
                Some(Record {
                    source,
                    call_id: Some(self.call_id.clone()),
                    turn: Some(self.records.to_string()),
                    speaker,
                    speaker_label: label.map(str::to_string),
                    time: time.map(str::to_string),
                    text: text.to_string(),
                    original: Original::Text,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utt(line: &str) -> (Option<&str>, Option<&str>, Speaker, &str) {
        let map = SpeakerMap::default();
        match parse_transcript_line(line, &map) {
            TranscriptLine::Utterance {
                time,
                label,
                speaker,
                text,
            } => (time, label, speaker, text),
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn speakers_and_times() {
        assert_eq!(
            utt("客服: 您好"),
            (None, Some("客服"), Speaker::Agent, "您好")
        );
        assert_eq!(
            utt("2024-05-01 10:00:01 客户：我的快递呢"),
            (
                Some("2024-05-01 10:00:01"),
                Some("客户"),
                Speaker::Customer,
                "我的快递呢"
            )
        );
        assert_eq!(
            utt("10:00:01 - Agent: hello"),
            (Some("10:00:01"), Some("Agent"), Speaker::Agent, "hello")
        );
        assert_eq!(
            utt("2024-05-01T10:00:01客户：你好"),
            (
                Some("2024-05-01T10:00:01"),
                Some("客户"),
                Speaker::Customer,
                "你好"
            )
        );
        assert_eq!(
            utt("【00:00:05】【坐席】：请稍等"),
            (Some("00:00:05"), Some("坐席"), Speaker::Agent, "请稍等")
        );
        assert_eq!(
            utt("张三：你好"),
            (None, Some("张三"), Speaker::Unknown, "你好")
        );
        // Not a time: no space after it and no speaker.
        assert_eq!(
            utt("12:30到现在还没回复"),
            (None, None, Speaker::Unknown, "12:30到现在还没回复")
        );
        // Not a speaker: punctuation in the label.
        assert_eq!(
            utt("我等了很久，真的：太慢了"),
            (None, None, Speaker::Unknown, "我等了很久，真的：太慢了")
        );
        assert_eq!(utt("12315"), (None, None, Speaker::Unknown, "12315"));
        assert_eq!(
            utt("[10:00:01.250] 客户：喂"),
            (Some("10:00:01.250"), Some("客户"), Speaker::Customer, "喂")
        );
        assert_eq!(
            utt("(125:07) 客户：喂"),
            (Some("125:07"), Some("客户"), Speaker::Customer, "喂")
        );
        assert_eq!(
            utt("[备注] 无"),
            (None, None, Speaker::Unknown, "[备注] 无")
        );
    }

    /// Issue 15: a URL is not a speaker, and an order number before a colon is not a time.
    #[test]
    fn urls_and_numbers_are_text() {
        for line in [
            "http://example.com/order/123 打不开",
            "https://shop.example.cn/refund?id=9 这个链接不行",
            "mailto:help@example.com",
            "12345: 这是我的订单号",
            "12345：这是我的订单号",
            "2024: 今年第三次了",
            "110:",
        ] {
            assert_eq!(utt(line), (None, None, Speaker::Unknown, line), "{line}");
        }
        // The speaker is still found before a URL.
        assert_eq!(
            utt("客户：http://example.com 打不开"),
            (
                None,
                Some("客户"),
                Speaker::Customer,
                "http://example.com 打不开"
            )
        );
        assert_eq!(
            utt("[10:00] 客户: https://x.cn"),
            (
                Some("10:00"),
                Some("客户"),
                Speaker::Customer,
                "https://x.cn"
            )
        );
    }

    #[test]
    fn headers_and_separators() {
        let map = SpeakerMap::default();
        assert_eq!(
            parse_transcript_line("Call ID: 2024-001", &map),
            TranscriptLine::Header("2024-001")
        );
        assert_eq!(
            parse_transcript_line("# 会话ID： S9 ", &map),
            TranscriptLine::Header("S9")
        );
        assert_eq!(
            parse_transcript_line("===", &map),
            TranscriptLine::Separator
        );
        assert_eq!(parse_transcript_line(" \t", &map), TranscriptLine::Blank);
        assert!(matches!(
            parse_transcript_line("--", &map),
            TranscriptLine::Utterance { .. }
        ));
    }

    #[test]
    fn conversations() {
        let map = SpeakerMap::default();
        let mut st = TextState::new("t.txt".into());
        let src = || Source::new("t.txt".into(), 1);
        let ids: Vec<String> = [
            "客户：a",
            "客服：b",
            "---",
            "客户：c",
            "通话编号：X",
            "客户：d",
            "---",
            "---",
            "客户：e",
        ]
        .iter()
        .filter_map(|l| st.line(l, src(), &map))
        .map(|r| format!("{}/{}", r.call_id.unwrap(), r.turn.unwrap()))
        .collect();
        assert_eq!(ids, ["t.txt/1", "t.txt/2", "t.txt#2/1", "X/1", "t.txt#4/1"]);
    }
}
