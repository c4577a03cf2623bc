//! Calls made whole before scoring: the records of one input with the same call id are
//! brought together wherever they stand (chat exports ordered by time interleave
//! concurrent sessions), for `calls` and `flag`.
//!
//! Per input, records are held in memory up to a budget of bytes ([`REGROUP_BYTES`]);
//! past it, the held records are sorted and written to an anonymous temporary file (a
//! *run*, see [`crate::spill`]) and memory starts over. At the end of the input the runs
//! and what is still held are merged and handed on in this order:
//!
//! 1. calls in the order of their first record (a record that could not be read stands
//!    alone, at its own place);
//! 2. within a call, by the turn field when the records have one, else the time field
//!    (numbers as numbers, anything else as text), then input order.
//!
//! Already grouped input comes out as it went in (the sort is over a key it already
//! follows); a small input never touches the disk. A file larger than the budget is
//! first read once with [`Regrouper::scan`], which keeps nothing but the call ids: when
//! its items are already in that order (the usual export, one call after another), the
//! pipeline reads it again and hands its items on as they come, neither held nor sorted
//! nor spilled, so that scoring overlaps the second read; else it is read again through
//! [`Regrouper::push`]. Memory: the held records (at most about [`REGROUP_BYTES`]), plus
//! one entry per distinct call id of the input being read (its first position) and one
//! 16-byte entry per call id for the check across inputs (at most [`MAX_TRACKED_IDS`]
//! of them).

use std::cmp::{Ordering, Reverse};
use std::collections::hash_map::DefaultHasher;
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use xinsheng::Speaker;
use xinsheng_io::{CsvHeader, Item, Original, Record, RecordError, Source};

use crate::spill::{RunReader, RunWriter};

/// Default bytes of records of one input held in memory before they are spilled.
pub const REGROUP_BYTES: usize = 16 << 20;

/// Most runs of one input kept open: past it, they are merged into one.
pub const MAX_RUNS: usize = 64;

/// Most call ids remembered for the check across inputs (about 16 bytes each); past it,
/// ids of later inputs are not checked (and a warning says so).
pub const MAX_TRACKED_IDS: usize = 1 << 20;

/// Call ids found in two inputs that are named one by one in warnings (the rest are
/// counted).
pub const MAX_SHARED_SHOWN: u64 = 5;

/// What the temporary files are for, in messages.
const WHAT: &str = "grouping calls";
/// What to do when they cannot be made.
const HINT: &str = "set TMPDIR to a directory with room";

/// Bytes counted for a held record besides its text.
const HELD_OVERHEAD: usize = 160;

/// The place of a record in its call: by its turn (else time) field, else input order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Order {
    /// No turn or time field: input order.
    Input,
    /// A numeric turn or time.
    Number(f64),
    /// Any other turn or time, compared as text.
    Text(String),
}

impl Order {
    fn of(record: &Record) -> Order {
        let Some(v) = record.turn.as_deref().or(record.time.as_deref()) else {
            return Order::Input;
        };
        let v = v.trim();
        if v.is_empty() {
            return Order::Input;
        }
        match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Order::Number(n),
            _ => Order::Text(v.to_string()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Order::Input => 0,
            Order::Number(_) => 1,
            Order::Text(_) => 2,
        }
    }

