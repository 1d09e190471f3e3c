//! Signing reports (SPEC §12): each sender has an Ed25519 key pair; the public half is
//! in the database (audited), the private half in a 0600 file under the user's config
//! directory. Sending signs the canonical JSON of the revision; acceptance and
//! `report verify` check it, so a value changed in the database afterwards shows.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{Error, Kind, Msg, Result};
use crate::store::report::ValueMap;

#[derive(Serialize, Deserialize)]
struct KeyFile {
    db: String,
    username: String,
    key_id: i64,
    secret: String,
}

fn config_dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d).join("baocao"));
    }
    if let Some(h) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(h).join(".config/baocao"));
    }
    Err(Error::new(
        Kind::Failure,
        Msg::new(
            "Không xác định được thư mục cấu hình (đặt HOME)",
            "Cannot find a config directory (set HOME)",
        ),
    ))
}

fn key_path(db: &Path, username: &str) -> Result<PathBuf> {
    let abs = db.canonicalize().unwrap_or_else(|_| db.to_path_buf());
    let key = &crate::store::audit::sha256_hex(abs.to_string_lossy().as_bytes())[..20];
    Ok(config_dir()?
        .join("keys")
        .join(format!("{key}-{username}.json")))
}

/// A fresh key pair: the private key is written to the user's key file, the public key
/// returned (hex) for the database.
pub fn generate(db: &Path, username: &str) -> Result<(SigningKey, String, PathBuf)> {
    let mut seed = [0u8; 32];
    rand::rng().fill(&mut seed);
    let key = SigningKey::from_bytes(&seed);
    let public = hex::encode(key.verifying_key().to_bytes());
    Ok((key, public, key_path(db, username)?))
}

pub fn save(db: &Path, username: &str, key_id: i64, key: &SigningKey) -> Result<PathBuf> {
    let path = key_path(db, username)?;
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    let file = KeyFile {
        db: db.display().to_string(),
        username: username.into(),
        key_id,
        secret: hex::encode(key.to_bytes()),
    };
    let tmp = path.with_extension("tmp");
    {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(serde_json::to_string(&file)?.as_bytes())?;
    }
    fs::rename(&tmp, &path)?;
    Ok(path)
}

/// The sender's private key for this database, with the key id it belongs to.
pub fn load(db: &Path, username: &str) -> Result<(i64, SigningKey)> {
    let path = key_path(db, username)?;
    let text = fs::read_to_string(&path).map_err(|_| {
        Error::new(
            Kind::State,
            Msg::new(
                format!("Tài khoản {username} chưa có khoá ký trên máy này"),
                format!("Account {username} has no signing key on this machine"),
            ),
        )
        .with_hint(Msg::new(
            "tạo bằng `baocao account key generate`",
            "make one with `baocao account key generate`",
        ))
    })?;
    let file: KeyFile = serde_json::from_str(&text)
        .map_err(|e| Error::failure(Msg::new("Tệp khoá hỏng", "The key file is damaged"), e))?;
    let bytes: [u8; 32] = hex::decode(&file.secret)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            Error::new(
                Kind::Failure,
                Msg::new("Tệp khoá hỏng", "The key file is damaged"),
            )
        })?;
    Ok((file.key_id, SigningKey::from_bytes(&bytes)))
}

/// What is signed: everything that makes the report what it is, in a fixed order.
pub struct Content<'a> {
    pub regime: &'a str,
    pub form_code: &'a str,
    pub form_version: i64,
    pub unit: &'a str,
    pub period: &'a str,
    pub revision: i64,
    pub values: &'a ValueMap,
    pub narrative: Option<&'a str>,
    pub attachments: &'a [String],
}

/// Canonical JSON: keys sorted, values as exact decimal strings, narrative and
/// attachments by SHA-256.
pub fn canonical(c: &Content<'_>) -> String {
    let mut values = ValuesJson::default();
    for ((r, k), v) in c.values {
        values.push(r, k, v.as_str());
    }
    canonical_with(c, &values)
}

