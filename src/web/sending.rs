//! Sending a report with a signature made in the browser.
//!
//! `GET /report/{r}/{p}/{u}/send` shows the report and the exact canonical document of
//! the revision awaiting sending, from the operation `report canonical` runs
//! ([`ops::report::to_sign`]). `/static/sign.js` reads the key file the sender picks
//! (the one `baocao account key generate` writes on the sender's machine), signs the
//! document with WebCrypto Ed25519 in the browser and posts only the signature and the
//! key's id: the private key never reaches the server. `POST …/send` is then
//! `report send --signature --key-id` as the API runs it: the operation checks the
//! signature against the sender's registered public key and refuses a forged, foreign
//! or stale one, writing nothing.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;

use super::account::refusal_status;
use super::flash::{self, percent_encode};
use super::{
    blocking, ctx, failed, form_of, html, humane, posted_session, reader, security, to_signin, who,
    with_cookies, words, Page, Who, SESSION_COOKIE,
};
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::ops;
use crate::ops::report::{Action, Signed, Step, Stepped, Which};
use crate::serve::App;

/// This family's routes, for [`super::router`].
pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/report/{regime}/{period}/{unit}/send",
            get(send_page).post(send),
        )
        .route("/static/sign.js", get(script))
}

/// What the send page says, in Vietnamese and in English.
pub(super) struct SendWords {
    title: &'static str,
    intro: &'static str,
    summary: &'static str,
    regime: &'static str,
    unit: &'static str,
    period: &'static str,
    revision: &'static str,
    state: &'static str,
    deadline: &'static str,
    timeliness: &'static str,
    figures: &'static str,
    attachments: &'static str,
    narrative: &'static str,
    yes: &'static str,
    no: &'static str,
    values: &'static str,
    col_row: &'static str,
    col_column: &'static str,
    col_value: &'static str,
    canonical: &'static str,
    canonical_note: &'static str,
    sign_h: &'static str,
    key_file: &'static str,
    key_help: &'static str,
    sign_button: &'static str,
    no_key_h: &'static str,
    no_key: &'static str,
    no_key_after: &'static str,
    cli_h: &'static str,
    cli: &'static str,
    back: &'static str,
    msg_no_file: &'static str,
    msg_not_key: &'static str,
    msg_other_user: &'static str,
    msg_no_crypto: &'static str,
    msg_signing: &'static str,
    msg_failed: &'static str,
}

