//! `xinsheng explain`: readable rendering of [`xinsheng::Explanation`].

use std::io::{self, Write};

use xinsheng::{Emotion, Explanation, Speaker};
use xinsheng_io::write::pad;

/// Write an explanation as readable text.
pub fn write_text<W: Write>(
    w: &mut W,
    text: &str,
    speaker: Speaker,
    ex: &Explanation,
) -> io::Result<()> {
    writeln!(w, "text        {text}")?;
    writeln!(w, "normalized  {}", ex.normalized)?;
    writeln!(w, "speaker     {speaker}")?;
    writeln!(w)?;
    writeln!(w, "tokens")?;
    let mut line = String::from("  ");
    for t in &ex.tokens {
        let tok = if t.lexicon.is_empty() {
            t.text.clone()
        } else {
            format!("{}[{}]", t.text, t.lexicon.join(" "))
        };
        if line.chars().count() + tok.chars().count() > 76 && !line.trim().is_empty() {
            writeln!(w, "{}", line.trim_end())?;
            line = String::from("  ");
        }
        line.push_str(&tok);
        line.push_str("  ");
    }
    if !line.trim().is_empty() {
        writeln!(w, "{}", line.trim_end())?;
    }
    writeln!(w)?;
    writeln!(w, "contributions")?;
    if ex.contributions.is_empty() {
        writeln!(w, "  (none: no lexicon term matched)")?;
    }
    for c in &ex.contributions {
        let emotion = match c.emotion {
            Some(e) if c.emotion_weight != 0.0 => format!("  {e} {:+.2}", c.emotion_weight),
            _ => String::new(),
        };
        let mods = if c.modifiers.is_empty() {
            String::new()
        } else {
            format!("  {}", c.modifiers.join("; "))
        };
        writeln!(
            w,
            "  {} {} base {:+.2}{mods}  → valence {:+.2}{emotion}",
            pad(&c.text, 10),
            pad(&c.source, 11),
            c.base,
            c.valence,
        )?;
    }
    if let Some(a) = &ex.analysis {
        writeln!(w)?;
        writeln!(w, "result")?;
        let mut scores: Vec<(Emotion, f32)> = Emotion::ALL
            .iter()
            .map(|e| (*e, a.emotions.get(*e)))
            .filter(|(_, s)| *s >= 0.05)
            .collect();
        scores.sort_by(|x, y| y.1.total_cmp(&x.1));
        let scores: Vec<String> = scores.iter().map(|(e, s)| format!("{e} {s:.2}")).collect();
        writeln!(w, "  emotion     {} ({})", a.emotion, scores.join(", "))?;
        writeln!(
            w,
            "  polarity    {}  valence {:+.2}  intensity {:.2}",
            a.polarity, a.valence, a.intensity
        )?;
        writeln!(
            w,
            "  escalation  {}  risk {:.2}",
            a.escalation.level, a.escalation.risk
        )?;
        for c in &a.escalation.cues {
            let mut flags = Vec::new();
            if c.negated {
                flags.push("negated");
            }
            if c.quoted {
                flags.push("quoted");
            }
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!(" [{}]", flags.join(", "))
            };
            writeln!(
                w,
                "    cue       {}:{} severity {} weight {:.2}{flags}",
                c.category, c.text, c.severity, c.weight
            )?;
        }
        for m in &a.agent {
            writeln!(
                w,
                "    agent     {}/{}:{} severity {}{}",
                m.kind,
                m.category,
                m.text,
                m.severity,
                if m.negated { " [negated]" } else { "" }
            )?;
        }
    }
    w.flush()
}
