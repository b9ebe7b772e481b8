//! The pair model: is an article about a claim, and if so does it agree,
//! disagree or merely discuss it?
//!
//! When the labels include `unrelated` (FNC-1's scheme) the model has two
//! linfa classifiers: the first tells related from unrelated on the features
//! of overlap and similarity only; the second, trained on related pairs,
//! picks among the other labels on all features. A pair's probabilities
//! are `P(unrelated)` from the first and `(1 - P(unrelated)) * P(label |
//! related)` for the others. With any other label set one classifier does
//! it all.

use std::collections::HashMap;

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::bias;
use super::data::PairData;
use super::features::{BodyFeatures, ClaimFeatures, PairFeaturizer};
use crate::analysis::{Analyzer, AnalyzerConfig};
use crate::error::{Error, Result};
use crate::features::{SparseRow, TfidfVectorizer};
use crate::model::{Classifier, LinearScorer};
use crate::pipeline::{ModelMetadata, StanceModel, argmax};
use crate::progress::Progress;
use crate::train::{ClassWeight, TrainConfig, fit_classifier, label_indices};

/// The label that sends a model to the two-stage design.
pub const UNRELATED: &str = "unrelated";

/// The classifiers of a pair model.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stages {
    /// One classifier over every label, on the full pair row.
    Single(Classifier),
    /// Related or not first, then the stance of related pairs.
    TwoStage {
        /// Index of `unrelated` in the model's labels.
        unrelated: usize,
        /// Classes: 0 related, 1 unrelated; on the relatedness row.
        relatedness: Classifier,
        /// Classes: the other labels in label order; on the full row.
        stance: Classifier,
    },
}

/// A trained claim-article stance model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PairModel {
    pub analyzer: AnalyzerConfig,
    /// One vocabulary for claims and bodies.
    pub vectorizer: TfidfVectorizer,
    /// Scores the body's sentences (accusation / denial / neutral).
    pub sentence_model: StanceModel,
    /// Label names; class index `i` is `labels[i]`.
    pub labels: Vec<String>,
    pub stages: Stages,
    /// Log-offsets added to the last stage's label scores (the stance
    /// stage's labels, or all labels with one stage), tuned for macro-F1
    /// ([`super::bias`]); empty for none.
    #[serde(default)]
    pub bias: Vec<f64>,
    pub metadata: ModelMetadata,
}

/// A body with the pieces classify shows: its sentences nearest a claim.
#[derive(Debug, Clone)]
pub struct PairPrediction {
    /// Probability per label, in label order.
    pub scores: Vec<f64>,
    /// Index of the predicted label.
    pub label: usize,
    /// The body's sentences nearest the claim, nearest first.
    pub nearest: Vec<NearSentence>,
}

/// A body sentence near the claim, with the sentence model's verdict.
#[derive(Debug, Clone)]
pub struct NearSentence {
    pub index: usize,
    pub similarity: f64,
    pub start: usize,
    pub end: usize,
    pub stance: Vec<f64>,
}

/// Analyzers and scorers built once from a loaded model.
pub struct PairPredictor<'m> {
    model: &'m PairModel,
    analyzer: Analyzer,
    sentence_analyzer: Analyzer,
    scorers: Scorers,
}

enum Scorers {
    Single(LinearScorer),
    TwoStage {
        unrelated: usize,
        relatedness: LinearScorer,
        stance: LinearScorer,
    },
}

