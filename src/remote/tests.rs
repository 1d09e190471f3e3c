//! The pure parts of the remote CLI: requests built from real command lines, names
//! of uploaded files, the address policy, the question loop, returned files. No
//! network: the end-to-end tests run against a real `baocao serve`.

use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, FromArgMatches};
use serde_json::{json, Value};

use super::ask::{self, Ask};
use super::files::{self, Upload};
use super::http::{self, Reply};
use super::request::{self, Call, OutputArg};
use crate::error::{Kind, Lang, Result};
use crate::output::Format;
use crate::wire::{FileOut, Need, Request, Response};

/// The call `baocao ARGS…` would send.
fn call(args: &[&str]) -> Result<Call> {
    let argv = std::iter::once("baocao").chain(args.iter().copied());
    let m = crate::cli::command()
        .try_get_matches_from(argv)
        .expect("a valid command line");
    let cli = crate::cli::Cli::from_arg_matches(&m).expect("the same definition");
    let (words, leaf) = request::leaf(&m);
    request::build(words, leaf, &cli)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

#[test]
fn flags_options_repeats_and_positionals_travel_by_id() {
    let c = call(&[
        "assign",
        "add",
        "KTXH-THANG",
        "--units",
        "H01,H02",
        "--units",
        "H03",
        "--rows",
        "r1",
    ])
    .unwrap();
    assert_eq!(c.words, ["assign", "add"]);
    assert_eq!(
        Value::Object(c.request.args),
        json!({"regime": "KTXH-THANG", "units": ["H01", "H02", "H03"], "rows": ["r1"]})
    );
    let c = call(&[
        "report",
        "return",
        "KTXH",
        "--period",
        "202611",
        "--reason",
        "Thiếu số liệu",
    ])
    .unwrap();
    assert_eq!(
        Value::Object(c.request.args),
        json!({"regime": "KTXH", "period": "202611", "reason": "Thiếu số liệu"})
    );
    let c = call(&["unit", "import", "don-vi.csv", "--dry-run"]).unwrap();
    assert_eq!(c.request.args["dry_run"], json!(true));
}

#[test]
fn globals_are_request_fields_and_never_arguments() {
    let c = call(&[
        "--format",
        "csv",
        "--lang",
        "en",
        "--as-of",
        "2026-11-23",
        "--yes",
        "--quiet",
        "-vv",
        "--db",
        "tinh.db",
        "--server",
        "https://baocao.example.gov.vn",
        "unit",
        "list",
    ])
    .unwrap();
    assert!(c.request.args.is_empty(), "{:?}", c.request.args);
    assert_eq!(c.request.format, Format::Csv);
    assert_eq!(c.request.lang, Lang::En);
    assert_eq!(c.request.as_of.as_deref(), Some("2026-11-23"));
    assert!(c.request.yes && c.request.quiet);
    assert!(c.request.secrets.is_empty());
}

#[test]
fn defaults_stay_with_the_server() {
    // `remind` has --within 3d and --from baocao@localhost by default.
    let c = call(&["remind", "--regime", "KTXH"]).unwrap();
    assert_eq!(Value::Object(c.request.args), json!({"regime": "KTXH"}));
}

#[test]
fn counts_pairs_and_cleared_flags_take_their_shapes() {
    let cmd = clap::Command::new("thu")
        .arg(Arg::new("level").short('l').action(ArgAction::Count))
        .arg(Arg::new("pair").long("pair").num_args(2))
        .arg(
            Arg::new("color")
                .long("no-color")
                .action(ArgAction::SetFalse),
        );
    let m = cmd
        .clone()
        .try_get_matches_from(["thu", "-lll", "--pair", "a", "b", "--no-color"])
        .unwrap();
    let mut built = cmd;
    built.build();
    let c = request::from_definition(&built, vec!["thu".into()], &m, Request::default()).unwrap();
    assert_eq!(
        Value::Object(c.request.args),
        json!({"level": 3, "pair": ["a", "b"], "color": false})
    );
}

#[test]
fn input_files_go_up_under_unique_relative_names() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, folder) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("ho-so"),
    );
    for d in [&a, &b, &folder.join("con")] {
        std::fs::create_dir_all(d).unwrap();
    }
    for f in [
        a.join("bieu.xlsx"),
        b.join("bieu.xlsx"),
        folder.join("H01.xlsx"),
        folder.join("H02.CSV"),
        folder.join("ghi-chu.txt"),
        folder.join("con/H03.xlsx"),
    ] {
        std::fs::write(f, "x").unwrap();
    }
    let (fa, fb) = (a.join("bieu.xlsx"), b.join("bieu.xlsx"));
    let c = call(&[
        "entry",
        "import",
        "chua-co/H09.xlsx",
        s(&fa),
        s(&fb),
        s(&folder),
        "--period",
        "202611",
    ])
    .unwrap();
    // Paths travel as typed: the server names them back so in what it prints.
    assert_eq!(
        c.request.args["files"],
        json!(["chua-co/H09.xlsx", s(&fa), s(&fb), s(&folder)])
    );
    assert_eq!(c.request.args["period"], json!("202611"));
    // `entry import` reads only the workbooks, CSV and JSON directly in a folder.
    let up = |name: &str, path: PathBuf| Upload {
        name: name.into(),
        path,
    };
    assert_eq!(
        c.uploads,
        [
            up(s(&fa), fa.clone()),
            up(s(&fb), fb.clone()),
            up(&format!("{}/H01.xlsx", s(&folder)), folder.join("H01.xlsx")),
            up(&format!("{}/H02.CSV", s(&folder)), folder.join("H02.CSV")),
        ]
    );
}

