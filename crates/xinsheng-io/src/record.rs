//! What readers yield: records to score and per-record errors.

use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};
use xinsheng::Speaker;

use crate::fields::Role;

/// Where a record comes from: an input name and a 1-based line number.
///
/// Displays as `file:line` (or just `file` for line 0, an error about the whole input).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    /// The input as named on the command line (`<stdin>` for standard input).
    pub file: Arc<str>,
    /// 1-based line number where the record starts; 0 for the whole input.
    pub line: u64,
}

impl Source {
    /// A source.
    pub fn new(file: Arc<str>, line: u64) -> Source {
        Source { file, line }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.file)
        } else {
            write!(f, "{}:{}", self.file, self.line)
        }
    }
}

impl Serialize for Source {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The header of a CSV/TSV input, shared by its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvHeader {
    /// Column names as read.
    pub names: Vec<String>,
    /// Column names made unique (`name`, `name_2` …), used as JSON keys.
    pub keys: Vec<String>,
    /// The column of each role, indexed like [`Role::ALL`].
    pub roles: [Option<usize>; 5],
}

impl CsvHeader {
    /// A header from its column names and the columns of each role.
    pub fn new(names: Vec<String>, roles: [Option<usize>; 5]) -> CsvHeader {
        let mut keys: Vec<String> = Vec::with_capacity(names.len());
        for name in &names {
            let mut k = name.clone();
            let mut n = 1;
            while keys.contains(&k) {
                n += 1;
                k = format!("{name}_{n}");
            }
            keys.push(k);
        }
        CsvHeader { names, keys, roles }
    }

    /// The column of a role, if the header has one.
    pub fn column(&self, role: Role) -> Option<usize> {
        self.roles[role as usize]
    }
}

/// The original input record, carried through to the output untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Original {
    /// A JSON object, as its line was read (trimmed, valid JSON).
    Json {
        /// The line.
        line: String,
        /// The object has no keys (`{}`).
        empty: bool,
        /// The object already has an `xinsheng` key (replaced in the output).
        has_xinsheng: bool,
    },
    /// A CSV/TSV row.
    Csv {
        /// The input's header.
        header: Arc<CsvHeader>,
        /// The row's fields (as many as in the row, which may differ from the header).
        fields: Vec<String>,
    },
    /// A transcript line: its fields are the record's own (call id, turn, time, speaker,
    /// text).
    Text,
}

/// One utterance read from an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Where it was read.
    pub source: Source,
    /// The conversation it belongs to, when the input says (an id field, or a transcript
    /// header / file).
    pub call_id: Option<String>,
    /// The turn field's value (or, for transcripts, the 1-based turn in its conversation).
    pub turn: Option<String>,
    /// Who spoke, mapped with the [`crate::SpeakerMap`].
    pub speaker: Speaker,
    /// The speaker label as written, when there is one.
    pub speaker_label: Option<String>,
    /// The time field's value, when there is one.
    pub time: Option<String>,
    /// The utterance.
    pub text: String,
    /// The original record.
    pub original: Original,
}

impl Record {
    /// The value of a role as text, for tables and CSV columns.
    pub fn role_value(&self, role: Role) -> Option<&str> {
        match role {
            Role::Id => self.call_id.as_deref(),
            Role::Turn => self.turn.as_deref(),
            Role::Speaker => self.speaker_label.as_deref(),
            Role::Text => Some(&self.text),
            Role::Time => self.time.as_deref(),
        }
    }
}

/// A record that could not be read: `file:line: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// Where.
    pub source: Source,
    /// Why, e.g. `invalid JSON: expected value at line 1 column 2`.
    pub message: String,
}

impl RecordError {
    /// An error.
    pub fn new(source: Source, message: impl Into<String>) -> RecordError {
        RecordError {
            source,
            message: message.into(),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

impl std::error::Error for RecordError {}

/// What a reader yields for each input record (blank lines yield nothing and are counted
/// as skipped).
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A record to score.
    Record(Record),
    /// A record that could not be read.
    Error(RecordError),
}

impl Item {
    /// Where the item was read.
    pub fn source(&self) -> &Source {
        match self {
            Item::Record(r) => &r.source,
            Item::Error(e) => &e.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keys_are_unique() {
        let h = CsvHeader::new(vec!["a".into(), "a".into(), "a_2".into()], [None; 5]);
        assert_eq!(h.keys, ["a", "a_2", "a_2_2"]);
    }

    #[test]
    fn source_display() {
        let s = Source::new("x.jsonl".into(), 7);
        assert_eq!(s.to_string(), "x.jsonl:7");
        assert_eq!(Source::new("x".into(), 0).to_string(), "x");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"x.jsonl:7\"");
    }
}
