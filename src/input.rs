//! Cleaning what people type into identity fields: codes, names, usernames, e-mail
//! addresses, phone numbers. Text is stored NFC (TCVN 6909:2001), trimmed, with inner
//! runs of white space collapsed; control characters are refused.

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Kind, Msg, Result};

fn invalid(vi: String, en: String) -> Error {
    Error::new(Kind::Invalid, Msg::new(vi, en))
}

/// NFC, trimmed, inner white space collapsed.
pub fn clean(s: &str) -> String {
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A required human-readable text (a unit or person's name).
pub fn name(field_vi: &str, field_en: &str, s: &str, max: usize) -> Result<String> {
    let t = clean(s);
    if t.is_empty() {
        return Err(invalid(
            format!("{field_vi} không được để trống"),
            format!("{field_en} must not be empty"),
        ));
    }
    if t.chars().any(char::is_control) {
        return Err(invalid(
            format!("{field_vi} chứa ký tự điều khiển"),
            format!("{field_en} contains control characters"),
        ));
    }
    if t.chars().count() > max {
        return Err(invalid(
            format!("{field_vi} dài quá {max} ký tự"),
            format!("{field_en} is longer than {max} characters"),
        ));
    }
    Ok(t)
}

/// An optional text: empty means absent.
pub fn optional_name(
    field_vi: &str,
    field_en: &str,
    s: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    match s.map(clean).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => name(field_vi, field_en, &t, max).map(Some),
    }
}

/// A stable identifier (unit code, regime code): letters, digits and `. - _ /`.
pub fn code(s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty()
        || t.len() > 64
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_/".contains(c))
    {
        return Err(invalid(
            format!("Mã không hợp lệ: «{t}» (1–64 ký tự: chữ, số, . - _ /)"),
            format!("Invalid code «{t}» (1–64 characters: letters, digits, . - _ /)"),
        ));
    }
    Ok(t.to_string())
}

/// A username: lower-case ASCII letters, digits and `. _ -`, 3–64 characters.
pub fn username(s: &str) -> Result<String> {
    let t = s.trim().to_lowercase();
    let ok = (3..=64).contains(&t.len())
        && t.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if !ok {
        return Err(invalid(
            format!(
                "Tên đăng nhập không hợp lệ: «{t}» (3–64 ký tự: chữ thường không dấu, số, . _ -)"
            ),
            format!(
                "Invalid username «{t}» (3–64 characters: lower-case ASCII letters, digits, . _ -)"
            ),
        ));
    }
    Ok(t)
}

pub fn email(s: Option<&str>) -> Result<Option<String>> {
    let Some(t) = s.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let ok = t.len() <= 254
        && !t.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(t.split_once('@'), Some((l, d)) if !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.') && !d.contains('@'));
    if !ok {
        return Err(invalid(
            format!("Thư điện tử không hợp lệ: «{t}»"),
            format!("Invalid e-mail address «{t}»"),
        ));
    }
    Ok(Some(t.to_lowercase()))
}

/// A phone number: digits with optional leading `+`, separators removed.
pub fn phone(s: Option<&str>) -> Result<Option<String>> {
    let Some(t) = s.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let digits: String = t.chars().filter(|c| !" .-()".contains(*c)).collect();
    let body = digits.strip_prefix('+').unwrap_or(&digits);
    if !(8..=15).contains(&body.len()) || !body.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid(
            format!("Số điện thoại không hợp lệ: «{t}»"),
            format!("Invalid phone number «{t}»"),
        ));
    }
    Ok(Some(digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stored_nfc_and_collapsed() {
        // "Hòa" typed with a combining grave accent becomes the precomposed form.
        let decomposed = "Ho\u{0300}a  Bi\u{0300}nh ";
        assert_eq!(name("Tên", "Name", decomposed, 100).unwrap(), "Hòa Bình");
    }

    #[test]
    fn hostile_input_is_refused() {
        assert!(code("H99; DROP TABLE unit").is_err());
        assert!(code("").is_err());
        assert!(username("Nguyễn").is_err());
        assert!(username("ab").is_err());
        assert!(name("Tên", "Name", "a\u{0007}b", 100).is_err());
        assert!(name("Tên", "Name", &"x".repeat(301), 300).is_err());
        assert!(email(Some("a@b")).is_err());
        assert!(phone(Some("09x")).is_err());
    }

    #[test]
    fn phones_and_emails_are_normalised() {
        assert_eq!(
            phone(Some("0912 345 678")).unwrap().as_deref(),
            Some("0912345678")
        );
        assert_eq!(
            email(Some(" NVA@HaSon.gov.vn ")).unwrap().as_deref(),
            Some("nva@hason.gov.vn")
        );
    }
}
