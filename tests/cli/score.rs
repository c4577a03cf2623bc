//! `xinsheng score`.

use super::{example, Sandbox};
use crate::xs;

#[test]
fn score_jsonl_keeps_original_fields_and_adds_xinsheng() {
    let sb = Sandbox::new();
    sb.file(
        "c.jsonl",
        "{\"call_id\":\"A\",\"turn\":1,\"speaker\":\"客户\",\"text\":\"再不退款我就打12315投诉你们！\",\"vip\":true,\"price\":1.50}\n",
    );
    let r = xs!(sb, "score", "c.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Original fields untouched, in order, with their original spelling (1.50).
    assert!(
        r.stdout.starts_with(
            "{\"call_id\":\"A\",\"turn\":1,\"speaker\":\"客户\",\"text\":\"再不退款我就打12315投诉你们！\",\"vip\":true,\"price\":1.50,\"xinsheng\":{\"speaker\":\"customer\","
        ),
        "{}",
        r.stdout
    );
    let v = &r.json_lines()[0];
    let x = &v["xinsheng"];
    assert_eq!(x["speaker"], "customer");
    assert_eq!(x["escalation"]["level"], "critical");
    assert!(x["valence"].as_f64().unwrap() < 0.0);
    for key in ["emotion", "emotions", "polarity", "intensity", "agent"] {
        assert!(x.get(key).is_some(), "missing {key}");
    }
    assert!(x["escalation"]["cues"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["category"] == "regulator"));
}

#[test]
fn score_one_output_per_input_record_in_order_with_error_records() {
    let sb = Sandbox::new();
    let mut input = String::new();
    input.push_str("{\"speaker\":\"客户\",\"text\":\"你好\"}\n"); // 1
    input.push('\n'); // 2: blank, skipped
    input.push_str("{\"speaker\":\"客户\",\"text\":\"你好\"\n"); // 3: malformed
    input.push_str("{\"speaker\":\"客户\"}\n"); // 4: no text
    input.push_str("[1,2,3]\n"); // 5: not an object
    input.push_str("{\"speaker\":\"老板\",\"text\":\"谢谢\"}\n"); // 6: unknown speaker
    sb.file("calls.jsonl", &input);
    let r = xs!(sb, "score", "calls.jsonl");
    assert_eq!(r.code, 2, "record errors exit 2");
    let lines = r.json_lines();
    assert_eq!(lines.len(), 5);
    let sources: Vec<String> = lines
        .iter()
        .map(|v| {
            v["xinsheng"]["source"]
                .as_str()
                .or(v["source"].as_str())
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        sources,
        [
            "calls.jsonl:1",
            "calls.jsonl:3",
            "calls.jsonl:4",
            "calls.jsonl:5",
            "calls.jsonl:6"
        ]
    );
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("calls.jsonl:3: invalid JSON: "));
    assert!(lines[2]["error"]
        .as_str()
        .unwrap()
        .starts_with("calls.jsonl:4: missing text field"));
    assert!(lines[3]["error"]
        .as_str()
        .unwrap()
        .contains("expected a JSON object"));
    assert_eq!(lines[4]["xinsheng"]["speaker"], "unknown");
    // Same messages on stderr, and a summary.
    assert!(
        r.stderr.contains("xinsheng: calls.jsonl:3: invalid JSON"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("5 records read from 1 input: 2 scored, 3 errors, 1 skipped, 1 record with unknown speaker"),
        "{}",
        r.stderr
    );
}

#[test]
fn score_quiet_prints_nothing_on_stderr() {
    let sb = Sandbox::new();
    sb.file("c.jsonl", "bad\n{\"text\":\"好\"}\n");
    let r = xs!(sb, "score", "-q", "c.jsonl");
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr, "");
    assert_eq!(r.json_lines().len(), 2);
}

#[test]
fn score_invalid_utf8_line_is_an_error_record_not_a_replacement() {
    let sb = Sandbox::new();
    let mut bytes = "{\"text\":\"你好\"}\n".repeat(5).into_bytes();
    bytes.extend_from_slice(b"{\"text\":\"\xe4\xbd\"}\n");
    bytes.extend_from_slice("{\"text\":\"再见\"}\n".as_bytes());
    sb.file("u.jsonl", bytes);
    let r = xs!(sb, "score", "u.jsonl");
    assert_eq!(r.code, 2);
    let lines = r.json_lines();
    assert_eq!(lines.len(), 7);
    assert!(lines[5]["error"]
        .as_str()
        .unwrap()
        .starts_with("u.jsonl:6: invalid UTF-8"));
    assert!(!r.stdout.contains('\u{fffd}'));
}

#[test]
fn score_binary_junk_does_not_panic() {
    let sb = Sandbox::new();
    let junk: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    sb.file("junk.jsonl", &junk);
    sb.file("junk.bin", &junk);
    for name in ["junk.jsonl", "junk.bin"] {
        let r = xs!(sb, "score", "-q", name);
        assert!(r.code == 0 || r.code == 2, "{name}: {}", r.code);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        for v in r.json_lines() {
            assert!(v.get("xinsheng").is_some() || v.get("error").is_some());
        }
    }
}

#[test]
fn score_empty_file_warns_and_succeeds() {
    let sb = Sandbox::new();
    sb.file("empty.jsonl", "");
    let r = xs!(sb, "score", "empty.jsonl");
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains("warning: empty.jsonl: no records"),
        "{}",
        r.stderr
    );
}

