//! The entry operations on a copy of the demo province: single cells, listing, the
//! fill-in workbook and importing files.

use std::path::{Path, PathBuf};

use super::*;
use crate::error::{Error, Kind};
use crate::ops::entry::import::{FileOutcome, FileResult, Given, Tally};
use crate::ops::testing::{who, Province};
use crate::store::Store;

/// A period after the demo's month: nothing entered yet.
const FRESH: &str = "202612";
/// Phường Hà Sơn, the commune clerk's own unit.
const COMMUNE: &str = "99001";

fn which(unit: Option<&str>) -> Which {
    Which {
        regime: "KTXH-THANG".into(),
        period: FRESH.into(),
        unit: unit.map(str::to_string),
    }
}

fn set_as(
    p: &Province,
    username: &str,
    unit: Option<&str>,
    row: &str,
    column: &str,
    value: &str,
) -> Result<CellSet> {
    let e = CellEntry {
        which: which(unit),
        row: row.into(),
        column: column.into(),
        value: value.into(),
    };
    p.write(username, "entry set", |tx, actor, rec| {
        set(tx, actor, rec, &e)
    })
}

fn shown(p: &Province) -> Vec<crate::ops::report::ValueLine> {
    p.read(who::COMMUNE_CLERK, |tx, actor| {
        show(tx, actor, &which(None), None)
    })
    .expect("the clerk lists the values")
}

/// Imports `files` as `username`, each in its own transaction, as `entry import` does.
fn import_as(
    p: &Province,
    username: &str,
    files: &[PathBuf],
    given: &Given,
) -> (Vec<FileResult>, Tally) {
    let mut store = Store::open(&p.db).expect("open");
    let (mut lines, mut tally) = (Vec::new(), Tally::default());
    import::import_files(
        &mut store,
        files,
        given,
        |tx| {
            let actor =
                crate::auth::session::actor_of(tx, &crate::store::account::find(tx, username)?)?;
            let rec = crate::audit::Recorder {
                at: crate::ops::demo::DEMO_END.into(),
                actor: username.into(),
                command: "entry import".into(),
            };
            Ok((actor, rec))
        },
        |f: &Path, outcome: Result<FileResult>| {
            let r = outcome.unwrap_or_else(|e: Error| FileResult::rejected(f, &e));
            tally.count(r.result);
            lines.push(r);
            Ok(())
        },
    )
    .expect("the run ends");
    (lines, tally)
}

#[test]
fn a_cell_typed_the_vietnamese_way_is_stored_exactly_and_listed() {
    let p = Province::new();
    let c =
        set_as(&p, who::COMMUNE_CLERK, None, "r3", "2", "1.234,5").expect("the clerk enters it");
    assert_eq!(c.report, "KTXH-THANG/99001/202612");
    assert_eq!((c.row.as_str(), c.column.as_str()), ("r3", "c2"));
    assert_eq!(c.value, Stored::Num("1234.5".into()));
    assert!(!c.unchanged);
    let again = set_as(&p, who::COMMUNE_CLERK, None, "r3", "c2", "1234.5").expect("the same value");
    assert!(again.unchanged);
    set_as(&p, who::COMMUNE_CLERK, None, "r9", "2", "37").expect("a second cell");
    let lines = shown(&p);
    let listed: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l.name.as_str(),
                l.column.as_str(),
                l.unit.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(listed, [("Lúa", "2", "ha"), ("Số hộ nghèo", "2", "hộ")]);
    assert!(p.audit_ok());
}

#[test]
fn cells_that_take_no_input_or_no_such_value_are_refused() {
    let p = Province::new();
    for (row, column, value) in [
        ("r2", "2", "10"),   // computed row
        ("r3", "4", "10"),   // computed column
        ("r1", "1", "10"),   // heading
        ("r99", "1", "10"),  // no such row
        ("r3", "9", "10"),   // no such column
        ("r3", "1", "mười"), // not a number
    ] {
        let e = set_as(&p, who::COMMUNE_CLERK, None, row, column, value).expect_err(row);
        assert_eq!(e.kind, Kind::Invalid, "{row} × {column} = {value}");
    }
    let e = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            show(tx, actor, &which(None), None)
        })
        .expect_err("nothing was written");
    assert_eq!(e.kind, Kind::NotFound);
}

#[test]
fn only_the_units_data_entry_sets_its_cells() {
    let p = Province::new();
    for username in [who::OTHER_COMMUNE_CLERK, who::COMMUNE_LEADER, who::VIEWER] {
        let e = set_as(&p, username, Some(COMMUNE), "r3", "2", "5").expect_err(username);
        assert_eq!(e.kind, Kind::Denied, "{username}");
    }
    let e = set_as(&p, who::COMMUNE_CLERK, Some("99999"), "r3", "2", "5").expect_err("no unit");
    assert_eq!(e.kind, Kind::NotFound);
    set_as(&p, who::COMMUNE_CLERK, None, "r3", "2", "5").expect("its own clerk");
    let e = p
        .read(who::OTHER_COMMUNE_CLERK, |tx, actor| {
            show(tx, actor, &which(Some(COMMUNE)), None)
        })
        .expect_err("another commune may not read it");
    assert_eq!(e.kind, Kind::Denied);
    let e = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            show(tx, actor, &which(None), Some(9))
        })
        .expect_err("no such revision");
    assert_eq!(e.kind, Kind::NotFound);
}

