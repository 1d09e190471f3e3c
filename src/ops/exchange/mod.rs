//! Exchange with other systems (SPEC §10; QCVN 125:2021/BTTTT's packets under our own
//! documented schema): signed JSON documents going out (`exchange export`) and coming
//! in (`exchange import`), DHIS2 data value sets, reconciliation against another source.
//!
//! - [`document`]: the envelope every document shares — sender, receiver, document
//!   type, created-at, the content's SHA-256 digest and the sending account's Ed25519
//!   signature with its key id — its canonical bytes, sealing and checking.
//! - [`catalogue`]: units, indicators, forms, regimes and periods.
//! - [`report_data`]: one report revision with its values, narrative, attachment
//!   digests and the unit's own signature.
//! - [`status`]: who reported what, when, for a regime's period.
//! - [`aggregate_doc`]: a regime's period aggregated over units, with the components
//!   (sums, counts, weights) another instance needs to aggregate it again exactly.
//! - [`dhis2`]: DHIS2 `dataValueSets` through a mapping file.
//! - [`reconcile`]: stored values against another source (đối soát).

pub mod aggregate_doc;
pub mod catalogue;
pub mod dhis2;
pub mod document;
pub mod federation;
pub mod reconcile;
pub mod report_data;
pub mod status;
pub mod upward;

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;

use crate::audit::data_use::{DataUse, Use};
use crate::auth::permission::Actor;
use crate::error::{Error, Kind, Msg, Result};
use crate::store::unit as units;
use document::{DocumentType, Party, Unsigned};

/// The receiving system when none is named: the national reporting system.
pub const NATIONAL_SYSTEM: &str = "VN";

/// What `exchange export` is asked for.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub kind: DocumentType,
    pub regime: Option<String>,
    pub period: Option<String>,
    /// report-data: one unit's report (else every unit's the actor may read).
    pub unit: Option<String>,
    /// The receiving unit's code.
    pub to: Option<String>,
    /// The receiving system's code.
    pub to_system: Option<String>,
}

/// Documents made, ready to sign, and the data use to log before they leave.
#[derive(Debug)]
pub struct Prepared {
    pub documents: Vec<Unsigned>,
    pub data_use: Option<DataUse>,
}

/// This installation's code: the code of its top province unit (else its first root
/// unit, else `baocao`), as documents name their `system`.
pub fn system_code(conn: &Connection) -> Result<String> {
    let all = units::all(conn)?;
    let roots: Vec<&units::Unit> = all.iter().filter(|u| u.parent.is_none()).collect();
    Ok(roots
        .iter()
        .find(|u| u.kind == "province")
        .or(roots.first())
        .map(|u| u.code.clone())
        .unwrap_or_else(|| "baocao".into()))
}

fn sender(conn: &Connection, system: &str, unit_code: &str, actor: &Actor) -> Result<Party> {
    let name = units::by_code(conn, unit_code)?.map(|u| u.name);
    Ok(Party {
        system: system.to_string(),
        unit: unit_code.to_string(),
        unit_name: name,
        account: Some(actor.username.clone()),
    })
}

pub fn receiver(conn: &Connection, req: &ExportRequest, lead: Option<&str>) -> Result<Party> {
    let system = req
        .to_system
        .clone()
        .unwrap_or_else(|| NATIONAL_SYSTEM.to_string());
    // Upward by default: the lead unit's parent when it has one here.
    let parent = match lead {
        Some(code) => units::by_code(conn, code)?.and_then(|u| u.parent),
        None => None,
    };
    let unit = req.to.clone().or(parent).unwrap_or_else(|| system.clone());
    let unit_name = units::by_code(conn, &unit)?.map(|u| u.name);
    Ok(Party {
        system,
        unit,
        unit_name,
        account: None,
    })
}

fn required<'a>(v: &'a Option<String>, what: &str, kind: DocumentType) -> Result<&'a str> {
    v.as_deref()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            Error::new(
                Kind::Usage,
                Msg::new(
                    format!("Tài liệu {} cần {what}", kind.as_str()),
                    format!("A {} document needs {what}", kind.as_str()),
                ),
            )
        })
}

/// Makes the documents of `req` as `actor` at `now`, unsigned: the signing is the
/// caller's, with the actor's own key, on the actor's own machine.
pub fn prepare(
    conn: &Connection,
    actor: &Actor,
    now: Timestamp,
    req: &ExportRequest,
) -> Result<Prepared> {
    let system = system_code(conn)?;
    let created_at = crate::clock::rfc3339(now);
    let kind = req.kind;
    if kind == DocumentType::Catalogue {
        if req.regime.is_some() || req.period.is_some() || req.unit.is_some() {
            return Err(Error::new(
                Kind::Usage,
                Msg::new(
                    "Danh mục không nhận chế độ, kỳ hay --unit",
                    "The catalogue takes no regime, period or --unit",
                ),
            ));
        }
        let (unit, content) = catalogue::content(conn, actor)?;
        let doc = Unsigned::new(
            kind,
            sender(conn, &system, &unit, actor)?,
            receiver(conn, req, None)?,
            created_at,
            content,
        );
        return Ok(Prepared {
            documents: vec![doc],
            data_use: None,
        });
    }
    let regime = required(&req.regime, "REGIME", kind)?;
    let period = required(&req.period, "PERIOD", kind)?;
    if req.unit.is_some() && kind != DocumentType::ReportData {
        return Err(Error::new(
            Kind::Usage,
            Msg::new(
                "--unit chỉ dùng với report-data",
                "--unit goes with report-data only",
            ),
        ));
    }
    let made: Vec<(String, serde_json::Value)> = match kind {
        DocumentType::ReportData => {
            report_data::contents(conn, actor, now, regime, period, req.unit.as_deref())?
        }
        DocumentType::ReportStatus => vec![status::content(conn, actor, now, regime, period)?],
        DocumentType::Aggregate => vec![aggregate_doc::content(conn, actor, regime, period)?],
        DocumentType::Catalogue => Vec::new(),
    };
    let r = crate::ops::regime::find(conn, regime)?;
    let period_id = crate::ops::regime::parse_period(&r, period)?;
    let to = receiver(conn, req, Some(&r.lead_unit))?;
    let mut documents = Vec::with_capacity(made.len());
    for (unit, content) in made {
        documents.push(Unsigned::new(
            kind,
            sender(conn, &system, &unit, actor)?,
            to.clone(),
            created_at.clone(),
            content,
        ));
    }
    let data_use = DataUse::new(Use::ExchangeExport, Some(&r.code), &period_id)
        .with("document_type", serde_json::json!(kind.as_str()))
        .with("documents", serde_json::json!(documents.len()))
        .with(
            "receiver",
            serde_json::json!(format!("{}/{}", to.system, to.unit)),
        );
    Ok(Prepared {
        documents,
        data_use: Some(data_use),
    })
}

