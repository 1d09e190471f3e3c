//! The envelope every exchange document shares (`schemas/exchange-document.schema.json`).
//!
//! ```json
//! {
//!   "format": "baocao-exchange/1",
//!   "document_type": "aggregate",
//!   "sender":   {"system": "H27", "unit": "000.00.00.H27", "unit_name": "…", "account": "skhdt.gui"},
//!   "receiver": {"system": "VN", "unit": "000.00.00.G01", "unit_name": null, "account": null},
//!   "created_at": "2026-12-20T09:00:00+07:00",
//!   "content_digest": "sha256:…",
//!   "signature": {"algorithm": "ed25519", "key_id": 7, "public_key": "…", "value": "…"},
//!   "content": { … }
//! }
//! ```
//!
//! - `content_digest` is the SHA-256 of the content's canonical JSON ([`canonical_json`]:
//!   object keys sorted, no spaces; exact decimals travel as strings).
//! - The signature covers the canonical JSON of the envelope without `content` and
//!   without `signature.value` ([`Document::signing_input`]): the digest binds the
//!   content, so a signer can sign a large document without reading it twice, and a
//!   client can sign what a server prepared (the private key never leaves the client).
//! - `key_id` is the signing key's id in the sender's database; `public_key` is the key
//!   itself (hex), so the receiver can check the signature without that database. Which
//!   keys a receiver trusts is recorded on import (`peer key`): a sender unit whose key
//!   changes is reported as a conflict, not silently accepted.

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Kind, Msg, Result};

/// The format marker and version of every document.
pub const FORMAT: &str = "baocao-exchange/1";

/// The signature algorithm of every document.
pub const ALGORITHM: &str = "ed25519";

/// What a document carries.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    PartialOrd,
    Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// Units, indicators, forms, regimes and periods.
    Catalogue,
    /// One report revision: values, narrative, attachment digests, the unit's signature.
    ReportData,
    /// Every assigned unit's state for a regime's period.
    ReportStatus,
    /// A regime's period aggregated over units, with its components.
    Aggregate,
}

impl DocumentType {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentType::Catalogue => "catalogue",
            DocumentType::ReportData => "report_data",
            DocumentType::ReportStatus => "report_status",
            DocumentType::Aggregate => "aggregate",
        }
    }
}

/// One end of an exchange: the installation (`system`, e.g. the province's code), the
/// unit inside it, and the account that acted (the sender's; a receiver may leave it out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub system: String,
    pub unit: String,
    pub unit_name: Option<String>,
    pub account: Option<String>,
}

/// The sending account's signature over [`Document::signing_input`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// Always `ed25519`.
    pub algorithm: String,
    /// The key's id in the sender's database.
    pub key_id: i64,
    /// The public key, 64 hex digits.
    pub public_key: String,
    /// The signature, 128 hex digits.
    pub value: String,
}

/// A signed exchange document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub format: String,
    pub document_type: DocumentType,
    pub sender: Party,
    pub receiver: Party,
    /// RFC 3339, when the sender made the document.
    pub created_at: String,
    /// `sha256:` and 64 hex digits of the content's canonical JSON.
    pub content_digest: String,
    pub signature: Signature,
    pub content: Value,
}

/// A document before it is signed: what a server hands a client to sign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unsigned {
    pub format: String,
    pub document_type: DocumentType,
    pub sender: Party,
    pub receiver: Party,
    pub created_at: String,
    pub content_digest: String,
    pub content: Value,
}

/// JSON with object keys sorted at every depth and no insignificant spaces: the bytes
/// digests and signatures are computed over, whatever order the writer used.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `sha256:` and the hex digest of the content's canonical JSON.
pub fn digest(content: &Value) -> String {
    format!(
        "sha256:{}",
        crate::store::audit::sha256_hex(canonical_json(content).as_bytes())
    )
}

/// The envelope's fields a signature covers besides the key.
struct Head<'a> {
    format: &'a str,
    document_type: DocumentType,
    sender: &'a Party,
    receiver: &'a Party,
    created_at: &'a str,
    content_digest: &'a str,
}

