//! The lead unit's status board (bảng theo dõi): the regimes and recent periods the
//! reader's grants make it lead (`/boards`), and one regime's period (`/board/{r}/{p}`)
//! — every assigned unit with its state, timeliness and sending time as `baocao status`
//! lists them, accept and return as `report accept` / `report return`, the aggregated
//! and dashboard workbooks as `export aggregate` / `export dashboard` write them (each
//! a logged data use), and two charts drawn here as inline SVG ([`svg`]).
//!
//! Who may do what is the operations' decision: the board is read through
//! [`ops::dashboard::may_see`] (an aggregator or viewer of the regime's lead unit: every
//! unit; a unit's leader or viewer: its own subtree), accepting and returning through
//! [`ops::report::step`].

mod svg;

use crate::files::Scratch;
use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::flash::{self, percent_decode, percent_encode};
use super::{
    blocking, csrf_refused, ctx, failed, form_of, html, reader, security, to_signin, who,
    with_cookies, words, Page, SESSION_COOKIE,
};
use crate::context::Ctx;
use crate::domain::period::Period;
use crate::domain::workflow::{ReportStatus, RevisionStatus, Timeliness};
use crate::error::{Error, Kind, Lang, Msg, Result};
use crate::ops;
use crate::serve::App;

/// Periods shown per regime on `/boards`: the current one and the ones before it.
const RECENT_PERIODS: usize = 4;
/// Periods the indicator chart and the dashboard workbook cover, ending at the board's.
const CHART_PERIODS: usize = 6;
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// This family's routes, for [`super::router`].
pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/boards", get(boards))
        .route("/board/{regime}/{period}", get(board))
        .route(
            "/board/{regime}/{period}/aggregate.xlsx",
            get(aggregate_xlsx),
        )
        .route(
            "/board/{regime}/{period}/dashboard.xlsx",
            get(dashboard_xlsx),
        )
        .route(
            "/board/{regime}/{period}/narratives.docx",
            get(narratives_docx),
        )
        .route(
            "/board/{regime}/{period}/{unit}/accept",
            acting(ops::report::Action::Accept),
        )
        .route(
            "/board/{regime}/{period}/{unit}/return",
            acting(ops::report::Action::Return),
        )
}

/// The POST handler that accepts or returns one unit's report ([`act`]).
fn acting(action: ops::report::Action) -> axum::routing::MethodRouter<Arc<App>> {
    post(
        move |State(app): State<Arc<App>>,
              headers: HeaderMap,
              Path(at): Path<(String, String, String)>,
              Query(q): Query<HashMap<String, String>>,
              form: std::result::Result<Form<HashMap<String, String>>, FormRejection>| async move {
            act(app, headers, q, form_of(form), at, action).await
        },
    )
}

/// What the board pages say.
pub struct BoardWords {
    pub boards_title: &'static str,
    pub boards_intro: &'static str,
    pub boards_empty: &'static str,
    pub lead_unit: &'static str,
    pub no_periods: &'static str,
    pub board_title: &'static str,
    pub col_unit: &'static str,
    pub col_state: &'static str,
    pub col_timeliness: &'static str,
    pub col_deadline: &'static str,
    pub col_sent_at: &'static str,
    pub col_action: &'static str,
    pub returned_times: &'static str,
    pub summary: &'static str,
    pub units_assigned: &'static str,
    pub accept: &'static str,
    pub give_back: &'static str,
    pub reason: &'static str,
    pub reason_hint: &'static str,
    pub nothing_to_do: &'static str,
    pub downloads: &'static str,
    pub download_aggregate: &'static str,
    pub download_dashboard: &'static str,
    pub download_narratives: &'static str,
    pub narratives_hint: &'static str,
    pub no_narratives: &'static str,
    pub downloads_hint: &'static str,
    pub charts: &'static str,
    pub chart_timeliness: &'static str,
    pub chart_timeliness_desc: &'static str,
    pub chart_indicator: &'static str,
    pub indicator: &'static str,
    pub show: &'static str,
    pub chart_data: &'static str,
    pub count: &'static str,
    pub period: &'static str,
    pub value: &'static str,
    pub no_figure: &'static str,
    pub indicator_desc: &'static str,
    pub units_counted: &'static str,
    pub accepted_flash: &'static str,
    pub returned_flash: &'static str,
    pub back_to_board: &'static str,
    pub all_boards: &'static str,
}

