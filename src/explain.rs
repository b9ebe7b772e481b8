//! Explanations: which terms pushed a sentence towards its label.
//!
//! All three classifiers are linear in the feature vector `x`, so a class's
//! score is a sum over terms plus a constant, and a term's contribution to
//! the margin between the predicted label and the runner-up is exact:
//! `x[j] * (weight[j][label] - weight[j][runner_up])`, where the weight is
//! - logistic regression: the coefficient (the margin is in log-odds);
//! - naive Bayes: the feature log-probability (the margin is in log-likelihood);
//! - linear SVM: the one-vs-rest hyperplane (the margin is in decision value).
//!
//! Terms are stems and n-grams; each is mapped back to the words of the
//! sentence it came from, so "deni" is shown as "denied".

use serde::Serialize;

use crate::analysis::Analyzer;
use crate::evaluate::RowPrediction;
use crate::pipeline::{ModelMetadata, StanceModel};
use crate::train::TrainConfig;

/// One term's share of the margin between the label and the runner-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermContribution {
    /// The term after analysis (stemmed, possibly an n-gram).
    pub term: String,
    /// The words of the sentence the term came from.
    pub words: String,
    /// Positive: towards the label; negative: towards the runner-up.
    pub contribution: f64,
}

/// Why a sentence got its label rather than the runner-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub label: String,
    pub runner_up: String,
    /// Terms by contribution, strongest first (both signs).
    pub terms: Vec<TermContribution>,
}

/// Explains the prediction `label_index` for `text`, against the
/// second-most-probable label, keeping the `top` strongest terms.
pub fn explain(
    model: &StanceModel,
    analyzer: &Analyzer,
    text: &str,
    probabilities: &[f64],
    top: usize,
) -> Explanation {
    let (label, runner_up) = top_two(probabilities);
    explain_against(model, analyzer, text, label, runner_up, top)
}

/// Explains why `text` scores label index `label` above label index
/// `other`, keeping the `top` strongest terms. For a misclassified row,
/// `label` is the prediction and `other` the gold label: the terms that
/// led the model astray.
pub fn explain_against(
    model: &StanceModel,
    analyzer: &Analyzer,
    text: &str,
    label: usize,
    other: usize,
    top: usize,
) -> Explanation {
    let terms = analyzer.terms(text);
    let row = model
        .vectorizer
        .transform(&terms.iter().map(|t| t.text.as_str()).collect::<Vec<_>>());
    let columns: Vec<usize> = row.indices.iter().map(|&c| c as usize).collect();
    let weights =
        model
            .classifier
            .term_weights(&columns, model.vectorizer.n_features(), model.labels.len());
    let mut contributions: Vec<TermContribution> = columns
        .iter()
        .zip(&row.values)
        .enumerate()
        .map(|(k, (&column, &value))| {
            let term = model.vectorizer.term(column).to_owned();
            let words = terms
                .iter()
                .find(|t| t.text == term)
                .map_or_else(|| term.clone(), |t| text[t.start..t.end].to_owned());
            TermContribution {
                term,
                words,
                contribution: value * (weights[[k, label]] - weights[[k, other]]),
            }
        })
        .collect();
    contributions.sort_by(|a, b| {
        b.contribution
            .abs()
            .total_cmp(&a.contribution.abs())
            .then_with(|| a.term.cmp(&b.term))
    });
    contributions.truncate(top);
    Explanation {
        label: model.labels[label].clone(),
        runner_up: model.labels[other].clone(),
        terms: contributions,
    }
}

/// A row the model got wrong, with the terms that pushed it towards the
/// predicted label rather than the gold one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Misclassified {
    /// Line of the row in the CSV.
    pub line: u64,
    pub text: String,
    pub gold: String,
    pub predicted: String,
    pub confidence: f64,
    /// Predicted label against the gold label.
    pub explanation: Explanation,
}

/// The misclassified rows of `rows`, most confident first, each explained
/// with its `top` strongest terms.
pub fn misclassified(
    model: &StanceModel,
    analyzer: &Analyzer,
    rows: &[RowPrediction],
    top: usize,
) -> Vec<Misclassified> {
    let index = |label: &str| model.labels.iter().position(|l| l == label);
    let mut errors: Vec<Misclassified> = rows
        .iter()
        .filter(|row| row.gold != row.predicted)
        .filter_map(|row| {
            // A gold label the model never saw has no weights to compare
            // against; explain it against the runner-up instead.
            let predicted = index(&row.predicted)?;
            let explanation = match index(&row.gold) {
                Some(gold) => explain_against(model, analyzer, &row.text, predicted, gold, top),
                None => {
                    let probs = model.predict_proba(analyzer, &[row.text.as_str()]);
                    explain(model, analyzer, &row.text, probs.row(0).as_slice()?, top)
                }
            };
            Some(Misclassified {
                line: row.line,
                text: row.text.clone(),
                gold: row.gold.clone(),
                predicted: row.predicted.clone(),
                confidence: row.confidence,
                explanation,
            })
        })
        .collect();
    most_confident_first(&mut errors);
    errors
}

