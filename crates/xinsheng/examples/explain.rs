//! Explain how an utterance is scored: `cargo run -p xinsheng --example explain -- "文本" [agent]`.

fn main() {
    let mut args = std::env::args().skip(1);
    let text = args
        .next()
        .unwrap_or_else(|| "虽然客服态度不错，但是问题一直没解决".into());
    let speaker = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(xinsheng::Speaker::Customer);
    let e = xinsheng::Analyzer::new().explain(&text, speaker);
    println!("normalized: {}", e.normalized);
    for t in &e.tokens {
        println!(
            "  token {:<8} [{}..{}] {}",
            t.text,
            t.start,
            t.end,
            t.lexicon.join(" ")
        );
    }
    for c in &e.contributions {
        println!(
            "  {:<10} {:<8} base {:+.2} -> {:+.2} {:?} {}",
            c.source,
            c.text,
            c.base,
            c.valence,
            c.emotion,
            c.modifiers.join("; ")
        );
    }
    if let Some(a) = &e.analysis {
        println!(
            "emotion {} polarity {} valence {:+.3} intensity {:.2} risk {:.2} level {}",
            a.emotion, a.polarity, a.valence, a.intensity, a.escalation.risk, a.escalation.level
        );
        for c in &a.escalation.cues {
            println!(
                "  cue {} {} sev {} weight {:.2} negated {} quoted {}",
                c.category, c.text, c.severity, c.weight, c.negated, c.quoted
            );
        }
    }
}