pub static VI: BoardWords = BoardWords {
    boards_title: "Bảng theo dõi",
    boards_intro: "Các chế độ báo cáo mà đơn vị bạn chủ trì tổng hợp, với các kỳ gần đây. Chọn một kỳ để xem tình hình gửi báo cáo của từng đơn vị.",
    boards_empty: "Tài khoản của bạn không chủ trì tổng hợp chế độ báo cáo nào.",
    lead_unit: "Đơn vị chủ trì",
    no_periods: "Chưa có kỳ báo cáo nào đến hạn.",
    board_title: "Bảng theo dõi",
    col_unit: "Đơn vị",
    col_state: "Trạng thái",
    col_timeliness: "Thời hạn",
    col_deadline: "Hạn gửi",
    col_sent_at: "Gửi lúc",
    col_action: "Tiếp nhận hoặc trả lại",
    returned_times: "lần bị trả lại",
    summary: "Tóm tắt",
    units_assigned: "đơn vị được giao",
    accept: "Tiếp nhận",
    give_back: "Trả lại",
    reason: "Lý do trả lại",
    reason_hint: "Bắt buộc; đơn vị sẽ thấy lý do này.",
    nothing_to_do: "—",
    downloads: "Tải về",
    download_aggregate: "Bảng tổng hợp (.xlsx)",
    download_dashboard: "Bảng theo dõi có biểu đồ (.xlsx)",
    download_narratives: "Tải thuyết minh tổng hợp (.docx)",
    narratives_hint: "Phần thuyết minh của các báo cáo đã tiếp nhận, theo thứ tự cây đơn vị; đơn vị chưa gửi hoặc chưa được tiếp nhận được ghi rõ.",
    no_narratives: "Chưa có báo cáo nào đã tiếp nhận trong kỳ này có phần thuyết minh, nên không có gì để tổng hợp.",
    downloads_hint: "Tổng hợp các báo cáo đã tiếp nhận. Mỗi lần tải về được ghi vào nhật ký sử dụng số liệu.",
    charts: "Biểu đồ",
    chart_timeliness: "Số đơn vị theo thời hạn gửi",
    chart_timeliness_desc: "Số đơn vị đúng hạn, trong gia hạn, trễ hạn, chưa gửi và chưa đến hạn trong kỳ này.",
    chart_indicator: "Chỉ tiêu qua các kỳ",
    indicator: "Chỉ tiêu",
    show: "Xem",
    chart_data: "Số liệu của biểu đồ",
    count: "Số đơn vị",
    period: "Kỳ báo cáo",
    value: "Giá trị",
    no_figure: "chưa có số liệu",
    indicator_desc: "Giá trị tổng hợp từ các báo cáo đã tiếp nhận, cột",
    units_counted: "đơn vị được tổng hợp",
    accepted_flash: "Đã tiếp nhận báo cáo của",
    returned_flash: "Đã trả lại báo cáo của",
    back_to_board: "Về bảng theo dõi",
    all_boards: "Mọi bảng theo dõi",
};

pub static EN: BoardWords = BoardWords {
    boards_title: "Status boards",
    boards_intro: "The regimes your unit leads and aggregates, with their recent periods. Choose a period to see how each unit's report stands.",
    boards_empty: "Your account leads no reporting regime.",
    lead_unit: "Lead unit",
    no_periods: "No period has come due yet.",
    board_title: "Status board",
    col_unit: "Unit",
    col_state: "State",
    col_timeliness: "Timeliness",
    col_deadline: "Deadline",
    col_sent_at: "Sent at",
    col_action: "Accept or return",
    returned_times: "times returned",
    summary: "Summary",
    units_assigned: "units assigned",
    accept: "Accept",
    give_back: "Return",
    reason: "Reason for returning",
    reason_hint: "Required; the unit will see it.",
    nothing_to_do: "—",
    downloads: "Downloads",
    download_aggregate: "Aggregated workbook (.xlsx)",
    download_dashboard: "Dashboard workbook with charts (.xlsx)",
    download_narratives: "Download the compiled narratives (.docx)",
    narratives_hint: "The narratives of the accepted reports, in the unit tree's order; units that have not sent or are not yet accepted are named as such.",
    no_narratives: "No accepted report of this period carries a narrative yet, so there is nothing to compile.",
    downloads_hint: "Aggregated from the accepted reports. Every download is written to the data use log.",
    charts: "Charts",
    chart_timeliness: "Units by timeliness",
    chart_timeliness_desc: "How many units sent on time, within an extension, late, not at all, or are not due yet in this period.",
    chart_indicator: "An indicator over the periods",
    indicator: "Indicator",
    show: "Show",
    chart_data: "The chart's figures",
    count: "Units",
    period: "Period",
    value: "Value",
    no_figure: "no figure yet",
    indicator_desc: "Aggregated from the accepted reports, column",
    units_counted: "units aggregated",
    accepted_flash: "Accepted the report of",
    returned_flash: "Returned the report of",
    back_to_board: "Back to the status board",
    all_boards: "All status boards",
};