/// Misclassified rows without term explanations (for models whose score
/// is not linear in the words), most confident first.
pub fn misclassified_unexplained(rows: &[RowPrediction]) -> Vec<Misclassified> {
    let mut errors: Vec<Misclassified> = rows
        .iter()
        .filter(|r| r.gold != r.predicted)
        .map(|r| Misclassified {
            line: r.line,
            text: r.text.clone(),
            gold: r.gold.clone(),
            predicted: r.predicted.clone(),
            confidence: r.confidence,
            explanation: Explanation {
                label: r.predicted.clone(),
                runner_up: r.gold.clone(),
                terms: Vec::new(),
            },
        })
        .collect();
    most_confident_first(&mut errors);
    errors
}

/// Orders errors by confidence, highest first, then by line.
pub fn most_confident_first(errors: &mut [Misclassified]) {
    errors.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.line.cmp(&b.line))
    });
}

/// Indices of the largest and second-largest values.
fn top_two(values: &[f64]) -> (usize, usize) {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    (order[0], order.get(1).copied().unwrap_or(order[0]))
}

/// The terms that most favour each label over the others: for every label,
/// the `top` terms with the largest weight minus the mean weight of the
/// other labels.
pub fn strongest_terms(model: &StanceModel, top: usize) -> Vec<(String, Vec<(String, f64)>)> {
    let n_features = model.vectorizer.n_features();
    let n_classes = model.labels.len();
    let columns: Vec<usize> = (0..n_features).collect();
    let weights = model
        .classifier
        .term_weights(&columns, n_features, n_classes);
    (0..n_classes)
        .map(|class| {
            let mut scored: Vec<(String, f64)> = (0..n_features)
                .map(|j| {
                    let others: f64 = (0..n_classes)
                        .filter(|&c| c != class)
                        .map(|c| weights[[j, c]])
                        .sum::<f64>()
                        / (n_classes - 1) as f64;
                    (
                        model.vectorizer.term(j).to_owned(),
                        weights[[j, class]] - others,
                    )
                })
                .collect();
            scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            scored.truncate(top);
            (model.labels[class].clone(), scored)
        })
        .collect()
}

/// What `stance inspect` shows: the model's card and its strongest terms.
#[derive(Debug, Clone, Serialize)]
pub struct ModelCard<'a> {
    pub algorithm: String,
    pub labels: &'a [String],
    pub vocabulary_size: usize,
    pub metadata: &'a ModelMetadata,
    /// Per label, the terms that most favour it over the other labels.
    pub strongest_terms: Vec<LabelTerms>,
}

/// The strongest terms of one label, with their weight margins.
#[derive(Debug, Clone, Serialize)]
pub struct LabelTerms {
    pub label: String,
    pub terms: Vec<(String, f64)>,
}

impl<'a> ModelCard<'a> {
    pub fn new(model: &'a StanceModel, top: usize) -> Self {
        ModelCard {
            algorithm: model.classifier.algorithm().to_string(),
            labels: &model.labels,
            vocabulary_size: model.vectorizer.n_features(),
            metadata: &model.metadata,
            strongest_terms: strongest_terms(model, top)
                .into_iter()
                .map(|(label, terms)| LabelTerms { label, terms })
                .collect(),
        }
    }

    /// The card's fields as (name, value) pairs, in display order.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = settings_fields(&self.metadata.config, Some(self.vocabulary_size));
        fields.extend(provenance_fields(self.metadata, self.labels, "rows"));
        fields
    }

    pub fn to_text(&self) -> String {
        let mut out = fields_text(&self.fields());
        for group in &self.strongest_terms {
            out.push_str(&format!("\nstrongest terms for {}:\n", group.label));
            for (term, weight) in &group.terms {
                out.push_str(&format!("  {weight:>8.3}  {term}\n"));
            }
        }
        out
    }
}

