//! Server-rendered SVG charts: readable without JavaScript, printable, every figure also given in a
//! table beside the chart. Labels are escaped; colours follow the stylesheet.

use std::fmt::Write;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A series of a line chart: its name, colour and a value per x label.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub colour: &'static str,
    pub values: Vec<f64>,
}

const WIDTH: f64 = 640.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;

fn scale_max(values: impl Iterator<Item = f64>) -> f64 {
    let max = values.fold(0.0f64, f64::max);
    let step = if max > 50.0 {
        20.0
    } else if max > 20.0 {
        10.0
    } else {
        5.0
    };
    ((max / step).ceil() * step).max(step)
}

/// A line chart of percentages by x label (years).
pub fn lines(title: &str, labels: &[String], series: &[Series]) -> String {
    let height = 240.0;
    let bottom = 40.0;
    let plot_h = height - TOP - bottom;
    let plot_w = WIDTH - LEFT - RIGHT;
    let max = scale_max(series.iter().flat_map(|s| s.values.iter().copied()));
    let x = |i: usize| {
        LEFT + if labels.len() > 1 {
            plot_w * i as f64 / (labels.len() - 1) as f64
        } else {
            plot_w / 2.0
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - v / max);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" class="chart">"#,
        escape(title)
    );
    for tick in 0..=4 {
        let v = max * f64::from(tick) / 4.0;
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#d8dde3"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#5b6675">{v:.0}%</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(v) + 4.0,
            y = y(v)
        );
    }
    for (i, label) in labels.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{}" font-size="12" text-anchor="middle" fill="#1c2430">{}</text>"##,
            x(i),
            height - bottom + 18.0,
            escape(label)
        );
    }
    for s in series {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>"#,
            points.join(" "),
            s.colour
        );
        for (i, v) in s.values.iter().enumerate() {
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{}"><title>{} {}: {v:.2}%</title></circle>"#,
                x(i),
                y(*v),
                s.colour,
                escape(&s.name),
                escape(&labels[i])
            );
        }
    }
    for (i, s) in series.iter().enumerate() {
        let lx = LEFT + 150.0 * i as f64;
        let _ = write!(
            svg,
            r##"<rect x="{lx}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}" font-size="12" fill="#1c2430">{}</text>"##,
            height - 14.0,
            s.colour,
            lx + 16.0,
            height - 4.0,
            escape(&s.name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A horizontal bar chart of percentages, one bar per label, each bar a link when given.
pub fn bars(title: &str, rows: &[(String, f64, Option<String>)], colour: &str) -> String {
    let row_h = 22.0;
    let label_w = 180.0;
    let height = TOP + row_h * rows.len() as f64 + 8.0;
    let plot_w = WIDTH - label_w - RIGHT - 48.0;
    let max = scale_max(rows.iter().map(|r| r.1));
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" class="chart">"#,
        escape(title)
    );
    for (i, (label, value, link)) in rows.iter().enumerate() {
        let y = TOP + row_h * i as f64;
        let w = plot_w * value / max;
        let bar = format!(
            r##"<rect x="{label_w}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{colour}"><title>{}: {value:.2}%</title></rect>"##,
            row_h - 6.0,
            escape(label)
        );
        let _ = write!(
            svg,
            r##"<text x="{}" y="{:.1}" font-size="12" text-anchor="end" fill="#1c2430">{}</text>"##,
            label_w - 6.0,
            y + 12.0,
            escape(label)
        );
        match link {
            Some(href) => {
                let _ = write!(svg, r#"<a href="{}">{bar}</a>"#, escape(href));
            }
            None => svg.push_str(&bar),
        }
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#5b6675">{value:.1}%</text>"##,
            label_w + w + 4.0,
            y + 12.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A grid of counts, `counts[row][column]` with an optional link each: each cell shaded by its
/// share of its row, its count written in it; row labels at the left, column labels above.
pub fn matrix(
    title: &str,
    rows: &[String],
    columns: &[String],
    counts: &[Vec<(u64, Option<String>)>],
) -> String {
    let (label_w, head_h, cell_h) = (150.0, 40.0, 30.0);
    let cell_w = (WIDTH - label_w - RIGHT) / columns.len().max(1) as f64;
    let height = head_h + cell_h * rows.len() as f64 + 4.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" class="chart">"#,
        escape(title)
    );
    for (j, column) in columns.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#1c2430">{}</text>"##,
            label_w + cell_w * (j as f64 + 0.5),
            head_h - 10.0,
            escape(column)
        );
    }
    for (i, (label, line)) in rows.iter().zip(counts).enumerate() {
        let y = head_h + cell_h * i as f64;
        let total: u64 = line.iter().map(|(n, _)| n).sum();
        let _ = write!(
            svg,
            r##"<text x="{}" y="{:.1}" font-size="12" text-anchor="end" fill="#1c2430">{}</text>"##,
            label_w - 6.0,
            y + cell_h / 2.0 + 4.0,
            escape(label)
        );
        for (j, (n, link)) in line.iter().enumerate() {
            let share = if total == 0 {
                0.0
            } else {
                *n as f64 / total as f64
            };
            let x = label_w + cell_w * j as f64;
            let ink = if share > 0.5 { "#ffffff" } else { "#1c2430" };
            let cell = format!(
                r##"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="#1f6f4a" fill-opacity="{:.2}" stroke="#d8dde3"/><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="{ink}">{n}</text>"##,
                cell_w,
                cell_h,
                0.05 + 0.9 * share,
                x + cell_w / 2.0,
                y + cell_h / 2.0 + 4.0
            );
            match link {
                Some(href) => {
                    let _ = write!(svg, r#"<a href="{}">{cell}</a>"#, escape(href));
                }
                None => svg.push_str(&cell),
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_with_escaped_labels() {
        let svg = lines(
            "Rates",
            &["2024".into(), "2025".into()],
            &[Series {
                name: "poor <x>".into(),
                colour: "#9a3412",
                values: vec![30.0, 25.5],
            }],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("poor &lt;x&gt;") && !svg.contains("<x>"));
        let b = bars(
            "By commune",
            &[("Xã A".into(), 12.5, Some("/households?class=poor".into()))],
            "#1f6f4a",
        );
        assert!(b.contains("<a href=\"/households?class=poor\">") && b.contains("12.5%"));
        let m = matrix(
            "Transitions",
            &["Nghèo".into(), "Cận nghèo".into()],
            &["Nghèo".into(), "Cận nghèo".into()],
            &[
                vec![
                    (90, Some("/households?class=poor&was=poor".into())),
                    (10, None),
                ],
                vec![(0, None), (0, None)],
            ],
        );
        assert!(m.contains(">90</text>") && m.contains(">10</text>"));
        assert!(m.contains(r#"<a href="/households?class=poor&amp;was=poor">"#));
        assert!(
            m.contains(r#"fill-opacity="0.86""#),
            "90 of 100 is a dark cell: {m}"
        );
        assert!(
            m.contains(r#"fill-opacity="0.05""#),
            "an empty row stays pale"
        );
    }
}
