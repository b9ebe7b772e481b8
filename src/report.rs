//! Accuracy reports for people: one self-contained HTML page (inline CSS
//! and SVG, no scripts, nothing fetched from the network) plus the same
//! figures as `metrics.json`, written into a report directory.
//!
//! The page holds the model card, the headline metrics, a confusion-matrix
//! heatmap, per-class precision / recall / F1 bars and the misclassified
//! rows with the terms that drove each wrong decision.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::charts::{BarGroup, confusion_heatmap, escape, grouped_bars};
use crate::error::{Error, Result};
use crate::evaluate::{CrossValidation, Evaluation, MeanStd};
use crate::explain::{Misclassified, settings_fields};
use crate::persist::write_atomically;
use crate::train::TrainConfig;

/// File name of the HTML page inside a report directory.
pub const HTML_FILE: &str = "report.html";
/// File name of the figures inside a report directory.
pub const METRICS_FILE: &str = "metrics.json";

/// Misclassified rows shown in a report, the most confident first; the
/// rest are counted, and `evaluate --predictions` lists them all.
pub const ERRORS_SHOWN: usize = 200;

/// The labelled CSV a report is about.
#[derive(Debug, Clone)]
pub struct DataSummary {
    pub path: String,
    pub rows: usize,
    pub sha256: String,
}

/// The page for one model evaluated on one labelled CSV.
pub fn evaluation_html(
    card: &[(&str, String)],
    data: &DataSummary,
    evaluation: &Evaluation,
    errors: &[Misclassified],
) -> String {
    let mut page = open_page(&format!("stance evaluation: {}", data.path));
    section_card(&mut page, "Model", card);
    section_data(&mut page, data);
    let _ = writeln!(page, "<h2>Headline</h2>\n<div class=\"headline\">");
    headline(&mut page, "rows", &evaluation.n.to_string());
    headline(
        &mut page,
        "accuracy",
        &format!("{:.3}", evaluation.accuracy),
    );
    headline(
        &mut page,
        "macro F1",
        &format!("{:.3}", evaluation.macro_f1),
    );
    if let Some(score) = evaluation.fnc_score {
        headline(&mut page, "FNC score", &format!("{score:.2}"));
    }
    headline(
        &mut page,
        "weighted F1",
        &format!("{:.3}", evaluation.weighted_f1),
    );
    page.push_str("</div>\n");
    let per_class: Vec<ClassSummary> = evaluation
        .per_class
        .iter()
        .map(|(label, m)| ClassSummary {
            label: label.clone(),
            precision: (m.precision, None),
            recall: (m.recall, None),
            f1: (m.f1, None),
            support: m.support as f64,
        })
        .collect();
    section_charts(
        &mut page,
        &evaluation.confusion.labels,
        &evaluation.confusion.matrix,
        &per_class,
    );
    section_errors(&mut page, errors, evaluation.n);
    close_page(page)
}

/// The page for a cross-validation: means and standard deviations over
/// folds, the pooled out-of-fold confusion matrix and errors.
pub fn cross_validation_html(
    config: &TrainConfig,
    data: &DataSummary,
    cv: &CrossValidation,
) -> String {
    let mut page = open_page(&format!(
        "stance {}-fold cross-validation: {}",
        cv.folds, data.path
    ));
    section_card(&mut page, "Settings", &settings_fields(config, None));
    section_data(&mut page, data);
    let _ = writeln!(
        page,
        "<h2>Headline</h2>\n<p>Mean ± standard deviation over {} stratified folds; every row is scored once, by the model that did not see it.</p>\n<div class=\"headline\">",
        cv.folds
    );
    headline(&mut page, "rows", &data.rows.to_string());
    headline(&mut page, "accuracy", &mean_std(cv.accuracy));
    headline(&mut page, "macro F1", &mean_std(cv.macro_f1));
    page.push_str("</div>\n");
    let (labels, matrix) = pooled_confusion(&cv.per_fold);
    section_charts(&mut page, &labels, &matrix, &per_class_over_folds(cv));
    section_folds(&mut page, cv);
    section_errors(&mut page, &cv.misclassified, data.rows);
    close_page(page)
}

/// Writes `html` and `metrics` into `dir` (created if missing), each file
/// atomically.
pub fn write_report<M: Serialize>(dir: &Path, html: &str, metrics: &M) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut json = serde_json::to_vec_pretty(metrics)
        .map_err(|e| Error::io(dir.join(METRICS_FILE), std::io::Error::other(e)))?;
    json.push(b'\n');
    write_atomically(&dir.join(HTML_FILE), html.as_bytes())?;
    write_atomically(&dir.join(METRICS_FILE), &json)
}

/// One class's figures, each with an optional spread over folds.
struct ClassSummary {
    label: String,
    precision: (f64, Option<f64>),
    recall: (f64, Option<f64>),
    f1: (f64, Option<f64>),
    support: f64,
}

