//! "What just happened", carried across the 303 after a successful action, and the
//! percent coding it and the pages' addresses share.
//!
//! The flash is a cookie that lives a minute, for this site only, out of scripts'
//! reach. Every page family writes a value only it understands (the report page and
//! the board a fixed code, my tokens its own words) and every page that reads one
//! clears it, so a message is shown once and never where it does not belong. Nothing a
//! user typed goes into an address.

use axum::http::HeaderMap;

use super::security;

pub(super) const COOKIE: &str = "baocao_flash";

/// `Set-Cookie` for the flash `value`.
pub(super) fn set(value: &str) -> String {
    format!(
        "{COOKIE}={}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=60",
        percent_encode(value)
    )
}

/// The flash the request carries, with the `Set-Cookie` that clears it.
pub(super) fn take(headers: &HeaderMap) -> (Option<String>, Option<String>) {
    match security::cookie(headers, COOKIE) {
        Some(v) => (
            Some(percent_decode(&v)),
            Some(security::removed_cookie(COOKIE)),
        ),
        None => (None, None),
    }
}

/// Every byte but the unreserved ones as `%XX`: fit for a cookie value and a path
/// segment.
pub(super) fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The text [`percent_encode`] wrote (invalid UTF-8 replaced, a bad escape kept).
pub(super) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_survives_its_cookie_in_any_language() {
        let text = "Đã thu hồi mã truy cập «bảng-tin»; 100% xong.";
        let c = set(text);
        assert!(c.starts_with("baocao_flash="), "{c}");
        for a in [
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=60",
        ] {
            assert!(c.contains(a), "{c}");
        }
        let value = c["baocao_flash=".len()..].split(';').next().unwrap();
        assert!(
            value.is_ascii() && !value.contains([' ', ';', ',']),
            "{value}"
        );
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::COOKIE,
            format!("baocao_flash={value}").parse().unwrap(),
        );
        let (got, clear) = take(&h);
        assert_eq!(got.as_deref(), Some(text));
        assert!(clear.is_some_and(|c| c.contains("Max-Age=0")));
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(percent_encode("H99.01/ả"), "H99.01%2F%E1%BA%A3");
    }
}
