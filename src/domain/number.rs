//! Exact numbers: as Vietnamese staff type them, as Excel stores them, and as Vietnamese
//! forms print them (`1.234,5`). Values are `rust_decimal::Decimal` so that what a person
//! typed is what is stored and summed, with no binary floating-point artefacts.
//!
//! How typed text is read:
//! - The Vietnamese reading comes first: `.` groups thousands, `,` marks decimals
//!   (`1.234,5`, `1.234` = 1234, `1,5` = 1.5).
//! - `1,234` (one comma, three digits after it, no dot) is read the Vietnamese way, as
//!   1.234, not 1234: these are Vietnamese forms, where a comma is a decimal mark, and a
//!   thousands separator written Vietnamese-style would have been a dot.
//! - Only text that has no Vietnamese reading is read the English way: `1,234.5`,
//!   `1,234,567`, `1.5`, `12.34`, `0.123`.
//! - Spaces (also no-break and thin spaces) may group thousands: `1 234 567,5`.
//! - `-12,3`, `+5`, `(12,3)` = −12.3 (accounting negative); one sign at most.
//! - A trailing `%` is dropped: `12%` = 12 (the form's unit of measure says percent).
//! - `1,5E+3` style exponents, as CSV exports of Excel write big numbers.
//! - The scale typed is kept (`1,50` stays 1.50); `-0` is 0.

use rust_decimal::{Decimal, RoundingStrategy};

/// Why text is not a number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("empty value")]
    Empty,
    #[error("not a number: {input:?} ({reason})")]
    Invalid { input: String, reason: &'static str },
    #[error("number out of range: {input:?}")]
    OutOfRange { input: String },
}

fn invalid(input: &str, reason: &'static str) -> NumberError {
    NumberError::Invalid {
        input: input.to_string(),
        reason,
    }
}

/// Reads a number as Vietnamese staff type it (see the module documentation for the rules).
pub fn parse_vn_number(s: &str) -> Result<Decimal, NumberError> {
    let spaced: String = s
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let mut t = spaced.trim();
    if t.is_empty() {
        return Err(NumberError::Empty);
    }
    let mut percent = false;
    if let Some(rest) = t.strip_suffix('%') {
        t = rest.trim_end();
        percent = true;
    }
    let mut negative = false;
    if let Some(rest) = t.strip_prefix('(') {
        t = rest
            .strip_suffix(')')
            .ok_or_else(|| invalid(s, "unbalanced parenthesis"))?
            .trim();
        negative = true;
        if !percent {
            if let Some(rest) = t.strip_suffix('%') {
                t = rest.trim_end();
            }
        }
    }
    if let Some(rest) = t.strip_prefix(['-', '+', '\u{2212}']) {
        if negative {
            return Err(invalid(s, "more than one sign"));
        }
        negative = !t.starts_with('+');
        t = rest.trim_start();
    }
    if t.starts_with(['-', '+', '\u{2212}', '(']) {
        return Err(invalid(s, "more than one sign"));
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (
            &t[..i],
            Some(parse_exponent(&t[i + 1..]).ok_or_else(|| invalid(s, "bad exponent"))?),
        ),
        None => (t, None),
    };
    if let Some(c) = mantissa
        .chars()
        .find(|c| !(c.is_ascii_digit() || matches!(c, '.' | ',' | ' ')))
    {
        return Err(invalid(
            s,
            if c == '%' || c == ')' || c == '(' {
                "misplaced sign, parenthesis or percent"
            } else {
                "unexpected character"
            },
        ));
    }
    // Before an exponent a lone separator is a decimal mark, whichever it is: 1.5E+20.
    let plain = if exponent.is_some() {
        read_digits(mantissa, '_', ',').or_else(|| read_digits(mantissa, '_', '.'))
    } else {
        read_digits(mantissa, '.', ',').or_else(|| read_digits(mantissa, ',', '.'))
    }
    .ok_or_else(|| invalid(s, "misplaced thousands or decimal separator"))?;
    let out_of_range = || NumberError::OutOfRange {
        input: s.to_string(),
    };
    // Zeros padding the fraction may not fit where the value does: drop them then.
    let mut value = Decimal::from_str_exact(&plain)
        .or_else(|_| Decimal::from_str_exact(trim_fraction_zeros(&plain)))
        .map_err(|_| out_of_range())?;
    if let Some(exp) = exponent {
        value = scale_by_power_of_ten(value, exp)
            .ok_or_else(out_of_range)?
            .normalize();
    }
    if negative {
        value.set_sign_negative(true);
    }
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    Ok(value)
}

fn trim_fraction_zeros(plain: &str) -> &str {
    if plain.contains('.') {
        plain.trim_end_matches('0').trim_end_matches('.')
    } else {
        plain
    }
}

