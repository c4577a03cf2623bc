//! Threads, pipes, output files, directories, arguments and exit codes.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use super::{example, Sandbox};
use crate::xs;

fn many_records(n: usize) -> String {
    let texts = [
        "你好，我想查一下订单",
        "你们这是在敷衍我吧？我要投诉！",
        "太感谢了，问题终于解决了",
        "再不处理我就打12315",
        "这个不归我管",
        "我不是要投诉，就是问一下进度",
        "bad",
    ];
    let mut s = String::new();
    for i in 0..n {
        let t = texts[i % texts.len()];
        if t == "bad" {
            s.push_str("{not json\n");
        } else {
            let sp = if i % 2 == 0 { "客户" } else { "客服" };
            s.push_str(&format!(
                "{{\"call_id\":\"C{}\",\"speaker\":\"{sp}\",\"text\":\"{t}{i}\"}}\n",
                i / 5
            ));
        }
    }
    s
}

#[test]
fn output_is_identical_for_j1_and_j2() {
    let sb = Sandbox::new();
    sb.file("m.jsonl", many_records(700));
    for cmd in ["score", "calls", "flag"] {
        let one = xs!(sb, cmd, "-q", "-j1", "--chunk-records", "7", "m.jsonl");
        let two = xs!(sb, cmd, "-q", "-j2", "--chunk-records", "7", "m.jsonl");
        let big = xs!(sb, cmd, "-q", "-j2", "m.jsonl");
        assert!(!one.stdout.is_empty());
        assert_eq!(one.stdout, two.stdout, "{cmd}: -j1 vs -j2");
        assert_eq!(one.stdout, big.stdout, "{cmd}: chunk sizes");
        assert_eq!(one.code, two.code);
    }
}

#[test]
fn broken_pipe_exits_zero_quietly() {
    let sb = Sandbox::new();
    sb.file("m.jsonl", many_records(6000));
    let mut child = sb
        .cmd(&["score", "m.jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    // The reader is dropped here: like `| head -1`.
    assert!(first.starts_with('{'));
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn output_file_is_written_atomically() {
    let sb = Sandbox::new();
    sb.file("a.jsonl", "{\"text\":\"你好\"}\n");
    sb.file("out.jsonl", "old");
    let r = xs!(sb, "score", "a.jsonl", "-o", "out.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let out = std::fs::read_to_string(sb.path("out.jsonl")).unwrap();
    assert!(out.contains("\"xinsheng\""));
    // No temp file is left behind.
    let names: Vec<String> = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    // A lexicon error stops before touching the output.
    sb.file("escalation-x.tsv", "bad line\n");
    let r = xs!(
        sb,
        "score",
        "--lexicon",
        "escalation-x.tsv",
        "a.jsonl",
        "-o",
        "out.jsonl"
    );
    assert_eq!(r.code, 2);
    assert_eq!(std::fs::read_to_string(sb.path("out.jsonl")).unwrap(), out);
    // An output in a missing directory is an error.
    let r = xs!(sb, "score", "a.jsonl", "-o", "no/such/dir/out.jsonl");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("xinsheng: no/such/dir/out.jsonl:"),
        "{}",
        r.stderr
    );
}

#[test]
fn directories_are_walked_recursively_in_sorted_order() {
    let sb = Sandbox::new();
    sb.file("logs/b/2.jsonl", "{\"text\":\"二\"}\n");
    sb.file("logs/a.jsonl", "{\"text\":\"一\"}\n");
    sb.file("logs/c.txt", "客户：三\n");
    sb.file("logs/readme.md", "not an input\n");
    let r = xs!(sb, "score", "logs");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sources: Vec<String> = r
        .json_lines()
        .iter()
        .map(|v| v["xinsheng"]["source"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        sources,
        ["logs/a.jsonl:1", "logs/b/2.jsonl:1", "logs/c.txt:1"]
    );
}

#[test]
fn unreadable_input_is_reported_and_the_rest_is_processed() {
    let sb = Sandbox::new();
    sb.file("ok.jsonl", "{\"text\":\"你好\"}\n");
    let r = xs!(sb, "score", "missing.jsonl", "ok.jsonl");
    assert_eq!(r.code, 2);
    let lines = r.json_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["source"], "missing.jsonl");
    assert!(lines[0]["error"]
        .as_str()
        .unwrap()
        .starts_with("missing.jsonl: No such file"));
    assert!(r.stderr.contains("xinsheng: missing.jsonl: No such file"));
    assert!(r.stderr.contains("1 input unreadable"), "{}", r.stderr);
}

#[test]
fn csv_without_text_column_is_an_input_error() {
    let sb = Sandbox::new();
    sb.file("x.csv", "a,b\n1,2\n");
    let r = xs!(sb, "score", "x.csv");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("x.csv: no text column"), "{}", r.stderr);
    let r = xs!(sb, "score", "--text-field", "b", "x.csv");
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn bad_arguments_exit_2() {
    let sb = Sandbox::new();
    for args in [
        &["score", "-j", "0"][..],
        &["score", "--format", "xml"],
        &["score", "--encoding", "latin1"],
        &["score", "--speaker-map", "nonsense"],
        &["flag", "--min-level", "severe"],
        &["frobnicate"],
    ] {
        let r = sb.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    let r = xs!(sb, "--help");
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("score"));
}

#[test]
fn no_input_on_a_terminal_is_an_error_but_stdin_is_read_otherwise() {
    let sb = Sandbox::new();
    let r = sb.run_stdin(&["score"], "{\"text\":\"好\"}\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 1);
}

#[test]
fn examples_run_clean() {
    let sb = Sandbox::new();
    for f in ["calls.jsonl", "transcript.txt", "chats-gbk.csv"] {
        let r = xs!(sb, "score", &example(f));
        assert_eq!(r.code, 0, "{f}: {}", r.stderr);
        assert!(r.stderr.contains("0 errors"), "{f}: {}", r.stderr);
        assert!(!r.stderr.contains("unknown speaker"), "{f}: {}", r.stderr);
    }
    let r = xs!(sb, "score", &example("calls.jsonl"));
    assert_eq!(r.json_lines().len(), 57);
}
