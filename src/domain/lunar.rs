//! Vietnamese lunar calendar (âm lịch), after Hồ Ngọc Đức's published astronomical
//! algorithm (`jdFromDate`, `jdToDate`, `NewMoon`, `SunLongitude`, `getLunarMonth11`,
//! `getLeapMonthOffset`, `convertSolar2Lunar`, `convertLunar2Solar`) at UTC+7.
//!
//! Why not a Chinese-calendar library: new moons and solar terms are computed for the
//! meridian of Vietnam (UTC+7), not Beijing (UTC+8), so Tết sometimes falls on another
//! day (2007: 17 Feb in Vietnam, 18 Feb in China; 1985: 21 Jan vs 20 Feb).
//!
//! Supported range: solar dates 1900-01-01 ..= 2100-12-31 (the range the algorithm's
//! approximations were published and checked for); anything outside is an error.

use jiff::civil::Date;
use serde::Serialize;

/// Time zone of the Vietnamese calendar, hours east of UTC.
const TIME_ZONE: f64 = 7.0;

/// First and last solar years accepted.
pub const MIN_YEAR: i16 = 1900;
/// Last solar year accepted.
pub const MAX_YEAR: i16 = 2100;

/// Errors of the calendar modules (lunar conversion and working-day calendar).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A solar date outside 1900..=2100, where the lunar algorithm is not validated.
    #[error("date {0} is outside the supported range 1900-01-01..2100-12-31")]
    OutOfRange(String),
    /// A lunar date that does not exist (no such leap month that year, day 30 of a
    /// 29-day month, month 0 or 13, ...).
    #[error("lunar date {0} does not exist")]
    NoSuchLunarDate(String),
    /// Date arithmetic left the representable range.
    #[error("date arithmetic overflow")]
    Overflow,
    /// An override kind other than `off` / `workday` (calendar import).
    #[error("invalid day kind {0:?}: expected \"off\" (nghỉ) or \"workday\" (làm việc)")]
    InvalidOverrideKind(String),
}

/// A date of the Vietnamese lunar calendar. `leap` marks the intercalary month
/// (tháng nhuận), which repeats the number of the month before it. Not `Ord`: field
/// order would put a leap month's days among the regular month's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct LunarDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub leap: bool,
}

impl std::fmt::Display for LunarDate {
    /// `dd/mm/yyyy` as Vietnamese calendars print it, with ` (nhuận)` for a leap month.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}/{:02}/{}", self.day, self.month, self.year)?;
        if self.leap {
            f.write_str(" (nhuận)")?;
        }
        Ok(())
    }
}

/// Converts a solar (Gregorian) date to the Vietnamese lunar date.
pub fn solar_to_lunar(d: Date) -> Result<LunarDate, CalendarError> {
    check_solar(d)?;
    let day_number = jd_from_date(
        i64::from(d.day()),
        i64::from(d.month()),
        i64::from(d.year()),
    );
    Ok(convert_solar_to_lunar(day_number, i64::from(d.year())))
}

/// Converts a Vietnamese lunar date to the solar date, or an error when the lunar date
/// does not exist or maps outside 1900..=2100.
pub fn lunar_to_solar(l: LunarDate) -> Result<Date, CalendarError> {
    let missing = || CalendarError::NoSuchLunarDate(l.to_string());
    // Lunar year Y spans roughly Jan/Feb Y .. Jan/Feb Y+1; 1899's last months lie in 1900.
    if l.year < i32::from(MIN_YEAR) - 1 || l.year > i32::from(MAX_YEAR) {
        return Err(CalendarError::OutOfRange(l.to_string()));
    }
    if !(1..=12).contains(&l.month) || !(1..=30).contains(&l.day) {
        return Err(missing());
    }
    let jd = convert_lunar_to_solar(l).ok_or_else(missing)?;
    let date = jd_to_date(jd).ok_or(CalendarError::Overflow)?;
    check_solar(date)?;
    // The published algorithm does not check the day against the month's length (and
    // maps a missing day 30 into the next month); the round trip catches every such case.
    if convert_solar_to_lunar(jd, i64::from(date.year())) != l {
        return Err(missing());
    }
    Ok(date)
}