#[test]
fn a_long_csv_is_imported_once_and_a_second_time_changes_nothing() {
    let p = Province::new();
    let dir = tempfile::tempdir().expect("a folder");
    let csv = dir.path().join("ha-son-12.csv");
    std::fs::write(
        &csv,
        "row_code,column_number,value\nr3,2,\"312,5\"\nr6,2,1200\nr7,2,600\n",
    )
    .expect("write");
    let given = Given {
        regime: Some("KTXH-THANG".into()),
        unit: Some(COMMUNE.into()),
        period: Some(FRESH.into()),
    };
    let (lines, tally) = import_as(&p, who::COMMUNE_CLERK, std::slice::from_ref(&csv), &given);
    assert_eq!(lines[0].result, FileOutcome::Imported);
    assert_eq!(lines[0].cells, 3);
    // Blank required cells are warnings, kept language-neutral.
    assert!(lines[0].warnings.iter().all(|w| !w.key.is_empty()));
    assert!(tally.outcome().is_ok());
    let values: Vec<String> = shown(&p).iter().map(|l| format!("{:?}", l.value)).collect();
    assert_eq!(values.len(), 3);
    let (again, tally) = import_as(&p, who::COMMUNE_CLERK, &[csv], &given);
    assert_eq!(again[0].result, FileOutcome::Unchanged);
    assert_eq!(tally.unchanged, 1);
    assert!(p.audit_ok());
}

#[test]
fn a_file_with_errors_or_from_a_stranger_is_refused_whole() {
    let p = Province::new();
    let dir = tempfile::tempdir().expect("a folder");
    let bad = dir.path().join("sai.csv");
    // Thu nội địa is "of which" Thu ngân sách: it cannot be larger.
    std::fs::write(
        &bad,
        "row_code,column_number,value\nr3,2,5\nr6,2,100\nr7,2,900\n",
    )
    .expect("write");
    let given = Given {
        regime: Some("KTXH-THANG".into()),
        unit: Some(COMMUNE.into()),
        period: Some(FRESH.into()),
    };
    let (lines, tally) = import_as(&p, who::COMMUNE_CLERK, std::slice::from_ref(&bad), &given);
    assert_eq!(lines[0].result, FileOutcome::Rejected);
    assert!(lines[0].errors.len() > 1, "the error and each problem");
    assert_eq!(tally.outcome().expect_err("refused").kind, Kind::Invalid);
    let good = dir.path().join("dung.csv");
    std::fs::write(&good, "row_code,column_number,value\nr3,2,5\n").expect("write");
    let (lines, _) = import_as(&p, who::OTHER_COMMUNE_CLERK, &[good], &given);
    assert_eq!(lines[0].result, FileOutcome::Rejected);
    let e = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            show(tx, actor, &which(None), None)
        })
        .expect_err("nothing was written");
    assert_eq!(e.kind, Kind::NotFound);
    assert!(p.audit_ok());
}

#[test]
fn a_partial_run_says_so_and_keeps_what_was_imported() {
    let mut t = Tally::default();
    t.count(FileOutcome::Imported);
    t.count(FileOutcome::Rejected);
    assert_eq!(t.outcome().expect_err("partial").kind, Kind::Invalid);
    assert_eq!(t.summary().en, "Imported 1 files, 0 unchanged, 1 rejected");
    assert_eq!(t.summary().vi, "Đã nhập 1 tệp, 0 không đổi, 1 bị từ chối");
    let mut ok = Tally::default();
    ok.count(FileOutcome::Unchanged);
    assert!(ok.outcome().is_ok());
}

#[test]
fn the_fill_in_workbook_carries_the_report_and_comes_back_in() {
    let p = Province::new();
    set_as(&p, who::COMMUNE_CLERK, None, "r4", "1", "45").expect("a draft value");
    let dir = tempfile::tempdir().expect("a folder");
    let out = dir.path().join("bieu-ha-son.xlsx");
    let id = p
        .read(who::COMMUNE_CLERK, |tx, actor| {
            import::write_template(tx, actor, &which(None), &out, false)
        })
        .expect("the clerk downloads the workbook");
    assert_eq!((id.unit.as_str(), id.period.as_str()), (COMMUNE, FRESH));
    assert_eq!(id.unit_name, "Phường Hà Sơn");
    let (lines, _) = import_as(
        &p,
        who::COMMUNE_CLERK,
        std::slice::from_ref(&out),
        &Given::default(),
    );
    assert_eq!(lines[0].report.as_deref(), Some("KTXH-THANG/99001/202612"));
    assert_eq!(lines[0].result, FileOutcome::Imported);
    let listed: Vec<(String, String)> = shown(&p).into_iter().map(|l| (l.row, l.column)).collect();
    assert_eq!(listed, [("r4".to_string(), "1".to_string())]);
    let e = p
        .read(who::OTHER_COMMUNE_CLERK, |tx, actor| {
            import::write_template(
                tx,
                actor,
                &which(Some(COMMUNE)),
                &dir.path().join("x.xlsx"),
                false,
            )
        })
        .expect_err("another commune's workbook");
    assert_eq!(e.kind, Kind::Denied);
    let mut thu = which(Some("99099"));
    thu.regime = "THU-NS-THANG".into();
    let e = p
        .read(who::SYSADMIN, |tx, actor| {
            import::write_template(tx, actor, &thu, &dir.path().join("y.xlsx"), false)
        })
        .expect_err("no such unit");
    assert_eq!(e.kind, Kind::NotFound);
}
