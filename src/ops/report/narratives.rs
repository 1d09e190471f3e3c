//! `report narrative compile`: the narratives of a period gathered into one Word
//! document for the lead unit (Bắc Ninh Art. 8(1d): the lead unit "thực hiện tổng hợp"
//! what the units sent; Thái Bình Art. 9(2)). The reports that count are the ones
//! aggregation counts: accepted, or with `--include sent` sent too
//! ([`crate::ops::aggregate::Include`]), and the units are the ones aggregation expects
//! for the period ([`crate::ops::aggregate::collect::roster`]: the obligation rule's
//! exclusions, assignments' first and last periods), with any other unit whose report
//! counts. They come in the unit tree's order; those that sent nothing say so. A unit's
//! leader or viewer compiles its own subtree's, as `aggregate` shows it its figures. The
//! document is written in the reader's language (`--lang`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Lang, Msg};
use crate::export::narratives::{self as doc, Section, Title};
use crate::glossary;
use crate::ops::aggregate::collect;
use crate::ops::aggregate::Include;

use super::*;

/// What to compile.
pub struct CompileRequest {
    pub regime: String,
    pub period: String,
    pub include: Include,
    /// The document's language.
    pub lang: Lang,
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

impl Compiled {
    /// The document handed out, as the data use log records it.
    pub fn data_use(&self) -> crate::audit::data_use::DataUse {
        use crate::audit::data_use::{DataUse, Use};
        DataUse::new(Use::CompileNarratives, Some(&self.regime), &self.period)
            .format("docx")
            .to_file(&self.out)
            .with("include", self.include.as_str().into())
            .with("units_listed", self.units_listed.into())
            .with("units_with_narrative", self.units_with_narrative.into())
    }
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
fn sending_line(rev: &Revision, lang: Lang) -> String {
    let say = |vi: String, en: String| Msg::new(vi, en).get(lang).to_string();
    let mut parts = vec![say(
        format!("Bản số {}", rev.number),
        format!("Revision {}", rev.number),
    )];
    if let Some(at) = &rev.sent_at {
        let at = shown_time(at);
        parts.push(say(format!("gửi lúc {at}"), format!("sent at {at}")));
    }
    if let Some(by) = &rev.signed_by {
        parts.push(say(format!("người ký {by}"), format!("signed by {by}")));
    }
    if let Some(t) = rev.timeliness {
        parts.push(glossary::timeliness(t, lang).to_lowercase());
    }
    if rev.channel.as_deref() == Some("offline") {
        let parts_doc = |d: &str| {
            (
                format!("gửi ngoài hệ thống ({d})"),
                format!("sent outside the system ({d})"),
            )
        };
        let (vi, en) = match rev.offline_doc.as_deref() {
            Some(d) => parts_doc(d),
            None => (parts_doc("văn bản giấy").0, parts_doc("a paper document").1),
        };
        parts.push(say(vi, en));
    }
    parts.push(if rev.status == RevisionStatus::Accepted {
        say("đã tiếp nhận".into(), "accepted".into())
    } else {
        say(
            "đã gửi, chưa tiếp nhận".into(),
            "sent, not yet accepted".into(),
        )
    });
    parts.join(" · ")
}

/// Why a unit has no counted report.
fn missing_line(revs: &[Revision], include: Include, lang: Lang) -> String {
    match revs.iter().rev().find(|r| r.sent_at.is_some()) {
        Some(sent) if include == Include::Accepted => {
            let at = sent.sent_at.as_deref().map(shown_time).unwrap_or_default();
            let n = sent.number;
            Msg::new(
                format!(
                    "Đã gửi lúc {at} (bản số {n}) nhưng chưa được tiếp nhận: chưa đưa vào tổng hợp"
                ),
                format!("Sent at {at} (revision {n}) but not yet accepted: not compiled"),
            )
        }
        _ => Msg::new("Chưa gửi báo cáo", "No report sent"),
    }
    .get(lang)
    .to_string()
}

/// Compiles the period's narratives and writes the .docx to `path` (refused before
/// any work when the actor may not aggregate the regime, not even its own subtree's
/// figures ([`collect::scope`]), or `path` exists without `replace`).
pub fn compile_narratives(
    conn: &Connection,
    actor: &Actor,
    req: &CompileRequest,
    now: Timestamp,
    path: &Path,
    replace: bool,
) -> Result<Compiled> {
    let lang = req.lang;
    let say = |vi: &str, en: &str| Msg::new(vi, en).get(lang).to_string();
    let r = regime::find(conn, &req.regime)?;
    let within = collect::scope(conn, actor, &r, collect::refused(&r))?;
    crate::files::check_output_as(path, replace, "docx")?;
    let period = regime::period_of(&r, &req.period)?;
    let period_id = period.to_string();
    let period_words = match (&period, lang) {
        (regime::ReportPeriod::Periodic(p), Lang::Vi) => p.name_vi(),
        (regime::ReportPeriod::Periodic(p), Lang::En) => p.name_en(),
        (regime::ReportPeriod::Labelled(l), _) => l.clone(),
    };
    let outline = crate::ops::outline::of(conn, r.id)?;
    let statuses = req.include.statuses();
    let order = tree_order(conn)?;
    // The units aggregation expects, and any other whose report counts.
    let options = collect::Options {
        statuses: statuses.clone(),
        grouping: collect::Grouping::None,
        ytd: false,
        previous_year: false,
        lineage: false,
        cells: None,
        within: within.clone(),
    };
    let roster = collect::roster(conn, &r, &period_id, &options)?;
    let mut listed: Vec<(String, String)> = roster.expected;
    for u in roster.counted {
        if !listed.iter().any(|(c, _)| *c == u.0) {
            listed.push(u);
        }
    }
    listed.sort_by_key(|(code, _)| (order.get(code).copied().unwrap_or(usize::MAX), code.clone()));
    let mut sections = Vec::new();
    let mut with_narrative = 0;
    let mut missing = Vec::new();
    for (code, name) in &listed {
        let unit_id = crate::ops::unit::find(conn, code)?.id;
        let revs = match sql::report_id(conn, r.id, unit_id, &period_id)? {
            Some(id) => sql::revisions(conn, id)?,
            None => Vec::new(),
        };
        let counted = revs.iter().rev().find(|x| statuses.contains(&x.status));
        let heading = format!("{code} — {name}");
        let Some(rev) = counted else {
            missing.push(code.clone());
            sections.push(Section {
                heading,
                sending: missing_line(&revs, req.include, lang),
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
            sending: sending_line(rev, lang),
            empty: lines.is_empty().then(|| {
                say(
                    "Báo cáo không có phần thuyết minh",
                    "The report has no narrative",
                )
            }),
            lines,
        });
    }
    // The lead unit's document, or the unit's own when it compiles its subtree's.
    let unit = match &within {
        None => units::by_id(conn, r.lead_unit_id)?
            .map(|u| format!("{} — {}", u.code, u.name))
            .unwrap_or_else(|| r.lead_unit.clone()),
        Some(roots) => {
            let mut named = Vec::new();
            for &id in roots {
                if let Some(u) = units::by_id(conn, id)? {
                    named.push(format!("{} — {}", u.code, u.name));
                }
            }
            named.join(", ")
        }
    };
    let title = Title {
        lang,
        regime: format!("{} — {}", r.code, r.name),
        period: period_words,
        unit,
        own: within.is_some(),
        counted: match req.include {
            Include::Accepted => say("Gồm các báo cáo đã được tiếp nhận", "Reports accepted"),
            Include::Sent => say(
                "Gồm các báo cáo đã gửi (đã hoặc chưa được tiếp nhận)",
                "Reports sent (accepted or not)",
            ),
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