/// What `exchange import` did (or, with `--dry-run`, would do) with one document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentOutcome {
    pub source: String,
    pub document_type: DocumentType,
    /// The document's identity ([`document::Document::id`]).
    pub id: String,
    pub sender: String,
    /// `created`: new here; `unchanged`: imported before (a no-op);
    /// `applied`: its content changed what is stored.
    pub verdict: String,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<ImportConflict>,
    /// What the document holds that an import does not bring in, and why.
    pub not_imported: Vec<ImportConflict>,
    /// Another installation's aggregate: the report it became here (or would become,
    /// with `--dry-run`) — see [`federation`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<federation::FederatedReport>,
}

/// Something in a document that disagrees with what is stored.
#[derive(Debug, Clone, Serialize)]
pub struct ImportConflict {
    /// `unit`, `indicator`, `key`, …
    pub object: String,
    pub code: String,
    pub reason: String,
    #[serde(skip)]
    pub msg: Msg,
}

/// The whole of an `exchange import`.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub documents: Vec<DocumentOutcome>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: usize,
}

/// Imports documents already read and checked (see [`document::Document::check`]).
/// All or nothing: with any conflict nothing is written (exit 5 names them); with
/// `dry_run` nothing is written either way, and the report says what would be.
pub fn import(
    conn: &Connection,
    actor: &Actor,
    rec: &crate::audit::Recorder,
    docs: &[(String, document::Document)],
    dry_run: bool,
) -> Result<ImportReport> {
    let mut report = ImportReport {
        dry_run,
        documents: Vec::new(),
        created: 0,
        updated: 0,
        unchanged: 0,
        conflicts: 0,
    };
    let mut seen = std::collections::HashSet::new();
    for (source, doc) in docs {
        let id = doc.id();
        let mut outcome = DocumentOutcome {
            source: source.clone(),
            document_type: doc.document_type,
            id: id.clone(),
            sender: format!("{}/{}", doc.sender.system, doc.sender.unit),
            verdict: String::new(),
            created: 0,
            updated: 0,
            unchanged: 0,
            conflicts: Vec::new(),
            not_imported: Vec::new(),
            report: None,
        };
        if !seen.insert(id.clone()) || received::imported(conn, &id)? {
            outcome.verdict = "unchanged".into();
            outcome.unchanged = 1;
            report.unchanged += 1;
            report.documents.push(outcome);
            continue;
        }
        received::trust(conn, doc, &mut outcome.conflicts)?;
        let mut recorded = false;
        match doc.document_type {
            DocumentType::Catalogue => {
                catalogue::import(conn, actor, rec, doc, dry_run, &mut outcome)?
            }
            DocumentType::Aggregate if federation::applies(conn, doc)? => {
                received::may_receive(conn, actor, doc)?;
                if outcome.conflicts.is_empty() {
                    federation::receive(conn, rec, &id, doc, dry_run, &mut outcome)?;
                    recorded = !dry_run && outcome.conflicts.is_empty();
                }
            }
            _ => {
                received::may_receive(conn, actor, doc)?;
                // The document itself is what is new here.
                outcome.created = 1;
            }
        }
        outcome.verdict = match doc.document_type {
            DocumentType::Catalogue if outcome.created + outcome.updated > 0 => "applied".into(),
            _ => "created".into(),
        };
        if outcome.conflicts.is_empty() && !dry_run && !recorded {
            received::record(conn, rec, &id, doc)?;
        }
        report.created += outcome.created;
        report.updated += outcome.updated;
        report.unchanged += outcome.unchanged;
        report.conflicts += outcome.conflicts.len();
        report.documents.push(outcome);
    }
    if report.conflicts > 0 && !dry_run {
        let details = report
            .documents
            .iter()
            .flat_map(|d| {
                d.conflicts.iter().map(move |c| {
                    Msg::new(
                        format!("{}: {} {}: {}", d.source, c.object, c.code, c.msg.vi),
                        format!("{}: {} {}: {}", d.source, c.object, c.code, c.msg.en),
                    )
                })
            })
            .collect();
        return Err(Error::new(
            Kind::Invalid,
            Msg::new(
                format!("Có {} xung đột; không ghi gì", report.conflicts),
                format!("{} conflicts; nothing was written", report.conflicts),
            ),
        )
        .with_details(details));
    }
    Ok(report)
}

pub mod received;