    fn cmp(&self, other: &Order) -> Ordering {
        match (self, other) {
            (Order::Number(a), Order::Number(b)) => a.total_cmp(b),
            (Order::Text(a), Order::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// The sort key of a held item: its call's first position, its order in the call, its
/// own position (unique: the order is total).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Key {
    call: u64,
    order: Order,
    seq: u64,
}

impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(Ord::cmp(self, other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.call
            .cmp(&other.call)
            .then_with(|| self.order.cmp(&other.order))
            .then_with(|| self.seq.cmp(&other.seq))
    }
}

#[derive(Debug)]
struct Held {
    key: Key,
    item: Item,
}

/// A held item as written to a run, after its key (a line of its own, so that a merge
/// holds only the keys of the runs' heads, not their records); the input's name and CSV
/// header are the input's.
#[derive(Serialize, Deserialize)]
struct Stored {
    line: u64,
    item: StoredItem,
}

#[derive(Serialize, Deserialize)]
enum StoredItem {
    Error(String),
    Record {
        call_id: Option<String>,
        turn: Option<String>,
        speaker: Speaker,
        speaker_label: Option<String>,
        time: Option<String>,
        /// The text's length in bytes: the text follows the line, raw.
        text_len: usize,
        original: StoredOriginal,
    },
}

#[derive(Serialize, Deserialize)]
enum StoredOriginal {
    Json {
        line: String,
        empty: bool,
        has_xinsheng: bool,
    },
    Csv(Vec<String>),
    Text,
}

/// Write a held item to a run: its key, then the rest.
fn write_held(w: &mut RunWriter, h: Held) -> io::Result<()> {
    w.push(&h.key)?;
    let (_, stored, text) = Stored::from_held(h);
    w.push(&stored)?;
    w.push_bytes(text.as_bytes())
}

/// Read a held item written by [`write_held`], after its key.
fn read_held(
    r: &mut RunReader,
    key: Key,
    name: &Arc<str>,
    header: &Option<Arc<CsvHeader>>,
) -> io::Result<Held> {
    let stored = r.read::<Stored>()?.ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{WHAT}: a temporary file ends early"),
        )
    })?;
    let text = match &stored.item {
        StoredItem::Record { text_len, .. } => {
            String::from_utf8(r.bytes(*text_len)?).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{WHAT}: a temporary file does not read back: {e}"),
                )
            })?
        }
        StoredItem::Error(_) => String::new(),
    };
    Ok(stored.into_held(key, text, name, header))
}

impl Stored {
    fn from_held(h: Held) -> (Key, Stored, String) {
        let line = h.item.source().line;
        let mut text = String::new();
        let item = match h.item {
            Item::Error(e) => StoredItem::Error(e.message),
            Item::Record(r) => StoredItem::Record {
                call_id: r.call_id,
                turn: r.turn,
                speaker: r.speaker,
                speaker_label: r.speaker_label,
                time: r.time,
                text_len: {
                    text = r.text;
                    text.len()
                },
                original: match r.original {
                    Original::Json {
                        line,
                        empty,
                        has_xinsheng,
                    } => StoredOriginal::Json {
                        line,
                        empty,
                        has_xinsheng,
                    },
                    Original::Csv { fields, .. } => StoredOriginal::Csv(fields),
                    Original::Text => StoredOriginal::Text,
                },
            },
        };
        (h.key, Stored { line, item }, text)
    }

    fn into_held(
        self,
        key: Key,
        text: String,
        name: &Arc<str>,
        header: &Option<Arc<CsvHeader>>,
    ) -> Held {
        let source = Source::new(name.clone(), self.line);
        let item = match self.item {
            StoredItem::Error(message) => Item::Error(RecordError::new(source, message)),
            StoredItem::Record {
                call_id,
                turn,
                speaker,
                speaker_label,
                time,
                text_len: _,
                original,
            } => Item::Record(Record {
                source,
                call_id,
                turn,
                speaker,
                speaker_label,
                time,
                text,
                original: match original {
                    StoredOriginal::Json {
                        line,
                        empty,
                        has_xinsheng,
                    } => Original::Json {
                        line,
                        empty,
                        has_xinsheng,
                    },
                    StoredOriginal::Csv(fields) => Original::Csv {
                        header: header
                            .clone()
                            .unwrap_or_else(|| Arc::new(CsvHeader::new(Vec::new(), [None; 5]))),
                        fields,
                    },
                    StoredOriginal::Text => Original::Text,
                },
            }),
        };
        Held { key, item }
    }
}

/// About how many bytes an item holds.
fn held_bytes(item: &Item) -> usize {
    HELD_OVERHEAD
        + match item {
            Item::Error(e) => e.message.len(),
            Item::Record(r) => {
                r.text.len()
                    + match &r.original {
                        Original::Json { line, .. } => line.len(),
                        Original::Csv { fields, .. } => fields.iter().map(|f| f.len() + 24).sum(),
                        Original::Text => 0,
                    }
            }
        }
}

/// How an input ended: what to report besides its items.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct InputEnd {
    /// The whole input is an error (its records were not handed on): `--id-field` names a
    /// field none of its records has.
    pub error: Option<String>,
    /// Warnings, in a stable order: call ids found in an earlier input too.
    pub warnings: Vec<String>,
}

