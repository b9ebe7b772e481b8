//! Measuring a model: accuracy, per-class precision / recall / F1, macro and
//! weighted F1, the confusion matrix, and stratified k-fold cross-validation.
//!
//! Metrics follow scikit-learn's definitions: the label set is the union of
//! gold and predicted labels, a precision or recall with a zero denominator
//! is 0, macro F1 is the unweighted mean over that label set and weighted F1
//! weights each class by its support.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::analysis::Analyzer;
use crate::data::{LabelledData, LabelledExample};
use crate::error::{Error, Result};
use crate::explain::{self, Misclassified};
use crate::pipeline::{ModelMetadata, StanceModel};
use crate::progress::Progress;
use crate::train::{TrainConfig, fit};

/// Precision, recall, F1 and support of one class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassMetrics {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// Confusion matrix: `matrix[gold][predicted]` over `labels`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confusion {
    pub labels: Vec<String>,
    pub matrix: Vec<Vec<usize>>,
}

/// The result of evaluating predictions against gold labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub n: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    /// The Fake News Challenge (FNC-1) score as a percentage of the best
    /// possible, present when the labels are FNC-1's (see [`fnc_score`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fnc_score: Option<f64>,
    pub weighted_f1: f64,
    pub per_class: BTreeMap<String, ClassMetrics>,
    pub confusion: Confusion,
}

/// FNC-1's labels: the three related stances and `unrelated`.
pub const FNC_LABELS: [&str; 4] = ["agree", "disagree", "discuss", "unrelated"];

/// The official FNC-1 score of a confusion matrix, as a percentage of the
/// score perfect predictions would get, or `None` unless every label is one
/// of [`FNC_LABELS`] and `unrelated` is among the gold labels.
///
/// Per pair: 0.25 when related-or-not is right (agree, disagree and discuss
/// all count as related), and a further 0.75 when a related gold label is
/// predicted exactly.
pub fn fnc_score(confusion: &Confusion) -> Option<f64> {
    if !confusion
        .labels
        .iter()
        .all(|l| FNC_LABELS.contains(&l.as_str()))
    {
        return None;
    }
    let unrelated = confusion.labels.iter().position(|l| l == "unrelated")?;
    let (mut score, mut best) = (0.0, 0.0);
    for (gold, row) in confusion.matrix.iter().enumerate() {
        for (predicted, &count) in row.iter().enumerate() {
            let count = count as f64;
            let gold_related = gold != unrelated;
            let predicted_related = predicted != unrelated;
            best += if gold_related { count } else { 0.25 * count };
            if gold_related == predicted_related {
                score += 0.25 * count;
            }
            if gold_related && gold == predicted {
                score += 0.75 * count;
            }
        }
    }
    if best == 0.0 {
        return None;
    }
    Some(100.0 * score / best)
}

impl Evaluation {
    /// Scores `predicted` against `gold` (same length, same order).
    pub fn from_labels<S: AsRef<str>, T: AsRef<str>>(gold: &[S], predicted: &[T]) -> Evaluation {
        assert_eq!(gold.len(), predicted.len(), "one prediction per gold label");
        let mut labels: Vec<String> = gold
            .iter()
            .map(|g| g.as_ref().to_owned())
            .chain(predicted.iter().map(|p| p.as_ref().to_owned()))
            .collect();
        labels.sort_unstable();
        labels.dedup();
        let k = labels.len();
        let index = |l: &str| {
            labels
                .binary_search_by(|x| x.as_str().cmp(l))
                .expect("label in set")
        };
        let mut matrix = vec![vec![0usize; k]; k];
        for (g, p) in gold.iter().zip(predicted) {
            matrix[index(g.as_ref())][index(p.as_ref())] += 1;
        }
        Evaluation::from_confusion(Confusion { labels, matrix })
    }

