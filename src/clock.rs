//! Time: the real clock or a simulated one, always read in Asia/Ho_Chi_Minh (UTC+7,
//! no daylight saving since 1975, so a fixed offset is exact and needs no tz database).

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, Zoned};

use crate::error::{Error, Kind, Msg, Result};

/// Vietnam's time zone.
pub fn vn_tz() -> TimeZone {
    TimeZone::fixed(Offset::constant(7))
}

/// Where "now" comes from. `Simulated` is set by `--as-of` or `BAOCAO_NOW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    Real,
    Simulated(Timestamp),
}

impl Clock {
    pub fn from_setting(as_of: Option<&str>) -> Result<Clock> {
        match as_of {
            None => Ok(Clock::Real),
            Some(s) if s.trim().is_empty() => Ok(Clock::Real),
            Some(s) => Ok(Clock::Simulated(parse_instant(s)?)),
        }
    }

    /// Now, for reading and computing (simulated time is always allowed here).
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::Real => Timestamp::now(),
            Clock::Simulated(t) => *t,
        }
    }

    pub fn is_simulated(&self) -> bool {
        matches!(self, Clock::Simulated(_))
    }

    pub fn today(&self) -> Date {
        self.now().to_zoned(vn_tz()).date()
    }
}

/// Parses a date as users type it: `2026-11-23` or `23/11/2026` (also `23-11-2026`).
pub fn parse_date(s: &str) -> Result<Date> {
    let t = s.trim();
    let bad = || {
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Ngày không hợp lệ: «{t}» (dùng 2026-11-23 hoặc 23/11/2026)"),
                format!("Invalid date: «{t}» (use 2026-11-23 or 23/11/2026)"),
            ),
        )
    };
    let parts: Vec<&str> = if t.contains('/') {
        t.split('/').collect()
    } else {
        t.split('-').collect()
    };
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 {
        (parts[2], parts[1], parts[0])
    } else {
        return Err(bad());
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) else {
        return Err(bad());
    };
    Date::new(y, m, d).map_err(|_| bad())
}

/// Parses an instant: a date (start of that day, local), a local date-time
/// (`2026-11-23T10:00`, `2026-11-23 10:00:00`, `23/11/2026 10:00`) or RFC 3339.
pub fn parse_instant(s: &str) -> Result<Timestamp> {
    let t = s.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    let (date_part, time_part) = match t.split_once(['T', ' ']) {
        Some((d, tm)) => (d, Some(tm.trim())),
        None => (t, None),
    };
    let date = parse_date(date_part).map_err(|_| invalid_instant(t))?;
    let time = match time_part {
        None => Time::midnight(),
        Some(tm) => tm.parse::<Time>().map_err(|_| invalid_instant(t))?,
    };
    local_to_timestamp(date.to_datetime(time)).map_err(|_| invalid_instant(t))
}

fn invalid_instant(t: &str) -> Error {
    Error::new(
        Kind::Invalid,
        Msg::new(
            format!(
                "Thời điểm không hợp lệ: «{t}» (dùng 2026-11-23, 23/11/2026 hoặc 2026-11-23T10:00)"
            ),
            format!("Invalid time: «{t}» (use 2026-11-23, 23/11/2026 or 2026-11-23T10:00)"),
        ),
    )
}

pub fn local_to_timestamp(dt: DateTime) -> Result<Timestamp> {
    dt.to_zoned(vn_tz())
        .map(|z| z.timestamp())
        .map_err(|e| Error::failure(Msg::new("Lỗi thời gian", "Time error"), e))
}

pub fn to_local(ts: Timestamp) -> Zoned {
    ts.to_zoned(vn_tz())
}

/// RFC 3339 with the +07:00 offset, as stored in the database and printed in JSON.
pub fn rfc3339(ts: Timestamp) -> String {
    to_local(ts).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

pub fn rfc3339_local(dt: DateTime) -> String {
    format!("{}+07:00", dt.strftime("%Y-%m-%dT%H:%M:%S"))
}

/// Reads back a time stored by [`rfc3339`].
pub fn parse_stored(s: &str) -> Option<Timestamp> {
    s.parse::<Timestamp>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_date_forms_parse_to_the_same_day() {
        assert_eq!(
            parse_date("2026-11-23").unwrap(),
            parse_date("23/11/2026").unwrap()
        );
        assert_eq!(
            parse_date("23-11-2026").unwrap(),
            jiff::civil::date(2026, 11, 23)
        );
    }

    #[test]
    fn impossible_dates_are_invalid_input() {
        for s in [
            "2026-02-30",
            "31/04/2026",
            "",
            "hôm nay",
            "2026/11",
            "1/1/26",
        ] {
            assert_eq!(parse_date(s).unwrap_err().kind, Kind::Invalid, "{s}");
        }
    }

    #[test]
    fn a_bare_date_means_local_midnight() {
        let ts = parse_instant("2026-11-23").unwrap();
        assert_eq!(rfc3339(ts), "2026-11-23T00:00:00+07:00");
        let ts = parse_instant("23/11/2026 16:30").unwrap();
        assert_eq!(rfc3339(ts), "2026-11-23T16:30:00+07:00");
        let ts = parse_instant("2026-11-23T09:00:00Z").unwrap();
        assert_eq!(rfc3339(ts), "2026-11-23T16:00:00+07:00");
    }
}