#[test]
fn score_one_megabyte_utterance() {
    let sb = Sandbox::new();
    // One long clause. (Clause-heavy megabyte texts are slow in the core scorer today:
    // it looks over every unit for each unit; reported, not the CLI's concern here.)
    let text = "我等了很久你们怎么还没发货".repeat(1_000_000 / 39 + 1);
    assert!(text.len() >= 1_000_000);
    sb.file(
        "big.jsonl",
        format!("{{\"text\":\"{text}\"}}\n{{\"text\":\"谢谢\"}}\n"),
    );
    let r = xs!(sb, "score", "big.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.json_lines();
    assert_eq!(lines.len(), 2);
    let risk = lines[0]["xinsheng"]["escalation"]["risk"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&risk));
}

#[test]
fn score_line_over_the_record_limit_is_an_error() {
    let sb = Sandbox::new();
    sb.file(
        "l.jsonl",
        format!(
            "{{\"text\":\"{}\"}}\n{{\"text\":\"好\"}}\n",
            "x".repeat(5000)
        ),
    );
    let r = xs!(sb, "score", "--max-record-bytes", "1000", "l.jsonl");
    assert_eq!(r.code, 2);
    let lines = r.json_lines();
    assert!(lines[0]["error"]
        .as_str()
        .unwrap()
        .contains("longer than the limit of 1000 bytes"));
    assert_eq!(lines[1]["xinsheng"]["source"], "l.jsonl:2");
}

#[test]
fn score_csv_output_keeps_original_columns() {
    let sb = Sandbox::new();
    sb.file(
        "c.csv",
        "id,speaker,text,channel\r\n7,客户,\"我要投诉,马上处理\",app\r\n8,客服,您好,app\r\n",
    );
    let r = xs!(sb, "score", "--format", "csv", "c.csv");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "id",
            "speaker",
            "text",
            "channel",
            "emotion",
            "polarity",
            "valence",
            "intensity",
            "risk",
            "level",
            "cues",
            "agent",
            "source",
            "error"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(&rows[0][2], "我要投诉,马上处理");
    assert_eq!(&rows[0][3], "app");
    assert!(rows[0][10].contains("complaint:"), "{:?}", rows[0]);
    assert_eq!(&rows[1][12], "c.csv:3");
}