/// Julian day number of a date (proleptic Gregorian), for cheap day arithmetic.
pub fn julian_day_number(d: Date) -> i64 {
    jd_from_date(
        i64::from(d.day()),
        i64::from(d.month()),
        i64::from(d.year()),
    )
}

/// The date of a Julian day number, or None outside jiff's range (-9999..=9999).
pub fn date_from_julian_day(jd: i64) -> Option<Date> {
    jd_to_date(jd)
}

fn check_solar(d: Date) -> Result<(), CalendarError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&d.year()) {
        Ok(())
    } else {
        Err(CalendarError::OutOfRange(d.to_string()))
    }
}

/// Julian day number of a Gregorian date (`jdFromDate`; the Julian-calendar branch of
/// the original is never reached in the supported range and is omitted).
fn jd_from_date(dd: i64, mm: i64, yy: i64) -> i64 {
    let a = (14 - mm).div_euclid(12);
    let y = yy + 4800 - a;
    let m = mm + 12 * a - 3;
    dd + (153 * m + 2).div_euclid(5) + 365 * y + y.div_euclid(4) - y.div_euclid(100)
        + y.div_euclid(400)
        - 32045
}

/// Gregorian date of a Julian day number (`jdToDate`, Gregorian branch).
fn jd_to_date(jd: i64) -> Option<Date> {
    // Keeps the arithmetic below far from overflow; jiff's range is much narrower.
    if !(-10_000_000..=10_000_000).contains(&jd) {
        return None;
    }
    let a = jd + 32044;
    let b = (4 * a + 3).div_euclid(146097);
    let c = a - (b * 146097).div_euclid(4);
    let d = (4 * c + 3).div_euclid(1461);
    let e = c - (1461 * d).div_euclid(4);
    let m = (5 * e + 2).div_euclid(153);
    let day = e - (153 * m + 2).div_euclid(5) + 1;
    let month = m + 3 - 12 * m.div_euclid(10);
    let year = b * 100 + d - 4800 + m.div_euclid(10);
    Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()
}

/// Julian day (fractional, UT) of the k-th new moon after 1900-01-01 (`NewMoon`).
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries from 1900 January 0.5
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = std::f64::consts::PI / 180.0;
    let mut jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd1 += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3; // Sun's mean anomaly
    let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3; // Moon's mean anomaly
    let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3; // Moon's argument of latitude
    let mut c1 = (0.1734 - 0.000393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let deltat = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    jd1 + c1 - deltat
}

/// Sun's apparent longitude in radians, normalised to [0, 2π) (`SunLongitude`).
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2451545.0) / 36525.0; // Julian centuries from 2000-01-01 12:00 UT
    let t2 = t * t;
    let dr = std::f64::consts::PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2; // mean anomaly
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2; // mean longitude
    let mut dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin();
    dl += (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin() + 0.000290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    let two_pi = std::f64::consts::PI * 2.0;
    l - two_pi * (l / two_pi).floor()
}

/// Index (0..=11) of the 30° sector the sun is in at local midnight starting `day_number`
/// (`getSunLongitude`).
fn sun_sector(day_number: i64) -> i64 {
    (sun_longitude(day_number as f64 - 0.5 - TIME_ZONE / 24.0) / std::f64::consts::PI * 6.0).floor()
        as i64
}

/// Julian day number of the local day on which the k-th new moon falls (`getNewMoonDay`).
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + TIME_ZONE / 24.0).floor() as i64
}

