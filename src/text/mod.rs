//! Vietnamese text: Unicode NFC as TCVN 6909:2001 requires, conversion from the legacy
//! TCVN3 (ABC) and VNI encodings that old workbooks still hold, and the keys names are
//! matched by.
//!
//! Legacy text arrives as xlsx cells show it, each byte read as the Latin-1 /
//! Windows-1252 character with that code: TCVN3 "ViÖt Nam", VNI "Vieät Nam".
//! U+00AD (soft hyphen) is "ư" in TCVN3, so nothing here ever strips it.

mod detect;
mod legacy;
mod syllable;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// How a piece of text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Unicode (TCVN 6909:2001), the only encoding we store.
    Unicode,
    /// TCVN3 (TCVN 5712:1993, "ABC"), the .VnTime / .VnArial fonts.
    #[serde(alias = "abc")]
    Tcvn3,
    /// VNI Windows, the VNI-Times / VNI-Helve fonts.
    Vni,
}

impl Encoding {
    /// The name people know the encoding by, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Unicode => "Unicode",
            Encoding::Tcvn3 => "TCVN3 (ABC)",
            Encoding::Vni => "VNI Windows",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Unicode => "unicode",
            Encoding::Tcvn3 => "tcvn3",
            Encoding::Vni => "vni",
        })
    }
}

/// An encoding name we do not know (`auto` is the caller's to handle).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown text encoding `{0}` (expected unicode, tcvn3 (abc) or vni)")]
pub struct UnknownEncoding(pub String);

impl FromStr for Encoding {
    type Err = UnknownEncoding;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "unicode" | "utf-8" | "utf8" => Ok(Encoding::Unicode),
            "tcvn3" | "tcvn" | "abc" => Ok(Encoding::Tcvn3),
            "vni" | "vni-windows" => Ok(Encoding::Vni),
            _ => Err(UnknownEncoding(s.to_string())),
        }
    }
}

/// Guesses the encoding of one string: Unicode unless reading it as TCVN3 or VNI gives
/// clearly more Vietnamese words than reading it as it is. Plain ASCII, Vietnamese Unicode
/// and ordinary Latin-1 text ("café", "Müller") are Unicode. A single short word can be
/// ambiguous ("sè" is a Unicode word and TCVN3 for "số"); such ties stay Unicode, and
/// [`detect_all`] decides over a whole sheet or column instead.
pub fn detect(s: &str) -> Encoding {
    detect::score(s).verdict()
}

/// Guesses one encoding for many strings (the cells of a sheet or a column), which settles
/// what single short cells leave open.
pub fn detect_all<'a, I>(items: I) -> Encoding
where
    I: IntoIterator<Item = &'a str>,
{
    let mut total = detect::Scores::default();
    for s in items {
        total.add(detect::score(s));
    }
    total.verdict()
}

/// Converts `s` from `from` to Unicode NFC. `upper_font` says the TCVN3 text was shown in
/// an upper-case font (.VnTimeH, .VnArialH, ...), which draws capitals on the lower-case
/// codes: only the font name tells, see [`encoding_of_font`]. VNI has capitals of its own,
/// so the flag only matters for TCVN3. Characters the encoding does not use pass through.
pub fn to_unicode(s: &str, from: Encoding, upper_font: bool) -> String {
    match from {
        Encoding::Unicode => s.nfc().collect(),
        Encoding::Tcvn3 => legacy::decode_tcvn3(s, upper_font).text.nfc().collect(),
        Encoding::Vni => legacy::decode_vni(s).text.nfc().collect(),
    }
}

/// Converts Unicode text to `to`, as a legacy font would need it (test fixtures, and
/// checking conversions). TCVN3's lower-case fonts have no toned capitals: those get the
/// lower-case code, so all-caps text reads back with `upper_font` and mixed-case text comes
/// back with its toned capitals in lower case ("Ủy" → "ủy").
pub fn from_unicode(s: &str, to: Encoding) -> String {
    let nfc: String = s.nfc().collect();
    match to {
        Encoding::Unicode => nfc,
        Encoding::Tcvn3 => legacy::encode_tcvn3(&nfc),
        Encoding::Vni => legacy::encode_vni(&nfc),
    }
}

