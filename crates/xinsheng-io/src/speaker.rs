//! Speaker labels → [`Speaker`].

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use xinsheng::Speaker;

/// Built-in speaker labels (compared after trimming, ASCII case ignored), simplified and
/// traditional.
const BUILT_IN: &[(&str, Speaker)] = &[
    ("客服", Speaker::Agent),
    ("坐席", Speaker::Agent),
    ("座席", Speaker::Agent),
    ("人工客服", Speaker::Agent),
    ("售后", Speaker::Agent),
    ("售後", Speaker::Agent),
    ("商家", Speaker::Agent),
    ("卖家", Speaker::Agent),
    ("系统", Speaker::Agent),
    ("机器人", Speaker::Agent),
    ("agent", Speaker::Agent),
    ("staff", Speaker::Agent),
    ("system", Speaker::Agent),
    ("helpdesk", Speaker::Agent),
    ("support", Speaker::Agent),
    ("operator", Speaker::Agent),
    ("bot", Speaker::Agent),
    ("客户", Speaker::Customer),
    ("用户", Speaker::Customer),
    ("顾客", Speaker::Customer),
    ("客戶", Speaker::Customer),
    ("用戶", Speaker::Customer),
    ("顧客", Speaker::Customer),
    ("买家", Speaker::Customer),
    ("来电人", Speaker::Customer),
    ("customer", Speaker::Customer),
    ("user", Speaker::Customer),
    ("client", Speaker::Customer),
    ("caller", Speaker::Customer),
    ("buyer", Speaker::Customer),
];

/// Maps speaker labels (`客服`, `客户小李`, `Agent`, `helpdesk` …) to [`Speaker`].
///
/// A label maps by exact match first (your entries, then the built-in ones), then by
/// prefix: `客服小王` and `客户A` start with a known label; an ASCII label like `agent`
/// only matches as a prefix when what follows is not a letter (`agent_07` and `Agent7` are
/// agents, `username` is not a user), nor a digit after a digit. Anything else is [`Speaker::Unknown`].
///
/// ```
/// use xinsheng::Speaker;
/// use xinsheng_io::SpeakerMap;
/// let map: SpeakerMap = "helpdesk=agent, 访客=customer".parse()?;
/// assert_eq!(map.map("客服小王"), Speaker::Agent);
/// assert_eq!(map.map("Customer"), Speaker::Customer);
/// assert_eq!(map.map("访客"), Speaker::Customer);
/// assert_eq!(map.map("username"), Speaker::Unknown);
/// # Ok::<(), xinsheng_io::ParseSpeakerMapError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SpeakerMap {
    exact: HashMap<String, Speaker>,
    /// Labels for prefix matching, longest first.
    prefixes: Vec<(String, Speaker)>,
}

impl Default for SpeakerMap {
    fn default() -> Self {
        SpeakerMap::from_entries(std::iter::empty())
    }
}

/// A bad `--speaker-map` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseSpeakerMapError(pub String);

impl fmt::Display for ParseSpeakerMapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseSpeakerMapError {}

fn key(label: &str) -> String {
    label.trim().to_ascii_lowercase()
}

impl SpeakerMap {
    /// The built-in labels plus `entries` (which win over built-in ones).
    pub fn from_entries<I: IntoIterator<Item = (String, Speaker)>>(entries: I) -> SpeakerMap {
        let mut exact: HashMap<String, Speaker> = BUILT_IN
            .iter()
            .map(|(label, speaker)| (key(label), *speaker))
            .collect();
        for (label, speaker) in entries {
            exact.insert(key(&label), speaker);
        }
        let mut prefixes: Vec<(String, Speaker)> = exact
            .iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, s)| (k.clone(), *s))
            .collect();
        prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        SpeakerMap { exact, prefixes }
    }

    /// The speaker of a label, when the label is known (exactly or by prefix).
    pub fn lookup(&self, label: &str) -> Option<Speaker> {
        let k = key(label);
        if k.is_empty() {
            return None;
        }
        if let Some(s) = self.exact.get(&k) {
            return Some(*s);
        }
        for (p, s) in &self.prefixes {
            if let Some(rest) = k.strip_prefix(p.as_str()) {
                // `user` must not match `username`, nor `1` match `12`.
                let joined = match (p.chars().last(), rest.chars().next()) {
                    (Some(a), Some(b)) => {
                        (a.is_ascii_alphabetic() && b.is_ascii_alphabetic())
                            || (a.is_ascii_digit() && b.is_ascii_digit())
                    }
                    _ => false,
                };
                if !joined {
                    return Some(*s);
                }
            }
        }
        None
    }

    /// The speaker of a label; [`Speaker::Unknown`] when it is not known.
    pub fn map(&self, label: &str) -> Speaker {
        self.lookup(label).unwrap_or(Speaker::Unknown)
    }

    /// The speaker of an optional label; [`Speaker::Unknown`] when there is none or it is
    /// not known.
    pub fn map_opt(&self, label: Option<&str>) -> Speaker {
        label.map_or(Speaker::Unknown, |l| self.map(l))
    }
}

impl FromStr for SpeakerMap {
    type Err = ParseSpeakerMapError;

    /// Parse `label=agent,label=customer,…` (also `unknown`; `;` separates too).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut entries = Vec::new();
        for part in s.split([',', ';', '，']) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let Some((label, value)) = part.split_once('=') else {
                return Err(ParseSpeakerMapError(format!(
                    "speaker map entry `{part}` is not LABEL=agent|customer|unknown"
                )));
            };
            let speaker = match value.trim().to_ascii_lowercase().as_str() {
                "agent" | "客服" => Speaker::Agent,
                "customer" | "客户" => Speaker::Customer,
                "unknown" => Speaker::Unknown,
                other => {
                    return Err(ParseSpeakerMapError(format!(
                        "speaker map entry `{part}`: `{other}` is not agent, customer or unknown"
                    )))
                }
            };
            if label.trim().is_empty() {
                return Err(ParseSpeakerMapError(format!(
                    "speaker map entry `{part}` has an empty label"
                )));
            }
            entries.push((label.trim().to_string(), speaker));
        }
        Ok(SpeakerMap::from_entries(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_labels() {
        let m = SpeakerMap::default();
        for (label, want) in [
            ("客服", Speaker::Agent),
            ("坐席", Speaker::Agent),
            ("Agent", Speaker::Agent),
            ("STAFF", Speaker::Agent),
            ("system", Speaker::Agent),
            ("helpdesk", Speaker::Agent),
            ("客户", Speaker::Customer),
            ("用户", Speaker::Customer),
            ("顾客", Speaker::Customer),
            ("customer", Speaker::Customer),
            ("User", Speaker::Customer),
            ("客服小王", Speaker::Agent),
            ("agent 007", Speaker::Agent),
            ("agent_7", Speaker::Agent),
            ("userid", Speaker::Unknown),
            ("张三", Speaker::Unknown),
            ("", Speaker::Unknown),
        ] {
            assert_eq!(m.map(label), want, "{label}");
        }
    }

    #[test]
    fn user_entries_override() {
        let m: SpeakerMap = "user=agent;0=customer".parse().unwrap();
        assert_eq!(m.map("user"), Speaker::Agent);
        assert_eq!(m.map("0"), Speaker::Customer);
        assert!("x".parse::<SpeakerMap>().is_err());
        assert!("x=boss".parse::<SpeakerMap>().is_err());
        assert!("=agent".parse::<SpeakerMap>().is_err());
    }
}
