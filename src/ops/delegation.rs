//! `report delegate …`: the approval of the figures delegated to a data-entry account
//! (Ninh Bình Art. 10(2b): the data-entry account "Duyệt số liệu đối với những biểu mẫu
//! mình phụ trách (nếu được ủy quyền)"). The unit's leader (approver) or its unit
//! administrator delegates, for one regime, the data-approval step of the unit's
//! reports to one of the unit's data-entry accounts (one holding data entry of the
//! unit for the regime, as `report submit` asks); only for a regime whose chain
//! approves the figures apart from the report (`data,report`, `check,data,report`).
//! The workflow's table is untouched: a delegation only answers who may take the
//! `approve_data` step ([`may_approve_data`]).

use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::{Actor, Role, UnitTree};
use crate::error::{Error, Kind, Msg, Result};
use crate::store::delegation::{self as sql, Delegation};
use crate::store::regime::Regime;
use crate::store::unit::{self as units, Unit};

/// A delegation as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DelegationView {
    pub regime: String,
    pub unit: String,
    pub unit_name: String,
    /// The data-entry account that may approve the figures.
    pub account: String,
    pub full_name: String,
    pub granted_at: String,
    pub granted_by: String,
}

impl From<Delegation> for DelegationView {
    fn from(d: Delegation) -> DelegationView {
        DelegationView {
            regime: d.regime,
            unit: d.unit,
            unit_name: d.unit_name,
            account: d.username,
            full_name: d.full_name,
            granted_at: d.granted_at,
            granted_by: d.granted_by,
        }
    }
}

/// Which delegation: a regime, a unit, an account (usernames as typed).
pub struct Which<'a> {
    pub regime: &'a str,
    pub unit: &'a str,
    pub account: &'a str,
}

/// May the actor delegate (or end a delegation of) the unit's approval of the figures
/// for regime `r`? Its leader for the regime, or an administrator of the unit.
fn may_delegate(actor: &Actor, tree: &UnitTree, r: &Regime, unit: &Unit) -> bool {
    actor.holds_for_regime(Role::Approver, unit.id, &r.code, tree) || actor.manages(unit.id, tree)
}

/// The regime, unit and account named, once the actor may delegate there.
fn resolve(
    conn: &Connection,
    actor: &Actor,
    w: &Which<'_>,
    what: (&str, &str),
) -> Result<(Regime, Unit, crate::store::account::Account)> {
    let r = crate::ops::regime::find(conn, w.regime)?;
    let unit = crate::ops::unit::find(conn, w.unit)?;
    let tree = units::tree(conn)?;
    actor.require(
        may_delegate(actor, &tree, &r, &unit),
        Msg::new(
            format!(
                "{} việc duyệt số liệu chế độ {} của đơn vị {}",
                what.0, r.code, unit.code
            ),
            format!(
                "{} the approval of the figures of regime {} for unit {}",
                what.1, r.code, unit.code
            ),
        ),
    )?;
    let username = w.account.trim().to_lowercase();
    let account = crate::store::account::by_username(conn, &username)?.ok_or_else(|| {
        Error::new(
            Kind::NotFound,
            Msg::new(
                format!("Không có tài khoản «{username}»"),
                format!("No account «{username}»"),
            ),
        )
    })?;
    Ok((r, unit, account))
}

/// `report delegate add`: the account may approve the unit's figures for the regime.
pub fn add(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    w: &Which<'_>,
) -> Result<DelegationView> {
    let (r, unit, account) = resolve(conn, actor, w, ("ủy quyền", "delegate"))?;
    let invalid = |vi: String, en: String| Err(Error::new(Kind::Invalid, Msg::new(vi, en)));
    let chain = crate::store::approval::regime_chain(conn, r.id)?;
    if !chain.split {
        return invalid(
            format!(
                "Quy trình phê duyệt của chế độ {} ({}) không có bước duyệt số liệu riêng; chỉ ủy quyền được khi quy trình là data,report hoặc check,data,report",
                r.code,
                chain.as_str()
            ),
            format!(
                "Regime {}'s approval chain ({}) has no separate approval of the figures; delegation needs data,report or check,data,report",
                r.code,
                chain.as_str()
            ),
        );
    }
    if !crate::store::regime::assignment(conn, r.id, unit.id)?.is_some_and(|a| a.active) {
        return invalid(
            format!("Chế độ {} không giao cho đơn vị {}", r.code, unit.code),
            format!("Regime {} is not assigned to unit {}", r.code, unit.code),
        );
    }
    if account.status != "active" {
        return invalid(
            format!(
                "Tài khoản {} không hoạt động ({})",
                account.username, account.status
            ),
            format!(
                "Account {} is not active ({})",
                account.username, account.status
            ),
        );
    }
    let tree = units::tree(conn)?;
    let grants = crate::store::account::grants_for_check(conn, account.id)?;
    let enters = grants.iter().any(|g| {
        g.role == Role::DataEntry
            && tree.within(unit.id, g.unit_id)
            && g.regimes.as_ref().is_none_or(|rs| rs.contains(&r.code))
    });
    if !enters {
        return invalid(
            format!(
                "Tài khoản {} không nhập liệu chế độ {} cho đơn vị {}; chỉ ủy quyền cho cán bộ nhập liệu của đơn vị",
                account.username, r.code, unit.code
            ),
            format!(
                "Account {} does not enter data of regime {} for unit {}; only the unit's data-entry accounts may be delegated to",
                account.username, r.code, unit.code
            ),
        );
    }
    if sql::holds(conn, r.id, unit.id, account.id)? {
        return Err(Error::new(
            Kind::State,
            Msg::new(
                format!(
                    "Tài khoản {} đã được ủy quyền duyệt số liệu chế độ {} của đơn vị {}",
                    account.username, r.code, unit.code
                ),
                format!(
                    "Account {} already approves the figures of regime {} for unit {}",
                    account.username, r.code, unit.code
                ),
            ),
        ));
    }
    sql::insert(conn, r.id, unit.id, account.id, &rec.at, &rec.actor)?;
    rec.change(
        conn,
        "delegation",
        &r.code,
        json!({"unit": unit.code, "account": account.username, "approve_data": true}),
    )?;
    Ok(DelegationView {
        regime: r.code,
        unit: unit.code,
        unit_name: unit.name,
        account: account.username,
        full_name: account.full_name,
        granted_at: rec.at.clone(),
        granted_by: rec.actor.clone(),
    })
}

