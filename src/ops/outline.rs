//! `regime outline …`: a regime's outline template (mẫu đề cương), set by its lead
//! unit (Ninh Bình Art. 17(1), Thái Bình Art. 15(1): the lead unit "xây dựng đề cương
//! báo cáo"), and the check every narrative or combined report passes at submission.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::Recorder;
use crate::auth::permission::Actor;
use crate::domain::outline::{self, Finding, Outline, ParseError, Problem};
use crate::error::{Error, Kind, Msg, Result};
use crate::form::FormKind;
use crate::store::outline as sql;
use crate::store::regime::Regime;
use crate::store::unit as units;

/// One heading as shown.
#[derive(Debug, Serialize)]
pub struct HeadingView {
    pub position: usize,
    pub heading: String,
    pub required: bool,
}

/// A regime's outline as `regime outline show` and `set` print it.
#[derive(Debug, Serialize)]
pub struct OutlineView {
    pub regime: String,
    pub headings: Vec<HeadingView>,
    pub set_at: String,
    pub set_by: String,
    /// When set: the regime's current form, numeric only, has no narrative part to
    /// check the outline against (said as a warning, see [`set`]).
    #[serde(skip)]
    pub numeric_form: Option<String>,
}

fn view(regime: &str, o: &Outline, stored: &sql::Stored) -> OutlineView {
    OutlineView {
        regime: regime.to_string(),
        headings: o
            .headings
            .iter()
            .enumerate()
            .map(|(i, h)| HeadingView {
                position: i + 1,
                heading: h.text.clone(),
                required: !h.optional,
            })
            .collect(),
        set_at: stored.set_at.clone(),
        set_by: stored.set_by.clone(),
        numeric_form: None,
    }
}

/// The outline's text refused, in words.
fn parse_error(e: ParseError) -> Error {
    let msg = match e {
        ParseError::Empty => Msg::new(
            "Mẫu đề cương không có đề mục nào (mỗi dòng một đề mục; dòng bắt đầu bằng # là ghi chú)",
            "The outline has no heading (one heading a line; lines starting with # are comments)",
        ),
        ParseError::TooLong { line } => Msg::new(
            format!(
                "Dòng {line}: đề mục dài quá {} ký tự",
                outline::MAX_HEADING_CHARS
            ),
            format!(
                "Line {line}: the heading is longer than {} characters",
                outline::MAX_HEADING_CHARS
            ),
        ),
        ParseError::TooMany => Msg::new(
            format!("Mẫu đề cương có quá {} đề mục", outline::MAX_HEADINGS),
            format!("The outline has more than {} headings", outline::MAX_HEADINGS),
        ),
        ParseError::Duplicate { line, first } => Msg::new(
            format!("Dòng {line}: đề mục trùng với dòng {first}"),
            format!("Line {line}: the heading repeats line {first}"),
        ),
        ParseError::Blank { line } => Msg::new(
            format!("Dòng {line}: sau dấu ? phải có đề mục"),
            format!("Line {line}: a heading must follow the ?"),
        ),
    };
    Error::new(Kind::Invalid, msg)
}

/// May the actor change this regime's outline? Its lead unit's set-up accounts
/// ([`Actor::designs`]) or the sysadmin.
fn require_lead(conn: &Connection, actor: &Actor, r: &Regime) -> Result<()> {
    let tree = units::tree(conn)?;
    actor.require(
        actor.designs(r.lead_unit_id, &r.code, &tree),
        Msg::new(
            format!("đặt mẫu đề cương của chế độ {}", r.code),
            format!("set the outline of regime {}", r.code),
        ),
    )
}

/// A regime's outline, if it has one.
pub fn of(conn: &Connection, regime_id: i64) -> Result<Option<Outline>> {
    sql::get(conn, regime_id)?
        .map(|s| outline::parse(&s.body).map_err(parse_error))
        .transpose()
}

