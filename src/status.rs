//! `status.json`: how each feed's last passes went, for monitoring a deployment.
//!
//! Kept in the state store between runs (a failed pass must not erase the time of the last
//! good one) and written to `output/status.json` after every pass. Unlike the feeds, this file
//! changes with every pass: it records when the pass was made.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const STATUS_FILE: &str = "status.json";

/// One feed's status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedStatus {
    pub last_attempt: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    /// Entries in the feed as last written.
    pub entries: usize,
    /// Articles first stored by the last pass.
    pub new_entries: usize,
    /// A section page answered but yielded no article link: its layout may have changed, and
    /// the feed keeps its previous entries.
    pub suspect: bool,
    pub last_error: Option<String>,
    pub sections: Vec<SectionStatus>,
}

/// How one section page answered in the last pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionStatus {
    pub url: String,
    /// `"ok"`, `"not-modified"` or `"error"`.
    pub outcome: String,
    /// The HTTP status, when there was one.
    pub http_status: Option<u16>,
    /// Article links found on the page (absent when it was not parsed).
    pub links: Option<usize>,
    pub error: Option<String>,
}

/// The whole file.
#[derive(Debug, Serialize)]
struct StatusFile<'a> {
    generator: String,
    feeds: BTreeMap<&'a str, &'a FeedStatus>,
}

/// Renders `status.json` for the feeds given (in name order).
pub fn render(feeds: &[(String, FeedStatus)]) -> Vec<u8> {
    let file = StatusFile {
        generator: format!("sitefeed {}", env!("CARGO_PKG_VERSION")),
        feeds: feeds.iter().map(|(n, s)| (n.as_str(), s)).collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&file).expect("status always serialises");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_field() {
        let status = FeedStatus {
            last_attempt: Some(
                DateTime::parse_from_rfc3339("2026-01-27T12:00:00Z")
                    .unwrap()
                    .to_utc(),
            ),
            last_success: None,
            entries: 3,
            new_entries: 1,
            suspect: true,
            last_error: Some("GET x: HTTP 500".into()),
            sections: vec![SectionStatus {
                url: "https://e.com/world/".into(),
                outcome: "error".into(),
                http_status: Some(500),
                links: None,
                error: Some("GET x: HTTP 500".into()),
            }],
        };
        let json: serde_json::Value =
            serde_json::from_slice(&render(&[("world".into(), status)])).unwrap();
        let world = &json["feeds"]["world"];
        assert_eq!(world["last_attempt"], "2026-01-27T12:00:00Z");
        assert_eq!(world["last_success"], serde_json::Value::Null);
        assert_eq!(world["suspect"], true);
        assert_eq!(world["sections"][0]["http_status"], 500);
    }
}