static VI: SendWords = SendWords {
    title: "Ký số và gửi báo cáo",
    intro: "Kiểm tra báo cáo, chọn tệp khoá ký của bạn rồi bấm «Ký số và gửi». Chữ ký được làm ngay trong trình duyệt này: khoá bí mật không bao giờ rời máy của bạn, máy chủ chỉ nhận chữ ký và mã khoá rồi kiểm tra bằng khoá công khai đã đăng ký của bạn.",
    summary: "Báo cáo sẽ gửi",
    regime: "Chế độ báo cáo",
    unit: "Đơn vị",
    period: "Kỳ báo cáo",
    revision: "Bản",
    state: "Trạng thái",
    deadline: "Hạn gửi",
    timeliness: "Thời hạn",
    figures: "Số chỉ tiêu có số liệu",
    attachments: "Tệp đính kèm",
    narrative: "Thuyết minh",
    yes: "có",
    no: "không",
    values: "Số liệu",
    col_row: "Chỉ tiêu",
    col_column: "Cột",
    col_value: "Giá trị",
    canonical: "Nội dung sẽ được ký",
    canonical_note: "Đúng từng byte dưới đây là nội dung chữ ký số bao trùm (thuyết minh và tệp đính kèm theo mã băm SHA-256). Số liệu đổi sau khi ký thì chữ ký không còn khớp.",
    sign_h: "Ký số",
    key_file: "Tệp khoá ký của bạn (.json)",
    key_help: "Tệp do lệnh tạo khoá ghi trên máy bạn (thường trong ~/.config/baocao/keys/). Tệp chỉ được đọc trong trình duyệt này, không được tải lên.",
    sign_button: "Ký số và gửi",
    no_key_h: "Chưa có khoá ký?",
    no_key: "Tạo một lần trên máy của bạn bằng lệnh sau; lệnh ghi khoá bí mật vào một tệp trên máy bạn và chỉ đăng ký khoá công khai với máy chủ:",
    no_key_after: "Lệnh in ra đường dẫn tệp khoá bí mật; chọn tệp đó ở ô trên.",
    cli_h: "Gửi bằng dòng lệnh",
    cli: "Nếu trình duyệt không ký được (cần Chrome/Edge 137 trở lên, Firefox 129 trở lên hoặc Safari 17 trở lên), lệnh sau lấy đúng nội dung trên, ký bằng khoá trên máy bạn rồi gửi:",
    back: "Quay lại báo cáo",
    msg_no_file: "Hãy chọn tệp khoá ký của bạn trước.",
    msg_not_key: "Tệp đã chọn không phải tệp khoá ký của baocao (cần có «secret» 64 chữ số hex và «key_id»).",
    msg_other_user: "Tệp khoá này thuộc tài khoản khác, không phải tài khoản đang đăng nhập.",
    msg_no_crypto: "Trình duyệt này không ký được Ed25519 bằng WebCrypto. Hãy dùng Chrome/Edge 137+, Firefox 129+, Safari 17+, hoặc gửi bằng dòng lệnh bên dưới.",
    msg_signing: "Đang ký và gửi…",
    msg_failed: "Không ký được:",
};

static EN: SendWords = SendWords {
    title: "Sign and send the report",
    intro: "Check the report, pick your signing key file, then press “Sign and send”. The signature is made in this browser: the private key never leaves your machine; the server receives only the signature and the key's id and checks them with your registered public key.",
    summary: "The report to send",
    regime: "Regime",
    unit: "Unit",
    period: "Period",
    revision: "Revision",
    state: "State",
    deadline: "Deadline",
    timeliness: "Timeliness",
    figures: "Figures entered",
    attachments: "Attachments",
    narrative: "Narrative",
    yes: "yes",
    no: "no",
    values: "Figures",
    col_row: "Indicator",
    col_column: "Column",
    col_value: "Value",
    canonical: "What will be signed",
    canonical_note: "The signature covers exactly these bytes (the narrative and attachments by their SHA-256). A figure changed after signing breaks the signature.",
    sign_h: "Sign",
    key_file: "Your signing key file (.json)",
    key_help: "The file the key command wrote on your machine (usually under ~/.config/baocao/keys/). It is read in this browser only, never uploaded.",
    sign_button: "Sign and send",
    no_key_h: "No signing key yet?",
    no_key: "Make one once, on your machine, with this command; it writes the private key to a file on your machine and registers only the public key with the server:",
    no_key_after: "It prints the path of the private key file; pick that file above.",
    cli_h: "Send from the command line",
    cli: "If this browser cannot sign (it needs Chrome/Edge 137 or later, Firefox 129 or later, or Safari 17 or later), this command fetches the same content, signs it with the key on your machine and sends it:",
    back: "Back to the report",
    msg_no_file: "Pick your signing key file first.",
    msg_not_key: "The file picked is not a baocao signing key file (it needs a 64-hex-digit “secret” and a “key_id”).",
    msg_other_user: "This key file belongs to another account, not the one signed in.",
    msg_no_crypto: "This browser cannot sign Ed25519 with WebCrypto. Use Chrome/Edge 137+, Firefox 129+, Safari 17+, or send from the command line below.",
    msg_signing: "Signing and sending…",
    msg_failed: "Could not sign:",
};

fn send_words(lang: Lang) -> &'static SendWords {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

