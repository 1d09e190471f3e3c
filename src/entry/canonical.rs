//! The canonical content of a report revision: the bytes the sender signs with
//! Ed25519 at sending (SPEC §5, §12) and that receipt and `report verify` check.
//!
//! One line of JSON, no white space, object keys sorted (by Unicode code point,
//! which is the bytewise order of their UTF-8), strings as `serde_json` escapes
//! them (`"`, `\`, control characters; everything else as UTF-8):
//!
//! ```json
//! {"attachments":["<sha256>",...],"form":{"code":"KTXH01","version":3},
//!  "format":"baocao-report/1","narrative":"<sha256>"|null,"period":"202611",
//!  "regime":"BC-KTXH","revision":1,"unit":"000.00.00.H12",
//!  "values":{"<row key>":{"<column key>":"1234.5",...},...}}
//! ```
//!
//! Numbers are normalised decimals (`1234.50` → `1234.5`, `-0` → `0`, never an
//! exponent), so the same values always give the same bytes however they were typed;
//! texts are as stored. Presentation (the unit's name, the period in words) is left
//! out: renaming a unit must not break the signatures of its old reports. Attachment
//! digests are lower-case hex, sorted (the order attachments were added in is not
//! content).

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::identity::Identity;
use super::validate::{Value, Values};

/// The format tag inside the canonical JSON.
pub const CANONICAL_FORMAT: &str = "baocao-report/1";

/// What a revision is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub regime: String,
    pub form_code: String,
    pub form_version: u32,
    pub unit: String,
    pub period: String,
    /// The revision number (1 for the first, n+1 after a correction).
    pub revision: u32,
}

impl Subject {
    pub fn of(identity: &Identity, revision: u32) -> Subject {
        Subject {
            regime: identity.regime.clone(),
            form_code: identity.form_code.clone(),
            form_version: identity.form_version,
            unit: identity.unit.clone(),
            period: identity.period.clone(),
            revision,
        }
    }
}

// Fields in alphabetical order: serialisation follows declaration order.
#[derive(Serialize)]
struct Canonical<'a> {
    attachments: Vec<String>,
    form: Form<'a>,
    format: &'a str,
    narrative: Option<String>,
    period: &'a str,
    regime: &'a str,
    revision: u32,
    unit: &'a str,
    values: BTreeMap<&'a str, BTreeMap<&'a str, String>>,
}

#[derive(Serialize)]
struct Form<'a> {
    code: &'a str,
    version: u32,
}

/// A normalised decimal or the text.
fn canonical_value(v: &Value) -> String {
    match v {
        Value::Number(d) if d.is_zero() => "0".to_string(),
        Value::Number(d) => d.normalize().to_string(),
        Value::Text(t) => t.clone(),
    }
}

fn digest_text(d: &str) -> String {
    d.trim().to_ascii_lowercase()
}

/// The canonical JSON of a revision: its subject, its values (computed cells
/// included, as stored), the SHA-256 of its narrative text (`None` without one) and
/// the SHA-256 of each attachment.
pub fn canonical_json(
    subject: &Subject,
    values: &Values,
    narrative_digest: Option<&str>,
    attachment_digests: &[String],
) -> String {
    let mut by_row: BTreeMap<&str, BTreeMap<&str, String>> = BTreeMap::new();
    for ((row, column), value) in values {
        by_row
            .entry(row.as_str())
            .or_default()
            .insert(column.as_str(), canonical_value(value));
    }
    let mut attachments: Vec<String> = attachment_digests.iter().map(|d| digest_text(d)).collect();
    attachments.sort();
    let doc = Canonical {
        attachments,
        form: Form {
            code: &subject.form_code,
            version: subject.form_version,
        },
        format: CANONICAL_FORMAT,
        narrative: narrative_digest.map(digest_text),
        period: &subject.period,
        regime: &subject.regime,
        revision: subject.revision,
        unit: &subject.unit,
        values: by_row,
    };
    // Strings, integers and maps with string keys: serialisation cannot fail.
    serde_json::to_string(&doc).unwrap_or_default()
}

/// SHA-256 in lower-case hex (for the narrative text and attachments).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> Subject {
        Subject {
            regime: "BC-DS".into(),
            form_code: "DS01".into(),
            form_version: 2,
            unit: "000.00.00.H12".into(),
            period: "202611".into(),
            revision: 1,
        }
    }

    fn values(pairs: &[(&str, &str, Value)]) -> Values {
        pairs
            .iter()
            .map(|(r, c, v)| ((r.to_string(), c.to_string()), v.clone()))
            .collect()
    }

    #[test]
    fn canonical_json_is_sorted_compact_and_normalises_decimals() {
        let d = |s: &str| Value::Number(s.parse().expect("decimal"));
        let v = values(&[
            ("r2", "c1", d("1234.50")),
            ("r1", "c2", Value::Text("Ghi \"chú\"".into())),
            ("r1", "c1", d("-0.000")),
        ]);
        let json = canonical_json(
            &subject(),
            &v,
            Some("ABCDEF"),
            &["ff".to_string(), "0a".to_string()],
        );
        assert_eq!(
            json,
            r#"{"attachments":["0a","ff"],"form":{"code":"DS01","version":2},"format":"baocao-report/1","narrative":"abcdef","period":"202611","regime":"BC-DS","revision":1,"unit":"000.00.00.H12","values":{"r1":{"c1":"0","c2":"Ghi \"chú\""},"r2":{"c1":"1234.5"}}}"#
        );
        // Keys sorted at every level: parsing and re-sorting changes nothing.
        let parsed: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(parsed["values"]["r2"]["c1"], "1234.5");
    }

    #[test]
    fn the_same_content_typed_differently_gives_the_same_bytes() {
        let a = values(&[("r1", "c1", Value::Number("1.50".parse().expect("d")))]);
        let b = values(&[("r1", "c1", Value::Number("1.5".parse().expect("d")))]);
        assert_eq!(
            canonical_json(&subject(), &a, None, &[]),
            canonical_json(&subject(), &b, None, &[])
        );
        let mut later = subject();
        later.revision = 2;
        assert_ne!(
            canonical_json(&subject(), &a, None, &[]),
            canonical_json(&later, &a, None, &[])
        );
        assert_eq!(sha256_hex(b"abc").len(), 64);
    }
}
