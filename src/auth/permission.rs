//! Roles and their scope (SPEC §2, §12): a grant gives a role on a unit's subtree,
//! optionally only for some regimes. The command × role table lives in README.md and
//! `tests/cli/permissions.rs` walks it.

use std::collections::HashMap;

use serde::Serialize;

pub use crate::domain::role::Role;
use crate::error::{Error, Kind, Msg, Result};

/// An active grant as permission checks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub unit_id: i64,
    /// `None`: every regime.
    pub regimes: Option<Vec<String>>,
}

/// The unit tree as parent links, loaded once per command (a province has thousands of
/// units at most).
#[derive(Debug, Default, Clone)]
pub struct UnitTree {
    pub parent: HashMap<i64, Option<i64>>,
}

impl UnitTree {
    /// Is `unit` inside the subtree rooted at `root` (itself included)?
    pub fn within(&self, unit: i64, root: i64) -> bool {
        let mut cur = Some(unit);
        let mut steps = 0;
        while let Some(u) = cur {
            if u == root {
                return true;
            }
            steps += 1;
            if steps > self.parent.len() + 1 {
                return false; // a cycle written behind our back; never loop forever
            }
            cur = self.parent.get(&u).copied().flatten();
        }
        false
    }
}

/// How the actor proved who they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum Via {
    Session,
    Token(String),
    /// `init` and `demo`, before anyone can sign in.
    Bootstrap,
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: i64,
    pub username: String,
    pub unit_id: i64,
    pub grants: Vec<Grant>,
    pub via: Via,
}

