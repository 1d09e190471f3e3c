use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn p(s: &str) -> Period {
    s.parse().unwrap()
}

#[test]
fn canonical_ids_round_trip() {
    for id in [
        "20261123", "2026W48", "2026W1", "202611H1", "202611H2", "202611", "2026Q1", "2026S1",
        "2026S2", "2026", "2025Sep",
    ] {
        assert_eq!(p(id).to_string(), id);
    }
}

#[test]
fn ids_have_the_expected_types() {
    use PeriodType::*;
    let cases = [
        ("20261123", Daily),
        ("2026W48", Weekly),
        ("202611H1", HalfMonth),
        ("202611", Monthly),
        ("2026Q1", Quarterly),
        ("2026S1", SixMonthly),
        ("2026", Yearly),
        ("2025Sep", SchoolYear),
    ];
    for (id, t) in cases {
        assert_eq!(p(id).period_type(), t, "{id}");
    }
}

#[test]
fn parsing_is_case_insensitive_and_accepts_dhis2_dashes() {
    assert_eq!(p("2026q1"), p("2026Q1"));
    assert_eq!(p("2025SEP"), p("2025Sep"));
    assert_eq!(p("2025sep"), p("2025Sep"));
    assert_eq!(p("202611h2"), p("202611H2"));
    assert_eq!(p("2026w48"), p("2026W48"));
    assert_eq!(p("2026W05").to_string(), "2026W5");
    assert_eq!(p("2026-11"), p("202611"));
    assert_eq!(p("2026-11-23"), p("20261123"));
    assert_eq!(p(" 2026 ").to_string(), "2026");
}

#[test]
fn invalid_ids_are_rejected_with_the_accepted_forms() {
    for bad in [
        "2026Q5",
        "2026Q0",
        "202613",
        "202600",
        "20260230",
        "2026W54",
        "2025W53",
        "2026W0",
        "",
        "  ",
        "garbage",
        "2026X",
        "2026S3",
        "202611H3",
        "2026-13",
        "2026-02-30",
        "26Q1",
        "1899",
        "2101Q1",
        "２０２６",
        "2026Sept",
    ] {
        let e = bad.parse::<Period>().expect_err(bad);
        assert!(
            e.message_en().contains("2026W48"),
            "{bad}: {}",
            e.message_en()
        );
        assert!(e.message_vi().contains("Các dạng được chấp nhận"), "{bad}");
        assert_eq!(e.to_string(), e.message_en());
    }
    assert!("2026Q5"
        .parse::<Period>()
        .unwrap_err()
        .message_en()
        .contains("quarter must be 1 to 4"));
    assert!("202613"
        .parse::<Period>()
        .unwrap_err()
        .message_vi()
        .contains("tháng phải từ 01 đến 12"));
    assert!("2101"
        .parse::<Period>()
        .unwrap_err()
        .message_en()
        .contains("year must be"));
}

#[test]
fn week_53_exists_only_in_long_iso_years() {
    assert!("2026W53".parse::<Period>().is_ok());
    assert!("2020W53".parse::<Period>().is_ok());
    assert!("2025W53".parse::<Period>().is_err());
    assert_eq!(Period::list(PeriodType::Weekly, 2026).len(), 53);
    assert_eq!(Period::list(PeriodType::Weekly, 2025).len(), 52);
}

#[test]
fn monthly_window_runs_from_15th_to_14th() {
    assert_eq!(
        p("202611").window(WindowKind::Nd09),
        (date(2026, 10, 15), date(2026, 11, 14))
    );
    assert_eq!(
        p("202601").window(WindowKind::Nd09),
        (date(2025, 12, 15), date(2026, 1, 14))
    );
    assert_eq!(
        p("202602").window(WindowKind::Calendar),
        (date(2026, 2, 1), date(2026, 2, 28))
    );
}

#[test]
fn quarter_window_starts_on_15th_of_the_month_before() {
    assert_eq!(
        p("2026Q1").window(WindowKind::Nd09),
        (date(2025, 12, 15), date(2026, 3, 14))
    );
    assert_eq!(
        p("2026Q4").window(WindowKind::Nd09),
        (date(2026, 9, 15), date(2026, 12, 14))
    );
    assert_eq!(
        p("2026Q1").window(WindowKind::Calendar),
        (date(2026, 1, 1), date(2026, 3, 31))
    );
}

#[test]
fn six_month_and_year_windows_follow_decree_09() {
    assert_eq!(
        p("2026S1").window(WindowKind::Nd09),
        (date(2025, 12, 15), date(2026, 6, 14))
    );
    assert_eq!(
        p("2026S2").window(WindowKind::Nd09),
        (date(2026, 6, 15), date(2026, 12, 14))
    );
    assert_eq!(
        p("2026").window(WindowKind::Nd09),
        (date(2025, 12, 15), date(2026, 12, 14))
    );
    assert_eq!(
        p("2026S2").window(WindowKind::Calendar),
        (date(2026, 7, 1), date(2026, 12, 31))
    );
    assert_eq!(
        p("2026").window(WindowKind::Calendar),
        (date(2026, 1, 1), date(2026, 12, 31))
    );
}