/// Regroups the items of one input after another (see the module).
#[derive(Debug)]
pub struct Regrouper {
    budget: usize,
    /// The `--id-field` given, if any: an input none of whose records has it is an error.
    id_field: Option<String>,
    // Across inputs.
    /// Hash of a call id → the input (index in `names`) it was first found in.
    seen: HashMap<u64, u32>,
    names: Vec<Arc<str>>,
    untracked_warned: bool,
    /// Call ids found in two inputs.
    pub shared_ids: u64,
    // The input being read.
    name: Option<Arc<str>>,
    header: Option<Arc<CsvHeader>>,
    /// Each call id's first position.
    first: HashMap<String, u64>,
    /// The first position of a record without a call id (they are one call).
    first_without_id: Option<u64>,
    records: u64,
    with_id: u64,
    seq: u64,
    /// The key of the last item [`Regrouper::scan`] saw.
    last: Option<Key>,
    held: Vec<Held>,
    held_bytes: usize,
    runs: Vec<File>,
    max_runs: usize,
}

impl Regrouper {
    /// A regrouper holding about `budget` bytes of records in memory; `id_field`: the
    /// `--id-field` given, if any.
    pub fn new(budget: usize, id_field: Option<String>) -> Regrouper {
        Regrouper {
            budget: budget.max(1),
            id_field,
            seen: HashMap::new(),
            names: Vec::new(),
            untracked_warned: false,
            shared_ids: 0,
            name: None,
            header: None,
            first: HashMap::new(),
            first_without_id: None,
            records: 0,
            with_id: 0,
            seq: 0,
            last: None,
            held: Vec::new(),
            held_bytes: 0,
            runs: Vec::new(),
            max_runs: MAX_RUNS,
        }
    }

    /// Runs of the input being read written so far.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// An item of the current input, in input order.
    pub fn push(&mut self, item: Item) -> io::Result<()> {
        let key = self.key(&item);
        self.held_bytes += held_bytes(&item);
        self.held.push(Held { key, item });
        if self.held_bytes >= self.budget {
            self.spill()?;
        }
        Ok(())
    }

    /// Note an item of the current input, in input order, without holding it: the first
    /// of two reads of an input (see [`Regrouper::finish_scan`]). False as soon as the
    /// input is not already in the order the regrouping would give it (a call id found
    /// again after another call or an error, or turns out of turn order): then
    /// [`Regrouper::reset`] and read the input again with [`Regrouper::push`].
    pub fn scan(&mut self, item: &Item) -> bool {
        let key = self.key(item);
        // Keys strictly rising in input order: sorting them changes nothing.
        let in_order = self.last.as_ref().is_none_or(|last| key > *last);
        self.last = Some(key);
        in_order
    }

    /// The sort key of the next item of the current input, noting its call.
    fn key(&mut self, item: &Item) -> Key {
        let seq = self.seq;
        self.seq += 1;
        if self.name.is_none() {
            self.name = Some(item.source().file.clone());
        }
        match item {
            Item::Error(_) => Key {
                call: seq,
                order: Order::Input,
                seq,
            },
            Item::Record(r) => {
                self.records += 1;
                if let Original::Csv { header, .. } = &r.original {
                    if self.header.is_none() {
                        self.header = Some(header.clone());
                    }
                }
                let call = match &r.call_id {
                    Some(id) => {
                        self.with_id += 1;
                        match self.first.get(id) {
                            Some(&at) => at,
                            None => {
                                self.first.insert(id.clone(), seq);
                                seq
                            }
                        }
                    }
                    None => *self.first_without_id.get_or_insert(seq),
                };
                Key {
                    call,
                    order: Order::of(r),
                    seq,
                }
            }
        }
    }

    /// Sort what is held and write it as one more run (merging the runs into one first
    /// when there are [`MAX_RUNS`] of them).
    fn spill(&mut self) -> io::Result<()> {
        if self.runs.len() >= self.max_runs {
            let mut w = RunWriter::new(WHAT, HINT)?;
            let runs = std::mem::take(&mut self.runs);
            self.merge(&runs, Vec::new(), |h| write_held(&mut w, h))?;
            self.runs = vec![w.finish()?];
        }
        let mut held = std::mem::take(&mut self.held);
        held.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        let mut w = RunWriter::new(WHAT, HINT)?;
        for h in held {
            write_held(&mut w, h)?;
        }
        self.runs.push(w.finish()?);
        self.held_bytes = 0;
        Ok(())
    }