#[derive(Template)]
#[template(path = "send.html")]
struct SendPage {
    page: Page,
    s: &'static SendWords,
    d: SendData,
    error: Option<String>,
    /// The signed-in account, for the script's check of the key file's owner.
    user: String,
    /// `baocao --server … report send …` for this report.
    cli_send: String,
    /// `baocao --server … account key generate`.
    cli_key: String,
}

/// The report awaiting sending, as the page shows it.
struct SendData {
    action: String,
    back: String,
    regime: String,
    regime_name: String,
    unit: String,
    unit_name: String,
    period: String,
    period_words: String,
    revision: i64,
    state: String,
    deadline: String,
    deadline_iso: String,
    timeliness_code: &'static str,
    timeliness: &'static str,
    figures: usize,
    attachments: usize,
    narrative: bool,
    values: Vec<ValueRow>,
    /// The canonical document, exactly the bytes to sign.
    content: String,
    /// The same bytes in base64, for the script (the text of an element may lose a
    /// carriage return to the HTML parser; base64 keeps every byte).
    content_b64: String,
}

struct ValueRow {
    name: String,
    column: String,
    value: String,
}

/// The report's address: `/report/{regime}/{period}/{unit}`.
fn report_path(regime: &str, period: &str, unit: &str) -> String {
    format!(
        "/report/{}/{}/{}",
        percent_encode(regime),
        percent_encode(period),
        percent_encode(unit)
    )
}

/// The report to send, read as `report canonical` and `report show` read it: the
/// canonical document first (it is what needs the sender's role), then the view.
fn send_data(ctx: &crate::context::Ctx, which: &Which, lang: Lang) -> Result<SendData> {
    let now = ctx.clock.now();
    ctx.read(|tx, actor| {
        let doc = ops::report::to_sign(tx, actor, which)?;
        let view = ops::report::show(tx, actor, which, now)?;
        let regime_name = ops::regime::find(tx, &view.regime)?.name;
        let rev = view.revisions.iter().find(|r| r.number == doc.revision);
        let period_words = match view.period.parse::<crate::domain::period::Period>() {
            Ok(p) if lang == Lang::Vi => p.name_vi(),
            Ok(p) => p.name_en(),
            Err(_) => view.period.clone(),
        };
        let state =
            crate::glossary::code_word(view.status.as_str(), lang).unwrap_or(view.status.as_str());
        let path = report_path(&view.regime, &view.period, &view.unit);
        Ok(SendData {
            action: format!("{path}/send"),
            back: path,
            regime: view.regime.clone(),
            regime_name,
            unit: view.unit.clone(),
            unit_name: view.unit_name.clone(),
            period: view.period.clone(),
            period_words,
            revision: doc.revision,
            state: state.to_string(),
            deadline: crate::output::human_date(&view.deadline)
                .unwrap_or_else(|| view.deadline.clone()),
            deadline_iso: view.deadline.clone(),
            timeliness_code: view.timeliness.as_str(),
            timeliness: crate::glossary::timeliness(view.timeliness, lang),
            figures: view.values.len(),
            attachments: view.attachments.len(),
            narrative: rev.is_some_and(|r| r.narrative.is_some()),
            values: view
                .values
                .iter()
                .map(|v| ValueRow {
                    name: match &v.code {
                        Some(c) => format!("{} ({c})", v.name),
                        None => v.name.clone(),
                    },
                    column: v.column.clone(),
                    value: words::number(v.value.as_str(), lang),
                })
                .collect(),
            content_b64: base64::engine::general_purpose::STANDARD.encode(doc.content.as_bytes()),
            content: doc.content,
        })
    })
}

/// The server's address as the sender's CLI would name it: from the request's host,
/// over HTTPS unless it is this machine.
fn server_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        });
    match host {
        Some(h)
            if h.starts_with("127.") || h.starts_with("localhost") || h.starts_with("[::1]") =>
        {
            format!("http://{h}")
        }
        Some(h) => format!("https://{h}"),
        None => "https://…".to_string(),
    }
}

