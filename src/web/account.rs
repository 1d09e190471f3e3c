//! Account self-service: my tokens (`token list/create/revoke` as the CLI runs them);
//! the HTML 404 for any unknown address outside the API; and the flash cookie that
//! carries "what just happened" across a redirect.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use axum::Router;

use super::flash;
use super::{
    blocking, ctx, failed, form_of, html, humane, posted_session, reader, security, to_signin, who,
    with_cookies, Page, Who, SESSION_COOKIE,
};
use crate::auth;
use crate::error::{Error, Kind, Lang, Result};
use crate::ops;
use crate::serve::App;

/// This family's routes, for [`super::router`].
pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/tokens", get(tokens_page).post(create))
        .route("/tokens/revoke", post(revoke))
        // Any address no other route takes (the server's own fallback is the API's).
        .route("/{*path}", any(not_found))
}

/// The status a refusal is shown with: the one [`failed`] gives its kind.
pub(super) fn refusal_status(e: &Error) -> StatusCode {
    failed(Lang::Vi, e).status()
}

// ---------------------------------------------------------------------------------
// My tokens.

/// What the tokens page says, in Vietnamese and in English.
pub(super) struct TokenWords {
    title: &'static str,
    intro: &'static str,
    empty: &'static str,
    col_name: &'static str,
    col_created: &'static str,
    col_expires: &'static str,
    col_state: &'static str,
    col_action: &'static str,
    active: &'static str,
    expired: &'static str,
    revoked: &'static str,
    revoke: &'static str,
    create_h: &'static str,
    name: &'static str,
    name_hint: &'static str,
    expires: &'static str,
    expires_hint: &'static str,
    create: &'static str,
    new_h: &'static str,
    new_once: &'static str,
    new_use: &'static str,
    created: &'static str,
    revoked_flash: &'static str,
    at: &'static str,
}

static TOKENS_VI: TokenWords = TokenWords {
    title: "Mã truy cập của tôi",
    intro: "Mã truy cập cho phép một tập lệnh hoặc lịch chạy (cron) gọi hệ thống thay bạn, với đúng quyền của bạn. Mỗi mã có tên, có hạn, và có thể thu hồi bất cứ lúc nào.",
    empty: "Bạn chưa có mã truy cập nào.",
    col_name: "Tên",
    col_created: "Tạo lúc",
    col_expires: "Hết hạn",
    col_state: "Tình trạng",
    col_action: "Thao tác",
    active: "Đang hiệu lực",
    expired: "Đã hết hạn",
    revoked: "Đã thu hồi",
    revoke: "Thu hồi",
    create_h: "Tạo mã truy cập mới",
    name: "Tên mã (nói mã dùng để làm gì)",
    name_hint: "Chữ thường không dấu, chữ số và dấu gạch, ví dụ: cron-qua-han.",
    expires: "Thời hạn",
    expires_hint: "Số ngày, ví dụ 90d (tối đa 366d), hoặc ngày hết hạn, ví dụ 31/12/2026.",
    create: "Tạo mã",
    new_h: "Mã truy cập mới",
    new_once: "Mã chỉ hiện một lần này: hãy sao chép và cất giữ ngay. Máy chủ chỉ lưu mã băm của nó.",
    new_use: "Một tập lệnh dùng mã qua biến môi trường BAOCAO_TOKEN, cùng địa chỉ máy chủ (--server).",
    created: "Đã tạo mã truy cập",
    revoked_flash: "Đã thu hồi mã truy cập",
    at: "lúc",
};

static TOKENS_EN: TokenWords = TokenWords {
    title: "My tokens",
    intro: "An access token lets a script or a scheduled job (cron) call the system for you, with exactly your permissions. Each has a name and an expiry, and can be revoked at any time.",
    empty: "You have no tokens.",
    col_name: "Name",
    col_created: "Created",
    col_expires: "Expires",
    col_state: "State",
    col_action: "Action",
    active: "Active",
    expired: "Expired",
    revoked: "Revoked",
    revoke: "Revoke",
    create_h: "Create a token",
    name: "Name (what the token is for)",
    name_hint: "Lower-case letters, digits and dashes, e.g. cron-overdue.",
    expires: "Lifetime",
    expires_hint: "Days, e.g. 90d (366d at most), or an expiry date, e.g. 31/12/2026.",
    create: "Create",
    new_h: "New token",
    new_once: "The token is shown this once: copy it and store it now. The server keeps only its hash.",
    new_use: "A script uses it through the BAOCAO_TOKEN environment variable, with the server address (--server).",
    created: "Token created",
    revoked_flash: "Token revoked",
    at: "at",
};

fn token_words(lang: Lang) -> &'static TokenWords {
    match lang {
        Lang::Vi => &TOKENS_VI,
        Lang::En => &TOKENS_EN,
    }
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    page: Page,
    t: &'static TokenWords,
    rows: Vec<TokenRow>,
    flash: Option<String>,
    error: Option<String>,
    /// The token just made, shown this once.
    new: Option<NewToken>,
    /// What the create form held (kept when it was refused).
    name: String,
    expires: String,
}