#[test]
fn another_command_gets_a_whole_folder_and_hidden_files_too() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("du-lieu");
    std::fs::create_dir_all(folder.join("con")).unwrap();
    std::fs::write(folder.join(".an"), "x").unwrap();
    std::fs::write(folder.join("con/don-vi.csv"), "x").unwrap();
    let c = call(&["unit", "import", s(&folder)]).unwrap();
    assert_eq!(c.request.args["file"], json!(s(&folder)));
    let names: Vec<&str> = c.uploads.iter().map(|u| u.name.as_str()).collect();
    let f = s(&folder);
    assert_eq!(names, [format!("{f}/.an"), format!("{f}/con/don-vi.csv")]);
}

#[test]
fn names_are_clean_relative_paths() {
    assert_eq!(
        files::clean_relative(Path::new("./a/./b.xlsx")).as_deref(),
        Some("a/b.xlsx")
    );
    assert_eq!(files::clean_relative(Path::new("../b.xlsx")), None);
    assert_eq!(files::clean_relative(Path::new("/tmp/b.xlsx")), None);
    assert_eq!(files::clean_relative(Path::new(".")), None);
    // The same folder twice is one name; a file inside a folder already sent is told
    // apart from it; a path that climbs still travels as typed (the server never uses
    // it as a path).
    let mut names = files::Names::default();
    let mut up = Vec::new();
    let words = ["entry".to_string(), "import".to_string()];
    let sent: Vec<String> = ["d", "d", "d/x.xlsx", "../x.xlsx"]
        .iter()
        .map(|p| names.input(Path::new(p), &words, &mut up))
        .collect();
    assert_eq!(sent, ["d", "d", "x.xlsx", "../x.xlsx"]);
}

#[test]
fn an_output_file_is_checked_as_locally_and_sent_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bieu-nhap.xlsx");
    let args = |force: bool| {
        let mut a = vec![
            "entry",
            "template",
            "KTXH",
            "--period",
            "202611",
            "--out",
            s(&out),
        ];
        if force {
            a.push("--force");
        }
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |force| call(&args(force).iter().map(String::as_str).collect::<Vec<_>>());
    let c = run(false).unwrap();
    assert_eq!(c.request.args["out"], json!(s(&out)));
    assert_eq!(
        c.outputs,
        [OutputArg {
            id: "out".into(),
            path: out.clone(),
            replace: false
        }]
    );
    std::fs::write(&out, "cũ").unwrap();
    assert_eq!(run(false).unwrap_err().kind, Kind::State);
    assert!(run(true).unwrap().outputs[0].replace);
    let missing = dir.path().join("khong-co/x.xlsx");
    let e = call(&[
        "export",
        "dashboard",
        "--from",
        "202601",
        "--to",
        "202612",
        "--out",
        s(&missing),
    ]);
    assert_eq!(e.unwrap_err().kind, Kind::Invalid);
    // `form export-template` has no --force: it replaces, so nothing is refused.
    let c = call(&["form", "export-template", "BIEU01", "--out", s(&out)]).unwrap();
    assert!(c.outputs[0].replace);
    let c = call(&["remind", "--mail-dir", s(&dir.path().join("thu"))]).unwrap();
    assert_eq!(
        c.request.args["mail_dir"],
        json!(s(&dir.path().join("thu")))
    );
    assert!(c.outputs[0].is_dir());
}