    /// The metrics of a confusion matrix (rows gold, columns predicted);
    /// every label in it counts in the macro average.
    pub fn from_confusion(confusion: Confusion) -> Evaluation {
        let Confusion { labels, matrix } = confusion;
        let k = labels.len();
        let n: usize = matrix.iter().flatten().sum();
        let correct: usize = (0..k).map(|i| matrix[i][i]).sum();
        let mut per_class = BTreeMap::new();
        for (i, label) in labels.iter().enumerate() {
            let support: usize = matrix[i].iter().sum();
            let predicted_i: usize = matrix.iter().map(|row| row[i]).sum();
            let tp = matrix[i][i] as f64;
            let precision = ratio(tp, predicted_i as f64);
            let recall = ratio(tp, support as f64);
            let f1 = ratio(2.0 * precision * recall, precision + recall);
            per_class.insert(
                label.clone(),
                ClassMetrics {
                    precision,
                    recall,
                    f1,
                    support,
                },
            );
        }
        let macro_f1 = ratio(per_class.values().map(|m| m.f1).sum(), k as f64);
        let weighted_f1 = ratio(
            per_class.values().map(|m| m.f1 * m.support as f64).sum(),
            n as f64,
        );
        let confusion = Confusion { labels, matrix };
        Evaluation {
            n,
            accuracy: ratio(correct as f64, n as f64),
            macro_f1,
            fnc_score: fnc_score(&confusion),
            weighted_f1,
            per_class,
            confusion,
        }
    }

    /// A plain-text report with stable, parseable lines.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "n            {}", self.n);
        let _ = writeln!(out, "accuracy     {:.4}", self.accuracy);
        let _ = writeln!(out, "macro_f1     {:.4}", self.macro_f1);
        if let Some(score) = self.fnc_score {
            let _ = writeln!(out, "fnc_score    {score:.2}");
        }
        let _ = writeln!(out, "weighted_f1  {:.4}", self.weighted_f1);
        let width = self.label_width();
        let _ = writeln!(
            out,
            "\n{:width$}  precision  recall  f1      support",
            "label"
        );
        for (label, m) in &self.per_class {
            let _ = writeln!(
                out,
                "{label:width$}  {:.4}     {:.4}  {:.4}  {}",
                m.precision, m.recall, m.f1, m.support
            );
        }
        let _ = writeln!(out, "\nconfusion (rows = gold, columns = predicted)");
        let _ = write!(out, "{:width$}", "");
        for label in &self.confusion.labels {
            let _ = write!(out, "  {label:>width$}");
        }
        out.push('\n');
        for (label, row) in self.confusion.labels.iter().zip(&self.confusion.matrix) {
            let _ = write!(out, "{label:width$}");
            for count in row {
                let _ = write!(out, "  {count:>width$}");
            }
            out.push('\n');
        }
        out
    }

    /// A Markdown report: headline table, per-class table, confusion matrix.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "| metric | value |\n|---|---|");
        let _ = writeln!(out, "| n | {} |", self.n);
        let _ = writeln!(out, "| accuracy | {:.4} |", self.accuracy);
        let _ = writeln!(out, "| macro F1 | {:.4} |", self.macro_f1);
        if let Some(score) = self.fnc_score {
            let _ = writeln!(out, "| FNC score | {score:.2} |");
        }
        let _ = writeln!(out, "| weighted F1 | {:.4} |", self.weighted_f1);
        let _ = writeln!(
            out,
            "\n| label | precision | recall | F1 | support |\n|---|---|---|---|---|"
        );
        for (label, m) in &self.per_class {
            let _ = writeln!(
                out,
                "| {label} | {:.4} | {:.4} | {:.4} | {} |",
                m.precision, m.recall, m.f1, m.support
            );
        }
        let _ = write!(out, "\n| gold \\ predicted |");
        for label in &self.confusion.labels {
            let _ = write!(out, " {label} |");
        }
        let _ = write!(out, "\n|---|");
        for _ in &self.confusion.labels {
            out.push_str("---|");
        }
        out.push('\n');
        for (label, row) in self.confusion.labels.iter().zip(&self.confusion.matrix) {
            let _ = write!(out, "| {label} |");
            for count in row {
                let _ = write!(out, " {count} |");
            }
            out.push('\n');
        }
        out
    }

    fn label_width(&self) -> usize {
        self.confusion
            .labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
            .max(5)
    }
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator == 0.0 {
        0.0
    } else {
        numerator / denominator
    }
}

/// One row's gold label next to the model's prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowPrediction {
    /// Line of the row in the CSV.
    pub line: u64,
    pub text: String,
    pub gold: String,
    pub predicted: String,
    /// Probability (score, for the SVM) of the predicted label.
    pub confidence: f64,
}