fn board_words(lang: Lang) -> &'static BoardWords {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

/// The status board of `regime` and `period`, its parts percent-encoded.
pub(super) fn board_path(regime: &str, period: &str) -> String {
    format!(
        "/board/{}/{}",
        percent_encode(regime),
        percent_encode(period)
    )
}

/// A period in the reader's words ("Tháng 11 năm 2026"), or its id.
fn period_words(id: &str, lang: Lang) -> String {
    match Period::parse(id) {
        Ok(p) if lang == Lang::Vi => p.name_vi(),
        Ok(p) => p.name_en(),
        Err(_) => id.to_string(),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn shown_time(s: &str) -> String {
    crate::output::human_date(s).unwrap_or_else(|| s.to_string())
}

/// The page frame for a signed-in reader.
fn page_for(app: &App, lang: Lang, secret: &str, who: super::Who, title: &'static str) -> Page {
    let mut page = Page::new(lang, |w| w.work_title);
    page.title = title;
    page.user = Some(who.username);
    page.csrf = app.csrf.token(secret);
    page.notices = who.notices;
    page
}

/// Who is signed in, or the response to give instead (sign in, change the password).
enum Signed {
    In(super::Who),
    Out(Response),
}

fn signed(ctx: &Ctx) -> Signed {
    match who(ctx) {
        Err(_) => Signed::Out(to_signin(true)),
        Ok(w) if w.must_change => Signed::Out(Redirect::to("/password").into_response()),
        Ok(w) => Signed::In(w),
    }
}

// ---------------------------------------------------------------- /boards

#[derive(Template)]
#[template(path = "boards.html")]
struct BoardsPage {
    page: Page,
    bw: &'static BoardWords,
    regimes: Vec<RegimeLine>,
}

struct RegimeLine {
    code: String,
    name: String,
    lead: String,
    periods: Vec<PeriodLink>,
}

struct PeriodLink {
    href: String,
    words: String,
    id: String,
}

/// `GET /boards`: the regimes the reader may aggregate, with the current period and the
/// few before it.
async fn boards(
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
    let found = blocking(&app, lang, move |app| -> Result<Response> {
        let ctx = ctx(app, Some(job_secret.clone()), lang, "boards")?;
        let who = match signed(&ctx) {
            Signed::Out(r) => return Ok(r),
            Signed::In(w) => w,
        };
        let now = ctx.clock.now();
        let regimes = ctx.read(|tx, actor| {
            let cal = ops::calendar::load(tx)?;
            let day = jiff::SignedDuration::from_hours(24);
            let mut out = Vec::new();
            for r in ops::regime::list(tx, false)? {
                if ops::dashboard::may_see(tx, actor, &r).is_err() {
                    continue;
                }
                // The period due next (being collected now), then those already due.
                let next = ops::regime::periods_due(&r, now, now + day * 62, &cal)?;
                let past = ops::regime::periods_due(&r, now - day * 400, now, &cal)?;
                let mut ids: Vec<String> = next.into_iter().take(1).collect();
                ids.extend(past.into_iter().rev());
                if ids.is_empty() {
                    if let Some(label) = &r.period_label {
                        ids.push(label.clone());
                    }
                }
                ids.dedup();
                ids.truncate(RECENT_PERIODS);
                let lead = ops::unit::find(tx, &r.lead_unit)
                    .map(|u| u.name)
                    .unwrap_or_else(|_| r.lead_unit.clone());
                out.push(RegimeLine {
                    periods: ids
                        .into_iter()
                        .map(|id| PeriodLink {
                            href: board_path(&r.code, &id),
                            words: period_words(&id, lang),
                            id,
                        })
                        .collect(),
                    code: r.code,
                    name: r.name,
                    lead,
                });
            }
            Ok(out)
        })?;
        let bw = board_words(lang);
        let page = page_for(app, lang, &job_secret, who, bw.boards_title);
        Ok(html(
            StatusCode::OK,
            BoardsPage { page, bw, regimes }.render(),
        ))
    })
    .await;
    let page = match found {
        Err(page) => page,
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok(page)) => page,
    };
    with_cookies(page, r.set)
}

// ---------------------------------------------------------------- /board/{r}/{p}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    page: Page,
    bw: &'static BoardWords,
    regime: String,
    regime_name: String,
    period: String,
    period_words: String,
    base: String,
    flash: Option<String>,
    excluded_note: Option<String>,
    rows: Vec<BoardRow>,
    summary: Vec<(String, usize)>,
    total: usize,
    timeliness_chart: String,
    timeliness_data: Vec<(String, String)>,
    indicator: Option<IndicatorChart>,
    indicator_note: Option<String>,
    /// The form has a narrative part: the compiled narratives can be downloaded.
    narratives: bool,
}

