//! Period types (frequencies) and window kinds, by name.

use super::*;

/// Frequency of a periodic report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodType {
    Daily,
    Weekly,
    HalfMonth,
    Monthly,
    Quarterly,
    SixMonthly,
    Yearly,
    SchoolYear,
}

impl PeriodType {
    /// All types, shortest first.
    pub const ALL: [PeriodType; 8] = [
        Self::Daily,
        Self::Weekly,
        Self::HalfMonth,
        Self::Monthly,
        Self::Quarterly,
        Self::SixMonthly,
        Self::Yearly,
        Self::SchoolYear,
    ];

    /// The canonical (serde) name, e.g. `half_month`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::HalfMonth => "half_month",
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::SixMonthly => "six_monthly",
            Self::Yearly => "yearly",
            Self::SchoolYear => "school_year",
        }
    }

    /// Vietnamese name of the frequency, e.g. "hằng tháng".
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::Daily => "hằng ngày",
            Self::Weekly => "hằng tuần",
            Self::HalfMonth => "nửa tháng",
            Self::Monthly => "hằng tháng",
            Self::Quarterly => "hằng quý",
            Self::SixMonthly => "6 tháng",
            Self::Yearly => "hằng năm",
            Self::SchoolYear => "năm học",
        }
    }
}

impl fmt::Display for PeriodType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown period type or window kind name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {input:?}; expected one of: {expected}")]
pub struct UnknownNameError {
    what: &'static str,
    input: String,
    expected: &'static str,
}

impl FromStr for PeriodType {
    type Err = UnknownNameError;

    /// Canonical names plus common English and Vietnamese aliases (`month`, `tháng`,
    /// `thang`, `quý`, `6 tháng`, `năm học`, ...); case, `-` and spaces are ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c == '-' || c == ' ' { '_' } else { c })
            .collect();
        let t = match key.as_str() {
            "daily" | "day" | "d" | "ngày" | "ngay" | "hằng_ngày" | "hang_ngay" => Self::Daily,
            "weekly" | "week" | "w" | "tuần" | "tuan" | "hằng_tuần" | "hang_tuan" => {
                Self::Weekly
            }
            "half_month" | "halfmonth" | "semimonthly" | "semi_monthly" | "nửa_tháng"
            | "nua_thang" => Self::HalfMonth,
            "monthly" | "month" | "m" | "tháng" | "thang" | "hằng_tháng" | "hang_thang" => {
                Self::Monthly
            }
            "quarterly" | "quarter" | "q" | "quý" | "quy" | "hằng_quý" | "hang_quy" => {
                Self::Quarterly
            }
            "six_monthly" | "sixmonthly" | "semiannual" | "semi_annual" | "half_year"
            | "halfyear" | "6_tháng" | "6_thang" | "sáu_tháng" | "sau_thang" => Self::SixMonthly,
            "yearly" | "year" | "annual" | "y" | "năm" | "nam" | "hằng_năm" | "hang_nam" => {
                Self::Yearly
            }
            "school_year" | "schoolyear" | "năm_học" | "nam_hoc" => Self::SchoolYear,
            _ => {
                return Err(UnknownNameError {
                    what: "period type",
                    input: s.to_string(),
                    expected: "daily, weekly, half_month, monthly, quarterly, six_monthly, \
                               yearly, school_year",
                })
            }
        };
        Ok(t)
    }
}

/// Which data windows a regime uses (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WindowKind {
    /// Decree 09/2019 Art. 12 cut-off windows (15th → 14th); the default.
    #[default]
    Nd09,
    /// Natural calendar boundaries (1st → month end, ...).
    Calendar,
    /// A school year's start-of-year data (số liệu đầu năm học, Thanh Hóa Art. 7(6)):
    /// 1 → 15 September, due before 20 September. Only school-year regimes use it;
    /// other period types read it as [`WindowKind::Nd09`].
    #[serde(rename = "school_start")]
    SchoolStart,
}

impl fmt::Display for WindowKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Nd09 => "nd09",
            Self::Calendar => "calendar",
            Self::SchoolStart => "school_start",
        })
    }
}

impl FromStr for WindowKind {
    type Err = UnknownNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c == '-' || c == ' ' { '_' } else { c })
            .collect();
        match key.as_str() {
            "nd09" | "nđ09" | "decree09" => Ok(Self::Nd09),
            "calendar" | "lich" | "lịch" => Ok(Self::Calendar),
            "school_start" | "đầu_năm_học" | "dau_nam_hoc" => Ok(Self::SchoolStart),
            _ => Err(UnknownNameError {
                what: "window kind",
                input: s.to_string(),
                expected: "nd09, calendar, school_start",
            }),
        }
    }
}
