//! "Did you mean": the existing codes closest to one typed that does not exist, for the
//! hint of a not-found error (`KTXH` → `KTXH-THANG`, `KTXH-XA`).

use rusqlite::Connection;

use crate::error::{Error, Msg};

/// The kinds of code looked up by what people type, each with its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Regime,
    Unit,
    Form,
    Indicator,
}

impl Code {
    fn table(self) -> &'static str {
        match self {
            Code::Regime => "regime",
            Code::Unit => "unit",
            Code::Form => "form",
            Code::Indicator => "indicator",
        }
    }
}

/// At most this many codes are suggested.
const MAX: usize = 3;

/// The codes among `known` closest to `typed`, best first: those that contain it or
/// that it contains (case aside), then those within a small edit distance (a third of
/// the typed length, at least 1, at most 3). Empty when nothing is close.
pub fn closest<'a, I>(typed: &str, known: I) -> Vec<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let t = typed.trim().to_uppercase();
    if t.is_empty() {
        return Vec::new();
    }
    let limit = (t.chars().count() / 3).clamp(1, 3);
    let mut scored: Vec<(usize, usize, &str)> = known
        .into_iter()
        .filter_map(|k| {
            let u = k.to_uppercase();
            if u == t {
                return None;
            }
            if u.starts_with(&t) || t.starts_with(&u) {
                return Some((0, u.len().abs_diff(t.len()), k));
            }
            if u.contains(&t) || t.contains(&u) {
                return Some((1, u.len().abs_diff(t.len()), k));
            }
            let d = distance(&t, &u);
            (d <= limit).then_some((2, d, k))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.2 == b.2);
    scored
        .into_iter()
        .take(MAX)
        .map(|s| s.2.to_string())
        .collect()
}

/// The Levenshtein distance between two strings, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The hint for a code nobody has: "Có phải ý bạn là: A, B?" / "Did you mean: A, B?".
pub fn hint(typed: &str, known: &[String]) -> Option<Msg> {
    let found = closest(typed, known.iter().map(String::as_str));
    if found.is_empty() {
        return None;
    }
    let list = found.join(", ");
    Some(Msg::new(
        format!("Có phải ý bạn là: {list}?"),
        format!("Did you mean: {list}?"),
    ))
}

/// `err` with a did-you-mean hint from the codes of `kind` in the database, if one is
/// close. A failure to list the codes leaves the error as it is.
pub fn with_hint(conn: &Connection, kind: Code, typed: &str, err: Error) -> Error {
    let sql = format!("SELECT DISTINCT code FROM {} ORDER BY code", kind.table());
    let known: Vec<String> = match conn.prepare(&sql).and_then(|mut s| {
        s.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    }) {
        Ok(k) => k,
        Err(_) => return err,
    };
    match hint(typed, &known) {
        Some(h) => err.with_hint(h),
        None => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<&'static str> {
        vec![
            "KTXH-THANG",
            "KTXH-XA",
            "GDDT-NAM",
            "YTE-QUY",
            "99001",
            "99002",
        ]
    }

    #[test]
    fn a_prefix_suggests_the_codes_it_begins() {
        assert_eq!(closest("KTXH", known()), ["KTXH-XA", "KTXH-THANG"]);
        assert_eq!(closest("ktxh", known()), ["KTXH-XA", "KTXH-THANG"]);
    }

    #[test]
    fn a_slip_suggests_the_code_within_a_few_edits() {
        assert_eq!(closest("KTHX-THANG", known()), ["KTXH-THANG"]);
        assert_eq!(closest("YTE-QUI", known()), ["YTE-QUY"]);
        assert_eq!(closest("99003", known()), ["99001", "99002"]);
    }

    #[test]
    fn nothing_close_suggests_nothing() {
        assert!(closest("NOPE", known()).is_empty());
        assert!(closest("", known()).is_empty());
        assert!(hint("NOPE", &[]).is_none());
    }

    #[test]
    fn the_hint_names_the_codes_in_both_languages() {
        let k: Vec<String> = known().into_iter().map(String::from).collect();
        let h = hint("KTXH", &k).unwrap();
        assert_eq!(h.vi, "Có phải ý bạn là: KTXH-XA, KTXH-THANG?");
        assert_eq!(h.en, "Did you mean: KTXH-XA, KTXH-THANG?");
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("KTXH", "KTXH"), 0);
        assert_eq!(distance("KTHX", "KTXH"), 2);
        assert_eq!(distance("Lúa", "Lua"), 1);
    }
}
