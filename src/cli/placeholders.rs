//! The placeholders of usage lines in Vietnamese: `<KỲ>` for `<PERIOD>`, `[TÙY_CHỌN]`
//! for `[OPTIONS]`, `<LỆNH>` for `<COMMAND>`. clap writes them from value names (set
//! here on each argument) and, for `[OPTIONS]`, from a word of its own (replaced in the
//! text it renders).

/// Every value name the commands use, in Vietnamese; a test fails on one missing.
/// A literal the user types (`parent`) stays as it is.
const VALUE_NAMES: &[(&str, &str)] = &[
    ("ACCOUNT", "TÀI_KHOẢN"),
    ("ACTOR", "NGƯỜI_THỰC_HIỆN"),
    ("ADDR", "ĐỊA_CHỈ"),
    ("ADD_RECEIVER", "NƠI_NHẬN_THÊM"),
    ("ADMIN", "QUẢN_TRỊ"),
    ("ATTACHMENT", "TỆP_ĐÍNH_KÈM"),
    ("AFTER", "SAU"),
    ("AGGREGATION", "CÁCH_TỔNG_HỢP"),
    ("AMOUNT|PCT%", "SỐ|PHẦN_TRĂM%"),
    ("BY", "CÁCH_NHÓM"),
    ("CODE", "MÃ"),
    ("CODE[@VERSION]", "MÃ[@PHIÊN_BẢN]"),
    ("COLUMN", "CỘT"),
    ("COLUMNS", "CÁC_CỘT"),
    ("COMMENT", "Ý_KIẾN"),
    ("COMPARE", "SO_SÁNH"),
    ("CONTENT", "NỘI_DUNG"),
    ("DATE", "NGÀY"),
    ("DB", "TỆP_CSDL"),
    ("DEADLINE", "HẠN"),
    ("DEADLINE_AT", "HẠN_LÚC"),
    ("DECIMALS", "SỐ_CHỮ_SỐ_LẺ"),
    ("DECISION", "QUYẾT_ĐỊNH"),
    ("DEFINITION", "ĐỊNH_NGHĨA"),
    ("DIR", "THƯ_MỤC"),
    ("DOCUMENT", "VĂN_BẢN"),
    ("DOCUMENT_DATE", "NGÀY_VĂN_BẢN"),
    ("EFFECTIVE", "HIỆU_LỰC"),
    ("EMAIL", "THƯ_ĐIỆN_TỬ"),
    ("END", "KẾT_THÚC"),
    ("EXPIRES", "HẾT_HẠN"),
    ("FIELD", "LĨNH_VỰC"),
    ("FILE", "TỆP"),
    ("FILE.xlsx", "TỆP.xlsx"),
    ("FILES", "CÁC_TỆP"),
    ("FORM", "BIỂU"),
    ("FORMAT", "ĐỊNH_DẠNG"),
    ("FREQUENCY", "TẦN_SUẤT"),
    ("FROM", "TỪ"),
    ("FULL_NAME", "HỌ_TÊN"),
    ("ID", "MÃ_SỐ"),
    ("INCLUDE", "PHẠM_VI"),
    ("INTO", "ĐÍCH"),
    ("KIND", "LOẠI"),
    ("LANG", "NGÔN_NGỮ"),
    ("LEAD", "CHỦ_TRÌ"),
    ("LEGAL_BASIS", "CĂN_CỨ"),
    ("LIMIT", "GIỚI_HẠN"),
    ("MAIL_DIR", "THƯ_MỤC_THƯ"),
    ("MAX_BODY_MB", "TỐI_ĐA_MB"),
    ("MAX_MB", "TỐI_ĐA_MB"),
    ("METHOD", "PHƯƠNG_THỨC"),
    ("N", "N"),
    ("NAME", "TÊN"),
    ("NOTE", "GHI_CHÚ"),
    ("NOTICE", "THÔNG_BÁO"),
    ("OBJECT", "ĐỐI_TƯỢNG"),
    ("OUT", "TỆP_RA"),
    ("PARENT", "ĐƠN_VỊ_CHA"),
    ("PERIOD", "KỲ"),
    ("PERIOD_ID", "MÃ_KỲ"),
    ("PHONE", "ĐIỆN_THOẠI"),
    ("PTYPE", "LOẠI_KỲ"),
    ("REASON", "LÝ_DO"),
    ("RECEIVED", "NGÀY_NHẬN"),
    ("RECEIVER", "NƠI_NHẬN"),
    ("REGIME", "CHẾ_ĐỘ"),
    ("REQUEST", "YÊU_CẦU"),
    ("REVISION", "BẢN"),
    ("ROLE", "VAI_TRÒ"),
    ("ROW", "DÒNG"),
    ("ROWS", "CÁC_DÒNG"),
    ("RULE", "QUY_TẮC"),
    ("SCALE", "QUY_MÔ"),
    ("SENT_AT", "GỬI_LÚC"),
    ("SHEET", "TRANG_TÍNH"),
    ("SHELL", "SHELL"),
    ("SINCE", "TỪ_LÚC"),
    ("SOURCES", "CÁC_ĐƠN_VỊ_NGUỒN"),
    ("START", "BẮT_ĐẦU"),
    ("STATUS", "TRẠNG_THÁI"),
    ("STEPS", "CÁC_BƯỚC"),
    ("SYSTEM", "HỆ_THỐNG"),
    ("TEXT", "VĂN_BẢN"),
    ("TIME", "THỜI_ĐIỂM"),
    ("TIME_AGGREGATION", "CÁCH_CỘNG_THEO_THỜI_GIAN"),
    ("TO", "ĐẾN"),
    ("UNDER", "THUỘC"),
    ("UNIT", "ĐƠN_VỊ"),
    ("UNITS", "CÁC_ĐƠN_VỊ"),
    ("UNIT_CODE", "MÃ_ĐƠN_VỊ"),
    ("UNIT_NAME", "TÊN_ĐƠN_VỊ"),
    ("UNTIL", "ĐẾN_LÚC"),
    ("URL", "URL"),
    ("USER", "TÀI_KHOẢN"),
    ("USERNAME", "TÊN_ĐĂNG_NHẬP"),
    ("VALID_FROM", "HIỆU_LỰC_TỪ"),
    ("VALUE", "GIÁ_TRỊ"),
    ("VALUE_TYPE", "KIỂU_GIÁ_TRỊ"),
    ("WEIGHT", "TRỌNG_SỐ"),
    ("WHICH", "LOẠI"),
    ("WINDOW", "KHOẢNG_NHẬN"),
    ("WITHIN", "TRONG"),
    ("WORKERS", "SỐ_LUỒNG"),
    ("YEAR", "NĂM"),
    ("parent", "parent"),
];

