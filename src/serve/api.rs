//! One request: read the body (JSON, or multipart with files), turn the arguments back
//! into the command line the CLI would have parsed, run its handler on a blocking
//! thread with the output captured, and answer with [`wire::Response`].

use crate::files::Scratch;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use clap::Parser;
use serde_json::Value;

use super::App;
use crate::cli::Cli;
use crate::context::{Ctx, Served};
use crate::error::{Error, Kind, Lang, Msg};
use crate::output::{Capture, Output};
use crate::wire::{self, ErrorBody, FileOut, Runs};

/// How long a request waits for a free worker before it is told to come back.
const TURN_WAIT: Duration = Duration::from_secs(30);

/// What a request came to, for the response and the access log.
struct Outcome {
    status: u16,
    body: wire::Response,
    actor: Option<String>,
    retry_after: Option<u64>,
}

impl Outcome {
    fn error(status: u16, kind: Kind, msg: Msg, lang: Lang) -> Outcome {
        Outcome::refused(&Error::new(kind, msg), status, lang)
    }

    /// A refusal before the command ran, answered with the status its kind maps to.
    fn refused(e: &Error, status: u16, lang: Lang) -> Outcome {
        Outcome {
            status,
            body: wire::Response {
                exit: e.kind.exit_code(),
                error: Some(error_body(e, lang)),
                ..Default::default()
            },
            actor: None,
            retry_after: (status == 503).then_some(1),
        }
    }

    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = (status, Json(self.body)).into_response();
        if let Some(s) = self.retry_after {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
    }
}

fn error_body(e: &Error, lang: Lang) -> ErrorBody {
    ErrorBody {
        kind: wire::kind_name(e.kind).into(),
        exit: e.kind.exit_code(),
        message: e.msg.get(lang).to_string(),
        hint: e.hint.as_ref().map(|h| h.get(lang).to_string()),
        text: e.render(lang),
    }
}

