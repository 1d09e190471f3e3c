//! The report workflow of SPEC §5 as data: a revision's statuses, a report's timeliness,
//! the actions, and the transition table (status, action) → next status or refusal, with
//! the role each action takes. Pure: the store reads and writes these as the exact
//! strings below (the `revision.status` CHECK of migration 0004), JSON shows the same.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::domain::role::Role;

/// The status of one revision of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionStatus {
    Draft,
    /// Submitted to a regime whose chain has a checker step (Thanh Hóa Art. 13
    /// "kiểm tra"): the checker passes it on or returns it to draft.
    PendingCheck,
    /// Awaiting the leader's approval of the figures (duyệt số liệu, Ninh Bình Art.
    /// 10(2a), 12(3)) in a chain that approves the data and the report apart.
    PendingDataApproval,
    /// Awaiting the approval of the report (duyệt báo cáo): the only approval of the
    /// default chain, the second of a split one.
    PendingApproval,
    Approved,
    Sent,
    Accepted,
    Returned,
    /// An accepted revision replaced by an accepted correction.
    Superseded,
}

impl RevisionStatus {
    pub const ALL: [RevisionStatus; 9] = [
        RevisionStatus::Draft,
        RevisionStatus::PendingCheck,
        RevisionStatus::PendingDataApproval,
        RevisionStatus::PendingApproval,
        RevisionStatus::Approved,
        RevisionStatus::Sent,
        RevisionStatus::Accepted,
        RevisionStatus::Returned,
        RevisionStatus::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RevisionStatus::Draft => "draft",
            RevisionStatus::PendingCheck => "pending_check",
            RevisionStatus::PendingDataApproval => "pending_data_approval",
            RevisionStatus::PendingApproval => "pending_approval",
            RevisionStatus::Approved => "approved",
            RevisionStatus::Sent => "sent",
            RevisionStatus::Accepted => "accepted",
            RevisionStatus::Returned => "returned",
            RevisionStatus::Superseded => "superseded",
        }
    }

    /// Not yet sent: a report sent outside the system may be recorded from here.
    pub fn before_sending(self) -> bool {
        matches!(
            self,
            RevisionStatus::Draft
                | RevisionStatus::PendingCheck
                | RevisionStatus::PendingDataApproval
                | RevisionStatus::PendingApproval
                | RevisionStatus::Approved
        )
    }
}

/// A report's status as listed: its latest revision's, or `not_started` before any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportStatus {
    NotStarted,
    Revision(RevisionStatus),
}

impl ReportStatus {
    /// The status of a report whose latest revision is `latest`.
    pub fn of(latest: Option<RevisionStatus>) -> ReportStatus {
        latest.map_or(ReportStatus::NotStarted, ReportStatus::Revision)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "not_started",
            ReportStatus::Revision(s) => s.as_str(),
        }
    }

    /// Who must act next: data entry before submitting, the checker on a pending
    /// check, the approver on a pending approval (of the data or of the report), the
    /// sender on an approved report; nobody once it is sent.
    pub fn waiting_on(self) -> Option<Role> {
        use RevisionStatus as S;
        match self {
            ReportStatus::NotStarted | ReportStatus::Revision(S::Draft) => Some(Role::DataEntry),
            ReportStatus::Revision(S::PendingCheck) => Some(Role::Checker),
            ReportStatus::Revision(S::PendingDataApproval | S::PendingApproval) => {
                Some(Role::Approver)
            }
            ReportStatus::Revision(S::Approved) => Some(Role::Sender),
            ReportStatus::Revision(S::Sent | S::Accepted | S::Returned | S::Superseded) => None,
        }
    }
}

impl Serialize for ReportStatus {
    fn serialize<Z: serde::Serializer>(&self, z: Z) -> Result<Z::Ok, Z::Error> {
        z.serialize_str(self.as_str())
    }
}

impl FromStr for ReportStatus {
    type Err = Unknown;
    fn from_str(s: &str) -> Result<Self, Unknown> {
        if s == "not_started" {
            return Ok(ReportStatus::NotStarted);
        }
        s.parse().map(ReportStatus::Revision).map_err(|_| Unknown {
            what: "report status",
            value: s.to_string(),
        })
    }
}

