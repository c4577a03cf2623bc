//! `xinsheng calibrate` and `--model FILE`, end to end on synthetic labeled calls.

use crate::cli::Sandbox;
use crate::xs;

const UPSET: [&str; 5] = [
    "快递一个星期了还没到，太失望了",
    "你们这是在敷衍我吧，怎么还没处理",
    "第三次问了，到底什么时候退款",
    "气死我了，一直没人管",
    "太差劲了，等了这么久还没发货",
];
const CALM: [&str; 5] = [
    "你好，查一下订单",
    "好的，谢谢",
    "请问什么时候发货",
    "可以开发票吗",
    "明白了，谢谢你",
];

/// `n_pos` upset and `n_neg` calm calls as JSONL records with a `sat` field (1 upset, 5
/// calm), two customer turns and one or (every third call) two agent turns each.
fn calls(n_pos: usize, n_neg: usize) -> String {
    let mut s = String::new();
    for i in 0..n_pos + n_neg {
        let upset = i < n_pos;
        let (words, sat) = if upset { (&UPSET, 1) } else { (&CALM, 5) };
        let id = format!("c{i:03}");
        let mut turns = vec![
            ("客户", words[i % 5]),
            ("客服", "您好，我帮您查一下"),
            ("客户", words[(i / 5 + 1) % 5]),
        ];
        if i % 3 == 0 {
            turns.push(("客服", "请稍等"));
        }
        for (sp, text) in turns {
            s.push_str(&format!(
                "{{\"call_id\":\"{id}\",\"speaker\":\"{sp}\",\"text\":\"{text}\",\"sat\":{sat}}}\n"
            ));
        }
    }
    s
}

