//! The 100-row × 4-column form the benchmarks share (`form import --mapping`), and a
//! commune's figures for it, made up reproducibly.

use std::path::Path;

use baocao::entry::{Value, Values};
use baocao::form::FormDef;
use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

/// The form's code.
pub const FORM: &str = "KTXH100";

/// The form: 10 groups, each a computed total (sum of its parts) over 9 input rows;
/// four decimal columns. 100 rows, 360 input cells.
pub fn mapping(prefix: &str) -> Json {
    let groups = [
        ("Thu ngân sách nhà nước trên địa bàn", "triệu đồng"),
        ("Chi ngân sách địa phương", "triệu đồng"),
        ("Sản lượng lương thực có hạt", "tấn"),
        ("Diện tích gieo trồng cây hằng năm", "ha"),
        ("Tổng đàn gia súc, gia cầm", "con"),
        ("Vốn đầu tư thực hiện từ ngân sách", "triệu đồng"),
        ("Giá trị sản xuất công nghiệp", "triệu đồng"),
        ("Tổng mức bán lẻ hàng hóa và dịch vụ", "triệu đồng"),
        ("Lao động được giải quyết việc làm", "người"),
        ("Hộ nghèo, hộ cận nghèo", "hộ"),
    ];
    let parts = [
        "Thôn Đông",
        "Thôn Tây",
        "Thôn Nam",
        "Thôn Bắc",
        "Thôn Trung",
        "Thôn Thượng",
        "Thôn Hạ",
        "Khu dân cư mới",
        "Khác",
    ];
    let roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];
    let mut rows = Vec::new();
    for (g, (name, unit)) in groups.iter().enumerate() {
        let key = format!("g{:02}", g + 1);
        rows.push(json!({
            "key": key, "stt": roman[g], "name": name, "unit": unit,
            "role": "computed", "indicator": format!("{prefix}_{:02}", g + 1)
        }));
        for (k, part) in parts.iter().enumerate() {
            rows.push(json!({
                "key": format!("{key}_{}", k + 1), "stt": (k + 1).to_string(),
                "name": format!("{name}: {part}"), "label": format!("- {part}"),
                "unit": unit, "parent": key, "relation": "part_of_total",
                "indicator": format!("{prefix}_{:02}_{}", g + 1, k + 1)
            }));
        }
    }
    json!({
        "code": FORM,
        "form_no": "Biểu số 01/KTXH-X",
        "title": "BÁO CÁO TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG",
        "kind": "numeric",
        "columns": [
            {"key": "c1", "header": ["Kế hoạch năm"], "type": "decimal"},
            {"key": "c2", "header": ["Thực hiện", "Tháng báo cáo"], "type": "decimal"},
            {"key": "c3", "header": ["Thực hiện", "Lũy kế từ đầu năm"], "type": "decimal"},
            {"key": "c4", "header": ["Cùng kỳ năm trước"], "type": "decimal"}
        ],
        "rows": rows,
        "not_applicable": []
    })
}

/// A small deterministic generator (no dependency, the same files every run).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// A commune's report for a month: exact decimals as people type them (plan with one
/// decimal, the month and the year to date with two, last year's figure whole), with
/// `blank` percent of the rows left empty.
pub fn values_for(form: &FormDef, commune: usize, month: u32, blank: u64) -> Values {
    let seed = (commune as u64).wrapping_mul(0x1000_0001) ^ (u64::from(month) << 40);
    let mut rng = Lcg(0x9e37_79b9_7f4a_7c15 ^ seed);
    let mut v = Values::new();
    for row in form
        .rows
        .iter()
        .filter(|r| r.role == baocao::form::RowRole::Input)
    {
        if rng.next(100) < blank {
            continue; // a row this commune has nothing for
        }
        let plan = 1_000 + rng.next(5_000_000) as i64; // tenths
        let month = plan * 10 / 12 * (80 + rng.next(40) as i64) / 100; // hundredths
        let ytd = month * 10 + rng.next(10_000) as i64;
        let last = ytd / 100 * (85 + rng.next(20) as i64) / 100;
        let key = |c: &str| (row.key.clone(), c.to_string());
        v.insert(key("c1"), Value::Number(Decimal::new(plan, 1)));
        v.insert(key("c2"), Value::Number(Decimal::new(month, 2)));
        v.insert(key("c3"), Value::Number(Decimal::new(ytd, 2)));
        v.insert(key("c4"), Value::Number(Decimal::new(last, 0)));
    }
    v
}

/// Imports the form into `db` (`form import --mapping`, its indicators named
/// `prefix_NN`), adds the monthly `regime` on it led by `province`, and assigns it to
/// every unit under `province`.
pub fn install(
    b: &super::Baocao,
    db: &Path,
    dir: &Path,
    prefix: &str,
    regime: &str,
    province: &str,
) {
    let mapping_json = dir.join("ktxh100.json");
    std::fs::write(&mapping_json, mapping(prefix).to_string()).expect("mapping");
    let mapping = mapping_json.to_str().expect("UTF-8 path");
    b.run(
        db,
        &["-q", "form", "import", mapping, "--code", FORM, "--mapping"],
        "",
    );
    b.run(
        db,
        &[
            "-q",
            "regime",
            "add",
            "--code",
            regime,
            "--name",
            "Báo cáo tình hình kinh tế - xã hội tháng",
            "--form",
            FORM,
            "--lead",
            province,
            "--frequency",
            "monthly",
            "--legal-basis",
            "Quyết định 58/2025/QĐ-UBND",
        ],
        "",
    );
    b.run(
        db,
        &["-q", "assign", "add", regime, "--under", province],
        "",
    );
}
