//! The soft check against a unit's own history (SPEC §6): values far from the same
//! cell's earlier ones are warned about, never refused.

use super::*;

/// Modified z-score above which a value is far from its history.
const Z_LIMIT: &str = "3.5";
/// A value this many times the previous one (or that fraction of it) is a jump.
const JUMP_FACTOR: i64 = 10;

fn median(sorted: &[Decimal]) -> Option<Decimal> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        Some(sorted[n / 2])
    } else {
        sorted[n / 2 - 1]
            .checked_add(sorted[n / 2])?
            .checked_div(Decimal::TWO)
    }
}

/// The modified z-score of `x` against `history` (Iglewicz–Hoaglin:
/// 0.6745·(x − median)/MAD); when the MAD is 0, the mean absolute deviation
/// scaled by 1.253314 stands in; `None` when the history does not vary at all.
pub(super) fn modified_z(history: &[Decimal], x: Decimal) -> Option<Decimal> {
    let mut sorted = history.to_vec();
    sorted.sort();
    let med = median(&sorted)?;
    let mut deviations: Vec<Decimal> = sorted
        .iter()
        .map(|v| v.checked_sub(med).map(|d| d.abs()))
        .collect::<Option<_>>()?;
    deviations.sort();
    let mad = median(&deviations)?;
    let diff = x.checked_sub(med)?;
    if !mad.is_zero() {
        return Decimal::new(6745, 4).checked_mul(diff)?.checked_div(mad);
    }
    let total = deviations
        .iter()
        .try_fold(Decimal::ZERO, |acc, d| acc.checked_add(*d))?;
    let mean_ad = total.checked_div(Decimal::from(deviations.len()))?;
    if mean_ad.is_zero() {
        return None;
    }
    diff.checked_div(Decimal::new(1_253_314, 6).checked_mul(mean_ad)?)
}

/// Soft check (SPEC §6): for each numeric cell of `current`, a warning when it is
/// far from the same cell's values in `history` (the unit's previous periods,
/// oldest first): a modified z-score above 3.5 over at least 4 previous values, or
/// a jump by a factor of 10 or more, up or down, from the latest previous value
/// (a previous 0, a current 0 or a change of sign are not jumps). Warnings only
/// (key `outlier`); `cell` is `None` (values are keyed by row and column; the
/// arguments name them).
pub fn outliers(history: &[Values], current: &Values) -> Vec<Warning> {
    let limit: Decimal = Z_LIMIT.parse().unwrap_or(Decimal::new(35, 1));
    let factor = Decimal::from(JUMP_FACTOR);
    let mut out = Vec::new();
    for (key, value) in current {
        let Some(x) = value.as_number() else { continue };
        let past: Vec<Decimal> = history
            .iter()
            .filter_map(|h| h.get(key).and_then(Value::as_number))
            .collect();
        let (row, column) = key;
        let mut args = vec![
            ("row", row.clone()),
            ("column", column.clone()),
            ("value", x.normalize().to_string()),
        ];
        let mut flagged = false;
        if past.len() >= 4 {
            if let Some(z) = modified_z(&past, x).filter(|z| z.abs() > limit) {
                args.push(("z", z.round_dp(1).to_string()));
                args.push(("periods", past.len().to_string()));
                flagged = true;
            }
        }
        if let Some(&prev) = past.last() {
            let same_sign = prev.is_sign_negative() == x.is_sign_negative();
            if !prev.is_zero() && !x.is_zero() && same_sign {
                let up = x.abs().checked_div(prev.abs());
                let down = prev.abs().checked_div(x.abs());
                if up.is_some_and(|r| r >= factor) || down.is_some_and(|r| r >= factor) {
                    args.push(("previous", prev.normalize().to_string()));
                    flagged = true;
                }
            }
        }
        if flagged {
            out.push(Warning::new(None, "outlier", &args));
        }
    }
    out
}
