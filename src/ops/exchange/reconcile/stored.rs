//! What this system holds for a regime's period, unit by unit, as far as the actor may
//! read it: shared by `reconcile` and `exchange export --dhis2`.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::Connection;
use serde::Serialize;

use crate::auth::permission::{Actor, Role};
use crate::domain::workflow::RevisionStatus;
use crate::entry::{self, Values};
use crate::error::{Error, Kind, Msg, Result};
use crate::form::FormDef;
use crate::ops::report::check::to_values;
use crate::store::regime::{self as rsql, Regime};
use crate::store::report::{self as sql, Revision};
use crate::store::unit as units;

/// Which revision of a unit's report stands for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Include {
    /// The last accepted revision.
    Accepted,
    /// The effective one: the last accepted, else the last sent.
    #[default]
    Sent,
    /// The last revision whatever its state (drafts included).
    Latest,
}

impl Include {
    /// `accepted`, `sent` or `latest`, as `--include` spells it.
    pub fn parse(s: &str) -> Result<Include> {
        match s.trim() {
            "accepted" => Ok(Include::Accepted),
            "sent" => Ok(Include::Sent),
            "latest" => Ok(Include::Latest),
            other => Err(Error::new(
                Kind::Usage,
                Msg::new(
                    format!("--include «{other}»: accepted, sent hoặc latest"),
                    format!("--include «{other}»: accepted, sent or latest"),
                ),
            )),
        }
    }

    fn pick(self, revs: &[Revision]) -> Option<&Revision> {
        let last = |f: &dyn Fn(RevisionStatus) -> bool| revs.iter().rev().find(|r| f(r.status));
        match self {
            Include::Accepted => last(&|s| s == RevisionStatus::Accepted),
            Include::Sent => last(&|s| s == RevisionStatus::Accepted)
                .or_else(|| last(&|s| s == RevisionStatus::Sent)),
            Include::Latest => revs.last(),
        }
    }
}

/// One unit's values for the period.
pub struct UnitValues {
    pub unit: String,
    pub unit_name: String,
    /// The revision standing for the unit, if any.
    pub revision: Option<Revision>,
    /// The form that revision was made on (the regime's latest form without one).
    pub form: Rc<FormDef>,
    /// Input values as stored and the computed cells recomputed from them.
    pub values: Values,
    /// Only the cells stored (input cells).
    pub inputs: Values,
}

/// The units of a regime the actor may read: every assigned unit for a sysadmin or an
/// aggregator or viewer of the lead unit; else those its grants cover. None at all is
/// a refusal (exit 4) saying `what`.
pub fn scope(
    conn: &Connection,
    actor: &Actor,
    regime: &Regime,
    what: Msg,
) -> Result<Vec<rsql::Assignment>> {
    let tree = units::tree(conn)?;
    let all = actor.holds_for_regime(Role::Aggregator, regime.lead_unit_id, &regime.code, &tree)
        || actor.holds_for_regime(Role::Viewer, regime.lead_unit_id, &regime.code, &tree);
    let assigned = rsql::assignments(conn, regime.id, false)?;
    let mine: Vec<_> = assigned
        .into_iter()
        .filter(|a| all || crate::ops::report::can_read_unit(actor, &tree, a.unit_id, regime))
        .collect();
    actor.require(all || !mine.is_empty(), what)?;
    Ok(mine)
}

/// Forms by (code, version), parsed once.
#[derive(Default)]
pub struct Forms(HashMap<(String, i64), Rc<FormDef>>);

impl Forms {
    pub fn get(
        &mut self,
        conn: &Connection,
        code: &str,
        version: Option<i64>,
    ) -> Result<Rc<FormDef>> {
        let key = match version {
            Some(v) => (code.to_string(), v),
            None => {
                let latest = crate::ops::form::load(conn, code, None)?;
                let key = (code.to_string(), i64::from(latest.version));
                self.0.entry(key.clone()).or_insert_with(|| Rc::new(latest));
                key
            }
        };
        if let Some(f) = self.0.get(&key) {
            return Ok(f.clone());
        }
        let f = Rc::new(crate::ops::form::load(conn, &key.0, Some(key.1))?);
        self.0.insert(key, f.clone());
        Ok(f)
    }
}

/// The values of every unit in `scope` for `period`, by `include`, in unit order.
pub fn gather(
    conn: &Connection,
    regime: &Regime,
    period: &str,
    scope: &[rsql::Assignment],
    include: Include,
    forms: &mut Forms,
) -> Result<Vec<UnitValues>> {
    let mut by_unit: HashMap<String, Vec<Revision>> = HashMap::new();
    for (unit, rev) in sql::period_revisions(conn, regime.id, period)? {
        by_unit.entry(unit).or_default().push(rev);
    }
    let mut out = Vec::with_capacity(scope.len());
    for a in scope {
        let revs = by_unit.remove(&a.unit).unwrap_or_default();
        let revision = include.pick(&revs).cloned();
        let (form, inputs) = match &revision {
            Some(r) => (
                forms.get(conn, &r.form_code, Some(r.form_version))?,
                to_values(&sql::values(conn, r.id)?),
            ),
            None => (forms.get(conn, regime.form.trim(), None)?, Values::new()),
        };
        let mut values = inputs.clone();
        entry::recompute(&form, &mut values);
        out.push(UnitValues {
            unit: a.unit.clone(),
            unit_name: a.unit_name.clone(),
            revision,
            form,
            values,
            inputs,
        });
    }
    Ok(out)
}
