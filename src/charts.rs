//! Self-contained SVG charts for reports: a confusion-matrix heatmap and
//! grouped per-class bars. Hand-written SVG keeps reports free of scripts and
//! of any network access, and keeps the output byte-stable for tests.

use std::fmt::Write as _;

/// Escapes text for HTML and SVG element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A confusion matrix as a heatmap: rows are gold labels, columns are
/// predicted labels. Cells are shaded by the share of their row (the
/// recall view), so a small class's errors are as visible as a large one's.
pub fn confusion_heatmap(labels: &[String], matrix: &[Vec<usize>]) -> String {
    let cell = 96.0;
    let left = 130.0;
    let top = 70.0;
    let k = labels.len() as f64;
    let width = left + k * cell + 20.0;
    let height = top + k * cell + 50.0;
    let mut svg = open_svg(
        width,
        height,
        "Confusion matrix: rows gold, columns predicted",
    );
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="20" text-anchor="middle" font-weight="bold">predicted</text>"#,
        left + k * cell / 2.0
    );
    let _ = writeln!(
        svg,
        r#"<text x="16" y="{0:.1}" transform="rotate(-90 16 {0:.1})" text-anchor="middle" font-weight="bold">gold</text>"#,
        top + k * cell / 2.0
    );
    for (j, label) in labels.iter().enumerate() {
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            left + (j as f64 + 0.5) * cell,
            top - 10.0,
            escape(label)
        );
    }
    for (i, (label, row)) in labels.iter().zip(matrix).enumerate() {
        let y = top + i as f64 * cell;
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 8.0,
            y + cell / 2.0 + 4.0,
            escape(label)
        );
        let total: usize = row.iter().sum();
        for (j, &count) in row.iter().enumerate() {
            let share = if total == 0 {
                0.0
            } else {
                count as f64 / total as f64
            };
            let x = left + j as f64 * cell;
            let ink = if share > 0.5 { "white" } else { "black" };
            let _ = writeln!(
                svg,
                r##"<rect class="cell" x="{x:.1}" y="{y:.1}" width="{cell}" height="{cell}" fill="{}" stroke="#fff"><title>gold {}, predicted {}: {count} ({:.1}% of the row)</title></rect>"##,
                blue(share),
                escape(label),
                escape(&labels[j]),
                share * 100.0
            );
            let _ = writeln!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{ink}" font-size="16">{count}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{ink}" font-size="11">{:.0}%</text>"#,
                x + cell / 2.0,
                y + cell / 2.0,
                x + cell / 2.0,
                y + cell / 2.0 + 18.0,
                share * 100.0
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// One group of bars: a label and its (value, spread) per series. The
/// spread, when present, is drawn as an error bar of ±spread.
pub struct BarGroup {
    pub label: String,
    pub values: Vec<(f64, Option<f64>)>,
}

/// Grouped vertical bars on a 0..1 scale, one colour per series.
pub fn grouped_bars(series: &[&str], groups: &[BarGroup], title: &str) -> String {
    let bar = 26.0;
    let gap = 30.0;
    let left = 50.0;
    let top = 40.0;
    let plot_height = 240.0;
    let group_width = bar * series.len() as f64 + gap;
    let width = left + group_width * groups.len() as f64 + 20.0;
    let height = top + plot_height + 50.0;
    let y = |v: f64| top + plot_height * (1.0 - v.clamp(0.0, 1.0));
    let mut svg = open_svg(width.max(360.0), height, title);
    for tick in 0..=5 {
        let v = tick as f64 / 5.0;
        let _ = writeln!(
            svg,
            r##"<line x1="{left}" x2="{x2:.1}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{tx:.1}" y="{ty:.1}" text-anchor="end">{v:.1}</text>"##,
            x2 = width - 20.0,
            yy = y(v),
            tx = left - 6.0,
            ty = y(v) + 4.0
        );
    }
    for (s, name) in series.iter().enumerate() {
        let x = left + s as f64 * 110.0;
        let _ = writeln!(
            svg,
            r#"<rect x="{x:.1}" y="8" width="12" height="12" fill="{}"/><text x="{:.1}" y="19">{}</text>"#,
            PALETTE[s % PALETTE.len()],
            x + 16.0,
            escape(name)
        );
    }
    for (g, group) in groups.iter().enumerate() {
        let x0 = left + gap / 2.0 + g as f64 * group_width;
        for (s, &(value, spread)) in group.values.iter().enumerate() {
            let x = x0 + s as f64 * bar;
            let name = series.get(s).copied().unwrap_or("");
            let spread_text = spread.map_or(String::new(), |sd| format!(" ± {sd:.3}"));
            let _ = writeln!(
                svg,
                r#"<rect class="bar" x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{} {}: {value:.3}{spread_text}</title></rect>"#,
                y(value),
                bar - 2.0,
                y(0.0) - y(value),
                PALETTE[s % PALETTE.len()],
                escape(&group.label),
                escape(name)
            );
            if let Some(sd) = spread {
                let cx = x + (bar - 2.0) / 2.0;
                let _ = writeln!(
                    svg,
                    r#"<line x1="{cx:.1}" x2="{cx:.1}" y1="{:.1}" y2="{:.1}" stroke="black"/>"#,
                    y(value + sd),
                    y(value - sd)
                );
            }
        }
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x0 + bar * series.len() as f64 / 2.0,
            y(0.0) + 18.0,
            escape(&group.label)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

const PALETTE: [&str; 6] = [
    "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860",
];

fn open_svg(width: f64, height: f64, title: &str) -> String {
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12" role="img">"#
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(title));
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    svg
}

/// White (share 0) to dark blue (share 1).
fn blue(share: f64) -> String {
    let s = share.clamp(0.0, 1.0);
    let channel = |from: f64, to: f64| (from + (to - from) * s).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        channel(247.0, 8.0),
        channel(251.0, 48.0),
        channel(255.0, 107.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_characters() {
        assert_eq!(
            escape(r#"<b a="x">Tom & 'Jerry'</b>"#),
            "&lt;b a=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn heatmap_has_a_cell_per_pair_and_escapes_labels() {
        let labels = vec!["a<b".to_owned(), "c".to_owned()];
        let svg = confusion_heatmap(&labels, &[vec![3, 1], vec![0, 0]]);
        assert_eq!(svg.matches(r#"class="cell""#).count(), 4);
        assert!(svg.contains("a&lt;b") && !svg.contains("a<b"));
        // a full-row cell is darkest, an empty row stays white
        assert!(svg.contains(r##"fill="#f7fbff""##));
        assert!(svg.contains("75.0% of the row"));
    }

    #[test]
    fn bars_draw_error_bars_only_with_a_spread() {
        let groups = [
            BarGroup {
                label: "x".to_owned(),
                values: vec![(0.5, Some(0.1)), (0.7, None)],
            },
            BarGroup {
                label: "y".to_owned(),
                values: vec![(1.0, None), (0.0, None)],
            },
        ];
        let svg = grouped_bars(&["precision", "recall"], &groups, "t");
        assert_eq!(svg.matches(r#"class="bar""#).count(), 4);
        assert_eq!(svg.matches(r#"stroke="black""#).count(), 1);
        assert!(svg.contains("x precision: 0.500 ± 0.100"));
    }
}