    /// Visit the items of the sorted `runs` and of `held` (sorted here) in key order.
    fn merge(
        &self,
        runs: &[File],
        mut held: Vec<Held>,
        mut visit: impl FnMut(Held) -> io::Result<()>,
    ) -> io::Result<()> {
        held.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        let empty: Arc<str> = Arc::from("");
        let name = self.name.as_ref().unwrap_or(&empty);
        let mut readers = Vec::with_capacity(runs.len());
        for f in runs {
            readers.push(RunReader::new(f, WHAT)?);
        }
        // The key of each run's next item (its record is read when it is taken).
        let mut heap = BinaryHeap::with_capacity(readers.len() + 1);
        for (i, r) in readers.iter_mut().enumerate() {
            if let Some(k) = r.read::<Key>()? {
                heap.push(Reverse((k, i)));
            }
        }
        let memory = readers.len();
        let mut rest = held.into_iter().peekable();
        if let Some(h) = rest.peek() {
            heap.push(Reverse((h.key.clone(), memory)));
        }
        while let Some(Reverse((key, i))) = heap.pop() {
            let next = if i == memory {
                let h = rest.next();
                if let Some(n) = rest.peek() {
                    heap.push(Reverse((n.key.clone(), memory)));
                }
                h
            } else {
                let h = read_held(&mut readers[i], key, name, &self.header)?;
                if let Some(k) = readers[i].read::<Key>()? {
                    heap.push(Reverse((k, i)));
                }
                Some(h)
            };
            if let Some(h) = next {
                visit(h)?;
            }
        }
        Ok(())
    }

    /// The end of the current input: hand its items to `emit` in call order (only its
    /// errors when the input is an error, see [`InputEnd::error`]); the regrouper is then
    /// ready for the next input.
    pub fn finish_input(&mut self, mut emit: impl FnMut(Item) -> bool) -> io::Result<InputEnd> {
        let end = self.end();
        let keep_records = end.error.is_none();
        let held = std::mem::take(&mut self.held);
        let runs = std::mem::take(&mut self.runs);
        let mut stopped = false;
        self.merge(&runs, held, |h| {
            if !stopped && (keep_records || matches!(h.item, Item::Error(_))) {
                stopped = !emit(h.item);
            }
            Ok(())
        })?;
        self.reset();
        Ok(end)
    }

    /// The end of an input every item of which [`Regrouper::scan`] found in order: what
    /// to report besides its items, which are handed on as they are read the second time
    /// (only its errors when the input is an error, see [`InputEnd::error`]); the
    /// regrouper is then ready for the next input.
    pub fn finish_scan(&mut self) -> InputEnd {
        let end = self.end();
        self.reset();
        end
    }

    /// The error and warnings of the current input's end (its call ids are then known
    /// for the check across inputs).
    fn end(&mut self) -> InputEnd {
        let mut end = InputEnd::default();
        if let Some(field) = &self.id_field {
            if self.records > 0 && self.with_id == 0 {
                end.error = Some(format!(
                    "--id-field {field:?}: none of its {} records has this field; its calls \
                     cannot be told apart, so it was not scored (name the call id field \
                     with --id-field, or leave it out to use the defaults)",
                    self.records
                ));
            }
        }
        if end.error.is_none() {
            self.check_shared(&mut end);
        }
        end
    }

    /// Forget the current input (after an error reading it).
    pub fn reset(&mut self) {
        self.name = None;
        self.header = None;
        self.first.clear();
        self.first_without_id = None;
        self.records = 0;
        self.with_id = 0;
        self.seq = 0;
        self.last = None;
        self.held.clear();
        self.held_bytes = 0;
        self.runs.clear();
    }

    /// Warn about the call ids of the current input found in an earlier one.
    fn check_shared(&mut self, end: &mut InputEnd) {
        let Some(name) = self.name.clone() else {
            return;
        };
        let index = self.names.len() as u32;
        self.names.push(name.clone());
        let mut ids: Vec<(&String, &u64)> = self.first.iter().collect();
        ids.sort_unstable_by_key(|(_, &at)| at);
        for (id, _) in ids {
            let mut h = DefaultHasher::new();
            id.hash(&mut h);
            let hash = h.finish();
            match self.seen.get(&hash) {
                Some(&other) if other != index => {
                    self.shared_ids += 1;
                    if self.shared_ids <= MAX_SHARED_SHOWN {
                        end.warnings.push(format!(
                            "call id {id:?} is in both {} and {name}: calls never span inputs, \
                             so it is summarized once per input",
                            self.names[other as usize]
                        ));
                    }
                }
                Some(_) => {}
                None if self.seen.len() < MAX_TRACKED_IDS => {
                    self.seen.insert(hash, index);
                }
                None => {
                    if !self.untracked_warned {
                        self.untracked_warned = true;
                        end.warnings.push(format!(
                            "more than {MAX_TRACKED_IDS} call ids: from {name} on, call ids \
                             are not checked across inputs"
                        ));
                    }
                }
            }
        }
    }

