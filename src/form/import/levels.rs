//! Row levels from STT numbering, as Vietnamese forms number them: sections `A B`,
//! `I II`, items `1 2`, `1.1`, sub-items `a b`, bullets `-` and `+`.
//!
//! The tree is built with a stack of the numbering styles currently open: a style
//! already open closes everything below it (a sibling); a new style opens one level
//! deeper, after closing open styles that rank at or below it (so `A` after `1`
//! never nests). Rows without STT follow their indentation, `Trong đó:` rows hang
//! under the row above them.

use crate::form::model::Relation;

/// A numbering style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SttKind {
    /// A `TỔNG SỐ` row without STT.
    Total,
    /// `A`, `B`
    Upper,
    /// `I`, `II`
    Roman,
    /// `1`, `2`
    Arabic,
    /// `1.1` (segments − 1)
    Dotted(u8),
    /// `a`, `b`
    Lower,
    /// `-`
    Dash,
    /// `+`
    Plus,
    /// `*`, `•`
    Star,
    /// Anything else printed in the STT column.
    Other,
    /// No STT.
    Blank,
    /// A `Trong đó: ...` row without STT.
    OfWhich,
}

fn rank(kind: SttKind) -> u8 {
    match kind {
        SttKind::Total => 0,
        SttKind::Upper => 1,
        SttKind::Roman => 2,
        SttKind::Arabic => 3,
        SttKind::Dotted(d) => 3u8.saturating_add(d).min(19),
        SttKind::Lower => 20,
        SttKind::Dash => 21,
        SttKind::Plus => 22,
        SttKind::Star => 23,
        SttKind::Other => 24,
        SttKind::OfWhich => 25,
        SttKind::Blank => 30,
    }
}

/// What came before, to tell `I` (one) from `I` (the letter after `H`).
#[derive(Debug, Default)]
pub struct SttContext {
    last_upper: Option<u32>,
    last_roman: Option<u32>,
}

fn roman_value(s: &str) -> Option<u32> {
    let digit = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let values: Vec<u32> = s.chars().map(digit).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, v) in values.iter().enumerate() {
        if values.get(i + 1).is_some_and(|next| next > v) {
            total -= *v as i64;
        } else {
            total += *v as i64;
        }
    }
    (total > 0 && s.len() <= 8).then_some(total as u32)
}

/// The numbering style of an STT cell.
pub fn classify(stt: &str, ctx: &mut SttContext) -> SttKind {
    let s = stt
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(['.', ')', ':'])
        .trim();
    match s {
        "" => return SttKind::Blank,
        "-" | "\u{2013}" | "\u{2014}" | "\u{2212}" => return SttKind::Dash,
        "+" => return SttKind::Plus,
        "*" | "\u{2022}" | "\u{00b7}" => return SttKind::Star,
        _ => {}
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return SttKind::Arabic;
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 1
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return SttKind::Dotted((parts.len() - 1).min(16) as u8);
    }
    let mut chars = s.chars();
    let (first, rest) = (chars.next(), chars.next());
    if let (Some(c), None) = (first, rest) {
        if c.is_lowercase() {
            return SttKind::Lower;
        }
    }
    let letter = match (first, rest) {
        (Some(c), None) if c.is_ascii_uppercase() => Some(c as u32 - 'A' as u32 + 1),
        _ => None,
    };
    let roman = roman_value(s);
    let kind = match (letter, roman) {
        (Some(l), Some(r)) => {
            // `C` after `B` is a letter, `V` after `IV` a numeral, a lone `I` one.
            if ctx.last_upper == Some(l - 1) && l > 1 {
                SttKind::Upper
            } else if ctx.last_roman == Some(r - 1) || s == "I" {
                SttKind::Roman
            } else {
                SttKind::Upper
            }
        }
        (Some(_), None) => SttKind::Upper,
        (None, Some(_)) => SttKind::Roman,
        (None, None) => SttKind::Other,
    };
    match kind {
        SttKind::Upper => ctx.last_upper = letter,
        SttKind::Roman => ctx.last_roman = roman,
        _ => {}
    }
    kind
}