/// The encoding a cell's font implies, and whether it is an upper-case TCVN3 font:
/// ".VnTime" → TCVN3, ".VnTimeH" → TCVN3 in capitals, "VNI-Times" → VNI. `None` for
/// Unicode fonts, which say nothing.
pub fn encoding_of_font(font_name: &str) -> Option<(Encoding, bool)> {
    let name = font_name.trim();
    let lower = name.to_ascii_lowercase();
    if lower.starts_with(".vn") {
        Some((Encoding::Tcvn3, name.ends_with('H')))
    } else if lower.starts_with("vni-") || lower.starts_with("vni ") {
        Some((Encoding::Vni, false))
    } else {
        None
    }
}

/// What a whole workbook says about its text: the encoding its cells read as together,
/// and the legacy fonts its cells are shown in. A short cell is often ambiguous on its
/// own ("hé" is a Unicode word and TCVN3 for "hộ"); the workbook is not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkbookEvidence {
    text: detect::Scores,
    /// Cells with non-ASCII text shown in a TCVN3 font (.VnTime, ...) and in a VNI font.
    tcvn3_font_cells: usize,
    vni_font_cells: usize,
}

impl WorkbookEvidence {
    /// Adds one text cell and the encoding its font implies ([`encoding_of_font`]).
    pub fn add(&mut self, s: &str, font: Option<Encoding>) {
        self.text.add(detect::score(s));
        if !s.is_ascii() {
            match font {
                Some(Encoding::Tcvn3) => self.tcvn3_font_cells += 1,
                Some(Encoding::Vni) => self.vni_font_cells += 1,
                _ => {}
            }
        }
    }

    /// The workbook's encoding: what its text reads as taken together; or, when the text
    /// cannot tell (its legacy reading is as good as its reading as it is, as with a
    /// sheet of short cells like "hé"), the legacy encoding of the fonts most of its
    /// non-ASCII cells are shown in. Text that reads better as it is stays Unicode
    /// whatever its fonts say (a converted workbook often keeps its old .VnTime).
    pub fn verdict(&self) -> Encoding {
        let by_text = self.text.verdict();
        if by_text != Encoding::Unicode || self.tcvn3_font_cells + self.vni_font_cells == 0 {
            return by_text;
        }
        let (font, points, syllables) = if self.tcvn3_font_cells >= self.vni_font_cells {
            (Encoding::Tcvn3, self.text.tcvn3, self.text.tcvn3_syllables)
        } else {
            (Encoding::Vni, self.text.vni, self.text.vni_syllables)
        };
        let vietnamese = (syllables + self.text.ascii_syllables) * 10 >= self.text.words * 6;
        if points >= self.text.unicode && vietnamese {
            font
        } else {
            Encoding::Unicode
        }
    }
}

/// Converts one cell of a workbook whose text reads as `workbook`
/// ([`WorkbookEvidence::verdict`]) and whose own font implies `font`
/// ([`encoding_of_font`]). In a legacy workbook the cell's legacy font says which
/// encoding (and whether in capitals, .VnTimeH), else the workbook's; it is converted
/// when its legacy reading is at least as good as its reading as it is, so a tie ("hé")
/// goes to the workbook ("hộ"), while text with letters only Unicode has ("Hà Nội")
/// stays. In a Unicode workbook each cell is detected alone ([`auto_convert`]).
/// `None` when the cell stays as it is.
pub fn convert_cell(
    s: &str,
    font: Option<(Encoding, bool)>,
    workbook: Encoding,
) -> Option<Converted> {
    if workbook == Encoding::Unicode {
        let c = auto_convert(s);
        return (c.from != Encoding::Unicode).then_some(c);
    }
    let (from, upper) = match font {
        Some((e, upper)) if e != Encoding::Unicode => (e, upper),
        _ => (workbook, false),
    };
    let scores = detect::score(s);
    let legacy = match from {
        Encoding::Vni => scores.vni,
        _ => scores.tcvn3,
    };
    if legacy < scores.unicode {
        return None;
    }
    let text = to_unicode(s, from, upper);
    let same: String = s.nfc().collect();
    (text != same).then_some(Converted { text, from })
}