/// `report delegate remove`: the delegation ends; the delegation removed.
pub fn remove(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    w: &Which<'_>,
) -> Result<DelegationView> {
    let (r, unit, account) = resolve(
        conn,
        actor,
        w,
        ("thu hồi ủy quyền", "end the delegation of"),
    )?;
    let Some(d) = sql::all(conn)?
        .into_iter()
        .find(|d| d.regime_id == r.id && d.unit_id == unit.id && d.account_id == account.id)
    else {
        return Err(Error::new(
            Kind::NotFound,
            Msg::new(
                format!(
                    "Tài khoản {} không được ủy quyền duyệt số liệu chế độ {} của đơn vị {}",
                    account.username, r.code, unit.code
                ),
                format!(
                    "Account {} holds no delegation for the figures of regime {} of unit {}",
                    account.username, r.code, unit.code
                ),
            ),
        ));
    };
    sql::remove(conn, r.id, unit.id, account.id)?;
    rec.change(
        conn,
        "delegation",
        &r.code,
        json!({"unit": unit.code, "account": account.username, "approve_data": false}),
    )?;
    Ok(d.into())
}

/// `report delegate list`: the delegations on units the actor reads (any grant over
/// the unit covering the regime, as reports are read), optionally of one regime or
/// within one unit's subtree.
pub fn list(
    conn: &Connection,
    actor: &Actor,
    regime: Option<&str>,
    unit: Option<&str>,
) -> Result<Vec<DelegationView>> {
    let r = regime
        .map(|c| crate::ops::regime::find(conn, c))
        .transpose()?;
    let within = unit.map(|c| crate::ops::unit::find(conn, c)).transpose()?;
    let tree = units::tree(conn)?;
    let mut out = Vec::new();
    for d in sql::all(conn)? {
        if r.as_ref().is_some_and(|r| r.id != d.regime_id) {
            continue;
        }
        if within
            .as_ref()
            .is_some_and(|u| !tree.within(d.unit_id, u.id))
        {
            continue;
        }
        let Some(regime) = crate::store::regime::by_code(conn, &d.regime)? else {
            continue;
        };
        if !crate::ops::report::can_read_unit(actor, &tree, d.unit_id, &regime) {
            continue;
        }
        out.push(d.into());
    }
    Ok(out)
}

/// May the actor approve the figures of the unit's report for the regime by delegation?
/// It holds data entry there for the regime and the delegation stands.
pub fn may_approve_data(
    conn: &Connection,
    actor: &Actor,
    tree: &UnitTree,
    regime: &Regime,
    unit_id: i64,
) -> Result<bool> {
    if !actor.holds_for_regime(Role::DataEntry, unit_id, &regime.code, tree) {
        return Ok(false);
    }
    sql::holds(conn, regime.id, unit_id, actor.account_id)
}

/// [`may_approve_data`] for a unit named by its code (the report page asks it).
pub fn approves_data(
    conn: &Connection,
    actor: &Actor,
    regime: &Regime,
    unit_code: &str,
) -> Result<bool> {
    let unit = crate::ops::unit::find(conn, unit_code)?;
    may_approve_data(conn, actor, &units::tree(conn)?, regime, unit.id)
}

/// The standing delegations, as (regime code, unit code) → the delegated accounts' ids:
/// who else acts on a report waiting for the approval of its figures ([`acts_on`]).
pub fn standing(conn: &Connection) -> Result<Standing> {
    let mut out = Standing::default();
    for d in sql::all(conn)? {
        out.by_report
            .entry((d.regime, d.unit))
            .or_default()
            .push((d.account_id, d.unit_id));
    }
    Ok(out)
}

/// [`standing`]'s answer.
#[derive(Debug, Default)]
pub struct Standing {
    by_report: std::collections::HashMap<(String, String), Vec<(i64, i64)>>,
}

impl Standing {
    /// Whether the account, with these grants, approves the figures of the unit's report
    /// for the regime by delegation: the delegation stands and the account still enters
    /// the unit's data for the regime ([`may_approve_data`]'s rule).
    pub fn acts_on(
        &self,
        account_id: i64,
        grants: &[crate::auth::permission::Grant],
        tree: &UnitTree,
        regime: &str,
        unit: &str,
    ) -> bool {
        self.by_report
            .get(&(regime.to_string(), unit.to_string()))
            .into_iter()
            .flatten()
            .any(|&(a, unit_id)| {
                a == account_id
                    && grants.iter().any(|g| {
                        g.role == Role::DataEntry
                            && tree.within(unit_id, g.unit_id)
                            && g.regimes
                                .as_ref()
                                .is_none_or(|rs| rs.iter().any(|r| r == regime))
                    })
            })
    }
}

#[cfg(test)]
mod tests;