impl PairModel {
    /// Builds what prediction needs; do it once per model.
    pub fn predictor(&self) -> Result<PairPredictor<'_>> {
        let analyzer = Analyzer::new(self.analyzer.clone())?;
        let sentence_analyzer = self.sentence_model.analyzer()?;
        let v = self.vectorizer.n_features();
        let n_dense = self.n_dense();
        let full = 3 * v + n_dense;
        let scorers = match &self.stages {
            Stages::Single(classifier) => {
                Scorers::Single(classifier.linear_scorer(full, self.labels.len()))
            }
            Stages::TwoStage {
                unrelated,
                relatedness,
                stance,
            } => Scorers::TwoStage {
                unrelated: *unrelated,
                relatedness: relatedness.linear_scorer(v + n_dense, 2),
                stance: stance.linear_scorer(full, self.labels.len() - 1),
            },
        };
        Ok(PairPredictor {
            model: self,
            analyzer,
            sentence_analyzer,
            scorers,
        })
    }

    /// The model card's fields, for reports.
    pub fn card_fields(&self) -> Vec<(&'static str, String)> {
        let meta = &self.metadata;
        let mut fields =
            crate::explain::settings_fields(&meta.config, Some(self.vectorizer.n_features()));
        fields.push((
            "design",
            match &self.stages {
                Stages::Single(_) => "claim-article pairs, one stage".to_owned(),
                Stages::TwoStage { .. } => {
                    "claim-article pairs, two stages (related or not, then the stance)".to_owned()
                }
            },
        ));
        if !self.bias.is_empty() {
            let stage_labels = self.labels.iter().filter(|l| match self.stages {
                Stages::TwoStage { unrelated, .. } => *l != &self.labels[unrelated],
                Stages::Single(_) => true,
            });
            let offsets: Vec<String> = stage_labels
                .zip(&self.bias)
                .map(|(label, offset)| format!("{label} x{:.2}", offset.exp()))
                .collect();
            fields.push(("label score factors", offsets.join(", ")));
        }
        fields.extend(crate::explain::provenance_fields(
            meta,
            &self.labels,
            "pairs",
        ));
        fields.push((
            "sentence model",
            format!(
                "trained on {} ({} rows)",
                self.sentence_model.metadata.training_data,
                self.sentence_model.metadata.training_rows
            ),
        ));
        fields
    }

    /// Number of dense pair features this model's rows carry.
    pub fn n_dense(&self) -> usize {
        super::features::DENSE_BASE + 2 * self.sentence_model.labels.len()
    }

    /// Checks the classifiers' shapes against the vocabulary and labels, so
    /// that prediction on a loaded model cannot index out of bounds.
    pub fn check(&self) -> std::result::Result<(), String> {
        self.analyzer
            .ngram_range
            .validate()
            .map_err(|e| e.to_string())?;
        if self.labels.len() < 2 || self.labels.windows(2).any(|w| w[0] >= w[1]) {
            return Err("labels must be at least 2, sorted and unique".to_owned());
        }
        let v = self.vectorizer.n_features();
        let full = 3 * v + self.n_dense();
        let last_stage_labels = match &self.stages {
            Stages::Single(_) => self.labels.len(),
            Stages::TwoStage { .. } => self.labels.len() - 1,
        };
        if !self.bias.is_empty()
            && (self.bias.len() != last_stage_labels || self.bias.iter().any(|b| !b.is_finite()))
        {
            return Err(format!(
                "{} label offsets for {last_stage_labels} labels, or not finite",
                self.bias.len()
            ));
        }
        match &self.stages {
            Stages::Single(classifier) => classifier.check_shape(full, self.labels.len()),
            Stages::TwoStage {
                unrelated,
                relatedness,
                stance,
            } => {
                if *unrelated >= self.labels.len() || self.labels.len() < 3 {
                    return Err("two-stage model with an impossible label layout".to_owned());
                }
                relatedness.check_shape(v + self.n_dense(), 2)?;
                stance.check_shape(full, self.labels.len() - 1)
            }
        }
    }
}

