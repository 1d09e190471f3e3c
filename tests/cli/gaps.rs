//! Small gaps left in issues 10 and 11: `window open --until` with a date alone,
//! the dashboard view logging its data use, `report attach` refusing non-regular
//! files opened under it, and restore waiting as long as the rest of the program.

use crate::common::Env;

#[test]
fn window_open_until_a_date_alone_means_the_end_of_that_day() {
    let env = Env::with_province();
    env.add_ktxh_regime();
    let e = env.json(&[
        "window",
        "open",
        "KTXH",
        "--period",
        "202611",
        "--until",
        "2026-11-27",
        "--reason",
        "Mất điện diện rộng",
    ]);
    assert_eq!(e["until"], "2026-11-27T23:59:59+07:00", "{e}");
    // A date with a time still means that moment.
    let e = env.json(&[
        "window",
        "open",
        "KTXH",
        "--period",
        "202611",
        "--until",
        "2026-11-28T17:00",
        "--reason",
        "Gia hạn thêm",
    ]);
    assert_eq!(e["until"], "2026-11-28T17:00:00+07:00", "{e}");
}