/// `GET /healthz`: the process answers and the database can be read.
pub async fn healthz(State(app): State<Arc<App>>) -> Response {
    let db = app.db.clone();
    let ok = tokio::task::spawn_blocking(move || {
        let conn = rusqlite::Connection::open_with_flags(
            &db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
    })
    .await
    .map(|r| r.is_ok())
    .unwrap_or(false);
    let body = serde_json::json!({
        "status": if ok { "ok" } else { "unavailable" },
        "version": env!("CARGO_PKG_VERSION"),
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// The JSON Schemas the OpenAPI document refers to, served beside it so its relative
/// `$ref`s resolve for a client reading it from the server.
const SCHEMAS: &[(&str, &str)] = &[
    (
        "account.schema.json",
        include_str!("../../schemas/account.schema.json"),
    ),
    (
        "aggregate.schema.json",
        include_str!("../../schemas/aggregate.schema.json"),
    ),
    (
        "audit.schema.json",
        include_str!("../../schemas/audit.schema.json"),
    ),
    (
        "calendar.schema.json",
        include_str!("../../schemas/calendar.schema.json"),
    ),
    (
        "dashboard.schema.json",
        include_str!("../../schemas/dashboard.schema.json"),
    ),
    (
        "form-register.schema.json",
        include_str!("../../schemas/form-register.schema.json"),
    ),
    (
        "form.schema.json",
        include_str!("../../schemas/form.schema.json"),
    ),
    (
        "indicator.schema.json",
        include_str!("../../schemas/indicator.schema.json"),
    ),
    (
        "monitor.schema.json",
        include_str!("../../schemas/monitor.schema.json"),
    ),
    (
        "notice.schema.json",
        include_str!("../../schemas/notice.schema.json"),
    ),
    (
        "operations.schema.json",
        include_str!("../../schemas/operations.schema.json"),
    ),
    (
        "period.schema.json",
        include_str!("../../schemas/period.schema.json"),
    ),
    (
        "regime.schema.json",
        include_str!("../../schemas/regime.schema.json"),
    ),
    (
        "report.schema.json",
        include_str!("../../schemas/report.schema.json"),
    ),
    (
        "text.schema.json",
        include_str!("../../schemas/text.schema.json"),
    ),
    (
        "unit.schema.json",
        include_str!("../../schemas/unit.schema.json"),
    ),
];

/// `GET /api/v1/openapi.json` and the schema files it refers to.
pub async fn schema_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    static OPENAPI: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let text = if file == "openapi.json" {
        Some(OPENAPI.get_or_init(super::openapi::text).as_str())
    } else {
        SCHEMAS.iter().find(|(n, _)| *n == file).map(|(_, t)| *t)
    };
    match text {
        Some(t) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            t.to_string(),
        )
            .into_response(),
        None => no_route().await,
    }
}

/// Anything else: not part of the API.
pub async fn no_route() -> Response {
    Outcome::error(
        404,
        Kind::NotFound,
        Msg::new(
            "Không có địa chỉ này trong API (xem /api/v1/openapi.json)",
            "No such address in the API (see /api/v1/openapi.json)",
        ),
        Lang::Vi,
    )
    .into_response()
}

/// `POST /api/v1/<command words>`.
pub async fn command(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    axum::extract::Path(path): axum::extract::Path<String>,
    req: axum::extract::Request,
) -> Response {
    let started = Instant::now();
    let words: Vec<String> = path
        .split('/')
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect();
    let bearer = bearer(req.headers());
    let client = client_address(peer, req.headers());
    let outcome = answer(&app, client, &words, bearer, req).await;
    log(client, &words, &outcome, started.elapsed());
    outcome.into_response()
}

async fn answer(
    app: &Arc<App>,
    client: IpAddr,
    words: &[String],
    bearer: Option<String>,
    req: axum::extract::Request,
) -> Outcome {
    let (request, files) = match read_body(app, req).await {
        Ok(b) => b,
        Err(o) => return o,
    };
    let lang = request.lang;
    let login = words == ["login"];
    let account = request
        .args
        .get("username")
        .and_then(Value::as_str)
        .map(|u| u.trim().to_lowercase())
        .unwrap_or_default();
    if login {
        if let Some(wait) = app.limiter.wait(client, &account, Instant::now()) {
            let mut o = Outcome::error(
                429,
                Kind::Denied,
                Msg::new(
                    "Đăng nhập sai quá nhiều lần từ địa chỉ này hoặc vào tài khoản này; hãy đợi rồi thử lại",
                    "Too many failed sign-ins from this address or to this account; wait, then try again",
                ),
                lang,
            );
            o.retry_after = Some(wait.as_secs().max(1));
            return o;
        }
    }
    let Ok(Ok(_turn)) = tokio::time::timeout(TURN_WAIT, app.permits.acquire()).await else {
        let mut o = Outcome::error(
            503,
            Kind::Busy,
            Msg::new(
                "Máy chủ đang bận; thử lại sau ít giây",
                "The server is busy; try again in a few seconds",
            ),
            lang,
        );
        o.retry_after = Some(5);
        return o;
    };
    let job_app = app.clone();
    let job_words = words.to_vec();
    let outcome =
        tokio::task::spawn_blocking(move || run(&job_app, &job_words, request, files, bearer))
            .await
            .unwrap_or_else(|e| {
                Outcome::error(
                    500,
                    Kind::Failure,
                    Msg::new(
                        format!("Lỗi nội bộ của máy chủ: {e}"),
                        format!("Internal server error: {e}"),
                    ),
                    lang,
                )
            });
    if login {
        match outcome.body.exit {
            0 => app.limiter.succeeded(&account),
            4 | 5 => app.limiter.failed(client, &account, Instant::now()),
            _ => {}
        }
    }
    outcome
}

/// Who is asking, for the sign-in limit and the access log. Plain HTTP is served on
/// loopback only, so a connection from this machine is the reverse proxy in front
/// (Caddy, nginx): the client is the last address of its `X-Forwarded-For`, the one
/// the proxy itself saw (earlier ones are whatever the client claimed). A connection
/// from anywhere else is the client itself, and its headers are not believed.
pub(crate) fn client_address(peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if !peer.ip().is_loopback() {
        return peer.ip();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()
        .and_then(|a| a.trim().parse::<IpAddr>().ok())
        .unwrap_or(peer.ip())
}

/// The `Authorization: Bearer …` secret.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| secret.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// A body declared larger than the limit is still read (and dropped) up to this many
/// times the limit, so an honest client hears why; beyond it the connection just ends.
const DRAIN_FACTOR: usize = 4;

/// Reads and drops up to `at_most` bytes of a body, holding one frame at a time.
async fn drain(body: axum::body::Body, at_most: usize) {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut seen = 0usize;
    while seen < at_most {
        match body.frame().await {
            Some(Ok(frame)) => seen += frame.data_ref().map_or(0, |d| d.len()),
            _ => break,
        }
    }
}

/// An uploaded file: the name the arguments use for it, and its bytes.
type Upload = (String, Bytes);

async fn read_body(
    app: &Arc<App>,
    req: axum::extract::Request,
) -> Result<(wire::Request, Vec<Upload>), Outcome> {
    let too_big = || {
        let mb = app.max_body / (1024 * 1024);
        Outcome::error(
            413,
            Kind::Invalid,
            Msg::new(
                format!("Yêu cầu quá lớn (tối đa {mb} MB); không ghi gì"),
                format!("The request is too large (at most {mb} MB); nothing was written"),
            ),
            Lang::Vi,
        )
    };
    let malformed = |why: String| {
        Outcome::error(
            400,
            Kind::Invalid,
            Msg::new(
                format!("Nội dung yêu cầu không đọc được: {why}"),
                format!("The request body cannot be read: {why}"),
            ),
            Lang::Vi,
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(n) = declared.filter(|n| *n > app.max_body) {
        // Read and drop what is on its way (up to four times the limit), so the client,
        // still sending, gets the 413 and not a connection closed under it.
        if n <= app.max_body.saturating_mul(DRAIN_FACTOR) {
            drain(req.into_body(), n).await;
        }
        return Err(too_big());
    }
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let bytes = axum::body::to_bytes(req.into_body(), app.max_body)
            .await
            .map_err(|_| too_big())?;
        let request = serde_json::from_slice::<wire::Request>(&bytes)
            .map_err(|e| malformed(e.to_string()))?;
        return Ok((request, Vec::new()));
    }
    // The router's `DefaultBodyLimit` bounds what the multipart reader takes.
    let mut form = axum::extract::Multipart::from_request(req, &())
        .await
        .map_err(|e| malformed(e.body_text()))?;
    let mut request = None;
    let mut files = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_big()),
            Err(e) => return Err(malformed(e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(String::from);
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_big()),
            Err(e) => return Err(malformed(e.body_text())),
        };
        match (name.as_str(), file_name) {
            ("request", _) => {
                request = Some(
                    serde_json::from_slice::<wire::Request>(&bytes)
                        .map_err(|e| malformed(e.to_string()))?,
                )
            }
            ("file", Some(f)) => files.push((f, bytes)),
            _ => return Err(malformed(format!("unexpected part «{name}»"))),
        }
    }
    let request = request.ok_or_else(|| malformed("no `request` part".into()))?;
    Ok((request, files))
}

/// Runs the command on this (blocking) thread.
fn run(
    app: &App,
    words: &[String],
    req: wire::Request,
    files: Vec<Upload>,
    bearer: Option<String>,
) -> Outcome {
    let lang = req.lang;
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let Some(leaf) = find(&app.tree, &refs) else {
        let w = words.join(" ");
        return Outcome::error(
            404,
            Kind::NotFound,
            Msg::new(
                format!("Không có lệnh «{w}» (xem /api/v1/openapi.json)"),
                format!("No command «{w}» (see /api/v1/openapi.json)"),
            ),
            lang,
        );
    };
    if wire::runs(&refs) != Runs::Anywhere {
        let w = words.join(" ");
        return Outcome::error(
            400,
            Kind::Usage,
            Msg::new(
                format!("Lệnh `{w}` không chạy qua API (chỉ chạy tại chỗ, trên máy có tệp cơ sở dữ liệu hoặc trên máy người dùng)"),
                format!("`{w}` does not run through the API (it runs in place: where the database file is, or on the user's machine)"),
            ),
            lang,
        );
    }
    // Every command but `login` is for someone known: a missing or dead credential is
    // 401 whatever the arguments, before the command can say anything.
    if refs != ["login"] {
        if let Err(e) = known(app, bearer.clone(), &req) {
            let status = match e.kind {
                Kind::Denied => 401,
                other => wire::status_of(Some(other), false),
            };
            return Outcome::refused(&e, status, lang);
        }
    }
    let scratch = match Scratch::new("baocao-serve") {
        Ok(s) => s,
        Err(e) => {
            return Outcome::error(
                500,
                Kind::Failure,
                Msg::new(
                    format!("Không tạo được thư mục tạm: {e}"),
                    format!("Could not make a scratch folder: {e}"),
                ),
                lang,
            )
        }
    };
    let prepared = match prepare(leaf, &refs, &req, &files, &scratch) {
        Ok(p) => p,
        Err(e) => return Outcome::refused(&e, wire::status_of(Some(e.kind), false), lang),
    };
    let cli = match Cli::try_parse_from(&prepared.argv) {
        Ok(c) => c,
        Err(e) => {
            // clap's own words, as the local CLI prints them (exit 2).
            let text = e.render().to_string();
            let text = prepared.restore(&text, false);
            return Outcome {
                status: 400,
                body: wire::Response {
                    exit: 2,
                    error: Some(ErrorBody {
                        kind: "usage".into(),
                        exit: 2,
                        message: text.lines().next().unwrap_or_default().to_string(),
                        hint: None,
                        text,
                    }),
                    ..Default::default()
                },
                actor: None,
                retry_after: None,
            };
        }
    };
    let capture = Arc::new(Capture::default());
    let as_of = req.as_of.clone().or_else(|| app.as_of.clone());
    let clock = match crate::clock::Clock::from_setting(as_of.as_deref()) {
        Ok(c) => c,
        Err(e) => return Outcome::refused(&e, wire::status_of(Some(e.kind), false), lang),
    };
    let ctx = Ctx {
        out: Output {
            format: req.format,
            lang,
            quiet: req.quiet,
            capture: Some(capture.clone()),
        },
        db: app.db.clone(),
        clock,
        yes: req.yes,
        verbose: 0,
        command: cli.command.audit_name(),
        served: Some(Served {
            bearer,
            interactive: req.interactive,
            secrets: std::cell::RefCell::new(req.secrets.iter().cloned().collect()),
            ..Default::default()
        }),
    };
    let result =
        crate::output::with_table_width(req.width, || crate::cli::dispatch(&ctx, cli.command));
    let served = ctx.served.as_ref().expect("served");
    let is_json = req.format == crate::output::Format::Json;
    let stdout =
        String::from_utf8_lossy(&capture.stdout.lock().map(|b| b.clone()).unwrap_or_default())
            .into_owned();
    let stdout = prepared.restore(&stdout, is_json);
    let stderr = prepared.restore(
        &capture.stderr.lock().map(|s| s.clone()).unwrap_or_default(),
        false,
    );
    let mut body = wire::Response {
        data: if is_json {
            serde_json::from_str(&stdout).ok()
        } else {
            None
        },
        stdout,
        stderr,
        session: served.session.borrow_mut().take(),
        ..Default::default()
    };
    let authenticated = served.authenticated.get();
    let actor = served.actor.borrow().clone();
    let mut status = 200;
    if let Some(need) = served.need.borrow_mut().take() {
        body.need = Some(need);
        body.exit = 2;
        // What ran before the question printed nothing the person should see twice.
        body.stdout.clear();
        body.stderr.clear();
        body.data = None;
        status = 428;
    } else if let Err(e) = result {
        let mut eb = error_body(&e, lang);
        eb.text = prepared.restore(&eb.text, false);
        eb.message = prepared.restore(&eb.message, false);
        body.exit = e.kind.exit_code();
        body.error = Some(eb);
        status = wire::status_of(Some(e.kind), authenticated);
    } else {
        match prepared.written(&scratch) {
            Ok(files) => body.files = files,
            Err(e) => {
                body.exit = 1;
                body.error = Some(error_body(&e, lang));
                status = 500;
            }
        }
    }
    let retry_after = (status == 503).then_some(1);
    Outcome {
        status,
        body,
        actor,
        retry_after,
    }
}

/// Checks the request's credential as every command would, before anything else.
fn known(app: &App, bearer: Option<String>, req: &wire::Request) -> crate::error::Result<()> {
    let as_of = req.as_of.clone().or_else(|| app.as_of.clone());
    let ctx = Ctx {
        out: Output {
            format: req.format,
            lang: req.lang,
            quiet: true,
            capture: Some(Arc::new(Capture::default())),
        },
        db: app.db.clone(),
        clock: crate::clock::Clock::from_setting(as_of.as_deref())?,
        yes: false,
        verbose: 0,
        command: String::new(),
        served: Some(Served {
            bearer,
            ..Default::default()
        }),
    };
    let mut store = ctx.open()?;
    store.read(|tx| {
        ctx.authenticate(tx, crate::context::Need::SignedIn)
            .map(|_| ())
    })
}

/// The subcommand named by `words`.
fn find<'a>(tree: &'a clap::Command, words: &[&str]) -> Option<&'a clap::Command> {
    let mut cmd = tree;
    for w in words {
        cmd = cmd.find_subcommand(w)?;
    }
    // A command runs itself when it has no subcommands, or takes its own arguments
    // instead of one (`aggregate REGIME PERIOD` beside `aggregate approve`).
    let runs =
        cmd.get_subcommands().next().is_none() || cmd.is_args_conflicts_with_subcommands_set();
    (!words.is_empty() && runs).then_some(cmd)
}