struct TokenRow {
    name: String,
    created: String,
    expires: String,
    expires_iso: String,
    state: String,
    state_code: &'static str,
    active: bool,
}

struct NewToken {
    name: String,
    secret: String,
    expires: String,
}

/// The reader's tokens, as `token list` reads them, newest state in words.
fn my_tokens(ctx: &crate::context::Ctx, t: &TokenWords) -> Result<Vec<TokenRow>> {
    let now = ctx.clock.now();
    let rows = ctx.read(|tx, actor| ops::token::list(tx, actor, false))?;
    let shown = |s: &str| crate::output::human_date(s).unwrap_or_else(|| s.to_string());
    Ok(rows
        .into_iter()
        .map(|r| {
            let expired = r
                .expires_at
                .parse::<jiff::Timestamp>()
                .is_ok_and(|e| e <= now);
            let (state, state_code, active) = match &r.revoked_at {
                Some(at) => (
                    format!("{} {} {}", t.revoked, t.at, shown(at)),
                    "revoked",
                    false,
                ),
                None if expired => (t.expired.to_string(), "expired", false),
                None => (t.active.to_string(), "active", true),
            };
            TokenRow {
                created: shown(&r.created_at),
                expires: shown(&r.expires_at),
                expires_iso: r.expires_at,
                name: r.name,
                state,
                state_code,
                active,
            }
        })
        .collect())
}

/// What a tokens page shows besides the list.
#[derive(Default)]
struct Shown {
    flash: Option<String>,
    error: Option<String>,
    new: Option<NewToken>,
    name: String,
    expires: String,
}

fn tokens_response(
    app: &App,
    lang: Lang,
    secret: &str,
    who: Who,
    rows: Vec<TokenRow>,
    status: StatusCode,
    shown: Shown,
) -> Response {
    let t = token_words(lang);
    let page = Page {
        w: super::words::of(lang),
        title: t.title,
        user: Some(who.username),
        csrf: app.csrf.token(secret),
        notices: who.notices,
    };
    let mut r = html(
        status,
        TokensPage {
            page,
            t,
            rows,
            flash: shown.flash,
            error: shown.error,
            new: shown.new,
            name: shown.name,
            expires: if shown.expires.is_empty() {
                "90d".into()
            } else {
                shown.expires
            },
        }
        .render(),
    );
    // A page that may hold a secret is never kept.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// An operation's refusal as a line on the page: the message and its hint.
fn refusal_text(e: &Error, lang: Lang) -> String {
    match &e.hint {
        Some(h) => format!("{} ({})", humane(e.msg.get(lang)), h.get(lang)),
        None => humane(e.msg.get(lang)),
    }
}

/// `GET /tokens`: my tokens, and the form to make one.
pub(super) async fn tokens_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = reader(&headers, &q);
    let lang = r.lang;
    let Some(secret) = security::cookie(&headers, SESSION_COOKIE) else {
        return with_cookies(to_signin(false), r.set);
    };
    let (flash, clear) = flash::take(&headers);
    let job_secret = secret.clone();
    let found = blocking(
        &app,
        lang,
        move |app| -> Result<(Who, Option<Result<Vec<TokenRow>>>)> {
            let ctx = ctx(app, Some(job_secret), lang, "token list")?;
            let who = who(&ctx)?;
            if who.must_change {
                return Ok((who, None));
            }
            let rows = my_tokens(&ctx, token_words(lang));
            Ok((who, Some(rows)))
        },
    )
    .await;
    let page = match found {
        Err(page) => page,
        Ok(Err(e)) if e.kind == Kind::Denied => to_signin(true),
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok((_, None))) => Redirect::to("/password").into_response(),
        Ok(Ok((_, Some(Err(e))))) => failed(lang, &e),
        Ok(Ok((who, Some(Ok(rows))))) => tokens_response(
            &app,
            lang,
            &secret,
            who,
            rows,
            StatusCode::OK,
            Shown {
                flash,
                ..Shown::default()
            },
        ),
    };
    with_cookies(page, clear.into_iter().chain(r.set))
}

/// A token action's outcome, for the page that follows it.
type Acted<T> = (
    Who,
    Option<(std::result::Result<T, Error>, Result<Vec<TokenRow>>)>,
);

