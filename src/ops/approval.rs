//! A regime's approval chain (`regime approval`): which steps a submitted report goes
//! through before it may be sent. Set per regime by the system administrator, as the
//! province office sets up a regime's reporting procedure (Thanh Hóa Art. 12(2)
//! "thiết lập chế độ báo cáo, kỳ báo cáo, quy trình báo cáo"; Ninh Bình Art. 11(1–2)).

use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::domain::workflow::Chain;
use crate::error::{Error, Kind, Msg, Result};
use crate::store::approval as sql;

/// A regime's chain as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalChain {
    pub regime: String,
    /// `approve`, `check,approve`, `data,report` or `check,data,report`.
    pub steps: Chain,
    /// The statuses a submitted report passes through, in order, before `approved`.
    pub statuses: Vec<&'static str>,
}

impl ApprovalChain {
    fn of(regime: String, steps: Chain) -> ApprovalChain {
        use crate::domain::workflow::{next, Action, RevisionStatus};
        let mut statuses = Vec::new();
        let mut s = RevisionStatus::Draft;
        for a in [Action::Submit, Action::Check, Action::ApproveData] {
            if let Some(t) = next(s, a, steps) {
                s = t;
                statuses.push(s.as_str());
            }
        }
        ApprovalChain {
            regime,
            steps,
            statuses,
        }
    }
}

/// The regime's chain now.
pub fn show(conn: &Connection, code: &str) -> Result<ApprovalChain> {
    let r = super::regime::find(conn, code)?;
    Ok(ApprovalChain::of(r.code, sql::regime_chain(conn, r.id)?))
}

/// Sets the regime's chain (sysadmin or the lead unit's set-up accounts). Revisions already submitted finish the chain
/// they were submitted under; the next submission follows the new one.
pub fn set(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    code: &str,
    steps: &str,
) -> Result<ApprovalChain> {
    let r = super::regime::find(conn, code)?;
    super::regime::require_lead(
        actor,
        conn,
        &r,
        Msg::new(
            format!("đặt quy trình phê duyệt của chế độ báo cáo {}", r.code),
            format!("set the approval chain of regime {}", r.code),
        ),
    )?;
    let chain: Chain = steps.parse().map_err(|_| {
        let list = Chain::ALL.map(Chain::as_str).join(" | ");
        Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Quy trình phê duyệt không hợp lệ: «{steps}» (chọn một trong: {list})"),
                format!("Unknown approval chain «{steps}» (one of: {list})"),
            ),
        )
        .with_hint(Msg::new(
            "check = cán bộ kiểm tra số liệu trước; data,report = duyệt số liệu rồi duyệt báo cáo; approve = một bước phê duyệt",
            "check = a checker checks the figures first; data,report = approve the figures, then the report; approve = one approval",
        ))
    })?;
    let before = sql::regime_chain(conn, r.id)?;
    sql::set_regime_chain(conn, r.id, chain, &rec.at, &rec.actor)?;
    rec.change(
        conn,
        "regime",
        &r.code,
        json!({"approval_chain": [before, chain]}),
    )?;
    Ok(ApprovalChain::of(r.code, chain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_lists_the_statuses_it_passes_through() {
        let of = |s: &str| ApprovalChain::of("R".into(), s.parse().unwrap()).statuses;
        assert_eq!(of("approve"), ["pending_approval"]);
        assert_eq!(of("check,approve"), ["pending_check", "pending_approval"]);
        assert_eq!(
            of("check,data,report"),
            ["pending_check", "pending_data_approval", "pending_approval"]
        );
    }
}