/// An exponent: optional sign and up to three digits.
fn parse_exponent(s: &str) -> Option<i32> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i32 = digits.parse().ok()?;
    Some(if s.starts_with('-') { -n } else { n })
}

fn scale_by_power_of_ten(mut value: Decimal, exp: i32) -> Option<Decimal> {
    if exp >= 0 {
        for _ in 0..exp {
            value = value.checked_mul(Decimal::TEN)?;
        }
        Some(value)
    } else {
        let scale = value.scale().checked_add(exp.unsigned_abs())?;
        if scale > 28 {
            return None;
        }
        value.set_scale(scale).ok()?;
        Some(value)
    }
}

/// `body` (digits, separators, spaces) read with `group` as thousands separator and
/// `decimal` as decimal mark, as plain `1234.5`; `None` if it does not read that way.
/// Spaces may group instead of `group`, but not both in one number.
fn read_digits(body: &str, group: char, decimal: char) -> Option<String> {
    let mut parts = body.split(decimal);
    let int = parts.next()?;
    let frac = parts.next();
    if parts.next().is_some() {
        return None;
    }
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let has_group = int.contains(group);
    let has_space = int.contains(' ');
    let int_digits = if has_group || has_space {
        if has_group && has_space {
            return None;
        }
        let sep = if has_group { group } else { ' ' };
        let mut groups = int.split(sep);
        let first = groups.next()?;
        let first_ok = (1..=3).contains(&first.len())
            && !first.starts_with('0')
            && first.bytes().all(|b| b.is_ascii_digit());
        if !first_ok {
            return None;
        }
        let mut digits = first.to_string();
        for g in groups {
            if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.push_str(g);
        }
        digits
    } else {
        if !int.bytes().all(|b| b.is_ascii_digit()) || (int.is_empty() && frac.is_none()) {
            return None;
        }
        int.to_string()
    };
    let int_digits = if int_digits.is_empty() {
        "0".to_string()
    } else {
        int_digits
    };
    Some(match frac {
        Some(f) => format!("{int_digits}.{f}"),
        None => int_digits,
    })
}

/// The value of an Excel number cell as Excel shows it: 15 significant digits, so the
/// double 0.30000000000000004 (0.1 + 0.2) is 0.3. Trailing zeros are dropped. `None` for
/// NaN, infinities and magnitudes beyond `Decimal` (about 7.9e28); values smaller than
/// 1e-28 round to 28 decimal places.
pub fn from_excel_f64(x: f64) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    if x == 0.0 {
        return Some(Decimal::ZERO);
    }
    // Whole numbers below 2^53 are exact; round their 16th digit half away from zero, as
    // Excel does, rather than half to even as formatting would.
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        let whole = Decimal::from(x as i64);
        let digits = whole.abs().to_string().len() as u32;
        let value = if digits > 15 {
            whole
                .checked_div(Decimal::TEN)?
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                .checked_mul(Decimal::TEN)?
        } else {
            whole
        };
        return Some(value.normalize());
    }
    let formatted = format!("{x:.14e}");
    let (mantissa, exp) = formatted.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut m: i128 = digits.parse().ok()?;
    let shift = exp - 14;
    let mut value = if shift >= 0 {
        let mut v = Decimal::from_i128_with_scale(m, 0);
        for _ in 0..shift {
            v = v.checked_mul(Decimal::TEN)?;
        }
        v
    } else {
        let mut scale = shift.unsigned_abs();
        if scale > 28 {
            let drop = scale - 28;
            m = if drop > 16 {
                0
            } else {
                let p = 10i128.pow(drop);
                m / p + i128::from(m % p * 2 >= p)
            };
            scale = 28;
        }
        Decimal::try_from_i128_with_scale(m, scale).ok()?
    };
    if x < 0.0 {
        value.set_sign_negative(true);
    }
    if value.is_zero() {
        return Some(Decimal::ZERO);
    }
    Some(value.normalize())
}

