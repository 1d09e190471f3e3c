//! The words templates are recognised by: header keywords, `Trong đó`, `Chia ra`,
//! signature-block phrases. Matching is done on a folded form of the text (no
//! diacritics, lower case, single spaces) so `Đơn vị tính`, `ĐƠN VỊ TÍNH` and a
//! half-converted `Don vi tinh` all match.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower case, diacritics removed (`đ` → `d`), whitespace collapsed, trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// NFC (TCVN 6909:2001), whitespace runs collapsed, trimmed.
pub fn clean(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What an info column's header says it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoKind {
    Stt,
    Name,
    Unit,
    Code,
}

/// The kind of info column a header names, if any.
pub fn info_kind(header: &str) -> Option<InfoKind> {
    let f = fold(header);
    // A title such as `Chỉ tiêu kinh tế - xã hội năm 2026` is no column header.
    if f.chars().count() > 40 {
        return None;
    }
    let f = f.trim_matches(|c: char| !c.is_alphanumeric());
    if matches!(f, "stt" | "tt" | "so tt" | "so thu tu" | "s tt") {
        return Some(InfoKind::Stt);
    }
    if f == "dvt" || f.starts_with("don vi tinh") || f == "don vi" || f == "d.v.t" {
        return Some(InfoKind::Unit);
    }
    if f == "ma" || f.starts_with("ma so") || f.starts_with("ma chi tieu") || f == "ma dong" {
        return Some(InfoKind::Code);
    }
    const NAMES: [&str; 8] = [
        "chi tieu",
        "noi dung",
        "ten chi tieu",
        "danh muc",
        "hang muc",
        "ten",
        "linh vuc",
        "chi so",
    ];
    if NAMES
        .iter()
        .any(|n| f == *n || f.starts_with(&format!("{n} ")) || f.starts_with(&format!("{n}/")))
    {
        return Some(InfoKind::Name);
    }
    None
}

/// `Trong đó:` or `Trong đó: Thu nội địa`: returns the rest (possibly empty).
pub fn of_which_prefix(text: &str) -> Option<String> {
    strip_words(text, &["trong do", "trong so do"])
}

/// `Chia ra:` / `Chia theo ...:` label rows and column groups.
pub fn is_split_label(text: &str) -> bool {
    let f = fold(text);
    let f = f.trim_end_matches([':', '.', ' ']);
    f == "chia ra"
        || f == "phan theo"
        || f.starts_with("chia theo")
        || f.starts_with("chia ra theo")
}

/// A column-group header meaning "of which" (`Trong đó`).
pub fn is_of_which_label(text: &str) -> bool {
    let f = fold(text);
    matches!(
        f.trim_end_matches([':', '.', ' ']),
        "trong do" | "trong so do"
    )
}

/// Strips a leading phrase (compared folded) and the `:`/`-`/`,` after it from the
/// original text; `None` when the text does not start with the phrase.
fn strip_words(text: &str, phrases: &[&str]) -> Option<String> {
    let f = fold(text);
    let phrase = phrases.iter().find(|p| {
        f.starts_with(*p)
            && f[p.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    })?;
    // Walk the original text until as many letters as the phrase has are consumed.
    let letters = phrase.chars().filter(|c| c.is_alphanumeric()).count();
    let mut seen = 0;
    let mut cut = text.len();
    for (i, c) in text.char_indices() {
        if seen == letters {
            cut = i;
            break;
        }
        if c.is_alphanumeric() {
            seen += 1;
        }
    }
    let rest = text.get(cut..).unwrap_or("");
    Some(clean(rest.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '-' | ',' | '.' | '–')
    })))
}

