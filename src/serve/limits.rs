//! Sign-in rate limiting: failed sign-ins counted per address and per account over a
//! window, in memory. The database's own lockout (5 failures lock an account) still
//! applies; this keeps one address from trying many accounts, and anyone from
//! hammering one account faster than the lockout can matter.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures an address may have in a window before it waits.
pub const PER_ADDRESS: usize = 20;
/// Failures an account may have in a window before sign-ins to it wait.
pub const PER_ACCOUNT: usize = 10;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct SignIn {
    failures: Mutex<Failures>,
}

#[derive(Default)]
struct Failures {
    by_address: HashMap<IpAddr, Vec<Instant>>,
    by_account: HashMap<String, Vec<Instant>>,
}

impl SignIn {
    /// How long this sign-in must wait, if it must.
    pub fn wait(&self, address: IpAddr, account: &str, now: Instant) -> Option<Duration> {
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let a = wait_of(f.by_address.entry(address).or_default(), PER_ADDRESS, now);
        let b = wait_of(
            f.by_account.entry(account.to_string()).or_default(),
            PER_ACCOUNT,
            now,
        );
        a.max(b)
    }

    /// Counts a failed sign-in.
    pub fn failed(&self, address: IpAddr, account: &str, now: Instant) {
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        f.by_address.entry(address).or_default().push(now);
        f.by_account
            .entry(account.to_string())
            .or_default()
            .push(now);
        // Old entries go, so the maps stay as small as the window's traffic.
        f.by_address.retain(|_, v| {
            v.retain(|t| now.duration_since(*t) < WINDOW);
            !v.is_empty()
        });
        f.by_account.retain(|_, v| {
            v.retain(|t| now.duration_since(*t) < WINDOW);
            !v.is_empty()
        });
    }

    /// A successful sign-in clears its account's failures (not its address's).
    pub fn succeeded(&self, account: &str) {
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        f.by_account.remove(account);
    }
}

fn wait_of(times: &mut Vec<Instant>, limit: usize, now: Instant) -> Option<Duration> {
    times.retain(|t| now.duration_since(*t) < WINDOW);
    if times.len() < limit {
        return None;
    }
    // The oldest failure in the window leaving it lets the next attempt in.
    let oldest = times.iter().min()?;
    Some(
        WINDOW
            .saturating_sub(now.duration_since(*oldest))
            .max(Duration::from_secs(1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_waits_after_its_failures_and_not_before() {
        let s = SignIn::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..PER_ACCOUNT - 1 {
            s.failed(ip, "xa01", t0);
        }
        assert_eq!(s.wait(ip, "xa01", t0), None);
        s.failed(ip, "xa01", t0);
        let w = s.wait(ip, "xa01", t0).expect("limited");
        assert!(w <= WINDOW && w > Duration::from_secs(60));
        // Another account from the same address is not yet limited …
        assert_eq!(s.wait(ip, "xa02", t0), None);
        // … and the window passing frees the first.
        assert_eq!(s.wait(ip, "xa01", t0 + WINDOW), None);
    }

    #[test]
    fn an_address_trying_many_accounts_waits() {
        let s = SignIn::default();
        let ip: IpAddr = "10.0.0.9".parse().unwrap();
        let t0 = Instant::now();
        for i in 0..PER_ADDRESS {
            s.failed(ip, &format!("u{i}"), t0);
        }
        assert!(s.wait(ip, "moi", t0).is_some());
        assert_eq!(s.wait("10.0.0.10".parse().unwrap(), "moi", t0), None);
    }

    #[test]
    fn success_clears_the_account() {
        let s = SignIn::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..PER_ACCOUNT {
            s.failed(ip, "xa01", t0);
        }
        s.succeeded("xa01");
        assert_eq!(s.wait(ip, "xa01", t0), None);
    }
}