struct BoardRow {
    unit: String,
    unit_name: String,
    report_href: String,
    state_code: &'static str,
    state: String,
    returned: usize,
    timeliness_code: &'static str,
    timeliness: &'static str,
    deadline: String,
    deadline_iso: String,
    sent_at: String,
    sent_iso: String,
    /// Sent and waiting: the accept and return forms are shown (the op still decides).
    sent: bool,
    accept_action: String,
    return_action: String,
}

struct IndicatorChart {
    svg: String,
    title: String,
    desc: String,
    options: Vec<IndicatorOption>,
    data: Vec<(String, String)>,
}

struct IndicatorOption {
    key: String,
    label: String,
    selected: bool,
}

/// What an action did, as the flash cookie carries it: `board:{verb}:{r}:{p}:{unit}`,
/// each part percent-encoded; no free text.
fn flash_value(verb: &str, regime: &str, period: &str, unit: &str) -> String {
    format!(
        "board:{verb}:{}:{}:{}",
        percent_encode(regime),
        percent_encode(period),
        percent_encode(unit)
    )
}

/// The flash for this board, when the cookie holds one of ours: (verb, unit).
fn read_flash(value: &str, regime: &str, period: &str) -> Option<(String, String)> {
    let mut parts = value.split(':');
    if parts.next()? != "board" {
        return None;
    }
    let verb = parts.next()?.to_string();
    let (r, p, u) = (
        percent_decode(parts.next()?),
        percent_decode(parts.next()?),
        percent_decode(parts.next()?),
    );
    (r == regime && p == period).then_some((verb, u))
}

/// `GET /board/{r}/{p}`: the status board.
async fn board(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((regime, period)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = reader(&headers, &q);
    let lang = r.lang;
    let Some(secret) = security::cookie(&headers, SESSION_COOKIE) else {
        return with_cookies(to_signin(false), r.set);
    };
    let (flash, cleared) = flash::take(&headers);
    let chosen = q.get("indicator").cloned().filter(|s| !s.trim().is_empty());
    let job_secret = secret.clone();
    let found = blocking(&app, lang, move |app| -> Result<Response> {
        let ctx = ctx(app, Some(job_secret.clone()), lang, "board")?;
        let who = match signed(&ctx) {
            Signed::Out(r) => return Ok(r),
            Signed::In(w) => w,
        };
        let p = build_board(&ctx, &regime, &period, chosen.as_deref(), flash.as_deref())?;
        let bw = board_words(lang);
        let page = page_for(app, lang, &job_secret, who, bw.board_title);
        Ok(html(StatusCode::OK, BoardPage { page, ..p }.render()))
    })
    .await;
    let page = match found {
        Err(page) => page,
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok(page)) => page,
    };
    with_cookies(page, r.set.into_iter().chain(cleared))
}

