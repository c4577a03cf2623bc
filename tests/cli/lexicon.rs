//! `xinsheng lexicon check|stats` and custom lexicons.

use super::Sandbox;
use crate::xs;

const LEXICONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../lexicons");

#[test]
fn lexicon_check_built_in_is_ok() {
    let sb = Sandbox::new();
    let r = xs!(sb, "lexicon", "check");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with("ok: built-in lexicons"),
        "{}",
        r.stdout
    );
    let r = xs!(sb, "lexicon", "check", LEXICONS);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("ok: 10 files"), "{}", r.stdout);
}

/// A built-in line that normalizes to an earlier one (哈哈哈 → 哈哈, ❤️ → ❤, 等著 → 等着) is
/// never used: its weight misleads whoever reads the file.
#[test]
fn the_built_in_lexicons_have_no_shadowed_lines() {
    let sb = Sandbox::new();
    for args in [&["lexicon", "check"][..], &["lexicon", "check", LEXICONS]] {
        let r = sb.run(args);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(!all.contains("never used"), "{args:?}:\n{all}");
        assert!(!all.contains("warning"), "{args:?}:\n{all}");
    }
}

#[test]
fn lexicon_check_reports_every_error_as_path_line_reason() {
    let sb = Sandbox::new();
    sb.file(
        "lex/escalation-bad.tsv",
        "# comment\n找你们董事长\tsupervisor\t4\n找你们老板\tsupervisor\t9\n投诉到底\tnot_a_category\t3\n",
    );
    sb.file("lex/sentiment-bad.tsv", "好\tabc\n");
    sb.file("lex/mystery.tsv", "x\n");
    let r = xs!(sb, "lexicon", "check", "lex");
    assert_eq!(r.code, 2);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert!(
        lines[0].starts_with("lex/escalation-bad.tsv:3: severity"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("lex/escalation-bad.tsv:4: unknown escalation category"));
    assert!(lines[2].starts_with("lex/mystery.tsv: cannot tell the lexicon kind"));
    assert!(lines[3].starts_with("lex/sentiment-bad.tsv:1: valence"));
    assert!(
        r.stderr.contains("xinsheng: 4 lexicon errors"),
        "{}",
        r.stderr
    );
}

#[test]
fn lexicon_stats_counts_per_kind_and_category() {
    let sb = Sandbox::new();
    let r = xs!(sb, "lexicon", "stats", "--format", "json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    for kind in [
        "emotion",
        "sentiment",
        "escalation",
        "agent",
        "negation",
        "degree",
    ] {
        assert!(v["per_kind"][kind].as_u64().unwrap() > 0, "{kind}");
    }
    assert!(v["per_category"]["escalation/regulator"].as_u64().unwrap() > 0);
    let text = xs!(sb, "lexicon", "stats");
    assert!(text.stdout.contains("escalation"));
    assert!(text.stdout.contains("  regulator"));
}

#[test]
fn custom_lexicon_file_is_used_and_bad_one_exits_2() {
    let sb = Sandbox::new();
    sb.file("escalation-extra.tsv", "找你们董事长\tsupervisor\t4\n");
    sb.file(
        "c.jsonl",
        "{\"speaker\":\"客户\",\"text\":\"我要找你们董事长\"}\n",
    );
    let r = xs!(sb, "score", "--lexicon", "escalation-extra.tsv", "c.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cues = r.json_lines()[0]["xinsheng"]["escalation"]["cues"].clone();
    assert!(cues
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["category"] == "supervisor"));
    sb.file("escalation-broken.tsv", "找你们董事长\tsupervisor\n");
    let r = xs!(sb, "score", "--lexicon", "escalation-broken.tsv", "c.jsonl");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("xinsheng: escalation-broken.tsv:1: expected 3"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
}

#[test]
fn lexicon_check_reports_terms_that_can_never_match() {
    let sb = Sandbox::new();
    sb.file(
        "lex/agent-english.tsv",
        "# more words than a match joins\n\
         sorry for the trouble\tencouraged\tapology\t2\n\
         we are so very sorry for all of the trouble\tencouraged\tapology\t2\n",
    );
    // A byte-order mark and an indented comment are not terms (the parser skips them).
    sb.file(
        "lex/emotion-negative-kaomoji.tsv",
        "\u{feff}(╯‵□′)╯︵┻━┻\tanger\t0.8\n  # an indented comment, more than seven words long\n",
    );
    let r = xs!(sb, "lexicon", "check", "lex");
    assert_eq!(r.code, 2, "{}", r.stdout);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert!(
        lines[0].starts_with(
            "lex/agent-english.tsv:3: `we are so very sorry for all of the trouble` can never match"
        ),
        "{}",
        lines[0]
    );
    // The same through --lexicon, with the built-in lexicons.
    let r = xs!(sb, "--lexicon", "lex/agent-english.tsv", "lexicon", "check");
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout.starts_with("lex/agent-english.tsv:3: "),
        "{}",
        r.stdout
    );
    // The table flip, symbols and all, does match.
    let r = xs!(
        sb,
        "--lexicon",
        "lex/emotion-negative-kaomoji.tsv",
        "explain",
        "--format",
        "json",
        "又要重做(╯‵□′)╯︵┻━┻"
    );
    let ex: serde_json::Value = serde_json::from_str(&r.stdout).expect("explain JSON");
    assert_eq!(ex["analysis"]["emotion"], "anger", "{}", r.stdout);
}

/// A traditional spelling of a term already in the file was dropped without a word.
#[test]
fn lexicon_check_warns_of_a_line_shadowed_by_its_simplified_twin() {
    let sb = Sandbox::new();
    sb.file(
        "escalation-mine.tsv",
        "找你们董事长\tsupervisor\t4\n找你們董事長\tsupervisor\t5\n",
    );
    let r = xs!(sb, "lexicon", "check", "escalation-mine.tsv");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("warning: escalation-mine.tsv:2: `找你們董事長` is `找你们董事长` of line 1"),
        "{}",
        r.stdout
    );
}