/// A bullet or number typed at the start of the name when the STT column is empty
/// (`- Lúa`, `a) Cây hằng năm`, `1. Dân số`): the bullet and the rest.
pub fn bullet_in_name(name: &str) -> Option<(String, String)> {
    let trimmed = name.trim_start();
    let mut chars = trimmed.char_indices();
    let (_, first) = chars.next()?;
    if matches!(first, '-' | '+' | '*' | '\u{2022}' | '\u{2013}') {
        let rest = trimmed[first.len_utf8()..].trim_start();
        if !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Some((first.to_string(), rest.to_string()));
        }
        return None;
    }
    // `a)`, `1.`, `1.1.`, `II.` followed by a space.
    let end = trimmed.find([' ', '\u{a0}'])?;
    let head = &trimmed[..end];
    let body = head.strip_suffix(['.', ')'])?;
    let numbering = !body.is_empty()
        && body.len() <= 6
        && (body.chars().all(|c| c.is_ascii_digit() || c == '.')
            || body.chars().all(|c| "IVXLC".contains(c))
            || (body.chars().count() == 1 && body.chars().all(char::is_lowercase)));
    let rest = trimmed[end..].trim_start();
    (numbering && !rest.is_empty()).then(|| (body.to_string(), rest.to_string()))
}

/// What the level assignment needs to know of a row.
#[derive(Debug, Clone)]
pub struct LevelInput {
    pub kind: SttKind,
    pub indent: u8,
    /// A `Trong đó: X` row.
    pub of_which: bool,
    pub has_unit: bool,
    /// The row follows a bare label row (`Trong đó:` → of_which, `Chia ra:` →
    /// part_of_total) that opens a group of children of the row above the label.
    pub after_label: Option<Relation>,
}

/// Where a row goes in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub level: u8,
    pub parent: Option<usize>,
    /// The relation a `Trong đó`/`Chia ra` group gives the row.
    pub group_relation: Option<Relation>,
}

