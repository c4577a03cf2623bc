//! Score stdin, one utterance per line: prints `valence<TAB>risk<TAB>emotion<TAB>text`.
//!
//! ```text
//! printf '我要投诉\n谢谢\n' | cargo run --release -p xinsheng --example score_lines [-- agent]
//! ```

use std::io::{BufRead, Write};

use xinsheng::{Analyzer, Speaker};

fn main() -> std::io::Result<()> {
    let speaker: Speaker = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(Speaker::Customer);
    let an = Analyzer::new();
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let a = an.analyze(&line, speaker);
        writeln!(
            out,
            "{:.3}\t{:.3}\t{}\t{}",
            a.valence, a.escalation.risk, a.emotion, line
        )?;
    }
    Ok(())
}