/// The `values` of a canonical document written one value at a time, as a reader
/// streams them in key order: aggregation checks the signatures of a national
/// period's reports from the values it reads anyway, without a map per report.
#[derive(Debug, Default)]
pub struct ValuesJson {
    buf: Vec<u8>,
}

impl ValuesJson {
    /// Appends `[row, column, value]`, the value an exact decimal or the text as stored.
    pub fn push(&mut self, row: &str, column: &str, value: &str) {
        if !self.buf.is_empty() {
            self.buf.push(b',');
        }
        self.buf.push(b'[');
        for (i, s) in [row, column, value].into_iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            // Writing a string into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut self.buf, s);
        }
        self.buf.push(b']');
    }

    pub fn clear(&mut self) {
        self.buf.clear();
    }
}

/// [`canonical`] of `c` with the values given by `values` (`c.values` is not read).
pub fn canonical_with(c: &Content<'_>, values: &ValuesJson) -> String {
    let mut atts = c.attachments.to_vec();
    atts.sort();
    // Every key but `values`, which sorts last and is appended as written.
    let head = json!({
        "attachments": atts,
        "form_code": c.form_code,
        "form_version": c.form_version,
        "narrative_sha256": c.narrative.map(|n| crate::store::audit::sha256_hex(n.as_bytes())),
        "period": c.period,
        "regime": c.regime,
        "revision": c.revision,
        "unit": c.unit,
    });
    // serde_json keeps insertion order (preserve_order), which is sorted above.
    let mut doc = head.to_string();
    doc.pop();
    doc.push_str(",\"values\":[");
    doc.push_str(&String::from_utf8_lossy(&values.buf));
    doc.push_str("]}");
    doc
}

pub fn sign(key: &SigningKey, content: &str) -> String {
    hex::encode(key.sign(content.as_bytes()).to_bytes())
}

pub fn verify(public_hex: &str, content: &str, signature_hex: &str) -> bool {
    let Some(pk) = hex::decode(public_hex)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
    else {
        return false;
    };
    let Some(sig) = hex::decode(signature_hex)
        .ok()
        .and_then(|b| Signature::from_slice(&b).ok())
    else {
        return false;
    };
    pk.verify(content.as_bytes(), &sig).is_ok()
}

/// A key pair made by [`rotate`]: the public half stored, the private half saved.
#[derive(Debug, Serialize)]
pub struct NewKey {
    pub username: String,
    pub key_id: i64,
    pub public_key: String,
    pub private_key_file: PathBuf,
}

/// `account key generate`: a new key pair for the signed-in user. A rotation: the
/// previous keys are revoked, and that is recorded too.
pub fn rotate(
    conn: &rusqlite::Connection,
    actor: &crate::auth::permission::Actor,
    rec: &crate::audit::Recorder,
    db: &Path,
) -> Result<NewKey> {
    let (key, public, path) = generate(db, &actor.username)?;
    let made = record_key(conn, actor, rec, &public, path)?;
    save(db, &actor.username, made.key_id, &key)?;
    Ok(made)
}

/// Records `public` as the actor's one current key, revoking the older ones; the
/// private half is at `private_key_file` on whichever machine made the pair.
pub fn record_key(
    conn: &rusqlite::Connection,
    actor: &crate::auth::permission::Actor,
    rec: &crate::audit::Recorder,
    public: &str,
    private_key_file: PathBuf,
) -> Result<NewKey> {
    for old in crate::store::report::revoke_keys(conn, actor.account_id, &rec.at)? {
        rec.change(
            conn,
            "key",
            &old.to_string(),
            json!({"account": actor.username, "revoked": true}),
        )?;
    }
    let id = crate::store::report::insert_key(conn, actor.account_id, public, &rec.at)?;
    rec.change(
        conn,
        "key",
        &id.to_string(),
        json!({"account": actor.username, "public_key": public}),
    )?;
    Ok(NewKey {
        username: actor.username.clone(),
        key_id: id,
        public_key: public.to_string(),
        private_key_file,
    })
}

