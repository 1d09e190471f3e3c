//! What a sending signs (the revision's canonical content) and checking it again:
//! one revision, or a whole period's approvers, senders and signatures at once.

use super::*;

/// The content a revision's signature covers.
pub fn canonical(conn: &Connection, t: &Target, rev: &Revision) -> Result<String> {
    canonical_of(conn, &t.regime.code, &t.unit.code, &t.period, rev)
}

fn canonical_of(
    conn: &Connection,
    regime: &str,
    unit: &str,
    period: &str,
    rev: &Revision,
) -> Result<String> {
    let values = sql::values(conn, rev.id)?;
    // The bytes themselves, hashed now: an attachment changed after signing breaks it.
    let atts = sql::attachment_digests(conn, rev.id)?;
    Ok(sign::canonical(&sign::Content {
        regime,
        form_code: &rev.form_code,
        form_version: rev.form_version,
        unit,
        period,
        revision: rev.number,
        values: &values,
        narrative: rev.narrative.as_deref(),
        attachments: &atts,
    }))
}

/// Checks a sent revision's signature against what the database holds now.
pub fn signature_ok(conn: &Connection, t: &Target, rev: &Revision) -> Result<Option<bool>> {
    signature_of(conn, &t.regime.code, &t.unit.code, &t.period, rev)
}

fn signature_of(
    conn: &Connection,
    regime: &str,
    unit: &str,
    period: &str,
    rev: &Revision,
) -> Result<Option<bool>> {
    let (Some(sig), Some(key_id)) = (&rev.signature, rev.key_id) else {
        return Ok(None);
    };
    let Some(public) = sql::key_by_id(conn, key_id)? else {
        return Ok(Some(false));
    };
    Ok(Some(sign::verify(
        &public,
        &canonical_of(conn, regime, unit, period, rev)?,
        sig,
    )))
}

/// Who approved and who sent a unit's report, and whether its last sent revision's
/// signature verifies: what [`view`] says of them.
#[derive(Debug, Clone, Default)]
pub struct Signoff {
    pub approver: Option<String>,
    pub sender: Option<String>,
    pub signature_valid: Option<bool>,
}

/// [`Signoff`] of every report of a regime's period, by unit code: two queries for
/// the period's revisions and transitions instead of a [`view`] per unit (the status
/// sheet of a national export has thousands).
/// `checked` holds signatures already checked (by revision id): aggregation checks the
/// ones it reads the values of, so a national export reads each report once.
pub fn signoffs(
    conn: &Connection,
    regime: &Regime,
    period: &str,
    checked: &std::collections::HashMap<i64, bool>,
) -> Result<std::collections::HashMap<String, Signoff>> {
    let mut out: std::collections::HashMap<String, Signoff> = std::collections::HashMap::new();
    let mut by_unit: std::collections::HashMap<String, Vec<Revision>> =
        std::collections::HashMap::new();
    for (unit, rev) in sql::period_revisions(conn, regime.id, period)? {
        by_unit.entry(unit).or_default().push(rev);
    }
    let mut verdicts = Vec::new();
    for (unit, revs) in &by_unit {
        let Some(rev) = revs.iter().rev().find(|r| r.sent_at.is_some()) else {
            continue;
        };
        let valid = match checked.get(&rev.id) {
            Some(&v) => Some(v),
            None => signature_of(conn, &regime.code, unit, period, rev)?,
        };
        verdicts.push((unit.clone(), valid));
    }
    for (unit, valid) in verdicts {
        out.entry(unit).or_default().signature_valid = valid;
    }
    // The last approval and sending win, as `view`'s history read backwards.
    for (unit, t) in sql::period_transitions(conn, regime.id, period)? {
        let entry = out.entry(unit).or_default();
        match t.action.as_str() {
            "approve" => entry.approver = Some(t.actor),
            "send" => entry.sender = Some(t.actor),
            _ => {}
        }
    }
    Ok(out)
}
