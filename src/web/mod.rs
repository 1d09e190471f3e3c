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
//! requires, sign-out, and "my work". A page not built yet is not linked.

pub mod security;
mod words;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::audit::Recorder;
use crate::auth::{self, session};
use crate::context::{Ctx, Need, Served};
use crate::error::{Error, Kind, Lang, Msg, Result};
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
        .route("/signin", get(signin_page).post(signin))
        .route("/signout", axum::routing::post(signout))
        .route("/password", get(password_page).post(password))
        .route("/work", get(work))
        .route("/static/baocao.css", get(stylesheet))
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
#[template(path = "signin.html")]
struct SignInPage {
    page: Page,
    error: Option<String>,
    username: String,
    csrf: String,
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    page: Page,
    must_change: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    page: Page,
    rows: Vec<WorkRow>,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    page: Page,
    message: String,
}

/// One report on the work list, in the reader's words.
struct WorkRow {
    class: &'static str,
    regime: String,
    regime_name: String,
    unit_name: String,
    period: String,
    deadline: String,
    deadline_time: String,
    deadline_iso: String,
    state: String,
    returned: usize,
    timeliness_code: &'static str,
    timeliness: &'static str,
    /// "quá hạn 3 ngày làm việc", "còn 5 ngày làm việc", or nothing once sent.
    days: String,
    next: &'static str,
    mine: bool,
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

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("baocao.css"),
    )
        .into_response()
}

fn signin_form(
    app: &App,
    lang: Lang,
    pre: &str,
    status: StatusCode,
    error: Option<String>,
    username: String,
) -> Response {
    html(
        status,
        SignInPage {
            page: Page::new(lang, |w| w.signin_title),
            error,
            username,
            csrf: app.csrf.token(pre),
        }
        .render(),
    )
}

/// `GET /signin`: the form, with a pre-session value for its CSRF token.
async fn signin_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = reader(&headers, &q);
    if security::cookie(&headers, SESSION_COOKIE).is_some() {
        return with_cookies(Redirect::to("/work").into_response(), r.set);
    }
    let (pre, new) = match security::cookie(&headers, PRESESSION_COOKIE) {
        Some(p) => (p, false),
        None => (auth::generate_secret("bcp"), true),
    };
    let page = signin_form(&app, r.lang, &pre, StatusCode::OK, None, String::new());
    let set_pre = new.then(|| security::secret_cookie(PRESESSION_COOKIE, &pre));
    with_cookies(page, set_pre.into_iter().chain(r.set))
}

/// `POST /signin`: `login` as the CLI does it, the session kept in the cookie.
async fn signin(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: std::result::Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let lang = reader(&headers, &HashMap::new()).lang;
    let form = form_of(form);
    let pre = security::cookie(&headers, PRESESSION_COOKIE);
    if let Some(refused) = csrf_refused(&app.csrf, pre.as_deref(), &form, lang) {
        return refused;
    }
    let pre = pre.unwrap_or_default();
    let username = form.get("username").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let account = username.trim().to_lowercase();
    let client = crate::serve::client_address(peer, &headers);
    if app.limiter.wait(client, &account, Instant::now()).is_some() {
        let text = Msg::new(
            "Đăng nhập sai quá nhiều lần từ địa chỉ này hoặc vào tài khoản này; hãy đợi rồi thử lại",
            "Too many failed sign-ins from this address or to this account; wait, then try again",
        );
        let text = text.get(lang).to_string();
        return signin_form(
            &app,
            lang,
            &pre,
            StatusCode::TOO_MANY_REQUESTS,
            Some(text),
            username,
        );
    }
    let secret = auth::generate_secret("bcs");
    let job_secret = secret.clone();
    let job_user = username.clone();
    let outcome = blocking(
        &app,
        lang,
        move |app| -> Result<std::result::Result<ops::session::SignedIn, Error>> {
            let ctx = ctx(app, None, lang, "login")?;
            let mut store = ctx.open()?;
            let req = ops::session::LoginRequest {
                username: &job_user,
                password: &password,
                secret: &job_secret,
            };
            // A refusal is committed too (the failed-attempt counter), then shown.
            store.write(|tx| {
                let rec = Recorder {
                    at: crate::clock::rfc3339(ctx.record_time(tx)?),
                    actor: job_user.trim().to_lowercase(),
                    command: "login".into(),
                };
                ops::session::login(tx, &rec, &req, ctx.trusted_now(tx)?, ctx.clock.now())
            })
        },
    )
    .await;
    let signed_in = match outcome {
        Err(page) => return page,
        Ok(Err(e)) => return failed(lang, &e),
        Ok(Ok(Err(refused))) => {
            app.limiter.failed(client, &account, Instant::now());
            let text = humane(refused.msg.get(lang));
            return signin_form(
                &app,
                lang,
                &pre,
                StatusCode::UNAUTHORIZED,
                Some(text),
                username,
            );
        }
        Ok(Ok(Ok(s))) => s,
    };
    app.limiter.succeeded(&account);
    let next = if signed_in.must_change_password {
        "/password"
    } else {
        "/work"
    };
    with_cookies(
        Redirect::to(next).into_response(),
        [
            security::secret_cookie(SESSION_COOKIE, &secret),
            security::removed_cookie(PRESESSION_COOKIE),
        ],
    )
}