/// Text after conversion, and what it was converted from (so the caller can warn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub text: String,
    pub from: Encoding,
}

/// Detects the encoding of `s` and converts it to Unicode NFC.
pub fn auto_convert(s: &str) -> Converted {
    let from = detect(s);
    Converted {
        text: to_unicode(s, from, false),
        from,
    }
}

/// NFC, trimmed, every run of white space (tabs, new lines, no-break spaces) one space:
/// how text is stored.
pub fn normalize(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key names are matched by: [`normalize`]d, lower case, the tone of open "oa", "oe",
/// "uy" on the first vowel as in official names ("hoà" = "hòa", "thuỷ" = "thủy"), Latin
/// "ð" read as "đ" (a common typing slip), punctuation at either end dropped. Diacritics
/// stay: "Hà Nam" and "Hà Năm" are different places.
pub fn fold_key(s: &str) -> String {
    let lower: String = normalize(s)
        .to_lowercase()
        .chars()
        .map(|c| if c == 'ð' { 'đ' } else { c })
        .nfc()
        .collect();
    let mut key = String::with_capacity(lower.len());
    let mut word = String::new();
    for c in lower.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            key.push_str(&syllable::classic_tone_placement(&word));
            word.clear();
            key.push(c);
        }
    }
    key.push_str(&syllable::classic_tone_placement(&word));
    trim_key_ends(&key).to_string()
}

/// Punctuation dropped from the ends of a key; brackets only when unbalanced or enclosing
/// the whole, so "Sở Y tế (cũ)" keeps its "(cũ)".
fn is_end_punctuation(c: char) -> bool {
    c.is_whitespace()
        || (c.is_ascii_punctuation() && !matches!(c, '(' | ')' | '[' | ']'))
        || matches!(
            c,
            '…' | '–' | '—' | '“' | '”' | '‘' | '’' | '«' | '»' | '•' | '·' | '„' | '‚'
        )
}