impl<'m> PairPredictor<'m> {
    pub fn model(&self) -> &'m PairModel {
        self.model
    }

    fn featurizer(&self) -> PairFeaturizer<'_> {
        PairFeaturizer::new(
            &self.analyzer,
            &self.model.vectorizer,
            &self.model.sentence_model,
            &self.sentence_analyzer,
        )
    }

    /// Predicts one claim against one article body.
    pub fn predict(&self, claim: &str, body: &str, nearest: usize) -> PairPrediction {
        let featurizer = self.featurizer();
        let claim = featurizer.claim(claim);
        let body = featurizer.body(body);
        self.predict_features(&featurizer, &claim, &body, nearest)
    }

    fn predict_features(
        &self,
        featurizer: &PairFeaturizer,
        claim: &ClaimFeatures,
        body: &BodyFeatures,
        nearest: usize,
    ) -> PairPrediction {
        let row = featurizer.row(claim, body);
        let scores = self.scores(&row);
        let label = argmax(scores.iter().copied());
        let nearest = featurizer
            .nearest(claim, body, nearest)
            .into_iter()
            .map(|(index, similarity)| {
                let s = body.sentence(index);
                NearSentence {
                    index,
                    similarity,
                    start: s.start,
                    end: s.end,
                    stance: s.stance.clone(),
                }
            })
            .collect();
        PairPrediction {
            scores,
            label,
            nearest,
        }
    }

    /// Label probabilities of a pair row.
    fn scores(&self, row: &SparseRow) -> Vec<f64> {
        match &self.scorers {
            Scorers::Single(scorer) => {
                let mut scores = scorer.probabilities(&row.indices, &row.values);
                bias::apply(&mut scores, &self.model.bias);
                scores
            }
            Scorers::TwoStage {
                unrelated,
                relatedness,
                stance,
            } => {
                let related_row =
                    PairFeaturizer::relatedness_row(row, self.model.vectorizer.n_features());
                let p_unrelated =
                    relatedness.probabilities(&related_row.indices, &related_row.values)[1];
                let mut given_related = stance.probabilities(&row.indices, &row.values);
                bias::apply(&mut given_related, &self.model.bias);
                let mut scores = Vec::with_capacity(self.model.labels.len());
                let mut others = given_related.into_iter();
                for label in 0..self.model.labels.len() {
                    if label == *unrelated {
                        scores.push(p_unrelated);
                    } else {
                        scores.push((1.0 - p_unrelated) * others.next().unwrap_or(0.0));
                    }
                }
                scores
            }
        }
    }

    /// Label probabilities of every pair in `data` (`pairs x labels`), each
    /// body and claim analysed once.
    pub fn predict_data(&self, data: &PairData) -> Array2<f64> {
        let featurizer = self.featurizer();
        let (bodies, claims) = prepare(&featurizer, data);
        let rows: Vec<Vec<f64>> = data
            .examples
            .par_iter()
            .map(|e| {
                let row = featurizer.row(&claims[e.claim.as_str()], &bodies[e.body]);
                self.scores(&row)
            })
            .collect();
        let k = self.model.labels.len();
        let mut out = Array2::zeros((rows.len(), k));
        for (mut target, row) in out.outer_iter_mut().zip(rows) {
            target.assign(&ndarray::Array1::from(row));
        }
        out
    }
}