/// A shell word: as is when it is safe, else single-quoted.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/:".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[allow(clippy::too_many_arguments)]
fn render(
    app: &App,
    lang: Lang,
    secret: &str,
    who: Who,
    headers: &HeaderMap,
    d: SendData,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let s = send_words(lang);
    let page = Page {
        w: words::of(lang),
        title: s.title,
        user: Some(who.username.clone()),
        csrf: app.csrf.token(secret),
        notices: who.notices,
    };
    let url = server_url(headers);
    let cli_send = format!(
        "baocao --server {url} report send {} --period {} --unit {}",
        shell_word(&d.regime),
        shell_word(&d.period),
        shell_word(&d.unit)
    );
    let cli_key = format!("baocao --server {url} account key generate");
    html(
        status,
        SendPage {
            page,
            s,
            d,
            error,
            user: who.username,
            cli_send,
            cli_key,
        }
        .render(),
    )
}

/// `GET /report/{r}/{p}/{u}/send`: what will be signed, and the signing form.
pub(super) async fn send_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((regime, period, unit)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = reader(&headers, &q);
    let lang = r.lang;
    let Some(secret) = security::cookie(&headers, SESSION_COOKIE) else {
        return with_cookies(to_signin(false), r.set);
    };
    let which = Which {
        regime,
        period,
        unit: Some(unit),
    };
    let job_secret = secret.clone();
    let found = blocking(
        &app,
        lang,
        move |app| -> Result<(Who, Option<Result<SendData>>)> {
            let ctx = ctx(app, Some(job_secret), lang, "report canonical")?;
            let who = who(&ctx)?;
            if who.must_change {
                return Ok((who, None));
            }
            let d = send_data(&ctx, &which, lang);
            Ok((who, Some(d)))
        },
    )
    .await;
    let page = match found {
        Err(page) => page,
        Ok(Err(e)) if e.kind == Kind::Denied => to_signin(true),
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok((_, None))) => Redirect::to("/password").into_response(),
        Ok(Ok((_, Some(Err(e))))) => failed(lang, &e),
        Ok(Ok((who, Some(Ok(d))))) => {
            render(&app, lang, &secret, who, &headers, d, StatusCode::OK, None)
        }
    };
    with_cookies(page, r.set)
}

/// What the sending did, as the report page's flash says it (the cookie carries it
/// after `sent:`, the one flash of the report page that is not a fixed code).
fn sent_text(done: &Stepped, key_id: i64, lang: Lang) -> String {
    let at = done
        .sent_at
        .as_deref()
        .and_then(crate::output::human_date)
        .unwrap_or_default();
    let judged = done
        .timeliness
        .map(|t| crate::glossary::timeliness(t, lang))
        .unwrap_or_default();
    match lang {
        Lang::Vi => format!(
            "Đã ký số và gửi báo cáo {} (bản {}) lúc {at}, ký bằng khoá {key_id}; {}.",
            done.report,
            done.revision,
            judged.to_lowercase()
        ),
        Lang::En => format!(
            "Report {} (revision {}) signed and sent at {at} with key {key_id}; {}.",
            done.report,
            done.revision,
            judged.to_lowercase()
        ),
    }
}

/// The signature and key id the form carries; none when it carries no signature (the
/// operation then refuses an unsigned sending through the server in its own words).
fn signed_of(form: &HashMap<String, String>) -> Result<Option<Signed>> {
    let signature = form.get("signature").map(|s| s.trim()).unwrap_or("");
    if signature.is_empty() {
        return Ok(None);
    }
    let key_id = form.get("key_id").map(|s| s.trim()).unwrap_or("");
    let key_id = key_id.parse::<i64>().map_err(|_| {
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Mã khoá «{key_id}» không phải một số; không gửi"),
                format!("The key id «{key_id}» is not a number; not sent"),
            ),
        )
    })?;
    Ok(Some(Signed {
        key_id,
        signature: signature.to_string(),
    }))
}

