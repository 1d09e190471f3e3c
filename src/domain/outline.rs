//! The outline template (mẫu đề cương) of a narrative report: the headings the lead
//! unit requires in every unit's narrative (Ninh Bình Art. 10(2a), 17(1); Thái Bình
//! Art. 15(1): the lead unit "xây dựng đề cương báo cáo"). Pure: the text of an
//! outline in, its headings out; a narrative in, the headings it lacks out.
//!
//! An outline file holds one heading per line, in the order the report follows.
//! Blank lines and lines starting with `#` are skipped; a heading written `? text` is
//! optional (suggested, never required).
//!
//! A narrative carries a heading when one of its lines *is* the heading: compared
//! after Unicode NFC normalisation, case-insensitively, with surrounding and repeated
//! whitespace and a trailing `:` or `.` ignored. A heading quoted inside a paragraph
//! does not count. Required headings must come in the outline's order: the lead unit
//! compiles the units' narratives into one document read section by section, so a
//! section under the wrong heading breaks the compiled report, and a heading out of
//! order is almost always a paragraph pasted from another template.

use unicode_normalization::UnicodeNormalization;

/// The most headings an outline may hold, and the longest heading, in characters.
pub const MAX_HEADINGS: usize = 100;
pub const MAX_HEADING_CHARS: usize = 300;

/// One heading of an outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// As written (NFC, trimmed).
    pub text: String,
    /// Suggested only: its absence is not a finding.
    pub optional: bool,
}

impl Heading {
    /// What a narrative's line is compared by.
    pub fn key(&self) -> String {
        key(&self.text)
    }
}

/// An outline: its headings in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    pub headings: Vec<Heading>,
}

/// Why an outline's text is refused (line numbers count from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// No heading at all.
    Empty,
    /// A heading longer than [`MAX_HEADING_CHARS`].
    TooLong { line: usize },
    /// More than [`MAX_HEADINGS`] headings.
    TooMany,
    /// The same heading twice (as compared): the check could not tell them apart.
    Duplicate { line: usize, first: usize },
    /// `?` with nothing after it.
    Blank { line: usize },
}

/// The comparison key of a line or heading: NFC, lower case, whitespace collapsed,
/// a trailing `:` or `.` dropped.
pub fn key(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    let words: Vec<&str> = nfc.split_whitespace().collect();
    let joined = words.join(" ").to_lowercase();
    joined
        .trim_end_matches([':', '.', '：'])
        .trim_end()
        .to_string()
}

/// Reads an outline's text.
pub fn parse(text: &str) -> Result<Outline, ParseError> {
    let mut headings: Vec<Heading> = Vec::new();
    let mut lines_of: Vec<(String, usize)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim().trim_start_matches('\u{feff}').trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let (optional, body) = match t.strip_prefix('?') {
            Some(rest) => (true, rest.trim()),
            None => (false, t),
        };
        if body.is_empty() || key(body).is_empty() {
            return Err(ParseError::Blank { line });
        }
        let body: String = body
            .nfc()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if body.chars().count() > MAX_HEADING_CHARS {
            return Err(ParseError::TooLong { line });
        }
        let k = key(&body);
        if let Some((_, first)) = lines_of.iter().find(|(seen, _)| *seen == k) {
            return Err(ParseError::Duplicate {
                line,
                first: *first,
            });
        }
        if headings.len() == MAX_HEADINGS {
            return Err(ParseError::TooMany);
        }
        lines_of.push((k, line));
        headings.push(Heading {
            text: body,
            optional,
        });
    }
    if headings.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(Outline { headings })
}

impl Outline {
    /// The outline written back as its file would be: one heading a line, `? ` before
    /// an optional one. `parse(o.text()) == o`.
    pub fn text(&self) -> String {
        self.headings
            .iter()
            .map(|h| {
                if h.optional {
                    format!("? {}\n", h.text)
                } else {
                    format!("{}\n", h.text)
                }
            })
            .collect()
    }

    /// The required headings a narrative lacks or has out of order, in the outline's
    /// order. Empty: the narrative follows the outline.
    pub fn check(&self, narrative: &str) -> Vec<Finding> {
        let lines: Vec<String> = narrative.lines().map(key).collect();
        let mut from = 0;
        let mut found = Vec::new();
        for h in self.headings.iter().filter(|h| !h.optional) {
            let k = h.key();
            match lines.iter().skip(from).position(|l| *l == k) {
                Some(p) => from += p + 1,
                None => found.push(Finding {
                    heading: h.text.clone(),
                    problem: if lines.contains(&k) {
                        Problem::OutOfOrder
                    } else {
                        Problem::Missing
                    },
                }),
            }
        }
        found
    }

    /// Whether a narrative's line is one of the outline's headings (the compiled
    /// document sets it as a heading).
    pub fn is_heading(&self, line: &str) -> bool {
        let k = key(line);
        !k.is_empty() && self.headings.iter().any(|h| h.key() == k)
    }
}