    /// The closing warning of the run, when more call ids were found in two inputs than
    /// were named.
    pub fn closing_warning(&self) -> Option<String> {
        (self.shared_ids > MAX_SHARED_SHOWN).then(|| {
            format!(
                "{} call ids are each in more than one input ({MAX_SHARED_SHOWN} named above)",
                self.shared_ids
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xinsheng_io::ReadOptions;

    fn regroup(name: &str, input: &str, budget: usize, max_runs: usize) -> (Vec<String>, usize) {
        let mut g = Regrouper::new(budget, None);
        g.max_runs = max_runs;
        let mut runs = 0;
        for item in xinsheng_io::read(name, input.as_bytes(), &ReadOptions::default()).unwrap() {
            g.push(item).unwrap();
            runs = runs.max(g.runs());
        }
        let mut out = Vec::new();
        let end = g
            .finish_input(|item| {
                out.push(match item {
                    Item::Record(r) => format!("{}:{}", r.source.line, r.text),
                    Item::Error(e) => format!("{}:error", e.source.line),
                });
                true
            })
            .unwrap();
        assert_eq!(end, InputEnd::default());
        (out, runs)
    }

    #[test]
    fn interleaved_calls_come_out_whole_in_order_of_their_first_record() {
        let input = "{\"call_id\":\"A\",\"text\":\"a1\"}\n\
                     {\"call_id\":\"B\",\"text\":\"b1\"}\n\
                     not json\n\
                     {\"text\":\"x1\"}\n\
                     {\"call_id\":\"A\",\"text\":\"a2\"}\n\
                     {\"call_id\":\"B\",\"text\":\"b2\"}\n\
                     {\"text\":\"x2\"}\n\
                     {\"call_id\":\"C\",\"text\":\"c1\"}\n";
        let want = [
            "1:a1", "5:a2", "2:b1", "6:b2", "3:error", "4:x1", "7:x2", "8:c1",
        ];
        let (memory, runs) = regroup("i.jsonl", input, REGROUP_BYTES, MAX_RUNS);
        assert_eq!(runs, 0);
        assert_eq!(memory, want);
        // Spilled after every record, with runs merged as they pile up: the same.
        for max_runs in [1, 2, MAX_RUNS] {
            let (spilled, runs) = regroup("i.jsonl", input, 1, max_runs);
            assert!(runs >= 1 && runs <= max_runs.max(1) + 1, "{runs}");
            assert_eq!(spilled, want, "max_runs {max_runs}");
        }
    }

    #[test]
    fn turns_follow_the_turn_field_then_the_time_field_then_input_order() {
        let input = "{\"call_id\":\"A\",\"turn\":3,\"text\":\"t3\"}\n\
                     {\"call_id\":\"A\",\"turn\":1,\"text\":\"t1\"}\n\
                     {\"call_id\":\"A\",\"turn\":10,\"text\":\"t10\"}\n\
                     {\"call_id\":\"A\",\"turn\":2,\"text\":\"t2\"}\n\
                     {\"call_id\":\"B\",\"time\":\"2024-05-01 09:00:09\",\"text\":\"late\"}\n\
                     {\"call_id\":\"B\",\"time\":\"2024-05-01 09:00:01\",\"text\":\"early\"}\n";
        let (out, _) = regroup("t.jsonl", input, REGROUP_BYTES, MAX_RUNS);
        assert_eq!(out, ["2:t1", "4:t2", "1:t3", "3:t10", "6:early", "5:late"]);
        let (spilled, _) = regroup("t.jsonl", input, 1, 2);
        assert_eq!(spilled, out);
    }

    /// Whether [`Regrouper::scan`] finds every item of `input` in order.
    fn scans_in_order(input: &str) -> bool {
        let mut g = Regrouper::new(REGROUP_BYTES, None);
        let in_order = xinsheng_io::read("s.jsonl", input.as_bytes(), &ReadOptions::default())
            .unwrap()
            .all(|item| g.scan(&item));
        g.reset();
        in_order
    }

    #[test]
    fn a_scan_finds_grouped_input_in_order_and_anything_the_sort_would_move_not() {
        let a = |turn: &str| format!("{{\"call_id\":\"A\"{turn},\"text\":\"a\"}}\n");
        let b = || "{\"call_id\":\"B\",\"text\":\"b\"}\n".to_string();
        let no_id = || "{\"text\":\"x\"}\n".to_string();
        let bad = || "bad\n".to_string();
        let t = |n: u32| format!(",\"turn\":{n}");
        // Whole calls, turns rising (or equal, or without a turn field), an error or a
        // call without an id between them: in order.
        assert!(scans_in_order(
            &[a(""), a(""), b(), bad(), no_id()].concat()
        ));
        assert!(scans_in_order(
            &[a(&t(1)), a(&t(2)), a(&t(2)), b()].concat()
        ));
        // A call found again after another call, after an error, turns going back, the
        // records without an id split: the sort would move them.
        assert!(!scans_in_order(&[a(""), b(), a("")].concat()));
        assert!(!scans_in_order(&[a(""), bad(), a("")].concat()));
        assert!(!scans_in_order(&[a(&t(2)), a(&t(1))].concat()));
        assert!(!scans_in_order(&[no_id(), b(), no_id()].concat()));
        // Whenever a scan finds an input in order, regrouping gives it back as it is.
        let input = [a(&t(1)), a(&t(3)), bad(), b(), no_id()].concat();
        assert!(scans_in_order(&input));
        let (out, _) = regroup("s.jsonl", &input, REGROUP_BYTES, MAX_RUNS);
        assert_eq!(out, ["1:a", "2:a", "3:error", "4:b", "5:x"]);
    }

    #[test]
    fn csv_records_read_back_with_their_header() {
        let input = "call_id,speaker,text\nA,客户,一\nB,客服,二\nA,客户,三\n";
        let mut g = Regrouper::new(1, None);
        let items: Vec<Item> =
            xinsheng_io::read("c.csv", input.as_bytes(), &ReadOptions::default())
                .unwrap()
                .collect();
        let originals: Vec<Item> = items.clone();
        for item in items {
            g.push(item).unwrap();
        }
        let mut out = Vec::new();
        g.finish_input(|item| {
            out.push(item);
            true
        })
        .unwrap();
        assert_eq!(
            out,
            [
                originals[0].clone(),
                originals[2].clone(),
                originals[1].clone()
            ]
        );
    }

    #[test]
    fn a_missing_id_field_is_an_error_and_shared_ids_are_reported() {
        let mut g = Regrouper::new(REGROUP_BYTES, Some("sess".into()));
        for item in xinsheng_io::read(
            "a.jsonl",
            "{\"text\":\"一\"}\nbad\n".as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap()
        {
            g.push(item).unwrap();
        }
        let mut kept = Vec::new();
        let end = g.finish_input(|i| {
            kept.push(i);
            true
        });
        let end = end.unwrap();
        assert!(end.error.unwrap().contains("--id-field \"sess\""));
        assert_eq!(kept.len(), 1, "the error record is still handed on");
        assert!(matches!(kept[0], Item::Error(_)));

        let mut g = Regrouper::new(REGROUP_BYTES, None);
        let mut ends = Vec::new();
        for name in ["a.jsonl", "b.jsonl", "c.jsonl"] {
            let input =
                "{\"call_id\":\"K1\",\"text\":\"一\"}\n{\"call_id\":\"K2\",\"text\":\"二\"}\n";
            for item in xinsheng_io::read(name, input.as_bytes(), &ReadOptions::default()).unwrap()
            {
                g.push(item).unwrap();
            }
            ends.push(g.finish_input(|_| true).unwrap());
        }
        assert!(ends[0].warnings.is_empty());
        assert_eq!(ends[1].warnings.len(), 2);
        assert!(ends[1].warnings[0].contains("\"K1\" is in both a.jsonl and b.jsonl"));
        assert!(ends[2].warnings[1].contains("\"K2\" is in both a.jsonl and c.jsonl"));
        assert_eq!(g.shared_ids, 4);
        assert_eq!(g.closing_warning(), None);
    }
}
