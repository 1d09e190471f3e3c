//! The server at the other end: its address checked (TLS unless it is this machine),
//! who is speaking (`BAOCAO_TOKEN` or the session `login` kept), and one POST per
//! command whose answer is always a `wire::Response`.

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use reqwest::blocking::{multipart, Client};

use super::files::Upload;
use super::request::Call;
use crate::auth::session;
use crate::error::{Error, Kind, Msg, Result};
use crate::wire::{self, Request, Response};

/// A connection refused or a dead address is told quickly…
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// …but a national export or a folder of workbooks may take long to go up or come back.
const TOTAL_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// A server's answer: the response and, for a busy server or a sign-in rate limit,
/// when to try again.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<String>,
    pub response: Response,
}

/// Who is speaking to the server.
#[derive(Debug, Clone)]
pub enum Bearer {
    /// `BAOCAO_TOKEN`: an API token; the account is asked of the server (`whoami`).
    Token(String),
    /// The session `login` kept for this server, with its account.
    Session { username: String, secret: String },
}

pub struct Server {
    /// The normalised address (no trailing `/`): also the key of the session and key
    /// files, as a database path is locally.
    pub base: String,
    pub bearer: Option<Bearer>,
    client: Client,
}

impl Server {
    pub fn connect(url: &str, ca: Option<&Path>) -> Result<Server> {
        let base = normalise(url)?;
        Ok(Server {
            bearer: bearer(&base)?,
            client: client(ca)?,
            base,
        })
    }

    /// The key of this server's session and signing-key files.
    pub fn key(&self) -> &Path {
        Path::new(&self.base)
    }

    /// POSTs the call's request (with its files, if any); `signed` sends the bearer.
    pub fn post(&self, call: &Call, req: &Request, signed: bool) -> Result<Reply> {
        let words: Vec<&str> = call.words.iter().map(String::as_str).collect();
        let mut rb = self
            .client
            .post(format!("{}{}", self.base, wire::path_of(&words)));
        if let (true, Some(b)) = (signed, &self.bearer) {
            rb = rb.bearer_auth(match b {
                Bearer::Token(t) => t,
                Bearer::Session { secret, .. } => secret,
            });
        }
        rb = if call.uploads.is_empty() {
            rb.json(req)
        } else {
            rb.multipart(form(req, &call.uploads)?)
        };
        let resp = rb.send().map_err(|e| self.unreachable(e))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = resp.bytes().map_err(|e| self.unreachable(e))?;
        let response = serde_json::from_slice(&body).map_err(|e| self.not_ours(status, e))?;
        Ok(Reply {
            status,
            retry_after,
            response,
        })
    }

    fn unreachable(&self, e: reqwest::Error) -> Error {
        let b = &self.base;
        Error::new(
            Kind::Failure,
            Msg::new(
                format!("Không kết nối được máy chủ {b}"),
                format!("Cannot reach the server {b}"),
            ),
        )
        .with_cause(e)
        .with_hint(Msg::new(
            "máy chủ có đang chạy `baocao serve` không, và địa chỉ --server có đúng không?",
            "is `baocao serve` running there, and is the --server address right?",
        ))
    }

    /// A proxy's error page, or something that is not baocao, answered.
    fn not_ours(&self, status: u16, e: serde_json::Error) -> Error {
        let b = &self.base;
        Error::new(
            Kind::Failure,
            Msg::new(
                format!("Máy chủ {b} không trả lời theo giao thức của baocao (HTTP {status})"),
                format!("The server {b} did not answer as baocao does (HTTP {status})"),
            ),
        )
        .with_cause(e)
        .with_hint(Msg::new(
            "có proxy lỗi đứng trước máy chủ, hay địa chỉ --server trỏ nhầm chỗ?",
            "is a proxy in front of the server failing, or does --server point elsewhere?",
        ))
    }
}

/// The address with no trailing `/` (host in lower case, as the URL parser writes it),
/// refused unless it is https, or http to this machine (nothing else is safe for a
/// password or a session secret).
pub fn normalise(typed: &str) -> Result<String> {
    let t = typed.trim();
    let url = reqwest::Url::parse(t).map_err(|e| {
        Error::new(
            Kind::Usage,
            Msg::new(
                format!("Địa chỉ máy chủ không hợp lệ: {t}"),
                format!("Not a valid server address: {t}"),
            ),
        )
        .with_cause(e)
        .with_hint(example())
    })?;
    let loopback = url.host_str().is_some_and(is_loopback);
    match url.scheme() {
        "https" if url.host_str().is_some() => {}
        "http" if loopback => {}
        _ => return Err(insecure(t)),
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// `localhost`, 127.0.0.0/8 or ::1.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn insecure(t: &str) -> Error {
    Error::new(
        Kind::Usage,
        Msg::new(
            format!("Máy chủ {t} phải dùng https:// (http:// chỉ cho máy này: localhost, 127.0.0.1, ::1)"),
            format!("The server {t} must use https:// (http:// only for this machine: localhost, 127.0.0.1, ::1)"),
        ),
    )
    .with_hint(example())
}

fn example() -> Msg {
    Msg::new(
        "ví dụ --server https://baocao.example.gov.vn",
        "e.g. --server https://baocao.example.gov.vn",
    )
}

/// `BAOCAO_TOKEN` when set, else the session `login` kept for this server.
fn bearer(base: &str) -> Result<Option<Bearer>> {
    if let Some(t) = std::env::var("BAOCAO_TOKEN").ok().filter(|t| !t.is_empty()) {
        return Ok(Some(Bearer::Token(t)));
    }
    Ok(session::read(Path::new(base))?.map(|s| Bearer::Session {
        username: s.username,
        secret: s.secret,
    }))
}

/// The HTTP client: the system's roots plus the province's own CA if given; no
/// redirects followed (a bearer must not leak to another host).
fn client(ca: Option<&Path>) -> Result<Client> {
    let mut b = Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TOTAL_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("baocao/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = ca {
        b = b.tls_certs_merge(ca_certs(path)?);
    }
    b.build().map_err(|e| {
        Error::failure(
            Msg::new("Không tạo được kết nối HTTPS", "Cannot set up HTTPS"),
            e,
        )
    })
}

/// The certificates of a PEM file (`--server-ca`).
fn ca_certs(path: &Path) -> Result<Vec<reqwest::Certificate>> {
    let p = path.display();
    let pem = std::fs::read(path).map_err(|e| {
        Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không đọc được tệp chứng thư CA {p}"),
                format!("Cannot read the CA certificate file {p}"),
            ),
        )
        .with_cause(e)
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).unwrap_or_default();
    if certs.is_empty() {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("{p} không chứa chứng thư PEM nào"),
                format!("{p} holds no PEM certificate"),
            ),
        ));
    }
    Ok(certs)
}

/// A multipart body: the request as the part `request`, each file as a part `file`
/// named by its relative name, streamed from disk.
fn form(req: &Request, uploads: &[Upload]) -> Result<multipart::Form> {
    let json = multipart::Part::text(serde_json::to_string(req)?)
        .mime_str("application/json")
        .map_err(|e| Error::failure(Msg::new("Lỗi HTTP", "HTTP error"), e))?;
    let mut form = multipart::Form::new().part("request", json);
    for u in uploads {
        let file = std::fs::File::open(&u.path)?;
        let len = file.metadata()?.len();
        let part = multipart::Part::reader_with_length(file, len).file_name(u.name.clone());
        form = form.part("file", part);
    }
    Ok(form)
}
