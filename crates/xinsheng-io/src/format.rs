//! Input formats and their detection.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::fields::FieldMap;

/// The format of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum InputFormat {
    /// Tell by extension, then by content (see [`detect_format`]).
    #[default]
    Auto,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row (RFC 4180 quoting).
    Csv,
    /// Tab-separated values with a header row (no quoting: a line is a record).
    Tsv,
    /// A plain-text transcript: one utterance per line, `[time] speaker: text`.
    Text,
}

impl InputFormat {
    /// The format's name as written on the command line.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Csv => "csv",
            InputFormat::Tsv => "tsv",
            InputFormat::Text => "text",
        }
    }

    /// The format a file name's extension says, if any. A `.gz` after it is looked
    /// through (`calls.jsonl.gz` is JSONL, read decompressed); `.json` is JSON lines or
    /// one JSON array of objects (told by content).
    ///
    /// ```
    /// use xinsheng_io::InputFormat;
    /// assert_eq!(InputFormat::from_extension("a/calls.JSONL".as_ref()), Some(InputFormat::Jsonl));
    /// assert_eq!(InputFormat::from_extension("chat.txt".as_ref()), Some(InputFormat::Text));
    /// assert_eq!(InputFormat::from_extension("dump".as_ref()), None);
    /// assert_eq!(InputFormat::from_extension("x/calls.csv.gz".as_ref()), Some(InputFormat::Csv));
    /// assert_eq!(InputFormat::from_extension("calls.gz".as_ref()), None);
    /// ```
    pub fn from_extension(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        if ext == "gz" {
            return InputFormat::from_extension(Path::new(path.file_stem()?));
        }
        match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
            "csv" => Some(InputFormat::Csv),
            "tsv" | "tab" => Some(InputFormat::Tsv),
            "txt" | "log" | "text" => Some(InputFormat::Text),
            _ => None,
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for InputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(InputFormat::Auto),
            "jsonl" | "ndjson" | "json" => Ok(InputFormat::Jsonl),
            "csv" => Ok(InputFormat::Csv),
            "tsv" => Ok(InputFormat::Tsv),
            "text" | "txt" => Ok(InputFormat::Text),
            other => Err(format!(
                "unknown input format `{other}` (expected auto, jsonl, csv, tsv or text)"
            )),
        }
    }
}

/// Tell an input's format from its first line that is not blank (decoded text of the
/// first bytes; lines end with `\n`, `\r\n` or `\r`): `{` starts JSONL, and so does `[`
/// followed by `{` (a JSON array of objects); a header with a tab (or a comma) that names a text
/// column (`text`, `content`, 内容 …, or the one given in `fields`) is TSV (or CSV);
/// anything else is a plain-text transcript.
///
/// ```
/// use xinsheng_io::{detect_format, FieldMap, InputFormat};
/// let f = FieldMap::default();
/// assert_eq!(detect_format("{\"text\":\"你好\"}\n", &f), InputFormat::Jsonl);
/// assert_eq!(detect_format("id,speaker,text\n1,客户,你好\n", &f), InputFormat::Csv);
/// assert_eq!(detect_format("客服：您好\n客户：你好\n", &f), InputFormat::Text);
/// ```
pub fn detect_format(head: &str, fields: &FieldMap) -> InputFormat {
    let head = head.strip_prefix('\u{feff}').unwrap_or(head);
    let first = head.split(['\n', '\r']).find(|l| !l.trim().is_empty());
    let Some(first) = first else {
        return InputFormat::Text;
    };
    let t = first.trim_start();
    if t.starts_with('{') || crate::jsonarray::starts_array(head.trim_start().as_bytes()) {
        return InputFormat::Jsonl;
    }
    for (sep, format) in [('\t', InputFormat::Tsv), (',', InputFormat::Csv)] {
        if first.contains(sep) {
            let names = first.split(sep).map(|c| c.trim().trim_matches('"'));
            if fields.header_has_text(names) {
                return format;
            }
        }
    }
    InputFormat::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        let f = FieldMap::default();
        assert_eq!(detect_format("", &f), InputFormat::Text);
        assert_eq!(detect_format("\n\n  {\"a\":1}", &f), InputFormat::Jsonl);
        assert_eq!(
            detect_format("\u{feff}会话ID,角色,内容\r\n", &f),
            InputFormat::Csv
        );
        assert_eq!(
            detect_format("call_id\tspeaker\tcontent\n", &f),
            InputFormat::Tsv
        );
        // A comma in a transcript line is not CSV.
        assert_eq!(
            detect_format("客户：你好，我的快递, 还没到\n", &f),
            InputFormat::Text
        );
        assert_eq!(detect_format("[\n  {\n", &f), InputFormat::Jsonl);
        assert_eq!(detect_format("[00:01] 客服：您好\n", &f), InputFormat::Text);
        assert_eq!(detect_format("id,text\r1,你好\r", &f), InputFormat::Csv);
        let custom = FieldMap {
            text: Some("body".into()),
            ..FieldMap::default()
        };
        assert_eq!(detect_format("x,body\n", &custom), InputFormat::Csv);
    }
}