/// A required heading a narrative does not carry as the outline asks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub heading: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// No line of the narrative is this heading.
    Missing,
    /// The heading is there, but before a heading the outline puts ahead of it.
    OutOfOrder,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const OUTLINE: &str = "# Mẫu đề cương báo cáo tháng\n\
        I. Tình hình thực hiện\n\
        II. Khó khăn, vướng mắc\n\
        \n\
        III. Kiến nghị, đề xuất\n\
        ? IV. Nội dung khác\n";

    #[test]
    fn comments_and_blank_lines_are_skipped_and_a_question_mark_makes_a_heading_optional() {
        let o = parse(OUTLINE).unwrap();
        let texts: Vec<(&str, bool)> = o
            .headings
            .iter()
            .map(|h| (h.text.as_str(), h.optional))
            .collect();
        assert_eq!(
            texts,
            [
                ("I. Tình hình thực hiện", false),
                ("II. Khó khăn, vướng mắc", false),
                ("III. Kiến nghị, đề xuất", false),
                ("IV. Nội dung khác", true),
            ]
        );
        assert_eq!(parse(&o.text()).unwrap(), o);
    }

    #[test]
    fn an_empty_a_blank_optional_and_a_repeated_heading_are_refused() {
        assert_eq!(parse("# chỉ có ghi chú\n\n"), Err(ParseError::Empty));
        assert_eq!(parse("I. Một\n?  \n"), Err(ParseError::Blank { line: 2 }));
        assert_eq!(
            parse("I. Tình hình\nII. Khác\ni. TÌNH HÌNH:\n"),
            Err(ParseError::Duplicate { line: 3, first: 1 })
        );
        let long = "Đ".repeat(MAX_HEADING_CHARS + 1);
        assert_eq!(parse(&long), Err(ParseError::TooLong { line: 1 }));
        let many: String = (0..=MAX_HEADINGS).map(|i| format!("Mục {i}\n")).collect();
        assert_eq!(parse(&many), Err(ParseError::TooMany));
    }

    #[test]
    fn headings_match_whatever_the_case_spacing_trailing_colon_or_unicode_form() {
        let o = parse(OUTLINE).unwrap();
        // "Tình" decomposed (i + combining grave), upper case, extra spaces, a colon.
        let decomposed: String = "  I.   TÌNH HÌNH THỰC HIỆN:  ".nfd().collect();
        let narrative = format!(
            "{decomposed}\nSản xuất lúa ổn định.\nii. khó khăn, vướng mắc\nThiếu vốn.\nIII. Kiến nghị, đề xuất.\nĐề nghị hỗ trợ."
        );
        assert_eq!(o.check(&narrative), []);
    }

    #[test]
    fn a_heading_quoted_inside_a_paragraph_does_not_count() {
        let o = parse("I. Tình hình thực hiện\nII. Kiến nghị\n").unwrap();
        let f = o.check("Về I. Tình hình thực hiện: ổn định.\nII. Kiến nghị\nKhông.");
        assert_eq!(
            f,
            [Finding {
                heading: "I. Tình hình thực hiện".into(),
                problem: Problem::Missing
            }]
        );
    }

    #[test]
    fn required_headings_out_of_order_are_named_and_optional_ones_never() {
        let o = parse(OUTLINE).unwrap();
        let f = o.check("III. Kiến nghị, đề xuất\nI. Tình hình thực hiện\nII. Khó khăn, vướng mắc");
        assert_eq!(
            f,
            [Finding {
                heading: "III. Kiến nghị, đề xuất".into(),
                problem: Problem::OutOfOrder
            }]
        );
        assert!(o.is_heading("iv. nội dung khác:"));
        assert!(!o.is_heading("Nội dung khác"));
    }

    const POOL: &[&str] = &[
        "I. Tình hình thực hiện",
        "II. Khó khăn, vướng mắc",
        "III. Kiến nghị, đề xuất",
        "IV. Phương hướng tháng tới",
        "V. Đánh giá chung",
        "VI. Công tác phối hợp",
        "VII. Tổ chức thực hiện",
    ];
    const FILLER: &[&str] = &[
        "Sản xuất nông nghiệp ổn định.",
        "Thu ngân sách đạt 95% kế hoạch.",
        "Đề nghị Ủy ban nhân dân tỉnh hỗ trợ kinh phí.",
        "Không có.",
    ];

    proptest! {
        /// A narrative made of the outline's headings in order, in any case, with any
        /// paragraphs between them, has no findings; leaving out one required heading
        /// is exactly one finding, that heading missing.
        #[test]
        fn the_outline_in_order_passes_and_each_omission_is_named(
            picked in proptest::sample::subsequence(POOL.to_vec(), 1..=POOL.len()),
            optional in proptest::collection::vec(any::<bool>(), POOL.len()),
            upper in proptest::collection::vec(any::<bool>(), POOL.len()),
            filler in proptest::collection::vec(proptest::sample::select(FILLER.to_vec()), POOL.len()),
            drop in any::<proptest::sample::Index>(),
        ) {
            let text: String = picked
                .iter()
                .zip(&optional)
                .map(|(h, o)| if *o { format!("? {h}\n") } else { format!("{h}\n") })
                .collect();
            let o = parse(&text).unwrap();
            let write = |skip: Option<usize>| -> String {
                let mut s = String::new();
                for (i, h) in o.headings.iter().enumerate() {
                    if Some(i) != skip {
                        let shown = if upper[i] { h.text.to_uppercase() } else { h.text.clone() };
                        s.push_str(&format!("{shown}\n"));
                    }
                    s.push_str(filler[i]);
                    s.push('\n');
                }
                s
            };
            prop_assert_eq!(o.check(&write(None)), vec![]);
            let gone = drop.index(o.headings.len());
            let found = o.check(&write(Some(gone)));
            if o.headings[gone].optional {
                prop_assert_eq!(found, vec![]);
            } else {
                prop_assert_eq!(found, vec![Finding {
                    heading: o.headings[gone].text.clone(),
                    problem: Problem::Missing,
                }]);
            }
        }
    }
}
