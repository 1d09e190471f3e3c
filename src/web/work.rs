//! "Việc của tôi" (my work): the reports the account's grants make it responsible for,
//! worst first, from [`ops::monitor::my_work`].

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::{
    blocking, ctx, failed, html, reader, security, to_signin, who, with_cookies, words, Page, Who,
    SESSION_COOKIE,
};
use crate::error::{Kind, Lang, Result};
use crate::ops;
use crate::serve::App;

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    page: Page,
    rows: Vec<WorkRow>,
}

/// One report on the work list, in the reader's words.
struct WorkRow {
    class: &'static str,
    /// The report page's address.
    url: String,
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

/// `GET /work`: "my work", worst first.
pub(super) async fn work(
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
    } else if t.waiting_on.is_none() && t.action.is_none() {
        "done"
    } else {
        "open"
    };
    // A lead unit accepts or returns on its status board; everyone else works on the
    // report itself.
    let url = match t.action {
        Some(crate::auth::permission::Role::Aggregator) => {
            super::board::board_path(&o.regime, &o.period)
        }
        _ => super::report::report_url(&o.regime, &o.period, &o.unit),
    };
    WorkRow {
        class,
        url,
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
        next: if t.delegated {
            words::delegated_figures_step(lang)
        } else {
            words::next_step(o.status, t.action, t.waiting_on, lang)
        },
        mine: t.action.is_some(),
    }
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
