//! Times as Unix seconds: the unit of integrated times, certificate validity and trust-root
//! validity windows, so every comparison is between plain integers.

use chrono::{DateTime, Utc};

/// Seconds since the Unix epoch (UTC).
pub type UnixTime = i64;

/// Parses an RFC 3339 time such as `2021-01-12T11:53:27Z` (fractional seconds are cut).
pub fn parse_rfc3339(text: &str) -> Result<UnixTime, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|e| format!("invalid RFC 3339 time {text:?}: {e}"))
}

/// Formats a time as RFC 3339 for messages.
pub fn format(time: UnixTime) -> String {
    DateTime::<Utc>::from_timestamp(time, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| format!("{time} (Unix seconds)"))
}

/// The current time of the system clock.
pub fn now() -> UnixTime {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A closed validity window; `end` absent means still valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    pub start: UnixTime,
    pub end: Option<UnixTime>,
}

impl TimeRange {
    /// Unbounded on both sides, for keys whose trusted root gives no window.
    pub const ALWAYS: TimeRange = TimeRange {
        start: i64::MIN,
        end: None,
    };

    /// Whether `time` lies in the window, both ends included.
    pub fn contains(&self, time: UnixTime) -> bool {
        time >= self.start && self.end.is_none_or(|end| time <= end)
    }

    /// The window for messages, e.g. `2021-01-12T11:53:27Z..` or `a..b`.
    pub fn describe(&self) -> String {
        let start = if self.start == i64::MIN {
            String::new()
        } else {
            format(self.start)
        };
        let end = self.end.map(format).unwrap_or_default();
        format!("{start}..{end}")
    }
}
