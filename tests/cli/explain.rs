//! `xinsheng explain`.

use super::Sandbox;
use crate::xs;

#[test]
fn explain_text_shows_tokens_contributions_and_result() {
    let sb = Sandbox::new();
    let r = xs!(sb, "explain", "我不是要投诉，就是问一下进度");
    assert_eq!(r.code, 0, "{}", r.stderr);
    for section in ["text ", "normalized ", "tokens", "contributions", "result"] {
        assert!(
            r.stdout.contains(section),
            "{section} missing:\n{}",
            r.stdout
        );
    }
    assert!(r.stdout.contains("negated"), "{}", r.stdout);
}

#[test]
fn explain_json_is_the_explanation() {
    let sb = Sandbox::new();
    let r = xs!(
        sb,
        "explain",
        "--format",
        "json",
        "--speaker",
        "agent",
        "这个不归我管"
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["tokens"].is_array());
    assert!(v["contributions"].is_array());
    assert_eq!(v["analysis"]["speaker"], "agent");
    assert!(v["analysis"]["agent"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["kind"] == "prohibited"));
}

#[test]
fn explain_reads_stdin() {
    let sb = Sandbox::new();
    let r = sb.run_stdin(&["explain", "--format", "json", "-"], "谢谢你\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["analysis"]["polarity"], "positive");
}