#[test]
fn school_year_runs_september_to_june() {
    assert_eq!(
        p("2025Sep").window(WindowKind::Nd09),
        (date(2025, 9, 1), date(2026, 6, 15))
    );
    assert_eq!(
        p("2025Sep").window(WindowKind::Calendar),
        (date(2025, 9, 1), date(2026, 8, 31))
    );
    assert_eq!(
        Period::containing(PeriodType::SchoolYear, date(2026, 6, 15), WindowKind::Nd09),
        Some(p("2025Sep"))
    );
    assert_eq!(
        Period::containing(PeriodType::SchoolYear, date(2026, 6, 16), WindowKind::Nd09),
        None
    );
    assert_eq!(
        Period::containing(PeriodType::SchoolYear, date(2026, 8, 31), WindowKind::Nd09),
        None
    );
    assert_eq!(
        Period::containing(
            PeriodType::SchoolYear,
            date(2026, 8, 31),
            WindowKind::Calendar
        ),
        Some(p("2025Sep"))
    );
    assert_eq!(
        Period::containing(PeriodType::SchoolYear, date(2026, 9, 1), WindowKind::Nd09),
        Some(p("2026Sep"))
    );
}

#[test]
fn school_start_is_the_first_half_of_september() {
    let kind = WindowKind::SchoolStart;
    assert_eq!(
        p("2025Sep").window(kind),
        (date(2025, 9, 1), date(2025, 9, 15))
    );
    assert_eq!(
        Period::containing(PeriodType::SchoolYear, date(2025, 9, 15), kind),
        Some(p("2025Sep"))
    );
    assert_eq!(
        Period::containing(PeriodType::SchoolYear, date(2025, 9, 16), kind),
        None
    );
    // Other period types read it as Nd09.
    assert_eq!(
        p("2026Q1").window(kind),
        p("2026Q1").window(WindowKind::Nd09)
    );
    assert_eq!(
        Period::containing(PeriodType::Monthly, date(2026, 11, 15), kind),
        Some(p("202612"))
    );
    for name in ["school_start", "School-Start", "đầu năm học", "dau_nam_hoc"] {
        assert_eq!(name.parse::<WindowKind>(), Ok(kind), "{name}");
    }
    assert_eq!(kind.to_string(), "school_start");
    assert_eq!(serde_json::to_string(&kind).unwrap(), "\"school_start\"");
}

#[test]
fn short_period_windows() {
    assert_eq!(
        p("20261123").window(WindowKind::Nd09),
        (date(2026, 11, 23), date(2026, 11, 23))
    );
    assert_eq!(
        p("2026W48").window(WindowKind::Nd09),
        (date(2026, 11, 23), date(2026, 11, 29))
    );
    assert_eq!(
        p("2026W1").window(WindowKind::Nd09),
        (date(2025, 12, 29), date(2026, 1, 4))
    );
    assert_eq!(
        p("202602H1").window(WindowKind::Nd09),
        (date(2026, 2, 1), date(2026, 2, 14))
    );
    assert_eq!(
        p("202602H2").window(WindowKind::Nd09),
        (date(2026, 2, 15), date(2026, 2, 28))
    );
    assert_eq!(
        p("202602H1").window(WindowKind::Calendar),
        (date(2026, 2, 1), date(2026, 2, 15))
    );
    assert_eq!(
        p("202602H2").window(WindowKind::Calendar),
        (date(2026, 2, 16), date(2026, 2, 28))
    );
}

#[test]
fn containing_uses_the_cutoff_on_the_15th() {
    let nd09 = WindowKind::Nd09;
    assert_eq!(
        Period::containing(PeriodType::Monthly, date(2026, 11, 14), nd09),
        Some(p("202611"))
    );
    assert_eq!(
        Period::containing(PeriodType::Monthly, date(2026, 11, 15), nd09),
        Some(p("202612"))
    );
    assert_eq!(
        Period::containing(PeriodType::Yearly, date(2025, 12, 15), nd09),
        Some(p("2026"))
    );
    assert_eq!(
        Period::containing(PeriodType::Quarterly, date(2025, 12, 20), nd09),
        Some(p("2026Q1"))
    );
    assert_eq!(
        Period::containing(PeriodType::Weekly, date(2027, 1, 1), nd09),
        Some(p("2026W53"))
    );
    assert_eq!(
        Period::containing(
            PeriodType::Monthly,
            date(2026, 11, 15),
            WindowKind::Calendar
        ),
        Some(p("202611"))
    );
}