impl fmt::Display for ReportStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a report stands against its deadline. A sent revision is `on_time`, `extended`
/// or `late`; a period's obligation also `missing` (due, nothing sent) or `not_due`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    OnTime,
    Extended,
    Late,
    Missing,
    NotDue,
}

impl Timeliness {
    pub const ALL: [Timeliness; 5] = [
        Timeliness::OnTime,
        Timeliness::Extended,
        Timeliness::Late,
        Timeliness::Missing,
        Timeliness::NotDue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on_time",
            Timeliness::Extended => "extended",
            Timeliness::Late => "late",
            Timeliness::Missing => "missing",
            Timeliness::NotDue => "not_due",
        }
    }
}

/// The actions of SPEC §5's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Submit,
    /// The checker passes a submitted revision on to approval.
    Check,
    /// The leader approves the figures; the report still awaits its own approval.
    ApproveData,
    Approve,
    Reject,
    Send,
    Accept,
    Return,
    Correct,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::Submit,
        Action::Check,
        Action::ApproveData,
        Action::Approve,
        Action::Reject,
        Action::Send,
        Action::Accept,
        Action::Return,
        Action::Correct,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Check => "check",
            Action::ApproveData => "approve_data",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Send => "send",
            Action::Accept => "accept",
            Action::Return => "return",
            Action::Correct => "correct",
        }
    }

    /// The role the action takes on a revision in `from`, and on which unit. Rejecting
    /// is the checker's at the check step and the leader's at an approval step.
    pub fn needs(self, from: RevisionStatus) -> Need {
        let (role, on) = match self {
            Action::Submit | Action::Correct => (Role::DataEntry, On::ReportUnit),
            Action::Check => (Role::Checker, On::ReportUnit),
            Action::Reject if from == RevisionStatus::PendingCheck => {
                (Role::Checker, On::ReportUnit)
            }
            Action::ApproveData | Action::Approve | Action::Reject => {
                (Role::Approver, On::ReportUnit)
            }
            Action::Send => (Role::Sender, On::ReportUnit),
            Action::Accept | Action::Return => (Role::Aggregator, On::LeadUnit),
        };
        Need { role, on }
    }

    /// Whether the action must give a reason (`--reason`).
    pub fn needs_reason(self) -> bool {
        matches!(self, Action::Reject | Action::Return)
    }
}

/// Where the role an action takes must be held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// The unit whose report it is.
    ReportUnit,
    /// The regime's lead unit, which receives the reports.
    LeadUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub role: Role,
    pub on: On,
}

/// A regime's approval chain (quy trình báo cáo, Thanh Hóa Art. 12(2)): the steps a
/// submitted revision goes through before it may be sent. The default is one approval
/// by the unit's leader; a chain may add a checker's step first (Thanh Hóa Art. 13
/// "kiểm tra") and may approve the figures and the report apart (Ninh Bình Art.
/// 10(1b–c), 10(2a), 12(3); Đồng Tháp Art. 15(3): "duyệt số liệu; duyệt báo cáo").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Chain {
    /// A checker checks the submitted figures before any approval.
    pub check: bool,
    /// The figures are approved (duyệt số liệu), then the report (duyệt báo cáo).
    pub split: bool,
}

impl Chain {
    pub const ALL: [Chain; 4] = [
        Chain {
            check: false,
            split: false,
        },
        Chain {
            check: true,
            split: false,
        },
        Chain {
            check: false,
            split: true,
        },
        Chain {
            check: true,
            split: true,
        },
    ];

    /// The steps as stored and shown: `approve`, `check,approve`, `data,report` or
    /// `check,data,report`.
    pub fn as_str(self) -> &'static str {
        match (self.check, self.split) {
            (false, false) => "approve",
            (true, false) => "check,approve",
            (false, true) => "data,report",
            (true, true) => "check,data,report",
        }
    }

    /// The status a submitted revision enters: the chain's first step.
    fn first(self) -> RevisionStatus {
        if self.check {
            RevisionStatus::PendingCheck
        } else {
            self.after_check()
        }
    }

    /// The status after the check step: the first approval.
    fn after_check(self) -> RevisionStatus {
        if self.split {
            RevisionStatus::PendingDataApproval
        } else {
            RevisionStatus::PendingApproval
        }
    }
}

