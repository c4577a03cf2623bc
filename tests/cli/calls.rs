//! `xinsheng calls`.

use super::{example, Sandbox};
use crate::xs;

#[test]
fn calls_one_summary_per_conversation_of_the_example() {
    let sb = Sandbox::new();
    let r = xs!(sb, "calls", &example("calls.jsonl"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls = r.json_lines();
    let ids: Vec<&str> = calls
        .iter()
        .map(|c| c["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "C-1001", "C-1002", "C-1003", "C-1004", "C-1005", "C-1006", "C-1007", "C-1008",
            "C-1009"
        ]
    );
    let turns: usize = calls
        .iter()
        .map(|c| c["turns"].as_u64().unwrap() as usize)
        .sum();
    assert_eq!(turns, 57);
    for c in &calls {
        for key in ["escalation", "trajectory", "peak", "agent_qa", "source"] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
        let e = &c["escalation"];
        for key in ["risk", "level", "escalated", "first_turn", "reasons"] {
            assert!(e.get(key).is_some(), "escalation.{key} missing");
        }
    }
    // The calm call is calm, the 12315 call is escalated.
    assert_eq!(calls[0]["escalation"]["escalated"], false);
    assert_eq!(calls[1]["escalation"]["escalated"], true);
    // The bad agent's prohibited phrases are counted.
    assert!(calls[3]["agent_qa"]["prohibited"].as_array().unwrap().len() >= 2);
    // Traditional-character speakers (客戶) are customers.
    assert_eq!(calls[5]["unknown_turns"], 0);
    assert!(r.stderr.contains("; 9 calls"), "{}", r.stderr);
}

#[test]
fn calls_group_records_with_the_same_id_wherever_they_stand() {
    let sb = Sandbox::new();
    sb.file(
        "g.jsonl",
        "{\"call_id\":\"A\",\"text\":\"你好\"}\n{\"call_id\":\"A\",\"text\":\"在吗\"}\n{\"call_id\":\"B\",\"text\":\"谢谢\"}\n{\"call_id\":\"A\",\"text\":\"又是我\"}\n",
    );
    let r = xs!(sb, "calls", "g.jsonl");
    let calls = r.json_lines();
    let got: Vec<(String, u64, String)> = calls
        .iter()
        .map(|c| {
            (
                c["call_id"].as_str().unwrap().to_string(),
                c["turns"].as_u64().unwrap(),
                c["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("A".to_string(), 3, "g.jsonl:1-4".to_string()),
            ("B".to_string(), 1, "g.jsonl:3".to_string()),
        ]
    );
}

#[test]
fn calls_records_without_ids_are_one_call_per_file() {
    let sb = Sandbox::new();
    sb.file("a.jsonl", "{\"text\":\"你好\"}\n{\"text\":\"谢谢\"}\n");
    sb.file("b.jsonl", "{\"text\":\"你好\"}\n");
    let r = xs!(sb, "calls", "a.jsonl", "b.jsonl");
    let calls = r.json_lines();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["call_id"], "a.jsonl");
    assert_eq!(calls[0]["turns"], 2);
    assert_eq!(calls[1]["call_id"], "b.jsonl");
}

#[test]
fn calls_transcript_headers_and_separators_start_conversations() {
    let sb = Sandbox::new();
    let r = xs!(sb, "calls", &example("transcript.txt"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls = r.json_lines();
    let ids: Vec<&str> = calls
        .iter()
        .map(|c| c["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["T-2024-0517-001", "T-2024-0517-002"]);
    assert_eq!(calls[0]["turns"], 9);
    assert_eq!(calls[0]["agent_turns"], 5);
    sb.file("t.txt", "客户：第一通\n---\n客户：第二通\n客服：好的\n");
    let r = xs!(sb, "calls", "t.txt");
    let calls = r.json_lines();
    assert_eq!(calls[0]["call_id"], "t.txt");
    assert_eq!(calls[1]["call_id"], "t.txt#2");
    assert_eq!(calls[1]["turns"], 2);
}

#[test]
fn calls_longer_than_max_turns_are_split_in_parts() {
    let sb = Sandbox::new();
    let mut s = String::new();
    for i in 0..7 {
        s.push_str(&format!("{{\"call_id\":\"L\",\"text\":\"第{i}句\"}}\n"));
    }
    sb.file("long.jsonl", s);
    let r = xs!(sb, "calls", "--max-turns", "3", "long.jsonl");
    let calls = r.json_lines();
    let parts: Vec<(u64, u64)> = calls
        .iter()
        .map(|c| (c["part"].as_u64().unwrap(), c["turns"].as_u64().unwrap()))
        .collect();
    assert_eq!(parts, [(1, 3), (2, 3), (3, 1)]);
    let r = xs!(sb, "calls", "long.jsonl");
    assert!(r.json_lines()[0].get("part").is_none());
}

#[test]
fn calls_error_records_are_in_the_stream() {
    let sb = Sandbox::new();
    sb.file(
        "e.jsonl",
        "{\"call_id\":\"A\",\"text\":\"你好\"}\nnope\n{\"call_id\":\"A\",\"text\":\"好\"}\n",
    );
    let r = xs!(sb, "calls", "e.jsonl");
    assert_eq!(r.code, 2);
    let lines = r.json_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["source"], "e.jsonl:2");
    assert!(lines[0]["error"].as_str().unwrap().contains("invalid JSON"));
    assert_eq!(lines[1]["turns"], 2);
}

#[test]
fn calls_table_format() {
    let sb = Sandbox::new();
    let r = xs!(sb, "calls", "--format", "table", &example("calls.jsonl"));
    assert_eq!(r.code, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("CALL"));
    assert_eq!(lines.len(), 10);
    assert!(lines[2].starts_with("C-1002"));
}

#[test]
fn calls_csv_one_row_per_call_and_per_error_in_input_order() {
    let sb = Sandbox::new();
    sb.file(
        "e.jsonl",
        "{\"call_id\":\"A\",\"speaker\":\"客户\",\"text\":\"你好\"}\nnope\n{\"call_id\":\"A\",\"speaker\":\"客户\",\"text\":\"再不处理我就打12315投诉你们\"}\n{\"call_id\":\"B\",\"speaker\":\"客户\",\"text\":\"谢谢，问题解决了\"}\n",
    );
    let r = xs!(sb, "calls", "--format", "csv", "e.jsonl");
    assert_eq!(r.code, 2, "{}", r.stderr);
    let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, xinsheng_cli::calls::CALL_CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    // The bad line comes first: call A ends after it.
    assert_eq!(&rows[0][col("source")], "e.jsonl:2");
    assert!(
        rows[0][col("error")].contains("invalid JSON"),
        "{:?}",
        rows[0]
    );
    assert_eq!(&rows[0][col("call_id")], "");
    assert_eq!(&rows[1][col("call_id")], "A");
    assert_eq!(&rows[1][col("turns")], "2");
    assert_eq!(&rows[1][col("escalated")], "true");
    assert!(
        rows[1][col("reasons")].contains("regulator: 打12315 (turn 1)"),
        "{:?}",
        rows[1]
    );
    assert_eq!(&rows[2][col("call_id")], "B");
    assert_eq!(&rows[2][col("level")], "none");
    // Empty input: the header alone.
    sb.file("empty.jsonl", "");
    let r = xs!(sb, "calls", "--format", "csv", "empty.jsonl");
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
}