/// The command line rebuilt from a request, and how its scratch paths map back to the
/// names the client used.
struct Prepared {
    argv: Vec<String>,
    /// (scratch path, the client's name), longest first.
    names: Vec<(String, String)>,
    /// Output arguments: (arg id, scratch path, whether it names a folder).
    outputs: Vec<(String, PathBuf, bool)>,
}

fn is_path(arg: &clap::Arg) -> bool {
    wire::is_path_arg(arg)
}

fn bad_arg(vi: String, en: String) -> Error {
    Error::new(Kind::Usage, Msg::new(vi, en))
}

fn prepare(
    leaf: &clap::Command,
    words: &[&str],
    req: &wire::Request,
    files: &[Upload],
    scratch: &Scratch,
) -> crate::error::Result<Prepared> {
    let mut argv: Vec<String> = vec!["baocao".into()];
    argv.extend(words.iter().map(|w| w.to_string()));
    let mut positionals: Vec<(usize, Vec<String>)> = Vec::new();
    let mut names = Vec::new();
    let mut outputs = Vec::new();
    for (n, (id, value)) in req.args.iter().enumerate() {
        let Some(arg) = leaf.get_arguments().find(|a| {
            a.get_id().as_str() == id
                && !a.is_global_set()
                && !wire::GLOBAL_ARGS.contains(&id.as_str())
        }) else {
            return Err(bad_arg(
                format!("Lệnh không có tham số «{id}»"),
                format!("The command has no argument «{id}»"),
            ));
        };
        let mut values = strings(id, value)?;
        if is_path(arg) {
            for (k, v) in values.iter_mut().enumerate() {
                let slot = scratch.path().join(format!("{n}-{k}"));
                let scratch_path = match wire::OUTPUT_ARGS.iter().find(|o| *o == id) {
                    Some(_) => {
                        let folder = &wire::output_is_folder(id);
                        // The client checked its own folder; here the place is ready.
                        std::fs::create_dir_all(slot.join("out"))?;
                        let p = slot.join("out").join(base_name(v));
                        outputs.push((id.clone(), p.clone(), *folder));
                        p
                    }
                    None => place_upload(v, files, &slot)?,
                };
                names.push((scratch_path.display().to_string(), v.clone()));
                *v = scratch_path.display().to_string();
            }
        }
        use clap::ArgAction as A;
        match arg.get_action() {
            _ if arg.is_positional() => positionals.push((arg.get_index().unwrap_or(0), values)),
            A::SetTrue | A::SetFalse => {
                if value.as_bool() == Some(true) {
                    argv.push(long(arg));
                }
            }
            A::Count => {
                let times = value.as_u64().unwrap_or(0).min(8);
                argv.extend((0..times).map(|_| long(arg)));
            }
            _ => argv.extend(values.into_iter().map(|v| format!("{}={v}", long(arg)))),
        }
    }
    positionals.sort_by_key(|p| p.0);
    if !positionals.is_empty() {
        argv.push("--".into());
        argv.extend(positionals.into_iter().flat_map(|p| p.1));
    }
    names.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    Ok(Prepared {
        argv,
        names,
        outputs,
    })
}

