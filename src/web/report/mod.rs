//! The report page (`/report/{regime}/{period}/{unit}`): what a report holds now — its
//! figures, warnings, narrative, attachments and history — and what the reader may do
//! with it: data entry downloads the fill-in workbook, uploads filled ones, writes the
//! narrative, attaches files and submits; the leader approves or rejects with a
//! reason; the sender is sent to the send page. Every action calls the operation the
//! CLI's `entry import`, `report narrative set`, `report attach`, `report submit`,
//! `approve` and `reject` call, which decides; after one that succeeded the browser is
//! sent back to the page (303) with a fixed flash message carried by a short-lived
//! cookie (never user text, never in the URL).

mod files;
mod words;

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::flash::{self, percent_encode};
use super::{
    blocking, ctx, failed, form_of, html, humane, posted_session, reader, security, to_signin, who,
    with_cookies, Page, Who, SESSION_COOKIE,
};
use crate::auth::permission::Role;
use crate::context::Ctx;
use crate::error::{Error, Kind, Lang, Result};
use crate::ops;
use crate::ops::report::Action;
use crate::serve::App;
use words::ReportWords;

/// This family's routes, for [`super::router`].
pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/report/{regime}/{period}/{unit}", get(page))
        .route(
            "/report/{regime}/{period}/{unit}/workbook",
            get(files::workbook),
        )
        .route(
            "/report/{regime}/{period}/{unit}/upload",
            post(files::upload).layer(DefaultBodyLimit::max(files::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/report/{regime}/{period}/{unit}/attach",
            post(files::attach).layer(DefaultBodyLimit::max(files::ATTACH_BODY_LIMIT)),
        )
        .route(
            "/report/{regime}/{period}/{unit}/narrative",
            post(narrative),
        )
        .route(
            "/report/{regime}/{period}/{unit}/submit",
            stepping(Action::Submit, "report submit", "submitted"),
        )
        .route(
            "/report/{regime}/{period}/{unit}/check",
            stepping(Action::Check, "report check", "checked"),
        )
        .route(
            "/report/{regime}/{period}/{unit}/approve-data",
            stepping(Action::ApproveData, "report approve-data", "data_approved"),
        )
        .route(
            "/report/{regime}/{period}/{unit}/approve",
            stepping(Action::Approve, "report approve", "approved"),
        )
        .route(
            "/report/{regime}/{period}/{unit}/reject",
            stepping(Action::Reject, "report reject", "rejected"),
        )
}

/// The POST handler of one workflow step: submit (to the leader), approve, or reject
/// (with the reason the operation requires), recorded as `command`, then back to the
/// page with the `flash` code.
fn stepping(
    action: Action,
    command: &'static str,
    flash: &'static str,
) -> axum::routing::MethodRouter<Arc<App>> {
    post(
        move |State(app): State<Arc<App>>,
              headers: HeaderMap,
              coordinates: Coordinates,
              form: std::result::Result<Form<HashMap<String, String>>, FormRejection>| async move {
            step(
                app,
                headers,
                named(coordinates),
                form,
                action,
                command,
                flash,
            )
            .await
        },
    )
}

/// The report a URL names.
#[derive(Debug, Clone)]
struct Named {
    regime: String,
    period: String,
    unit: String,
}

impl Named {
    fn which(&self) -> ops::report::Which {
        ops::report::Which {
            regime: self.regime.clone(),
            period: self.period.clone(),
            unit: Some(self.unit.clone()),
        }
    }

    /// The page's own address, its parts percent-encoded.
    fn url(&self) -> String {
        report_url(&self.regime, &self.period, &self.unit)
    }
}

type Coordinates = Path<(String, String, String)>;

fn named(Path((regime, period, unit)): Coordinates) -> Named {
    Named {
        regime,
        period,
        unit,
    }
}

/// `/report/{regime}/{period}/{unit}`, each part percent-encoded.
pub(crate) fn report_url(regime: &str, period: &str, unit: &str) -> String {
    format!(
        "/report/{}/{}/{}",
        percent_encode(regime),
        percent_encode(period),
        percent_encode(unit)
    )
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    page: Page,
    rw: &'static ReportWords,
    v: View,
    flash: Option<String>,
    error: Option<String>,
    upload: Option<Vec<files::UploadLine>>,
}

/// A report as the page shows it, in the reader's words.
struct View {
    url: String,
    regime: String,
    regime_name: String,
    unit: String,
    unit_name: String,
    period_words: String,
    deadline: String,
    deadline_time: String,
    deadline_iso: String,
    state: String,
    timeliness_code: &'static str,
    timeliness: &'static str,
    revision: Option<i64>,
    sent_at: Option<String>,
    values: Vec<ValueRow>,
    warnings: Vec<String>,
    narrative: Option<String>,
    /// The regime's outline (mẫu đề cương) when the form has a narrative part: the
    /// headings the submission check expects, in order.
    outline: Vec<OutlineLine>,
    /// What the saved narrative lacks against the outline, one line each (none when
    /// it follows it, or has no text yet).
    outline_unmet: Vec<String>,
    attachments: Vec<AttachmentRow>,
    history: Vec<HistoryRow>,
    /// What the reader's role lets them do now (the operations still decide).
    can_enter: bool,
    can_approve: bool,
    /// The approval due is of the figures (`approve-data`), not of the report.
    data_step: bool,
    /// The reader approves the figures by delegation (and only them: no rejecting).
    delegated_data: bool,
    can_check: bool,
    can_send: bool,
}

struct ValueRow {
    stt: String,
    name: String,
    measure: String,
    column: String,
    value: String,
}

struct OutlineLine {
    text: String,
    required: bool,
}

struct AttachmentRow {
    name: String,
    size: String,
    sha256: String,
    added_at: String,
}

struct HistoryRow {
    revision: i64,
    at: String,
    actor: String,
    action: String,
    change: String,
    comment: String,
}

fn human(at: &str) -> String {
    crate::output::human_date(at).unwrap_or_else(|| at.to_string())
}

fn state_word(code: &str, lang: Lang) -> String {
    capitalized(crate::glossary::code_word(code, lang).unwrap_or(code))
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The report as the signed-in reader may see it (`report show`), with what their
/// role lets them do now (from "my work", the list the same grants make).
fn view_of(ctx: &Ctx, which: &ops::report::Which, lang: Lang) -> Result<View> {
    let now = ctx.clock.now();
    let (v, regime, action, delegated, outline) = ctx.read(|tx, actor| {
        let v = ops::report::show(tx, actor, which, now)?;
        let regime = ops::regime::find(tx, &v.regime)?;
        // The outline the submission checks a narrative or combined report against.
        let form = ops::regime::form_for(tx, &regime, &v.period)?;
        let outline = match form.kind {
            crate::form::FormKind::Numeric => None,
            _ => ops::outline::of(tx, regime.id)?,
        };
        // The step its own role takes (a delegated approval of the figures is below).
        let action = ops::monitor::my_work(tx, actor, now)?
            .into_iter()
            .find(|t| {
                let o = &t.obligation;
                o.regime == v.regime && o.unit == v.unit && o.period == v.period
            })
            .filter(|t| !t.delegated)
            .and_then(|t| t.action);
        // A data-entry account the leader delegated the figures to approves them too
        // (Ninh Bình Art. 10(2b)).
        let pending_data = v.status
            == crate::domain::workflow::ReportStatus::Revision(
                crate::domain::workflow::RevisionStatus::PendingDataApproval,
            );
        let delegated = pending_data
            && action != Some(Role::Approver)
            && ops::delegation::approves_data(tx, actor, &regime, &v.unit)?;
        Ok((v, regime, action, delegated, outline))
    })?;
    let period_words = match v.period.parse::<crate::domain::period::Period>() {
        Ok(p) if regime.period_label.is_none() && lang == Lang::Vi => p.name_vi(),
        Ok(p) if regime.period_label.is_none() => p.name_en(),
        _ => v.period.clone(),
    };
    let shown = human(&v.deadline);
    let (deadline, deadline_time) = match shown.split_once(' ') {
        Some((d, t)) => (d.to_string(), t.to_string()),
        None => (shown, String::new()),
    };
    let latest = v.revisions.last();
    let values = v
        .values
        .iter()
        .map(|l| ValueRow {
            stt: l.stt.clone().unwrap_or_default(),
            name: l.name.clone(),
            measure: l.unit.clone().unwrap_or_default(),
            column: l.column.clone(),
            value: super::words::number(l.value.as_str(), lang),
        })
        .collect();
    let warnings = latest
        .map(|r| {
            r.warnings
                .iter()
                .map(|w| w.msg().get(lang).to_string())
                .collect()
        })
        .unwrap_or_default();
    let attachments = v
        .attachments
        .iter()
        .map(|a| AttachmentRow {
            name: a.name.clone(),
            size: super::words::number(&a.size.to_string(), lang),
            sha256: a.sha256.clone(),
            added_at: human(&a.added_at),
        })
        .collect();
    let history = v
        .history
        .iter()
        .map(|t| HistoryRow {
            revision: t.revision,
            at: human(&t.at),
            actor: t.actor.clone(),
            action: words::action(&t.action, lang),
            change: match &t.from {
                Some(f) => format!("{} → {}", state_word(f, lang), state_word(&t.to, lang)),
                None => state_word(&t.to, lang),
            },
            comment: t.comment.clone().unwrap_or_default(),
        })
        .collect();
    Ok(View {
        url: report_url(&v.regime, &v.period, &v.unit),
        regime_name: regime.name.clone(),
        regime: v.regime.clone(),
        unit: v.unit.clone(),
        unit_name: v.unit_name.clone(),
        period_words,
        deadline,
        deadline_time,
        deadline_iso: v.deadline.clone(),
        state: state_word(v.status.as_str(), lang),
        timeliness_code: v.timeliness.as_str(),
        timeliness: crate::glossary::timeliness(v.timeliness, lang),
        revision: v.revision,
        sent_at: v.sent_at.as_deref().map(human),
        values,
        warnings,
        narrative: latest.and_then(|r| r.narrative.clone()),
        outline_unmet: match (&outline, latest.and_then(|r| r.narrative.as_deref())) {
            (Some(o), Some(text)) if !text.trim().is_empty() => {
                let found = o.check(text);
                if found.is_empty() {
                    Vec::new()
                } else {
                    ops::outline::finding_lines(&found)
                        .get(lang)
                        .lines()
                        .map(|l| l.trim().trim_start_matches("- ").to_string())
                        .collect()
                }
            }
            _ => Vec::new(),
        },
        outline: outline
            .map(|o| o.headings)
            .unwrap_or_default()
            .into_iter()
            .map(|h| OutlineLine {
                text: h.text,
                required: !h.optional,
            })
            .collect(),
        attachments,
        history,
        can_enter: action == Some(Role::DataEntry),
        can_approve: action == Some(Role::Approver),
        data_step: v.status
            == crate::domain::workflow::ReportStatus::Revision(
                crate::domain::workflow::RevisionStatus::PendingDataApproval,
            ),
        delegated_data: delegated,
        can_check: action == Some(Role::Checker),
        can_send: action == Some(Role::Sender),
    })
}

/// What a page's work found: who is signed in, and the report, or why not.
enum Found {
    /// Signed in, but the password must change first.
    MustChange,
    Report(Who, Box<Result<View>>),
}

fn find(app: &App, secret: String, lang: Lang, which: &ops::report::Which) -> Result<Found> {
    let ctx = ctx(app, Some(secret), lang, "report show")?;
    let who = who(&ctx)?;
    if who.must_change {
        return Ok(Found::MustChange);
    }
    let view = view_of(&ctx, which, lang);
    Ok(Found::Report(who, Box::new(view)))
}

/// What a page shows besides the report.
#[derive(Default)]
struct Extra {
    flash: Option<String>,
    error: Option<String>,
    upload: Option<Vec<files::UploadLine>>,
}

/// The report page, or the right refusal: to sign in when the session is gone, to the
/// password change when it must come first, the operation's error otherwise.
fn render(
    app: &App,
    secret: &str,
    lang: Lang,
    found: std::result::Result<Result<Found>, Response>,
    status: StatusCode,
    extra: Extra,
) -> Response {
    match found {
        Err(page) => page,
        Ok(Err(e)) if e.kind == Kind::Denied => to_signin(true),
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok(Found::MustChange)) => Redirect::to("/password").into_response(),
        Ok(Ok(Found::Report(who, view))) => {
            let v = match *view {
                Ok(v) => v,
                Err(e) => return failed(lang, &e),
            };
            let mut page = Page::new(lang, |w| w.error_title);
            page.title = words::of(lang).title;
            page.user = Some(who.username);
            page.csrf = app.csrf.token(secret);
            page.notices = who.notices;
            html(
                status,
                ReportPage {
                    page,
                    rw: words::of(lang),
                    v,
                    flash: extra.flash,
                    error: extra.error,
                    upload: extra.upload,
                }
                .render(),
            )
        }
    }
}

/// The status an operation's refusal is answered with.
fn status_of(kind: Kind) -> StatusCode {
    match kind {
        Kind::Denied => StatusCode::FORBIDDEN,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::Invalid | Kind::Usage => StatusCode::UNPROCESSABLE_ENTITY,
        Kind::State => StatusCode::CONFLICT,
        Kind::Busy => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An operation's message for a page: times as people write them, and no command-line
/// option names.
fn said(e: &Error, lang: Lang) -> String {
    humane(e.msg.get(lang)).replace(" (--reason)", "")
}

/// The flash message the cookie carries: a fixed code's words, or what the sending
/// said after `sent:` (the send page's own words, [`super::sending`]).
fn flash_text(value: &str, rw: &ReportWords) -> Option<String> {
    if let Some(said) = value.strip_prefix("sent:") {
        return Some(said.to_string());
    }
    Some(
        match value {
            "uploaded" => rw.flash_uploaded,
            "narrative" => rw.flash_narrative,
            "attached" => rw.flash_attached,
            "submitted" => rw.flash_submitted,
            "submitted_check" => rw.flash_submitted_check,
            "submitted_data" => rw.flash_submitted_data,
            "approved" => rw.flash_approved,
            "checked" => rw.flash_checked,
            "data_approved" => rw.flash_data_approved,
            "rejected" => rw.flash_rejected,
            _ => return None,
        }
        .to_string(),
    )
}

/// A submission's flash names the step it went to: the checker (kiểm tra), the leader's
/// approval of the figures, or the leader's approval, as the regime's chain says.
fn flash_after(
    flash: &'static str,
    status: crate::domain::workflow::RevisionStatus,
) -> &'static str {
    match (flash, status) {
        ("submitted", crate::domain::workflow::RevisionStatus::PendingCheck) => "submitted_check",
        ("submitted", crate::domain::workflow::RevisionStatus::PendingDataApproval) => {
            "submitted_data"
        }
        _ => flash,
    }
}

/// Back to the report page (303), with the flash message's code in a cookie that lives
/// a minute, for this site only, out of scripts' reach.
fn done(n: &Named, code: &'static str) -> Response {
    with_cookies(Redirect::to(&n.url()).into_response(), [flash::set(code)])
}

/// `GET /report/{regime}/{period}/{unit}`.
async fn page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    coordinates: Coordinates,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let n = named(coordinates);
    let r = reader(&headers, &q);
    let lang = r.lang;
    let Some(secret) = security::cookie(&headers, SESSION_COOKIE) else {
        return with_cookies(to_signin(false), r.set);
    };
    let (flash_value, cleared) = flash::take(&headers);
    let flash = flash_value
        .as_deref()
        .and_then(|c| flash_text(c, words::of(lang)));
    let which = n.which();
    let job_secret = secret.clone();
    let found = blocking(&app, lang, move |app| find(app, job_secret, lang, &which)).await;
    let extra = Extra {
        flash,
        ..Extra::default()
    };
    let page = render(&app, &secret, lang, found, StatusCode::OK, extra);
    with_cookies(page, r.set.into_iter().chain(cleared))
}

/// A refused action: the report page again with the operation's message, in the
/// status its kind calls for; a plain error page when the report itself is not the
/// reader's to see.
async fn refused(app: &Arc<App>, secret: String, lang: Lang, n: &Named, e: Error) -> Response {
    if matches!(e.kind, Kind::Denied | Kind::NotFound) {
        return failed(lang, &e);
    }
    let which = n.which();
    let job_secret = secret.clone();
    let found = blocking(app, lang, move |app| find(app, job_secret, lang, &which)).await;
    let extra = Extra {
        error: Some(said(&e, lang)),
        ..Extra::default()
    };
    render(app, &secret, lang, found, status_of(e.kind), extra)
}

/// Runs one change as the session's holder, as the CLI's `command` does.
async fn change<T: Send + 'static>(
    app: &Arc<App>,
    secret: &str,
    lang: Lang,
    command: &'static str,
    f: impl FnOnce(&Ctx) -> Result<T> + Send + 'static,
) -> std::result::Result<Result<T>, Response> {
    let job_secret = secret.to_string();
    blocking(app, lang, move |app| {
        let ctx = ctx(app, Some(job_secret), lang, command)?;
        f(&ctx)
    })
    .await
}