/// `POST /signout`: ends the session in the database, then forgets the cookie.
async fn signout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: std::result::Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let lang = reader(&headers, &HashMap::new()).lang;
    let form = form_of(form);
    let secret = security::cookie(&headers, SESSION_COOKIE);
    if let Some(refused) = csrf_refused(&app.csrf, secret.as_deref(), &form, lang) {
        return refused;
    }
    let secret = secret.unwrap_or_default();
    let ended = blocking(&app, lang, move |app| -> Result<()> {
        let ctx = ctx(app, Some(secret.clone()), lang, "logout")?;
        let mut store = ctx.open()?;
        let Some(username) = store.read(|tx| session::username_of(tx, &secret))? else {
            return Ok(());
        };
        let file = session::SessionFile {
            db: ctx.db.display().to_string(),
            username,
            secret,
        };
        store.write(|tx| session::close(tx, &file, &|tx| ctx.record_time(tx)))
    })
    .await;
    match ended {
        Err(page) => page,
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok(())) => to_signin(true),
    }
}

/// `GET /password`: the change-password form.
async fn password_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = reader(&headers, &q);
    let lang = r.lang;
    let Some(secret) = security::cookie(&headers, SESSION_COOKIE) else {
        return with_cookies(to_signin(false), r.set);
    };
    let job_secret = secret.clone();
    let found = blocking(&app, lang, move |app| {
        who(&ctx(app, Some(job_secret), lang, "whoami")?)
    })
    .await;
    let page = match found {
        Err(page) => page,
        Ok(Err(e)) if e.kind == Kind::Denied => to_signin(true),
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok(who)) => password_form(&app, lang, &secret, who, StatusCode::OK, None),
    };
    with_cookies(page, r.set)
}

fn password_form(
    app: &App,
    lang: Lang,
    secret: &str,
    who: Who,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let mut page = Page::new(lang, |w| w.passwd_title);
    page.user = Some(who.username);
    page.csrf = app.csrf.token(secret);
    page.notices = who.notices;
    html(
        status,
        PasswordPage {
            page,
            must_change: who.must_change,
            error,
        }
        .render(),
    )
}

/// `POST /password`: `passwd` as the CLI does it.
async fn password(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: std::result::Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let lang = reader(&headers, &HashMap::new()).lang;
    let form = form_of(form);
    let secret = security::cookie(&headers, SESSION_COOKIE);
    if let Some(refused) = csrf_refused(&app.csrf, secret.as_deref(), &form, lang) {
        return refused;
    }
    let secret = secret.unwrap_or_default();
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (old, new, again) = (field("current"), field("new"), field("again"));
    let job_secret = secret.clone();
    let outcome = blocking(&app, lang, move |app| -> Result<(Who, Result<()>)> {
        let ctx = ctx(app, Some(job_secret), lang, "passwd")?;
        let who = who(&ctx)?;
        let changed = (|| {
            if again != new {
                return Err(Error::new(
                    Kind::Invalid,
                    Msg::new(
                        "Hai lần nhập mật khẩu mới không khớp",
                        "The two new passwords differ",
                    ),
                ));
            }
            auth::check_policy(&new)?;
            let hash = auth::hash_password(&new)?;
            let mut store = ctx.open()?;
            store.write(|tx| {
                let actor = ctx.authenticate(tx, Need::SignedIn)?;
                let rec = ctx.recorder(tx, &actor)?;
                ops::account::change_password(tx, &rec, actor.account_id, &old, &new, &hash)
            })
        })();
        Ok((who, changed))
    })
    .await;
    match outcome {
        Err(page) => page,
        Ok(Err(e)) if e.kind == Kind::Denied => to_signin(true),
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok((_, Ok(())))) => Redirect::to("/work").into_response(),
        Ok(Ok((who, Err(e)))) => {
            let status = if e.kind == Kind::Denied {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            password_form(
                &app,
                lang,
                &secret,
                who,
                status,
                Some(humane(e.msg.get(lang))),
            )
        }
    }
}