fn long(arg: &clap::Arg) -> String {
    match arg.get_long() {
        Some(l) => format!("--{l}"),
        None => format!("-{}", arg.get_short().unwrap_or('?')),
    }
}

/// An argument's value(s) as the command line's strings.
fn strings(id: &str, v: &Value) -> crate::error::Result<Vec<String>> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let got = match v {
        Value::Array(items) => items.iter().map(one).collect::<Option<Vec<_>>>(),
        other => one(other).map(|s| vec![s]),
    };
    got.ok_or_else(|| {
        bad_arg(
            format!("Giá trị của «{id}» phải là chuỗi, số, đúng/sai hoặc danh sách chuỗi"),
            format!("«{id}» must be a string, a number, a boolean or a list of strings"),
        )
    })
}

/// The last component of a client's path, safe as a file name here.
fn base_name(v: &str) -> String {
    let b = v
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    match b {
        "" | "." | ".." => "tep".into(),
        b => b.to_string(),
    }
}

/// Puts the upload(s) a path argument names under `slot`: a file whose part is named
/// exactly `v`, or a folder whose parts are named `v/…`. What was not uploaded gets a
/// path that does not exist, so the command says the file is missing as it would.
fn place_upload(v: &str, files: &[Upload], slot: &Path) -> crate::error::Result<PathBuf> {
    let dest = slot.join(base_name(v));
    let prefix = format!("{}/", v.trim_end_matches('/'));
    let mut wrote = false;
    for (name, bytes) in files {
        let target = if name == v {
            dest.clone()
        } else if let Some(rel) = name.strip_prefix(&prefix) {
            dest.join(safe_relative(rel)?)
        } else {
            continue;
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, bytes)?;
        wrote = true;
    }
    if !wrote {
        std::fs::create_dir_all(slot)?;
    }
    Ok(dest)
}

