//! The compiled narratives (tổng hợp thuyết minh) of a period as one Word document
//! for the lead unit: a title (regime, period in words, lead unit), then one section
//! per unit in the unit tree's order, headed by the unit, with a line saying how its
//! report was sent, then its narrative's paragraphs (its outline's headings set as
//! headings). Pure: the gathered sections in, the .docx bytes out.

use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts, Style, StyleType};

use crate::error::{Error, Lang, Msg, Result};

/// The document's top.
pub struct Title {
    /// The language of the document's own words.
    pub lang: Lang,
    /// `KTXH — Báo cáo tình hình kinh tế - xã hội tháng`.
    pub regime: String,
    /// `Tháng 11 năm 2026`.
    pub period: String,
    /// `000.00.00.H99 — UBND tỉnh Mẫu`: the lead unit, or the units whose own subtree's
    /// narratives these are.
    pub unit: String,
    /// Whether `unit` compiles its own subtree's narratives rather than leading the regime.
    pub own: bool,
    /// Which reports count, in words.
    pub counted: String,
    /// When it was compiled, RFC 3339 (the document's creation time).
    pub made_at: String,
}

/// One unit's section.
pub struct Section {
    /// `H99.01.Z1 — Thôn 1`.
    pub heading: String,
    /// How its report was sent (or that it was not).
    pub sending: String,
    /// The narrative's lines, each marked whether it is one of the outline's headings;
    /// empty when the unit sent no narrative.
    pub lines: Vec<(String, bool)>,
    /// Said instead of the paragraphs when `lines` is empty.
    pub empty: Option<String>,
}

const FONT: &str = "Times New Roman";

fn style(id: &str, name: &str, size: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .bold()
        .size(size)
        .fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
}

fn text(style_id: Option<&str>, s: &str) -> Paragraph {
    let p = Paragraph::new().add_run(Run::new().add_text(s));
    match style_id {
        Some(id) => p.style(id),
        None => p,
    }
}

/// The .docx bytes.
pub fn write(title: &Title, sections: &[Section]) -> Result<Vec<u8>> {
    let say = |vi: &'static str, en: &'static str| match title.lang {
        Lang::Vi => vi,
        Lang::En => en,
    };
    // Sizes are in half-points: 13 pt body, as Vietnamese administrative documents are set.
    let mut doc = Docx::new()
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
        .default_size(26)
        .created_at(&title.made_at)
        .updated_at(&title.made_at)
        .add_style(
            style("Title", "Title", 32)
                .align(AlignmentType::Center)
                .outline_lvl(0),
        )
        .add_style(style("Heading1", "heading 1", 28).outline_lvl(0))
        .add_style(style("Heading2", "heading 2", 26).outline_lvl(1))
        .add_paragraph(text(
            Some("Title"),
            say("TỔNG HỢP THUYẾT MINH BÁO CÁO", "COMPILED REPORT NARRATIVES"),
        ))
        .add_paragraph(text(None, &title.regime).align(AlignmentType::Center))
        .add_paragraph(
            text(
                None,
                &format!(
                    "{}: {}",
                    say("Kỳ báo cáo", "Reporting period"),
                    title.period
                ),
            )
            .align(AlignmentType::Center),
        )
        .add_paragraph(text(
            None,
            &format!(
                "{}: {}",
                match title.own {
                    false => say("Cơ quan chủ trì", "Lead unit"),
                    true => say("Đơn vị", "Unit"),
                },
                title.unit
            ),
        ))
        .add_paragraph(text(None, &title.counted));
    for s in sections {
        doc = doc
            .add_paragraph(text(Some("Heading1"), &s.heading))
            .add_paragraph(Paragraph::new().add_run(Run::new().add_text(&s.sending).italic()));
        if s.lines.is_empty() {
            if let Some(e) = &s.empty {
                doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(e).italic()));
            }
        }
        for (line, heading) in &s.lines {
            doc = doc.add_paragraph(text(heading.then_some("Heading2"), line));
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| {
        Error::failure(
            Msg::new("Không tạo được tệp .docx", "Cannot make the .docx file"),
            e,
        )
    })?;
    Ok(out.into_inner())
}
