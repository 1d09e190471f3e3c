//! The web face: server-rendered pages for the people who will never open a terminal,
//! served by `baocao serve` at `/` beside the API. Plain HTML forms, templates compiled
//! into the binary (askama), one stylesheet, no script.
//!
//! A page acts as the holder of the `baocao_session` cookie: it builds a [`Ctx`] whose
//! served credential is that session ([`ctx`]) and calls the operations in
//! [`crate::ops`] through it, so sign-in state, lockouts, password expiry and every
//! permission are checked exactly as for the API. Every POST carries a CSRF token
//! derived from the session ([`security::CsrfKey`]); every response carries a strict
//! Content-Security-Policy.
//!
//! Pages so far: sign-in, the password change a first sign-in or an expired password
//! requires, sign-out (`session.rs`), and "my work" (`work.rs`). A page not built yet
//! is not linked. A new page is a file here: a `#[derive(Template)]` struct holding a
//! [`Page`], a handler that takes its turn with [`blocking`], builds a [`ctx`] from the
//! cookie, calls one operation and renders; its POSTs pass [`csrf_refused`] first.

mod account;
mod board;
mod flash;
mod report;
pub mod security;
mod sending;
mod session;
mod words;
mod work;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Form};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::context::{Ctx, Need, Served};
use crate::error::{Error, Kind, Lang, Result};
use crate::ops;
use crate::output::{Capture, Format, Output};
use crate::serve::App;
use security::{CsrfKey, LANG_COOKIE, PRESESSION_COOKIE, SESSION_COOKIE};
use words::Words;

/// How long a page waits for a free worker.
const TURN_WAIT: Duration = Duration::from_secs(30);

/// The pages, for the server's router.
pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(home))
        .route("/signin", get(session::signin_page).post(session::signin))
        .route("/signout", axum::routing::post(session::signout))
        .route(
            "/password",
            get(session::password_page).post(session::password),
        )
        .route("/work", get(work::work))
        .route("/static/baocao.css", get(stylesheet))
        .merge(report::routes())
        .merge(sending::routes())
        .merge(board::routes())
        .merge(account::routes())
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(security::CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(axum::middleware::from_fn(access_log))
}