#[test]
fn containing_is_none_outside_supported_years() {
    assert_eq!(
        Period::containing(PeriodType::Yearly, date(2100, 12, 20), WindowKind::Nd09),
        None
    );
    assert_eq!(
        Period::containing(PeriodType::Daily, date(1899, 12, 31), WindowKind::Nd09),
        None
    );
}

#[test]
fn next_and_prev_cross_year_boundaries() {
    assert_eq!(p("202612").next(), Some(p("202701")));
    assert_eq!(p("2026Q1").prev(), Some(p("2025Q4")));
    assert_eq!(p("202612H2").next(), Some(p("202701H1")));
    assert_eq!(p("20261231").next(), Some(p("20270101")));
    assert_eq!(p("20240101").prev(), Some(p("20231231")));
    assert_eq!(p("20241231").to_string(), "20241231");
    assert_eq!(p("2026W53").next(), Some(p("2027W1")));
    assert_eq!(p("2026W1").prev(), Some(p("2025W52")));
    assert_eq!(p("2025Sep").next(), Some(p("2026Sep")));
    assert_eq!(p("2100").next(), None);
    assert_eq!(p("1900S1").prev(), None);
}

#[test]
fn list_gives_the_ids_of_one_year() {
    let ids = |t| {
        Period::list(t, 2026)
            .iter()
            .map(Period::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(PeriodType::Quarterly),
        ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    );
    assert_eq!(ids(PeriodType::SchoolYear), ["2026Sep"]);
    assert_eq!(Period::list(PeriodType::Daily, 2024).len(), 366);
    assert_eq!(ids(PeriodType::HalfMonth).len(), 24);
    assert_eq!(ids(PeriodType::HalfMonth)[23], "202612H2");
    assert!(Period::list(PeriodType::Monthly, 2101).is_empty());
}

#[test]
fn names_read_as_words() {
    let cases = [
        ("202611", "Tháng 11 năm 2026", "November 2026"),
        ("2026Q1", "Quý I năm 2026", "Q1 2026"),
        ("2026Q4", "Quý IV năm 2026", "Q4 2026"),
        ("2026S1", "6 tháng đầu năm 2026", "First six months of 2026"),
        (
            "2026S2",
            "6 tháng cuối năm 2026",
            "Second six months of 2026",
        ),
        ("2026", "Năm 2026", "Year 2026"),
        ("2026W48", "Tuần 48 năm 2026", "Week 48 of 2026"),
        (
            "202611H1",
            "Nửa đầu tháng 11 năm 2026",
            "First half of November 2026",
        ),
        (
            "202611H2",
            "Nửa cuối tháng 11 năm 2026",
            "Second half of November 2026",
        ),
        ("20261123", "Ngày 23/11/2026", "23 November 2026"),
        ("2025Sep", "Năm học 2025-2026", "School year 2025-2026"),
    ];
    for (id, vi, en) in cases {
        assert_eq!(p(id).name_vi(), vi);
        assert_eq!(p(id).name_en(), en);
    }
}

#[test]
fn period_type_parses_names_and_aliases() {
    for t in PeriodType::ALL {
        assert_eq!(t.as_str().parse(), Ok(t));
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            format!("\"{}\"", t.as_str())
        );
    }
    assert_eq!("Tháng".parse(), Ok(PeriodType::Monthly));
    assert_eq!("quy".parse(), Ok(PeriodType::Quarterly));
    assert_eq!("6 tháng".parse(), Ok(PeriodType::SixMonthly));
    assert_eq!("half-month".parse(), Ok(PeriodType::HalfMonth));
    assert_eq!("Năm học".parse(), Ok(PeriodType::SchoolYear));
    assert_eq!("annual".parse(), Ok(PeriodType::Yearly));
    assert!("fortnightly".parse::<PeriodType>().is_err());
}

#[test]
fn window_kind_parses_and_serializes_lowercase() {
    assert_eq!("ND09".parse(), Ok(WindowKind::Nd09));
    assert_eq!("calendar".parse(), Ok(WindowKind::Calendar));
    assert!("iso".parse::<WindowKind>().is_err());
    assert_eq!(
        serde_json::to_string(&WindowKind::Nd09).unwrap(),
        "\"nd09\""
    );
    assert_eq!(WindowKind::default(), WindowKind::Nd09);
}

#[test]
fn period_serializes_as_its_id() {
    assert_eq!(serde_json::to_string(&p("2026Q1")).unwrap(), "\"2026Q1\"");
    assert_eq!(
        serde_json::from_str::<Period>("\"2026q1\"").unwrap(),
        p("2026Q1")
    );
    assert!(serde_json::from_str::<Period>("\"2026Q9\"").is_err());
}