#[test]
fn the_leaf_is_found_below_nested_subcommands() {
    let c = call(&[
        "report",
        "narrative",
        "set",
        "KTXH",
        "--period",
        "202611",
        "--file",
        "tm.txt",
    ])
    .unwrap();
    assert_eq!(c.words, ["report", "narrative", "set"]);
    assert_eq!(c.request.args["file"], json!("tm.txt"));
    let canonical = c.sibling(&["report", "canonical"], serde_json::Map::new());
    assert_eq!(canonical.request.format, Format::Json);
    assert!(canonical.uploads.is_empty() && canonical.request.args.is_empty());
}

#[test]
fn server_only_commands_are_refused() {
    let e = super::refuse_server_only(&["backup".into()]).unwrap_err();
    assert_eq!(e.kind, Kind::Usage);
    assert!(
        e.msg.en.contains("`backup` runs only on the server"),
        "{}",
        e.msg.en
    );
    assert!(super::refuse_server_only(&["report".into(), "send".into()]).is_ok());
}

#[test]
fn plain_http_is_for_this_machine_only() {
    for (typed, want) in [
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://127.3.2.1", "http://127.3.2.1"),
        ("http://localhost:9000", "http://localhost:9000"),
        ("http://[::1]:9000/", "http://[::1]:9000"),
        (
            "https://Baocao.Example.gov.vn/",
            "https://baocao.example.gov.vn",
        ),
        ("https://tinh.gov.vn/baocao/", "https://tinh.gov.vn/baocao"),
    ] {
        assert_eq!(http::normalise(typed).unwrap(), want, "{typed}");
    }
    for typed in [
        "http://baocao.example.gov.vn",
        "http://10.0.0.5:8080",
        "http://127.0.0.1.example.com",
        "http://localhost.example.com",
        "ftp://127.0.0.1",
        "baocao.example.gov.vn",
    ] {
        assert_eq!(
            http::normalise(typed).unwrap_err().kind,
            Kind::Usage,
            "{typed}"
        );
    }
}

/// Answers from a script, recording what was asked.
#[derive(Default)]
struct Scripted {
    secrets: Vec<String>,
    yes: bool,
    asked: Vec<String>,
}

impl Ask for Scripted {
    fn secret(&mut self, prompt: &str, stdin: bool) -> Result<String> {
        self.asked.push(format!("secret {prompt} {stdin}"));
        Ok(self.secrets.remove(0))
    }
    fn confirm(&mut self, question: &str) -> Result<bool> {
        self.asked.push(format!("confirm {question}"));
        Ok(self.yes)
    }
}

fn needs(what: &str, stdin: bool) -> Reply {
    reply(Response {
        exit: 0,
        need: Some(Need {
            what: what.into(),
            prompt: "Mật khẩu".into(),
            stdin,
        }),
        ..Response::default()
    })
}

fn reply(response: Response) -> Reply {
    let status = if response.need.is_some() { 428 } else { 200 };
    Reply {
        status,
        retry_after: None,
        response,
    }
}

#[test]
fn secrets_and_a_yes_are_added_and_the_request_sent_again() {
    let mut answers = vec![
        needs("secret", true),
        needs("secret", false),
        needs("confirm", false),
    ];
    answers.reverse();
    let mut seen: Vec<Request> = Vec::new();
    let mut who = Scripted {
        secrets: vec!["cũ".into(), "mới".into()],
        yes: true,
        ..Scripted::default()
    };
    let mut req = Request::default();
    let done = ask::exchange(&mut req, &mut who, |r| {
        seen.push(r.clone());
        Ok(answers.pop().unwrap_or_else(|| reply(Response::default())))
    })
    .unwrap();
    assert_eq!(done.status, 200);
    assert_eq!(
        who.asked,
        [
            "secret Mật khẩu true",
            "secret Mật khẩu false",
            "confirm Mật khẩu"
        ]
    );
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[3].secrets, ["cũ", "mới"]);
    assert!(!seen[2].yes && seen[3].yes);
}