#[test]
fn score_gbk_csv_is_detected() {
    let sb = Sandbox::new();
    let r = xs!(sb, "score", "--format", "csv", &example("chats-gbk.csv"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("会话ID,序号,角色,内容,时间,渠道,emotion"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("什么破服务，我要投诉你们"));
    // Forcing the wrong encoding gives error records, not mojibake.
    let r = xs!(
        sb,
        "score",
        "-q",
        "--encoding",
        "utf-8",
        &example("chats-gbk.csv")
    );
    assert_eq!(r.code, 2);
}

#[test]
fn score_utf8_bom_and_crlf() {
    let sb = Sandbox::new();
    sb.file(
        "b.jsonl",
        "\u{feff}{\"text\":\"你好\",\"speaker\":\"客服\"}\r\n{\"text\":\"谢谢\"}\r\n",
    );
    let r = xs!(sb, "score", "b.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.json_lines();
    assert_eq!(lines[0]["xinsheng"]["speaker"], "agent");
    assert_eq!(lines[1]["text"], "谢谢");
}

#[test]
fn score_transcript_from_stdin() {
    let sb = Sandbox::new();
    let r = sb.run_stdin(
        &["score", "-"],
        "[00:00:01] 客服：您好\n[00:00:05] 客户：我的快递怎么还没到？\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.json_lines();
    assert_eq!(lines[0]["call_id"], "<stdin>");
    assert_eq!(lines[1]["time"], "00:00:05");
    assert_eq!(lines[1]["speaker"], "客户");
    assert_eq!(lines[1]["xinsheng"]["source"], "<stdin>:2");
    assert_eq!(lines[1]["xinsheng"]["speaker"], "customer");
}

#[test]
fn score_field_mapping_flags_and_speaker_map() {
    let sb = Sandbox::new();
    sb.file(
        "m.jsonl",
        "{\"conv\":\"Z\",\"who\":\"helpdesk\",\"body\":\"您好\"}\n{\"conv\":\"Z\",\"who\":\"member\",\"body\":\"我要投诉\"}\n",
    );
    let r = xs!(
        sb,
        "score",
        "m.jsonl",
        "--id-field",
        "conv",
        "--speaker-field",
        "who",
        "--text-field",
        "body",
        "--speaker-map",
        "member=customer"
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.json_lines();
    assert_eq!(lines[0]["xinsheng"]["speaker"], "agent");
    assert_eq!(lines[1]["xinsheng"]["speaker"], "customer");
}

#[test]
fn score_input_format_override() {
    let sb = Sandbox::new();
    sb.file("data.dat", "speaker\ttext\n客户\t谢谢\n");
    let r = xs!(sb, "score", "--input-format", "tsv", "data.dat");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines()[0]["text"], "谢谢");
    // Sniffed without the override, too.
    let r = xs!(sb, "score", "data.dat");
    assert_eq!(r.json_lines()[0]["text"], "谢谢");
}

#[test]
fn score_table_format() {
    let sb = Sandbox::new();
    let r = xs!(sb, "score", "--format", "table", &example("calls.jsonl"));
    assert_eq!(r.code, 0);
    let first = r.stdout.lines().next().unwrap();
    assert!(first.starts_with("SOURCE"), "{first}");
    assert_eq!(r.stdout.lines().count(), 58);
}

#[test]
fn score_rescoring_own_output_replaces_the_analysis() {
    let sb = Sandbox::new();
    sb.file("a.jsonl", "{\"text\":\"我要投诉\"}\n");
    let first = xs!(sb, "score", "a.jsonl");
    sb.file("b.jsonl", &first.stdout);
    let second = xs!(sb, "score", "b.jsonl");
    assert_eq!(second.code, 0, "{}", second.stderr);
    let v = &second.json_lines()[0];
    assert_eq!(v.as_object().unwrap().len(), 2);
    assert_eq!(v["xinsheng"]["source"], "b.jsonl:1");
}

#[test]
fn score_excel_csv_has_a_bom_and_guards_formula_cells() {
    let sb = Sandbox::new();
    sb.file(
        "x.jsonl",
        "{\"call_id\":\"X\",\"speaker\":\"客户\",\"text\":\"=HYPERLINK(\\\"http://x\\\")我要投诉你们\"}\n\
         {\"call_id\":\"X\",\"speaker\":\"客服\",\"text\":\"-5\"}\n",
    );
    let r = xs!(sb, "score", "--format", "excel", "x.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let body = r
        .stdout
        .strip_prefix('\u{FEFF}')
        .expect("a UTF-8 byte-order mark first");
    let plain = xs!(sb, "score", "--format", "csv", "x.jsonl");
    assert!(!plain.stdout.starts_with('\u{FEFF}'));
    let mut rdr = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let text = header.iter().position(|h| h == "text").unwrap();
    let valence = header.iter().position(|h| h == "valence").unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    // A formula is shown, not run; a number stays a number, negative or not.
    assert_eq!(&rows[0][text], "'=HYPERLINK(\"http://x\")我要投诉你们");
    assert_eq!(&rows[1][text], "-5");
    assert!(rows[0][valence].starts_with('-'), "{:?}", rows[0]);
    // Otherwise the same rows as plain CSV.
    let mut plain_rdr = csv::Reader::from_reader(plain.stdout.as_bytes());
    let plain_rows: Vec<csv::StringRecord> = plain_rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), plain_rows.len());
    assert_eq!(&plain_rows[0][text][..], &rows[0][text][1..]);
}
