//! DHIS2 period ids of our period types. Ours follow DHIS2's where DHIS2 has one
//! (`src/domain/period`), so the id is the same text: daily `20261130`, weekly
//! `2026W48`, monthly `202611`, quarterly `2026Q4`, six-monthly `2026S2`, yearly
//! `2026`, and the school year `2025Sep` (DHIS2's financial year starting in
//! September). DHIS2 has no half-month period (its `BiWeekly` periods are pairs of ISO
//! weeks, not halves of a month), so a half-month regime cannot be exchanged with it.

use crate::domain::period::{Period, PeriodType};
use crate::error::{Error, Kind, Msg, Result};

/// The DHIS2 id of `p`, or `None` for a half-month.
pub fn to_dhis2(p: &Period) -> Option<String> {
    match p.period_type() {
        PeriodType::HalfMonth => None,
        _ => Some(p.to_string()),
    }
}

/// Our period of a DHIS2 period id (DHIS2 also writes `2026-11` and `2026-11-30`),
/// or why it has none.
pub fn from_dhis2(id: &str) -> std::result::Result<Period, Msg> {
    let p = Period::parse(id).map_err(|_| {
        Msg::new(
            format!("kỳ «{}» không phải là kỳ DHIS2 mà baocao có (ngày, tuần, tháng, quý, 6 tháng, năm, năm học)", id.trim()),
            format!("period «{}» is not a DHIS2 period baocao has (daily, weekly, monthly, quarterly, six-monthly, yearly, financial September)", id.trim()),
        )
    })?;
    if to_dhis2(&p).is_none() {
        return Err(Msg::new(
            format!(
                "kỳ «{}» là nửa tháng: DHIS2 không có loại kỳ này",
                id.trim()
            ),
            format!(
                "period «{}» is a half-month: DHIS2 has no such period type",
                id.trim()
            ),
        ));
    }
    Ok(p)
}

/// The DHIS2 id of a regime's period, refused (exit 5) when DHIS2 has none.
pub fn require_dhis2(regime: &str, period: &Period) -> Result<String> {
    to_dhis2(period).ok_or_else(|| no_dhis2(regime, &period.to_string()))
}

/// A regime's period DHIS2 has no id for (a half-month, a thematic report's own
/// period): exit 5.
pub fn no_dhis2(regime: &str, period: &str) -> Error {
    Error::new(
        Kind::Invalid,
        Msg::new(
            format!("Kỳ {period} của chế độ {regime} không có mã kỳ DHIS2 (DHIS2 không có kỳ nửa tháng hay kỳ chuyên đề)"),
            format!("Period {period} of regime {regime} has no DHIS2 period id (DHIS2 has no half-month or thematic periods)"),
        ),
    )
}