/// `POST …/narrative`: `report narrative set` with the text of the form.
async fn narrative(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    coordinates: Coordinates,
    form: std::result::Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let lang = reader(&headers, &HashMap::new()).lang;
    let form = form_of(form);
    let secret = match posted_session(&app, &headers, &form, lang) {
        Ok(s) => s,
        Err(refused) => return *refused,
    };
    let n = named(coordinates);
    let text = form.get("narrative").cloned().unwrap_or_default();
    let which = n.which();
    let outcome = change(&app, &secret, lang, "report narrative", move |ctx| {
        ctx.write(|tx, actor, rec| ops::report::narrative(tx, actor, rec, &which, &text))
    })
    .await;
    match outcome {
        Err(page) => page,
        Ok(Ok(_)) => done(&n, "narrative"),
        Ok(Err(e)) => refused(&app, secret, lang, &n, e).await,
    }
}

/// A workflow step (`report submit`, `approve`, `reject`) as the CLI takes it.
async fn step(
    app: Arc<App>,
    headers: HeaderMap,
    n: Named,
    form: std::result::Result<Form<HashMap<String, String>>, FormRejection>,
    action: Action,
    command: &'static str,
    flash: &'static str,
) -> Response {
    let lang = reader(&headers, &HashMap::new()).lang;
    let form = form_of(form);
    let secret = match posted_session(&app, &headers, &form, lang) {
        Ok(s) => s,
        Err(refused) => return *refused,
    };
    let reason = form
        .get("reason")
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    let s = ops::report::Step {
        which: n.which(),
        action,
        reason,
        signed: None,
        key_files: false,
    };
    let outcome = change(&app, &secret, lang, command, move |ctx| {
        ctx.write(|tx, actor, rec| {
            let now = ctx.record_time(tx)?;
            ops::report::step(tx, actor, rec, &ctx.db, now, &s)
        })
    })
    .await;
    match outcome {
        Err(page) => page,
        Ok(Ok(stepped)) => done(&n, flash_after(flash, stepped.status)),
        Ok(Err(e)) => refused(&app, secret, lang, &n, e).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_addresses_are_percent_encoded_and_flash_codes_are_fixed_words() {
        assert_eq!(
            report_url("KTXH", "2026Q1", "000.01.01.H99"),
            "/report/KTXH/2026Q1/000.01.01.H99"
        );
        assert_eq!(report_url("A B", "2026/1", "x"), "/report/A%20B/2026%2F1/x");
        assert_eq!(
            flash_text("submitted", &words::VI).as_deref(),
            Some("Đã trình lãnh đạo phê duyệt.")
        );
        assert_eq!(
            flash_text("sent:Đã ký số và gửi.", &words::VI).as_deref(),
            Some("Đã ký số và gửi.")
        );
        assert_eq!(flash_text("<script>", &words::EN), None);
        // A submission names the step the chain sends it to.
        use crate::domain::workflow::RevisionStatus as S;
        let said = |st| flash_text(flash_after("submitted", st), &words::VI).unwrap();
        assert_eq!(said(S::PendingApproval), "Đã trình lãnh đạo phê duyệt.");
        assert_eq!(said(S::PendingCheck), "Đã trình kiểm tra số liệu.");
        assert_eq!(
            said(S::PendingDataApproval),
            "Đã trình lãnh đạo duyệt số liệu."
        );
        assert_eq!(flash_after("approved", S::Approved), "approved");
    }
}