/// Card fields as aligned `name  value` lines.
pub fn fields_text(fields: &[(&'static str, String)]) -> String {
    let longest = fields.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
    let width = (longest + 1).max(16);
    fields
        .iter()
        .map(|(key, value)| format!("{key:<width$}{value}\n"))
        .collect()
}

/// Labels with their training counts, the training data (`unit` names
/// its rows) and when and by what the model was made.
pub fn provenance_fields(
    meta: &ModelMetadata,
    labels: &[String],
    unit: &str,
) -> Vec<(&'static str, String)> {
    let counts: Vec<String> = labels
        .iter()
        .zip(meta.label_counts.iter().chain(std::iter::repeat(&0)))
        .map(|(l, n)| format!("{l} ({n})"))
        .collect();
    vec![
        ("labels", counts.join(", ")),
        (
            "training data",
            format!(
                "{} ({} {unit}, sha256 {})",
                meta.training_data, meta.training_rows, meta.training_sha256
            ),
        ),
        (
            "created",
            format!("{} by stance {}", meta.created, meta.stance_version),
        ),
    ]
}

/// Algorithm, hyperparameters, analyzer and feature settings of a training
/// configuration as (name, value) pairs; `vocabulary` is the fitted size.
pub fn settings_fields(
    config: &TrainConfig,
    vocabulary: Option<usize>,
) -> Vec<(&'static str, String)> {
    let analyzer = &config.analyzer;
    let v = &config.vectorizer;
    let terms = vocabulary.map_or(String::new(), |n| format!("{n} terms "));
    vec![
        ("algorithm", config.classifier.algorithm.to_string()),
        (
            "hyperparameters",
            format!(
                "c={} smoothing={} max_iterations={} class_weight={:?} seed={}{}",
                config.classifier.c,
                config.classifier.smoothing,
                config.classifier.max_iterations,
                config.class_weight,
                config.seed,
                match config.bias_folds {
                    0 => String::new(),
                    folds => format!(" tune_bias={folds}"),
                }
            ),
        ),
        (
            "analyzer",
            format!(
                "lowercase={} stop_words={:?} stemmer={} ngrams={}..={}",
                analyzer.lowercase,
                analyzer.stop_words,
                analyzer.stemmer.map_or("none", |l| l.name()),
                analyzer.ngram_range.min,
                analyzer.ngram_range.max
            ),
        ),
        (
            "features",
            format!(
                "{terms}(min_df={} max_df={} max_features={} sublinear_tf={} idf={})",
                v.min_df,
                v.max_df,
                v.max_features.map_or("none".to_owned(), |n| n.to_string()),
                v.sublinear_tf,
                v.use_idf
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::Classifier;
    use crate::test_support::tiny_model;

    #[test]
    fn logistic_contributions_add_up_to_the_log_odds() {
        let model = tiny_model();
        let analyzer = model.analyzer().unwrap();
        let text = "The mayor blamed the driver and rejected the claim.";
        let probs = model.predict_proba(&analyzer, &[text]);
        let probs: Vec<f64> = probs.row(0).to_vec();
        let explanation = explain(&model, &analyzer, text, &probs, usize::MAX);
        let label = model
            .labels
            .iter()
            .position(|l| *l == explanation.label)
            .unwrap();
        let runner = model
            .labels
            .iter()
            .position(|l| *l == explanation.runner_up)
            .unwrap();
        let Classifier::LogisticRegression(lr) = &model.classifier else {
            panic!("default algorithm is logistic regression");
        };
        let intercepts = lr.intercept();
        let from_terms: f64 = explanation.terms.iter().map(|t| t.contribution).sum();
        let log_odds = (probs[label] / probs[runner]).ln();
        assert!(
            (from_terms + intercepts[label] - intercepts[runner] - log_odds).abs() < 1e-9,
            "{from_terms} + intercept difference != {log_odds}"
        );
    }

    #[test]
    fn terms_map_back_to_sentence_words() {
        let model = tiny_model();
        let analyzer = model.analyzer().unwrap();
        let text = "The driver rejected it as false.";
        let probs = model.predict_proba(&analyzer, &[text]).row(0).to_vec();
        let explanation = explain(&model, &analyzer, text, &probs, 3);
        assert_eq!(explanation.label, "denial");
        let top = &explanation.terms[0];
        assert!(top.contribution > 0.0);
        assert!(
            ["rejected", "false"].contains(&top.words.as_str()),
            "{explanation:?}"
        );
    }

    #[test]
    fn strongest_terms_favour_their_label() {
        let model = tiny_model();
        let strongest = strongest_terms(&model, 2);
        let denial = strongest
            .iter()
            .find(|(label, _)| label == "denial")
            .unwrap();
        let terms: Vec<&str> = denial.1.iter().map(|(t, _)| t.as_str()).collect();
        assert!(
            terms.contains(&"reject") || terms.contains(&"fals"),
            "{terms:?}"
        );
    }

    #[test]
    fn top_two_orders_by_value_then_index() {
        assert_eq!(top_two(&[0.2, 0.5, 0.3]), (1, 2));
        assert_eq!(top_two(&[0.5, 0.5]), (0, 1));
    }
}