/// `POST /tokens`: `token create` as the CLI runs it; the page shows the secret once
/// (never in a URL, never kept by a cache).
pub(super) async fn create(
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
    let name = form.get("name").cloned().unwrap_or_default();
    let expires = form.get("expires").cloned().unwrap_or_default();
    let (job_secret, job_name, job_expires) = (secret.clone(), name.clone(), expires.clone());
    let outcome = blocking(
        &app,
        lang,
        move |app| -> Result<Acted<ops::token::NewToken>> {
            let ctx = ctx(app, Some(job_secret), lang, "token create")?;
            let who = who(&ctx)?;
            if who.must_change {
                return Ok((who, None));
            }
            let made = crate::input::code(&job_name).and_then(|name| {
                let req = ops::token::TokenRequest {
                    name,
                    lifetime: if job_expires.trim().is_empty() {
                        "90d".into()
                    } else {
                        job_expires
                    },
                    secret: auth::generate_secret("bct"),
                };
                ctx.write(|tx, actor, rec| {
                    ops::token::create(tx, actor, rec, &req, |tx| ctx.record_time(tx))
                })
            });
            let rows = my_tokens(&ctx, token_words(lang));
            Ok((who, Some((made, rows))))
        },
    )
    .await;
    let t = token_words(lang);
    match outcome {
        Err(page) => page,
        Ok(Err(e)) if e.kind == Kind::Denied => to_signin(true),
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok((_, None))) => Redirect::to("/password").into_response(),
        Ok(Ok((_, Some((_, Err(e)))))) => failed(lang, &e),
        Ok(Ok((who, Some((Ok(made), Ok(rows)))))) => {
            let expires =
                crate::output::human_date(&made.expires_at).unwrap_or(made.expires_at.clone());
            tokens_response(
                &app,
                lang,
                &secret,
                who,
                rows,
                StatusCode::OK,
                Shown {
                    flash: Some(format!("{} «{}».", t.created, made.name)),
                    new: Some(NewToken {
                        name: made.name,
                        secret: made.token,
                        expires,
                    }),
                    ..Shown::default()
                },
            )
        }
        Ok(Ok((who, Some((Err(e), Ok(rows)))))) => tokens_response(
            &app,
            lang,
            &secret,
            who,
            rows,
            refusal_status(&e),
            Shown {
                error: Some(refusal_text(&e, lang)),
                name,
                expires,
                ..Shown::default()
            },
        ),
    }
}

/// `POST /tokens/revoke`: `token revoke NAME [--user U]` as the CLI runs it (someone
/// else's token needs a system administrator: the operation decides).
pub(super) async fn revoke(
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
    let name = form.get("name").cloned().unwrap_or_default();
    let user = form
        .get("user")
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    let job_secret = secret.clone();
    let outcome = blocking(
        &app,
        lang,
        move |app| -> Result<Acted<ops::token::Revoked>> {
            let ctx = ctx(app, Some(job_secret), lang, "token revoke")?;
            let who = who(&ctx)?;
            if who.must_change {
                return Ok((who, None));
            }
            let done = ctx
                .write(|tx, actor, rec| ops::token::revoke(tx, actor, rec, &name, user.as_deref()));
            let rows = my_tokens(&ctx, token_words(lang));
            Ok((who, Some((done, rows))))
        },
    )
    .await;
    let t = token_words(lang);
    match outcome {
        Err(page) => page,
        Ok(Err(e)) if e.kind == Kind::Denied => to_signin(true),
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok((_, None))) => Redirect::to("/password").into_response(),
        Ok(Ok((_, Some((_, Err(e)))))) => failed(lang, &e),
        Ok(Ok((_, Some((Ok(done), _))))) => with_cookies(
            Redirect::to("/tokens").into_response(),
            [flash::set(&format!("{} «{}».", t.revoked_flash, done.name))],
        ),
        Ok(Ok((who, Some((Err(e), Ok(rows)))))) => tokens_response(
            &app,
            lang,
            &secret,
            who,
            rows,
            refusal_status(&e),
            Shown {
                error: Some(refusal_text(&e, lang)),
                ..Shown::default()
            },
        ),
    }
}

// ---------------------------------------------------------------------------------
// The HTML 404.

struct NotFoundWords {
    title: &'static str,
    text: &'static str,
}

static NOT_FOUND_VI: NotFoundWords = NotFoundWords {
    title: "Không tìm thấy trang",
    text:
        "Không có trang nào ở địa chỉ này. Có thể đường dẫn đã gõ sai hoặc trang đã được chuyển đi.",
};

static NOT_FOUND_EN: NotFoundWords = NotFoundWords {
    title: "Page not found",
    text: "There is no page at this address. The link may be mistyped, or the page has moved.",
};

#[derive(Template)]
#[template(path = "notfound.html")]
struct NotFoundPage {
    page: Page,
    text: &'static str,
    path: String,
}

/// Any address no route takes: outside `/api`, a page in the reader's language (404);
/// under `/api`, the API's own JSON answer.
pub(super) async fn not_found(
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        return crate::serve::no_route().await;
    }
    let r = reader(&headers, &q);
    let words = match r.lang {
        Lang::Vi => &NOT_FOUND_VI,
        Lang::En => &NOT_FOUND_EN,
    };
    let page = Page {
        w: super::words::of(r.lang),
        title: words.title,
        user: None,
        csrf: String::new(),
        notices: Vec::new(),
    };
    let body = NotFoundPage {
        page,
        text: words.text,
        path: path.to_string(),
    }
    .render();
    with_cookies(html(StatusCode::NOT_FOUND, body), r.set)
}
