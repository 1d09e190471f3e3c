//! Bar charts drawn on the server as inline SVG: no script, no library, no `style=`
//! (the Content-Security-Policy forbids inline styles). Colours come from classes in
//! `board.css`; sizes are SVG attributes. A chart names itself with `<title>` and
//! `<desc>`; the page puts the same numbers in a table for screen readers.

/// One bar: its label, its value (its length is proportional to the value's size), the
/// value as the reader writes it, and a class for its colour.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    /// None: nothing to draw (no figure), `shown` says so.
    pub value: Option<f64>,
    pub shown: String,
    pub class: &'static str,
}

/// The chart's width in SVG units; it scales to its box (`viewBox`).
const WIDTH: f64 = 720.0;
/// Where the bars start: the labels are on their left.
const LABEL_WIDTH: f64 = 230.0;
/// Room right of the longest bar for its number.
const NUMBER_ROOM: f64 = 130.0;
const ROW: f64 = 34.0;
const BAR: f64 = 22.0;
const TOP: f64 = 8.0;

/// The longest a bar may be.
pub const BAR_ROOM: f64 = WIDTH - LABEL_WIDTH - NUMBER_ROOM;

/// Text for XML: `&`, `<`, `>` and quotes escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The length of a bar of `value` when the largest size is `max`: proportional, zero
/// for zero, nothing, or when every value is zero.
pub fn length(value: Option<f64>, max: f64) -> f64 {
    match value {
        Some(v) if max > 0.0 && v.is_finite() => (v.abs() / max * BAR_ROOM * 10.0).round() / 10.0,
        _ => 0.0,
    }
}

/// A label cut to fit the room left of the bars (the whole label stays in the table).
fn fitted(label: &str) -> String {
    const MAX: usize = 30;
    if label.chars().count() <= MAX {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(MAX - 1).collect();
        s.push('…');
        s
    }
}

/// A horizontal bar chart `<svg id="{id}" role="img">` labelled by its title and
/// description.
pub fn bars(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    let max = bars
        .iter()
        .filter_map(|b| b.value)
        .filter(|v| v.is_finite())
        .map(f64::abs)
        .fold(0.0, f64::max);
    let height = TOP * 2.0 + ROW * bars.len().max(1) as f64;
    let id = escape(id);
    let mut s = format!(
        r#"<svg id="{id}" class="chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">"#
    );
    s.push_str(&format!(
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(desc)
    ));
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let text_y = y + ROW / 2.0 + 5.0;
        let bar_y = y + (ROW - BAR) / 2.0;
        let len = length(b.value, max);
        let negative = b.value.is_some_and(|v| v < 0.0);
        let class = if negative {
            format!("{} negative", b.class)
        } else {
            b.class.to_string()
        };
        s.push_str(&format!(
            r#"<g class="bar"><text class="label" x="{lx}" y="{text_y}" text-anchor="end">{label}</text><rect class="{class}" x="{LABEL_WIDTH}" y="{bar_y}" width="{len}" height="{BAR}"></rect><text class="number" x="{nx}" y="{text_y}">{shown}</text></g>"#,
            lx = LABEL_WIDTH - 8.0,
            label = escape(&fitted(&b.label)),
            class = escape(&class),
            nx = LABEL_WIDTH + len + 6.0,
            shown = escape(&b.shown),
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: Option<f64>) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: value.map(|v| v.to_string()).unwrap_or_else(|| "—".into()),
            class: "on_time",
        }
    }

    /// The `width` of every `<rect>`, in order.
    fn widths(svg: &str) -> Vec<f64> {
        svg.split("<rect ")
            .skip(1)
            .map(|r| {
                let at = r.find(r#"width=""#).expect("width") + 7;
                r[at..at + r[at..].find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn bar_lengths_are_proportional_to_the_values() {
        let svg = bars(
            "chart-timeliness",
            "Tình hình gửi",
            "Số đơn vị",
            &[
                bar("Đúng hạn", Some(4.0)),
                bar("Trễ hạn", Some(2.0)),
                bar("Chưa gửi", Some(1.0)),
            ],
        );
        let w = widths(&svg);
        assert_eq!(w.len(), 3);
        assert_eq!(w[0], BAR_ROOM);
        assert_eq!(w[1], BAR_ROOM / 2.0);
        assert_eq!(w[2], BAR_ROOM / 4.0);
        assert!(svg.starts_with(r#"<svg id="chart-timeliness" class="chart" role="img" aria-labelledby="chart-timeliness-title chart-timeliness-desc""#));
        assert!(svg.contains(r#"<title id="chart-timeliness-title">Tình hình gửi</title>"#));
        assert!(svg.contains(r#"<desc id="chart-timeliness-desc">Số đơn vị</desc>"#));
        assert!(!svg.contains("style="), "no inline style under the CSP");
        // A negative figure is as long as its size, marked for its colour.
        let svg = bars("c", "t", "d", &[bar("a", Some(-3.0)), bar("b", Some(1.5))]);
        assert_eq!(widths(&svg), vec![BAR_ROOM, BAR_ROOM / 2.0]);
        assert!(svg.contains(r#"class="on_time negative""#));
    }

    #[test]
    fn zero_counts_and_missing_figures_draw_no_bar() {
        let svg = bars(
            "c",
            "t",
            "d",
            &[bar("Đúng hạn", Some(0.0)), bar("Trễ hạn", Some(0.0))],
        );
        assert_eq!(widths(&svg), vec![0.0, 0.0]);
        assert!(svg.contains(">0</text>"));
        let svg = bars(
            "c",
            "t",
            "d",
            &[bar("Tháng 10", None), bar("Tháng 11", Some(7.0))],
        );
        assert_eq!(widths(&svg), vec![0.0, BAR_ROOM]);
        assert!(svg.contains(">—</text>"));
        // No bars at all is still a chart of one empty row.
        let svg = bars("c", "t", "d", &[]);
        assert!(svg.contains(r#"viewBox="0 0 720 50""#), "{svg}");
        assert!(widths(&svg).is_empty());
    }

    #[test]
    fn labels_and_titles_are_escaped() {
        let svg = bars(
            "c",
            "Lúa <b>&</b>",
            "\"mô tả\"",
            &[bar("<script>alert('x')</script>", Some(1.0))],
        );
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("Lúa &lt;b&gt;&amp;&lt;/b&gt;"));
        assert!(svg.contains("&quot;mô tả&quot;"));
        assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)"));
        assert_eq!(escape("a&b"), "a&amp;b");
    }

    #[test]
    fn long_labels_are_cut_to_fit() {
        let long = "Giá trị sản xuất ngành nông nghiệp, lâm nghiệp và thủy sản";
        let svg = bars("c", "t", "d", &[bar(long, Some(1.0))]);
        assert!(!svg.contains(long));
        assert!(svg.contains("Giá trị sản xuất ngành nông n…"));
    }
}