/// Features of every distinct body and claim, computed in parallel.
fn prepare<'d>(
    featurizer: &PairFeaturizer,
    data: &'d PairData,
) -> (Vec<BodyFeatures>, HashMap<&'d str, ClaimFeatures>) {
    let bodies: Vec<BodyFeatures> = data.bodies.par_iter().map(|b| featurizer.body(b)).collect();
    let mut distinct: Vec<&str> = data.examples.iter().map(|e| e.claim.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let claims = distinct
        .par_iter()
        .map(|c| (*c, featurizer.claim(c)))
        .collect();
    (bodies, claims)
}

/// Trains a pair model on `data`, scoring body sentences with
/// `sentence_model`.
pub fn train_pairs(
    data: &PairData,
    config: &TrainConfig,
    sentence_model: StanceModel,
    progress: &dyn Progress,
) -> Result<PairModel> {
    config.validate()?;
    let labels = data.labels();
    if labels.len() < 2 {
        return Err(Error::data(
            &data.path,
            None,
            None,
            "every row has the same label: training needs at least 2 classes",
        ));
    }
    let analyzer = Analyzer::new(config.analyzer.clone())?;
    let sentence_analyzer = sentence_model.analyzer()?;

    progress.start("analysing claims and bodies", None);
    let vectorizer = fit_vocabulary(data, &analyzer, config)?;
    let featurizer =
        PairFeaturizer::new(&analyzer, &vectorizer, &sentence_model, &sentence_analyzer);
    let (bodies, claims) = prepare(&featurizer, data);
    let rows: Vec<SparseRow> = data
        .examples
        .par_iter()
        .map(|e| featurizer.row(&claims[e.claim.as_str()], &bodies[e.body]))
        .collect();
    progress.finish();
    let targets = label_indices(&labels, data.examples.iter().map(|e| e.label.as_str()));

    progress.start("fitting", None);
    let v = vectorizer.n_features();
    let full = featurizer.n_features();
    let n_dense = featurizer.n_dense();
    let bias;
    let stages = match labels.iter().position(|l| l == UNRELATED) {
        Some(unrelated) if labels.len() >= 3 => {
            let related_rows: Vec<SparseRow> = rows
                .iter()
                .map(|r| PairFeaturizer::relatedness_row(r, v))
                .collect();
            let is_unrelated: Vec<usize> = targets
                .iter()
                .map(|&t| usize::from(t == unrelated))
                .collect();
            // Class weighting is for the stances: balancing related against
            // unrelated would trade the relatedness that FNC-1 scores most
            // often for a few more related guesses.
            let unweighted = TrainConfig {
                class_weight: ClassWeight::None,
                ..config.clone()
            };
            let relatedness =
                fit_classifier(&related_rows, v + n_dense, &is_unrelated, 2, &unweighted)?;
            let (stance_rows, stance_targets): (Vec<SparseRow>, Vec<usize>) = rows
                .into_iter()
                .zip(&targets)
                .filter(|(_, t)| **t != unrelated)
                .map(|(r, &t)| (r, if t > unrelated { t - 1 } else { t }))
                .unzip();
            let stance = fit_classifier(
                &stance_rows,
                full,
                &stance_targets,
                labels.len() - 1,
                config,
            )?;
            let stance_bodies: Vec<usize> = data
                .examples
                .iter()
                .zip(&targets)
                .filter(|(_, t)| **t != unrelated)
                .map(|(e, _)| e.body)
                .collect();
            let bias_rows = BiasRows {
                rows: &stance_rows,
                n_features: full,
                targets: &stance_targets,
                n_labels: labels.len() - 1,
                bodies: &stance_bodies,
            };
            bias = tune_bias(&bias_rows, config)?;
            Stages::TwoStage {
                unrelated,
                relatedness,
                stance,
            }
        }
        _ => {
            let bodies: Vec<usize> = data.examples.iter().map(|e| e.body).collect();
            let bias_rows = BiasRows {
                rows: &rows,
                n_features: full,
                targets: &targets,
                n_labels: labels.len(),
                bodies: &bodies,
            };
            bias = tune_bias(&bias_rows, config)?;
            Stages::Single(fit_classifier(&rows, full, &targets, labels.len(), config)?)
        }
    };
    progress.finish();

    let mut label_counts = vec![0; labels.len()];
    targets.iter().for_each(|&t| label_counts[t] += 1);
    Ok(PairModel {
        analyzer: config.analyzer.clone(),
        vectorizer,
        sentence_model,
        labels,
        stages,
        bias,
        metadata: ModelMetadata::trained_now(
            config,
            data.path.display().to_string(),
            data.sha256.clone(),
            data.examples.len(),
            label_counts,
        ),
    })
}

/// The rows the last stage is trained on, with each row's article.
struct BiasRows<'a> {
    rows: &'a [SparseRow],
    n_features: usize,
    targets: &'a [usize],
    n_labels: usize,
    bodies: &'a [usize],
}

/// Label offsets for the last stage ([`bias::tune`]) on out-of-fold
/// probabilities, or none when `config.bias_folds` is 0. Folds are by
/// article, as new articles are what the model will meet: the pairs of
/// one body (several claims) never straddle a fold.
fn tune_bias(rows: &BiasRows, config: &TrainConfig) -> Result<Vec<f64>> {
    let folds = config.bias_folds;
    if folds == 0 {
        return Ok(Vec::new());
    }
    let mut out_of_fold = vec![Vec::new(); rows.rows.len()];
    for fold in 0..folds {
        let (held, kept): (Vec<usize>, Vec<usize>) =
            (0..rows.rows.len()).partition(|&i| rows.bodies[i] % folds == fold);
        let train_rows: Vec<SparseRow> = kept.iter().map(|&i| rows.rows[i].clone()).collect();
        let train_targets: Vec<usize> = kept.iter().map(|&i| rows.targets[i]).collect();
        if held.is_empty()
            || train_targets
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len()
                < rows.n_labels
        {
            return Err(Error::Training(format!(
                "--tune-bias {folds}: fold {} lacks a label or rows; use fewer folds",
                fold + 1
            )));
        }
        let classifier = fit_classifier(
            &train_rows,
            rows.n_features,
            &train_targets,
            rows.n_labels,
            config,
        )?;
        let scorer = classifier.linear_scorer(rows.n_features, rows.n_labels);
        for i in held {
            let row = &rows.rows[i];
            out_of_fold[i] = scorer.probabilities(&row.indices, &row.values);
        }
    }
    Ok(bias::tune(&out_of_fold, rows.targets, rows.n_labels))
}

