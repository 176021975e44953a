//! A boxed table of every result, one row per finding and per success.

use super::Report;

pub fn render(report: &Report) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for result in &report.results {
        let row = |kind: &str, file: &str, message: &str| {
            [
                kind.to_string(),
                file.to_string(),
                result.namespace.clone(),
                message.to_string(),
            ]
        };
        for _ in 0..result.successes {
            rows.push(row("success", &result.file, "SUCCESS"));
        }
        for (kind, findings) in [
            ("exception", &result.exceptions),
            ("warning", &result.warnings),
            ("failure", &result.failures),
        ] {
            for finding in findings {
                rows.push(row(kind, &finding.location.to_string(), &finding.message));
            }
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    let header = ["RESULT", "FILE", "NAMESPACE", "MESSAGE"].map(String::from);
    let width = |i: usize| {
        rows.iter()
            .chain(std::iter::once(&header))
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2), width(3)];
    let rule = |left: &str, middle: &str, right: &str| {
        let segments: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        format!("{left}{}{right}\n", segments.join(middle))
    };
    let line = |cells: &[String; 4], center: bool| {
        let cells: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, w)| {
                if center {
                    format!(" {cell:^w$} ")
                } else {
                    format!(" {cell:<w$} ")
                }
            })
            .collect();
        format!("│{}│\n", cells.join("│"))
    };
    let mut out = rule("┌", "┬", "┐");
    out.push_str(&line(&header, true));
    out.push_str(&rule("├", "┼", "┤"));
    for row in &rows {
        out.push_str(&line(row, false));
    }
    out.push_str(&rule("└", "┴", "┘"));
    out
}
