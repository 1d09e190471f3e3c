//! Authentication: password hashing and policy (SPEC §12), random secrets for sessions
//! and API tokens, the session file, and role-based permission checks.

pub mod permission;
pub mod session;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use base64::Engine;
use rand::Rng;

use crate::error::{Error, Kind, Msg, Result};

/// Minimum length and character classes of SPEC §12.
pub const MIN_PASSWORD_LEN: usize = 10;
/// Days after which a password must be changed (Bắc Ninh: every 6 months).
pub const PASSWORD_MAX_AGE_DAYS: i64 = 180;
/// Failed sign-ins that lock an account, and for how long.
pub const MAX_FAILED_ATTEMPTS: i64 = 5;
pub const LOCKOUT_MINUTES: i64 = 15;
/// How many of the latest passwords cannot be reused (the current one included).
pub const PASSWORD_HISTORY: usize = 3;

pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| {
            Error::failure(
                Msg::new("Không băm được mật khẩu", "Could not hash the password"),
                anyhow::anyhow!("{e}"),
            )
        })
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// Checks SPEC §12's policy: 10 characters, three of four classes.
pub fn check_policy(password: &str) -> Result<()> {
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password
            .chars()
            .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN || classes < 3 {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Mật khẩu phải có ít nhất {MIN_PASSWORD_LEN} ký tự và ít nhất 3 trong 4 loại: chữ thường, chữ hoa, chữ số, ký hiệu"),
                format!("A password needs at least {MIN_PASSWORD_LEN} characters and 3 of 4 classes: lower case, upper case, digits, symbols"),
            ),
        ));
    }
    if password.len() > 1024 {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Mật khẩu quá dài (tối đa 1024 byte)",
                "Password too long (1024 bytes at most)",
            ),
        ));
    }
    Ok(())
}

/// A fresh password meeting the policy, from an alphabet without look-alikes (0/O, 1/l).
pub fn generate_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const SYMBOL: &[u8] = b"!#%+-=?@";
    let mut rng = rand::rng();
    let mut pick = |set: &[u8]| set[rng.random_range(0..set.len())] as char;
    let mut chars: Vec<char> = vec![pick(LOWER), pick(UPPER), pick(DIGIT), pick(SYMBOL)];
    let all: Vec<u8> = [LOWER, UPPER, DIGIT, SYMBOL].concat();
    while chars.len() < 14 {
        chars.push(pick(&all));
    }
    // Shuffle so the class order does not leak.
    for i in (1..chars.len()).rev() {
        let j = rand::rng().random_range(0..=i);
        chars.swap(i, j);
    }
    chars.into_iter().collect()
}

/// A random secret for a session or an API token; only its SHA-256 is stored.
pub fn generate_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    format!(
        "{prefix}_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

pub fn secret_hash(secret: &str) -> String {
    crate::store::audit::sha256_hex(secret.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_meet_the_policy() {
        for _ in 0..50 {
            let p = generate_password();
            assert!(check_policy(&p).is_ok(), "{p}");
        }
    }

    #[test]
    fn weak_passwords_are_refused() {
        for p in [
            "short1A!",
            "alllowercaseletters",
            "ALLUPPER12345",
            "abcdefghij12",
        ] {
            assert_eq!(check_policy(p).unwrap_err().kind, Kind::Invalid, "{p}");
        }
        assert!(check_policy("Xin-chao-2026!").is_ok());
        assert!(check_policy("mậtkhẩu-Mới-9").is_ok());
    }

    #[test]
    fn a_hash_verifies_only_its_password() {
        let h = hash_password("Xin-chao-2026!").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Xin-chao-2026!", &h));
        assert!(!verify_password("xin-chao-2026!", &h));
    }
}
