//! Learning curve: macro-F1 against the size of the training set, over
//! several seeds, so a user can see whether more labelled data would help.
//!
//! For each fraction and seed, a stratified random subset of the training
//! rows (each label keeps the same share, and at least one row) is trained on
//! and scored against a fixed evaluation set: a separate CSV, or else a
//! stratified 20% held out of the data with the first seed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::data::{LabelledData, LabelledExample};
use crate::error::{Error, Result};
use crate::evaluate::{MeanStd, fit_and_score};
use crate::progress::Progress;
use crate::train::TrainConfig;

/// Macro-F1 at one training-set size.
#[derive(Debug, Clone, Serialize)]
pub struct CurvePoint {
    pub fraction: f64,
    /// Training rows used (the same for every seed).
    pub rows: usize,
    pub macro_f1: MeanStd,
    pub per_seed: Vec<f64>,
}

/// A learning curve and what it was measured on.
#[derive(Debug, Clone, Serialize)]
pub struct LearningCurve {
    /// Rows available for training.
    pub train_rows: usize,
    /// Rows scored at every point.
    pub eval_rows: usize,
    pub seeds: Vec<u64>,
    pub points: Vec<CurvePoint>,
}

/// Measures the curve. `eval` is the evaluation set; without one, 20% of
/// `data` (stratified, drawn with the first seed) is held out.
pub fn learning_curve(
    data: &LabelledData,
    eval: Option<&LabelledData>,
    config: &TrainConfig,
    fractions: &[f64],
    seeds: &[u64],
    progress: &dyn Progress,
) -> Result<LearningCurve> {
    config.validate()?;
    if seeds.is_empty() {
        return Err(Error::InvalidParameter(
            "seeds: give at least one".to_owned(),
        ));
    }
    if let Some(bad) = fractions.iter().find(|f| !(**f > 0.0 && **f <= 1.0)) {
        return Err(Error::InvalidParameter(format!(
            "fraction {bad}: must be in (0, 1]"
        )));
    }
    let (train_rows, eval_rows): (Vec<&LabelledExample>, Vec<&LabelledExample>) = match eval {
        Some(eval) => (
            data.examples.iter().collect(),
            eval.examples.iter().collect(),
        ),
        None => hold_out(&data.examples, 0.2, seeds[0]),
    };
    let labels = data.labels();
    let mut points = Vec::with_capacity(fractions.len());
    for &fraction in fractions {
        let mut per_seed = Vec::with_capacity(seeds.len());
        let mut rows = 0;
        for &seed in seeds {
            let subset = stratified_subset(&train_rows, fraction, seed);
            rows = subset.len();
            per_seed.push(fit_and_score(&subset, &eval_rows, &labels, config, progress)?.macro_f1);
        }
        points.push(CurvePoint {
            fraction,
            rows,
            macro_f1: MeanStd::of(&per_seed),
            per_seed,
        });
    }
    Ok(LearningCurve {
        train_rows: train_rows.len(),
        eval_rows: eval_rows.len(),
        seeds: seeds.to_vec(),
        points,
    })
}

/// Rows grouped by label, in label order, each group shuffled with `seed`.
fn shuffled_by_label<'a>(rows: &[&'a LabelledExample], seed: u64) -> Vec<Vec<&'a LabelledExample>> {
    let mut by_label: BTreeMap<&str, Vec<&LabelledExample>> = BTreeMap::new();
    for row in rows {
        by_label.entry(&row.label).or_default().push(row);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    by_label
        .into_values()
        .map(|mut group| {
            group.shuffle(&mut rng);
            group
        })
        .collect()
}

/// A stratified `fraction` of `rows` (at least one row per label).
fn stratified_subset<'a>(
    rows: &[&'a LabelledExample],
    fraction: f64,
    seed: u64,
) -> Vec<&'a LabelledExample> {
    shuffled_by_label(rows, seed)
        .into_iter()
        .flat_map(|group| {
            let take = ((group.len() as f64 * fraction).round() as usize).clamp(1, group.len());
            group.into_iter().take(take)
        })
        .collect()
}

/// Splits off a stratified `share` of `rows` for evaluation.
fn hold_out(
    rows: &[LabelledExample],
    share: f64,
    seed: u64,
) -> (Vec<&LabelledExample>, Vec<&LabelledExample>) {
    let all: Vec<&LabelledExample> = rows.iter().collect();
    let mut train = Vec::new();
    let mut eval = Vec::new();
    for group in shuffled_by_label(&all, seed) {
        let n_eval = (group.len() as f64 * share).round() as usize;
        let (held, kept) = group.split_at(n_eval.min(group.len().saturating_sub(1)));
        eval.extend_from_slice(held);
        train.extend_from_slice(kept);
    }
    (train, eval)
}