/// The value names clap shows for `a`: those set, else its id in capitals.
pub fn value_names(a: &clap::Arg) -> Vec<String> {
    match a.get_value_names() {
        Some(names) if !names.is_empty() => names.iter().map(|n| n.to_string()).collect(),
        _ => vec![a.get_id().as_str().to_uppercase()],
    }
}

/// A value name in Vietnamese, if the table has it.
pub fn vietnamese(name: &str) -> Option<&'static str> {
    VALUE_NAMES
        .iter()
        .find(|(en, _)| *en == name)
        .map(|(_, vi)| *vi)
}

/// `a` with its value names in Vietnamese (an argument that takes none is left alone).
pub fn localize(a: clap::Arg) -> clap::Arg {
    if !a.get_action().takes_values() {
        return a;
    }
    let names: Option<Vec<&'static str>> = value_names(&a).iter().map(|n| vietnamese(n)).collect();
    match names {
        Some(names) => a.value_names(names),
        None => a,
    }
}

/// clap's own `[OPTIONS]` in a usage line, in Vietnamese.
pub fn options_word(text: &str) -> String {
    text.replace("[OPTIONS]", "[TÙY_CHỌN]")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every argument of every command that shows a value name has it in Vietnamese.
    #[test]
    fn every_value_name_has_a_vietnamese_word() {
        fn walk(cmd: &clap::Command, missing: &mut Vec<String>) {
            for a in cmd.get_arguments() {
                if a.is_hide_set() || !a.get_action().takes_values() {
                    continue;
                }
                for n in value_names(a) {
                    if vietnamese(&n).is_none() && !missing.contains(&n) {
                        missing.push(n);
                    }
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&crate::cli::command(), &mut missing);
        missing.sort();
        let entries: Vec<String> = missing
            .iter()
            .map(|n| format!("    (\"{n}\", \"…\"),"))
            .collect();
        assert!(
            missing.is_empty(),
            "value names without a Vietnamese word; add to VALUE_NAMES in \
             src/cli/placeholders.rs:\n{}",
            entries.join("\n")
        );
    }

    #[test]
    fn the_options_word_and_value_names_read_vietnamese() {
        assert_eq!(
            options_word("baocao restore [OPTIONS] <FILE>"),
            "baocao restore [TÙY_CHỌN] <FILE>"
        );
        let a = localize(clap::Arg::new("period").long("period"));
        assert_eq!(value_names(&a), ["KỲ"]);
        let flag = localize(
            clap::Arg::new("yes")
                .long("yes")
                .action(clap::ArgAction::SetTrue),
        );
        assert!(flag.get_value_names().is_none());
    }
}