/// Formats as Vietnamese forms print numbers: `.` between thousands, `,` before decimals
/// (`-1.234.567,5`). `decimals` rounds half away from zero (as Excel and accountants do)
/// and pads to that many places; `None` prints the value's own scale.
pub fn format_vn(d: &Decimal, decimals: Option<u32>) -> String {
    let (value, places) = match decimals {
        Some(n) => {
            let n = n.min(28);
            (
                d.round_dp_with_strategy(n, RoundingStrategy::MidpointAwayFromZero),
                Some(n as usize),
            )
        }
        None => (*d, None),
    };
    let plain = value.abs().to_string();
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut frac = frac.to_string();
    if let Some(n) = places {
        while frac.len() < n {
            frac.push('0');
        }
    }
    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 2);
    if value.is_sign_negative() && !value.is_zero() {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(',');
        out.push_str(&frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn parsed(s: &str) -> Decimal {
        parse_vn_number(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn reads_what_vietnamese_staff_type() {
        for (typed, value) in [
            ("1234", "1234"),
            ("1.234,5", "1234.5"),
            ("1.234.567,89", "1234567.89"),
            ("1234,5", "1234.5"),
            ("-12,3", "-12.3"),
            ("+5", "5"),
            ("0,5", "0.5"),
            (",5", "0.5"),
            ("007", "7"),
            ("1 234 567,5", "1234567.5"),
            ("1\u{A0}234", "1234"),
            ("\u{A0} 42 \u{A0}", "42"),
            ("\u{2212}7", "-7"),
            ("- 7", "-7"),
        ] {
            assert_eq!(parsed(typed), dec(value), "{typed}");
        }
    }

    #[test]
    fn reads_english_style_only_when_vietnamese_reading_fails() {
        for (typed, value) in [
            ("1,234.5", "1234.5"),
            ("1,234,567", "1234567"),
            ("1.5", "1.5"),
            ("12.34", "12.34"),
            ("0.123", "0.123"),
            ("1234.567", "1234.567"),
            ("1 234.5", "1234.5"),
        ] {
            assert_eq!(parsed(typed), dec(value), "{typed}");
        }
    }

    #[test]
    fn dot_with_three_digits_is_thousands() {
        assert_eq!(parsed("1.234"), dec("1234"));
        assert_eq!(parsed("12.345.678"), dec("12345678"));
    }

    #[test]
    fn comma_with_three_digits_is_a_decimal_mark() {
        assert_eq!(parsed("1,234"), dec("1.234"));
        assert_eq!(parsed("1,5"), dec("1.5"));
    }

    #[test]
    fn parentheses_and_percent() {
        assert_eq!(parsed("(12,3)"), dec("-12.3"));
        assert_eq!(parsed("( 1.234 )"), dec("-1234"));
        assert_eq!(parsed("12%"), dec("12"));
        assert_eq!(parsed("12,5 %"), dec("12.5"));
        assert_eq!(parsed("-3%"), dec("-3"));
        assert_eq!(parsed("(3%)"), dec("-3"));
        assert_eq!(parsed("(3)%"), dec("-3"));
    }

    #[test]
    fn exponents_as_excel_csv_writes_them() {
        assert_eq!(parsed("1E+20"), dec("100000000000000000000"));
        assert_eq!(parsed("1,5E3"), dec("1500"));
        assert_eq!(parsed("2.5e-3"), dec("0.0025"));
        assert_eq!(parsed("1.234E3"), dec("1234"));
        assert_eq!(parsed("1,234E+03"), dec("1234"));
        assert_eq!(parsed("-1.5E+20").to_string(), "-150000000000000000000");
        assert!(matches!(
            parse_vn_number("1E+40"),
            Err(NumberError::OutOfRange { .. })
        ));
    }

    #[test]
    fn keeps_the_scale_typed_and_drops_the_sign_of_zero() {
        assert_eq!(parsed("1,50").to_string(), "1.50");
        assert_eq!(parsed("-0").to_string(), "0");
        assert!(!parsed("-0,0").is_sign_negative());
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse_vn_number(""), Err(NumberError::Empty));
        assert_eq!(parse_vn_number(" \u{A0} "), Err(NumberError::Empty));
        for bad in [
            "abc",
            "12a",
            "1.2.3,4,5",
            "--5",
            "+-5",
            "-(5)",
            "(-5)",
            "(5",
            "5)",
            "1,2,3.4.5",
            "1..2",
            "1,,2",
            "12.34.567",
            "5.",
            "5,",
            ".",
            ",",
            "-",
            "%",
            "()",
            "1 2",
            "1  234",
            "1 234.567.890",
            "x",
            "1e",
            "1e+",
            "1e1234",
            "5%%",
            "%5",
            "0.123.456",
            "1_000",
            "１２",
            "1/2",
            "1.234,5E3",
            "E5",
        ] {
            assert!(
                matches!(parse_vn_number(bad), Err(NumberError::Invalid { .. })),
                "{bad:?} gave {:?}",
                parse_vn_number(bad)
            );
        }
    }

    #[test]
    fn too_many_digits_is_out_of_range() {
        assert!(matches!(
            parse_vn_number("99999999999999999999999999999999"),
            Err(NumberError::OutOfRange { .. })
        ));
        assert!(matches!(
            parse_vn_number("0,00000000000000000000000000000001"),
            Err(NumberError::OutOfRange { .. })
        ));
    }

    #[test]
    fn excel_doubles_read_as_excel_shows_them() {
        assert_eq!(from_excel_f64(0.1 + 0.2), Some(dec("0.3")));
        assert_eq!(from_excel_f64(1e20), Some(dec("100000000000000000000")));
        assert_eq!(from_excel_f64(1234.5), Some(dec("1234.5")));
        assert_eq!(from_excel_f64(-0.0), Some(Decimal::ZERO));
        assert_eq!(from_excel_f64(1.0 / 3.0), Some(dec("0.333333333333333")));
        assert_eq!(from_excel_f64(2.0 / 3.0), Some(dec("0.666666666666667")));
        assert_eq!(from_excel_f64(-1234567.891), Some(dec("-1234567.891")));
        assert_eq!(
            from_excel_f64(123456789012345678.0),
            Some(dec("123456789012346000"))
        );
        assert_eq!(
            from_excel_f64(1234567890123445.0),
            Some(dec("1234567890123450"))
        );
        assert_eq!(from_excel_f64(1e-30), Some(Decimal::ZERO));
        assert_eq!(
            from_excel_f64(1.5e-27),
            Some(dec("0.0000000000000000000000000015"))
        );
        assert_eq!(from_excel_f64(f64::NAN), None);
        assert_eq!(from_excel_f64(f64::INFINITY), None);
        assert_eq!(from_excel_f64(f64::NEG_INFINITY), None);
        assert_eq!(from_excel_f64(1e30), None);
        assert_eq!(from_excel_f64(f64::MAX), None);
    }

    #[test]
    fn excel_values_come_without_trailing_zeros() {
        assert_eq!(from_excel_f64(2.5).unwrap().to_string(), "2.5");
        assert_eq!(from_excel_f64(100.0).unwrap().to_string(), "100");
        assert_eq!(from_excel_f64(0.1 + 0.7).unwrap().to_string(), "0.8");
    }

    #[test]
    fn formats_as_vietnamese_forms_print() {
        assert_eq!(format_vn(&dec("1234.5"), None), "1.234,5");
        assert_eq!(format_vn(&dec("-1234567.25"), None), "-1.234.567,25");
        assert_eq!(format_vn(&dec("123"), None), "123");
        assert_eq!(format_vn(&dec("0.5"), None), "0,5");
        assert_eq!(format_vn(&dec("1.50"), None), "1,50");
        assert_eq!(format_vn(&dec("1234.5"), Some(2)), "1.234,50");
        assert_eq!(format_vn(&dec("2.345"), Some(2)), "2,35");
        assert_eq!(format_vn(&dec("-2.345"), Some(2)), "-2,35");
        assert_eq!(format_vn(&dec("999.5"), Some(0)), "1.000");
        assert_eq!(format_vn(&dec("-0.001"), Some(2)), "0,00");
        assert_eq!(
            format_vn(&Decimal::MAX, None),
            "79.228.162.514.264.337.593.543.950.335"
        );
    }

    fn any_decimal() -> impl Strategy<Value = Decimal> {
        let max = 2i128.pow(96) - 1;
        (-max..=max, 0u32..=28)
            .prop_map(|(m, scale)| Decimal::try_from_i128_with_scale(m, scale).unwrap())
    }

    proptest! {
        #[test]
        fn format_then_parse_is_the_identity(d in any_decimal()) {
            let back = parse_vn_number(&format_vn(&d, None)).unwrap();
            prop_assert_eq!(back, d);
            prop_assert_eq!(back.to_string(), d.to_string());
        }

        #[test]
        fn format_with_places_then_parse_gives_the_rounded_value(d in any_decimal(), n in 0u32..=6) {
            let rounded = d.round_dp_with_strategy(n, RoundingStrategy::MidpointAwayFromZero);
            prop_assert_eq!(parse_vn_number(&format_vn(&d, Some(n))).unwrap(), rounded);
        }

        #[test]
        fn fifteen_digit_values_survive_a_trip_through_excel(m in -999_999_999_999_999i64..=999_999_999_999_999, scale in 0u32..=12) {
            let d = Decimal::new(m, scale);
            let x: f64 = d.to_string().parse().unwrap();
            prop_assert_eq!(from_excel_f64(x), Some(d.normalize()));
        }

        #[test]
        fn parse_never_panics(s in "\\PC*", t in "[-+(), .%0-9eE\u{A0}]{0,20}") {
            let _ = parse_vn_number(&s);
            let _ = parse_vn_number(&t);
        }

        #[test]
        fn from_excel_never_panics(x in any::<f64>()) {
            let _ = from_excel_f64(x);
        }
    }
}