/// Predicts every row of a labelled CSV.
pub fn predict_rows(model: &StanceModel, data: &LabelledData) -> Result<Vec<RowPrediction>> {
    let examples: Vec<&LabelledExample> = data.examples.iter().collect();
    Ok(predict_examples(model, &model.analyzer()?, &examples))
}

/// Predicts each of `examples`.
pub fn predict_examples(
    model: &StanceModel,
    analyzer: &Analyzer,
    examples: &[&LabelledExample],
) -> Vec<RowPrediction> {
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let probs = model.predict_proba(analyzer, &texts);
    examples
        .iter()
        .zip(probs.outer_iter())
        .map(|(example, row)| {
            let best = crate::pipeline::argmax(row.iter().copied());
            RowPrediction {
                line: example.line,
                text: example.text.clone(),
                gold: example.label.clone(),
                predicted: model.labels[best].clone(),
                confidence: row[best],
            }
        })
        .collect()
}

/// Scores row predictions against their gold labels.
pub fn evaluate_rows(rows: &[RowPrediction]) -> Evaluation {
    let gold: Vec<&str> = rows.iter().map(|r| r.gold.as_str()).collect();
    let predicted: Vec<&str> = rows.iter().map(|r| r.predicted.as_str()).collect();
    Evaluation::from_labels(&gold, &predicted)
}

/// Evaluates `model` on a labelled CSV.
pub fn evaluate(model: &StanceModel, data: &LabelledData) -> Result<Evaluation> {
    Ok(evaluate_rows(&predict_rows(model, data)?))
}

/// Writes row predictions as CSV (`line,gold,predicted,confidence,text`).
pub fn write_row_predictions<W: std::io::Write>(
    out: W,
    rows: &[RowPrediction],
) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["line", "gold", "predicted", "confidence", "text"])?;
    for row in rows {
        writer.write_record([
            row.line.to_string(),
            row.gold.clone(),
            row.predicted.clone(),
            format!("{:.4}", row.confidence),
            row.text.clone(),
        ])?;
    }
    writer.flush()
}

/// Mean and (population) standard deviation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeanStd {
    pub mean: f64,
    pub std: f64,
}

impl MeanStd {
    pub(crate) fn of(values: &[f64]) -> MeanStd {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        MeanStd {
            mean,
            std: var.sqrt(),
        }
    }
}

/// Cross-validation results: every fold's evaluation and their summary.
#[derive(Debug, Clone, Serialize)]
pub struct CrossValidation {
    pub folds: usize,
    pub accuracy: MeanStd,
    pub macro_f1: MeanStd,
    pub per_fold: Vec<Evaluation>,
    /// Every row misclassified by the model that did not see it, most
    /// confident first (for reports; not part of the JSON figures).
    #[serde(skip)]
    pub misclassified: Vec<Misclassified>,
}

impl CrossValidation {
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "folds        {}", self.folds);
        let _ = writeln!(
            out,
            "accuracy     {:.4} ± {:.4}",
            self.accuracy.mean, self.accuracy.std
        );
        let _ = writeln!(
            out,
            "macro_f1     {:.4} ± {:.4}",
            self.macro_f1.mean, self.macro_f1.std
        );
        for (i, fold) in self.per_fold.iter().enumerate() {
            let _ = writeln!(
                out,
                "fold {:<3}     n={} accuracy={:.4} macro_f1={:.4}",
                i + 1,
                fold.n,
                fold.accuracy,
                fold.macro_f1
            );
        }
        out
    }
}