impl Actor {
    pub fn is_sysadmin(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::Sysadmin)
    }

    /// Does the actor hold `role` on `unit` (sysadmin holds every role everywhere)?
    pub fn holds(&self, role: Role, unit: i64, tree: &UnitTree) -> bool {
        self.is_sysadmin()
            || self
                .grants
                .iter()
                .any(|g| g.role == role && tree.within(unit, g.unit_id))
    }

    /// Like [`holds`](Self::holds), restricted to grants that cover a regime.
    pub fn holds_for_regime(&self, role: Role, unit: i64, regime: &str, tree: &UnitTree) -> bool {
        self.is_sysadmin()
            || self.grants.iter().any(|g| {
                g.role == role
                    && tree.within(unit, g.unit_id)
                    && g.regimes
                        .as_ref()
                        .is_none_or(|rs| rs.iter().any(|r| r == regime))
            })
    }

    /// May the actor manage accounts and grants of `unit`? Sysadmin everywhere,
    /// unit_admin inside its subtree.
    pub fn manages(&self, unit: i64, tree: &UnitTree) -> bool {
        self.holds(Role::UnitAdmin, unit, tree)
    }

    /// Could the actor have granted `g`? A sysadmin grants anything; a unit_admin grants
    /// any role but `sysadmin`, on a unit inside its subtree.
    pub fn could_grant(&self, g: &Grant, tree: &UnitTree) -> bool {
        self.is_sysadmin() || (g.role != Role::Sysadmin && self.manages(g.unit_id, tree))
    }

    /// May the actor act on (change the lifecycle, credentials, grants or profile of) an
    /// account of `unit` holding `grants`? Only if it manages the account's unit and could
    /// have granted every grant the account holds: a unit_admin never touches an account
    /// holding `sysadmin` or a grant reaching outside its subtree (issue 10).
    pub fn may_act_on(&self, tree: &UnitTree, unit: i64, grants: &[Grant]) -> bool {
        self.is_sysadmin()
            || (self.manages(unit, tree) && grants.iter().all(|g| self.could_grant(g, tree)))
    }

    /// May the actor set up (define, change, assign, open windows of) a regime led by
    /// `lead`? Bắc Ninh Art. 7(1a) gives the lead unit (đơn vị chủ trì) the creation of
    /// its forms and their assignment to units; Đồng Tháp Art. 15(1) gives set-up to the
    /// administration accounts. So: sysadmin everywhere, an aggregator whose grant covers
    /// the lead unit and the regime, or a unit_admin whose subtree holds the lead unit.
    /// A grant on the province itself reaches only the regimes the province leads: an
    /// office that aggregates the whole province (the statistics office) does not lead
    /// the departments' regimes.
    pub fn designs(&self, lead: i64, regime: &str, tree: &UnitTree) -> bool {
        self.is_sysadmin()
            || self.design_grants().any(|g| {
                let fits = g.role == Role::UnitAdmin
                    || g.regimes
                        .as_ref()
                        .is_none_or(|rs| rs.iter().any(|r| r == regime));
                fits && Self::design_reaches(g, lead, tree)
            })
    }

    /// The grants that set things up: unit_admin and aggregator.
    fn design_grants(&self) -> impl Iterator<Item = &Grant> {
        self.grants
            .iter()
            .filter(|g| matches!(g.role, Role::UnitAdmin | Role::Aggregator))
    }

    /// Does a set-up grant reach `unit`? Its subtree, except that a grant on the
    /// province itself reaches only the province (see [`designs`](Self::designs)).
    fn design_reaches(g: &Grant, unit: i64, tree: &UnitTree) -> bool {
        match tree.parent.get(&g.unit_id).copied().flatten() {
            None => unit == g.unit_id,
            Some(_) => tree.within(unit, g.unit_id),
        }
    }

    /// May the actor define, change or retire indicators and forms owned by `owner`
    /// (`None`: the province-wide catalogue)? Ninh Bình Art. 10(1a), 11 give a unit's
    /// administration and aggregation accounts their unit's indicators and forms. The
    /// same reach as [`designs`](Self::designs), any regime: sysadmin everywhere and
    /// alone on the province-wide catalogue; an aggregator or unit_admin for units its
    /// grant reaches (a grant on the province reaches only items the province owns).
    pub fn owns_catalogue(&self, owner: Option<i64>, tree: &UnitTree) -> bool {
        self.is_sysadmin()
            || owner.is_some_and(|u| {
                self.design_grants()
                    .any(|g| Self::design_reaches(g, u, tree))
            })
    }

    /// The owner a non-sysadmin's new catalogue item gets without `--owner`: the unit of
    /// its set-up grants when they are all on one unit.
    pub fn default_owner(&self) -> Option<i64> {
        let mut units: Vec<i64> = self.design_grants().map(|g| g.unit_id).collect();
        units.sort_unstable();
        units.dedup();
        match units.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Could the actor set up a regime of some unit at all (checked before looking
    /// anything up, so an outsider learns nothing)?
    pub fn designs_somewhere(&self) -> bool {
        self.grants
            .iter()
            .any(|g| matches!(g.role, Role::Sysadmin | Role::UnitAdmin | Role::Aggregator))
    }

    pub fn require(&self, allowed: bool, what: Msg) -> Result<()> {
        if allowed {
            return Ok(());
        }
        let user = &self.username;
        Err(Error::new(
            Kind::Denied,
            Msg::new(
                format!("Tài khoản {user} không có quyền {}", what.vi),
                format!("Account {user} may not {}", what.en),
            ),
        ))
    }

    pub fn require_sysadmin(&self, what: Msg) -> Result<()> {
        self.require(self.is_sysadmin(), what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> UnitTree {
        // 1 province → 2 department, 3 commune; 4 commune under 3 (a former district's ward).
        UnitTree {
            parent: HashMap::from([(1, None), (2, Some(1)), (3, Some(1)), (4, Some(3))]),
        }
    }

    fn actor(grants: Vec<Grant>) -> Actor {
        Actor {
            account_id: 9,
            username: "u".into(),
            unit_id: 3,
            grants,
            via: Via::Session,
        }
    }

    #[test]
    fn a_grant_covers_its_subtree_only() {
        let a = actor(vec![Grant {
            role: Role::UnitAdmin,
            unit_id: 3,
            regimes: None,
        }]);
        assert!(a.manages(3, &tree()));
        assert!(a.manages(4, &tree()));
        assert!(!a.manages(2, &tree()));
        assert!(!a.manages(1, &tree()));
    }

    #[test]
    fn sysadmin_holds_every_role_everywhere() {
        let a = actor(vec![Grant {
            role: Role::Sysadmin,
            unit_id: 1,
            regimes: None,
        }]);
        for r in Role::ALL {
            assert!(a.holds(r, 2, &tree()));
        }
    }

    #[test]
    fn regime_scoped_grants_cover_only_their_regimes() {
        let a = actor(vec![Grant {
            role: Role::DataEntry,
            unit_id: 3,
            regimes: Some(vec!["KTXH".into()]),
        }]);
        assert!(a.holds_for_regime(Role::DataEntry, 4, "KTXH", &tree()));
        assert!(!a.holds_for_regime(Role::DataEntry, 4, "NS", &tree()));
    }

    fn grant(role: Role, unit_id: i64) -> Grant {
        Grant {
            role,
            unit_id,
            regimes: None,
        }
    }

    #[test]
    fn a_unit_admin_acts_only_on_accounts_whose_every_grant_it_could_give() {
        let a = actor(vec![grant(Role::UnitAdmin, 3)]);
        let t = tree();
        // Inside the subtree, with grants inside it (or none): allowed.
        assert!(a.may_act_on(&t, 4, &[]));
        assert!(a.may_act_on(&t, 4, &[grant(Role::Viewer, 4), grant(Role::UnitAdmin, 3)]));
        // A sysadmin in the subtree: never.
        assert!(!a.may_act_on(&t, 4, &[grant(Role::Sysadmin, 4)]));
        assert!(!a.may_act_on(&t, 4, &[grant(Role::Viewer, 4), grant(Role::Sysadmin, 1)]));
        // A grant reaching outside the subtree: never.
        assert!(!a.may_act_on(&t, 4, &[grant(Role::Approver, 1)]));
        assert!(!a.may_act_on(&t, 4, &[grant(Role::Viewer, 2)]));
        // An account outside the subtree: never.
        assert!(!a.may_act_on(&t, 2, &[]));
        // Nobody else acts on accounts; a sysadmin acts on every one.
        let v = actor(vec![grant(Role::Viewer, 1)]);
        assert!(!v.may_act_on(&t, 4, &[]));
        let s = actor(vec![grant(Role::Sysadmin, 1)]);
        assert!(s.may_act_on(&t, 2, &[grant(Role::Sysadmin, 1)]));
    }

    #[test]
    fn lead_units_design_only_inside_their_scope() {
        let t = tree();
        let agg = actor(vec![grant(Role::Aggregator, 3)]);
        assert!(agg.designs(3, "KTXH", &t) && agg.designs(4, "KTXH", &t));
        assert!(!agg.designs(2, "KTXH", &t) && !agg.designs(1, "KTXH", &t));
        let scoped = actor(vec![Grant {
            role: Role::Aggregator,
            unit_id: 3,
            regimes: Some(vec!["KTXH".into()]),
        }]);
        assert!(scoped.designs(3, "KTXH", &t) && !scoped.designs(3, "NS", &t));
        let ua = actor(vec![grant(Role::UnitAdmin, 3)]);
        assert!(ua.designs(4, "NS", &t) && !ua.designs(2, "NS", &t));
        // Grants on the province itself reach the province's own regimes, not those
        // its departments lead.
        for r in [Role::Aggregator, Role::UnitAdmin] {
            let wide = actor(vec![grant(r, 1)]);
            assert!(wide.designs(1, "KTXH", &t) && !wide.designs(2, "KTXH", &t));
        }
        assert!(actor(vec![grant(Role::Sysadmin, 1)]).designs(2, "KTXH", &t));
        for r in [
            Role::Approver,
            Role::DataEntry,
            Role::Checker,
            Role::Sender,
            Role::Viewer,
        ] {
            let a = actor(vec![grant(r, 1)]);
            assert!(!a.designs(3, "KTXH", &t) && !a.designs_somewhere());
        }
    }

    #[test]
    fn catalogue_owners_are_the_units_a_set_up_grant_reaches() {
        let t = tree();
        let agg = actor(vec![Grant {
            role: Role::Aggregator,
            unit_id: 3,
            regimes: Some(vec!["KTXH".into()]),
        }]);
        assert!(agg.owns_catalogue(Some(3), &t) && agg.owns_catalogue(Some(4), &t));
        assert!(!agg.owns_catalogue(Some(2), &t) && !agg.owns_catalogue(Some(1), &t));
        assert!(!agg.owns_catalogue(None, &t));
        assert_eq!(agg.default_owner(), Some(3));
        // The province's own grant: items the province owns, never the departments'
        // nor the province-wide catalogue.
        let wide = actor(vec![grant(Role::Aggregator, 1), grant(Role::UnitAdmin, 1)]);
        assert!(wide.owns_catalogue(Some(1), &t));
        assert!(!wide.owns_catalogue(Some(2), &t) && !wide.owns_catalogue(None, &t));
        assert_eq!(wide.default_owner(), Some(1));
        let two = actor(vec![grant(Role::Aggregator, 2), grant(Role::UnitAdmin, 3)]);
        assert_eq!(two.default_owner(), None);
        let s = actor(vec![grant(Role::Sysadmin, 1)]);
        assert!(s.owns_catalogue(None, &t) && s.owns_catalogue(Some(4), &t));
        for r in [Role::Approver, Role::DataEntry, Role::Viewer] {
            let a = actor(vec![grant(r, 3)]);
            assert!(!a.owns_catalogue(Some(3), &t) && a.default_owner().is_none());
        }
    }

    #[test]
    fn a_cycle_in_the_tree_does_not_hang() {
        let t = UnitTree {
            parent: HashMap::from([(1, Some(2)), (2, Some(1))]),
        };
        assert!(!t.within(1, 5));
    }
}