#[test]
fn a_no_cancels_and_a_server_that_keeps_asking_is_cut_short() {
    let mut who = Scripted::default();
    let e = ask::exchange(&mut Request::default(), &mut who, |_| {
        Ok(needs("confirm", false))
    });
    let e = e.unwrap_err();
    assert_eq!(
        (e.kind, e.msg.en.as_str()),
        (Kind::State, "Cancelled; nothing changed")
    );

    let mut who = Scripted {
        yes: true,
        ..Scripted::default()
    };
    let mut sent = 0;
    let e = ask::exchange(&mut Request::default(), &mut who, |_| {
        sent += 1;
        Ok(needs("confirm", false))
    });
    assert_eq!(e.unwrap_err().kind, Kind::Failure);
    assert_eq!(
        sent, 2,
        "a confirmation asked again after yes is not asked twice"
    );

    let mut who = Scripted {
        secrets: vec!["x".into(); ask::MAX_ROUNDS],
        ..Scripted::default()
    };
    let mut sent = 0;
    let e = ask::exchange(&mut Request::default(), &mut who, |_| {
        sent += 1;
        Ok(needs("secret", true))
    });
    assert_eq!(e.unwrap_err().kind, Kind::Failure);
    assert_eq!(sent, ask::MAX_ROUNDS);

    let e = ask::exchange(&mut Request::default(), &mut Scripted::default(), |_| {
        Ok(needs("fingerprint", false))
    });
    assert_eq!(e.unwrap_err().kind, Kind::Failure);
}

fn returned(arg: &str, name: &str, content: &[u8]) -> FileOut {
    use base64::Engine;
    use sha2::Digest;
    FileOut {
        arg: arg.into(),
        name: name.into(),
        size: content.len() as u64,
        sha256: hex::encode(sha2::Sha256::digest(content)),
        content_base64: base64::engine::general_purpose::STANDARD.encode(content),
    }
}

#[test]
fn returned_files_land_where_the_arguments_point() {
    let dir = tempfile::tempdir().unwrap();
    let out = OutputArg {
        id: "out".into(),
        path: dir.path().join("tong-hop.xlsx"),
        replace: false,
    };
    let mail = OutputArg {
        id: "mail_dir".into(),
        path: dir.path().join("thu"),
        replace: true,
    };
    let outputs = [out.clone(), mail.clone()];
    let sent = [
        returned("out", "tong-hop.xlsx", b"PK workbook"),
        returned("mail_dir", "lan.eml", b"To: lan"),
        returned("mail_dir", "con/hoa.eml", b"To: hoa"),
    ];
    files::write_returned(&sent, &outputs).unwrap();
    assert_eq!(std::fs::read(&out.path).unwrap(), b"PK workbook");
    assert_eq!(
        std::fs::read(mail.path.join("lan.eml")).unwrap(),
        b"To: lan"
    );
    assert_eq!(
        std::fs::read(mail.path.join("con/hoa.eml")).unwrap(),
        b"To: hoa"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2, "no partial file is left beside the output");
    // Not over an existing file without --force.
    let e = files::write_returned(&sent[..1], &outputs).unwrap_err();
    assert_eq!(e.kind, Kind::State);
    // Nothing outside the folder, nothing that does not match its digest.
    let climbing = returned("mail_dir", "../tron.eml", b"x");
    assert_eq!(
        files::write_returned(&[climbing], &outputs)
            .unwrap_err()
            .kind,
        Kind::Failure
    );
    let mut bent = returned("mail_dir", "a.eml", b"x");
    bent.sha256 = "00".repeat(32);
    assert!(files::write_returned(&[bent], &outputs).is_err());
    assert!(!dir.path().join("tron.eml").exists() && !mail.path.join("a.eml").exists());
}

#[test]
fn retry_after_becomes_a_hint_in_the_reader_s_language() {
    assert_eq!(
        super::retry_hint("30", Lang::En),
        "Hint: try again in 30 seconds"
    );
    assert_eq!(
        super::retry_hint("30", Lang::Vi),
        "Gợi ý: thử lại sau 30 giây"
    );
}