impl LearningCurve {
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "train rows {}  eval rows {}  seeds {}",
            self.train_rows,
            self.eval_rows,
            self.seeds.len()
        );
        let _ = writeln!(out, "fraction  rows    macro_f1");
        for p in &self.points {
            let _ = writeln!(
                out,
                "{:<8.2}  {:<6}  {:.4} ± {:.4}",
                p.fraction, p.rows, p.macro_f1.mean, p.macro_f1.std
            );
        }
        out
    }

    /// A self-contained SVG line chart: mean macro-F1 with ±1 std error bars.
    pub fn to_svg(&self) -> String {
        let (width, height, margin) = (640.0, 400.0, 60.0);
        let max_rows = self.points.iter().map(|p| p.rows).max().unwrap_or(1).max(1) as f64;
        let x = |rows: usize| margin + (rows as f64 / max_rows) * (width - 2.0 * margin);
        let y = |f1: f64| height - margin - f1.clamp(0.0, 1.0) * (height - 2.0 * margin);
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(
            svg,
            r#"<title>Learning curve: macro-F1 against training rows</title>"#
        );
        let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
        for tick in 0..=5 {
            let f1 = tick as f64 / 5.0;
            let _ = writeln!(
                svg,
                r##"<line x1="{m}" x2="{x2}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{tx}" y="{ty:.1}" text-anchor="end">{f1:.1}</text>"##,
                m = margin,
                x2 = width - margin,
                yy = y(f1),
                tx = margin - 6.0,
                ty = y(f1) + 4.0
            );
        }
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">training rows</text><text x="16" y="{}" transform="rotate(-90 16 {})" text-anchor="middle">macro-F1</text>"#,
            width / 2.0,
            height - 16.0,
            height / 2.0,
            height / 2.0
        );
        let path: Vec<String> = self
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.rows), y(p.macro_f1.mean)))
            .collect();
        let _ = writeln!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#1f77b4" stroke-width="2"/>"##,
            path.join(" ")
        );
        for p in &self.points {
            let (px, mean, std) = (x(p.rows), p.macro_f1.mean, p.macro_f1.std);
            let _ = writeln!(
                svg,
                r##"<line x1="{px:.1}" x2="{px:.1}" y1="{:.1}" y2="{:.1}" stroke="#1f77b4"/><circle cx="{px:.1}" cy="{:.1}" r="4" fill="#1f77b4"><title>{} rows: {mean:.3} ± {std:.3}</title></circle><text x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
                y(mean - std),
                y(mean + std),
                y(mean),
                p.rows,
                height - margin + 16.0,
                p.rows
            );
        }
        svg.push_str("</svg>\n");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use crate::test_support::labelled;

    fn data() -> LabelledData {
        let mut rows = Vec::new();
        for i in 0..10 {
            rows.push((
                format!("Critics blamed official {i} for the failure."),
                "accusation",
            ));
            rows.push((
                format!("Official {i} rejected the claim as false."),
                "denial",
            ));
            rows.push((
                format!("The bridge {i} opens to traffic in March."),
                "neutral",
            ));
        }
        let refs: Vec<(&str, &str)> = rows.iter().map(|(t, l)| (t.as_str(), *l)).collect();
        labelled(&refs)
    }

    #[test]
    fn subsets_are_stratified_and_seeded() {
        let d = data();
        let rows: Vec<&LabelledExample> = d.examples.iter().collect();
        let subset = stratified_subset(&rows, 0.3, 5);
        assert_eq!(subset.len(), 9);
        for label in ["accusation", "denial", "neutral"] {
            assert_eq!(subset.iter().filter(|e| e.label == label).count(), 3);
        }
        let again: Vec<u64> = stratified_subset(&rows, 0.3, 5)
            .iter()
            .map(|e| e.line)
            .collect();
        assert_eq!(subset.iter().map(|e| e.line).collect::<Vec<_>>(), again);
    }

    #[test]
    fn curve_has_a_point_per_fraction_and_an_svg() {
        let curve = learning_curve(
            &data(),
            None,
            &TrainConfig::default(),
            &[0.5, 1.0],
            &[1, 2],
            &NoProgress,
        )
        .unwrap();
        assert_eq!(curve.points.len(), 2);
        assert_eq!(curve.eval_rows, 6);
        assert_eq!(curve.train_rows, 24);
        assert_eq!(curve.points[1].rows, 24);
        assert!(curve.points[0].rows < curve.points[1].rows);
        assert!(curve.points.iter().all(|p| p.per_seed.len() == 2));
        let svg = curve.to_svg();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<circle").count(), 2);
    }

    #[test]
    fn bad_fractions_are_usage_errors() {
        let err = learning_curve(
            &data(),
            None,
            &TrainConfig::default(),
            &[0.0],
            &[1],
            &NoProgress,
        )
        .unwrap_err();
        assert!(err.to_string().contains("fraction 0: must be in (0, 1]"));
    }
}