/// Assigns every row to one of `k` folds so that each label is spread as
/// evenly as possible over the folds (rows of a label shuffled with `seed`).
///
/// Errors if a label has a single row, naming its line: it cannot be both
/// trained on and tested.
pub fn stratified_folds(data: &LabelledData, k: usize, seed: u64) -> Result<Vec<usize>> {
    if k < 2 {
        return Err(Error::InvalidParameter(format!("folds {k}: must be >= 2")));
    }
    if k > data.examples.len() {
        return Err(Error::InvalidParameter(format!(
            "folds {k}: more than the {} rows",
            data.examples.len()
        )));
    }
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, example) in data.examples.iter().enumerate() {
        by_label.entry(&example.label).or_default().push(i);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fold_of = vec![0; data.examples.len()];
    let mut next = 0;
    for (label, mut rows) in by_label {
        if rows.len() < 2 {
            let line = data.examples[rows[0]].line;
            return Err(Error::data(
                &data.path,
                Some(line),
                Some("label"),
                format!(
                    "label `{label}` has only one row; stratified folds need at least 2 per label"
                ),
            ));
        }
        rows.shuffle(&mut rng);
        for row in rows {
            fold_of[row] = next % k;
            next += 1;
        }
    }
    Ok(fold_of)
}

/// Fits `config` on the `train` rows; `labels` is the full, sorted label
/// list (every `train` label is in it), so every fold's model has the same
/// label order.
pub(crate) fn fit_subset(
    train: &[&LabelledExample],
    labels: &[String],
    config: &TrainConfig,
    progress: &dyn Progress,
) -> Result<StanceModel> {
    let texts: Vec<&str> = train.iter().map(|e| e.text.as_str()).collect();
    let targets = train
        .iter()
        .map(|e| {
            labels.binary_search(&e.label).map_err(|_| {
                Error::InvalidParameter(format!(
                    "label `{}` is not among the model's labels",
                    e.label
                ))
            })
        })
        .collect::<Result<Vec<usize>>>()?;
    let parts = fit(&texts, &targets, labels.len(), config, progress)?;
    Ok(StanceModel::new(
        config.analyzer.clone(),
        parts.vectorizer,
        labels.to_vec(),
        parts.classifier,
        ModelMetadata {
            config: config.clone(),
            training_data: String::new(),
            training_sha256: String::new(),
            training_rows: texts.len(),
            label_counts: Vec::new(),
            stance_version: env!("CARGO_PKG_VERSION").to_owned(),
            created: String::new(),
        },
    ))
}

/// Fits `config` on the `train` rows and scores it on the `test` rows.
pub(crate) fn fit_and_score(
    train: &[&LabelledExample],
    test: &[&LabelledExample],
    labels: &[String],
    config: &TrainConfig,
    progress: &dyn Progress,
) -> Result<Evaluation> {
    let model = fit_subset(train, labels, config, progress)?;
    let rows = predict_examples(&model, &model.analyzer()?, test);
    Ok(evaluate_rows(&rows))
}

/// Terms kept per explanation of a cross-validation error.
const ERROR_TERMS: usize = 5;

