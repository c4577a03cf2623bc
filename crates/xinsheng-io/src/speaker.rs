//! Speaker labels → [`Speaker`].

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use xinsheng::Speaker;

/// Built-in speaker labels, one `LABEL<TAB>agent|customer` a line (see the file's head).
const BUILT_IN: &str = include_str!("../data/speakers.tsv");

/// The built-in labels: each normalised with [`key`], and an ASCII label of several words
/// also without its spaces (`customerservice`).
fn built_in() -> impl Iterator<Item = (String, Speaker)> {
    BUILT_IN
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .flat_map(|l| {
            let (label, role) = l.split_once('\t').unwrap_or((l, ""));
            let speaker = match role.trim() {
                "agent" => Speaker::Agent,
                "customer" => Speaker::Customer,
                _ => Speaker::Unknown,
            };
            let k = key(label);
            let joined = (k.is_ascii() && k.contains(' ')).then(|| k.replace(' ', ""));
            std::iter::once((k, speaker)).chain(joined.map(|j| (j, speaker)))
        })
}

/// Maps speaker labels (`客服`, `客户小李`, `Agent`, `helpdesk` …) to [`Speaker`].
///
/// Labels are compared after trimming, ASCII case ignored and runs of `_`, `-`, `.` and
/// white space read as one space (`Customer_Service` is `customer service`). A label maps
/// by exact match first (your entries, then the built-in ones), then by the longest known
/// label it starts with: `客服小王` and `客户A` start with a known label, and
/// `客户经理王` is staff because `客户经理` is longer than `客户`. An ASCII label like
/// `agent` only matches as a prefix when what follows is not a letter (`agent_07` and
/// `Agent7` are agents, `username` is not a user), nor a digit after a digit. Anything
/// else is [`Speaker::Unknown`].
///
/// ```
/// use xinsheng::Speaker;
/// use xinsheng_io::SpeakerMap;
/// let map: SpeakerMap = "helpdesk=agent, 访客=customer".parse()?;
/// assert_eq!(map.map("客服小王"), Speaker::Agent);
/// assert_eq!(map.map("Customer"), Speaker::Customer);
/// assert_eq!(map.map("访客"), Speaker::Customer);
/// assert_eq!(map.map("username"), Speaker::Unknown);
/// assert_eq!(map.map("Customer Service"), Speaker::Agent);
/// assert_eq!(map.map("客户经理"), Speaker::Agent);
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

/// A label as compared: trimmed, ASCII-lowercased, runs of `_ - .` and white space as one
/// space between ASCII letters or digits, and as nothing elsewhere (`客户 经理` is `客户经理`).
fn key(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut gap = false;
    for c in label.trim().chars() {
        if c.is_whitespace() || matches!(c, '_' | '-' | '.') {
            gap = true;
            continue;
        }
        if gap && c.is_ascii_alphanumeric() && out.ends_with(|p: char| p.is_ascii_alphanumeric()) {
            out.push(' ');
        }
        gap = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

impl SpeakerMap {
    /// The built-in labels plus `entries` (which win over built-in ones).
    pub fn from_entries<I: IntoIterator<Item = (String, Speaker)>>(entries: I) -> SpeakerMap {
        let mut exact: HashMap<String, Speaker> = built_in().collect();
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

    /// Real-world role labels, both ways: staff labels that begin with a customer word
    /// (issue 15) and customer labels that begin with a staff-like word.
    #[test]
    fn real_world_role_labels() {
        let m = SpeakerMap::default();
        let agents = [
            "Customer Service",
            "customer_service",
            "CUSTOMER-SERVICE",
            "CustomerService",
            "customer service rep 3",
            "Customer Support",
            "customer care",
            "Client Services",
            "客户服务",
            "客户服务中心",
            "客户经理",
            "客户经理王芳",
            "客户代表",
            "客户专员",
            "用户服务中心",
            "用户服务",
            "客服中心",
            "顾客服务",
            "会员服务",
            "客戶服務",
            "客戶經理",
            "在线客服",
            "人工客服",
            "智能客服",
            "售前客服",
            "售后",
            "店小二",
            "商家",
            "工作人员",
            "话务员",
            "客服小王",
            "客服 007",
            "坐席-0123",
            "Agent",
            "agent_07",
            "Agent7",
            "CSR",
            "cs 2",
            "helpdesk",
            "Help Desk",
            "bot",
            "system",
        ];
        let customers = [
            "客户",
            "客户A",
            "客户小李",
            "客户（张先生）",
            "用户",
            "用户123",
            "用户名",
            "顾客",
            "客戶",
            "会员",
            "会员张三",
            "访客",
            "访客8812",
            "来电人",
            "来电用户",
            "买家",
            "消费者",
            "投诉人",
            "Customer",
            "customer 1",
            "customer_02",
            "Client",
            "User",
            "user-5",
            "caller",
            "visitor",
            "guest",
            "end_user",
            "End User",
        ];
        let unknown = [
            "张三",
            "username",
            "userid",
            "botanist",
            "services2",
            "representation",
            "csv",
            "小明",
            "",
            "  ",
        ];
        let mut wrong = Vec::new();
        for (labels, want) in [
            (&agents[..], Speaker::Agent),
            (&customers[..], Speaker::Customer),
            (&unknown[..], Speaker::Unknown),
        ] {
            for l in labels {
                let got = m.map(l);
                if got != want {
                    wrong.push(format!("{l:?}: {got} (want {want})"));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn separators_are_normalised_in_user_entries() {
        let m: SpeakerMap = "Customer_Service=customer, 客户 经理=customer"
            .parse()
            .unwrap();
        assert_eq!(m.map("customer service"), Speaker::Customer);
        assert_eq!(m.map("客户经理"), Speaker::Customer);
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