/// A public key as given by a client, checked: 64 hex digits of a valid Ed25519 point.
pub fn public_key_hex(given: &str) -> Result<String> {
    let hex = given.trim().to_ascii_lowercase();
    let valid = hex::decode(&hex)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .is_some_and(|b| VerifyingKey::from_bytes(&b).is_ok());
    if !valid {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                "Khoá công khai không hợp lệ (cần 64 chữ số hex của một khoá Ed25519)",
                "Not a valid public key (64 hex digits of an Ed25519 key expected)",
            ),
        ));
    }
    Ok(hex)
}

/// Asked of the server without a public key: it would have to make (and so know) the
/// private key.
pub fn keys_made_on_client() -> Error {
    Error::new(
        Kind::Usage,
        Msg::new(
            "Khoá ký được tạo trên máy của người ký, không tạo trên máy chủ",
            "Signing keys are made on the signer's machine, not on the server",
        ),
    )
    .with_hint(Msg::new(
        "dùng `baocao --server URL account key generate`: khoá bí mật ở lại máy bạn",
        "use `baocao --server URL account key generate`: the private key stays on your machine",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_breaks_when_a_value_changes() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let public = hex::encode(key.verifying_key().to_bytes());
        let mut values = ValueMap::new();
        values.insert(
            ("r1".into(), "c1".into()),
            crate::store::report::Stored::Num("1234.5".into()),
        );
        let content = |v: &ValueMap| {
            canonical(&Content {
                regime: "KTXH",
                form_code: "KTXH01",
                form_version: 1,
                unit: "H99.01",
                period: "202611",
                revision: 1,
                values: v,
                narrative: None,
                attachments: &[],
            })
        };
        let sig = sign(&key, &content(&values));
        assert!(verify(&public, &content(&values), &sig));
        values.insert(
            ("r1".into(), "c1".into()),
            crate::store::report::Stored::Num("1234.6".into()),
        );
        assert!(!verify(&public, &content(&values), &sig));
        assert!(!verify("zz", "x", "yy"));
    }

    /// The document as it was built before values could be streamed: one JSON value
    /// for the whole. Signatures made then must verify now, so the bytes are the same.
    fn whole_document(c: &Content<'_>) -> String {
        let values: Vec<serde_json::Value> = c
            .values
            .iter()
            .map(|((r, k), v)| json!([r, k, v]))
            .collect();
        let mut atts = c.attachments.to_vec();
        atts.sort();
        json!({
            "attachments": atts,
            "form_code": c.form_code,
            "form_version": c.form_version,
            "narrative_sha256": c.narrative.map(|n| crate::store::audit::sha256_hex(n.as_bytes())),
            "period": c.period,
            "regime": c.regime,
            "revision": c.revision,
            "unit": c.unit,
            "values": values,
        })
        .to_string()
    }

    #[test]
    fn the_streamed_document_is_byte_for_byte_the_whole_one() {
        use crate::store::report::Stored;
        let awkward = [
            "",
            "0",
            "-12.50",
            "1e5",
            "Ghi chú: \"đạt\" 100%",
            "a\\b",
            "dòng 1\ndòng 2",
            "\t\u{1}\u{7f}",
            "Bảo hiểm y tế – 𝔘",
            "</script>",
        ];
        for n in 0..awkward.len() {
            let mut values = ValueMap::new();
            for (i, s) in awkward.iter().enumerate().take(n) {
                let v = if i % 2 == 0 {
                    Stored::Num((*s).into())
                } else {
                    Stored::Text((*s).into())
                };
                values.insert(
                    (format!("r{i}"), awkward[(i + n) % awkward.len()].into()),
                    v,
                );
            }
            let atts = ["b".repeat(64), "a".repeat(64)];
            let c = Content {
                regime: "KTXH-THANG",
                form_code: "BIEU\"01",
                form_version: 3,
                unit: "H01.02",
                period: "202611",
                revision: n as i64,
                values: &values,
                narrative: (n % 2 == 1).then_some("Tình hình \"tốt\""),
                attachments: if n % 3 == 0 { &atts[..] } else { &[] },
            };
            assert_eq!(canonical(&c), whole_document(&c), "{n} values");
        }
    }
}
