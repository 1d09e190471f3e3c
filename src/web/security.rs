//! The web face's guards: the cookies it sets, the CSRF token every form carries, and
//! the Content-Security-Policy every page is served with.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The session secret from `login`, as the browser keeps it.
pub const SESSION_COOKIE: &str = "baocao_session";
/// A random value given before sign-in, so that the sign-in form carries a CSRF token
/// too (a forged sign-in would put the victim in the forger's account).
pub const PRESESSION_COOKIE: &str = "baocao_pre";
/// The reader's language (`vi` or `en`): a preference, not a secret.
pub const LANG_COOKIE: &str = "baocao_lang";

/// No script or style from anywhere but this server, no inline ones, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The key CSRF tokens are made with: random for each run of the server, so a token is
/// worth nothing once the server restarts (the page is simply loaded again).
pub struct CsrfKey([u8; 32]);

impl CsrfKey {
    pub fn random() -> CsrfKey {
        let mut k = [0u8; 32];
        rand::Rng::fill(&mut rand::rng(), &mut k);
        CsrfKey(k)
    }

    fn mac(&self, secret: &str) -> Hmac<Sha256> {
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("any key length");
        m.update(b"baocao csrf v1\0");
        m.update(secret.as_bytes());
        m
    }

    /// The token of the forms shown to the holder of `secret` (a session secret, or the
    /// pre-session value before sign-in): HMAC-SHA256, hex.
    pub fn token(&self, secret: &str) -> String {
        hex::encode(self.mac(secret).finalize().into_bytes())
    }

    /// Whether `token` is the one made for `secret` (compared in constant time).
    pub fn verify(&self, secret: &str, token: &str) -> bool {
        if secret.is_empty() {
            return false;
        }
        match hex::decode(token.trim()) {
            Ok(tag) => self.mac(secret).verify_slice(&tag).is_ok(),
            Err(_) => false,
        }
    }
}

/// `Set-Cookie` for a secret the page's scripts never see and no other site's request
/// carries: the session, the pre-session value. No `Max-Age`: it goes when the browser
/// closes; the server's own expiry still applies.
pub fn secret_cookie(name: &str, value: &str) -> String {
    format!("{name}={value}; HttpOnly; Secure; SameSite=Strict; Path=/")
}

/// `Set-Cookie` that removes a cookie.
pub fn removed_cookie(name: &str) -> String {
    format!("{name}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0")
}

/// `Set-Cookie` for the language (a year).
pub fn lang_cookie(code: &str) -> String {
    format!("{LANG_COOKIE}={code}; Secure; SameSite=Lax; Path=/; Max-Age=31536000")
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{header, HeaderMap, HeaderValue};

    #[test]
    fn a_token_is_good_for_its_own_session_only() {
        let key = CsrfKey::random();
        let t = key.token("bcs_phiên-một");
        assert_eq!(t.len(), 64);
        assert!(key.verify("bcs_phiên-một", &t));
        assert!(!key.verify("bcs_phiên-hai", &t));
        assert!(!key.verify("bcs_phiên-một", ""));
        assert!(!key.verify("bcs_phiên-một", "không-phải-hex"));
        assert!(!key.verify("", &key.token("")));
        // Another run of the server has another key: old pages' tokens are refused.
        assert!(!CsrfKey::random().verify("bcs_phiên-một", &t));
    }

    #[test]
    fn secret_cookies_are_http_only_secure_and_strict() {
        let c = secret_cookie(SESSION_COOKIE, "bcs_abc");
        assert!(c.starts_with("baocao_session=bcs_abc;"));
        for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(c.split("; ").any(|a| a == attr), "{c} lacks {attr}");
        }
        assert!(removed_cookie(SESSION_COOKIE).contains("Max-Age=0"));
        assert!(!lang_cookie("en").contains("HttpOnly"));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; baocao_session=bcs_x"),
        );
        h.append(header::COOKIE, HeaderValue::from_static("baocao_lang=en"));
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("bcs_x"));
        assert_eq!(cookie(&h, LANG_COOKIE).as_deref(), Some("en"));
        assert_eq!(cookie(&h, PRESESSION_COOKIE), None);
        h.append(header::COOKIE, HeaderValue::from_static("baocao_pre="));
        assert_eq!(cookie(&h, PRESESSION_COOKIE), None);
    }
}