/// Day number of the start of lunar month 11 (the month containing the winter
/// solstice) of solar year `yy` (`getLunarMonth11`).
fn lunar_month_11(yy: i64) -> i64 {
    let off = jd_from_date(31, 12, yy) - 2415021;
    let k = (off as f64 / 29.530588853).floor() as i64;
    let nm = new_moon_day(k);
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// Offset, in months after month 11 starting at `a11`, of the leap month: the first
/// month containing no major solar term (`getLeapMonthOffset`).
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - 2415021.076998695) / 29.530588853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// `convertSolar2Lunar` on a Julian day number whose Gregorian year is `yy`.
fn convert_solar_to_lunar(day_number: i64, yy: i64) -> LunarDate {
    let mut k = ((day_number as f64 - 2415021.076998695) / 29.530588853).floor() as i64;
    let mut month_start = new_moon_day(k + 1);
    // The published code steps back once; where a true new moon falls more than a day
    // after the mean one (2054-05-07, 2062-04-09) that still overshoots and yields
    // "day 0", so step back until the month starts on or before the day.
    while month_start > day_number {
        month_start = new_moon_day(k);
        k -= 1;
    }
    let mut a11 = lunar_month_11(yy);
    let mut b11 = a11;
    let mut lunar_year;
    if a11 >= month_start {
        lunar_year = yy;
        a11 = lunar_month_11(yy - 1);
    } else {
        lunar_year = yy + 1;
        b11 = lunar_month_11(yy + 1);
    }
    let lunar_day = day_number - month_start + 1;
    let diff = (month_start - a11).div_euclid(29);
    let mut leap = false;
    let mut lunar_month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11);
        if diff >= leap_diff {
            lunar_month = diff + 10;
            if diff == leap_diff {
                leap = true;
            }
        }
    }
    if lunar_month > 12 {
        lunar_month -= 12;
    }
    if lunar_month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    LunarDate {
        // Values are bounded by construction: year within ±1 of a 1900..=2100 year,
        // month 1..=12, day 1..=30.
        year: lunar_year as i32,
        month: lunar_month as u8,
        day: lunar_day as u8,
        leap,
    }
}