/// A path inside an uploaded folder: plain names only, never `..` or absolute.
fn safe_relative(rel: &str) -> crate::error::Result<PathBuf> {
    let p = Path::new(rel);
    let plain = p
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if rel.is_empty() || !plain {
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Tên tệp tải lên không hợp lệ: «{rel}»"),
                format!("Not a valid uploaded file name: «{rel}»"),
            ),
        ));
    }
    Ok(p.to_path_buf())
}

impl Prepared {
    /// Text with scratch paths turned back into the client's names (escaped for JSON
    /// when the text is JSON).
    fn restore(&self, text: &str, json: bool) -> String {
        let mut out = text.to_string();
        for (scratch, name) in &self.names {
            if !out.contains(scratch.as_str()) {
                continue;
            }
            let shown = if json {
                let quoted = serde_json::to_string(name).unwrap_or_default();
                quoted[1..quoted.len() - 1].to_string()
            } else {
                name.clone()
            };
            out = out.replace(scratch.as_str(), &shown);
        }
        out
    }

    /// The files the command wrote where its output arguments pointed.
    fn written(&self, _scratch: &Scratch) -> crate::error::Result<Vec<FileOut>> {
        use base64::Engine;
        let mut out = Vec::new();
        for (id, path, folder) in &self.outputs {
            let mut found = Vec::new();
            if *folder {
                walk(path, path, &mut found)?;
            } else if path.is_file() {
                found.push((base_name(&path.display().to_string()), path.clone()));
            }
            for (name, p) in found {
                let bytes = std::fs::read(&p)?;
                out.push(FileOut {
                    arg: id.clone(),
                    name,
                    size: bytes.len() as u64,
                    sha256: crate::store::audit::sha256_hex(&bytes),
                    content_base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
                });
            }
        }
        Ok(out)
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> crate::error::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(root, &p, out)?;
        } else if p.is_file() {
            let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            out.push((rel, p));
        }
    }
    Ok(())
}