/// One vocabulary over the distinct bodies and claims.
fn fit_vocabulary(
    data: &PairData,
    analyzer: &Analyzer,
    config: &TrainConfig,
) -> Result<TfidfVectorizer> {
    let mut claims: Vec<&str> = data.examples.iter().map(|e| e.claim.as_str()).collect();
    claims.sort_unstable();
    claims.dedup();
    let documents: Vec<Vec<String>> = data
        .bodies
        .par_iter()
        .map(String::as_str)
        .chain(claims.into_par_iter())
        .map(|text| analyzer.term_texts(text))
        .collect();
    let vectorizer = TfidfVectorizer::fit(&documents, config.vectorizer.clone())?;
    if vectorizer.n_features() == 0 {
        return Err(Error::Training(format!(
            "the vocabulary is empty: no term occurs in at least {} claims or bodies (lower --min-df)",
            config.vectorizer.min_df
        )));
    }
    Ok(vectorizer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pairs::data::PairExample;
    use crate::progress::NoProgress;
    use crate::test_support::tiny_model;

    fn data() -> PairData {
        let bodies = vec![
            "The council said the bridge will close in May. Cracks were found.".to_owned(),
            "Officials said the shark video is a hoax. It was edited.".to_owned(),
            "The club may sign a striker, reports say. Talks are unconfirmed.".to_owned(),
        ];
        let rows = [
            ("Bridge to close in May", 0, "agree"),
            ("Shark seen on highway", 1, "disagree"),
            ("Club signs striker", 2, "discuss"),
            ("Bridge to close in May", 1, "unrelated"),
            ("Shark seen on highway", 2, "unrelated"),
            ("Club signs striker", 0, "unrelated"),
        ];
        PairData {
            path: "pairs.csv".into(),
            bodies,
            examples: rows
                .iter()
                .enumerate()
                .map(|(i, (claim, body, label))| PairExample {
                    claim: (*claim).to_owned(),
                    body: *body,
                    label: (*label).to_owned(),
                    line: i as u64 + 2,
                })
                .collect(),
            sha256: String::new(),
        }
    }

    fn config() -> TrainConfig {
        let mut config = TrainConfig::default();
        config.vectorizer.min_df = 1;
        config
    }

    #[test]
    fn two_stage_scores_are_a_distribution_and_survive_a_round_trip() {
        let data = data();
        let model = train_pairs(&data, &config(), tiny_model(), &NoProgress).unwrap();
        assert!(matches!(
            model.stages,
            Stages::TwoStage { unrelated: 3, .. }
        ));
        let predictor = model.predictor().unwrap();
        let scores = predictor.predict_data(&data);
        for row in scores.outer_iter() {
            assert!((row.sum() - 1.0).abs() < 1e-9, "{row}");
        }
        let bytes = crate::persist::pair_to_bytes(&model).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.model");
        std::fs::write(&path, &bytes).unwrap();
        let loaded = crate::persist::load_pair(&path).unwrap();
        assert_eq!(loaded.predictor().unwrap().predict_data(&data), scores);
        // one pair at a time gives what the batch gives
        let single = predictor.predict("Club signs striker", &data.bodies[2], 1);
        assert_eq!(single.scores, scores.row(2).to_vec());
        assert_eq!(single.nearest.len(), 1);
    }

    #[test]
    fn a_damaged_pair_model_is_refused_on_load() {
        let mut model = train_pairs(&data(), &config(), tiny_model(), &NoProgress).unwrap();
        if let Stages::TwoStage { unrelated, .. } = &mut model.stages {
            *unrelated = 7;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.model");
        std::fs::write(&path, crate::persist::pair_to_bytes(&model).unwrap()).unwrap();
        let err = crate::persist::load_pair(&path).unwrap_err().to_string();
        assert!(err.contains("impossible label layout"), "{err}");
    }

    #[test]
    fn label_offsets_of_the_wrong_length_are_refused_on_load() {
        let mut model = train_pairs(&data(), &config(), tiny_model(), &NoProgress).unwrap();
        model.bias = vec![0.0, 1.0, 0.0, 0.0];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.model");
        std::fs::write(&path, crate::persist::pair_to_bytes(&model).unwrap()).unwrap();
        let err = crate::persist::load_pair(&path).unwrap_err().to_string();
        assert!(err.contains("4 label offsets for 3 labels"), "{err}");
    }
}
