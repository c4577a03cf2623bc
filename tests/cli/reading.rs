//! Reading hostile inputs (issue 15): unclosed CSV quotes, mixed encodings, binary
//! files, CR-only line endings, gzip, JSON arrays, staff labels, duplicate JSON keys and
//! URLs in transcripts. Each test drives the real binary.

use std::io::Write;

use super::Sandbox;
use crate::xs;

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(s).0.into_owned()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Issue 15, item 1: `K,客户,"未闭合` then more rows gave 1 record and "0 errors".
#[test]
fn csv_unclosed_quote_is_an_error_and_the_rows_after_it_are_scored() {
    let sb = Sandbox::new();
    let mut csv = String::from("call_id,speaker,text\nK,客户,\"未闭合\n");
    for i in 0..300 {
        csv.push_str(&format!("C{i},客户,再不处理我就投诉{i}\n"));
    }
    sb.file("q.csv", &csv);
    let r = xs!(sb, "score", "q.csv");
    assert_eq!(r.code, 2, "{}", r.stderr);
    let lines = r.json_lines();
    assert_eq!(lines.len(), 301);
    let err = lines[0]["error"].as_str().unwrap();
    assert!(err.starts_with("q.csv:2: unclosed quote"), "{err}");
    assert_eq!(lines[1]["call_id"], "C0");
    assert_eq!(lines[1]["xinsheng"]["source"], "q.csv:3");
    assert_eq!(lines[300]["xinsheng"]["source"], "q.csv:302");
    assert!(
        r.stderr
            .contains("301 records read from 1 input: 300 scored, 1 error"),
        "{}",
        r.stderr
    );
}