impl FromStr for Chain {
    type Err = Unknown;
    /// Steps separated by commas, spaces ignored, in the chain's order.
    fn from_str(s: &str) -> Result<Chain, Unknown> {
        let steps: Vec<String> = s
            .split(',')
            .map(|x| x.trim().to_lowercase())
            .collect::<Vec<_>>();
        let joined = steps.join(",");
        Chain::ALL
            .into_iter()
            .find(|c| c.as_str() == joined)
            .ok_or_else(|| Unknown {
                what: "approval chain",
                value: s.to_string(),
            })
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Chain {
    fn serialize<Z: serde::Serializer>(&self, z: Z) -> Result<Z::Ok, Z::Error> {
        z.serialize_str(self.as_str())
    }
}

/// The transition table: the status `action` moves a revision in `from` to under the
/// approval `chain` it was submitted with, or `None` when the action is refused in that
/// status. A step the chain does not have is refused. `Correct` keeps the accepted
/// revision accepted (the correction is a new draft revision); `Return` leaves the
/// returned one `returned` (the unit works on a new draft revision).
pub fn next(from: RevisionStatus, action: Action, chain: Chain) -> Option<RevisionStatus> {
    use Action as A;
    use RevisionStatus as S;
    match (from, action) {
        (S::Draft, A::Submit) => Some(chain.first()),
        (S::PendingCheck, A::Check) if chain.check => Some(chain.after_check()),
        (S::PendingCheck, A::Reject) if chain.check => Some(S::Draft),
        (S::PendingDataApproval, A::ApproveData) if chain.split => Some(S::PendingApproval),
        (S::PendingDataApproval, A::Reject) if chain.split => Some(S::Draft),
        (S::PendingApproval, A::Approve) => Some(S::Approved),
        (S::PendingApproval, A::Reject) => Some(S::Draft),
        (S::Approved, A::Send) => Some(S::Sent),
        (S::Sent, A::Accept) => Some(S::Accepted),
        (S::Sent, A::Return) => Some(S::Returned),
        (S::Accepted, A::Correct) => Some(S::Accepted),
        _ => None,
    }
}

/// An unknown stored string: the database or a caller holds a value outside the enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub what: &'static str,
    pub value: String,
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {}: {:?}", self.what, self.value)
    }
}

impl std::error::Error for Unknown {}