#[test]
fn calibrate_reports_out_of_fold_then_writes_a_model_calls_can_use() {
    let sb = Sandbox::new();
    sb.file("calls.jsonl", calls(30, 40));
    let r = xs!(
        sb,
        "calibrate",
        "calls.jsonl",
        "--label",
        "sat",
        "--below",
        "3",
        "-o",
        "m.json"
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // No agent says no in these calls: the built-in model's `polite_refused` is left out
    // (named with --features, it would be an error; see below).
    assert!(
        r.stderr
            .contains("feature `polite_refused` is the same on every call: left out of the fit"),
        "{}",
        r.stderr
    );
    for needle in [
        "70 calls, 30 positive",
        "5-fold cross-validation grouped by call id",
        "ROC-AUC [95 % bootstrap]",
        "built-in model",
        "precision, top 5 % of calls",
        "precision, top 10 % of calls",
        "calibration",
        "(intercept)",
        "mood_mass",
    ] {
        assert!(r.stdout.contains(needle), "missing {needle}: {}", r.stdout);
    }
    // Upset and calm calls are told apart out of fold.
    let auc_line = r.stdout.lines().find(|l| l.starts_with("ROC-AUC")).unwrap();
    let auc: f64 = auc_line.split_whitespace().nth(4).unwrap().parse().unwrap();
    assert!(auc > 0.9, "{auc_line}");
    let model = std::fs::read_to_string(sb.path("m.json")).unwrap();
    assert!(model.contains("\"format\": \"xinsheng-call-model/1\""));
    assert!(
        model.contains("calibrate calls.jsonl --label sat --below 3"),
        "{model}"
    );
    // The model scores calls.
    let c = xs!(
        sb,
        "calls",
        "--model",
        "m.json",
        "--format",
        "jsonl",
        "calls.jsonl"
    );
    assert_eq!(c.code, 0, "{}", c.stderr);
    let rows = c.json_lines();
    assert_eq!(rows.len(), 70);
    let risk = |i: usize| rows[i]["escalation"]["risk"].as_f64().unwrap();
    assert!(risk(0) > risk(69), "{} vs {}", risk(0), risk(69));
    // Same figures with the labels kept apart.
    let mut labels = String::from("call_id,label\n");
    for i in 0..70 {
        labels.push_str(&format!("c{i:03},{}\n", if i < 30 { "bad" } else { "ok" }));
    }
    sb.file("labels.csv", labels);
    let r2 = xs!(
        sb,
        "calibrate",
        "calls.jsonl",
        "--labels",
        "labels.csv",
        "--positive",
        "bad"
    );
    assert_eq!(r2.code, 0, "{}", r2.stderr);
    assert_eq!(r2.stdout.lines().nth(3), r.stdout.lines().nth(3));
}

/// The records of `calls(…)` dealt round-robin over the calls: first turns of every call,
/// then second turns …, as a chat export ordered by time interleaves concurrent sessions.
fn interleaved(jsonl: &str) -> Vec<String> {
    let mut by_call: Vec<Vec<&str>> = Vec::new();
    let mut last_id = "";
    for line in jsonl.lines() {
        let id = &line[..line.find(",\"speaker\"").unwrap()];
        if id != last_id {
            by_call.push(Vec::new());
            last_id = id;
        }
        by_call.last_mut().unwrap().push(line);
    }
    let longest = by_call.iter().map(Vec::len).max().unwrap();
    (0..longest)
        .flat_map(|k| by_call.iter().filter_map(move |c| c.get(k)))
        .map(|l| l.to_string())
        .collect()
}

#[test]
fn calibrate_reads_labels_of_interleaved_calls_in_any_format() {
    let sb = Sandbox::new();
    let sorted = calls(30, 40);
    sb.file("sorted.jsonl", sorted.clone());
    let mixed = interleaved(&sorted);
    assert_ne!(
        mixed.concat(),
        sorted.replace('\n', ""),
        "the calls are interleaved"
    );
    sb.file("mixed.jsonl", mixed.join("\n") + "\n");
    // The same records as CSV, the label a column.
    let mut csv = String::from("call_id,speaker,text,sat\n");
    for line in &mixed {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        csv.push_str(&format!(
            "{},{},{},{}\n",
            v["call_id"].as_str().unwrap(),
            v["speaker"].as_str().unwrap(),
            v["text"].as_str().unwrap(),
            v["sat"]
        ));
    }
    sb.file("mixed.csv", csv);
    let fit = |file: &str, extra: &[&str]| {
        let r = calibrate(&sb, file, extra);
        assert_eq!(r.code, 0, "{file}: {}", r.stderr);
        r.stdout
    };
    let want = fit("sorted.jsonl", &[]);
    assert!(want.contains("70 calls, 30 positive"), "{want}");
    let auc = |out: &str| {
        out.lines()
            .find(|l| l.starts_with("ROC-AUC"))
            .map(str::to_string)
    };
    for (file, extra) in [
        ("mixed.jsonl", &[][..]),
        ("mixed.csv", &[][..]),
        // Held records spill to disk and come back with their label.
        ("mixed.jsonl", &["--group-bytes", "2000"][..]),
        ("mixed.csv", &["--group-bytes", "2000"][..]),
        // Grouped, past the budget: checked, then streamed with their labels.
        ("sorted.jsonl", &["--group-bytes", "2000"][..]),
    ] {
        let got = fit(file, extra);
        assert!(
            got.contains("70 calls, 30 positive"),
            "{file} {extra:?}: {got}"
        );
        assert_eq!(auc(&got), auc(&want), "{file} {extra:?}");
    }
}

/// `calibrate FILE --label sat --below 3 EXTRA…`.
fn calibrate(sb: &Sandbox, file: &str, extra: &[&str]) -> super::Run {
    let mut args = vec!["calibrate", file, "--label", "sat", "--below", "3"];
    args.extend_from_slice(extra);
    sb.run(&args)
}

/// `calibrate FILE --label sat --below 3 EXTRA…` fails (exit 2) and says each of
/// `messages`.
fn refuses(sb: &Sandbox, file: &str, extra: &[&str], messages: &[&str]) {
    let r = calibrate(sb, file, extra);
    assert_eq!(r.code, 2, "{file}: {}", r.stderr);
    for m in messages {
        assert!(r.stderr.contains(m), "{file}: {}", r.stderr);
    }
}

#[test]
fn calibrate_refuses_to_fit_silently() {
    let sb = Sandbox::new();
    // A call without a label: counted and named.
    let mut text = calls(30, 30);
    text.push_str("{\"call_id\":\"zz\",\"speaker\":\"客户\",\"text\":\"你好\"}\n");
    sb.file("missing.jsonl", text);
    let no_label = "1 of 61 calls have no label: zz";
    refuses(&sb, "missing.jsonl", &["-o", "m.json"], &[no_label]);
    assert!(!sb.path("m.json").exists());
    // Too few positives.
    sb.file("few.jsonl", calls(10, 40));
    let few = "10 positive and 40 negative calls: at least 20";
    refuses(&sb, "few.jsonl", &[], &[few]);
    // A label that is not a number.
    sb.file(
        "words.jsonl",
        calls(30, 30).replace("\"sat\":5", "\"sat\":\"good\""),
    );
    let unread = ["30 labels cannot be read", "`good` is not a number"];
    refuses(&sb, "words.jsonl", &[], &unread);
    // A feature that is the same on every call.
    sb.file("ok.jsonl", calls(30, 30));
    let features = ["--features", "mood_mass,cue_formal"];
    let constant = "feature `cue_formal` is constant";
    refuses(&sb, "ok.jsonl", &features, &[constant]);
}

#[test]
fn a_bad_model_file_is_named_with_its_line() {
    let sb = Sandbox::new();
    sb.file("calls.jsonl", calls(1, 1));
    sb.file(
        "bad.json",
        "{\n  \"format\": \"xinsheng-call-model/1\",\n  \"intercept\": 0,\n  \"features\": [\n    {\"name\": \"shoe_size\", \"weight\": 1, \"mean\": 0, \"sd\": 1}\n  ],\n  \"provenance\": {}\n}\n",
    );
    for cmd in ["calls", "flag"] {
        let r = xs!(sb, cmd, "--model", "bad.json", "calls.jsonl");
        assert_eq!(r.code, 2);
        assert!(
            r.stderr.contains("bad.json:5: unknown feature `shoe_size`"),
            "{}",
            r.stderr
        );
    }
}