/// The board's content (its `page` is filled by the caller): the status as `baocao
/// status` lists it, read by an aggregator or viewer of the lead unit only; the
/// indicator over the recent periods as `baocao dashboard` computes it, logged as a
/// data use before it is shown.
fn build_board(
    ctx: &Ctx,
    regime: &str,
    period: &str,
    chosen: Option<&str>,
    flash: Option<&str>,
) -> Result<BoardPage> {
    let lang = ctx.lang();
    let bw = board_words(lang);
    let now = ctx.clock.now();
    let (r, period, listing, form) = ctx.read(|tx, actor| {
        // The lead unit sees every unit; a unit's leader or viewer its own subtree
        // (the listing and the aggregates below follow the same grants).
        let r = ops::regime::find(tx, regime)?;
        ops::dashboard::may_see(tx, actor, &r)?;
        let period = ops::regime::parse_period(&r, period)?;
        let listing = ops::monitor::status(tx, actor, &r.code, &period, now)?;
        let form = ops::form::load(tx, &ops::regime::rules_for(&r, &period).form, None)?;
        Ok((r, period, listing, form))
    })?;
    let base = board_path(&r.code, &period);
    let rows: Vec<BoardRow> = listing
        .obligations
        .iter()
        .map(|o| {
            let state_code = o.status.as_str();
            let state = crate::glossary::code_word(state_code, lang).unwrap_or(state_code);
            let unit_path = format!("{base}/{}", percent_encode(&o.unit));
            BoardRow {
                unit: o.unit.clone(),
                unit_name: o.unit_name.clone(),
                report_href: format!(
                    "/report/{}/{}/{}",
                    percent_encode(&r.code),
                    percent_encode(&period),
                    percent_encode(&o.unit)
                ),
                state_code,
                state: capitalized(state),
                returned: o.returned,
                timeliness_code: o.timeliness.as_str(),
                timeliness: crate::glossary::timeliness(o.timeliness, lang),
                deadline: shown_time(&o.deadline),
                deadline_iso: o.deadline.clone(),
                sent_at: o.sent_at.as_deref().map(shown_time).unwrap_or_default(),
                sent_iso: o.sent_at.clone().unwrap_or_default(),
                sent: o.status == ReportStatus::Revision(RevisionStatus::Sent),
                accept_action: format!("{unit_path}/accept"),
                return_action: format!("{unit_path}/return"),
            }
        })
        .collect();

    // States, in the order of the workflow.
    let order = [
        "not_started",
        "draft",
        "pending_approval",
        "approved",
        "sent",
        "accepted",
        "returned",
    ];
    let summary: Vec<(String, usize)> = order
        .iter()
        .filter_map(|code| {
            let n = rows.iter().filter(|r| r.state_code == *code).count();
            let w = crate::glossary::code_word(code, lang).unwrap_or(code);
            (n > 0).then(|| (capitalized(w), n))
        })
        .collect();

    // Units by timeliness.
    let bars: Vec<svg::Bar> = Timeliness::ALL
        .iter()
        .map(|t| {
            let n = listing
                .obligations
                .iter()
                .filter(|o| o.timeliness == *t)
                .count();
            svg::Bar {
                label: crate::glossary::timeliness(*t, lang).to_string(),
                value: Some(n as f64),
                shown: n.to_string(),
                class: t.as_str(),
            }
        })
        .collect();
    let timeliness_data = bars
        .iter()
        .map(|b| (b.label.clone(), b.shown.clone()))
        .collect();
    let timeliness_chart = svg::bars(
        "chart-timeliness",
        bw.chart_timeliness,
        bw.chart_timeliness_desc,
        &bars,
    );

    // The indicator over the recent periods, as the dashboard computes it.
    let options: Vec<(String, String)> = form
        .rows
        .iter()
        .filter(|row| row.role != crate::form::RowRole::Heading)
        .map(|row| (row.key.clone(), option_label(row.stt.as_deref(), &row.name)))
        .collect();
    let pick = chosen
        .and_then(|c| options.iter().find(|(k, _)| k == c))
        .or(options.first())
        .map(|(k, _)| k.clone());
    let (indicator, indicator_note) = match pick {
        None => (None, None),
        Some(key) => match indicator_chart(ctx, &r.code, &period, &key, &options) {
            Ok(c) => (Some(c), None),
            // A refusal or a failed data-use log stops the page: no figure unlogged.
            Err(e) if matches!(e.kind, Kind::Denied | Kind::Failure) => return Err(e),
            Err(e) => (None, Some(super::humane(e.msg.get(lang)))),
        },
    };

    let flash = flash
        .and_then(|f| read_flash(f, &r.code, &period))
        .map(|(verb, unit)| {
            let name = rows
                .iter()
                .find(|row| row.unit == unit)
                .map(|row| row.unit_name.clone())
                .unwrap_or(unit);
            let what = if verb == "return" {
                bw.returned_flash
            } else {
                bw.accepted_flash
            };
            format!("{what} {name}.")
        });

    Ok(BoardPage {
        page: Page::new(lang, |w| w.work_title),
        bw,
        period_words: period_words(&period, lang),
        regime: r.code.clone(),
        regime_name: r.name.clone(),
        period,
        base,
        flash,
        excluded_note: ops::monitor::excluded_note(&listing.excluded)
            .map(|m| m.get(lang).to_string()),
        total: rows.len(),
        rows,
        summary,
        timeliness_chart,
        timeliness_data,
        indicator,
        indicator_note,
        narratives: form.kind != crate::form::FormKind::Numeric,
    })
}

/// An indicator as the choice lists it: "1. Diện tích", "- Lúa" (a bullet takes no dot).
fn option_label(stt: Option<&str>, name: &str) -> String {
    match stt.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) if s.ends_with(|c: char| c.is_alphanumeric()) => format!("{s}. {name}"),
        Some(s) => format!("{s} {name}"),
        None => name.to_string(),
    }
}

