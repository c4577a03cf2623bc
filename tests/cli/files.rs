//! Output files, folders and signals (issue 15, items 5, 7, 8, 9, 11 and 12): each test
//! is named after what went wrong before.

use std::fs;
use std::process::Stdio;

use super::Sandbox;
use crate::xs;

const ONE: &str = "{\"call_id\":\"A\",\"speaker\":\"客户\",\"text\":\"我要投诉\"}\n";

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
#[test]
fn output_keeps_a_private_files_mode() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    sb.file("in.jsonl", ONE);
    let out = sb.file("out.jsonl", "old");
    fs::set_permissions(&out, fs::Permissions::from_mode(0o600)).unwrap();
    let r = xs!(sb, "score", "-q", "in.jsonl", "-o", "out.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(fs::read_to_string(&out).unwrap().contains("我要投诉"));
    assert_eq!(mode(&out), 0o600);
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_replaces_the_target_not_the_link() {
    let sb = Sandbox::new();
    sb.file("in.jsonl", ONE);
    let real = sb.file("real.jsonl", "old");
    std::os::unix::fs::symlink(&real, sb.path("link.jsonl")).unwrap();
    let r = xs!(sb, "score", "-q", "in.jsonl", "-o", "link.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let link = fs::symlink_metadata(sb.path("link.jsonl")).unwrap();
    assert!(link.file_type().is_symlink());
    assert!(fs::read_to_string(&real).unwrap().contains("我要投诉"));
}

#[cfg(unix)]
#[test]
fn output_to_a_fifo_is_written_in_place() {
    let sb = Sandbox::new();
    sb.file("in.jsonl", ONE);
    let fifo = sb.path("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let r = xs!(sb, "score", "-q", "in.jsonl", "-o", "pipe");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(reader.join().unwrap().contains("我要投诉"));
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn output_to_dev_null_leaves_it_a_device() {
    let sb = Sandbox::new();
    sb.file("in.jsonl", ONE);
    if !std::path::Path::new("/dev/null").exists() {
        return;
    }
    let r = xs!(sb, "score", "-q", "in.jsonl", "-o", "/dev/null");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!fs::metadata("/dev/null").unwrap().is_file());
}

#[test]
fn output_dash_is_stdout() {
    let sb = Sandbox::new();
    sb.file("in.jsonl", ONE);
    let r = xs!(sb, "score", "-q", "in.jsonl", "-o", "-");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("我要投诉"));
    assert!(!sb.path("-").exists());
}

#[test]
fn output_to_a_directory_fails_before_reading() {
    let sb = Sandbox::new();
    fs::create_dir(sb.path("outdir")).unwrap();
    // The input does not exist: had it been read first, the message would name it.
    let r = xs!(sb, "score", "missing.jsonl", "-o", "outdir");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("outdir: is a directory"), "{}", r.stderr);
    assert!(!r.stderr.contains("missing.jsonl"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn interrupted_runs_leave_no_temporary_file() {
    let sb = Sandbox::new();
    // Input from a pipe that never ends: the run waits, with its temporary file open.
    for sig in ["INT", "TERM", "HUP"] {
        let mut child = sb
            .cmd(&["score", "-q", "-o", "out.jsonl", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        std::io::Write::write_all(&mut stdin, ONE.as_bytes()).unwrap();
        let tmp_seen = (0..200).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(25));
            fs::read_dir(sb.dir.path())
                .unwrap()
                .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
        });
        assert!(tmp_seen, "the run never opened its temporary file");
        let killed = std::process::Command::new("kill")
            .args([format!("-{sig}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        drop(stdin);
        assert!(!status.success(), "SIG{sig}: {status:?}");
        let left: Vec<String> = fs::read_dir(sb.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(left.is_empty(), "SIG{sig} left {left:?}");
    }
}

#[test]
fn a_stale_temporary_file_of_a_dead_run_is_removed() {
    let sb = Sandbox::new();
    sb.file("in.jsonl", ONE);
    // A PID above the kernel's maximum: that run is certainly gone.
    let stale = sb.file(".out.jsonl.xinsheng-99999999-0.tmp", "half a result");
    let r = xs!(sb, "score", "-q", "in.jsonl", "-o", "out.jsonl");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!stale.exists());
}

#[test]
fn output_written_into_an_input_folder_is_not_read_back() {
    let sb = Sandbox::new();
    sb.file("logs/in.jsonl", ONE);
    for round in 0..2 {
        let r = xs!(sb, "score", "logs", "-o", "logs/scored.jsonl");
        assert_eq!(r.code, 0, "{}", r.stderr);
        let out = fs::read_to_string(sb.path("logs/scored.jsonl")).unwrap();
        assert_eq!(out.lines().count(), 1, "round {round}: {out}");
    }
    // The next run, to another file, says why it passed over the first result.
    let r = xs!(sb, "score", "logs", "-o", "again.jsonl");
    assert!(
        r.stderr
            .contains("skipped logs/scored.jsonl: it is xinsheng output"),
        "{}",
        r.stderr
    );
    let out = fs::read_to_string(sb.path("again.jsonl")).unwrap();
    assert_eq!(out.lines().count(), 1);
}

#[test]
fn a_folder_of_unreadable_files_says_what_it_skipped() {
    let sb = Sandbox::new();
    sb.file("exports/a.xlsx", "PK");
    sb.file("exports/b.zip", "PK");
    let r = xs!(sb, "score", "exports");
    assert!(
        r.stderr
            .contains("skipped exports/a.xlsx: .xlsx is not read: save the sheet as CSV"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("skipped exports/b.zip: .zip archives are not read"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_inside_a_folder_is_skipped_not_waited_for() {
    let sb = Sandbox::new();
    sb.file("logs/in.jsonl", ONE);
    let made = std::process::Command::new("mkfifo")
        .arg(sb.path("logs/stuck.jsonl"))
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let r = xs!(sb, "score", "logs");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1);
    assert!(
        r.stderr.contains("skipped logs/stuck.jsonl: a FIFO"),
        "{}",
        r.stderr
    );
}

#[test]
fn max_turns_zero_is_refused() {
    let sb = Sandbox::new();
    sb.file("in.jsonl", ONE);
    for cmd in ["calls", "flag"] {
        let r = xs!(sb, cmd, "--max-turns", "0", "in.jsonl");
        assert_eq!(r.code, 2, "{cmd}");
        assert!(r.stderr.contains("--max-turns"), "{}", r.stderr);
    }
}

#[test]
fn a_missing_lexicon_file_is_said_to_be_missing() {
    let sb = Sandbox::new();
    sb.file("in.jsonl", ONE);
    let r = xs!(sb, "--lexicon", "missing.tsv", "score", "in.jsonl");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("missing.tsv: No such file"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("cannot tell the lexicon kind"),
        "{}",
        r.stderr
    );
}

#[cfg(target_os = "linux")]
#[test]
fn closed_stdin_is_an_error() {
    let sb = Sandbox::new();
    // `sh -c '… <&-'` runs the binary with its standard input closed.
    let bin = super::BIN;
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("'{bin}' score <&-"))
        .current_dir(sb.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stdin is closed"), "{err}");
}