/// `GET /work`: "my work", worst first.
async fn work(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = reader(&headers, &q);
    let lang = r.lang;
    let Some(secret) = security::cookie(&headers, SESSION_COOKIE) else {
        return with_cookies(to_signin(false), r.set);
    };
    let job_secret = secret.clone();
    let found = blocking(
        &app,
        lang,
        move |app| -> Result<(Who, Option<Vec<WorkRow>>)> {
            let ctx = ctx(app, Some(job_secret), lang, "work")?;
            let who = who(&ctx)?;
            if who.must_change {
                return Ok((who, None));
            }
            let now = ctx.clock.now();
            let tasks = ctx.read(|tx, actor| ops::monitor::my_work(tx, actor, now))?;
            let rows = tasks.iter().map(|t| work_row(t, now, lang)).collect();
            Ok((who, Some(rows)))
        },
    )
    .await;
    let page = match found {
        Err(page) => page,
        Ok(Err(e)) if e.kind == Kind::Denied => to_signin(true),
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok((_, None))) => Redirect::to("/password").into_response(),
        Ok(Ok((who, Some(rows)))) => {
            let mut page = Page::new(lang, |w| w.work_title);
            page.user = Some(who.username);
            page.csrf = app.csrf.token(&secret);
            page.notices = who.notices;
            html(StatusCode::OK, WorkPage { page, rows }.render())
        }
    };
    with_cookies(page, r.set)
}

fn work_row(t: &ops::monitor::Task, now: jiff::Timestamp, lang: Lang) -> WorkRow {
    let o = &t.obligation;
    let period = match o.period.parse::<crate::domain::period::Period>() {
        Ok(p) if lang == Lang::Vi => p.name_vi(),
        Ok(p) => p.name_en(),
        Err(_) => o.period.clone(),
    };
    let shown = crate::output::human_date(&o.deadline).unwrap_or_else(|| o.deadline.clone());
    let (deadline, time) = match shown.split_once(' ') {
        Some((d, t)) => (d.to_string(), t.to_string()),
        None => (shown, String::new()),
    };
    let state = crate::glossary::code_word(o.status.as_str(), lang).unwrap_or(o.status.as_str());
    let class = if t.waiting_on.is_some() && o.due <= now {
        "overdue"
    } else if t.waiting_on.is_none() {
        "done"
    } else {
        "open"
    };
    WorkRow {
        class,
        regime: o.regime.clone(),
        regime_name: if t.regime_name.is_empty() {
            o.regime.clone()
        } else {
            t.regime_name.clone()
        },
        unit_name: o.unit_name.clone(),
        period,
        deadline,
        deadline_time: time,
        deadline_iso: o.deadline.clone(),
        state: capitalized(state),
        returned: o.returned,
        timeliness_code: o.timeliness.as_str(),
        timeliness: crate::glossary::timeliness(o.timeliness, lang),
        days: words::working_days(t.working_days_left, t.working_days_overdue, lang),
        next: words::next_step(o.status, t.action, t.waiting_on, lang),
        mine: t.action.is_some(),
    }
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

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
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

    #[test]
    fn the_next_step_is_the_readers_own_or_names_whose_turn_it_is() {
        use crate::auth::permission::Role;
        use crate::domain::workflow::{ReportStatus, RevisionStatus};
        let draft = ReportStatus::NotStarted;
        let own = words::next_step(
            draft,
            Some(Role::DataEntry),
            Some(Role::DataEntry),
            Lang::Vi,
        );
        assert!(own.starts_with("Nhập số liệu"), "{own}");
        let theirs = words::next_step(draft, None, Some(Role::DataEntry), Lang::En);
        assert_eq!(theirs, "Waiting for data entry");
        let returned = ReportStatus::Revision(RevisionStatus::Returned);
        let fix = words::next_step(
            returned,
            Some(Role::DataEntry),
            Some(Role::DataEntry),
            Lang::Vi,
        );
        assert!(fix.contains("trả lại"), "{fix}");
        let sent = ReportStatus::Revision(RevisionStatus::Sent);
        assert!(words::next_step(sent, None, None, Lang::Vi).contains("chờ đơn vị chủ trì"));
    }
}
