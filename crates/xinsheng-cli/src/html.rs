//! `flag --format html`: the QA worklist as one self-contained HTML page.
//!
//! An index of the flagged calls (riskiest first) links to one section per call: its
//! reasons, each linked to the turn that shows it, and the whole transcript with every
//! matched cue and agent phrase marked in the text (hover for category and severity;
//! negated or quoted cues are struck through). No script, no external file: the page
//! opens offline and can be mailed or archived. The same input gives the same bytes.

use std::fmt::Write as _;
use std::io::{self, Write};

use xinsheng::Speaker;

use crate::call::Flagged;
pub use crate::call::{transcript, Mark, MarkKind, TranscriptTurn};
use crate::worklist::Worklist;

/// Escape text for HTML content and attribute values.
fn esc(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    esc(&mut out, s);
    out
}

/// The turn's text with its marks as `<mark>` runs. Overlapping marks are split into
/// runs of chars covered by the same marks; a run shows its strongest mark's colour and
/// every covering mark's label. A sweep over the marks' ends: linear in the text and in
/// the marks (a whole transcript in one turn, with thousands of cues, stays fast).
fn marked_text(out: &mut String, t: &TranscriptTurn) {
    let chars: Vec<char> = t.text.chars().collect();
    let n = chars.len();
    let marks: Vec<&Mark> = t
        .marks
        .iter()
        .filter(|m| m.start < m.end && m.end <= n)
        .collect();
    if marks.is_empty() {
        esc(out, &t.text);
        return;
    }
    let mut bounds: Vec<usize> = marks.iter().flat_map(|m| [m.start, m.end]).collect();
    bounds.push(0);
    bounds.push(n);
    bounds.sort_unstable();
    bounds.dedup();
    let mut by_start: Vec<usize> = (0..marks.len()).collect();
    by_start.sort_by_key(|&k| (marks[k].start, k));
    let mut next = 0;
    // Marks covering the current run, in input order.
    let mut active: Vec<usize> = Vec::new();
    for w in bounds.windows(2) {
        let (from, to) = (w[0], w[1]);
        active.retain(|&k| marks[k].end > from);
        while next < by_start.len() && marks[by_start[next]].start == from {
            active.push(by_start[next]);
            next += 1;
        }
        active.sort_unstable();
        let run: String = chars[from..to].iter().collect();
        match active.iter().max_by_key(|&&k| marks[k].kind.rank()) {
            None => esc(out, &run),
            Some(&top) => {
                let labels: Vec<&str> = active.iter().map(|&k| marks[k].label.as_str()).collect();
                let _ = write!(
                    out,
                    "<mark class=\"{}\" title=\"{}\">",
                    marks[top].kind.class(),
                    escaped(&labels.join("; "))
                );
                esc(out, &run);
                out.push_str("</mark>");
            }
        }
    }
}