/// A line of the signature block or notes under the table, which ends the table.
pub fn is_table_end(text: &str) -> bool {
    let f = fold(text);
    const STARTS: [&str; 16] = [
        "nguoi lap",
        "nguoi kiem tra",
        "nguoi duyet",
        "thu truong",
        "ghi chu",
        "luu y",
        "chu thich",
        "noi nhan",
        "xac nhan",
        "kt.",
        "tm.",
        "tl.",
        "giam doc",
        "chu tich",
        "lanh dao don vi",
        "(ky",
    ];
    STARTS.iter().any(|s| f.starts_with(s)) || is_signature_date(text)
}

/// `......, ngày ..... tháng ..... năm .....` or `Hà Nội, ngày 5 tháng 1 năm 2026`:
/// each of the three words followed by dots or a number.
pub fn is_signature_date(text: &str) -> bool {
    let f = fold(text);
    let mut from = 0;
    for word in ["ngay", "thang", "nam"] {
        let Some(at) = f[from..].find(word).map(|i| i + from) else {
            return false;
        };
        let after = f[at + word.len()..].trim_start();
        if !after.starts_with(|c: char| c == '.' || c == '\u{2026}' || c.is_ascii_digit()) {
            return false;
        }
        from = at + word.len();
    }
    true
}

/// Whether a cell says "not applicable".
pub fn is_not_applicable(text: &str) -> bool {
    matches!(text.trim(), "x" | "X" | "×")
}

/// Whether letters are mostly upper case (titles and section headings).
pub fn mostly_upper(text: &str) -> bool {
    let (mut upper, mut lower) = (0, 0);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        if c.is_uppercase() {
            upper += 1;
        } else {
            lower += 1;
        }
    }
    upper >= 3 && upper >= lower * 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_diacritics_and_case() {
        assert_eq!(fold("  ĐƠN VỊ   TÍNH "), "don vi tinh");
        assert_eq!(fold("Lũy kế"), "luy ke");
    }

    #[test]
    fn info_headers_are_recognised_in_their_usual_spellings() {
        assert_eq!(info_kind("STT"), Some(InfoKind::Stt));
        assert_eq!(info_kind("Số TT"), Some(InfoKind::Stt));
        assert_eq!(info_kind("Chỉ tiêu"), Some(InfoKind::Name));
        assert_eq!(info_kind("Tên chỉ tiêu"), Some(InfoKind::Name));
        assert_eq!(info_kind("NỘI DUNG"), Some(InfoKind::Name));
        assert_eq!(info_kind("ĐVT"), Some(InfoKind::Unit));
        assert_eq!(info_kind("Đơn vị tính"), Some(InfoKind::Unit));
        assert_eq!(info_kind("Mã số"), Some(InfoKind::Code));
        assert_eq!(info_kind("Kế hoạch năm 2026"), None);
        assert_eq!(info_kind("Tổng số"), None);
        assert_eq!(
            info_kind("Chỉ tiêu phát triển kinh tế - xã hội chủ yếu năm 2026"),
            None
        );
    }

    #[test]
    fn of_which_prefix_keeps_the_original_rest() {
        assert_eq!(
            of_which_prefix("Trong đó: Thu nội địa").as_deref(),
            Some("Thu nội địa")
        );
        assert_eq!(of_which_prefix("Trong đó:").as_deref(), Some(""));
        assert_eq!(of_which_prefix("TRONG ĐÓ - Nữ").as_deref(), Some("Nữ"));
        assert_eq!(of_which_prefix("Trong đóng góp"), None);
        assert_eq!(of_which_prefix("Thu nội địa"), None);
    }

    #[test]
    fn signature_block_lines_end_the_table() {
        assert!(is_table_end("Người lập biểu"));
        assert!(is_table_end("THỦ TRƯỞNG ĐƠN VỊ"));
        assert!(is_table_end("......, ngày ..... tháng ..... năm ....."));
        assert!(is_table_end("Ghi chú: số liệu sơ bộ"));
        assert!(!is_table_end("Ngày nhận báo cáo: ngày 20"));
        assert!(is_table_end("Hà Nội, ngày 5 tháng 1 năm 2026"));
        assert!(!is_table_end("Số ngày công lao động trong tháng năm nay"));
    }
}
