//! `report narrative compile`: the narratives of a period gathered into one Word
//! document for the lead unit (Bắc Ninh Art. 8(1d): the lead unit "thực hiện tổng hợp"
//! what the units sent; Thái Bình Art. 9(2)). The reports that count are the ones
//! aggregation counts: accepted, or with `--include sent` sent too
//! ([`crate::ops::aggregate::Include`]). Units come in the unit tree's order; every
//! assigned unit has a section, those that sent nothing say so.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::Lang;
use crate::export::narratives::{self as doc, Section, Title};
use crate::glossary;
use crate::ops::aggregate::Include;

use super::*;

/// What to compile.
pub struct CompileRequest {
    pub regime: String,
    pub period: String,
    pub include: Include,
}

/// The document once written, as the command prints it.
#[derive(Debug, Serialize)]
pub struct Compiled {
    pub out: PathBuf,
    pub regime: String,
    pub period: String,
    /// Units with a section.
    pub units_listed: usize,
    /// Units whose counted report carries a narrative.
    pub units_with_narrative: usize,
    /// Units whose report does not count (not sent, or not yet accepted).
    pub units_missing: Vec<String>,
    #[serde(skip)]
    pub include: Include,
}

/// The units in the unit tree's order (parents before children, siblings by kind and
/// code, as `unit tree` shows them): code → position.
fn tree_order(conn: &Connection) -> Result<HashMap<String, usize>> {
    fn walk(n: &crate::ops::unit::TreeNode, order: &mut HashMap<String, usize>) {
        let next = order.len();
        order.entry(n.code.clone()).or_insert(next);
        for c in &n.children {
            walk(c, order);
        }
    }
    let mut order = HashMap::new();
    for root in crate::ops::unit::tree(conn, None, true)? {
        walk(&root, &mut order);
    }
    Ok(order)
}

/// `23/11/2026 16:30` from a stored time.
fn shown_time(s: &str) -> String {
    crate::output::human_date(s).unwrap_or_else(|| s.to_string())
}

/// The sending line of a counted revision.
fn sending_line(rev: &Revision) -> String {
    let mut parts = vec![format!("Bản số {}", rev.number)];
    if let Some(at) = &rev.sent_at {
        parts.push(format!("gửi lúc {}", shown_time(at)));
    }
    if let Some(by) = &rev.signed_by {
        parts.push(format!("người ký {by}"));
    }
    if let Some(t) = rev.timeliness {
        parts.push(glossary::timeliness(t, Lang::Vi).to_lowercase());
    }
    if rev.channel.as_deref() == Some("offline") {
        let doc = rev.offline_doc.as_deref().unwrap_or("văn bản giấy");
        parts.push(format!("gửi ngoài hệ thống ({doc})"));
    }
    parts.push(
        if rev.status == RevisionStatus::Accepted {
            "đã tiếp nhận"
        } else {
            "đã gửi, chưa tiếp nhận"
        }
        .to_string(),
    );
    parts.join(" · ")
}

/// Why a unit has no counted report.
fn missing_line(revs: &[Revision], include: Include) -> String {
    match revs.iter().rev().find(|r| r.sent_at.is_some()) {
        Some(sent) if include == Include::Accepted => format!(
            "Đã gửi lúc {} (bản số {}) nhưng chưa được tiếp nhận: chưa đưa vào tổng hợp",
            sent.sent_at.as_deref().map(shown_time).unwrap_or_default(),
            sent.number
        ),
        _ => "Chưa gửi báo cáo".to_string(),
    }
}

/// Compiles the period's narratives and writes the .docx to `path` (refused before
/// any work when the actor is not the lead unit's aggregator or viewer, or `path`
/// exists without `replace`).
pub fn compile_narratives(
    conn: &Connection,
    actor: &Actor,
    req: &CompileRequest,
    now: Timestamp,
    path: &Path,
    replace: bool,
) -> Result<Compiled> {
    let r = crate::ops::aggregate::collect::may_aggregate(conn, actor, &req.regime)?;
    crate::files::check_output(path, replace)?;
    let period = regime::period_of(&r, &req.period)?;
    let period_id = period.to_string();
    let period_words = match &period {
        regime::ReportPeriod::Periodic(p) => p.name_vi(),
        regime::ReportPeriod::Labelled(l) => l.clone(),
    };
    let outline = crate::ops::outline::of(conn, r.id)?;
    let statuses = req.include.statuses();
    let order = tree_order(conn)?;
    // Every assigned unit, and any unit that reported for the period anyway.
    let mut listed: Vec<(String, String, i64)> = rsql::assignments(conn, r.id, true)?
        .into_iter()
        .map(|a| (a.unit, a.unit_name, a.unit_id))
        .collect();
    for (code, _) in sql::period_counting(conn, r.id, &period_id)? {
        if !listed.iter().any(|(c, _, _)| *c == code) {
            let u = crate::ops::unit::find(conn, &code)?;
            listed.push((u.code, u.name, u.id));
        }
    }
    listed
        .sort_by_key(|(code, _, _)| (order.get(code).copied().unwrap_or(usize::MAX), code.clone()));
    let mut sections = Vec::new();
    let mut with_narrative = 0;
    let mut missing = Vec::new();
    for (code, name, unit_id) in &listed {
        let revs = match sql::report_id(conn, r.id, *unit_id, &period_id)? {
            Some(id) => sql::revisions(conn, id)?,
            None => Vec::new(),
        };
        let counted = revs.iter().rev().find(|x| statuses.contains(&x.status));
        let heading = format!("{code} — {name}");
        let Some(rev) = counted else {
            missing.push(code.clone());
            sections.push(Section {
                heading,
                sending: missing_line(&revs, req.include),
                lines: Vec::new(),
                empty: None,
            });
            continue;
        };
        let lines: Vec<(String, bool)> = rev
            .narrative
            .as_deref()
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let is_heading = outline.as_ref().is_some_and(|o| o.is_heading(l));
                (l.to_string(), is_heading)
            })
            .collect();
        if !lines.is_empty() {
            with_narrative += 1;
        }
        sections.push(Section {
            heading,
            sending: sending_line(rev),
            empty: lines
                .is_empty()
                .then(|| "Báo cáo không có phần thuyết minh".to_string()),
            lines,
        });
    }
    let lead = units::by_id(conn, r.lead_unit_id)?
        .map(|u| format!("{} — {}", u.code, u.name))
        .unwrap_or_else(|| r.lead_unit.clone());
    let title = Title {
        regime: format!("{} — {}", r.code, r.name),
        period: period_words,
        lead_unit: lead,
        counted: match req.include {
            Include::Accepted => "Gồm các báo cáo đã được tiếp nhận".into(),
            Include::Sent => "Gồm các báo cáo đã gửi (đã hoặc chưa được tiếp nhận)".into(),
        },
        made_at: now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    };
    let bytes = doc::write(&title, &sections)?;
    crate::files::save_bytes(path, &bytes, replace)?;
    Ok(Compiled {
        out: path.to_path_buf(),
        regime: r.code,
        period: period_id,
        units_listed: sections.len(),
        units_with_narrative: with_narrative,
        units_missing: missing,
        include: req.include,
    })
}