/// `regime outline set`: the outline's text replaces the regime's outline. On a regime
/// whose current form is numeric only it is kept, with `numeric_form` set for a
/// warning, not refused: a regime amended from a later period may take a narrative or
/// combined form then ([`crate::ops::regime::rules_for`]), and its lead unit prepares
/// the outline before; until then no report of it is checked against the outline.
pub fn set(
    conn: &Connection,
    actor: &Actor,
    rec: &Recorder,
    code: &str,
    text: &str,
) -> Result<OutlineView> {
    let r = crate::ops::regime::find(conn, code)?;
    require_lead(conn, actor, &r)?;
    let clean = crate::text::auto_convert(text).text;
    let o = outline::parse(&clean).map_err(parse_error)?;
    let stored = sql::Stored {
        body: o.text(),
        set_at: rec.at.clone(),
        set_by: rec.actor.clone(),
    };
    sql::put(conn, r.id, &stored)?;
    rec.change(
        conn,
        "regime",
        &r.code,
        json!({"outline": o.headings.len()}),
    )?;
    let mut shown = view(&r.code, &o, &stored);
    let form = crate::ops::form::load(conn, &r.form, None)?;
    if form.kind == FormKind::Numeric {
        shown.numeric_form = Some(form.code);
    }
    Ok(shown)
}

fn none_error(r: &Regime) -> Error {
    Error::new(
        Kind::NotFound,
        Msg::new(
            format!("Chế độ {} chưa có mẫu đề cương", r.code),
            format!("Regime {} has no outline", r.code),
        ),
    )
}

/// `regime outline show`: anyone signed in may read the catalogue.
pub fn show(conn: &Connection, code: &str) -> Result<OutlineView> {
    let r = crate::ops::regime::find(conn, code)?;
    let stored = sql::get(conn, r.id)?.ok_or_else(|| none_error(&r))?;
    let o = outline::parse(&stored.body).map_err(parse_error)?;
    Ok(view(&r.code, &o, &stored))
}

/// What `regime outline clear` removed.
#[derive(Debug, Serialize)]
pub struct Cleared {
    pub regime: String,
    pub headings: usize,
}

/// `regime outline clear`: the regime's narratives are no longer checked.
pub fn clear(conn: &Connection, actor: &Actor, rec: &Recorder, code: &str) -> Result<Cleared> {
    let r = crate::ops::regime::find(conn, code)?;
    require_lead(conn, actor, &r)?;
    let Some(o) = of(conn, r.id)? else {
        return Err(none_error(&r));
    };
    sql::remove(conn, r.id)?;
    rec.change(conn, "regime", &r.code, json!({"outline": null}))?;
    Ok(Cleared {
        regime: r.code,
        headings: o.headings.len(),
    })
}

/// The headings a narrative lacks against its regime's outline (none without an
/// outline, or for a numeric form, which has no narrative part).
pub fn findings(
    conn: &Connection,
    regime: &Regime,
    kind: FormKind,
    narrative: Option<&str>,
) -> Result<Vec<Finding>> {
    if kind == FormKind::Numeric {
        return Ok(Vec::new());
    }
    Ok(match of(conn, regime.id)? {
        Some(o) => o.check(narrative.unwrap_or_default()),
        None => Vec::new(),
    })
}