fn header_json(h: Head<'_>, key_id: i64, public_key: &str) -> String {
    canonical_json(&serde_json::json!({
        "format": h.format,
        "document_type": h.document_type,
        "sender": h.sender,
        "receiver": h.receiver,
        "created_at": h.created_at,
        "content_digest": h.content_digest,
        "signature": {"algorithm": ALGORITHM, "key_id": key_id, "public_key": public_key},
    }))
}

impl Unsigned {
    /// A document of `content`, its digest computed.
    pub fn new(
        document_type: DocumentType,
        sender: Party,
        receiver: Party,
        created_at: String,
        content: Value,
    ) -> Unsigned {
        Unsigned {
            format: FORMAT.into(),
            document_type,
            content_digest: digest(&content),
            sender,
            receiver,
            created_at,
            content,
        }
    }

    /// The bytes the key `key_id` (public half `public_key`) signs.
    pub fn signing_input(&self, key_id: i64, public_key: &str) -> String {
        header_json(
            Head {
                format: &self.format,
                document_type: self.document_type,
                sender: &self.sender,
                receiver: &self.receiver,
                created_at: &self.created_at,
                content_digest: &self.content_digest,
            },
            key_id,
            public_key,
        )
    }

    /// Signs with `key` (id `key_id` in the sender's database).
    pub fn seal(self, key_id: i64, key: &SigningKey) -> Document {
        let public_key = hex::encode(key.verifying_key().to_bytes());
        let value = crate::sign::sign(key, &self.signing_input(key_id, &public_key));
        self.with_signature(key_id, public_key, value)
    }

    /// Attaches a signature made elsewhere (a client's); [`Document::check`] tells
    /// whether it is good.
    pub fn with_signature(self, key_id: i64, public_key: String, value: String) -> Document {
        Document {
            format: self.format,
            document_type: self.document_type,
            sender: self.sender,
            receiver: self.receiver,
            created_at: self.created_at,
            content_digest: self.content_digest,
            signature: Signature {
                algorithm: ALGORITHM.into(),
                key_id,
                public_key,
                value,
            },
            content: self.content,
        }
    }
}

/// Why a document was refused before anything of it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
    Format,
    Digest,
    Signature,
}

impl Document {
    /// The bytes the signature covers.
    pub fn signing_input(&self) -> String {
        header_json(
            Head {
                format: &self.format,
                document_type: self.document_type,
                sender: &self.sender,
                receiver: &self.receiver,
                created_at: &self.created_at,
                content_digest: &self.content_digest,
            },
            self.signature.key_id,
            &self.signature.public_key,
        )
    }

    /// The first flaw found: an unknown format or algorithm, a content that does not
    /// match its digest, a signature that does not verify.
    pub fn flaw(&self) -> Option<Flaw> {
        if self.format != FORMAT || self.signature.algorithm != ALGORITHM {
            return Some(Flaw::Format);
        }
        if digest(&self.content) != self.content_digest {
            return Some(Flaw::Digest);
        }
        if !crate::sign::verify(
            &self.signature.public_key,
            &self.signing_input(),
            &self.signature.value,
        ) {
            return Some(Flaw::Signature);
        }
        None
    }

    /// [`Document::flaw`] as an error (exit 5) naming `source` (a file name).
    pub fn check(&self, source: &str) -> Result<()> {
        let Some(flaw) = self.flaw() else {
            return Ok(());
        };
        let (vi, en) = match flaw {
            Flaw::Format => (
                format!("{source}: không phải tài liệu {FORMAT} ký bằng {ALGORITHM}"),
                format!("{source}: not a {FORMAT} document signed with {ALGORITHM}"),
            ),
            Flaw::Digest => (
                format!("{source}: nội dung không khớp mã băm content_digest (tài liệu đã bị sửa)"),
                format!("{source}: the content does not match its content_digest (the document was altered)"),
            ),
            Flaw::Signature => (
                format!("{source}: chữ ký không hợp lệ với khoá công khai của người gửi"),
                format!("{source}: the signature does not verify with the sender's public key"),
            ),
        };
        Err(Error::new(Kind::Invalid, Msg::new(vi, en)))
    }

