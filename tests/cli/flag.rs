//! `xinsheng flag`: the QA worklist.

use super::{example, Sandbox};
use crate::xs;

const LEVELS: [&str; 5] = ["none", "low", "medium", "high", "critical"];

fn rank(level: &serde_json::Value) -> usize {
    LEVELS
        .iter()
        .position(|l| level == l)
        .unwrap_or_else(|| panic!("bad level {level}"))
}

#[test]
fn flag_lists_risky_calls_riskiest_first_with_evidence() {
    let sb = Sandbox::new();
    let r = xs!(sb, "flag", &example("calls.jsonl"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list = r.json_lines();
    assert!(!list.is_empty());
    let ids: Vec<&str> = list
        .iter()
        .map(|f| f["call_id"].as_str().unwrap())
        .collect();
    for must in ["C-1002", "C-1003", "C-1007", "C-1009"] {
        assert!(ids.contains(&must), "{must} not flagged: {ids:?}");
    }
    assert!(!ids.contains(&"C-1001"), "the calm call is flagged");
    for (i, f) in list.iter().enumerate() {
        assert_eq!(f["rank"], i + 1);
        assert!(rank(&f["level"]) >= 3, "{f}");
        assert!(!f["reasons"].as_array().unwrap().is_empty());
    }
    // Riskiest first: level, then risk, descending.
    for w in list.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let key = |f: &serde_json::Value| (rank(&f["level"]), f["risk"].as_f64().unwrap());
        assert!(key(a) >= key(b), "{a} before {b}");
    }
    // Evidence: the 12315 call points at the customer's turn with the regulator cue.
    let c = list.iter().find(|f| f["call_id"] == "C-1002").unwrap();
    let ev = c["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["detail"].as_str().unwrap().starts_with("regulator"))
        .expect("regulator reason");
    assert_eq!(ev["evidence"]["speaker"], "customer");
    assert!(ev["evidence"]["text"].as_str().unwrap().contains("12315"));
    assert_eq!(
        ev["evidence"]["source"],
        format!("{}:13", example("calls.jsonl"))
    );
}

#[test]
fn flag_ties_keep_input_order() {
    let sb = Sandbox::new();
    let mut s = String::new();
    for id in ["X3", "X1", "X2"] {
        s.push_str(&format!(
            "{{\"call_id\":\"{id}\",\"speaker\":\"客户\",\"text\":\"我要投诉你们\"}}\n"
        ));
    }
    sb.file("t.jsonl", s);
    let r = xs!(sb, "flag", "--min-level", "low", "t.jsonl");
    let ids: Vec<String> = r
        .json_lines()
        .iter()
        .map(|f| f["call_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["X3", "X1", "X2"]);
}

#[test]
fn flag_min_level_filters() {
    let sb = Sandbox::new();
    let all = xs!(sb, "flag", "--min-level", "none", &example("calls.jsonl"));
    assert_eq!(all.json_lines().len(), 9);
    let critical = xs!(
        sb,
        "flag",
        "--min-level",
        "critical",
        &example("calls.jsonl")
    );
    for f in critical.json_lines() {
        assert_eq!(f["level"], "critical");
    }
}

#[test]
fn flag_fail_on_exit_codes() {
    let sb = Sandbox::new();
    let r = xs!(sb, "flag", "--fail-on", "critical", &example("calls.jsonl"));
    assert_eq!(r.code, 1);
    sb.file(
        "calm.jsonl",
        "{\"call_id\":\"A\",\"speaker\":\"客户\",\"text\":\"谢谢，没问题了\"}\n",
    );
    let r = xs!(sb, "flag", "--fail-on", "high", "calm.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    // Record errors win over --fail-on: the run is incomplete.
    sb.file(
        "mixed.jsonl",
        "bad\n{\"speaker\":\"客户\",\"text\":\"我要去12315投诉\"}\n",
    );
    let r = xs!(sb, "flag", "--fail-on", "low", "mixed.jsonl");
    assert_eq!(r.code, 2);
    // The worklist, then the error record.
    let lines = r.json_lines();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(lines[0].get("rank").is_some());
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("mixed.jsonl:1: "));
}

#[test]
fn flag_table_is_readable() {
    let sb = Sandbox::new();
    let r = xs!(sb, "flag", "--format", "table", &example("calls.jsonl"));
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("#1 "), "{}", r.stdout);
    assert!(r.stdout.contains("12315"));
    assert!(r.stdout.contains("← "));
}

#[test]
fn flag_top_keeps_the_riskiest_in_order() {
    let sb = Sandbox::new();
    let all = xs!(sb, "flag", "--min-level", "none", &example("calls.jsonl"));
    let all = all.json_lines();
    assert!(all.len() > 3);
    for n in [0, 1, 3, all.len(), all.len() + 5] {
        let r = xs!(
            sb,
            "flag",
            "--min-level",
            "none",
            "--top",
            &n.to_string(),
            &example("calls.jsonl")
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let top = r.json_lines();
        assert_eq!(top.len(), n.min(all.len()), "--top {n}");
        assert_eq!(top[..], all[..top.len()], "--top {n}");
        if n < all.len() {
            assert!(
                r.stderr.contains(&format!("(the top {n} listed)")),
                "{}",
                r.stderr
            );
        }
    }
    // Ties keep input order under the bound too.
    let mut s = String::new();
    for id in ["X3", "X1", "X2", "X4"] {
        s.push_str(&format!(
            "{{\"call_id\":\"{id}\",\"speaker\":\"客户\",\"text\":\"我要投诉你们\"}}\n"
        ));
    }
    sb.file("t.jsonl", s);
    let r = xs!(sb, "flag", "--min-level", "low", "--top", "2", "t.jsonl");
    let ids: Vec<String> = r
        .json_lines()
        .iter()
        .map(|f| f["call_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["X3", "X1"]);
}

#[test]
fn flag_csv_lists_the_worklist_with_the_first_evidence_turn() {
    let sb = Sandbox::new();
    let calls = example("calls.jsonl");
    let r = xs!(sb, "flag", "--format", "csv", &calls);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let jsonl = xs!(sb, "flag", &calls).json_lines();
    let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, xinsheng_cli::calls::FLAG_CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    // The same worklist as JSONL, in the same order.
    assert_eq!(rows.len(), jsonl.len());
    for (row, j) in rows.iter().zip(&jsonl) {
        assert_eq!(&row[col("rank")], j["rank"].to_string());
        assert_eq!(&row[col("call_id")], j["call_id"].as_str().unwrap());
        assert_eq!(&row[col("level")], j["level"].as_str().unwrap());
        let first = j["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|r| r.get("evidence"))
            .expect("a flagged call has evidence");
        assert_eq!(&row[col("evidence_turn")], first["turn"].to_string());
        assert_eq!(&row[col("evidence_text")], first["text"].as_str().unwrap());
        assert_eq!(
            row[col("reasons")].split(" | ").count(),
            j["reasons"].as_array().unwrap().len()
        );
    }
    assert_eq!(&rows[0][col("call_id")], "C-1002");
    assert!(rows[0][col("evidence_text")].contains("12315"));
    assert_eq!(&rows[0][col("evidence_source")], format!("{calls}:13"));
}

/// Every `href="#x"` of the page has an element `id="x"`.
fn assert_links_resolve(html: &str) {
    let ids: std::collections::HashSet<&str> = html
        .split("id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    for href in html.split("href=\"#").skip(1) {
        let target = &href[..href.find('"').unwrap()];
        assert!(ids.contains(target), "dangling link #{target}");
    }
}

#[test]
fn flag_html_report_has_every_flagged_call_with_marked_evidence() {
    let sb = Sandbox::new();
    let calls = example("calls.jsonl");
    let r = xs!(sb, "flag", "--format", "html", "-o", "report.html", &calls);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(sb.path("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
    assert!(html.trim_end().ends_with("</html>"));
    // The same calls as the JSONL worklist, in rank order, one section each.
    let list = xs!(sb, "flag", &calls).json_lines();
    let mut at = 0;
    for f in &list {
        let head = format!(
            "<section id=\"call-{}\">\n<h2>#{} {} ",
            f["rank"],
            f["rank"],
            f["call_id"].as_str().unwrap()
        );
        let pos = html[at..].find(&head).unwrap_or_else(|| panic!("{head}"));
        at += pos + head.len();
    }
    assert_eq!(html.matches("<section ").count(), list.len());
    assert_links_resolve(&html);
    // The 12315 turn is marked where the cue is, and its row is evidence.
    assert!(
        html.contains("<mark class=\"cue hi\" title=\"regulator, severity 5\">打12315</mark>"),
        "{html}"
    );
    assert!(html.contains("<tr id=\"call-1-turn-6\" class=\"customer evidence\">"));
    // The agent's prohibited phrase is marked too.
    assert!(html.contains("<mark class=\"ban\" title=\"prohibited refusal"));
}

#[test]
fn flag_html_escapes_text_shows_whole_turns_and_is_deterministic() {
    let sb = Sandbox::new();
    let long = format!("{}我要投诉你们", "前面说了很多话，".repeat(30));
    let mut s = String::new();
    for (i, (sp, text)) in [
        ("客户", "<script>alert(1)</script>我要投诉你们 & 你们经理"),
        ("客服", "您好，这个不归我管"),
        ("客户", long.as_str()),
    ]
    .iter()
    .enumerate()
    {
        s.push_str(
            &serde_json::json!({"call_id": "X", "turn": i, "speaker": sp, "text": text})
                .to_string(),
        );
        s.push('\n');
    }
    sb.file("x.jsonl", &s);
    let one = xs!(sb, "-j1", "flag", "--format", "html", "x.jsonl");
    let two = xs!(sb, "-j2", "flag", "--format", "html", "x.jsonl");
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.stdout, two.stdout, "thread count changed the page");
    let html = &one.stdout;
    assert!(!html.contains("<script>"), "unescaped text");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains(" &amp; "));
    // A turn longer than the evidence snippet is shown whole, its late cue marked.
    assert!(long.chars().count() > xinsheng_cli::calls::EVIDENCE_CHARS);
    let row = html
        .split("<tr id=\"call-1-turn-2\"")
        .nth(1)
        .expect("third turn");
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(&"前面说了很多话，".repeat(30)), "{row}");
    assert!(row.contains(">我要投诉</mark>"), "{row}");
    assert_links_resolve(html);
}

#[test]
fn flag_and_calls_excel_csv_start_with_a_bom() {
    let sb = Sandbox::new();
    let calls = example("calls.jsonl");
    for cmd in ["flag", "calls"] {
        let r = xs!(sb, cmd, "--format", "excel", &calls);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let plain = xs!(sb, cmd, "--format", "csv", &calls);
        // The example has no formula-like text: the same bytes after the mark.
        assert_eq!(
            r.stdout.strip_prefix('\u{FEFF}'),
            Some(plain.stdout.as_str()),
            "{cmd}"
        );
    }
}