/// `convertLunar2Solar`: Julian day number, or None for a leap month the year lacks.
fn convert_lunar_to_solar(l: LunarDate) -> Option<i64> {
    let year = i64::from(l.year);
    let month = i64::from(l.month);
    let (a11, b11) = if month < 11 {
        (lunar_month_11(year - 1), lunar_month_11(year))
    } else {
        (lunar_month_11(year), lunar_month_11(year + 1))
    };
    let k = (0.5 + (a11 as f64 - 2415021.076998695) / 29.530588853).floor() as i64;
    let mut off = month - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if l.leap && month != leap_month {
            return None;
        } else if l.leap || off >= leap_off {
            off += 1;
        }
    } else if l.leap {
        return None;
    }
    let month_start = new_moon_day(k + off);
    Some(month_start + i64::from(l.day) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn lunar(year: i32, month: u8, day: u8, leap: bool) -> LunarDate {
        LunarDate {
            year,
            month,
            day,
            leap,
        }
    }

    #[test]
    fn tet_2026_is_17_february() {
        assert_eq!(
            lunar_to_solar(lunar(2026, 1, 1, false)),
            Ok(date(2026, 2, 17))
        );
        assert_eq!(
            solar_to_lunar(date(2026, 2, 17)),
            Ok(lunar(2026, 1, 1, false))
        );
        assert_eq!(
            solar_to_lunar(date(2026, 2, 16)),
            Ok(lunar(2025, 12, 29, false))
        );
    }

    #[test]
    fn tet_2007_follows_vietnam_not_china() {
        assert_eq!(
            lunar_to_solar(lunar(2007, 1, 1, false)),
            Ok(date(2007, 2, 17))
        );
        assert_eq!(
            solar_to_lunar(date(2007, 2, 18)),
            Ok(lunar(2007, 1, 2, false))
        );
    }

    #[test]
    fn tet_1985_is_21_january_in_vietnam() {
        assert_eq!(
            lunar_to_solar(lunar(1985, 1, 1, false)),
            Ok(date(1985, 1, 21))
        );
        // China's Tết that year (20 Feb) is the first day of the 2nd month in Vietnam.
        assert_eq!(
            solar_to_lunar(date(1985, 2, 20)),
            Ok(lunar(1985, 2, 1, false))
        );
    }

    #[test]
    fn tet_2030_is_2_february_in_vietnam() {
        // China celebrates on 3 Feb 2030; the new moon falls before midnight at UTC+7.
        assert_eq!(
            lunar_to_solar(lunar(2030, 1, 1, false)),
            Ok(date(2030, 2, 2))
        );
        assert_eq!(
            solar_to_lunar(date(2030, 2, 3)),
            Ok(lunar(2030, 1, 2, false))
        );
    }

    #[test]
    fn year_2023_has_leap_month_2() {
        // Leap 2nd month of Quý Mão: 22 Mar .. 19 Apr 2023.
        assert_eq!(
            lunar_to_solar(lunar(2023, 2, 1, true)),
            Ok(date(2023, 3, 22))
        );
        assert_eq!(
            solar_to_lunar(date(2023, 4, 19)),
            Ok(lunar(2023, 2, 29, true))
        );
        assert_eq!(
            solar_to_lunar(date(2023, 4, 20)),
            Ok(lunar(2023, 3, 1, false))
        );
        assert!(lunar_to_solar(lunar(2023, 3, 1, true)).is_err());
    }

    #[test]
    fn year_2025_has_leap_month_6() {
        assert_eq!(
            lunar_to_solar(lunar(2025, 6, 1, true)),
            Ok(date(2025, 7, 25))
        );
        assert_eq!(
            solar_to_lunar(date(2025, 8, 10)),
            Ok(lunar(2025, 6, 17, true))
        );
        assert!(lunar_to_solar(lunar(2025, 5, 1, true)).is_err());
    }

    #[test]
    fn missing_leap_month_is_an_error() {
        assert!(matches!(
            lunar_to_solar(lunar(2026, 2, 1, true)),
            Err(CalendarError::NoSuchLunarDate(_))
        ));
    }

    #[test]
    fn day_30_of_a_short_month_is_an_error() {
        // Month 12 of Ất Tỵ (2025) has 29 days: Tết 2026 follows on its 30th day.
        assert!(lunar_to_solar(lunar(2025, 12, 29, false)).is_ok());
        assert!(matches!(
            lunar_to_solar(lunar(2025, 12, 30, false)),
            Err(CalendarError::NoSuchLunarDate(_))
        ));
    }

    #[test]
    fn impossible_fields_are_errors() {
        assert!(lunar_to_solar(lunar(2026, 0, 1, false)).is_err());
        assert!(lunar_to_solar(lunar(2026, 13, 1, false)).is_err());
        assert!(lunar_to_solar(lunar(2026, 1, 0, false)).is_err());
        assert!(lunar_to_solar(lunar(2026, 1, 31, false)).is_err());
    }

    #[test]
    fn dates_outside_1900_2100_are_rejected() {
        assert!(matches!(
            solar_to_lunar(date(1899, 12, 31)),
            Err(CalendarError::OutOfRange(_))
        ));
        assert!(matches!(
            solar_to_lunar(date(2101, 1, 1)),
            Err(CalendarError::OutOfRange(_))
        ));
        assert!(solar_to_lunar(date(1900, 1, 1)).is_ok());
        assert!(solar_to_lunar(date(2100, 12, 31)).is_ok());
        assert!(lunar_to_solar(lunar(2101, 1, 1, false)).is_err());
        assert!(lunar_to_solar(lunar(i32::MIN, 1, 1, false)).is_err());
    }

    #[test]
    fn julian_day_covers_jiff_range_without_panicking() {
        assert_eq!(
            date_from_julian_day(julian_day_number(Date::MIN)),
            Some(Date::MIN)
        );
        assert_eq!(
            date_from_julian_day(julian_day_number(Date::MAX)),
            Some(Date::MAX)
        );
        assert_eq!(date_from_julian_day(julian_day_number(Date::MAX) + 1), None);
        assert_eq!(date_from_julian_day(i64::MIN), None);
        assert_eq!(julian_day_number(date(2000, 1, 1)), 2_451_545);
    }

    #[test]
    fn new_moon_just_after_the_mean_gives_day_30_not_day_0() {
        // The published code returns day 0 of the next month for these two dates.
        assert_eq!(
            solar_to_lunar(date(2062, 4, 9)),
            Ok(lunar(2062, 2, 30, false))
        );
        assert_eq!(
            solar_to_lunar(date(2054, 5, 7)),
            Ok(lunar(2054, 3, 30, false))
        );
        assert_eq!(
            lunar_to_solar(lunar(2062, 2, 30, false)),
            Ok(date(2062, 4, 9))
        );
    }

    #[test]
    fn every_day_1900_2100_round_trips_in_29_or_30_day_months() {
        let (first, last) = (jd_from_date(1, 1, 1900), jd_from_date(31, 12, 2100));
        let mut prev = solar_to_lunar(date(1900, 1, 1)).unwrap();
        assert_eq!(lunar_to_solar(prev), Ok(date(1900, 1, 1)));
        for jd in first + 1..=last {
            let d = jd_to_date(jd).unwrap();
            let l = solar_to_lunar(d).unwrap();
            if l.day == 1 {
                assert!(
                    prev.day == 29 || prev.day == 30,
                    "{d}: month before has {} days",
                    prev.day
                );
            } else {
                assert_eq!(
                    (l.day, l.month, l.leap),
                    (prev.day + 1, prev.month, prev.leap),
                    "{d}"
                );
            }
            assert_eq!(lunar_to_solar(l), Ok(d), "{l}");
            prev = l;
        }
    }

    #[test]
    fn range_edges_round_trip() {
        for d in [date(1900, 1, 1), date(2100, 12, 31)] {
            let l = solar_to_lunar(d).unwrap();
            assert_eq!(lunar_to_solar(l), Ok(d));
        }
    }

    /// The 5,000 published cases of hungtrd/amlich, in both directions. The suite is
    /// not ours to copy (MIT, kept in `../shared/testdata`): where that folder was absent
    /// at build time the test is listed as ignored, with the reason, never passed.
    #[test]
    #[cfg_attr(
        not(shared_testdata),
        ignore = "../shared/testdata/amlich-testcase.json is absent"
    )]
    fn matches_amlich_reference_cases() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/testdata/amlich-testcase.json"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
            panic!("{path} was there when this test was built and is gone now ({e}): touch build.rs to rebuild without it")
        });
        let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(cases.len(), 5000);
        let num = |v: &serde_json::Value, i: usize| v[i].as_i64().expect("number");
        let mut failures = Vec::new();
        for case in &cases {
            let (s, l) = (&case["solar"], &case["lunar"]);
            assert_eq!(num(s, 3), 7, "time zone");
            let solar = date(num(s, 2) as i16, num(s, 1) as i8, num(s, 0) as i8);
            let want = lunar(
                num(l, 2) as i32,
                num(l, 1) as u8,
                num(l, 0) as u8,
                num(l, 3) != 0,
            );
            let got = solar_to_lunar(solar);
            if got != Ok(want) {
                failures.push(format!("{solar} -> {got:?}, want {want}"));
            }
            let back = lunar_to_solar(want);
            if back != Ok(solar) {
                failures.push(format!("{want} -> {back:?}, want {solar}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures: {:?}",
            failures.len(),
            &failures[..failures.len().min(20)]
        );
    }

    fn solar_in_range() -> impl Strategy<Value = Date> {
        let first = jd_from_date(1, 1, 1900);
        let last = jd_from_date(31, 12, 2100);
        (first..=last).prop_map(|jd| jd_to_date(jd).expect("in range"))
    }

    proptest! {
        #[test]
        fn solar_lunar_solar_is_identity(d in solar_in_range()) {
            let l = solar_to_lunar(d).unwrap();
            prop_assert_eq!(lunar_to_solar(l), Ok(d));
        }

        #[test]
        fn lunar_solar_lunar_is_identity(
            year in 1900i32..=2099, month in 1u8..=12, day in 1u8..=30, leap in any::<bool>()
        ) {
            let l = lunar(year, month, day, leap);
            // Most generated dates with `leap` or day 30 do not exist; those must be errors,
            // the others must round-trip.
            match lunar_to_solar(l) {
                Ok(d) => prop_assert_eq!(solar_to_lunar(d), Ok(l)),
                Err(e) => prop_assert!(matches!(e, CalendarError::NoSuchLunarDate(_)), "{e}"),
            }
        }

        #[test]
        fn existing_lunar_dates_round_trip(d in solar_in_range()) {
            // Every lunar date that exists is reached from some solar date; going back and
            // forth from it must give the same lunar date.
            let l = solar_to_lunar(d).unwrap();
            let back = lunar_to_solar(l).unwrap();
            prop_assert_eq!(solar_to_lunar(back), Ok(l));
        }

        #[test]
        fn julian_day_round_trips_over_jiff_range(jd in julian_day_number(Date::MIN)..=julian_day_number(Date::MAX)) {
            let d = date_from_julian_day(jd).unwrap();
            prop_assert_eq!(julian_day_number(d), jd);
        }

        #[test]
        fn julian_day_agrees_with_jiff(d in solar_in_range()) {
            let next = date_from_julian_day(julian_day_number(d) + 1).unwrap();
            prop_assert_eq!(Some(next), d.tomorrow().ok());
        }
    }
}