/// `POST /report/{r}/{p}/{u}/send`: `report send --signature --key-id` as the API runs
/// it; on success to the report page with the flash, else the send page again with the
/// operation's refusal.
pub(super) async fn send(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((regime, period, unit)): Path<(String, String, String)>,
    form: std::result::Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let lang = reader(&headers, &HashMap::new()).lang;
    let form = form_of(form);
    let secret = match posted_session(&app, &headers, &form, lang) {
        Ok(s) => s,
        Err(refused) => return *refused,
    };
    // Back to the report page under the address the reader came by.
    let back = report_path(&regime, &period, &unit);
    let which = Which {
        regime,
        period,
        unit: Some(unit),
    };
    let job_secret = secret.clone();
    type Outcome = (
        Who,
        Option<std::result::Result<(Stepped, i64), (Error, Option<SendData>)>>,
    );
    let outcome = blocking(&app, lang, move |app| -> Result<Outcome> {
        let ctx = ctx(app, Some(job_secret), lang, "report send")?;
        let who = who(&ctx)?;
        if who.must_change {
            return Ok((who, None));
        }
        let sent = signed_of(&form).and_then(|signed| {
            let key_id = signed.as_ref().map(|s| s.key_id).unwrap_or_default();
            let s = Step {
                which: which.clone(),
                action: Action::Send,
                reason: None,
                signed,
                // The server's machine holds no one's private key.
                key_files: false,
            };
            let done = ctx.write(|tx, actor, rec| {
                // Sending is judged at the moment it is recorded.
                let now = ctx.record_time(tx)?;
                ops::report::step(tx, actor, rec, &ctx.db, now, &s)
            })?;
            Ok((done, key_id))
        });
        // Refused: the page again, when the report can still be sent by this reader.
        Ok((
            who,
            Some(sent.map_err(|e| (e, send_data(&ctx, &which, lang).ok()))),
        ))
    })
    .await;
    match outcome {
        Err(page) => page,
        Ok(Err(e)) if e.kind == Kind::Denied => to_signin(true),
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok((_, None))) => Redirect::to("/password").into_response(),
        Ok(Ok((_, Some(Ok((done, key_id)))))) => with_cookies(
            Redirect::to(&back).into_response(),
            [flash::set(&format!(
                "sent:{}",
                sent_text(&done, key_id, lang)
            ))],
        ),
        Ok(Ok((who, Some(Err((e, Some(d))))))) => {
            let mut text = humane(e.msg.get(lang));
            if let Some(h) = &e.hint {
                text = format!("{text} ({})", h.get(lang));
            }
            render(
                &app,
                lang,
                &secret,
                who,
                &headers,
                d,
                refusal_status(&e),
                Some(text),
            )
        }
        Ok(Ok((_, Some(Err((e, None)))))) => failed(lang, &e),
    }
}

/// `GET /static/sign.js`: the script that signs in the browser.
async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("sign.js"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_fallback_names_this_server_and_quotes_odd_words() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "baocao.tinh.gov.vn".parse().unwrap());
        assert_eq!(server_url(&h), "https://baocao.tinh.gov.vn");
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(server_url(&h), "http://127.0.0.1:8080");
        h.insert(header::HOST, "evil\"host".parse().unwrap());
        assert_eq!(server_url(&h), "https://…");
        assert_eq!(shell_word("000.01.01.H99"), "000.01.01.H99");
        assert_eq!(shell_word("2026 Q1"), "'2026 Q1'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }

    #[test]
    fn a_form_without_a_signature_is_unsigned_and_a_bad_key_id_is_refused() {
        let mut f = HashMap::new();
        assert!(signed_of(&f).unwrap().is_none());
        f.insert("signature".to_string(), "ab".repeat(64));
        f.insert("key_id".to_string(), "khoá".to_string());
        assert_eq!(signed_of(&f).unwrap_err().kind, Kind::Invalid);
        f.insert("key_id".to_string(), " 7 ".to_string());
        let s = signed_of(&f).unwrap().unwrap();
        assert_eq!((s.key_id, s.signature.len()), (7, 128));
    }
}