/// The findings as one line each, in the reader's language.
pub fn finding_lines(found: &[Finding]) -> Msg {
    let line = |f: &Finding, vi: bool| match (f.problem, vi) {
        (Problem::Missing, true) => format!("  - thiếu đề mục «{}»", f.heading),
        (Problem::Missing, false) => format!("  - missing heading «{}»", f.heading),
        (Problem::OutOfOrder, true) => {
            format!("  - đề mục «{}» không đúng thứ tự của mẫu", f.heading)
        }
        (Problem::OutOfOrder, false) => {
            format!("  - heading «{}» is out of the outline's order", f.heading)
        }
    };
    Msg::new(
        found
            .iter()
            .map(|f| line(f, true))
            .collect::<Vec<_>>()
            .join("\n"),
        found
            .iter()
            .map(|f| line(f, false))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// At submission: a narrative or combined report's narrative must carry every
/// required heading of its regime's outline, in order (exit 5, nothing written).
pub fn check_submission(
    conn: &Connection,
    regime: &Regime,
    reference: &str,
    kind: FormKind,
    narrative: Option<&str>,
) -> Result<()> {
    let found = findings(conn, regime, kind, narrative)?;
    if found.is_empty() {
        return Ok(());
    }
    let lines = finding_lines(&found);
    let n = found.len();
    Err(Error::new(
        Kind::Invalid,
        Msg::new(
            format!(
                "Thuyết minh của báo cáo {reference} chưa theo mẫu đề cương của chế độ {} ({n} đề mục); không trình được:\n{}",
                regime.code, lines.vi
            ),
            format!(
                "The narrative of report {reference} does not follow regime {}'s outline ({n} headings); it cannot be submitted:\n{}",
                regime.code, lines.en
            ),
        ),
    )
    .with_hint(Msg::new(
        format!(
            "xem mẫu bằng `baocao regime outline show {}`, sửa thuyết minh (report narrative set) rồi trình lại",
            regime.code
        ),
        format!(
            "see it with `baocao regime outline show {}`, correct the narrative (report narrative set), then submit again",
            regime.code
        ),
    )))
}

/// A regime's outline as a catalogue document carries it (`exchange export catalogue`):
/// its headings in order, each required or not.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Carried {
    pub regime: String,
    pub headings: Vec<CarriedHeading>,
}

/// One heading of a [`Carried`] outline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CarriedHeading {
    pub heading: String,
    /// Optional headings (`? heading` in the outline's file) are `false`.
    #[serde(default = "required_by_default")]
    pub required: bool,
}

fn required_by_default() -> bool {
    true
}

/// Every regime's outline, by regime code, for a catalogue document.
pub fn carried(conn: &Connection) -> Result<Vec<Carried>> {
    let mut out = Vec::new();
    for r in crate::store::regime::all(conn)? {
        let Some(o) = of(conn, r.id)? else { continue };
        out.push(Carried {
            regime: r.code.clone(),
            headings: o
                .headings
                .iter()
                .map(|h| CarriedHeading {
                    heading: h.text.clone(),
                    required: !h.optional,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// How a catalogue's outlines compare with the ones here.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Taken {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Takes a catalogue document's outlines (`from`: the sender, for the error) for the
/// regimes this instance has (a regime it lacks is reported by the catalogue import);
/// with `dry_run` only measured. An outline that does not parse refuses the document
/// (exit 5).
pub fn take_carried(
    conn: &Connection,
    rec: &Recorder,
    from: &str,
    items: &[(usize, Carried)],
    dry_run: bool,
) -> Result<Taken> {
    let mut taken = Taken::default();
    for (n, c) in items {
        let Some(r) = crate::store::regime::by_code(conn, &c.regime)? else {
            continue;
        };
        let text: String = c
            .headings
            .iter()
            .map(|h| match h.required {
                true => format!("{}\n", h.heading),
                false => format!("? {}\n", h.heading),
            })
            .collect();
        let o = outline::parse(&text).map_err(|e| {
            let e = parse_error(e);
            Error::new(
                Kind::Invalid,
                Msg::new(
                    format!(
                        "Danh mục của {from}: mẫu đề cương thứ {n} (chế độ {}): {}",
                        c.regime, e.msg.vi
                    ),
                    format!(
                        "The catalogue from {from}: outline {n} (regime {}): {}",
                        c.regime, e.msg.en
                    ),
                ),
            )
        })?;
        let body = o.text();
        match sql::get(conn, r.id)? {
            Some(s) if s.body == body => {
                taken.unchanged += 1;
                continue;
            }
            Some(_) => taken.updated += 1,
            None => taken.created += 1,
        }
        if dry_run {
            continue;
        }
        let stored = sql::Stored {
            body,
            set_at: rec.at.clone(),
            set_by: rec.actor.clone(),
        };
        sql::put(conn, r.id, &stored)?;
        rec.change(
            conn,
            "regime",
            &r.code,
            json!({"outline": o.headings.len(), "from": from}),
        )?;
    }
    Ok(taken)
}