/// One line per request on stderr, as JSON: who, what, how it ended, how long it took.
/// Never a secret: no arguments, no headers.
fn log(client: IpAddr, words: &[String], o: &Outcome, took: Duration) {
    let line = serde_json::json!({
        "at": crate::clock::rfc3339(jiff::Timestamp::now()),
        "remote": client.to_string(),
        "account": o.actor,
        "command": words.join(" "),
        "status": o.status,
        "exit": o.body.exit,
        "ms": (took.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
    });
    eprintln!("{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> clap::Command {
        let mut t = crate::cli::command();
        t.build();
        t
    }

    fn request(args: Value) -> wire::Request {
        wire::Request {
            args: args.as_object().cloned().unwrap_or_default(),
            ..Default::default()
        }
    }

    #[test]
    fn arguments_become_the_command_line_the_cli_parses() {
        let t = tree();
        let words = ["report", "return"];
        let leaf = find(&t, &words).unwrap();
        let s = Scratch::new("baocao-serve").unwrap();
        let req = request(serde_json::json!({
            "regime": "KTXH-XA", "period": "202611", "unit": "-xa01", "reason": "Thiếu số liệu dòng 3"
        }));
        let p = prepare(leaf, &words, &req, &[], &s).unwrap();
        assert_eq!(
            p.argv,
            [
                "baocao",
                "report",
                "return",
                "--period=202611",
                "--unit=-xa01",
                "--reason=Thiếu số liệu dòng 3",
                "--",
                "KTXH-XA"
            ]
        );
        assert!(Cli::try_parse_from(&p.argv).is_ok());
    }

    #[test]
    fn unknown_and_global_arguments_are_refused() {
        let t = tree();
        let words = ["unit", "list"];
        let leaf = find(&t, &words).unwrap();
        let s = Scratch::new("baocao-serve").unwrap();
        for bad in ["db", "format", "nope", "help"] {
            let req = request(serde_json::json!({ bad: "x" }));
            let e = prepare(leaf, &words, &req, &[], &s)
                .err()
                .unwrap_or_else(|| panic!("{bad} accepted"));
            assert_eq!(e.kind, Kind::Usage);
        }
    }

    #[test]
    fn uploads_land_in_scratch_and_names_come_back() {
        let t = tree();
        let words = ["entry", "import"];
        let leaf = find(&t, &words).unwrap();
        let s = Scratch::new("baocao-serve").unwrap();
        let req = request(serde_json::json!({ "files": ["/home/an/bao cao", "x.xlsx"] }));
        let files = vec![
            (
                "/home/an/bao cao/xa1/b.xlsx".to_string(),
                Bytes::from_static(b"1"),
            ),
            ("x.xlsx".to_string(), Bytes::from_static(b"2")),
        ];
        let p = prepare(leaf, &words, &req, &files, &s).unwrap();
        let dir = p.argv.iter().find(|a| a.ends_with("bao cao")).unwrap();
        assert!(dir.starts_with(&s.path().display().to_string()));
        assert_eq!(
            std::fs::read(Path::new(dir).join("xa1/b.xlsx")).unwrap(),
            b"1"
        );
        let said = format!("Lỗi: {dir}/xa1/b.xlsx hỏng");
        assert_eq!(
            p.restore(&said, false),
            "Lỗi: /home/an/bao cao/xa1/b.xlsx hỏng"
        );
    }

    #[test]
    fn the_proxy_on_this_machine_names_the_client() {
        let headers = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
            h
        };
        let proxy: SocketAddr = "127.0.0.1:50000".parse().unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // The last address is the one the proxy saw; what the client claimed is not.
        assert_eq!(
            client_address(proxy, &headers("10.9.9.9, 203.113.1.7")),
            ip("203.113.1.7")
        );
        assert_eq!(
            client_address(proxy, &headers("2001:db8::7")),
            ip("2001:db8::7")
        );
        assert_eq!(client_address(proxy, &HeaderMap::new()), ip("127.0.0.1"));
        assert_eq!(client_address(proxy, &headers("unknown")), ip("127.0.0.1"));
        // From elsewhere (TLS served directly) the header is not believed.
        let far: SocketAddr = "203.113.1.8:443".parse().unwrap();
        assert_eq!(
            client_address(far, &headers("127.0.0.1")),
            ip("203.113.1.8")
        );
    }

    #[test]
    fn an_output_file_has_a_folder_to_be_written_in() {
        let t = tree();
        let words = ["entry", "template"];
        let leaf = find(&t, &words).unwrap();
        let s = Scratch::new("baocao-serve").unwrap();
        let req = request(serde_json::json!({
            "regime": "KTXH-THANG", "period": "202612", "out": "/home/an/ktxh-202612.xlsx"
        }));
        let p = prepare(leaf, &words, &req, &[], &s).unwrap();
        let (_, path, _) = &p.outputs[0];
        assert!(path.parent().unwrap().is_dir());
        assert!(path.ends_with("ktxh-202612.xlsx") && !path.exists());
    }

    #[test]
    fn an_upload_cannot_climb_out_of_its_folder() {
        let t = tree();
        let words = ["entry", "import"];
        let leaf = find(&t, &words).unwrap();
        let s = Scratch::new("baocao-serve").unwrap();
        let req = request(serde_json::json!({ "files": ["d"] }));
        let files = vec![("d/../../etc/x".to_string(), Bytes::from_static(b"1"))];
        let e = prepare(leaf, &words, &req, &files, &s)
            .err()
            .expect("refused");
        assert_eq!(e.kind, Kind::Invalid);
    }
}