fn call_name(f: &Flagged) -> String {
    match f.part {
        Some(p) => format!("{} (part {p})", f.call_id),
        None => f.call_id.clone(),
    }
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-top:1px solid #ccc;padding-top:1em}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e4e4e4;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;white-space:nowrap}
.lvl{font-weight:bold;padding:.1em .4em;border-radius:.3em;color:#fff;white-space:nowrap}
.critical{background:#b00020}.high{background:#d9480f}.medium{background:#e8a200}.low{background:#6b8e23}.none{background:#888}
tr.agent td.text{color:#334}tr.evidence{background:#fff4e5}
mark{border-radius:.2em;padding:0 .1em}mark.hi{background:#ffb3b3}mark.mid{background:#ffd8a8}mark.lo{background:#fff3bf}
mark.off{background:none;text-decoration:line-through dotted}mark.ban{background:#d0bfff}mark.good{background:#c3fae8}
.muted{color:#777}a{color:#1c5fb8}
";

/// Default most calls shown in detail (reasons and whole transcript) in the HTML page;
/// the index lists every call. `flag --top N` sets it to N.
pub const DEFAULT_HTML_SECTIONS: usize = 500;

/// Write the worklist as one HTML page; `note` is shown under the title (the run's
/// summary line, say). The index lists every call; the first `max_sections` have a
/// section with their reasons and transcript (the page says how many have none); the
/// records that could not be read close the page, in input order.
pub fn write_report<W: Write>(
    w: &mut W,
    flagged: &mut Worklist,
    note: &str,
    max_sections: usize,
) -> io::Result<()> {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<title>xinsheng flag: {} call(s)</title>\n<style>\n{STYLE}</style>\n</head>\n<body>",
        flagged.len()
    );
    let _ = writeln!(out, "<h1>心声 xinsheng · calls to review</h1>");
    if !note.is_empty() {
        let _ = writeln!(out, "<p class=\"muted\">{}</p>", escaped(note));
    }
    let errors = flagged.errors().len();
    if errors > 0 {
        let _ = writeln!(
            out,
            "<p><a href=\"#errors\">{errors} record{} could not be read</a> (listed at the end).</p>",
            if errors == 1 { "" } else { "s" }
        );
    }
    let hidden = flagged.len().saturating_sub(max_sections);
    if flagged.is_empty() {
        out.push_str("<p>No call reached the level.</p>\n");
    } else {
        if hidden > 0 {
            let _ = writeln!(
                out,
                "<p>The first {max_sections} calls are shown in detail below; the other \
                 {hidden} are listed in this index only (flag --top N shows N in detail; \
                 --format jsonl lists every reason of every call).</p>"
            );
        }
        out.push_str(
            "<table>\n<tr><th>#</th><th>call</th><th>level</th><th>risk</th><th>turns</th>\
             <th>trajectory</th><th>first reason</th></tr>\n",
        );
        flagged.for_each(|f| {
            index_row(&mut out, f, f.rank <= max_sections);
            // The index of a long list is written as it grows.
            if out.len() >= 1 << 16 {
                w.write_all(out.as_bytes())?;
                out.clear();
            }
            Ok(())
        })?;
        out.push_str("</table>\n");
    }
    w.write_all(out.as_bytes())?;
    flagged.for_each(|f| {
        if f.rank > max_sections {
            return Ok(());
        }
        out.clear();
        section(&mut out, f);
        w.write_all(out.as_bytes())
    })?;
    write_errors(w, flagged)?;
    w.write_all(b"</body>\n</html>\n")?;
    w.flush()
}

/// One row of the index; `linked` when the call has a section.
fn index_row(out: &mut String, f: &Flagged, linked: bool) {
    let top = f
        .reasons
        .first()
        .map(|r| r.detail.as_str())
        .unwrap_or_default();
    let name = escaped(&call_name(f));
    let call = if linked {
        format!("<a href=\"#call-{}\">{name}</a>", f.rank)
    } else {
        name
    };
    let _ = writeln!(
        out,
        "<tr><td class=\"num\">{}</td><td>{call}</td>\
         <td><span class=\"lvl {}\">{}</span>{}</td><td class=\"num\">{:.2}</td>\
         <td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
        f.rank,
        f.level.as_str(),
        f.level.as_str(),
        if f.escalated { " escalated" } else { "" },
        f.risk,
        f.turns,
        f.trajectory,
        escaped(top),
    );
}

/// The section of the records that could not be read: `file:line` and reason, in input
/// order.
fn write_errors<W: Write>(w: &mut W, flagged: &mut Worklist) -> io::Result<()> {
    let n = flagged.errors().len();
    if n == 0 {
        return Ok(());
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<section id=\"errors\">\n<h2>{n} record{} could not be read</h2>\n<table>\n\
         <tr><th>source</th><th>reason</th></tr>",
        if n == 1 { "" } else { "s" }
    );
    flagged.errors().for_each(|e| {
        let _ = writeln!(
            out,
            "<tr><td class=\"muted\">{}</td><td>{}</td></tr>",
            escaped(&e.source.to_string()),
            escaped(&e.message)
        );
        if out.len() >= 1 << 16 {
            w.write_all(out.as_bytes())?;
            out.clear();
        }
        Ok(())
    })?;
    out.push_str("</table>\n</section>\n");
    w.write_all(out.as_bytes())
}

fn section(out: &mut String, f: &Flagged) {
    let r = f.rank;
    let _ = writeln!(
        out,
        "<section id=\"call-{r}\">\n<h2>#{r} {} <span class=\"lvl {}\">{}</span> risk {:.2}{} \
         <span class=\"muted\">{} turns, {}, {}</span></h2>",
        escaped(&call_name(f)),
        f.level.as_str(),
        f.level.as_str(),
        f.risk,
        if f.escalated { ", escalated" } else { "" },
        f.turns,
        f.trajectory,
        escaped(&f.source),
    );
    out.push_str("<ol>\n");
    for reason in &f.reasons {
        let turn = reason.evidence.as_ref().map(|e| e.turn);
        let _ = write!(
            out,
            "<li><b>{}</b> {} <span class=\"muted\">+{:.2}</span>",
            reason.kind,
            escaped(&reason.detail),
            reason.weight
        );
        if let Some(t) = turn {
            let _ = write!(out, " · <a href=\"#call-{r}-turn-{t}\">turn {t}</a>");
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
    let evidence: Vec<usize> = f
        .reasons
        .iter()
        .filter_map(|x| x.evidence.as_ref().map(|e| e.turn))
        .collect();
    out.push_str(
        "<table>\n<tr><th>turn</th><th>speaker</th><th>text</th><th>valence</th>\
         <th>level</th><th>source</th></tr>\n",
    );
    for (i, t) in f.transcript.iter().enumerate() {
        let mut class = String::from(if t.speaker == Speaker::Agent {
            "agent"
        } else {
            "customer"
        });
        if evidence.contains(&i) {
            class.push_str(" evidence");
        }
        let _ = write!(
            out,
            "<tr id=\"call-{r}-turn-{i}\" class=\"{class}\"><td class=\"num\">{i}</td><td>{}</td>\
             <td class=\"text\">",
            t.speaker
        );
        marked_text(out, t);
        let _ = writeln!(
            out,
            "</td><td class=\"num\">{:+.2}</td><td>{}</td><td class=\"muted\">{}</td></tr>",
            t.valence,
            t.level.as_str(),
            escaped(&t.source)
        );
    }
    out.push_str("</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use xinsheng::Level;

    fn turn(text: &str, marks: Vec<Mark>) -> TranscriptTurn {
        TranscriptTurn {
            source: "x:1".into(),
            speaker: Speaker::Customer,
            text: text.into(),
            valence: 0.0,
            level: Level::None,
            marks,
        }
    }

    fn mark(start: usize, end: usize, kind: MarkKind, label: &str) -> Mark {
        Mark {
            start,
            end,
            kind,
            label: label.into(),
        }
    }

    #[test]
    fn text_is_escaped_and_marks_wrap_chars() {
        let mut out = String::new();
        let t = turn(
            "<b>我要投诉</b>",
            vec![mark(3, 7, MarkKind::Cue(4), "complaint, severity 4")],
        );
        marked_text(&mut out, &t);
        assert_eq!(
            out,
            "&lt;b&gt;<mark class=\"cue hi\" title=\"complaint, severity 4\">我要投诉</mark>&lt;/b&gt;"
        );
    }

    #[test]
    fn overlapping_marks_split_into_runs() {
        let mut out = String::new();
        let t = turn(
            "马上退款吧",
            vec![
                mark(0, 4, MarkKind::Cue(3), "refund 3"),
                mark(2, 4, MarkKind::Cue(2), "refund 2"),
            ],
        );
        marked_text(&mut out, &t);
        assert_eq!(
            out,
            "<mark class=\"cue mid\" title=\"refund 3\">马上</mark>\
             <mark class=\"cue mid\" title=\"refund 3; refund 2\">退款</mark>吧"
        );
        // Many marks on a long text stay linear.
        let long = "投诉".repeat(20_000);
        let many: Vec<Mark> = (0..20_000)
            .map(|i| mark(2 * i, 2 * i + 2, MarkKind::Cue(4), "c"))
            .collect();
        let mut out = String::new();
        marked_text(&mut out, &turn(&long, many));
        assert_eq!(out.matches("<mark ").count(), 20_000);
        // A mark past the end of the text (a cut text) is left out, not a panic.
        let mut out = String::new();
        marked_text(
            &mut out,
            &turn("短", vec![mark(0, 9, MarkKind::Prohibited, "x")]),
        );
        assert_eq!(out, "短");
    }
}
