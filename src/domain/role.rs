//! The roles of SPEC §2: what an account may do, granted on a unit's subtree.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Kind, Msg, Result};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum Role {
    Sysadmin,
    UnitAdmin,
    Aggregator,
    Approver,
    DataEntry,
    // Checks submitted figures before they go to approval, in a regime whose approval
    // chain has that step (Thanh Hóa Art. 13: the "kiểm tra" account group, apart from
    // data entry and approval).
    Checker,
    Sender,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Sysadmin,
        Role::UnitAdmin,
        Role::Aggregator,
        Role::Approver,
        Role::DataEntry,
        Role::Checker,
        Role::Sender,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Sysadmin => "sysadmin",
            Role::UnitAdmin => "unit_admin",
            Role::Aggregator => "aggregator",
            Role::Approver => "approver",
            Role::DataEntry => "data_entry",
            Role::Checker => "checker",
            Role::Sender => "sender",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Role> {
        let t = s.trim().to_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == t)
            .ok_or_else(|| {
                let list = Role::ALL.map(Role::as_str).join(", ");
                Error::new(
                    Kind::Invalid,
                    Msg::new(
                        format!("Vai trò không hợp lệ: «{s}» (chọn một trong: {list})"),
                        format!("Unknown role «{s}» (one of: {list})"),
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_back_its_own_name() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        assert_eq!(" Data-Entry ".parse::<Role>().unwrap(), Role::DataEntry);
    }

    #[test]
    fn an_unknown_role_is_invalid_input() {
        assert_eq!(
            "trưởng phòng".parse::<Role>().unwrap_err().kind,
            Kind::Invalid
        );
    }
}