/// Places every row; `unit_column` says the form has a unit column (so a row
/// without unit followed by rows with one is a heading over them).
pub fn place(rows: &[LevelInput], unit_column: bool) -> Vec<Placement> {
    let mut stack: Vec<(SttKind, usize)> = Vec::new();
    let mut out: Vec<Placement> = Vec::with_capacity(rows.len());
    let mut group: Option<(usize, Relation)> = None;
    let truncate_after = |stack: &mut Vec<(SttKind, usize)>, row: Option<usize>| match row
        .and_then(|r| stack.iter().rposition(|(_, s)| *s == r))
    {
        Some(pos) => stack.truncate(pos + 1),
        None => stack.clear(),
    };
    for (i, row) in rows.iter().enumerate() {
        let prev = i.checked_sub(1);
        if let (Some(rel), Some(p)) = (row.after_label, prev) {
            group = Some((p, rel));
        }
        match row.kind {
            SttKind::Blank if row.of_which => {
                // Under the row above, or beside it when that was `Trong đó` too.
                let anchor = prev.and_then(|p| {
                    if rows[p].of_which && rows[p].kind == SttKind::Blank {
                        out[p].parent
                    } else {
                        Some(p)
                    }
                });
                truncate_after(&mut stack, anchor);
                stack.push((SttKind::OfWhich, i));
                if let Some(a) = anchor {
                    group = Some((a, Relation::OfWhich));
                }
            }
            SttKind::Blank => match prev {
                None => stack.push((SttKind::Blank, i)),
                Some(p) if row.after_label.is_some() => {
                    truncate_after(&mut stack, Some(p));
                    stack.push((SttKind::Blank, i));
                }
                Some(p) => {
                    let heading_above = unit_column
                        && !rows[p].has_unit
                        && row.has_unit
                        && !matches!(rows[p].kind, SttKind::Blank | SttKind::OfWhich);
                    if row.indent > rows[p].indent || heading_above {
                        truncate_after(&mut stack, Some(p));
                    } else {
                        while stack
                            .last()
                            .is_some_and(|&(_, s)| rows[s].indent > row.indent)
                        {
                            stack.pop();
                        }
                        if stack
                            .last()
                            .is_some_and(|&(_, s)| rows[s].indent == row.indent)
                        {
                            stack.pop();
                        }
                    }
                    stack.push((SttKind::Blank, i));
                }
            },
            kind => {
                if let Some(pos) = stack.iter().rposition(|(k, _)| *k == kind) {
                    stack.truncate(pos);
                } else {
                    while stack.last().is_some_and(|&(k, _)| rank(k) >= rank(kind)) {
                        stack.pop();
                    }
                }
                stack.push((kind, i));
            }
        }
        let level = stack.len().min(u8::MAX as usize) as u8;
        let parent = stack.len().checked_sub(2).map(|p| stack[p].1);
        let mut group_relation = None;
        if let Some((anchor, rel)) = group {
            if parent == Some(anchor) {
                group_relation = Some(rel);
            } else if level <= out.get(anchor).map_or(0, |a: &Placement| a.level) {
                group = None;
            }
        }
        out.push(Placement {
            level,
            parent,
            group_relation,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(stts: &[&str]) -> Vec<SttKind> {
        let mut ctx = SttContext::default();
        stts.iter().map(|s| classify(s, &mut ctx)).collect()
    }

    fn input(kind: SttKind) -> LevelInput {
        LevelInput {
            kind,
            indent: 0,
            of_which: false,
            has_unit: true,
            after_label: None,
        }
    }

    fn levels(stts: &[&str]) -> Vec<u8> {
        let rows: Vec<LevelInput> = kinds(stts).into_iter().map(input).collect();
        place(&rows, true).into_iter().map(|p| p.level).collect()
    }

    #[test]
    fn numbering_styles_are_told_apart() {
        use SttKind::*;
        assert_eq!(kinds(&["I", "II", "III", "IV", "V"]), vec![Roman; 5]);
        assert_eq!(kinds(&["A", "B", "C", "D"]), vec![Upper; 4]);
        assert_eq!(kinds(&["G", "H", "I"]), vec![Upper; 3]);
        assert_eq!(
            kinds(&["1.", "1.1", "1.1.2", "a)", "-", "+", "(3)"]),
            vec![Arabic, Dotted(1), Dotted(2), Lower, Dash, Plus, Arabic]
        );
    }

    #[test]
    fn sections_items_and_bullets_nest() {
        assert_eq!(
            levels(&["I", "1", "a", "-", "-", "b", "2", "II", "1"]),
            vec![1, 2, 3, 4, 4, 3, 2, 1, 2]
        );
    }

    #[test]
    fn dotted_numbers_go_under_plain_ones() {
        assert_eq!(
            levels(&["1", "1.1", "1.2", "1.2.1", "2", "2.1"]),
            vec![1, 2, 2, 3, 1, 2]
        );
    }

    #[test]
    fn a_higher_style_after_a_lower_one_does_not_nest() {
        // A form starting with items, then a section letter: `A` closes the items.
        assert_eq!(levels(&["1", "2", "A", "1"]), vec![1, 1, 1, 2]);
    }

    #[test]
    fn a_total_row_on_top_holds_the_rest() {
        let mut rows = vec![input(SttKind::Total)];
        rows.extend(kinds(&["A", "1", "2", "B", "1"]).into_iter().map(input));
        let p = place(&rows, true);
        assert_eq!(
            p.iter().map(|p| p.level).collect::<Vec<_>>(),
            vec![1, 2, 3, 3, 2, 3]
        );
        assert_eq!(p[4].parent, Some(0));
    }

    #[test]
    fn of_which_prefix_rows_hang_under_the_row_above() {
        let mut rows: Vec<LevelInput> =
            kinds(&["1", "2", "", "3"]).into_iter().map(input).collect();
        rows[2].of_which = true;
        let p = place(&rows, true);
        assert_eq!(
            p[2],
            Placement {
                level: 2,
                parent: Some(1),
                group_relation: Some(Relation::OfWhich)
            }
        );
        assert_eq!(p[3].level, 1);
        assert_eq!(p[3].group_relation, None);
    }

    #[test]
    fn rows_after_a_bare_of_which_label_are_of_which_children() {
        let mut rows: Vec<LevelInput> = kinds(&["1", "2", "-", "-", "3"])
            .into_iter()
            .map(input)
            .collect();
        rows[2].after_label = Some(Relation::OfWhich);
        let p = place(&rows, true);
        assert_eq!(p[2].parent, Some(1));
        assert_eq!(p[3].group_relation, Some(Relation::OfWhich));
        assert_eq!(p[4].group_relation, None);
    }

    #[test]
    fn rows_without_stt_follow_indentation() {
        let rows: Vec<LevelInput> = [0u8, 1, 2, 2, 1, 0]
            .iter()
            .map(|&indent| LevelInput {
                indent,
                ..input(SttKind::Blank)
            })
            .collect();
        let p = place(&rows, true);
        assert_eq!(
            p.iter().map(|p| p.level).collect::<Vec<_>>(),
            vec![1, 2, 3, 3, 2, 1]
        );
        assert_eq!(p[4].parent, Some(0));
    }

    #[test]
    fn bullets_typed_in_the_name_are_found() {
        assert_eq!(bullet_in_name("- Lúa"), Some(("-".into(), "Lúa".into())));
        assert_eq!(
            bullet_in_name("a) Cây hằng năm"),
            Some(("a".into(), "Cây hằng năm".into()))
        );
        assert_eq!(
            bullet_in_name("1.2. Dân số"),
            Some(("1.2".into(), "Dân số".into()))
        );
        assert_eq!(bullet_in_name("Dân số"), None);
        assert_eq!(bullet_in_name("-5 độ"), None);
        assert_eq!(bullet_in_name("Tỷ lệ (%)"), None);
    }
}