fn trim_key_ends(mut s: &str) -> &str {
    loop {
        let before = s.len();
        s = s.trim_matches(is_end_punctuation);
        for (open, close) in [('(', ')'), ('[', ']')] {
            let opens = s.matches(open).count();
            let closes = s.matches(close).count();
            if s.starts_with(open) && s.ends_with(close) && encloses(s, open, close) {
                s = &s[open.len_utf8()..s.len() - close.len_utf8()];
            } else if s.ends_with(close) && closes > opens {
                s = &s[..s.len() - close.len_utf8()];
            } else if s.starts_with(open) && opens > closes {
                s = &s[open.len_utf8()..];
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// Whether the bracket opening `s` is the one closing it.
fn encloses(s: &str, open: char, close: char) -> bool {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return i + c.len_utf8() == s.len();
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::legacy::VOWELS;
    use super::*;
    use proptest::prelude::*;

    /// Every Vietnamese vowel with every tone, lower case, then đ.
    fn lower_letters() -> Vec<char> {
        VOWELS.iter().flatten().copied().chain(['đ']).collect()
    }

    fn upper_letters() -> Vec<char> {
        lower_letters()
            .into_iter()
            .map(|c| c.to_uppercase().next().unwrap())
            .collect()
    }

    const PHRASES: [&str; 5] = [
        "Ủy ban nhân dân tỉnh",
        "Sở Kế hoạch và Đầu tư",
        "Người lập biểu",
        "Thủ trưởng đơn vị",
        "Đơn vị tính",
    ];

    #[test]
    fn a_workbook_settles_the_short_cells_a_cell_alone_cannot() {
        // "hé" is a Unicode word and TCVN3 for "hộ": alone it stays.
        assert_eq!(detect("hé"), Encoding::Unicode);
        assert_eq!(convert_cell("hé", None, Encoding::Unicode), None);
        let mut book = WorkbookEvidence::default();
        for cell in ["Sè hé ch¨n nu«i", "§¬n vÞ tÝnh", "hé", "con", "ng\u{ad}êi"] {
            book.add(cell, None);
        }
        assert_eq!(book.verdict(), Encoding::Tcvn3);
        let c = convert_cell("hé", None, book.verdict()).expect("converted");
        assert_eq!((c.text.as_str(), c.from), ("hộ", Encoding::Tcvn3));
        // ASCII and text only Unicode can hold stay as they are.
        assert_eq!(convert_cell("con", None, Encoding::Tcvn3), None);
        assert_eq!(convert_cell("Hà Nội", None, Encoding::Tcvn3), None);
        // A cell that is no word either way goes with the workbook: "§VT" is "ĐVT".
        let c = convert_cell("§VT", None, Encoding::Tcvn3).expect("converted");
        assert_eq!(c.text, "ĐVT");
    }

    #[test]
    fn the_cell_font_decides_before_the_workbook() {
        let font = encoding_of_font(".VnTime");
        assert_eq!(font, Some((Encoding::Tcvn3, false)));
        let c = convert_cell("hé", font, Encoding::Tcvn3).expect("converted");
        assert_eq!(c.text, "hộ");
        // A workbook whose text reads as Unicode keeps its short cells, fonts or not.
        assert_eq!(convert_cell("hé", font, Encoding::Unicode), None);
        // A VNI cell in a workbook otherwise TCVN3.
        let vni = from_unicode("Số hộ", Encoding::Vni);
        let c = convert_cell(&vni, encoding_of_font("VNI-Times"), Encoding::Tcvn3).unwrap();
        assert_eq!((c.text.as_str(), c.from), ("Số hộ", Encoding::Vni));
        // An upper-case TCVN3 font draws capitals on the lower-case codes.
        let c = convert_cell("sè hé", encoding_of_font(".VnTimeH"), Encoding::Tcvn3).unwrap();
        assert_eq!(c.text, "SỐ HỘ");
        // Unicode text left in a .VnTime cell is not converted again.
        assert_eq!(convert_cell("Số hộ", font, Encoding::Tcvn3), None);
    }

    #[test]
    fn fonts_speak_when_the_text_of_a_workbook_cannot() {
        let mut book = WorkbookEvidence::default();
        book.add("hé", Some(Encoding::Tcvn3));
        assert_eq!(book.verdict(), Encoding::Tcvn3);
        let mut book = WorkbookEvidence::default();
        book.add("hé", None);
        book.add("con", Some(Encoding::Vni)); // ASCII cells do not vote
        assert_eq!(book.verdict(), Encoding::Unicode);
        // Text that reads better as Unicode outweighs fonts (a converted workbook that
        // kept its .VnTime).
        let mut book = WorkbookEvidence::default();
        book.add("Số hộ chăn nuôi", Some(Encoding::Tcvn3));
        book.add("hé", Some(Encoding::Tcvn3));
        assert_eq!(book.verdict(), Encoding::Unicode);
        // Text that reads as one legacy encoding outweighs fonts.
        let mut book = WorkbookEvidence::default();
        book.add(
            &from_unicode("Cộng hòa xã hội chủ nghĩa Việt Nam", Encoding::Vni),
            None,
        );
        book.add("hé", Some(Encoding::Tcvn3));
        assert_eq!(book.verdict(), Encoding::Vni);
        assert_eq!(WorkbookEvidence::default().verdict(), Encoding::Unicode);
    }

    #[test]
    fn every_letter_and_tone_round_trips_in_vni_in_both_cases() {
        for c in lower_letters().into_iter().chain(upper_letters()) {
            let s = c.to_string();
            let vni = from_unicode(&s, Encoding::Vni);
            assert_eq!(to_unicode(&vni, Encoding::Vni, false), s, "{c} as {vni:?}");
        }
    }

    #[test]
    fn every_lower_case_letter_and_tone_round_trips_in_tcvn3() {
        for c in lower_letters() {
            let s = c.to_string();
            let tcvn3 = from_unicode(&s, Encoding::Tcvn3);
            assert_eq!(tcvn3.chars().count(), 1, "{c}: one code per letter");
            assert_eq!(to_unicode(&tcvn3, Encoding::Tcvn3, false), s, "{c}");
        }
    }

    #[test]
    fn every_capital_round_trips_in_tcvn3_upper_font() {
        for c in upper_letters() {
            let s = c.to_string();
            let tcvn3 = from_unicode(&s, Encoding::Tcvn3);
            assert_eq!(to_unicode(&tcvn3, Encoding::Tcvn3, true), s, "{c}");
        }
    }

    #[test]
    fn untoned_capitals_have_their_own_tcvn3_codes() {
        for (c, code) in [
            ('Ă', '\u{A1}'),
            ('Â', '\u{A2}'),
            ('Ê', '\u{A3}'),
            ('Ô', '\u{A4}'),
            ('Ơ', '\u{A5}'),
            ('Ư', '\u{A6}'),
            ('Đ', '\u{A7}'),
        ] {
            assert_eq!(
                from_unicode(&c.to_string(), Encoding::Tcvn3),
                code.to_string()
            );
            assert_eq!(
                to_unicode(&code.to_string(), Encoding::Tcvn3, false),
                c.to_string()
            );
        }
    }

    #[test]
    fn tcvn3_codes_match_the_published_table() {
        // One letter per row of the table, and the codes people recognise on sight.
        let cases = [
            ("µ¶·¸¹", "àảãáạ"),
            ("¨»¼½¾Æ", "ăằẳẵắặ"),
            ("©ÇÈÉÊË", "âầẩẫấậ"),
            ("ÌÎÏÐÑ", "èẻẽéẹ"),
            ("ªÒÓÔÕÖ", "êềểễếệ"),
            ("×ØÜÝÞ", "ìỉĩíị"),
            ("ßáâãä", "òỏõóọ"),
            ("«åæçèé", "ôồổỗốộ"),
            ("¬êëìíî", "ơờởỡớợ"),
            ("ïñòóô", "ùủũúụ"),
            ("\u{AD}õö÷øù", "ưừửữứự"),
            ("úûüýþ", "ỳỷỹýỵ"),
            ("®§", "đĐ"),
        ];
        for (code, text) in cases {
            assert_eq!(to_unicode(code, Encoding::Tcvn3, false), text);
            assert_eq!(from_unicode(text, Encoding::Tcvn3), code);
        }
    }

    #[test]
    fn known_tcvn3_text_converts() {
        assert_eq!(
            to_unicode("Céng hoµ x· héi chñ nghÜa ViÖt Nam", Encoding::Tcvn3, false),
            "Cộng hoà xã hội chủ nghĩa Việt Nam"
        );
        assert_eq!(
            to_unicode("§éc lËp - Tù do - H¹nh phóc", Encoding::Tcvn3, false),
            "Độc lập - Tự do - Hạnh phúc"
        );
    }

    #[test]
    fn upper_case_tcvn3_font_turns_every_letter_capital() {
        assert_eq!(
            to_unicode("céng hoµ x· héi chñ nghÜa viÖt nam", Encoding::Tcvn3, true),
            "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        );
        assert_eq!(
            to_unicode("ñy ban nh©n d©n tØnh hµ s¬n", Encoding::Tcvn3, true),
            "ỦY BAN NHÂN DÂN TỈNH HÀ SƠN"
        );
    }

    #[test]
    fn tcvn3_combining_tone_codes_join_the_vowel_before() {
        assert_eq!(to_unicode("a\u{B3}", Encoding::Tcvn3, false), "á");
        assert_eq!(to_unicode("\u{A9}\u{B4}", Encoding::Tcvn3, false), "ậ");
        assert_eq!(to_unicode("30\u{B0}C", Encoding::Tcvn3, false), "30\u{B0}C");
    }

    #[test]
    fn soft_hyphen_is_u_horn_in_tcvn3_and_survives_everything() {
        assert_eq!(to_unicode("t\u{AD}", Encoding::Tcvn3, false), "tư");
        assert_eq!(auto_convert("Ng\u{AD}êi lËp biÓu").text, "Người lập biểu");
        assert_eq!(normalize(" t\u{AD} "), "t\u{AD}");
        assert!(fold_key("t\u{AD}").contains('\u{AD}'));
    }

    #[test]
    fn known_vni_text_converts() {
        assert_eq!(
            to_unicode(
                "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam",
                Encoding::Vni,
                false
            ),
            "Cộng hòa xã hội chủ nghĩa Việt Nam"
        );
        assert_eq!(
            to_unicode("Ñoäc laäp - Töï do - Haïnh phuùc", Encoding::Vni, false),
            "Độc lập - Tự do - Hạnh phúc"
        );
        assert_eq!(
            to_unicode(
                "COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM",
                Encoding::Vni,
                false
            ),
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        );
    }

    #[test]
    fn vni_mark_takes_the_case_of_its_letter() {
        assert_eq!(to_unicode("Uûy ban", Encoding::Vni, false), "Ủy ban");
        assert_eq!(to_unicode("UÛy ban", Encoding::Vni, false), "Ủy ban");
        assert_eq!(to_unicode("tieÁng", Encoding::Vni, false), "tiếng");
    }

    #[test]
    fn vni_mark_that_fits_no_vowel_is_left_alone() {
        assert_eq!(to_unicode("café", Encoding::Vni, false), "café");
        assert_eq!(to_unicode("aùø", Encoding::Vni, false), "áø");
    }

    #[test]
    fn phrases_encode_as_the_fonts_expect() {
        let tcvn3 = [
            "ñy ban nh©n d©n tØnh",
            "Së KÕ ho¹ch vµ §Çu t\u{AD}",
            "Ng\u{AD}êi lËp biÓu",
            "Thñ tr\u{AD}ëng ®¬n vÞ",
            "§¬n vÞ tÝnh",
        ];
        let vni = [
            "UÛy ban nhaân daân tænh",
            "Sôû Keá hoaïch vaø Ñaàu tö",
            "Ngöôøi laäp bieåu",
            "Thuû tröôûng ñôn vò",
            "Ñôn vò tính",
        ];
        for ((p, t), v) in PHRASES.iter().zip(tcvn3).zip(vni) {
            assert_eq!(from_unicode(p, Encoding::Tcvn3), t);
            assert_eq!(from_unicode(p, Encoding::Vni), v);
        }
    }

    #[test]
    fn phrases_round_trip_and_are_detected() {
        for p in PHRASES {
            let vni = from_unicode(p, Encoding::Vni);
            assert_eq!(detect(&vni), Encoding::Vni, "{vni}");
            assert_eq!(
                auto_convert(&vni),
                Converted {
                    text: p.into(),
                    from: Encoding::Vni
                }
            );

            // The lower-case TCVN3 fonts have no "Ủ": it comes back as "ủ".
            let tcvn3 = from_unicode(p, Encoding::Tcvn3);
            let expected = p.replace('Ủ', "ủ");
            assert_eq!(detect(&tcvn3), Encoding::Tcvn3, "{tcvn3}");
            assert_eq!(auto_convert(&tcvn3).text, expected);

            let upper = p.to_uppercase();
            let tcvn3_upper = from_unicode(&upper, Encoding::Tcvn3);
            assert_eq!(to_unicode(&tcvn3_upper, Encoding::Tcvn3, true), upper);
            assert_eq!(detect(&tcvn3_upper), Encoding::Tcvn3, "{tcvn3_upper}");
        }
    }

    #[test]
    fn unicode_vietnamese_is_detected_as_unicode() {
        for s in PHRASES.iter().copied().chain([
            "Cà Mau",
            "Tây Ninh",
            "Tôi có",
            "bé",
            "Hòa Bình",
            "là",
            "Thống kê tỉnh",
            "Việt Nam",
        ]) {
            assert_eq!(detect(s), Encoding::Unicode, "{s}");
            let nfd: String = s.nfd().collect();
            assert_eq!(detect(&nfd), Encoding::Unicode, "NFD {s}");
            assert_eq!(auto_convert(&nfd).text, s);
        }
    }

    #[test]
    fn ascii_and_western_latin1_text_is_unicode() {
        for s in [
            "",
            "   ",
            "Total 2024",
            "café",
            "Müller",
            "naïve façade",
            "Crème brûlée",
            "São Paulo",
            "España señor",
            "© 2024",
            "30 °C",
            "50 m² ± 2",
            "½ kg",
            "Ærø",
            "Zoë",
            "¿Qué?",
            "à la carte",
            "été",
            "µg/l",
            "5 €",
            "“quoted” – dash",
        ] {
            assert_eq!(detect(s), Encoding::Unicode, "{s}");
            assert_eq!(auto_convert(s).text, s.nfc().collect::<String>());
        }
    }

    #[test]
    fn legacy_text_is_detected() {
        for (s, enc) in [
            ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", Encoding::Tcvn3),
            ("Tæng sè", Encoding::Tcvn3),
            ("B¸o c¸o t×nh h×nh kinh tÕ - x· héi", Encoding::Tcvn3),
            ("UBND TØNH Hµ S¥N", Encoding::Tcvn3),
            ("Vieät Nam", Encoding::Vni),
            ("Ñoàng Nai", Encoding::Vni),
            ("Baùo caùo tình hình kinh teá - xaõ hoäi", Encoding::Vni),
            // Single words whose Unicode reading looks almost Vietnamese.
            ("tÝch", Encoding::Tcvn3),
            ("trÊn", Encoding::Tcvn3),
            ("Coâng", Encoding::Vni),
            ("Giaù", Encoding::Vni),
            ("xaõ", Encoding::Vni),
        ] {
            assert_eq!(detect(s), enc, "{s}");
        }
    }

    #[test]
    fn whole_column_settles_an_ambiguous_cell() {
        // "sè" alone reads as a Unicode word; beside other TCVN3 cells it is "số".
        assert_eq!(detect("sè"), Encoding::Unicode);
        assert_eq!(detect_all(["sè", "Tæng sè", "§¬n vÞ"]), Encoding::Tcvn3);
        assert_eq!(detect_all(["Tôi", "có", "Hà Nội"]), Encoding::Unicode);
        assert_eq!(detect_all(Vec::<&str>::new()), Encoding::Unicode);
    }

    #[test]
    fn results_are_nfc() {
        let out = to_unicode("Vieät", Encoding::Vni, false);
        assert_eq!(out, out.nfc().collect::<String>());
        assert_eq!(
            to_unicode("Vie\u{323}\u{302}t", Encoding::Unicode, false),
            "Việt"
        );
    }

    #[test]
    fn normalize_composes_trims_and_collapses_space() {
        assert_eq!(normalize("  Sở\u{A0}Tài \t chính\n "), "Sở Tài chính");
        assert_eq!(normalize("Vie\u{323}\u{302}t"), "Việt");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn fold_key_matches_spellings_of_one_name() {
        let key = fold_key("Ủy ban nhân dân tỉnh");
        assert_eq!(key, "ủy ban nhân dân tỉnh");
        for variant in [
            "  UỶ BAN  NHÂN DÂN TỈNH. ",
            "Uỷ ban nhân dân tỉnh:",
            "\"Ủy ban nhân dân tỉnh\"",
            "U\u{309}y ban nha\u{302}n da\u{302}n ti\u{309}nh",
            "(Ủy ban nhân dân tỉnh)",
        ] {
            assert_eq!(fold_key(variant), key, "{variant}");
        }
        assert_eq!(fold_key("Xã Hoà Bình"), fold_key("xã Hòa Bình"));
        assert_eq!(fold_key("ÐỒNG THÁP"), "đồng tháp");
    }

    #[test]
    fn fold_key_keeps_diacritics_and_balanced_brackets() {
        assert_ne!(fold_key("Hà Nam"), fold_key("Hà Năm"));
        assert_eq!(fold_key("Sở Y tế (cũ)."), "sở y tế (cũ)");
        assert_eq!(fold_key("Sở Y tế)"), "sở y tế");
        assert_eq!(fold_key("..."), "");
    }

    #[test]
    fn encoding_names_parse_and_serialize_in_lower_case() {
        assert_eq!("ABC".parse::<Encoding>(), Ok(Encoding::Tcvn3));
        assert_eq!(" tcvn3 ".parse::<Encoding>(), Ok(Encoding::Tcvn3));
        assert_eq!("VNI".parse::<Encoding>(), Ok(Encoding::Vni));
        assert_eq!("unicode".parse::<Encoding>(), Ok(Encoding::Unicode));
        assert!("auto".parse::<Encoding>().is_err());
        assert_eq!(
            serde_json::to_string(&Encoding::Tcvn3).unwrap(),
            "\"tcvn3\""
        );
        let parsed: Encoding = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(parsed, Encoding::Tcvn3);
        for e in [Encoding::Unicode, Encoding::Tcvn3, Encoding::Vni] {
            assert_eq!(e.to_string().parse::<Encoding>(), Ok(e));
        }
    }

    #[test]
    fn font_names_tell_the_encoding() {
        assert_eq!(encoding_of_font(".VnTime"), Some((Encoding::Tcvn3, false)));
        assert_eq!(encoding_of_font(".VnTimeH"), Some((Encoding::Tcvn3, true)));
        assert_eq!(encoding_of_font(".VnArialH"), Some((Encoding::Tcvn3, true)));
        assert_eq!(encoding_of_font("VNI-Times"), Some((Encoding::Vni, false)));
        assert_eq!(encoding_of_font("Times New Roman"), None);
    }

    fn pool(letters: Vec<char>) -> impl Strategy<Value = String> {
        let mut all = letters;
        all.extend("bcdghklmnpqrstvx .,-0123456789".chars());
        proptest::collection::vec(proptest::sample::select(all), 0..40)
            .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn vni_round_trips_any_vietnamese_text(s in pool([lower_letters(), upper_letters()].concat())) {
            let back = to_unicode(&from_unicode(&s, Encoding::Vni), Encoding::Vni, false);
            prop_assert_eq!(back, s);
        }

        #[test]
        fn tcvn3_round_trips_lower_case_text(s in pool(lower_letters())) {
            let back = to_unicode(&from_unicode(&s, Encoding::Tcvn3), Encoding::Tcvn3, false);
            prop_assert_eq!(back, s);
        }

        #[test]
        fn tcvn3_upper_font_round_trips_capitals(s in pool(upper_letters())) {
            let upper = s.to_uppercase();
            let back = to_unicode(&from_unicode(&upper, Encoding::Tcvn3), Encoding::Tcvn3, true);
            prop_assert_eq!(back, upper);
        }

        #[test]
        fn nothing_panics_on_any_text(s in "\\PC*", latin1 in "[\u{20}-\u{FF}]{0,30}") {
            for t in [&s, &latin1] {
                let _ = detect(t);
                let _ = auto_convert(t);
                let _ = fold_key(t);
                for e in [Encoding::Unicode, Encoding::Tcvn3, Encoding::Vni] {
                    let out = to_unicode(t, e, true);
                    prop_assert_eq!(out.nfc().collect::<String>(), out);
                    let _ = from_unicode(t, e);
                }
            }
        }

        #[test]
        fn normalize_is_idempotent(s in "\\PC*") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn fold_key_is_idempotent(s in "\\PC*") {
            let once = fold_key(&s);
            prop_assert_eq!(fold_key(&once), once);
        }
    }
}
