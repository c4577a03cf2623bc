//! Calls are whole wherever their records stand (issue 15, item 3), through the binary.

use super::Sandbox;
use crate::xs;

/// `n` three-turn calls interleaved as a chat export ordered by time: every call's
/// first turn, then every second turn, then every third.
fn interleaved(n: usize) -> String {
    let texts = [
        "你好，我的快递到哪了",
        "您好，请稍等，我帮您查一下",
        "好的谢谢",
    ];
    let speakers = ["客户", "客服", "客户"];
    let mut s = String::new();
    for t in 0..3 {
        for c in 0..n {
            s.push_str(&format!(
                "{{\"call_id\":\"K{c}\",\"turn\":{},\"speaker\":\"{}\",\"text\":\"{}\"}}\n",
                t + 1,
                speakers[t],
                texts[t]
            ));
        }
    }
    s
}

fn ids_and_turns(r: &super::Run) -> Vec<(String, u64)> {
    r.json_lines()
        .iter()
        .map(|c| {
            (
                c["call_id"].as_str().unwrap().to_string(),
                c["turns"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn interleaved_calls_are_whole_in_order_of_first_record_spilled_or_not() {
    let n = 1000;
    let sb = Sandbox::new();
    let input = interleaved(n);
    sb.file("chat.jsonl", &input);
    let want: Vec<(String, u64)> = (0..n).map(|c| (format!("K{c}"), 3)).collect();
    let r = xs!(sb, "-j2", "calls", "chat.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(ids_and_turns(&r), want);
    assert!(r.stderr.contains(&format!("; {n} calls")), "{}", r.stderr);
    // Each call's turns are its own, in turn order: customer, agent, customer.
    let first = &r.json_lines()[0];
    assert_eq!(first["source"], "chat.jsonl:1-2001");
    assert_eq!(first["customer_turns"], 2);
    assert_eq!(first["agent_turns"], 1);
    // Spilled to disk every ~4 KB (many runs, merged as they pile up), one thread, or
    // from stdin: the same bytes.
    let spilled = xs!(sb, "-j1", "--group-bytes", "4096", "calls", "chat.jsonl");
    assert_eq!(spilled.code, 0, "{}", spilled.stderr);
    assert_eq!(spilled.stdout, r.stdout);
    let piped = sb.run_stdin(&["-j2", "calls", "-"], &input);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(
        piped.stdout,
        r.stdout.replace("chat.jsonl:", "<stdin>:"),
        "stdin"
    );
    // flag sees whole calls too.
    let f = xs!(sb, "flag", "--min-level", "none", "chat.jsonl");
    assert_eq!(f.json_lines().len(), n);
    assert!(f.json_lines().iter().all(|c| c["turns"] == 3));
}

#[test]
fn turns_follow_the_turn_field_then_input_order() {
    let sb = Sandbox::new();
    sb.file(
        "t.jsonl",
        "{\"call_id\":\"A\",\"turn\":3,\"speaker\":\"客户\",\"text\":\"那我投诉你们\"}\n\
         {\"call_id\":\"B\",\"speaker\":\"客户\",\"text\":\"你好\"}\n\
         {\"call_id\":\"A\",\"turn\":2,\"speaker\":\"客服\",\"text\":\"这个不归我管\"}\n\
         {\"call_id\":\"A\",\"turn\":1,\"speaker\":\"客户\",\"text\":\"我的退款呢\"}\n",
    );
    let r = xs!(sb, "calls", "t.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls = r.json_lines();
    assert_eq!(calls.len(), 2);
    // Turn 1 (line 4) first, turn 3 (line 1) last.
    assert_eq!(calls[0]["source"], "t.jsonl:4-1");
    assert_eq!(calls[0]["agent_qa"]["prohibited"][0]["turn"], 1);
    assert_eq!(calls[1]["call_id"], "B");
}

#[test]
fn an_id_field_no_record_has_is_an_error_not_one_giant_call() {
    let sb = Sandbox::new();
    sb.file("chat.jsonl", interleaved(20));
    let r = xs!(sb, "calls", "--id-field", "session", "chat.jsonl");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("chat.jsonl: --id-field \"session\": none of its 60 records"),
        "{}",
        r.stderr
    );
    let lines = r.json_lines();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert!(lines[0]["error"].as_str().unwrap().contains("--id-field"));
    // The field that is there works.
    let ok = xs!(sb, "calls", "--id-field", "call_id", "chat.jsonl");
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(ok.json_lines().len(), 20);
}

#[test]
fn a_call_id_in_two_inputs_is_reported() {
    let sb = Sandbox::new();
    sb.file("a.jsonl", "{\"call_id\":\"X1\",\"text\":\"你好\"}\n");
    sb.file(
        "b.jsonl",
        "{\"call_id\":\"X2\",\"text\":\"在吗\"}\n{\"call_id\":\"X1\",\"text\":\"又是我\"}\n",
    );
    let r = xs!(sb, "calls", "a.jsonl", "b.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: call id \"X1\" is in both a.jsonl and b.jsonl"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("\"X2\""), "{}", r.stderr);
    // Calls never span inputs: X1 once per input.
    let ids: Vec<String> = ids_and_turns(&r).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["X1", "X2", "X1"]);
}

/// `n` three-turn calls, each whole and in turn order (`K{c}`).
fn grouped(n: usize) -> String {
    let mut s = String::new();
    for c in 0..n {
        for (t, (speaker, text)) in [("客户", "我的退款呢"), ("客服", "请稍等"), ("客户", "好的")]
            .iter()
            .enumerate()
        {
            s.push_str(&format!(
                "{{\"call_id\":\"K{c}\",\"turn\":{},\"speaker\":\"{speaker}\",\"text\":\"{text}\"}}\n",
                t + 1
            ));
        }
    }
    s
}

/// `calls` on `name` with a grouping budget of `budget` bytes and `$TMPDIR` a folder that
/// does not exist, so that regrouping past the budget fails.
fn calls_without_tmpdir(sb: &Sandbox, budget: &str, name: &str) -> super::Run {
    let out = sb
        .cmd(&["calls", "--group-bytes", budget, name])
        .env("TMPDIR", sb.path("no-such-folder"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run xinsheng");
    super::finish(out)
}

#[test]
fn a_grouped_file_larger_than_the_budget_streams_without_touching_the_disk() {
    let sb = Sandbox::new();
    let mut input = grouped(300);
    // A record that cannot be read, and a call without an id: both stay where they are.
    input.push_str("not json\n{\"speaker\":\"客户\",\"text\":\"在吗\"}\n");
    sb.file("g.jsonl", &input);
    // Read twice (first to check the order), handed on as read: no temporary file, so an
    // unusable $TMPDIR does not matter.
    let fast = calls_without_tmpdir(&sb, "1024", "g.jsonl");
    assert_eq!(fast.code, 2, "{}", fast.stderr);
    assert!(!fast.stderr.contains("TMPDIR"), "{}", fast.stderr);
    let calls = fast.json_lines();
    assert_eq!(calls.len(), 302, "{}", fast.stdout);
    // (An error is written as it comes, before the call still open: as ever.)
    assert_eq!(calls[299]["source"], "g.jsonl:901");
    assert_eq!(calls[300]["source"], "g.jsonl:898-900");
    assert_eq!(calls[301]["source"], "g.jsonl:902");
    // The same bytes as held in memory (a budget larger than the file) and from stdin.
    let held = xs!(sb, "calls", "g.jsonl");
    assert!(held.stdout == fast.stdout);
    let piped = sb.run_stdin(&["calls", "--group-bytes", "1024", "-"], &input);
    // (The call without an id is named after its input.)
    assert!(piped.stdout == fast.stdout.replace("g.jsonl", "<stdin>"));
    // Interleaved, the same file spills to disk past the budget: then $TMPDIR matters.
    sb.file("i.jsonl", interleaved(300));
    let slow = calls_without_tmpdir(&sb, "1024", "i.jsonl");
    assert_eq!(slow.code, 2, "{}", slow.stderr);
    assert!(slow.stderr.contains("TMPDIR"), "{}", slow.stderr);
}

#[test]
fn a_file_grouped_at_first_then_interleaved_is_regrouped_whole() {
    let sb = Sandbox::new();
    // 50 grouped calls, then 50 interleaved ones, then K0 again and turns out of order.
    let mut input = grouped(50);
    input.push_str(&interleaved(50).replace("\"K", "\"L"));
    input.push_str(
        "{\"call_id\":\"K0\",\"turn\":4,\"speaker\":\"客服\",\"text\":\"还有别的问题吗\"}\n\
         {\"call_id\":\"M\",\"turn\":2,\"speaker\":\"客服\",\"text\":\"您好\"}\n\
         {\"call_id\":\"M\",\"turn\":1,\"speaker\":\"客户\",\"text\":\"在吗\"}\n",
    );
    sb.file("mixed.jsonl", &input);
    let want: Vec<(String, u64)> = (0..50)
        .map(|c| (format!("K{c}"), if c == 0 { 4 } else { 3 }))
        .chain((0..50).map(|c| (format!("L{c}"), 3)))
        .chain([("M".to_string(), 2)])
        .collect();
    let mut outputs = Vec::new();
    for budget in ["64", "100000000"] {
        let r = xs!(sb, "-j2", "calls", "--group-bytes", budget, "mixed.jsonl");
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(ids_and_turns(&r), want, "budget {budget}");
        outputs.push(r.stdout);
    }
    assert!(outputs[0] == outputs[1]);
    let first = xs!(sb, "calls", "mixed.jsonl").json_lines();
    assert_eq!(first[0]["source"], "mixed.jsonl:1-301");
    assert_eq!(first[100]["source"], "mixed.jsonl:303-302");
    let piped = sb.run_stdin(&["calls", "--group-bytes", "64", "-"], &input);
    assert!(piped.stdout == outputs[0].replace("mixed.jsonl:", "<stdin>:"));
}

#[test]
fn a_call_id_in_two_grouped_inputs_read_twice_is_reported_once() {
    let sb = Sandbox::new();
    sb.file("a.jsonl", grouped(3));
    sb.file("b.jsonl", grouped(5).replace("\"K0\"", "\"B0\""));
    for budget in ["64", "100000000"] {
        let r = xs!(sb, "calls", "--group-bytes", budget, "a.jsonl", "b.jsonl");
        assert_eq!(r.code, 0, "{}", r.stderr);
        for id in ["K1", "K2"] {
            let warning = format!("warning: call id \"{id}\" is in both a.jsonl and b.jsonl");
            assert_eq!(r.stderr.matches(&warning).count(), 1, "{}", r.stderr);
        }
        assert!(!r.stderr.contains("\"K0\""), "{}", r.stderr);
        let ids: Vec<String> = ids_and_turns(&r).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["K0", "K1", "K2", "B0", "K1", "K2", "K3", "K4"]);
    }
}