/// Stratified k-fold cross-validation of `config` on `data`.
pub fn cross_validate(
    data: &LabelledData,
    config: &TrainConfig,
    k: usize,
    progress: &dyn Progress,
) -> Result<CrossValidation> {
    config.validate()?;
    let fold_of = stratified_folds(data, k, config.seed)?;
    let labels = data.labels();
    let mut per_fold = Vec::with_capacity(k);
    let mut misclassified = Vec::new();
    for fold in 0..k {
        let (train, test): (Vec<_>, Vec<_>) = data
            .examples
            .iter()
            .enumerate()
            .partition(|(i, _)| fold_of[*i] != fold);
        let train: Vec<&LabelledExample> = train.into_iter().map(|(_, e)| e).collect();
        let test: Vec<&LabelledExample> = test.into_iter().map(|(_, e)| e).collect();
        let model = fit_subset(&train, &labels, config, progress)?;
        let analyzer = model.analyzer()?;
        let rows = predict_examples(&model, &analyzer, &test);
        per_fold.push(evaluate_rows(&rows));
        misclassified.extend(explain::misclassified(
            &model,
            &analyzer,
            &rows,
            ERROR_TERMS,
        ));
    }
    explain::most_confident_first(&mut misclassified);
    let accuracy: Vec<f64> = per_fold.iter().map(|e| e.accuracy).collect();
    let macro_f1: Vec<f64> = per_fold.iter().map(|e| e.macro_f1).collect();
    Ok(CrossValidation {
        folds: k,
        accuracy: MeanStd::of(&accuracy),
        macro_f1: MeanStd::of(&macro_f1),
        per_fold,
        misclassified,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::LabelledExample;

    #[test]
    fn fnc_score_follows_the_official_weights() {
        // gold: 2 unrelated, agree, discuss; predictions: one unrelated right,
        // one unrelated called discuss, agree right, discuss called agree.
        let gold = ["unrelated", "unrelated", "agree", "discuss"];
        let predicted = ["unrelated", "discuss", "agree", "agree"];
        let e = Evaluation::from_labels(&gold, &predicted);
        // score: 0.25 + 0 + (0.25 + 0.75) + 0.25 = 1.5; best: 0.25 * 2 + 1 + 1 = 2.5
        assert!((e.fnc_score.unwrap() - 60.0).abs() < 1e-9);
        assert!(
            Evaluation::from_labels(&["agree"], &["agree"])
                .fnc_score
                .is_none()
        );
        assert!(
            Evaluation::from_labels(&["unrelated", "neutral"], &["unrelated", "neutral"])
                .fnc_score
                .is_none()
        );
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""macro_f1":"#) && json.contains(r#""fnc_score":60.0"#));
        let plain = serde_json::to_string(&Evaluation::from_labels(&["a"], &["a"])).unwrap();
        assert!(!plain.contains("fnc_score"));
    }

    #[test]
    fn metrics_match_hand_computation() {
        let gold = ["a", "a", "a", "b", "b", "c"];
        let pred = ["a", "a", "b", "b", "c", "c"];
        let e = Evaluation::from_labels(&gold, &pred);
        assert_eq!(e.n, 6);
        assert!((e.accuracy - 4.0 / 6.0).abs() < 1e-12);
        let a = &e.per_class["a"];
        assert_eq!((a.precision, a.recall, a.support), (1.0, 2.0 / 3.0, 3));
        let b = &e.per_class["b"];
        assert_eq!((b.precision, b.recall), (0.5, 0.5));
        let c = &e.per_class["c"];
        assert_eq!((c.precision, c.recall), (0.5, 1.0));
        let f1 = [0.8, 0.5, 2.0 / 3.0];
        assert!((e.macro_f1 - f1.iter().sum::<f64>() / 3.0).abs() < 1e-12);
        assert!((e.weighted_f1 - (0.8 * 3.0 + 0.5 * 2.0 + 2.0 / 3.0) / 6.0).abs() < 1e-12);
        assert_eq!(
            e.confusion.matrix,
            vec![vec![2, 1, 0], vec![0, 1, 1], vec![0, 0, 1]]
        );
    }

    #[test]
    fn a_label_only_predicted_counts_with_zero_support() {
        let e = Evaluation::from_labels(&["a", "a"], &["a", "z"]);
        assert_eq!(e.confusion.labels, ["a", "z"]);
        assert_eq!(e.per_class["z"].support, 0);
        assert_eq!(e.per_class["z"].f1, 0.0);
    }

    fn data(labels: &[&str]) -> LabelledData {
        LabelledData {
            path: "d.csv".into(),
            examples: labels
                .iter()
                .enumerate()
                .map(|(i, l)| LabelledExample {
                    text: format!("row {i}"),
                    label: (*l).to_owned(),
                    line: i as u64 + 2,
                })
                .collect(),
            sha256: String::new(),
        }
    }

    #[test]
    fn folds_are_stratified_and_seeded() {
        let d = data(&["x", "x", "x", "x", "y", "y", "y", "y", "y", "y"]);
        let folds = stratified_folds(&d, 2, 3).unwrap();
        for label in ["x", "y"] {
            let in_fold0 = (0..10)
                .filter(|&i| d.examples[i].label == label && folds[i] == 0)
                .count();
            let total = (0..10).filter(|&i| d.examples[i].label == label).count();
            assert!(
                in_fold0 * 2 >= total - 1 && in_fold0 * 2 <= total + 1,
                "{label}: {folds:?}"
            );
        }
        assert_eq!(folds, stratified_folds(&d, 2, 3).unwrap());
    }

    #[test]
    fn a_singleton_label_is_named_with_its_line() {
        let d = data(&["x", "x", "y"]);
        let err = stratified_folds(&d, 2, 1).unwrap_err().to_string();
        assert_eq!(
            err,
            "d.csv:4: field `label`: label `y` has only one row; stratified folds need at least 2 per label"
        );
    }
}
