//! Every output keeps its promises (issue 15, items 2 and 13): error records in every
//! format of every command, in input order; the HTML worklist's detail is capped, its
//! index complete.

use super::Sandbox;
use crate::xs;

/// Two calls, two bad lines (2 and 5) among them.
const WITH_ERRORS: &str =
    "{\"call_id\":\"A\",\"speaker\":\"客户\",\"text\":\"我要投诉，打12315\"}\n\
not json\n\
{\"call_id\":\"A\",\"speaker\":\"客服\",\"text\":\"不归我管\"}\n\
{\"call_id\":\"B\",\"speaker\":\"客户\",\"text\":\"气死我了，我要找媒体曝光\"}\n\
{\"call_id\":\"B\",\"speaker\":\"客户\"}\n";

fn assert_errors_in_order(out: &str, what: &str) {
    let a = out
        .find("x.jsonl:2")
        .unwrap_or_else(|| panic!("{what}: no x.jsonl:2 in\n{out}"));
    let b = out
        .find("x.jsonl:5")
        .unwrap_or_else(|| panic!("{what}: no x.jsonl:5 in\n{out}"));
    assert!(a < b, "{what}: errors out of input order\n{out}");
    assert!(out.contains("invalid JSON"), "{what}: no reason\n{out}");
}

#[test]
fn error_records_are_in_every_format_of_every_command_in_input_order() {
    let sb = Sandbox::new();
    sb.file("x.jsonl", WITH_ERRORS);
    let mut runs = Vec::new();
    for cmd in ["score", "calls", "flag"] {
        for format in ["jsonl", "csv", "excel", "table"] {
            runs.push((cmd, format));
        }
    }
    runs.push(("flag", "html"));
    for (cmd, format) in runs {
        let what = format!("{cmd} --format {format}");
        let mut args = vec![cmd, "--format", format, "x.jsonl"];
        if cmd == "flag" {
            args.extend(["--min-level", "none"]);
        }
        let r = sb.run(&args);
        assert_eq!(r.code, 2, "{what}: {}", r.stderr);
        assert_errors_in_order(&r.stdout, &what);
        // The summary says what happened.
        assert!(r.stderr.contains("2 errors"), "{what}: {}", r.stderr);
    }
    // flag's JSONL: the worklist, then one error line per bad record.
    let r = xs!(sb, "flag", "--min-level", "none", "x.jsonl");
    let lines = r.json_lines();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["rank"], 1);
    assert_eq!(lines[2]["source"], "x.jsonl:2");
    assert!(lines[3]["error"]
        .as_str()
        .unwrap()
        .starts_with("x.jsonl:5: "));
    // flag's CSV: an `error` column, filled on error rows only.
    let r = xs!(
        sb,
        "flag",
        "--format",
        "csv",
        "--min-level",
        "none",
        "x.jsonl"
    );
    let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.last().map(String::as_str), Some("error"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[0][header.len() - 1], "");
    assert_eq!(&rows[2][3], "x.jsonl:2");
    // The HTML page links to its error section.
    let r = xs!(
        sb,
        "flag",
        "--format",
        "html",
        "--min-level",
        "none",
        "x.jsonl"
    );
    assert!(r
        .stdout
        .contains("<a href=\"#errors\">2 records could not be read</a>"));
    assert!(r.stdout.contains("<section id=\"errors\">"));
}

#[test]
fn html_details_are_capped_and_the_index_is_complete() {
    let sb = Sandbox::new();
    let n = 503;
    let input: String = (0..n)
        .map(|i| {
            format!(
                "{{\"call_id\":\"C{i}\",\"speaker\":\"客户\",\"text\":\"我要投诉，打12315\"}}\n"
            )
        })
        .collect();
    sb.file("many.jsonl", input);
    let r = xs!(sb, "flag", "--format", "html", "many.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = &r.stdout;
    assert_eq!(
        page.matches("<tr><td class=\"num\">").count(),
        n,
        "index rows"
    );
    assert_eq!(page.matches("<section id=\"call-").count(), 500);
    assert!(page.contains("<section id=\"call-500\">"));
    assert!(!page.contains("id=\"call-501\""));
    assert!(
        page.contains("the other 3 are listed in this index only"),
        "{page:.2000}"
    );
    // Every link resolves.
    for link in page.split("href=\"#").skip(1) {
        let id = &link[..link.find('"').unwrap()];
        assert!(page.contains(&format!("id=\"{id}\"")), "dangling #{id}");
    }
    // --top N: N calls, all in detail.
    let r = xs!(sb, "flag", "--format", "html", "--top", "7", "many.jsonl");
    assert_eq!(r.stdout.matches("<section id=\"call-").count(), 7);
    assert!(!r.stdout.contains("listed in this index only"));
}

#[test]
fn a_text_over_the_analysed_cap_is_analysed_in_part_and_marked() {
    let sb = Sandbox::new();
    // 300 KB of complaints: over the 256 KiB cap.
    let long = "我要投诉，马上退款！".repeat(10_000);
    sb.file(
        "long.jsonl",
        format!(
            "{{\"call_id\":\"L\",\"speaker\":\"客户\",\"text\":\"{long}\"}}\n\
             {{\"call_id\":\"L\",\"speaker\":\"客服\",\"text\":\"好的\"}}\n"
        ),
    );
    let r = xs!(sb, "score", "long.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.json_lines();
    let x = &lines[0]["xinsheng"];
    assert_eq!(x["truncated"], true);
    let analysed = x["analysed_chars"].as_u64().unwrap();
    // Cut at a sentence end (every 10 chars), under the cap.
    assert!(
        analysed > 80_000 && analysed < 100_000 && analysed.is_multiple_of(10),
        "{analysed}"
    );
    assert!(lines[1]["xinsheng"].get("truncated").is_none());
    // The original record is whole.
    assert_eq!(lines[0]["text"].as_str().unwrap().len(), long.len());
    assert!(
        r.stderr.contains("1 record analysed in part"),
        "{}",
        r.stderr
    );
    let c = xs!(sb, "calls", "long.jsonl");
    assert_eq!(c.json_lines()[0]["truncated_turns"], 1);
    let f = xs!(sb, "flag", "long.jsonl");
    assert_eq!(f.json_lines()[0]["truncated_turns"], 1);
    let h = xs!(sb, "flag", "--format", "html", "long.jsonl");
    assert!(h.stdout.contains("more characters not analysed)"));
}