    /// The document's identity: the digest of everything signed, so the same document
    /// imported twice is recognised, and a re-signed one is not mistaken for it.
    pub fn id(&self) -> String {
        crate::store::audit::sha256_hex(
            format!("{}\n{}", self.signing_input(), self.signature.value).as_bytes(),
        )
    }

    /// Reads one document or a JSON array of documents (exit 5 when it is neither).
    pub fn parse_all(text: &str, source: &str) -> Result<Vec<Document>> {
        let v: Value = serde_json::from_str(text).map_err(|e| {
            Error::new(
                Kind::Invalid,
                Msg::new(
                    format!("{source}: không phải JSON: {e}"),
                    format!("{source}: not JSON: {e}"),
                ),
            )
        })?;
        let items = match v {
            Value::Array(a) => a,
            one => vec![one],
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                serde_json::from_value::<Document>(item).map_err(|e| {
                    Error::new(
                        Kind::Invalid,
                        Msg::new(
                            format!(
                                "{source}: tài liệu thứ {} không đúng mẫu {FORMAT}: {e}",
                                i + 1
                            ),
                            format!(
                                "{source}: document {} is not a {FORMAT} document: {e}",
                                i + 1
                            ),
                        ),
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn party(unit: &str) -> Party {
        Party {
            system: "H27".into(),
            unit: unit.into(),
            unit_name: Some("Sở Kế hoạch và Đầu tư".into()),
            account: Some("skhdt.gui".into()),
        }
    }

    fn sealed() -> Document {
        let key = SigningKey::from_bytes(&[9u8; 32]);
        Unsigned::new(
            DocumentType::Aggregate,
            party("000.00.00.H27"),
            party("000.00.00.G01"),
            "2026-12-20T09:00:00+07:00".into(),
            json!({"b": ["1.50", {"y": 1, "x": "Hà Nội"}], "a": null}),
        )
        .seal(3, &key)
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let v = json!({"b": {"d": 1, "c": [ {"z": 1, "a": 2} ]}, "a": "ư"});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":"ư","b":{"c":[{"a":2,"z":1}],"d":1}}"#
        );
    }

    #[test]
    fn a_sealed_document_checks_and_survives_a_round_trip() {
        let d = sealed();
        assert_eq!(d.flaw(), None);
        let text = serde_json::to_string_pretty(&d).unwrap();
        let back = Document::parse_all(&text, "x.json").unwrap();
        assert_eq!(back, vec![d.clone()]);
        assert_eq!(back[0].id(), d.id());
    }

    #[test]
    fn a_changed_content_fails_its_digest_and_a_changed_header_its_signature() {
        let mut d = sealed();
        d.content["b"][0] = json!("1.51");
        assert_eq!(d.flaw(), Some(Flaw::Digest));
        assert_eq!(d.check("x").unwrap_err().kind.exit_code(), 5);
        let mut d = sealed();
        d.sender.unit = "000.00.00.H28".into();
        assert_eq!(d.flaw(), Some(Flaw::Signature));
        let mut d = sealed();
        d.content = json!({"other": true});
        d.content_digest = digest(&d.content);
        assert_eq!(d.flaw(), Some(Flaw::Signature));
        let mut d = sealed();
        d.signature.algorithm = "rsa".into();
        assert_eq!(d.flaw(), Some(Flaw::Format));
    }

    #[test]
    fn a_signature_made_elsewhere_over_the_signing_input_checks() {
        let key = SigningKey::from_bytes(&[4u8; 32]);
        let public = hex::encode(key.verifying_key().to_bytes());
        let u = Unsigned::new(
            DocumentType::Catalogue,
            party("A"),
            party("B"),
            "2026-12-01T00:00:00Z".into(),
            json!({"units": []}),
        );
        let sig = crate::sign::sign(&key, &u.signing_input(11, &public));
        let d = u.with_signature(11, public, sig);
        assert_eq!(d.flaw(), None);
    }

    #[test]
    fn something_that_is_not_a_document_is_invalid_input() {
        for text in ["", "{", "[1]", r#"{"format":"baocao-exchange/1"}"#] {
            let e = Document::parse_all(text, "x.json").unwrap_err();
            assert_eq!(e.kind.exit_code(), 5, "{text}");
        }
    }
}
