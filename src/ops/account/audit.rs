//! The periodic account audit (SPEC §9): idle, locked, unmanaged and over-privileged
//! accounts, pending requests past their service level.

use super::*;

/// Days without sign-in after which an account is reported as idle.
pub const INACTIVE_DAYS: i64 = 90;

/// One problem the account audit found. `detail` says it in both languages; the face
/// shows it in the reader's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `password_age`, `inactive`, `request_sla`, …
    pub finding: &'static str,
    pub account: String,
    pub unit: String,
    #[serde(skip)]
    pub detail: Msg,
}

/// The periodic account audit (SPEC §9): one finding per problem, for accounts the actor
/// manages. `now` may be simulated (`--as-of`): this only reads.
pub fn audit(
    conn: &Connection,
    actor: &Actor,
    now: Timestamp,
    cal: &crate::domain::calendar::WorkCalendar,
) -> Result<Vec<Finding>> {
    let tree = units::tree(conn)?;
    actor.require(
        actor.is_sysadmin() || actor.grants.iter().any(|g| g.role == Role::UnitAdmin),
        Msg::new("kiểm tra tài khoản", "audit accounts"),
    )?;
    let unit_status: HashMap<String, String> = units::all(conn)?
        .into_iter()
        .map(|u| (u.code, u.status))
        .collect();
    let mut out = Vec::new();
    let mut finding = |kind: &'static str, a: &Account, msg: Msg| {
        out.push(Finding {
            finding: kind,
            account: a.username.clone(),
            unit: a.unit.clone(),
            detail: msg,
        });
    };
    for a in sql::all(conn)? {
        if !actor.manages(a.unit_id, &tree) || a.status == "closed" {
            continue;
        }
        if a.status == "active" && crate::context::password_expired(&a.password_changed_at, now) {
            let since = crate::output::human_date(&a.password_changed_at).unwrap_or_default();
            finding(
                "password_age",
                &a,
                Msg::new(
                    format!("mật khẩu chưa đổi từ {since} (quá 180 ngày)"),
                    format!("password unchanged since {since} (over 180 days)"),
                ),
            );
        }
        let last = a.last_login_at.as_deref().unwrap_or(&a.created_at);
        if a.status == "active"
            && clock::parse_stored(last).is_some_and(|t| {
                now.duration_since(t) > SignedDuration::from_hours(24 * INACTIVE_DAYS)
            })
        {
            let since = crate::output::human_date(last).unwrap_or_default();
            let what = if a.last_login_at.is_some() {
                ("lần đăng nhập cuối", "last sign-in")
            } else {
                ("chưa từng đăng nhập, tạo", "never signed in, created")
            };
            finding(
                "inactive",
                &a,
                Msg::new(
                    format!(
                        "không đăng nhập quá {INACTIVE_DAYS} ngày ({} {since})",
                        what.0
                    ),
                    format!(
                        "no sign-in for over {INACTIVE_DAYS} days ({} {since})",
                        what.1
                    ),
                ),
            );
        }
        if unit_status.get(&a.unit).is_some_and(|s| s != "active") {
            let s = &unit_status[&a.unit];
            finding(
                "dissolved_unit",
                &a,
                Msg::new(
                    format!(
                        "đơn vị {} đã {}",
                        a.unit,
                        if s == "merged" {
                            "sáp nhập"
                        } else {
                            "giải thể"
                        }
                    ),
                    format!("unit {} is {s}", a.unit),
                ),
            );
        }
    }
    // Requests are due by the end of the first working day after the day received.
    for r in sql::requests(conn)? {
        let Some(acc) = r
            .account
            .as_deref()
            .map(|u| sql::by_username(conn, u))
            .transpose()?
            .flatten()
        else {
            continue;
        };
        if !actor.manages(acc.unit_id, &tree) {
            continue;
        }
        let (Ok(received), Some(handled)) = (
            r.received_on.parse::<jiff::civil::Date>(),
            clock::parse_stored(&r.handled_at),
        ) else {
            continue;
        };
        let due = cal.add_workdays(received, 1);
        let handled_day = clock::to_local(handled).date();
        if handled_day > due {
            let late = cal.workdays_between(due.tomorrow().unwrap_or(due), handled_day);
            let (n, d, h) = (
                &r.number,
                crate::output::human_date(&due.to_string()).unwrap_or_default(),
                crate::output::human_date(&r.handled_at).unwrap_or_default(),
            );
            out_push_request(
                &mut out,
                &acc,
                &r.action,
                Msg::new(
                    format!(
                        "văn bản {n} ({}) hạn xử lý {d}, xử lý lúc {h}, trễ {late} ngày làm việc",
                        r.action
                    ),
                    format!(
                        "request {n} ({}) due {d}, handled {h}, {late} working days late",
                        r.action
                    ),
                ),
            );
        }
    }
    Ok(out)
}

fn out_push_request(out: &mut Vec<Finding>, a: &Account, _action: &str, msg: Msg) {
    out.push(Finding {
        finding: "request_sla",
        account: a.username.clone(),
        unit: a.unit.clone(),
        detail: msg,
    });
}
