//! `baocao report delegate …`: the approval of the figures delegated to a data-entry
//! account (Ninh Bình Art. 10(2b)).

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::{Msg, Result};
use crate::fields;
use crate::ops::delegation::{self, Which};
use crate::output::Field;

#[derive(Debug, Subcommand)]
pub enum DelegateCmd {
    /// Let a data-entry account of the unit approve the unit's figures for a regime.
    ///
    /// By the unit's leader (approver) for the regime or its unit administrator (else
    /// exit 4). The regime's approval chain must approve the figures apart from the
    /// report (data,report or check,data,report) and be assigned to the unit, and the
    /// account be active and hold data entry of the unit for the regime (else exit 5);
    /// exit 7 when the account already holds the delegation. The account may then run
    /// `report approve-data` on the unit's reports of the regime.
    Add(DelegateArgs),
    /// Delegations on the units whose reports you read.
    List(DelegateListArgs),
    /// End a delegation (the same accounts as add; exit 6 when there is none).
    Remove(DelegateArgs),
}

impl DelegateCmd {
    pub fn verb(&self) -> &'static str {
        match self {
            DelegateCmd::Add(_) => "delegate add",
            DelegateCmd::List(_) => "delegate list",
            DelegateCmd::Remove(_) => "delegate remove",
        }
    }
}

#[derive(Debug, Args)]
pub struct DelegateArgs {
    /// The regime code.
    #[arg(long)]
    pub regime: String,
    /// The unit whose figures are approved.
    #[arg(long)]
    pub unit: String,
    /// The data-entry account (username) that approves them.
    #[arg(long)]
    pub account: String,
}

#[derive(Debug, Args)]
pub struct DelegateListArgs {
    /// Only this regime's delegations.
    #[arg(long)]
    pub regime: Option<String>,
    /// Only delegations on units in this unit's subtree.
    #[arg(long)]
    pub unit: Option<String>,
}

const FIELDS: &[Field] = fields![
    ("regime", "Chế độ", "Regime"),
    ("unit", "Đơn vị", "Unit"),
    ("unit_name", "Tên đơn vị", "Unit name"),
    ("account", "Tài khoản", "Account"),
    ("full_name", "Họ và tên", "Full name"),
    ("granted_at", "Cấp lúc", "Granted at"),
    ("granted_by", "Người cấp", "Granted by"),
];

pub fn run(ctx: &Ctx, cmd: DelegateCmd) -> Result<()> {
    let (a, adding) = match cmd {
        DelegateCmd::Add(a) => (a, true),
        DelegateCmd::Remove(a) => (a, false),
        DelegateCmd::List(a) => {
            let all = ctx.read(|tx, actor| {
                delegation::list(tx, actor, a.regime.as_deref(), a.unit.as_deref())
            })?;
            return ctx.out.emit(&serde_json::to_value(all)?, FIELDS);
        }
    };
    let w = Which {
        regime: &a.regime,
        unit: &a.unit,
        account: &a.account,
    };
    let d = ctx.write(|tx, actor, rec| match adding {
        true => delegation::add(tx, actor, rec, &w),
        false => delegation::remove(tx, actor, rec, &w),
    })?;
    let (account, regime, unit) = (&d.account, &d.regime, &d.unit);
    ctx.out.note(match adding {
        true => Msg::new(
            format!("Đã ủy quyền cho {account} duyệt số liệu chế độ {regime} của đơn vị {unit}"),
            format!("{account} now approves the figures of regime {regime} for unit {unit}"),
        ),
        false => Msg::new(
            format!("Đã thu hồi ủy quyền duyệt số liệu chế độ {regime} của đơn vị {unit} khỏi {account}"),
            format!("{account} no longer approves the figures of regime {regime} for unit {unit}"),
        ),
    });
    ctx.out.emit(&serde_json::to_value(d)?, FIELDS)
}
