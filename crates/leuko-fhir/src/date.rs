//! FHIR `date`, `dateTime` and `instant` values to UTC instants.
//!
//! Partial dates (`2024`, `2024-03`, `2024-03-05`) stand for the start of that period, in UTC. A
//! time without a zone breaks FHIR's rule ("if hours and minutes are specified, a time zone SHALL
//! be populated"); it is read as UTC and reported by the caller.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// A parsed FHIR date-time, and whether its zone had to be assumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedTime {
    /// The instant (start of the period for partial dates).
    pub time: DateTime<Utc>,
    /// True when a time was given without a zone and UTC was assumed.
    pub zone_assumed: bool,
}

/// Parses a FHIR date or dateTime; `None` when it is not one.
pub fn parse_date_time(text: &str) -> Option<ParsedTime> {
    let text = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(ParsedTime { time: time.with_timezone(&Utc), zone_assumed: false });
    }
    if let Ok(naive) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(ParsedTime { time: naive.and_utc(), zone_assumed: true });
    }
    if let Ok(naive) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M") {
        return Some(ParsedTime { time: naive.and_utc(), zone_assumed: true });
    }
    let date = parse_date(text)?;
    Some(ParsedTime { time: date.and_hms_opt(0, 0, 0)?.and_utc(), zone_assumed: false })
}

/// Parses a FHIR `date` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) to its first day.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    match parts.as_slice() {
        [year] => NaiveDate::from_ymd_opt(number(year, 4)? as i32, 1, 1),
        [year, month] => NaiveDate::from_ymd_opt(number(year, 4)? as i32, number(month, 2)?, 1),
        [year, month, day] => NaiveDate::from_ymd_opt(number(year, 4)? as i32, number(month, 2)?, number(day, 2)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fhir_date_time_forms() {
        let full = parse_date_time("2026-01-15T08:00:00Z").unwrap();
        assert_eq!(full.time.to_rfc3339(), "2026-01-15T08:00:00+00:00");
        assert!(!full.zone_assumed);
        let offset = parse_date_time("2026-01-15T10:00:00+02:00").unwrap();
        assert_eq!(offset.time, full.time);
        assert_eq!(parse_date_time("2026-01").unwrap().time.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(parse_date_time("2026").unwrap().time.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert!(parse_date_time("2026-01-15T08:00:00").unwrap().zone_assumed);
        for bad in ["", "15/01/2026", "2026-13-01", "2026-02-30", "20260115", "2026-1-5"] {
            assert!(parse_date_time(bad).is_none(), "{bad}");
        }
    }
}