/// One JSON line per page request on stderr, beside the API's: the path only (never a
/// query or a form), the status, the time taken.
async fn access_log(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let started = Instant::now();
    let page = format!("{} {}", req.method(), req.uri().path());
    let client = crate::serve::client_address(peer, req.headers());
    let r = next.run(req).await;
    let line = serde_json::json!({
        "at": crate::clock::rfc3339(jiff::Timestamp::now()),
        "remote": client.to_string(),
        "page": page,
        "status": r.status().as_u16(),
        "ms": (started.elapsed().as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
    });
    eprintln!("{line}");
    r
}

/// A [`Ctx`] acting with `secret` (the session cookie) as a served request's
/// credential: the same authentication and permission checks as the API. Output is
/// captured and dropped: a page renders the operations' typed results itself.
pub(crate) fn ctx(app: &App, secret: Option<String>, lang: Lang, command: &str) -> Result<Ctx> {
    Ok(Ctx {
        out: Output {
            format: Format::Json,
            lang,
            quiet: true,
            capture: Some(Arc::new(Capture::default())),
        },
        db: app.db.clone(),
        clock: crate::clock::Clock::from_setting(app.as_of.as_deref())?,
        yes: false,
        verbose: 0,
        command: command.to_string(),
        served: Some(Served {
            bearer: secret,
            ..Default::default()
        }),
    })
}

/// The reader's language: `?lang=` (kept in a cookie), else the cookie, else Vietnamese.
struct Reader {
    lang: Lang,
    /// The cookie to set when `?lang=` chose.
    set: Option<String>,
}

fn reader(headers: &HeaderMap, query: &HashMap<String, String>) -> Reader {
    let parse = |s: &str| match s {
        "vi" => Some(Lang::Vi),
        "en" => Some(Lang::En),
        _ => None,
    };
    if let Some(lang) = query.get("lang").and_then(|s| parse(s)) {
        return Reader {
            lang,
            set: Some(security::lang_cookie(words::of(lang).lang)),
        };
    }
    let lang = security::cookie(headers, LANG_COOKIE)
        .and_then(|s| parse(&s))
        .unwrap_or_default();
    Reader { lang, set: None }
}

/// What every page shows around its content.
struct Page {
    w: &'static Words,
    title: &'static str,
    /// The signed-in account, when there is one.
    user: Option<String>,
    /// The CSRF token of the session (for the sign-out form).
    csrf: String,
    notices: Vec<String>,
}

impl Page {
    fn new(lang: Lang, title: fn(&Words) -> &'static str) -> Page {
        let w = words::of(lang);
        Page {
            w,
            title: title(w),
            user: None,
            csrf: String::new(),
            notices: Vec::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    page: Page,
    message: String,
}

/// An HTML response, with the language cookie when the reader just chose one.
fn html(status: StatusCode, body: std::result::Result<String, askama::Error>) -> Response {
    match body {
        Ok(b) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            b,
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("template error: {e}"),
        )
            .into_response(),
    }
}

fn with_cookies(mut r: Response, cookies: impl IntoIterator<Item = String>) -> Response {
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r
}

fn message(
    lang: Lang,
    status: StatusCode,
    title: fn(&Words) -> &'static str,
    text: String,
) -> Response {
    html(
        status,
        MessagePage {
            page: Page::new(lang, title),
            message: text,
        }
        .render(),
    )
}

/// An error from an operation as a page: not signed in (or the session is over) sends
/// the reader to sign in; anything else is said in their language.
fn failed(lang: Lang, e: &Error) -> Response {
    let status = match e.kind {
        Kind::Denied => StatusCode::FORBIDDEN,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::Invalid | Kind::Usage => StatusCode::UNPROCESSABLE_ENTITY,
        Kind::State => StatusCode::CONFLICT,
        Kind::Busy => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    message(lang, status, |w| w.error_title, humane(e.msg.get(lang)))
}

/// Runs database work on a blocking thread, with a worker's turn as the API takes one.
async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    lang: Lang,
    f: impl FnOnce(&App) -> T + Send + 'static,
) -> std::result::Result<T, Response> {
    let busy = || {
        message(
            lang,
            StatusCode::SERVICE_UNAVAILABLE,
            |w| w.error_title,
            words::of(lang).busy.to_string(),
        )
    };
    let Ok(Ok(_turn)) = tokio::time::timeout(TURN_WAIT, app.permits.acquire()).await else {
        return Err(busy());
    };
    let job = app.clone();
    tokio::task::spawn_blocking(move || f(&job))
        .await
        .map_err(|_| busy())
}

/// The CSRF check every POST passes first: the form's token must be the one made for
/// the secret the browser holds (the session, or the pre-session value on sign-in).
fn csrf_refused(
    key: &CsrfKey,
    secret: Option<&str>,
    form: &HashMap<String, String>,
    lang: Lang,
) -> Option<Response> {
    let token = form.get("csrf").map(String::as_str).unwrap_or("");
    if secret.is_some_and(|s| key.verify(s, token)) {
        return None;
    }
    Some(message(
        lang,
        StatusCode::FORBIDDEN,
        |w| w.refused_title,
        words::of(lang).csrf_refused.to_string(),
    ))
}

/// The session of a POST whose form passed the CSRF check, or the refusal page.
fn posted_session(
    app: &App,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
    lang: Lang,
) -> std::result::Result<String, Box<Response>> {
    let secret = security::cookie(headers, SESSION_COOKIE);
    if let Some(refused) = csrf_refused(&app.csrf, secret.as_deref(), form, lang) {
        return Err(Box::new(refused));
    }
    Ok(secret.unwrap_or_default())
}

fn form_of(
    form: std::result::Result<Form<HashMap<String, String>>, FormRejection>,
) -> HashMap<String, String> {
    form.map(|Form(f)| f).unwrap_or_default()
}

/// Who is signed in with this session, whether the password must change first, and
/// the notices to show; Err when nobody is.
struct Who {
    username: String,
    must_change: bool,
    notices: Vec<String>,
}

fn who(ctx: &Ctx) -> Result<Who> {
    let mut store = ctx.open()?;
    let v = store.read(|tx| {
        let actor = ctx.authenticate(tx, Need::SignedIn)?;
        ops::session::whoami(tx, &actor, ctx.trusted_now(tx)?, ctx.clock.now())
    })?;
    Ok(Who {
        username: v.account.account.username.clone(),
        must_change: v.must_change_password,
        notices: notice_lines(&v.notices, ctx.lang()),
    })
}

fn notice_lines(notices: &[ops::notice::Announcement], lang: Lang) -> Vec<String> {
    notices
        .iter()
        .map(|n| ops::notice::line(&serde_json::to_value(n).unwrap_or_default(), lang))
        .collect()
}

/// To the sign-in page, forgetting a session that no longer works.
fn to_signin(had_session: bool) -> Response {
    let r = Redirect::to("/signin").into_response();
    if had_session {
        with_cookies(r, [security::removed_cookie(SESSION_COOKIE)])
    } else {
        r
    }
}

/// `/`: my work when signed in, else the sign-in page.
async fn home(headers: HeaderMap) -> Response {
    if security::cookie(&headers, SESSION_COOKIE).is_some() {
        Redirect::to("/work").into_response()
    } else {
        Redirect::to("/signin").into_response()
    }
}

/// The one stylesheet: the shared rules, then each page family's own.
const STYLESHEET: &str = concat!(
    include_str!("baocao.css"),
    include_str!("report.css"),
    include_str!("board.css"),
    include_str!("account.css"),
);

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// An operation's message with its times as people write them: the lockout's
/// `2026-11-23T09:15:00+07:00` becomes `23/11/2026 09:15`.
fn humane(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let core = w.trim_end_matches([',', '.', ')', ';', ':']);
            match crate::output::human_date(core) {
                Some(h) => format!("{h}{}", &w[core.len()..]),
                None => w.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_messages_are_written_as_people_write_them() {
        assert_eq!(
            humane("Tài khoản bị khoá tạm thời đến 2026-11-23T09:15:00+07:00."),
            "Tài khoản bị khoá tạm thời đến 23/11/2026 09:15."
        );
        assert_eq!(humane("hạn 2026-11-20, đã qua"), "hạn 20/11/2026, đã qua");
        assert_eq!(humane("Sai tên đăng nhập"), "Sai tên đăng nhập");
    }
}
