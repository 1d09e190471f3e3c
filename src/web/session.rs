//! Signing in and out, and the password change a first sign-in or an expired password
//! requires: `login`, `logout` and `passwd` as the CLI runs them, the session kept in
//! the `baocao_session` cookie.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::{
    blocking, csrf_refused, ctx, failed, form_of, html, humane, posted_session, reader, security,
    to_signin, who, with_cookies, Page, Who, PRESESSION_COOKIE, SESSION_COOKIE,
};
use crate::audit::Recorder;
use crate::auth::{self, session};
use crate::context::Need;
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::ops;
use crate::serve::App;

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
pub(super) async fn signin_page(
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
pub(super) async fn signin(
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
pub(super) async fn signout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: std::result::Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let lang = reader(&headers, &HashMap::new()).lang;
    let form = form_of(form);
    let secret = match posted_session(&app, &headers, &form, lang) {
        Ok(s) => s,
        Err(refused) => return *refused,
    };
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
pub(super) async fn password_page(
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
pub(super) async fn password(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: std::result::Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let lang = reader(&headers, &HashMap::new()).lang;
    let form = form_of(form);
    let secret = match posted_session(&app, &headers, &form, lang) {
        Ok(s) => s,
        Err(refused) => return *refused,
    };
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