/// The [`CHART_PERIODS`] periods ending at `period`, as `--from` and `--to` would give.
fn chart_span(period: &str) -> Result<Vec<Period>> {
    let last = Period::parse(period)
        .map_err(|e| Error::new(Kind::Invalid, Msg::new(e.message_vi(), e.message_en())))?;
    let mut first = last;
    for _ in 1..CHART_PERIODS {
        match first.prev() {
            Some(p) => first = p,
            None => break,
        }
    }
    ops::dashboard::span(&first.to_string(), &last.to_string())
}

fn indicator_chart(
    ctx: &Ctx,
    regime: &str,
    period: &str,
    key: &str,
    options: &[(String, String)],
) -> Result<IndicatorChart> {
    let lang = ctx.lang();
    let bw = board_words(lang);
    let req = ops::dashboard::Request {
        regime: Some(regime.to_string()),
        periods: chart_span(period)?,
        indicators: vec![key.to_string()],
        column: None,
    };
    let (now, today) = (ctx.clock.now(), ctx.clock.today());
    let d = ctx.read(|tx, actor| ops::dashboard::show(tx, actor, &req, now, today, &()))?;
    if let Some(usage) = d.data_use("html") {
        ctx.log_data_use(&usage)?;
    }
    let series = d.indicators.first().ok_or_else(|| {
        Error::new(
            Kind::NotFound,
            Msg::new("Biểu không có chỉ tiêu nào", "The form has no indicators"),
        )
    })?;
    let bars: Vec<svg::Bar> = series
        .points
        .iter()
        .map(|p| {
            let value = p.value.as_deref().and_then(|v| v.parse::<f64>().ok());
            svg::Bar {
                label: period_words(&p.period, lang),
                value,
                shown: match &p.value {
                    Some(v) => words::number(v, lang),
                    None => bw.no_figure.to_string(),
                },
                class: "indicator",
            }
        })
        .collect();
    let unit = series
        .unit
        .as_deref()
        .map(|u| format!(" ({u})"))
        .unwrap_or_default();
    let title = format!("{}{unit}", series.name);
    let column = d
        .column
        .as_ref()
        .map(|c| format!("{} ({})", c.number, c.header))
        .unwrap_or_default();
    let desc = format!("{} {column}.", bw.indicator_desc);
    let data = series
        .points
        .iter()
        .zip(&bars)
        .map(|(p, b)| {
            (
                b.label.clone(),
                format!(
                    "{} — {}/{} {}",
                    b.shown, p.units_included, p.units_expected, bw.units_counted
                ),
            )
        })
        .collect();
    Ok(IndicatorChart {
        svg: svg::bars("chart-indicator", &title, &desc, &bars),
        title,
        desc,
        options: options
            .iter()
            .map(|(k, label)| IndicatorOption {
                selected: k == key,
                key: k.clone(),
                label: label.clone(),
            })
            .collect(),
        data,
    })
}

// ---------------------------------------------------------------- accept, return

#[derive(Template)]
#[template(path = "board_refused.html")]
struct RefusedPage {
    page: Page,
    bw: &'static BoardWords,
    message: String,
    back: String,
}