fn per_class_over_folds(cv: &CrossValidation) -> Vec<ClassSummary> {
    let mut by_label: BTreeMap<&str, Vec<&crate::evaluate::ClassMetrics>> = BTreeMap::new();
    for fold in &cv.per_fold {
        for (label, m) in &fold.per_class {
            by_label.entry(label).or_default().push(m);
        }
    }
    by_label
        .into_iter()
        .map(|(label, metrics)| {
            let summary = |f: fn(&crate::evaluate::ClassMetrics) -> f64| {
                let values: Vec<f64> = metrics.iter().map(|m| f(m)).collect();
                let MeanStd { mean, std } = MeanStd::of(&values);
                (mean, Some(std))
            };
            ClassSummary {
                label: label.to_owned(),
                precision: summary(|m| m.precision),
                recall: summary(|m| m.recall),
                f1: summary(|m| m.f1),
                support: metrics.iter().map(|m| m.support as f64).sum::<f64>(),
            }
        })
        .collect()
}

/// The folds' confusion matrices added up over the union of their labels.
fn pooled_confusion(folds: &[Evaluation]) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut labels: Vec<String> = folds
        .iter()
        .flat_map(|f| f.confusion.labels.iter().cloned())
        .collect();
    labels.sort_unstable();
    labels.dedup();
    let index = |l: &String| labels.binary_search(l).unwrap_or_default();
    let mut matrix = vec![vec![0; labels.len()]; labels.len()];
    for fold in folds {
        let local = &fold.confusion.labels;
        for (i, row) in fold.confusion.matrix.iter().enumerate() {
            for (j, count) in row.iter().enumerate() {
                matrix[index(&local[i])][index(&local[j])] += count;
            }
        }
    }
    (labels, matrix)
}