#[test]
fn id_months_anchor_deadlines() {
    assert_eq!(p("2026Q1").first_month(), date(2026, 1, 1));
    assert_eq!(p("2026Q1").last_month(), date(2026, 3, 1));
    assert_eq!(p("2025Sep").first_month(), date(2025, 9, 1));
    assert_eq!(p("2025Sep").last_month(), date(2026, 6, 1));
    assert_eq!(p("2026W1").first_month(), date(2025, 12, 1));
    assert_eq!(p("2026W1").last_month(), date(2026, 1, 1));
    assert_eq!(p("202611H2").half(), Some(2));
    assert_eq!(p("2026S1").half(), Some(1));
    assert_eq!(p("202611").half(), None);
}

fn any_date() -> impl Strategy<Value = Date> {
    // 1902..=2098, so that every containing period and its neighbours are inside the
    // supported years.
    (0i64..(197 * 365)).prop_map(|n| add_days(date(1902, 1, 1), n))
}

fn any_type() -> impl Strategy<Value = PeriodType> {
    proptest::sample::select(PeriodType::ALL.to_vec())
}

fn any_kind() -> impl Strategy<Value = WindowKind> {
    prop_oneof![Just(WindowKind::Nd09), Just(WindowKind::Calendar)]
}

fn any_period() -> impl Strategy<Value = Period> {
    (any_type(), any_date()).prop_filter_map("in range", |(t, d)| {
        Period::containing(t, d, WindowKind::Calendar)
    })
}

proptest! {
    #[test]
    fn every_date_lies_in_exactly_one_period(t in any_type(), d in any_date(), kind in any_kind()) {
        let kind = if t == PeriodType::SchoolYear { WindowKind::Calendar } else { kind };
        let p = Period::containing(t, d, kind).unwrap();
        let (start, end) = p.window(kind);
        prop_assert!(start <= d && d <= end, "{p}: {start}..{end} lacks {d}");
        // Windows of neighbours touch without overlap, so no other period holds d.
        let next = p.next().unwrap();
        let prev = p.prev().unwrap();
        prop_assert_eq!(add_days(end, 1), next.window(kind).0);
        prop_assert_eq!(add_days(prev.window(kind).1, 1), start);
    }

    #[test]
    fn nd09_school_year_covers_all_but_summer(d in any_date()) {
        let kind = WindowKind::Nd09;
        match Period::containing(PeriodType::SchoolYear, d, kind) {
            Some(p) => {
                let (start, end) = p.window(kind);
                prop_assert!(start <= d && d <= end);
            }
            None => prop_assert!((6..=8).contains(&d.month())),
        }
    }

    #[test]
    fn school_start_covers_1_to_15_september(d in any_date()) {
        let kind = WindowKind::SchoolStart;
        match Period::containing(PeriodType::SchoolYear, d, kind) {
            Some(p) => {
                let (start, end) = p.window(kind);
                prop_assert!(start <= d && d <= end);
                prop_assert_eq!(p.year(), d.year());
            }
            None => prop_assert!(d.month() != 9 || d.day() > 15),
        }
    }

    #[test]
    fn next_of_prev_is_identity(p in any_period()) {
        prop_assert_eq!(p.prev().and_then(|q| q.next()), Some(p));
        prop_assert_eq!(p.next().and_then(|q| q.prev()), Some(p));
    }

    #[test]
    fn parse_of_display_is_identity(p in any_period()) {
        let id = p.to_string();
        prop_assert_eq!(id.parse::<Period>(), Ok(p));
        prop_assert_eq!(id.to_lowercase().parse::<Period>(), Ok(p));
    }

    #[test]
    fn list_contains_each_period_of_the_year(p in any_period()) {
        prop_assert!(Period::list(p.period_type(), p.year()).contains(&p));
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(s in "\\PC{0,12}") {
        let _ = s.parse::<Period>();
    }
}

#[test]
fn a_huge_id_is_quoted_short_in_the_message() {
    let huge = "9".repeat(3000);
    let e = Period::parse(&huge).unwrap_err();
    assert!(e.message_vi().len() < 600, "{}", e.message_vi());
    assert!(e.input().ends_with('…') && e.input().chars().count() == 41);
}

#[test]
fn axis_labels_are_short() {
    let cases = [
        ("202611", "T11/2026"),
        ("202601", "T1/2026"),
        ("2026Q4", "Quý IV/2026"),
        ("2026S1", "6T đầu/2026"),
        ("2026", "2026"),
        ("2026W48", "Tuần 48/2026"),
        ("20261123", "23/11/2026"),
        ("2025Sep", "Năm học 2025-2026"),
    ];
    for (id, short) in cases {
        assert_eq!(p(id).short_vi(), short, "{id}");
    }
}