/// A refused action: the operation's message, with the way back to the board; the
/// status as [`failed`] gives it.
fn refused(lang: Lang, e: &Error, back: String) -> Response {
    let status = match e.kind {
        Kind::Denied => StatusCode::FORBIDDEN,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::Invalid | Kind::Usage => StatusCode::UNPROCESSABLE_ENTITY,
        Kind::State => StatusCode::CONFLICT,
        Kind::Busy => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut page = Page::new(lang, |w| w.refused_title);
    if status.is_server_error() {
        page.title = page.w.error_title;
    }
    // The CLI's flag means nothing on a page.
    let message = super::humane(e.msg.get(lang)).replace(" (--reason)", "");
    html(
        status,
        RefusedPage {
            page,
            bw: board_words(lang),
            message,
            back,
        }
        .render(),
    )
}

/// Accept or return one unit's sent report: the CSRF token first, then
/// [`ops::report::step`] as `report accept` / `report return` run it; back to the board
/// with a flash, or the refusal with the way back.
async fn act(
    app: Arc<App>,
    headers: HeaderMap,
    q: HashMap<String, String>,
    form: HashMap<String, String>,
    (regime, period, unit): (String, String, String),
    action: ops::report::Action,
) -> Response {
    let r = reader(&headers, &q);
    let lang = r.lang;
    let secret = security::cookie(&headers, SESSION_COOKIE);
    if let Some(no) = csrf_refused(&app.csrf, secret.as_deref(), &form, lang) {
        return with_cookies(no, r.set);
    }
    let Some(secret) = secret else {
        return with_cookies(to_signin(false), r.set);
    };
    let back = board_path(&regime, &period);
    let reason = form
        .get("reason")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let (verb, command) = match action {
        ops::report::Action::Return => ("return", "report return"),
        _ => ("accept", "report accept"),
    };
    let job_back = back.clone();
    let done = blocking(&app, lang, move |app| -> Result<Response> {
        let ctx = ctx(app, Some(secret), lang, command)?;
        if let Signed::Out(r) = signed(&ctx) {
            return Ok(r);
        }
        let s = ops::report::Step {
            which: ops::report::Which {
                regime,
                period,
                unit: Some(unit),
            },
            action,
            reason,
            signed: None,
            key_files: false,
        };
        let stepped = ctx.write(|tx, actor, rec| {
            let now = ctx.record_time(tx)?;
            ops::report::step(tx, actor, rec, &ctx.db, now, &s)
        });
        Ok(match stepped {
            Ok(done) => {
                // The report's own codes, as the operation resolved them.
                let mut parts = done.report.splitn(3, '/');
                let (rg, un, pe) = (
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                );
                let to = board_path(rg, pe);
                with_cookies(
                    Redirect::to(&to).into_response(),
                    [flash::set(&flash_value(verb, rg, pe, un))],
                )
            }
            Err(e) => refused(lang, &e, job_back),
        })
    })
    .await;
    let page = match done {
        Err(page) => page,
        Ok(Err(e)) => refused(lang, &e, back),
        Ok(Ok(page)) => page,
    };
    with_cookies(page, r.set)
}

// ---------------------------------------------------------------- downloads

/// A file name from codes: letters, digits, `.`, `-`, `_` only.
fn file_name(parts: &[&str], ext: &str) -> String {
    let body: String = parts
        .join("-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{body}.{ext}")
}

fn attachment(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn read_written(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        Error::failure(
            Msg::new(
                "Không đọc lại được tệp vừa ghi",
                "Cannot read the written file back",
            ),
            e,
        )
    })
}

/// Which workbook.
#[derive(Clone, Copy)]
enum Book {
    Aggregate,
    Dashboard,
    /// Not a workbook: the compiled narratives, as `report narrative compile` writes them.
    Narratives,
}

