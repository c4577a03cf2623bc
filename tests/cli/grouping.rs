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