fn mean_std(value: MeanStd) -> String {
    format!("{:.3} ± {:.3}", value.mean, value.std)
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}\
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}\
table{border-collapse:collapse;font-size:.9rem}td,th{border-bottom:1px solid #eee;padding:.3rem .6rem;text-align:left;vertical-align:top}\
th{background:#f6f6f6}td.num{text-align:right;font-variant-numeric:tabular-nums}\
.headline{display:flex;gap:1rem;flex-wrap:wrap}.metric{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:8rem}\
.metric b{display:block;font-size:1.6rem}.charts{display:flex;gap:2rem;flex-wrap:wrap;align-items:flex-start}\
figure{margin:0;max-width:40rem}figcaption{font-size:.85rem;color:#555}\
.term{display:inline-block;margin:0 .3rem .2rem 0;padding:0 .3rem;border-radius:3px;font-size:.8rem}\
.towards{background:#fde0dd}.against{background:#e0f3db}code{font-size:.85rem;word-break:break-all}";

fn open_page(title: &str) -> String {
    let mut page = String::new();
    let _ = writeln!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>{0}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{0}</h1>",
        escape(title)
    );
    page
}

fn close_page(mut page: String) -> String {
    let _ = writeln!(
        page,
        "<p><small>Written by stance {}.</small></p>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    page
}

fn section_card(page: &mut String, heading: &str, fields: &[(&str, String)]) {
    let _ = writeln!(page, "<h2>{heading}</h2>\n<table class=\"card\">");
    for (key, value) in fields {
        let _ = writeln!(
            page,
            "<tr><th>{}</th><td><code>{}</code></td></tr>",
            escape(key),
            escape(value)
        );
    }
    page.push_str("</table>\n");
}

fn section_data(page: &mut String, data: &DataSummary) {
    section_card(
        page,
        "Data",
        &[
            ("file", data.path.clone()),
            ("rows", data.rows.to_string()),
            ("sha256", data.sha256.clone()),
        ],
    );
}

fn headline(page: &mut String, name: &str, value: &str) {
    let _ = writeln!(
        page,
        "<div class=\"metric\">{}<b>{}</b></div>",
        escape(name),
        escape(value)
    );
}

fn section_charts(
    page: &mut String,
    labels: &[String],
    matrix: &[Vec<usize>],
    per_class: &[ClassSummary],
) {
    let groups: Vec<BarGroup> = per_class
        .iter()
        .map(|c| BarGroup {
            label: c.label.clone(),
            values: vec![c.precision, c.recall, c.f1],
        })
        .collect();
    let _ = writeln!(
        page,
        "<h2>Per class</h2>\n<div class=\"charts\">\n<figure>{}<figcaption>Confusion matrix: rows are gold labels, columns predicted; shading is the share of the row.</figcaption></figure>\n<figure>{}<figcaption>Precision, recall and F1 per class{}.</figcaption></figure>\n</div>",
        confusion_heatmap(labels, matrix),
        grouped_bars(
            &["precision", "recall", "F1"],
            &groups,
            "Precision, recall and F1 per class"
        ),
        if per_class.iter().any(|c| c.f1.1.is_some()) {
            " (error bars: ±1 standard deviation over folds)"
        } else {
            ""
        }
    );
    page.push_str(
        "<table>\n<tr><th>label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n",
    );
    let cell = |(value, spread): (f64, Option<f64>)| match spread {
        Some(sd) => format!("{value:.3} ± {sd:.3}"),
        None => format!("{value:.3}"),
    };
    for c in per_class {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&c.label),
            cell(c.precision),
            cell(c.recall),
            cell(c.f1),
            c.support
        );
    }
    page.push_str("</table>\n");
}

fn section_folds(page: &mut String, cv: &CrossValidation) {
    page.push_str("<h2>Folds</h2>\n<table>\n<tr><th>fold</th><th>rows</th><th>accuracy</th><th>macro F1</th><th>weighted F1</th></tr>\n");
    for (i, fold) in cv.per_fold.iter().enumerate() {
        let _ = writeln!(
            page,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3}</td><td class=\"num\">{:.3}</td><td class=\"num\">{:.3}</td></tr>",
            i + 1,
            fold.n,
            fold.accuracy,
            fold.macro_f1,
            fold.weighted_f1
        );
    }
    page.push_str("</table>\n");
}

fn section_errors(page: &mut String, errors: &[Misclassified], rows: usize) {
    let shown = errors.len().min(ERRORS_SHOWN);
    let _ = writeln!(
        page,
        "<h2>Misclassified rows</h2>\n<p>{} of {rows} rows are misclassified; the {shown} the model was most confident about are shown. \
         Terms are the sentence's words after analysis; a red term pushed the row towards the predicted label, a green one towards the gold label \
         (contribution = feature value × weight difference).</p>",
        errors.len()
    );
    if shown == 0 {
        return;
    }
    page.push_str("<table class=\"errors\">\n<tr><th>line</th><th>gold</th><th>predicted</th><th>confidence</th><th>text</th><th>terms (predicted vs gold)</th></tr>\n");
    for error in &errors[..shown] {
        let mut terms = String::new();
        for term in &error.explanation.terms {
            let class = if term.contribution >= 0.0 {
                "towards"
            } else {
                "against"
            };
            let _ = write!(
                terms,
                "<span class=\"term {class}\" title=\"term: {}\">{} {:+.2}</span>",
                escape(&term.term),
                escape(&term.words),
                term.contribution
            );
        }
        let _ = writeln!(
            page,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{:.2}</td><td>{}</td><td>{terms}</td></tr>",
            error.line,
            escape(&error.gold),
            escape(&error.predicted),
            error.confidence,
            escape(&error.text)
        );
    }
    page.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::predict_rows;
    use crate::explain::misclassified;
    use crate::test_support::{labelled, tiny_model};

    fn summary() -> DataSummary {
        DataSummary {
            path: "held-out <test>.csv".to_owned(),
            rows: 3,
            sha256: "ab".repeat(32),
        }
    }

    #[test]
    fn evaluation_page_holds_card_charts_and_escaped_errors() {
        let model = tiny_model();
        let analyzer = model.analyzer().unwrap();
        let data = labelled(&[
            ("The mayor rejected the claim as false.", "denial"),
            ("Critics blamed the <mayor> for the delays.", "neutral"),
            ("The bridge opens in March.", "neutral"),
        ]);
        let rows = predict_rows(&model, &data).unwrap();
        let evaluation = crate::evaluate::evaluate_rows(&rows);
        let errors = misclassified(&model, &analyzer, &rows, 3);
        assert!(!errors.is_empty(), "{rows:?}");
        let card = crate::explain::ModelCard::new(&model, 3).fields();
        let html = evaluation_html(&card, &summary(), &evaluation, &errors);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert_eq!(html.matches("<svg").count(), 2);
        assert!(html.contains("held-out &lt;test&gt;.csv"));
        assert!(html.contains("the &lt;mayor&gt; for"));
        assert!(!html.contains("<mayor>"));
        assert!(html.contains("logistic-regression"));
        // no scripts and nothing to fetch
        assert!(!html.contains("<script"));
        assert!(!html.contains("src=") && !html.contains("href="));
    }

    #[test]
    fn pooled_confusion_adds_folds_over_the_union_of_labels() {
        let a = Evaluation::from_labels(&["x", "y"], &["x", "x"]);
        let b = Evaluation::from_labels(&["z", "x"], &["z", "z"]);
        let (labels, matrix) = pooled_confusion(&[a, b]);
        assert_eq!(labels, ["x", "y", "z"]);
        assert_eq!(matrix, vec![vec![1, 0, 1], vec![1, 0, 0], vec![0, 0, 1]]);
    }

    #[test]
    fn report_directory_gets_both_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("new").join("report");
        let evaluation = Evaluation::from_labels(&["x", "y"], &["x", "x"]);
        write_report(&target, "<!DOCTYPE html>", &evaluation).unwrap();
        let html = std::fs::read_to_string(target.join(HTML_FILE)).unwrap();
        assert_eq!(html, "<!DOCTYPE html>");
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(target.join(METRICS_FILE)).unwrap()).unwrap();
        assert_eq!(json["accuracy"], 0.5);
        assert_eq!(json["confusion"]["matrix"][1][0], 1);
    }
}