/// Issue 15, item 4: a UTF-8 file whose first lines are GBK was decoded whole as GB18030,
/// so its UTF-8 lines became mojibake.
#[test]
fn mixed_encodings_are_decided_per_line() {
    let sb = Sandbox::new();
    let mut bytes = Vec::new();
    for _ in 0..10 {
        bytes.extend(gbk(
            "{\"call_id\":\"G\",\"speaker\":\"客户\",\"text\":\"我要投诉你们\"}\n",
        ));
    }
    for t in ["再不退款我就打12315投诉你们", "你们这是在敷衍我吧", "谢谢"] {
        bytes.extend(
            format!("{{\"call_id\":\"U\",\"speaker\":\"客户\",\"text\":\"{t}\"}}\n").bytes(),
        );
    }
    sb.file("mixed.jsonl", &bytes);
    let r = xs!(sb, "score", "mixed.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.json_lines();
    let texts: Vec<&str> = lines.iter().map(|v| v["text"].as_str().unwrap()).collect();
    assert_eq!(texts.len(), 13);
    assert!(
        texts[..10].iter().all(|t| *t == "我要投诉你们"),
        "{texts:?}"
    );
    assert_eq!(
        texts[10..],
        ["再不退款我就打12315投诉你们", "你们这是在敷衍我吧", "谢谢"]
    );
    assert!(
        r.stderr
            .contains("mixed.jsonl: mixed encodings: 3 lines were UTF-8"),
        "{}",
        r.stderr
    );
    // The other way round: GBK lines in a UTF-8 file are read, with a warning.
    let mut bytes = Vec::new();
    for _ in 0..5 {
        bytes.extend("{\"speaker\":\"客户\",\"text\":\"你好\"}\n".bytes());
    }
    bytes.extend(gbk("{\"speaker\":\"客户\",\"text\":\"我要投诉你们\"}\n"));
    sb.file("mixed2.jsonl", &bytes);
    let r = xs!(sb, "score", "mixed2.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines()[5]["text"], "我要投诉你们");
    assert!(
        r.stderr
            .contains("mixed encodings: 1 line was not UTF-8 and was read as GB18030"),
        "{}",
        r.stderr
    );
}

/// Issue 15, item 4: an executable gave thousands of "scored" garbage records.
#[test]
fn a_binary_input_is_one_clear_error() {
    let sb = Sandbox::new();
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0".to_vec();
    elf.extend((0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    sb.file("a.out", &elf);
    let r = xs!(sb, "score", "a.out");
    assert_eq!(r.code, 2);
    let lines = r.json_lines();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert!(
        lines[0]["error"]
            .as_str()
            .unwrap()
            .starts_with("a.out: binary data, not text"),
        "{}",
        r.stdout
    );
}

/// Issue 15, item 5: a transcript of 14 utterances with CR-only line endings gave
/// "no records".
#[test]
fn cr_only_line_endings_are_lines() {
    let sb = Sandbox::new();
    let mut t = String::new();
    for i in 0..7 {
        t.push_str(&format!(
            "[00:00:{:02}] 客户：我的快递怎么还没到{i}\r",
            i * 2
        ));
        t.push_str(&format!(
            "[00:00:{:02}] 客服：您好，我帮您查一下\r",
            i * 2 + 1
        ));
    }
    sb.file("mac.txt", &t);
    let r = xs!(sb, "score", "mac.txt");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.json_lines();
    assert_eq!(lines.len(), 14);
    assert_eq!(lines[13]["xinsheng"]["source"], "mac.txt:14");
    assert_eq!(lines[13]["xinsheng"]["speaker"], "agent");
    sb.file("mac.csv", "speaker,text\r客户,我要投诉\r客服,抱歉\r");
    let r = xs!(sb, "score", "mac.csv");
    assert_eq!(r.json_lines().len(), 2, "{}", r.stderr);
}

/// Issue 15, item 5: `.gz` inputs, named or in a folder, are read decompressed.
#[test]
fn gzip_inputs_are_read_in_every_format() {
    let sb = Sandbox::new();
    let jsonl = "{\"call_id\":\"A\",\"speaker\":\"客户\",\"text\":\"我要投诉\"}\n";
    sb.file("in/a.jsonl.gz", gzip(jsonl.as_bytes()));
    sb.file(
        "in/b.csv.gz",
        gzip("speaker,text\n客户,太慢了\n".as_bytes()),
    );
    sb.file("in/c.txt.gz", gzip(&gbk("客户：我的快递呢\n")));
    let r = xs!(sb, "score", "in");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let texts: Vec<String> = r
        .json_lines()
        .iter()
        .map(|v| v["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(texts, ["我要投诉", "太慢了", "我的快递呢"]);
    // Named, with an extension that says nothing: told by the gzip magic bytes.
    sb.file("export.gz", gzip(jsonl.as_bytes()));
    let r = xs!(sb, "score", "export.gz");
    assert_eq!(r.json_lines()[0]["text"], "我要投诉", "{}", r.stderr);
}

/// Issue 15, item 5: a pretty-printed JSON array gave 458 error records.
#[test]
fn a_pretty_printed_json_array_is_read_as_records() {
    let sb = Sandbox::new();
    let records: Vec<serde_json::Value> = (0..50)
        .map(|i| {
            serde_json::json!({
                "call_id": format!("C{}", i / 5),
                "speaker": if i % 2 == 0 { "客户" } else { "客服" },
                "text": format!("第{i}句，我要投诉"),
                "meta": {"tags": ["a", "b"], "n": i},
            })
        })
        .collect();
    let pretty = serde_json::to_string_pretty(&records).unwrap();
    sb.file("export.json", &pretty);
    let r = xs!(sb, "score", "export.json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.json_lines();
    assert_eq!(lines.len(), 50);
    for (i, v) in lines.iter().enumerate() {
        assert_eq!(v["text"], format!("第{i}句，我要投诉"));
        assert_eq!(v["meta"]["n"], i);
    }
    // Each record's source is the line its object starts on.
    let per = (pretty.lines().count() - 2) / 50;
    for (i, v) in lines.iter().enumerate() {
        assert_eq!(
            v["xinsheng"]["source"],
            format!("export.json:{}", 2 + i * per)
        );
    }
    // Calls are grouped as from JSON lines.
    let r = xs!(sb, "calls", "export.json");
    assert_eq!(r.json_lines().len(), 10, "{}", r.stderr);
}

/// Issue 15, item 6: staff labels that begin with a customer word were customers.
#[test]
fn staff_labels_are_agents() {
    let sb = Sandbox::new();
    let labels = [
        ("Customer Service", "agent"),
        ("customer_service", "agent"),
        ("客户服务", "agent"),
        ("客户经理", "agent"),
        ("用户服务中心", "agent"),
        ("客户", "customer"),
        ("客户小李", "customer"),
        ("Customer", "customer"),
    ];
    let input: String = labels
        .iter()
        .map(|(l, _)| format!("{{\"speaker\":\"{l}\",\"text\":\"您好\"}}\n"))
        .collect();
    sb.file("roles.jsonl", input);
    let r = xs!(sb, "score", "roles.jsonl");
    for (v, (label, want)) in r.json_lines().iter().zip(labels) {
        assert_eq!(v["xinsheng"]["speaker"], want, "{label}");
    }
}

/// Issue 15, item 12: duplicate keys silently took the first value.
#[test]
fn duplicate_json_keys_are_an_error_record() {
    let sb = Sandbox::new();
    sb.file(
        "dup.jsonl",
        "{\"text\":\"谢谢\",\"text\":\"我要投诉你们\"}\n{\"text\":\"好的\"}\n",
    );
    let r = xs!(sb, "score", "dup.jsonl");
    assert_eq!(r.code, 2);
    let lines = r.json_lines();
    assert_eq!(lines.len(), 2);
    let err = lines[0]["error"].as_str().unwrap();
    assert!(
        err.starts_with("dup.jsonl:1: duplicate key `text`"),
        "{err}"
    );
    assert_eq!(lines[1]["text"], "好的");
}

/// Issue 15, item 12: in transcripts `http://…` became speaker `http`, `12345:` a time.
#[test]
fn transcript_urls_and_numbers_are_text() {
    let sb = Sandbox::new();
    sb.file(
        "t.txt",
        "客户：链接打不开\nhttp://shop.example.cn/order/42 这个\n12345: 是我的订单号\n",
    );
    let r = xs!(sb, "score", "t.txt");
    let lines = r.json_lines();
    assert_eq!(lines.len(), 3, "{}", r.stderr);
    assert_eq!(lines[1]["text"], "http://shop.example.cn/order/42 这个");
    assert!(lines[1].get("speaker").is_none(), "{}", lines[1]);
    assert_eq!(lines[2]["text"], "12345: 是我的订单号");
    assert!(lines[2].get("time").is_none(), "{}", lines[2]);
}