async fn aggregate_xlsx(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((regime, period)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    download(app, headers, q, regime, period, Book::Aggregate).await
}

async fn dashboard_xlsx(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((regime, period)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    download(app, headers, q, regime, period, Book::Dashboard).await
}

async fn narratives_docx(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((regime, period)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    download(app, headers, q, regime, period, Book::Narratives).await
}

/// `GET /board/{r}/{p}/aggregate.xlsx` and `dashboard.xlsx`: the workbook `export
/// aggregate` / `export dashboard` writes, into a private folder, its use logged before
/// it is handed out (a failed log removes it), then sent as an attachment.
async fn download(
    app: Arc<App>,
    headers: HeaderMap,
    q: HashMap<String, String>,
    regime: String,
    period: String,
    book: Book,
) -> Response {
    let r = reader(&headers, &q);
    let lang = r.lang;
    let Some(secret) = security::cookie(&headers, SESSION_COOKIE) else {
        return with_cookies(to_signin(false), r.set);
    };
    let command = match book {
        Book::Aggregate => "export aggregate",
        Book::Dashboard => "export dashboard",
        Book::Narratives => "report narrative compile",
    };
    let back = board_path(&regime, &period);
    let found = blocking(&app, lang, move |app| -> Result<Response> {
        let ctx = ctx(app, Some(secret), lang, command)?;
        if let Signed::Out(r) = signed(&ctx) {
            return Ok(r);
        }
        // Who may aggregate, and the period as the regime spells it, before any file
        // is made; the operations check again.
        let period = ctx.read(|tx, actor| {
            let r = ops::regime::find(tx, &regime)?;
            ops::dashboard::may_see(tx, actor, &r)?;
            ops::regime::parse_period(&r, &period)
        })?;
        let scratch = Scratch::new("baocao-board").map_err(|e| {
            Error::failure(
                Msg::new(
                    "Không tạo được thư mục tạm",
                    "Cannot make a temporary folder",
                ),
                e,
            )
        })?;
        let now = ctx.clock.now();
        let (name, path, content_type) = match book {
            Book::Aggregate => {
                let name = file_name(&["tong-hop", &regime, &period], "xlsx");
                let path = scratch.path().join(&name);
                let req = ops::aggregate::Request {
                    regime,
                    period,
                    include: ops::aggregate::Include::Accepted,
                    grouping: ops::aggregate::Grouping::None,
                    ytd: false,
                    previous_year: false,
                    lineage: false,
                };
                let written = ctx.read(|tx, actor| {
                    ops::aggregate::write_workbook(tx, actor, &req, now, &path, false)
                })?;
                crate::audit::data_use::hand_out(&path, || ctx.log_data_use(&written.data_use()))?;
                (name, path, XLSX)
            }
            Book::Dashboard => {
                let name = file_name(&["bang-theo-doi", &regime, &period], "xlsx");
                let path = scratch.path().join(&name);
                let req = ops::dashboard::Request {
                    regime: Some(regime),
                    periods: chart_span(&period)?,
                    indicators: Vec::new(),
                    column: None,
                };
                let written = ctx.read(|tx, actor| {
                    ops::dashboard::export(tx, actor, &req, now, &path, false, &())
                })?;
                crate::audit::data_use::hand_out(&path, || ctx.log_data_use(&written.data_use()))?;
                (name, path, XLSX)
            }
            Book::Narratives => {
                let name = file_name(&["thuyet-minh", &regime, &period], "docx");
                let path = scratch.path().join(&name);
                let req = ops::report::CompileRequest {
                    regime,
                    period,
                    include: ops::aggregate::Include::Accepted,
                    lang,
                };
                let written = ctx.read(|tx, actor| {
                    ops::report::compile_narratives(tx, actor, &req, now, &path, false)
                })?;
                if written.units_with_narrative == 0 {
                    // Nothing handed out: the scratch folder goes with the document.
                    let e =
                        Error::new(Kind::NotFound, Msg::new(VI.no_narratives, EN.no_narratives));
                    return Ok(refused(lang, &e, back));
                }
                crate::audit::data_use::hand_out(&path, || ctx.log_data_use(&written.data_use()))?;
                (name, path, DOCX)
            }
        };
        let bytes = read_written(&path)?;
        drop(scratch);
        Ok(attachment(&name, content_type, bytes))
    })
    .await;
    let page = match found {
        Err(page) => page,
        Ok(Err(e)) => failed(lang, &e),
        Ok(Ok(page)) => page,
    };
    with_cookies(page, r.set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_names_its_board_and_unit_and_nothing_else() {
        let v = flash_value("accept", "KTXH", "202611", "000.01.01.H99");
        assert_eq!(v, "board:accept:KTXH:202611:000.01.01.H99");
        assert_eq!(
            read_flash(&v, "KTXH", "202611"),
            Some(("accept".into(), "000.01.01.H99".into()))
        );
        assert_eq!(read_flash(&v, "KTXH", "202610"), None);
        assert_eq!(read_flash("report:sent", "KTXH", "202611"), None);
        let odd = flash_value("return", "KT XH", "2026 Q1", "Xã:1");
        assert!(!odd.contains(' ') && !odd.contains(';'), "{odd}");
        assert_eq!(
            read_flash(&odd, "KT XH", "2026 Q1"),
            Some(("return".into(), "Xã:1".into()))
        );
    }

    #[test]
    fn indicators_are_listed_with_their_row_numbers() {
        assert_eq!(option_label(Some("1"), "Diện tích"), "1. Diện tích");
        assert_eq!(
            option_label(Some("II"), "Thu ngân sách"),
            "II. Thu ngân sách"
        );
        assert_eq!(option_label(Some("-"), "Lúa"), "- Lúa");
        assert_eq!(option_label(Some(" "), "Ngô"), "Ngô");
        assert_eq!(option_label(None, "Ngô"), "Ngô");
    }

    #[test]
    fn paths_and_file_names_carry_codes_safely() {
        assert_eq!(board_path("KTXH", "202611"), "/board/KTXH/202611");
        assert_eq!(board_path("KT/XH", "2026 Q1"), "/board/KT%2FXH/2026%20Q1");
        assert_eq!(
            file_name(&["tong-hop", "KTXH", "2026/11\""], "xlsx"),
            "tong-hop-KTXH-2026_11_.xlsx"
        );
    }

    #[test]
    fn the_indicator_chart_covers_six_periods_ending_at_the_board() {
        let span = chart_span("202611").unwrap();
        let ids: Vec<String> = span.iter().map(|p| p.to_string()).collect();
        assert_eq!(ids.len(), CHART_PERIODS);
        assert_eq!(ids.last().map(String::as_str), Some("202611"));
        assert_eq!(ids.first().map(String::as_str), Some("202606"));
    }
}