macro_rules! string_enum {
    ($t:ty, $what:literal) => {
        impl FromStr for $t {
            type Err = Unknown;
            fn from_str(s: &str) -> Result<Self, Unknown> {
                <$t>::ALL
                    .into_iter()
                    .find(|x| x.as_str() == s)
                    .ok_or_else(|| Unknown {
                        what: $what,
                        value: s.to_string(),
                    })
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $t {
            fn column_result(
                v: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                v.as_str()?
                    .parse()
                    .map_err(|e: Unknown| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

string_enum!(RevisionStatus, "revision status");
string_enum!(Timeliness, "timeliness");

#[cfg(test)]
mod tests {
    use super::*;

    /// Every status × action × chain, spelled out: SPEC §5's table with the chain's
    /// steps, and nothing else.
    #[test]
    fn transition_table_is_exhaustive() {
        use Action as A;
        use RevisionStatus as S;
        let expected = |s: S, a: A, c: Chain| -> Option<S> {
            let first_approval = if c.split {
                S::PendingDataApproval
            } else {
                S::PendingApproval
            };
            match s {
                S::Draft => match a {
                    A::Submit if c.check => Some(S::PendingCheck),
                    A::Submit => Some(first_approval),
                    A::Check
                    | A::ApproveData
                    | A::Approve
                    | A::Reject
                    | A::Send
                    | A::Accept
                    | A::Return
                    | A::Correct => None,
                },
                // Only a chain with the checker's step has revisions here.
                S::PendingCheck if !c.check => None,
                S::PendingCheck => match a {
                    A::Check => Some(first_approval),
                    A::Reject => Some(S::Draft),
                    A::Submit
                    | A::ApproveData
                    | A::Approve
                    | A::Send
                    | A::Accept
                    | A::Return
                    | A::Correct => None,
                },
                S::PendingDataApproval if !c.split => None,
                S::PendingDataApproval => match a {
                    A::ApproveData => Some(S::PendingApproval),
                    A::Reject => Some(S::Draft),
                    A::Submit
                    | A::Check
                    | A::Approve
                    | A::Send
                    | A::Accept
                    | A::Return
                    | A::Correct => None,
                },
                S::PendingApproval => match a {
                    A::Approve => Some(S::Approved),
                    A::Reject => Some(S::Draft),
                    A::Submit
                    | A::Check
                    | A::ApproveData
                    | A::Send
                    | A::Accept
                    | A::Return
                    | A::Correct => None,
                },
                S::Approved => match a {
                    A::Send => Some(S::Sent),
                    A::Submit
                    | A::Check
                    | A::ApproveData
                    | A::Approve
                    | A::Reject
                    | A::Accept
                    | A::Return
                    | A::Correct => None,
                },
                S::Sent => match a {
                    A::Accept => Some(S::Accepted),
                    A::Return => Some(S::Returned),
                    A::Submit
                    | A::Check
                    | A::ApproveData
                    | A::Approve
                    | A::Reject
                    | A::Send
                    | A::Correct => None,
                },
                S::Accepted => match a {
                    A::Correct => Some(S::Accepted),
                    A::Submit
                    | A::Check
                    | A::ApproveData
                    | A::Approve
                    | A::Reject
                    | A::Send
                    | A::Accept
                    | A::Return => None,
                },
                // Final: a returned or superseded revision never moves again.
                S::Returned | S::Superseded => None,
            }
        };
        let mut allowed = Vec::new();
        for c in Chain::ALL {
            let mut n = 0;
            for s in RevisionStatus::ALL {
                for a in Action::ALL {
                    assert_eq!(
                        next(s, a, c),
                        expected(s, a, c),
                        "{s} × {} × {c}",
                        a.as_str()
                    );
                    n += usize::from(next(s, a, c).is_some());
                }
            }
            allowed.push((c.as_str(), n));
        }
        // The default chain is today's table of 7; each extra step adds its pass and
        // its rejection.
        assert_eq!(
            allowed,
            [
                ("approve", 7),
                ("check,approve", 9),
                ("data,report", 9),
                ("check,data,report", 11)
            ]
        );
    }

    /// Walking a chain from draft by its passing actions visits its steps in order.
    #[test]
    fn each_chain_walks_its_steps() {
        use Action as A;
        use RevisionStatus as S;
        let walk = |c: Chain| {
            let mut s = S::Draft;
            let mut seen = vec![s];
            for a in [A::Submit, A::Check, A::ApproveData, A::Approve, A::Send] {
                if let Some(t) = next(s, a, c) {
                    s = t;
                    seen.push(s);
                }
            }
            seen
        };
        assert_eq!(
            walk(Chain::default()),
            [S::Draft, S::PendingApproval, S::Approved, S::Sent]
        );
        assert_eq!(
            walk("check, Approve".parse().unwrap()),
            [
                S::Draft,
                S::PendingCheck,
                S::PendingApproval,
                S::Approved,
                S::Sent
            ]
        );
        assert_eq!(
            walk("check,data,report".parse().unwrap()),
            [
                S::Draft,
                S::PendingCheck,
                S::PendingDataApproval,
                S::PendingApproval,
                S::Approved,
                S::Sent
            ]
        );
        for c in Chain::ALL {
            assert_eq!(c.as_str().parse::<Chain>(), Ok(c));
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        for bad in [
            "",
            "report,data",
            "check",
            "approve,check",
            "data",
            "kiem tra",
        ] {
            assert!(bad.parse::<Chain>().is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_of_actions() {
        use RevisionStatus as S;
        let need = |a: Action, s: S| {
            let n = a.needs(s);
            (n.role, n.on)
        };
        assert_eq!(
            need(Action::Submit, S::Draft),
            (Role::DataEntry, On::ReportUnit)
        );
        assert_eq!(
            need(Action::Correct, S::Accepted),
            (Role::DataEntry, On::ReportUnit)
        );
        assert_eq!(
            need(Action::Check, S::PendingCheck),
            (Role::Checker, On::ReportUnit)
        );
        assert_eq!(
            need(Action::Reject, S::PendingCheck),
            (Role::Checker, On::ReportUnit)
        );
        assert_eq!(
            need(Action::ApproveData, S::PendingDataApproval),
            (Role::Approver, On::ReportUnit)
        );
        assert_eq!(
            need(Action::Reject, S::PendingDataApproval),
            (Role::Approver, On::ReportUnit)
        );
        assert_eq!(
            need(Action::Approve, S::PendingApproval),
            (Role::Approver, On::ReportUnit)
        );
        assert_eq!(
            need(Action::Reject, S::PendingApproval),
            (Role::Approver, On::ReportUnit)
        );
        assert_eq!(
            need(Action::Send, S::Approved),
            (Role::Sender, On::ReportUnit)
        );
        assert_eq!(
            need(Action::Accept, S::Sent),
            (Role::Aggregator, On::LeadUnit)
        );
        assert_eq!(
            need(Action::Return, S::Sent),
            (Role::Aggregator, On::LeadUnit)
        );
        let reasons: Vec<_> = Action::ALL
            .into_iter()
            .filter(|a| a.needs_reason())
            .collect();
        assert_eq!(reasons, [Action::Reject, Action::Return]);
    }

    #[test]
    fn strings_round_trip_as_stored() {
        for s in RevisionStatus::ALL {
            assert_eq!(s.as_str().parse::<RevisionStatus>(), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for t in Timeliness::ALL {
            assert_eq!(t.as_str().parse::<Timeliness>(), Ok(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        assert!("submitted".parse::<RevisionStatus>().is_err());
        assert!("".parse::<Timeliness>().is_err());
    }

    #[test]
    fn report_status_and_who_acts_next() {
        use RevisionStatus as S;
        assert_eq!(ReportStatus::of(None).as_str(), "not_started");
        assert_eq!(
            serde_json::to_value(ReportStatus::of(Some(S::PendingApproval))).unwrap(),
            "pending_approval"
        );
        let waiting: Vec<_> = std::iter::once(ReportStatus::NotStarted)
            .chain(RevisionStatus::ALL.map(ReportStatus::Revision))
            .map(|s| {
                assert_eq!(s.as_str().parse::<ReportStatus>(), Ok(s));
                (s.as_str(), s.waiting_on())
            })
            .collect();
        assert_eq!(
            waiting,
            [
                ("not_started", Some(Role::DataEntry)),
                ("draft", Some(Role::DataEntry)),
                ("pending_check", Some(Role::Checker)),
                ("pending_data_approval", Some(Role::Approver)),
                ("pending_approval", Some(Role::Approver)),
                ("approved", Some(Role::Sender)),
                ("sent", None),
                ("accepted", None),
                ("returned", None),
                ("superseded", None),
            ]
        );
        assert!("started".parse::<ReportStatus>().is_err());
    }

    #[test]
    fn sqlite_round_trip() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for s in RevisionStatus::ALL {
            let back: RevisionStatus = conn.query_row("SELECT ?1", [s], |r| r.get(0)).unwrap();
            let text: String = conn.query_row("SELECT ?1", [s], |r| r.get(0)).unwrap();
            assert_eq!((back, text.as_str()), (s, s.as_str()));
        }
        for t in Timeliness::ALL {
            let back: Timeliness = conn.query_row("SELECT ?1", [t], |r| r.get(0)).unwrap();
            assert_eq!(back, t);
        }
        let bad: rusqlite::Result<RevisionStatus> =
            conn.query_row("SELECT 'submitted'", [], |r| r.get(0));
        assert!(bad.is_err());
    }
}
